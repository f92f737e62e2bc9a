/**
 * The environment an OpenStack client needs to use a scoped token: terraform's provider reads
 * OS_TOKEN/OS_AUTH_URL/OS_PROJECT_ID, the openstack CLI also needs OS_AUTH_TYPE=v3token. Other
 * credentials in the caller's environment are dropped so a client cannot silently use them instead.
 */
import type { ScopedSession } from "../auth/session";
import type { AuthSettings } from "../auth/settings";

/** Credentials a client would otherwise prefer or mix with the token. */
export const CONFLICTING_VARS = [
  "OS_CLOUD",
  "OS_USERNAME",
  "OS_USER_ID",
  "OS_PASSWORD",
  "OS_USER_DOMAIN_NAME",
  "OS_USER_DOMAIN_ID",
  "OS_PROJECT_NAME",
  "OS_TENANT_NAME",
  "OS_TENANT_ID",
  "OS_AUTH_TOKEN",
  "OS_ACCESS_TOKEN",
  "OS_APPLICATION_CREDENTIAL_ID",
  "OS_APPLICATION_CREDENTIAL_NAME",
  "OS_APPLICATION_CREDENTIAL_SECRET",
] as const;

/** Check-in secrets: the child needs the Keystone token only. */
export const CHECKIN_SECRET_VARS = [
  "CHECKIN_REFRESH_TOKEN",
  "OIDC_REFRESH_TOKEN",
  "CHECKIN_CLIENT_SECRET",
  "OIDC_CLIENT_SECRET",
  "CHECKIN_ACCESS_TOKEN",
  "OIDC_ACCESS_TOKEN",
] as const;

/** @param region the site list's region for the site, exported as OS_REGION_NAME */
export function clientVariables(token: ScopedSession, settings: AuthSettings, region?: string): Record<string, string> {
  const vars: Record<string, string> = {
    OS_AUTH_URL: token.authUrl,
    OS_PROJECT_ID: token.project.id,
    OS_TOKEN: token.token,
    OS_AUTH_TYPE: "v3token",
    OS_IDENTITY_API_VERSION: "3",
  };
  if (settings.caFile) vars.OS_CACERT = settings.caFile;
  if (region) vars.OS_REGION_NAME = region;
  return vars;
}

/** `'...'` for a POSIX shell. */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
