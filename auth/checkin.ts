/**
 * EGI Check-in (any OIDC issuer): an access token from a refresh token (confidential or public
 * client), from client credentials (service accounts), from an oidc-agent account, or as given.
 * Built on openid-client; the discovery document can be cached so a warm run makes no IdP call at all.
 */
import { createHash } from "node:crypto";
import type * as OidcClient from "openid-client";
import { maskSecret } from "./ci-mask";
import { EgiAuthError, isTlsTrustError, rootCause } from "./errors";
import { DEFAULT_TIMEOUT_MS, faultMessage, type Fetch, findHttpFault } from "./http";
import { agentAccessTokenFor } from "./oidc-agent";
import type { CheckinCredential, CheckinSettings } from "./settings";

export interface AccessToken {
  readonly accessToken: string;
  /** Epoch seconds; undefined when an opaque token was given as is. */
  readonly expiresAt?: number;
  /** Who the token is for: the `sub` claim, or a stable stand-in when no claim is readable. */
  readonly subject: string;
  /** The newest refresh token when the IdP rotated it. */
  readonly refreshToken?: string;
}

/** Where discovery documents are kept between runs. */
export interface MetadataStore {
  read(issuer: string): OidcClient.ServerMetadata | undefined;
  write(issuer: string, metadata: OidcClient.ServerMetadata): void;
}

export interface CheckinOptions {
  readonly fetch: Fetch;
  readonly metadata?: MetadataStore;
  /** Epoch seconds. @default Date.now() / 1000 */
  readonly now?: () => number;
  /** How long oidc-agent may take to answer (EGI_HTTP_TIMEOUT). @default 30 s */
  readonly agentTimeoutMs?: number;
}

/** The credentials openid-client trades at the token endpoint. */
type GrantCredential = Extract<CheckinCredential, { kind: "refresh_token" | "client_credentials" }>;

/**
 * openid-client ships ES modules only; Node loads them from CommonJS from 20.19 on. Loaded on first
 * use, so synth without a Check-in credential runs on any Node >= 20.9.
 */
function openidClient(): typeof OidcClient {
  try {
    return require("openid-client");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_REQUIRE_ESM") {
      throw new EgiAuthError("SETTING_INVALID", `logging in to Check-in needs Node.js >= 20.19 (this is ${process.version}); upgrade Node, or export OS_TOKEN yourself`, { cause: err });
    }
    throw err;
  }
}

export const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Claims of a JWT, or undefined for an opaque token. Nothing is verified: used for `sub` and `exp` only. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** A stable id for the credential itself, used in cache keys (a hash, never the secret). */
export function credentialId(issuer: string, credential: CheckinCredential): string {
  switch (credential.kind) {
    case "refresh_token":
      return sha256(["rt", issuer, credential.clientId, credential.refreshToken].join("\n"));
    case "client_credentials":
      return sha256(["cc", issuer, credential.clientId, credential.clientSecret].join("\n"));
    case "access_token":
      return sha256(["at", issuer, credential.accessToken].join("\n"));
    // The agent holds the secrets: the account's name is all there is. Not the socket path, which
    // changes with every agent start: a warm run must stay warm across agent restarts (and with
    // the agent stopped). Not the scope either, as for refresh tokens.
    case "oidc_agent":
      return sha256(["oa", issuer, credential.account].join("\n"));
  }
}

function clientAuth(credential: GrantCredential): OidcClient.ClientAuth {
  const oidc = openidClient();
  const secret = credential.clientSecret;
  if (credential.clientAuth === "none" || !secret) return oidc.None();
  return credential.clientAuth === "client_secret_post" ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
}

/**
 * openid-client's own timeout (seconds) covers a whole call, retries included: only a backstop, the
 * per-attempt timeout (EGI_HTTP_TIMEOUT) and the retries belong to the Fetch (auth/http.ts).
 */
const OPENID_CLIENT_TIMEOUT_SECONDS = 600;

/**
 * The Fetch openid-client uses for this credential. Discovery is a GET, which the HTTP client may
 * repeat after a timeout or a connection reset; the token endpoint is a POST, which it repeats only
 * when the server surely did not process it (connection refused, 502/503/504/429).
 *
 * The refresh_token grant must NEVER be repeated after a timeout or a reset: Check-in rotates
 * refresh tokens, and the first request may have been processed (the refresh token used and
 * replaced by one we never received); sending the old one again is refresh token reuse, which the
 * IdP may answer by revoking the whole session (grant). The client_credentials grant holds no such
 * state (a second call only issues a second access token), so it is marked safe to repeat.
 */
function idpFetch(credential: GrantCredential, fetch: Fetch): Fetch {
  if (credential.kind === "client_credentials") return (url, init) => fetch(url, { ...init, idempotent: true });
  return fetch;
}

async function configuration(settings: CheckinSettings, credential: GrantCredential, options: CheckinOptions): Promise<OidcClient.Configuration> {
  const oidc = openidClient();
  const auth = clientAuth(credential);
  const fetch = idpFetch(credential, options.fetch);
  const cached = options.metadata?.read(settings.issuer);
  if (cached) {
    const config = new oidc.Configuration(cached, credential.clientId, undefined, auth);
    config[oidc.customFetch] = fetch as never;
    config.timeout = OPENID_CLIENT_TIMEOUT_SECONDS;
    return config;
  }
  const config = await oidc.discovery(new URL(settings.issuer), credential.clientId, undefined, auth, {
    [oidc.customFetch]: fetch as never,
    timeout: OPENID_CLIENT_TIMEOUT_SECONDS,
  });
  options.metadata?.write(settings.issuer, config.serverMetadata());
  return config;
}

function answeredResponse(err: unknown): Response | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const r = e as Partial<Response>;
    if (typeof r.status === "number" && typeof r.headers?.get === "function" && "body" in r) return r as Response;
  }
  return undefined;
}

/** One line naming the cause and the fix; never includes a secret. */
export function describeIdpError(err: unknown, settings: CheckinSettings): EgiAuthError {
  if (err instanceof EgiAuthError) return err;
  const oidc = openidClient();
  const issuer = settings.issuer;
  const cred = settings.credential;
  // Retries of transient faults are over (auth/http.ts): say what each attempt met.
  const fault = findHttpFault(err);
  if (fault) {
    const refresh = cred.kind === "refresh_token" && fault.method === "POST";
    const because = refresh
      ? "Check-in may have used the refresh token and rotated it, and repeating a refresh can revoke the session; if the next run fails with invalid_grant, get a new refresh token"
      : undefined;
    return new EgiAuthError(fault.unreachable ? "IDP_UNREACHABLE" : "IDP_ERROR", faultMessage(fault, `Check-in at ${issuer}`, "CHECKIN_URL", because), { cause: err });
  }
  // An OAuth error answered in the body (400) or, for client authentication failures, as a
  // WWW-Authenticate challenge (401): both carry `error` and `error_description`.
  const oauthError =
    err instanceof oidc.ResponseBodyError
      ? { status: err.status, error: err.error, description: err.error_description }
      : err instanceof oidc.WWWAuthenticateChallengeError
        ? { status: err.status, error: String(err.cause[0]?.parameters.error ?? "unauthorized"), description: err.cause[0]?.parameters.error_description }
        : undefined;
  if (oauthError) {
    const detail = `${oauthError.error}${oauthError.description ? `: ${oauthError.description}` : ""}`;
    if (oauthError.error === "invalid_grant") {
      return new EgiAuthError("INVALID_GRANT", `Check-in (${issuer}) refused the refresh token in CHECKIN_REFRESH_TOKEN (${detail}); it expired, was revoked or belongs to another client: get a new one (e.g. from the Check-in Token Portal)`, { cause: err });
    }
    if (oauthError.error === "invalid_client" || oauthError.error === "unauthorized_client") {
      const id = "clientId" in cred ? ` "${cred.clientId}"` : "";
      return new EgiAuthError("INVALID_CLIENT", `Check-in (${issuer}) refused client${id} (${detail}); check CHECKIN_CLIENT_ID, CHECKIN_CLIENT_SECRET and CHECKIN_CLIENT_AUTH (basic or post)`, { cause: err });
    }
    return new EgiAuthError("IDP_ERROR", `Check-in (${issuer}) answered HTTP ${oauthError.status} (${detail}); check CHECKIN_SCOPE and the client's registration`, { cause: err });
  }
  if (isTlsTrustError(err)) {
    return new EgiAuthError("TLS_UNTRUSTED", `TLS certificate of ${new URL(issuer).host} is not trusted (${rootCause(err)}); set OS_CACERT to a PEM bundle that includes its CA`, { cause: err });
  }
  // An HTTP status openid-client did not expect and the HTTP client did not repeat (e.g. 500, or 404 at
  // discovery): the Response is the cause; say its status rather than "[object Response]".
  const response = answeredResponse(err);
  if (response) {
    void response.body?.cancel().catch(() => undefined);
    if (response.status >= 500) {
      return new EgiAuthError("IDP_ERROR", `Check-in (${issuer}) answered HTTP ${response.status} (a server error, not repeated); try again later, or check CHECKIN_URL`, { cause: err });
    }
    return new EgiAuthError("IDP_ERROR", `Check-in (${issuer}) gave an unusable answer (HTTP ${response.status}${err instanceof Error ? `: ${err.message}` : ""}); check CHECKIN_URL points at an OIDC issuer`, { cause: err });
  }
  if (err instanceof oidc.ClientError || err instanceof Error) {
    const network = err instanceof TypeError || (err as { name?: string }).name === "TimeoutError" || /fetch failed|ECONN|ENOTFOUND|EAI_AGAIN|timeout/i.test(rootCause(err));
    if (network) {
      return new EgiAuthError("IDP_UNREACHABLE", `cannot reach Check-in at ${issuer} (${rootCause(err)}); check CHECKIN_URL and the network`, { cause: err });
    }
    return new EgiAuthError("IDP_ERROR", `Check-in (${issuer}) gave an unusable answer (${rootCause(err)}); check CHECKIN_URL points at an OIDC issuer`, { cause: err });
  }
  return new EgiAuthError("IDP_ERROR", `Check-in (${issuer}) failed: ${String(err)}`);
}

/**
 * Get an access token for `settings.credential`: no IdP call for a given access token; for an
 * oidc-agent account, one request to the agent (which refreshes at the IdP itself, if need be).
 */
export async function obtainAccessToken(settings: CheckinSettings, options: CheckinOptions): Promise<AccessToken> {
  const now = options.now ?? (() => Date.now() / 1000);
  const cred = settings.credential;
  if (cred.kind === "access_token") {
    maskSecret(cred.accessToken); // ci-mask: GitHub Actions log masking
    const claims = jwtClaims(cred.accessToken);
    return {
      accessToken: cred.accessToken,
      expiresAt: typeof claims?.exp === "number" ? claims.exp : undefined,
      subject: typeof claims?.sub === "string" ? claims.sub : `token:${sha256(cred.accessToken).slice(0, 16)}`,
    };
  }
  if (cred.kind === "oidc_agent") {
    const token = await agentAccessTokenFor(settings.issuer, { ...cred, timeoutMs: options.agentTimeoutMs ?? DEFAULT_TIMEOUT_MS });
    const claims = jwtClaims(token.accessToken);
    return {
      accessToken: token.accessToken,
      expiresAt: token.expiresAt || (typeof claims?.exp === "number" ? claims.exp : undefined),
      subject: typeof claims?.sub === "string" ? claims.sub : `agent:${credentialId(settings.issuer, cred).slice(0, 16)}`,
    };
  }
  try {
    const oidc = openidClient();
    const config = await configuration(settings, cred, options);
    const started = now();
    const response =
      cred.kind === "refresh_token"
        ? await oidc.refreshTokenGrant(config, cred.refreshToken, { scope: settings.scope })
        : await oidc.clientCredentialsGrant(config, { scope: settings.scope });
    maskSecret(response.access_token); // ci-mask: GitHub Actions log masking, before any use
    maskSecret(response.refresh_token); // ci-mask
    const claims = (cred.kind === "refresh_token" ? response.claims() : undefined) ?? jwtClaims(response.access_token);
    const fallbackSubject = cred.kind === "client_credentials" ? `client:${cred.clientId}` : `grant:${credentialId(settings.issuer, cred).slice(0, 16)}`;
    return {
      accessToken: response.access_token,
      expiresAt: response.expires_in !== undefined ? Math.floor(started + response.expires_in) : (jwtClaims(response.access_token)?.exp as number | undefined),
      subject: typeof claims?.sub === "string" ? claims.sub : fallbackSubject,
      refreshToken: response.refresh_token && cred.kind === "refresh_token" && response.refresh_token !== cred.refreshToken ? response.refresh_token : undefined,
    };
  } catch (err) {
    throw describeIdpError(err, settings);
  }
}
