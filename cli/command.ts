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
  or OIDC_AGENT_ACCOUNT: an oidc-agent account, asked at OIDC_SOCK (any secret above wins if set)
Cache: EGI_CDKTF_CACHE_DIR [default $XDG_CACHE_HOME/egi-cdktf]; EGI_TOKEN_MIN_VALIDITY seconds a
  token must stay valid [1800]; EGI_HTTP_TIMEOUT seconds per request [30]`;

export const SITE_HELP = `Site by name (instead of OS_AUTH_URL and OS_PROJECT_ID), from the pinned site list:
  --site NAME              EGI_SITE: GOCDB name, e.g. IFCA-LCG2 (\`egi-cdktf sites\` lists them)
  --vo NAME                EGI_VO: the VO, e.g. vo.access.egi.eu; its project at the site is the
                           list's auth.project_id, else the one of yours named like the VO
  --endpoint URL|HOST      EGI_SITE_ENDPOINT: when two endpoints of the site serve the VO (as
                           fedcloud.srce.hr's serve ops), the one to use (\`egi-cdktf sites --vo VO\`)
  EGI_SITES_FILE           the pinned list [default ./egi-cdktf.sites.json]`;

/** `--site`, `--vo` and `--endpoint`, for the commands that take a site by name (pass in parseFlags' `extra`). */
export const SITE_FLAGS: ExtraOptions = { site: { type: "string" }, vo: { type: "string" }, endpoint: { type: "string" } };

/** What a secret-looking flag (normalised: lower case, no `-`/`_`, prefix dropped) should be instead. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  refreshtoken: "set CHECKIN_REFRESH_TOKEN in the environment instead",
  clientsecret: "set CHECKIN_CLIENT_SECRET in the environment instead",
  secret: "set CHECKIN_CLIENT_SECRET in the environment instead",
  accesstoken: "set CHECKIN_ACCESS_TOKEN in the environment instead",
  token: "set CHECKIN_REFRESH_TOKEN (or CHECKIN_ACCESS_TOKEN) in the environment instead",
  authtoken: "set CHECKIN_REFRESH_TOKEN (or CHECKIN_ACCESS_TOKEN) in the environment instead",
  password: "egi-cdktf logs in with Check-in, not a password: set CHECKIN_REFRESH_TOKEN in the environment instead",
  passwd: "egi-cdktf logs in with Check-in, not a password: set CHECKIN_REFRESH_TOKEN in the environment instead",
};
/** Prefixes people put on those names: OIDC_* (oidc-agent, fedcloudclient), CHECKIN_*, OS_* (openstack CLI). */
const SECRET_PREFIXES = ["checkin", "oidc", "egi", "os"];

/**
 * Refuse a secret passed as a flag (`--refresh-token X`, `--client-secret=X`, `--OIDC_REFRESH_TOKEN`,
 * `-password X`, ...) among `args` (egi-cdktf's own arguments, before any `--`), naming the variable
 * to set instead. The message shows the flag's name only, never its value.
 */
export function rejectSecretFlags(args: readonly string[]): void {
  for (const arg of args) {
    const secret = secretFlag(arg);
    if (secret) throw new UsageError(`${secret.flag} is refused: a secret on the command line is visible to every user of this machine (ps); ${secret.advice}`);
  }
}

/** The flag's name as typed (without `=value`) and the advice, when `arg` is a secret-looking flag. */
export function secretFlag(arg: string): { flag: string; advice: string } | undefined {
  const match = /^(--?)([A-Za-z][\w-]*)(=|$)/.exec(arg);
  if (!match) return undefined;
  const key = match[2].toLowerCase().replace(/[-_]/g, "");
  const prefix = SECRET_PREFIXES.find((p) => key.startsWith(p) && SECRET_FLAGS[key.slice(p.length)]);
  const advice = SECRET_FLAGS[prefix ? key.slice(prefix.length) : key];
  return advice ? { flag: match[1] + match[2], advice } : undefined;
}

/** Short and a plain word: fine to repeat in a message. Anything else could be a pasted secret. */
export const plainArg = (arg: string): boolean => arg.length <= 24 && /^[\w.,:/@+=-]*$/.test(arg) && !secretFlag(arg);

/** `"arg"` for a message, unless it could be a secret: then only its length. */
export function showArg(arg: string): string {
  return plainArg(arg) ? `"${arg}"` : `(${arg.length} characters, not shown in case it is a secret)`;
}

type ExtraOptions = NonNullable<ParseArgsConfig["options"]>;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * How `--flag` is written, as `usage` (a command's help) or the settings help shows it:
 * `--timeout SECONDS`, `--format ini|yaml`; `--flag VALUE` when neither shows it.
 */
export function flagForm(flag: string, usage = ""): string {
  const shown = new RegExp(`(?:^|[\\s\\[])--${escapeRegExp(flag)}[ =]("[^"]*"|[^\\s\\]]+)`, "m").exec(`${usage}\n${SETTINGS_HELP}\n${SITE_HELP}`);
  return `--${flag} ${shown ? shown[1] : "VALUE"}`;
}

/** `-5`, `-0.5`, `-.5`, `-1e3`: a value, never a flag (no egi-cdktf flag is a digit). */
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * argv with each flag that takes a value checked for one: Node's parseArgs refuses `--timeout -5`
 * as "ambiguous" and `--out` last as "argument missing"; here the first becomes `--timeout=-5`
 * (for the command to judge the number), the rest usage errors saying how to write the flag.
 */
function joinValues(argv: readonly string[], options: ExtraOptions, usage: string): string[] {
  const shortNames = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const known = (arg: string): boolean => {
    const m = /^--([^=]+)|^-([^-])/.exec(arg);
    return Boolean(m && (m[1] !== undefined ? Object.hasOwn(options, m[1]) : shortNames.has(m[2])));
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return [...out, ...argv.slice(i)];
    const m = /^--([^=]+)$|^-([^-])$/.exec(arg);
    const name = m ? (m[1] ?? shortNames.get(m[2])) : undefined;
    if (name === undefined || !Object.hasOwn(options, name) || options[name].type !== "string") {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    const form = flagForm(name, usage);
    if (next === undefined || next === "--") throw new UsageError(`${arg} needs a value: ${form}`);
    if (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next)) {
      if (known(next) || next === "--help") throw new UsageError(`${arg} needs a value before ${next.split("=")[0]}: ${form}`);
      const value = plainArg(next) ? next : "VALUE";
      throw new UsageError(`${arg} ${showArg(next)}: a value starting with - is joined to its flag with =: --${name}=${value}`);
    }
    out.push(`--${name}=${next}`);
    i++;
  }
  return out;
}

/** Node's parseArgs error as one usage line, without repeating anything that could be a secret. */
function parseArgsError(err: Error, usage: string): UsageError {
  const message = err.message.split("\n")[0];
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return new UsageError(plainArg(unknown[1]) ? `Unknown option '${unknown[1]}'` : `Unknown option ${showArg(unknown[1])}`);
  const noValue = /^Option '(?:-\w, )?--([\w-]+)' does not take an argument/.exec(message);
  if (noValue) return new UsageError(`--${noValue[1]} takes no value: write --${noValue[1]} alone`);
  const missing = /^Option '(?:-\w, )?--([\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
  if (missing) return new UsageError(`--${missing[1]} needs a value: ${flagForm(missing[1], usage)}`);
  // Node adds advice about positionals after '--' to unknown-option errors; it does not apply here.
  return new UsageError(message.replace(/\. To specify a positional argument starting with a '-'.*$/, ""));
}

/**
 * Parse the shared setting flags plus `extra`; unknown flags, and a flag that takes a value given
 * none, are usage errors. `usage` (the command's help) shows how each flag is written, for them.
 */
export function parseFlags(argv: string[], extra: ExtraOptions = {}, allowPositionals = false, usage = "") {
  rejectSecretFlags(argv);
  const options: ExtraOptions = { help: { type: "boolean", short: "h" }, ...extra };
  for (const flag of Object.keys(SETTING_FLAGS)) options[flag] = { type: "string" };
  const args = joinValues(argv, options, usage);
  const { values, positionals } = (() => {
    try {
      return parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (err) {
      throw parseArgsError(err as Error, usage);
    }
  })();
  // An empty setting would read as "not set" and the error name the env var, not the flag typed.
  for (const flag of [...Object.keys(SETTING_FLAGS), ...Object.keys(SITE_FLAGS)]) {
    if (typeof values[flag] === "string" && !(values[flag] as string).trim()) throw new UsageError(`--${flag} is empty: ${flagForm(flag, usage)}, or leave the flag out`);
  }
  // Checked here, not by parseArgs, whose message would repeat the argument: it may be a pasted token.
  if (!allowPositionals && positionals.length > 0) throw new UsageError(`unexpected argument ${showArg(positionals[0])}`);
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
  const site = { site: values.site as string | undefined, vo: values.vo as string | undefined, endpoint: values.endpoint as string | undefined };
  return { values, positionals, overrides: overrides as SettingOverrides, site, help: Boolean(values.help) };
}
