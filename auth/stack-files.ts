/**
 * What the hook leaves in a stack folder (`cdktf.out/stacks/<stack>`, terraform's working directory)
 * so that terraform authenticates without ever storing a secret:
 *
 * - `clouds.yaml`: a link to a 0600 file in the token cache holding one `clouds:` entry per site
 *   (a Keystone token with `auth_type: v3token`, or an application credential). The OpenStack
 *   provider reads it when it configures, through its `cloud` argument; terraform never copies it,
 *   so plan files, state and `.terraform/` hold no secret, and a saved plan applied later reads the
 *   token current at apply time.
 * - `egi-cdktf.auto.tfvars.json`: the cloud name of each site (not a secret), for the sites'
 *   `cloud` variables. Without it the variables stay null and the provider reads OS_TOKEN.
 *
 * Every synth rewrites or removes both, so a folder never keeps what an earlier run decided.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TokenCache } from "./cache";
import { sha256 } from "./checkin";
import { EgiAuthError } from "./errors";

export const CLOUDS_FILE = "clouds.yaml";
export const CLOUD_TFVARS_FILE = "egi-cdktf.auto.tfvars.json";
/** Written by earlier versions, which passed the token as a variable (and so into saved plans). */
const RETIRED_FILES = ["egi-token.auto.tfvars.json"];
/** Cache files of stack folders not synthesized for this long are deleted. */
const STALE_SECONDS = 7 * 24 * 3600;

/** One `clouds:` entry, as openstacksdk and gophercloud read it. */
export interface CloudEntry {
  readonly auth_type: "v3token" | "v3applicationcredential";
  readonly auth: Readonly<Record<string, string>>;
  readonly region_name?: string;
  readonly cacert?: string;
  readonly identity_api_version: 3;
}

/** A stack's credentials: cloud name -> entry, and the Terraform variable that names each cloud. */
export interface StackCredentials {
  readonly clouds: ReadonlyMap<string, CloudEntry>;
  readonly variables: Readonly<Record<string, string>>;
}

function isOurs(file: string, cache: TokenCache): boolean {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return true;
  if (!stat.isSymbolicLink()) return false;
  const target = path.resolve(path.dirname(file), fs.readlinkSync(file));
  return target.startsWith(path.join(cache.dir, "clouds") + path.sep) || /egi-cdktf/.test(target);
}

/** Remove what the hook may have left in `dir`; a clouds.yaml that is not the hook's is kept (and returned). */
export function clearStackFolder(dir: string, cache: TokenCache): string | undefined {
  for (const name of [CLOUD_TFVARS_FILE, ...RETIRED_FILES]) fs.rmSync(path.join(dir, name), { force: true });
  const clouds = path.join(dir, CLOUDS_FILE);
  if (!isOurs(clouds, cache)) return clouds;
  fs.rmSync(clouds, { force: true });
  return undefined;
}

/** Leave `credentials` in the stack folder `dir`: the clouds file in the cache, linked, and the cloud names. */
export function writeStackFolder(dir: string, cache: TokenCache, credentials: StackCredentials): void {
  const foreign = clearStackFolder(dir, cache);
  if (foreign) {
    throw new EgiAuthError("SETTING_INVALID", `${foreign} is not egi-cdktf's: the hook hands terraform its credential through that file; move your own clouds.yaml to ~/.config/openstack/`);
  }
  const key = sha256(path.resolve(dir));
  cache.write("clouds", key, { clouds: Object.fromEntries(credentials.clouds) });
  const link = path.join(dir, CLOUDS_FILE);
  try {
    fs.symlinkSync(path.join(cache.dir, "clouds", `${key}.json`), link);
  } catch (err) {
    throw new EgiAuthError("CACHE_ERROR", `cannot link ${link} to the token cache (${(err as NodeJS.ErrnoException).code}); the output dir must allow symlinks`, { cause: err });
  }
  fs.writeFileSync(path.join(dir, CLOUD_TFVARS_FILE), `${JSON.stringify(credentials.variables, null, 2)}\n`);
}

/** Delete cached clouds files (and the retired tfvars ones) no synth has refreshed for a week. */
export function pruneStackCache(cache: TokenCache, nowMs = Date.now()): void {
  for (const kind of ["clouds", "tfvars"]) {
    const dir = path.join(cache.dir, kind);
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const file = path.join(dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat && (kind === "tfvars" || nowMs - stat.mtimeMs > STALE_SECONDS * 1000)) fs.rmSync(file, { force: true });
    }
  }
}

/** Variables that make the provider ignore or break on the clouds.yaml entry: the hook refuses to run with them. */
export function conflictingEnvironment(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.OS_CLIENT_CONFIG_FILE) return "OS_CLIENT_CONFIG_FILE is set: the provider would read that file instead of the clouds.yaml the hook links in the stack folder; unset it";
  const appCred = ["OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME", "OS_APPLICATION_CREDENTIAL_SECRET"].find((n) => env[n]);
  if (appCred) return `${appCred} is set: the provider would mix it with the hook's credential and fail; unset it (EGI_CDKTF_AUTH=application-credential makes the hook create one)`;
  if (env.OS_IDENTITY_API_VERSION && env.OS_IDENTITY_API_VERSION !== "3") return `OS_IDENTITY_API_VERSION=${env.OS_IDENTITY_API_VERSION}: EGI sites use Keystone v3; unset it`;
  return undefined;
}
