/**
 * The pre-synth hook that makes plain `cdktf deploy` (plan, diff, destroy) authenticated through
 * EGI Check-in.
 *
 * cdktf runs the app as a child process, then runs terraform in `cdktf.out/stacks/<stack>` with the
 * CLI's own environment: an env var set here never reaches terraform, but files left in that folder
 * do. Constructs that need a credential (EgiSite) register a request here; the hook gets one
 * project-scoped token per (auth URL, project), or an application credential with
 * EGI_CDKTF_AUTH=application-credential, synthesizes, then leaves in each stack folder a linked
 * `clouds.yaml` (the secret, in the 0600 token cache) and the cloud names as `*.auto.tfvars.json`
 * (see stack-files.ts). The provider reads the secret through its `cloud` argument, so terraform
 * stores it nowhere: not in cdk.tf.json, saved plans, state or `.terraform/`.
 *
 * Without a Check-in credential in the environment (or with EGI_CDKTF_HOOK=off) the hook gets no
 * credential and removes what an earlier run left: the cloud variables stay null and the provider
 * reads OS_TOKEN as on the docs page, and synth works offline.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Annotations, type App, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { applicationCredential } from "./application-credential";
import { TokenCache } from "./cache";
import { sha256 } from "./checkin";
import { EgiAuthError } from "./errors";
import { disableCreationStackUnlessChosen } from "./framework";
import { createHttpClient, type Fetch } from "./http";
import { availableProjects, type ScopedSession, scopedToken, type SessionOptions } from "./session";
import { projectForVo } from "./site-list";
import { type AuthSettings, cacheDirFrom, hasCheckinCredential, settingsFromEnv } from "./settings";
import { type CloudEntry, clearStackFolder, conflictingEnvironment, pruneStackCache, writeStackFolder } from "./stack-files";

const REQUEST = Symbol.for("egi-cdktf/token-request");

export interface TokenRequest {
  /** The stack whose terraform run needs the credential. */
  readonly stack: TerraformStack;
  /** Where the hook's progress line is attached (shown by cdktf as `INFO [path]: ...`). */
  readonly scope: IConstruct;
  /** Name of the Terraform variable that receives the cloud name (the provider's `cloud`). */
  readonly cloudVariableName: string;
  /** @default OS_AUTH_URL */
  readonly authUrl?: string;
  /** @default OS_PROJECT_ID */
  readonly projectId?: string;
  /**
   * The VO whose project to scope to when `projectId` is not given: found among the user's
   * projects by name and passed to `onProject` (which pins it).
   * @default none
   */
  readonly vo?: string;
  /** Called with the project found for `vo`, before synth: the construct uses and pins it. */
  readonly onProject?: (projectId: string) => void;
  /** @default OS_PROTOCOL, else openid then oidc */
  readonly protocol?: string;
  /** @default OS_CACERT */
  readonly caFile?: string;
  /** @default the provider's (OS_REGION_NAME, else the catalog's first) */
  readonly region?: string;
  /**
   * Called before synth: with the scoped session when the hook got a token for this request, or
   * with undefined when it is idle (no Check-in credential). For synth-time lookups.
   */
  readonly prepare?: (token: SiteToken | undefined) => Promise<void>;
}

/** What a construct's `prepare` gets: the scoped token and a fetch that trusts the site's CA. */
export interface SiteToken {
  readonly session: ScopedSession;
  readonly fetch: Fetch;
}

/** Called by a construct whose provider takes `cloud = var.<cloudVariableName>`. */
export function registerTokenRequest(construct: IConstruct, request: TokenRequest): void {
  (construct as unknown as Record<symbol, TokenRequest>)[REQUEST] = request;
}

export function tokenRequests(app: IConstruct): TokenRequest[] {
  return app.node
    .findAll()
    .map((c) => (c as unknown as Record<symbol, TokenRequest | undefined>)[REQUEST])
    .filter((r): r is TokenRequest => r !== undefined);
}

export interface HookOptions extends SessionOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface SiteCredential {
  readonly token: SiteToken;
  readonly cloudName: string;
  readonly entry: CloudEntry;
  /** The progress line, without secrets, shown on every site that uses this credential. */
  readonly line: string;
}

const when = (epochSeconds: number, now: number) =>
  `${new Date(epochSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")} (${Math.round((epochSeconds - now) / 60)} min)`;

/** A token for one site, checked to outlive a deploy; with application-credential delivery, a credential made from it. */
async function siteCredential(settings: AuthSettings, r: TokenRequest, options: HookOptions, fetch: Fetch): Promise<SiteCredential> {
  const now = options.now ?? (() => Date.now() / 1000);
  const appCred = settings.delivery === "application-credential";
  // With an application credential the token is used for a minute at most: lookups and the credential.
  const session = await scopedToken(appCred ? { ...settings, minValiditySeconds: 60 } : settings, { ...options, fetch });
  const left = session.expiresAt - now();
  if (!appCred && left < settings.minValiditySeconds) {
    throw new EgiAuthError(
      "TOKEN_TOO_SHORT",
      `Keystone at ${session.authUrl} issues tokens valid for ${Math.round(left / 60)} min, less than the ${Math.round(settings.minValiditySeconds / 60)} min a deploy may take (EGI_TOKEN_MIN_VALIDITY=${settings.minValiditySeconds}); the provider cannot renew a token mid-deploy: set EGI_CDKTF_AUTH=application-credential, or lower EGI_TOKEN_MIN_VALIDITY for short deploys`,
    );
  }
  const who = `project ${session.project.name || session.project.id} at ${session.authUrl} as ${session.user.name || session.user.id}, roles ${session.roles.join(",") || "none"}`;
  const cloudName = `egi-cdktf-${sha256([session.authUrl, session.project.id, r.region ?? ""].join("\n")).slice(0, 12)}`;
  const extra = { ...(r.region ? { region_name: r.region } : {}), ...(settings.caFile ? { cacert: path.resolve(settings.caFile) } : {}), identity_api_version: 3 as const };
  if (!appCred) {
    return {
      token: { session, fetch },
      cloudName,
      entry: { auth_type: "v3token", auth: { auth_url: session.authUrl, token: session.token, project_id: session.project.id }, ...extra },
      line: `egi-cdktf: ${who}: ${session.fromCache ? "cached" : "new"} token, valid until ${when(session.expiresAt, now())}`,
    };
  }
  const { credential, reused } = await applicationCredential(session, {
    cache: new TokenCache(settings.cacheDir),
    fetch,
    ttlSeconds: settings.applicationCredentialTtlSeconds,
    now,
  });
  return {
    line: `egi-cdktf: ${who}: ${reused ? "reused" : "new"} application credential ${credential.name}, valid until ${when(credential.expiresAt, now())}`,
    token: { session, fetch },
    cloudName,
    entry: {
      auth_type: "v3applicationcredential",
      auth: { auth_url: session.authUrl, application_credential_id: credential.id, application_credential_secret: credential.secret },
      ...extra,
    },
  };
}

/**
 * Settings for one request. A request by VO (no project id) gets the project named like the VO
 * among the user's projects at the site and hands it to the construct.
 */
async function requestSettings(
  r: TokenRequest,
  env: Readonly<Record<string, string | undefined>>,
  options: HookOptions,
  /** Projects found in this synth, by site and VO: several stacks at one site ask Keystone once. */
  found: Map<string, Promise<string>>,
): Promise<AuthSettings> {
  const overrides = { authUrl: r.authUrl, projectId: r.projectId, caFile: r.caFile, protocol: r.protocol };
  if (r.projectId || !r.vo || !r.authUrl) return settingsFromEnv(overrides, env);
  // OS_PROJECT_ID may be another site's: the VO decides here.
  const settings = settingsFromEnv(overrides, { ...env, OS_PROJECT_ID: undefined }, false);
  const fetch = options.fetch ?? createHttpClient({ caFile: settings.caFile, timeoutMs: settings.httpTimeoutMs }).fetch;
  const key = `${settings.keystone.baseUrl}\n${r.vo}`;
  if (!found.has(key)) {
    found.set(key, availableProjects(settings, { ...options, fetch }).then((projects) => projectForVo(r.vo!, projects, `${r.scope.node.path}: VO ${r.vo} at ${settings.keystone.baseUrl}`).id));
  }
  const projectId = await found.get(key)!;
  r.onProject?.(projectId);
  return { ...settings, keystone: { ...settings.keystone, projectId } };
}

/**
 * Get the credentials the app's constructs asked for (when a Check-in credential is set),
 * synthesize, and hand them to terraform through each stack folder (see stack-files.ts).
 * Use instead of `app.synth()` in main.ts.
 */
export async function synthWithEgiTokens(app: App, options: HookOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const requests = tokenRequests(app);
  const active = requests.length > 0 && hasCheckinCredential(env) && env.EGI_CDKTF_HOOK !== "off";
  if (active) {
    const conflict = conflictingEnvironment(env);
    if (conflict) throw new EgiAuthError("SETTING_INVALID", conflict);
  }

  const credentials = new Map<TokenRequest, SiteCredential>();
  if (active) {
    const bySite = new Map<string, Promise<SiteCredential>>();
    const found = new Map<string, Promise<string>>();
    for (const r of requests) {
      const settings = await requestSettings(r, env, options, found);
      const key = [settings.keystone.baseUrl, settings.keystone.projectId, r.region ?? ""].join("\n");
      if (!bySite.has(key)) {
        const fetch = options.fetch ?? createHttpClient({ caFile: settings.caFile, timeoutMs: settings.httpTimeoutMs }).fetch;
        bySite.set(key, siteCredential(settings, r, options, fetch));
      }
      const credential = await bySite.get(key)!;
      credentials.set(r, credential);
      Annotations.of(r.scope).addInfo(credential.line);
      await r.prepare?.(credential.token);
    }
  } else {
    for (const r of requests) await r.prepare?.(undefined);
  }

  app.synth();

  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { constructPath: string; workingDirectory: string }>;
  };
  const cache = new TokenCache(cacheDirFrom(env));
  for (const entry of Object.values(manifest.stacks)) {
    const dir = path.resolve(app.outdir, entry.workingDirectory);
    const mine = [...credentials].filter(([r]) => r.stack.node.path === entry.constructPath);
    if (mine.length === 0) {
      clearStackFolder(dir, cache);
      continue;
    }
    writeStackFolder(dir, cache, {
      clouds: new Map(mine.map(([, c]) => [c.cloudName, c.entry])),
      variables: Object.fromEntries(mine.map(([r, c]) => [r.cloudVariableName, c.cloudName])),
    });
  }
  if (active) pruneStackCache(cache);
}

/**
 * Run an async app entry point: EgiAuthError and other failures print one line and exit 1. On cdktn
 * it first switches off the per-token creation-stack capture (CDKTN_DISABLE_CREATION_STACK=1) unless
 * the variable is set: synth of a large app takes about a third less; set it to `0` to get the
 * creation stack back in the error of a token that fails to resolve.
 */
export function runApp(main: () => Promise<void>): void {
  disableCreationStackUnlessChosen();
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${err instanceof EgiAuthError ? "" : "error: "}${message}\n`);
    if (process.env.EGI_CDKTF_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}
