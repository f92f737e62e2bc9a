/**
 * Keystone application credentials for deploys that outlive any token (EGI_CDKTF_AUTH=application-credential).
 * The provider cannot renew a token, but with an application credential it re-authenticates by itself.
 * The hook creates one per (site, project, user): restricted (it cannot create other credentials or
 * trusts), with the roles of the user's token, expiring after EGI_APP_CREDENTIAL_TTL; it is reused
 * while half of that is left and deleted once expired. Its secret lives only in the 0600 token cache.
 *
 * Federated (Check-in) users get their roles through an expiring group membership that each federated
 * login renews: the site must set `[federation] default_authorization_ttl` (or the identity provider's
 * `authorization_ttl`) in keystone.conf, else Keystone refuses to create the credential, and the
 * credential stops working that many minutes after the user's last login. Equivalent to
 * `openstack application credential create --expiration ... --role member egi-cdktf-...`.
 */
import type { TokenCache } from "./cache";
import { sha256 } from "./checkin";
import { EgiAuthError } from "./errors";
import type { Fetch } from "./http";
import { call } from "./keystone";
import type { ScopedSession } from "./session";

export interface ApplicationCredential {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly userId: string;
  readonly projectId: string;
}

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
    typeof c.expiresAt === "number"
  );
}

const base = (session: ScopedSession) => session.authUrl.replace(/\/v3$/, "");

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

/**
 * An application credential for the session's project: the cached one while Keystone has it and
 * at least half its lifetime is left, else a new one (and this tool's expired ones are deleted).
 */
export async function applicationCredential(session: ScopedSession, o: ApplicationCredentialOptions): Promise<{ readonly credential: ApplicationCredential; readonly reused: boolean }> {
  if (!session.user.id) throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${base(session)} returned a token without a user id; cannot create an application credential`);
  const key = sha256(["appcred", base(session), session.project.id, session.user.id].join("\n"));
  const cached = await reusable(session, key, o);
  if (cached) return { credential: cached, reused: true };

  await deleteExpired(session, o);
  const now = o.now();
  const expiresAt = Math.floor(now + o.ttlSeconds);
  const name = `${APP_CREDENTIAL_PREFIX}${new Date(now * 1000).toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${sha256(String(Math.random())).slice(0, 6)}`;
  const res = await keystone(session, o.fetch, "POST", `/users/${encodeURIComponent(session.user.id)}/application_credentials`, {
    application_credential: {
      name,
      description: `created by egi-cdktf for terraform deploys of project ${session.project.name || session.project.id}; deleted after it expires`,
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
  const credential: ApplicationCredential = {
    id: body.application_credential.id,
    name,
    secret: body.application_credential.secret,
    expiresAt,
    userId: session.user.id,
    projectId: session.project.id,
  };
  o.cache.write("appcred", key, credential);
  return { credential, reused: false };
}
