/**
 * env -> settings: which Check-in credential to use and which Keystone and project to scope to.
 * The seed page's names work as written; fedcloudclient's and OpenStack's names are aliases.
 * Secrets (refresh token, client secret, access token) are read from the environment only, never
 * from flags, so they never appear in process arguments. An oidc-agent account (OIDC_AGENT_ACCOUNT)
 * is a fourth kind of credential whose secrets stay inside the agent.
 */
import * as os from "node:os";
import * as path from "node:path";
import { EgiAuthError } from "./errors";
import { httpOptionsFromEnv } from "./http";

export const CHECKIN_PRODUCTION = "https://aai.egi.eu/auth/realms/egi";
/** Short names accepted in CHECKIN_URL. */
export const CHECKIN_ISSUERS: Readonly<Record<string, string>> = {
  production: CHECKIN_PRODUCTION,
  demo: "https://aai-demo.egi.eu/auth/realms/egi",
  dev: "https://aai-dev.egi.eu/auth/realms/egi",
  legacy: "https://aai.egi.eu/oidc/",
};
export const DEFAULT_SCOPE = "openid email profile eduperson_entitlement";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

export type CheckinCredential =
  | { readonly kind: "refresh_token"; readonly refreshToken: string; readonly clientId: string; readonly clientSecret?: string; readonly clientAuth: ClientAuthMethod }
  | { readonly kind: "client_credentials"; readonly clientId: string; readonly clientSecret: string; readonly clientAuth: ClientAuthMethod }
  | { readonly kind: "access_token"; readonly accessToken: string }
  | {
      readonly kind: "oidc_agent";
      /** OIDC_AGENT_ACCOUNT: the account's short name in oidc-agent (not a secret). */
      readonly account: string;
      /** OIDC_SOCK, checked only when the agent is asked: a warm run needs no agent. */
      readonly socketPath?: string;
      /** CHECKIN_SCOPE / --scope when set; else the agent uses the account's own scopes. */
      readonly scope?: string;
    };

export interface CheckinSettings {
  /** OIDC issuer, discovery at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly credential: CheckinCredential;
  readonly scope: string;
}

export interface KeystoneSettings {
  /** OS_AUTH_URL without `/v3`, `/v2.0` or a trailing slash. */
  readonly baseUrl: string;
  readonly projectId?: string;
  readonly identityProvider: string;
  /** Tried in order; the first one the site has configured wins. */
  readonly protocols: readonly string[];
}

/**
 * How the hook hands terraform its credential: a project-scoped token (the provider cannot renew
 * it, so a deploy must end before it expires), or a restricted application credential the hook
 * creates for the project, with which the provider re-authenticates by itself.
 */
export type CredentialDelivery = "token" | "application-credential";

/** Default of EGI_TOKEN_MIN_VALIDITY: a token must stay valid this long to be used for a deploy. */
export const DEFAULT_MIN_VALIDITY_SECONDS = 1800;
/** Default of EGI_APP_CREDENTIAL_TTL: lifetime of the application credentials the hook creates. */
export const DEFAULT_APP_CREDENTIAL_TTL_SECONDS = 12 * 3600;

export interface AuthSettings {
  readonly checkin: CheckinSettings;
  readonly keystone: KeystoneSettings;
  /** Extra CA bundle (PEM) trusted besides the system CAs, e.g. the IGTF CAs of a site. */
  readonly caFile?: string;
  readonly cacheDir: string;
  /** Use a token (cached or new) only while it stays valid this long: the longest deploy expected. */
  readonly minValiditySeconds: number;
  /** EGI_CDKTF_AUTH: what the hook gives terraform. */
  readonly delivery: CredentialDelivery;
  /** EGI_APP_CREDENTIAL_TTL: lifetime of a new application credential; reused while half of it is left. */
  readonly applicationCredentialTtlSeconds: number;
  /** EGI_HTTP_TIMEOUT: per-request timeout of the IdP and Keystone calls. @default 30 s */
  readonly httpTimeoutMs?: number;
}

/** Non-secret settings that may also come from CLI flags; flags win over env. */
export interface SettingOverrides {
  readonly checkinUrl?: string;
  readonly clientId?: string;
  readonly clientAuth?: string;
  readonly scope?: string;
  readonly authUrl?: string;
  readonly projectId?: string;
  readonly identityProvider?: string;
  readonly protocol?: string;
  readonly caFile?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The first non-empty of the named env vars, with the name it came from. */
function pick(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** True when the environment names a Check-in credential, i.e. the hook should authenticate. */
export function hasCheckinCredential(env: Env = process.env): boolean {
  return Boolean(
    pick(env, "CHECKIN_REFRESH_TOKEN", "OIDC_REFRESH_TOKEN", "CHECKIN_ACCESS_TOKEN", "OIDC_ACCESS_TOKEN") ||
      pick(env, "CHECKIN_CLIENT_SECRET", "OIDC_CLIENT_SECRET") ||
      pick(env, "OIDC_AGENT_ACCOUNT"),
  );
}

/** Accepts an issuer, a short name (`demo`), or a token endpoint URL as older scripts used. */
export function normaliseIssuer(value: string, source = "CHECKIN_URL"): string {
  const named = CHECKIN_ISSUERS[value.toLowerCase()];
  if (named) return named;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EgiAuthError("SETTING_INVALID", `${source}="${value}" is not a URL; use e.g. ${CHECKIN_PRODUCTION} or one of ${Object.keys(CHECKIN_ISSUERS).join(", ")}`);
  }
  if (url.protocol !== "https:") {
    throw new EgiAuthError("SETTING_INVALID", `${source}="${value}" must be an https:// URL: OIDC issuers (Check-in) are served over HTTPS only`);
  }
  const href = url.href.replace(/\/protocol\/openid-connect\/token\/?$/, "").replace(/\/oidc\/token\/?$/, "/oidc/");
  // The legacy MITREid issuer is written with its trailing slash; Keycloak realms without one.
  return href.endsWith("/oidc/") ? href : href.replace(/\/+$/, "");
}

/** `https://site:5000/v3/` -> `https://site:5000`. */
export function normaliseAuthUrl(value: string, source = "OS_AUTH_URL"): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EgiAuthError("SETTING_INVALID", `${source}="${value}" is not a URL; use the site's Keystone URL, e.g. https://keystone.example.org:5000/v3`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new EgiAuthError("SETTING_INVALID", `${source}="${value}" must be an http(s) URL`);
  }
  return url.href.replace(/\/+$/, "").replace(/\/(v3|v2\.0)$/, "").replace(/\/+$/, "");
}

/**
 * How the client authenticates to Check-in: `value` is checked even when there is no secret (then
 * it is "none" whatever was asked), so that a typo is told before any request, not ignored.
 */
function clientAuthMethod(value: string | undefined, hasSecret: boolean, setting: string): ClientAuthMethod {
  let method: ClientAuthMethod;
  switch ((value ?? "basic").toLowerCase()) {
    case "basic":
    case "client_secret_basic":
      method = "client_secret_basic";
      break;
    case "post":
    case "client_secret_post":
      method = "client_secret_post";
      break;
    default: {
      // a method name is short and plain; anything else may be a pasted secret: not shown
      const shown = /^[\w-]{1,40}$/.test(value!) ? `"${value}"` : `(${value!.length} characters, not shown)`;
      throw new EgiAuthError("SETTING_INVALID", `${setting} ${shown} is not supported; use basic or post`);
    }
  }
  return hasSecret ? method : "none";
}

/**
 * Which credential the environment names. Precedence:
 * 1. CHECKIN_REFRESH_TOKEN (with CHECKIN_CLIENT_ID, and the secret of a confidential client);
 * 2. CHECKIN_CLIENT_SECRET without an access token: a service account (client_credentials);
 * 3. CHECKIN_ACCESS_TOKEN, used as is;
 * 4. OIDC_AGENT_ACCOUNT: an access token from the running oidc-agent at OIDC_SOCK.
 * The agent comes last on purpose: OIDC_AGENT_ACCOUNT is typically exported once in a shell
 * profile, while a secret in the environment is set for this run (a CI job, a one-off), so the
 * more specific one wins, and adding the agent to a profile changes nothing for setups that set a
 * secret. fedcloudclient, too, lets an explicit access token win over the agent (it puts the agent
 * before a refresh token; we do not, for the reason above). No fallback: when the agent is chosen
 * and fails, the run fails with the agent's one-line error.
 */
function credentialFrom(env: Env, o: SettingOverrides): CheckinCredential {
  const refresh = pick(env, "CHECKIN_REFRESH_TOKEN", "OIDC_REFRESH_TOKEN");
  const secret = pick(env, "CHECKIN_CLIENT_SECRET", "OIDC_CLIENT_SECRET");
  const access = pick(env, "CHECKIN_ACCESS_TOKEN", "OIDC_ACCESS_TOKEN");
  const clientId = o.clientId ?? pick(env, "CHECKIN_CLIENT_ID", "OIDC_CLIENT_ID")?.value;
  const authName = o.clientAuth ?? pick(env, "CHECKIN_CLIENT_AUTH")?.value;

  if (refresh || (secret && !access)) {
    if (!clientId) {
      throw new EgiAuthError("SETTING_MISSING", `CHECKIN_CLIENT_ID is not set; set it to the client id your ${refresh ? "refresh token" : "client secret"} belongs to (e.g. token-portal for Token Portal tokens)`);
    }
    const clientAuth = clientAuthMethod(authName, Boolean(secret), o.clientAuth !== undefined ? "--client-auth" : "CHECKIN_CLIENT_AUTH");
    if (refresh) {
      return { kind: "refresh_token", refreshToken: refresh.value, clientId, clientSecret: secret?.value, clientAuth };
    }
    return { kind: "client_credentials", clientId, clientSecret: secret!.value, clientAuth };
  }
  if (access) return { kind: "access_token", accessToken: access.value };
  const agent = pick(env, "OIDC_AGENT_ACCOUNT");
  if (agent) {
    // A short name is a file name in the agent's config dir; anything else may be a pasted secret: not shown.
    if (!/^[^\s/]{1,100}$/.test(agent.value)) {
      throw new EgiAuthError("SETTING_INVALID", `OIDC_AGENT_ACCOUNT (${agent.value.length} characters, not shown) is not an oidc-agent account short name; set it to one of \`oidc-add -l\``);
    }
    const scope = o.scope ?? pick(env, "CHECKIN_SCOPE", "OIDC_SCOPE")?.value;
    return { kind: "oidc_agent", account: agent.value, socketPath: pick(env, "OIDC_SOCK")?.value, ...(scope ? { scope } : {}) };
  }
  throw new EgiAuthError("SETTING_MISSING", "no Check-in credential: set CHECKIN_REFRESH_TOKEN (with CHECKIN_CLIENT_ID), CHECKIN_CLIENT_ID + CHECKIN_CLIENT_SECRET for a service account, CHECKIN_ACCESS_TOKEN, or OIDC_AGENT_ACCOUNT (an oidc-agent account)");
}

function seconds(env: Env, name: string, fallback: number, min: number): number {
  const raw = pick(env, name)?.value;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min) {
    throw new EgiAuthError("SETTING_INVALID", `${name}="${raw}" must be a whole number of seconds${min ? ` >= ${min}` : ""}`);
  }
  return value;
}

export function cacheDirFrom(env: Env): string {
  const explicit = pick(env, "EGI_CDKTF_CACHE_DIR")?.value;
  if (explicit) return path.resolve(explicit);
  const xdg = pick(env, "XDG_CACHE_HOME")?.value;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache"), "egi-cdktf");
}

/**
 * Read settings from `env` (default process.env) and flag overrides.
 * @param requireProject also require OS_PROJECT_ID (everything but `projects` needs it)
 */
export function settingsFromEnv(overrides: SettingOverrides = {}, env: Env = process.env, requireProject = true): AuthSettings {
  const o = overrides;
  const credential = credentialFrom(env, o);
  const issuerRaw = o.checkinUrl ?? pick(env, "CHECKIN_URL", "OIDC_URL")?.value;
  const authUrl = o.authUrl ?? pick(env, "OS_AUTH_URL")?.value;
  if (!authUrl) throw new EgiAuthError("SETTING_MISSING", "OS_AUTH_URL is not set; set it to the site's Keystone URL, e.g. https://keystone.example.org:5000/v3");
  const projectId = o.projectId ?? pick(env, "OS_PROJECT_ID")?.value;
  if (requireProject && !projectId) {
    throw new EgiAuthError("SETTING_MISSING", "OS_PROJECT_ID is not set; list the projects you can use with `egi-cdktf projects`");
  }
  const protocol = o.protocol ?? pick(env, "OS_PROTOCOL")?.value;
  const delivery = pick(env, "EGI_CDKTF_AUTH")?.value ?? "token";
  if (delivery !== "token" && delivery !== "application-credential") {
    throw new EgiAuthError("SETTING_INVALID", `EGI_CDKTF_AUTH="${delivery}" is not supported; use token (default) or application-credential`);
  }
  return {
    checkin: {
      issuer: issuerRaw ? normaliseIssuer(issuerRaw, o.checkinUrl ? "--checkin-url" : "CHECKIN_URL") : CHECKIN_PRODUCTION,
      credential,
      scope: o.scope ?? pick(env, "CHECKIN_SCOPE", "OIDC_SCOPE")?.value ?? DEFAULT_SCOPE,
    },
    keystone: {
      baseUrl: normaliseAuthUrl(authUrl, o.authUrl ? "--auth-url" : "OS_AUTH_URL"),
      projectId,
      identityProvider: o.identityProvider ?? pick(env, "OS_IDENTITY_PROVIDER")?.value ?? "egi.eu",
      protocols: protocol ? [protocol] : ["openid", "oidc"],
    },
    caFile: o.caFile ?? pick(env, "OS_CACERT", "EGI_CA_FILE")?.value,
    cacheDir: cacheDirFrom(env),
    minValiditySeconds: seconds(env, "EGI_TOKEN_MIN_VALIDITY", DEFAULT_MIN_VALIDITY_SECONDS, 0),
    delivery,
    applicationCredentialTtlSeconds: seconds(env, "EGI_APP_CREDENTIAL_TTL", DEFAULT_APP_CREDENTIAL_TTL_SECONDS, 600),
    httpTimeoutMs: httpOptionsFromEnv(env).timeoutMs,
  };
}
