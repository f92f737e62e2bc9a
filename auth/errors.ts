/**
 * Every failure of the Check-in -> Keystone chain is an `EgiAuthError`: a stable `code` to branch on,
 * a one-line `message` that names the cause and the fix (env var, flag or file), and the underlying
 * error as `cause`. Messages never contain a token, a refresh token or a client secret.
 */
export type EgiAuthErrorCode =
  /** A required setting (env var or flag) is missing or malformed. */
  | "SETTING_MISSING"
  | "SETTING_INVALID"
  /** The IdP (Check-in) could not be reached, or its TLS certificate was not trusted. */
  | "IDP_UNREACHABLE"
  | "TLS_UNTRUSTED"
  /** The IdP refused the refresh token (expired, revoked, issued to another client). */
  | "INVALID_GRANT"
  /** The IdP refused the client credentials (wrong secret, wrong client id, wrong auth method). */
  | "INVALID_CLIENT"
  /** Any other error answered by the IdP. */
  | "IDP_ERROR"
  /** OIDC_AGENT_ACCOUNT is set but no oidc-agent answers at OIDC_SOCK (unset, no socket, refused, timeout). */
  | "OIDC_AGENT_UNAVAILABLE"
  /** oidc-agent answered but gave no usable token: unknown or unloaded account, locked, IdP refusal, another issuer. */
  | "OIDC_AGENT_ERROR"
  /** Keystone could not be reached. */
  | "KEYSTONE_UNREACHABLE"
  /** Keystone's OIDC module rejected the access token. */
  | "KEYSTONE_TOKEN_REJECTED"
  /** None of the federation protocols tried is configured at this Keystone. */
  | "PROTOCOL_NOT_CONFIGURED"
  /** Keystone accepted the token but did not map the user to any group or project. */
  | "KEYSTONE_UNAUTHORIZED"
  /** OS_PROJECT_ID is not one of the projects the user may scope to (or no project is named like the VO). */
  | "UNKNOWN_PROJECT"
  /** EGI_SITE / --site / EgiSite.fromSiteName names a site the pinned site list does not have. */
  | "UNKNOWN_SITE"
  /** The site does not support the VO named by EGI_VO / --vo (per the site list). */
  | "UNKNOWN_VO"
  /** The pinned site list (egi-cdktf.sites.json) is missing or cannot be read. */
  | "SITE_LIST_INVALID"
  /** Any other Keystone answer we cannot use. */
  | "KEYSTONE_ERROR"
  /** Keystone issues tokens shorter than EGI_TOKEN_MIN_VALIDITY: a deploy could outlive its token. */
  | "TOKEN_TOO_SHORT"
  /** The token cache could not be read or written. */
  | "CACHE_ERROR";

export class EgiAuthError extends Error {
  public readonly code: EgiAuthErrorCode;

  constructor(code: EgiAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EgiAuthError";
    this.code = code;
  }
}

/** True for the errors Node/undici raise when a TLS certificate does not chain to a trusted CA. */
export function isTlsTrustError(err: unknown): boolean {
  const codes = new Set([
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_UNTRUSTED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "CERT_HAS_EXPIRED",
  ]);
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return true;
  }
  return false;
}

/** The innermost `code`/`message` of a network error, for one-line messages (never secret). */
export function rootCause(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && (e as { cause?: unknown })?.cause; depth++) e = (e as { cause: unknown }).cause;
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
