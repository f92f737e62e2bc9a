/**
 * Keystone application credentials for deploys that outlive any token (EGI_CDKTF_AUTH=application-credential).
 * The provider cannot renew a token, but with an application credential it re-authenticates by itself.
 * The hook creates one per (site, project, user): restricted (it cannot create other credentials or
 * trusts), with the roles of the user's token, expiring after EGI_APP_CREDENTIAL_TTL; it is reused
 * while half of that is left and deleted once expired. Its secret lives only in the 0600 token cache.
 * `egi-cdktf end-app-credentials` ends the cached ones when a deploy is over (a CI job's last step):
 * a CI runner starts with an empty cache, so without it each run would leave one alive for the TTL.
 * A credential replaced while still valid (less than half its lifetime left) is not deleted then, as
 * a deploy elsewhere may still use it; its successor's entry names it, so that it is ended too.
 *
 * Federated (Check-in) users get their roles through an expiring group membership that each federated
 * login renews: the site must set `[federation] default_authorization_ttl` (or the identity provider's
 * `authorization_ttl`) in keystone.conf, else Keystone refuses to create the credential, and the
 * credential stops working that many minutes after the user's last login. Equivalent to
 * `openstack application credential create --expiration ... --role member egi-cdktf-...`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TokenCache } from "./cache";
import { sha256 } from "./checkin";
import { maskSecret } from "./ci-mask";
import { EgiAuthError } from "./errors";
import type { Fetch } from "./http";
import { call } from "./keystone";
import { normaliseAuthUrl } from "./settings";
import type { ScopedSession } from "./session";

export interface ApplicationCredential {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly userId: string;
  readonly projectId: string;
  /**
   * The site's Keystone (OS_AUTH_URL, with `/v3`), so that the credential can be ended without the
   * app that made it. Absent in entries written by egi-cdktf before end-app-credentials.
   */
  readonly authUrl?: string;
  /**
   * Credentials this cache held before for the same site, project and user, replaced by this one
   * while still valid (a deploy running elsewhere may still use them): ended together with it.
   */
  readonly replaced?: readonly ReplacedCredential[];
}

/** A credential the hook replaced before it expired. */
export interface ReplacedCredential {
  readonly id: string;
  readonly name: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const isReplaced = (v: unknown): v is ReplacedCredential => {
  const r = v as Partial<ReplacedCredential> | null;
  return !!r && typeof r === "object" && typeof r.id === "string" && r.id.length > 0 && typeof r.name === "string" && typeof r.expiresAt === "number";
};

export interface ApplicationCredentialOptions {
  readonly cache: TokenCache;
  readonly fetch: Fetch;
  /** Lifetime of a new credential, seconds. */
  readonly ttlSeconds: number;
  /** Epoch seconds. */
  readonly now: () => number;
}

export const APP_CREDENTIAL_PREFIX = "egi-cdktf-";

function isApplicationCredential(v: unknown): v is ApplicationCredential {
  const c = v as Partial<ApplicationCredential> | null;
  return (
    !!c &&
    typeof c === "object" &&
    [c.id, c.name, c.secret, c.userId, c.projectId].every((s) => typeof s === "string" && s.length > 0) &&
    typeof c.expiresAt === "number" &&
    (c.authUrl === undefined || (typeof c.authUrl === "string" && c.authUrl.length > 0)) &&
    (c.replaced === undefined || (Array.isArray(c.replaced) && c.replaced.every(isReplaced)))
  );
}

const base = (session: ScopedSession) => session.authUrl.replace(/\/v3$/, "");
const cacheKey = (keystoneBase: string, projectId: string, userId: string) => sha256(["appcred", keystoneBase, projectId, userId].join("\n"));

/** A Keystone request with the session's token; a creation is not repeated after a timeout (it may have happened). */
function keystone(session: ScopedSession, fetch: Fetch, method: string, route: string, body?: unknown): Promise<Response> {
  const headers = { "X-Auth-Token": session.token, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) };
  return call(fetch, `${base(session)}/v3${route}`, { method, headers, body: body ? JSON.stringify(body) : undefined }, base(session), method !== "POST");
}

async function detail(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    return String(JSON.parse(text)?.error?.message ?? text).slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** The cached credential for this session's site, project and user, when Keystone still has it and enough of it is left. */
async function reusable(session: ScopedSession, key: string, o: ApplicationCredentialOptions): Promise<ApplicationCredential | undefined> {
  const cached = o.cache.read("appcred", key, isApplicationCredential);
  if (!cached || cached.expiresAt - o.now() < o.ttlSeconds / 2) return undefined;
  const res = await keystone(session, o.fetch, "GET", `/users/${encodeURIComponent(cached.userId)}/application_credentials/${encodeURIComponent(cached.id)}`);
  await res.body?.cancel();
  return res.status === 200 ? cached : undefined;
}

/** Delete this tool's credentials of the user that have expired (Keystone keeps expired ones until deleted). */
async function deleteExpired(session: ScopedSession, o: ApplicationCredentialOptions): Promise<number> {
  const user = encodeURIComponent(session.user.id);
  const res = await keystone(session, o.fetch, "GET", `/users/${user}/application_credentials`);
  if (res.status !== 200) {
    await res.body?.cancel();
    return 0;
  }
  const list = ((await res.json()) as { application_credentials?: Array<{ id: string; name: string; expires_at?: string | null }> }).application_credentials ?? [];
  let deleted = 0;
  for (const c of list) {
    if (!c.name.startsWith(APP_CREDENTIAL_PREFIX) || !c.expires_at || Date.parse(`${c.expires_at.replace(/Z?$/, "")}Z`) / 1000 > o.now()) continue;
    const del = await keystone(session, o.fetch, "DELETE", `/users/${user}/application_credentials/${encodeURIComponent(c.id)}`);
    await del.body?.cancel();
    if (del.status === 204) deleted++;
  }
  return deleted;
}

const stillValid = (list: readonly ReplacedCredential[], now: number): ReplacedCredential[] =>
  list.filter((c) => c.expiresAt > now).map(({ id, name, expiresAt }) => ({ id, name, expiresAt }));

/**
 * An application credential for the session's project: the cached one while Keystone has it and
 * at least half its lifetime is left, else a new one (and this tool's expired ones are deleted).
 */
export async function applicationCredential(session: ScopedSession, o: ApplicationCredentialOptions): Promise<{ readonly credential: ApplicationCredential; readonly reused: boolean }> {
  if (!session.user.id) throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${base(session)} returned a token without a user id; cannot create an application credential`);
  const key = cacheKey(base(session), session.project.id, session.user.id);
  const cached = await reusable(session, key, o);
  if (cached) return { credential: cached, reused: true };
  const previous = o.cache.read("appcred", key, isApplicationCredential);

  await deleteExpired(session, o);
  const now = o.now();
  const expiresAt = Math.floor(now + o.ttlSeconds);
  const name = `${APP_CREDENTIAL_PREFIX}${new Date(now * 1000).toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${sha256(String(Math.random())).slice(0, 6)}`;
  const res = await keystone(session, o.fetch, "POST", `/users/${encodeURIComponent(session.user.id)}/application_credentials`, {
    application_credential: {
      name,
      description: `created by egi-cdktf for terraform deploys of project ${session.project.name || session.project.id}; ended by egi-cdktf end-app-credentials, else deleted after it expires`,
      expires_at: new Date(expiresAt * 1000).toISOString(),
      roles: session.roles.map((role) => ({ name: role })),
      unrestricted: false,
    },
  });
  if (res.status !== 201) {
    const why = await detail(res);
    const ttlHint = /role assignment/i.test(why)
      ? "; the site must set [federation] default_authorization_ttl in keystone.conf for federated users (ask the site admins), or use EGI_CDKTF_AUTH=token"
      : "";
    throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${base(session)} did not create an application credential (HTTP ${res.status}: ${why})${ttlHint}`);
  }
  const body = (await res.json()) as { application_credential: { id: string; secret: string } };
  maskSecret(body.application_credential.secret); // ci-mask: GitHub Actions log masking, before any use
  const credential: ApplicationCredential = {
    id: body.application_credential.id,
    name,
    secret: body.application_credential.secret,
    expiresAt,
    userId: session.user.id,
    projectId: session.project.id,
    authUrl: session.authUrl,
    ...(previous ? { replaced: stillValid([previous, ...(previous.replaced ?? [])], now) } : {}),
  };
  o.cache.write("appcred", key, credential);
  return { credential, reused: false };
}

/** A credential in the token cache, with its cache key. */
export interface CachedApplicationCredential {
  readonly key: string;
  readonly credential: ApplicationCredential;
}

/** The application credentials the hook left in this token cache (entries that fail the shape check are skipped). */
export function cachedApplicationCredentials(cache: TokenCache): CachedApplicationCredential[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(cache.dir, "appcred"));
  } catch {
    return []; // no cache yet, or never in application-credential mode
  }
  return names
    .filter((name) => /^[a-f0-9]{64}\.json$/.test(name))
    .sort()
    .flatMap((name) => {
      const key = name.slice(0, -".json".length);
      const credential = cache.read("appcred", key, isApplicationCredential);
      return credential ? [{ key, credential }] : [];
    });
}

/** A credential as reported: everything but its secret. */
export type CredentialInfo = Omit<ApplicationCredential, "secret">;

/** What ending one cached credential came to. */
export type EndOutcome =
  | {
      readonly outcome: "ended" | "gone";
      readonly credential: CredentialInfo;
      readonly authUrl: string;
      readonly projectName: string;
      /** Names of the credentials it had replaced that Keystone still had, ended with it. */
      readonly alsoEnded: readonly string[];
    }
  | { readonly outcome: "failed"; readonly credential: CredentialInfo; readonly reason: string };

export interface EndOptions {
  readonly cache: TokenCache;
  /**
   * A project-scoped token of the credential's user at its site (and the fetch to use there): Keystone
   * refuses a restricted application credential's own token for deleting application credentials.
   */
  readonly sessionFor: (site: { readonly authUrl: string; readonly projectId: string }) => Promise<{ readonly session: ScopedSession; readonly fetch: Fetch }>;
  /** OS_AUTH_URL: the site of an entry written before entries recorded theirs, when its cache key matches. */
  readonly fallbackAuthUrl?: string;
}

/** The site (`https://host:port/v3`) of a cached credential: recorded in it, or OS_AUTH_URL if the entry's key says it was made there. */
function siteOf(entry: CachedApplicationCredential, fallbackAuthUrl: string | undefined): string | undefined {
  if (entry.credential.authUrl) return `${normaliseAuthUrl(entry.credential.authUrl, "the token cache's authUrl")}/v3`;
  if (!fallbackAuthUrl) return undefined;
  const fallback = normaliseAuthUrl(fallbackAuthUrl);
  return cacheKey(fallback, entry.credential.projectId, entry.credential.userId) === entry.key ? `${fallback}/v3` : undefined;
}

/**
 * Remove a credential from the cache, and the cached clouds.yaml files that hold its secret (their
 * stack folders' links then point nowhere until the next synth writes them again).
 */
function forget(cache: TokenCache, entry: CachedApplicationCredential): void {
  cache.remove("appcred", entry.key);
  const dir = path.join(cache.dir, "clouds");
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, name);
    try {
      const clouds = Object.values((JSON.parse(fs.readFileSync(file, "utf8")) as { clouds?: Record<string, { auth?: Record<string, unknown> }> }).clouds ?? {});
      if (clouds.some((c) => c?.auth?.application_credential_id === entry.credential.id)) fs.rmSync(file, { force: true });
    } catch {
      // not a clouds file of ours, or torn: the next synth or prune replaces it
    }
  }
}

/**
 * End one cached credential: `DELETE /v3/users/{user}/application_credentials/{id}` with its user's
 * federated token (equivalent to `openstack application credential delete`), after which Keystone
 * accepts neither the credential nor the tokens it got; then forget it. Keystone no longer having
 * it (404) counts as ended. A failure leaves the entry in the cache, so that a rerun can retry.
 */
async function endOne(entry: CachedApplicationCredential, opts: EndOptions): Promise<EndOutcome> {
  const { secret: _secret, ...credential } = entry.credential;
  const failed = (reason: string): EndOutcome => ({ outcome: "failed", credential, reason });
  let authUrl: string | undefined;
  try {
    authUrl = siteOf(entry, opts.fallbackAuthUrl);
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err)); // a hand-edited entry, or a bad OS_AUTH_URL
  }
  if (!authUrl) {
    return failed(
      `it was cached by an older egi-cdktf that did not record its site, and OS_AUTH_URL is not that site: set OS_AUTH_URL to it, or delete it there with \`openstack application credential delete ${credential.id}\``,
    );
  }
  let site: { readonly session: ScopedSession; readonly fetch: Fetch };
  try {
    site = await opts.sessionFor({ authUrl, projectId: credential.projectId });
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err));
  }
  const { session, fetch } = site;
  if (session.user.id !== credential.userId) {
    return failed(
      `it belongs to Keystone user ${credential.userId}, but this environment's Check-in credential logs in to ${base(session)} as ${session.user.name || session.user.id}; set the Check-in credential it was made with`,
    );
  }
  // The ones it replaced first: until the credential itself is gone, the entry names them for a rerun.
  const alsoEnded: string[] = [];
  for (const c of credential.replaced ?? []) {
    const status = await deleteIn(session, fetch, credential.userId, c.id);
    if (typeof status === "string") return failed(`${c.name} (${c.id}), which it replaced: ${status}`);
    if (status === 204) alsoEnded.push(c.name);
  }
  const status = await deleteIn(session, fetch, credential.userId, credential.id);
  if (typeof status === "string") return failed(status);
  forget(opts.cache, entry);
  return { outcome: status === 204 ? "ended" : "gone", credential, authUrl, projectName: session.project.name || session.project.id, alsoEnded };
}

/** `DELETE` one credential: 204 (ended) or 404 (Keystone no longer has it), else why not, in one line. */
async function deleteIn(session: ScopedSession, fetch: Fetch, userId: string, id: string): Promise<204 | 404 | string> {
  let res: Response;
  try {
    res = await keystone(session, fetch, "DELETE", `/users/${encodeURIComponent(userId)}/application_credentials/${encodeURIComponent(id)}`);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (res.status !== 204 && res.status !== 404) return `Keystone at ${base(session)} did not delete it (HTTP ${res.status}: ${await detail(res)})`;
  await res.body?.cancel();
  return res.status;
}

/**
 * End every application credential in the token cache (in CI, whose runner starts with an empty
 * cache: the ones this job made). Nothing cached: an empty list, and no request is made.
 */
export async function endApplicationCredentials(opts: EndOptions): Promise<EndOutcome[]> {
  const outcomes: EndOutcome[] = [];
  for (const entry of cachedApplicationCredentials(opts.cache)) outcomes.push(await endOne(entry, opts));
  return outcomes;
}
