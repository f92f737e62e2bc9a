/**
 * What every egi-cdktf command shares: the flags that mirror the non-secret env vars, usage errors,
 * and the Command shape. Secrets (refresh token, client secret, access token) have no flag on
 * purpose: process arguments are visible to every user of the machine (`ps`).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { SettingOverrides } from "../auth/settings";

export class UsageError extends Error {}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** Flag -> env var it overrides. */
export const SETTING_FLAGS = {
  "checkin-url": "CHECKIN_URL",
  "client-id": "CHECKIN_CLIENT_ID",
  "client-auth": "CHECKIN_CLIENT_AUTH",
  scope: "CHECKIN_SCOPE",
  "auth-url": "OS_AUTH_URL",
  "project-id": "OS_PROJECT_ID",
  "identity-provider": "OS_IDENTITY_PROVIDER",
  protocol: "OS_PROTOCOL",
  "ca-file": "OS_CACERT",
} as const;

export const SETTINGS_HELP = `Settings (flag, or env var; flags win):
  --checkin-url URL        CHECKIN_URL (alias OIDC_URL): issuer, or production|demo|dev|legacy
                           [default https://aai.egi.eu/auth/realms/egi]
  --client-id ID           CHECKIN_CLIENT_ID (alias OIDC_CLIENT_ID)
  --client-auth basic|post CHECKIN_CLIENT_AUTH [default basic; none without a secret]
  --scope "S ..."          CHECKIN_SCOPE [default "openid email profile eduperson_entitlement"]
  --auth-url URL           OS_AUTH_URL: the site's Keystone, e.g. https://keystone.example.org:5000/v3
  --project-id ID          OS_PROJECT_ID
  --identity-provider ID   OS_IDENTITY_PROVIDER [default egi.eu]
  --protocol NAME          OS_PROTOCOL [default openid, then oidc]
  --ca-file FILE           OS_CACERT: extra PEM CA bundle (IGTF CAs), besides the system CAs
Secrets, from the environment only (never flags, which any user can see with ps):
  CHECKIN_REFRESH_TOKEN (OIDC_REFRESH_TOKEN), CHECKIN_CLIENT_SECRET (OIDC_CLIENT_SECRET),
  CHECKIN_ACCESS_TOKEN (OIDC_ACCESS_TOKEN)
Cache: EGI_CDKTF_CACHE_DIR [default $XDG_CACHE_HOME/egi-cdktf]; EGI_TOKEN_MIN_VALIDITY seconds [300]`;

type ExtraOptions = NonNullable<ParseArgsConfig["options"]>;

/** Parse the shared setting flags plus `extra`; unknown flags are usage errors. */
export function parseFlags(argv: string[], extra: ExtraOptions = {}, allowPositionals = false) {
  const options: ExtraOptions = { help: { type: "boolean", short: "h" }, ...extra };
  for (const flag of Object.keys(SETTING_FLAGS)) options[flag] = { type: "string" };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    const overrides: Record<string, string | undefined> = {};
    const keys: Record<keyof typeof SETTING_FLAGS, keyof SettingOverrides> = {
      "checkin-url": "checkinUrl",
      "client-id": "clientId",
      "client-auth": "clientAuth",
      scope: "scope",
      "auth-url": "authUrl",
      "project-id": "projectId",
      "identity-provider": "identityProvider",
      protocol: "protocol",
      "ca-file": "caFile",
    };
    for (const [flag, key] of Object.entries(keys)) overrides[key] = values[flag] as string | undefined;
    return { values, positionals, overrides: overrides as SettingOverrides, help: Boolean(values.help) };
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
}
