/**
 * Which site, project and credential each provider configuration of a planned stack uses, the way
 * the OpenStack provider decides it, so the quota calls ask the same project terraform planned for:
 *
 * 1. With the hook (a Check-in credential at synth): the provider's `cloud` argument is a variable
 *    (`var.<site>_cloud`) whose value, in the plan, names an entry of the stack folder's linked
 *    `clouds.yaml` (auth URL, project, token or application credential, region, CA file).
 * 2. Without it: OS_TOKEN (or OS_AUTH_TOKEN), OS_AUTH_URL, OS_PROJECT_ID (or OS_TENANT_ID),
 *    OS_REGION_NAME, OS_CACERT, as on the docs page.
 * Arguments set on the provider block itself (`auth_url`, `tenant_id`, `region`, `cacert_file`,
 * which EgiSite sets from its props) win over both, as in the provider.
 *
 * Only reads files: no request is made here. A provider that authenticates otherwise (passwords,
 * the user's own clouds.yaml through OS_CLOUD) gets `missing`: its quota is reported as not checked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { normaliseAuthUrl } from "../../auth/settings";
import { CLOUDS_FILE } from "../../auth/stack-files";
import { type PlanJson, providerArgument } from "./plan-json";

export interface SiteCredential {
  /** Keystone base URL, without /v3. */
  readonly authUrl: string;
  /** Undefined when only the token knows it (a project-scoped OS_TOKEN without OS_PROJECT_ID). */
  readonly projectId?: string;
  readonly region?: string;
  readonly caFile?: string;
  readonly auth: { readonly kind: "token"; readonly token: string } | { readonly kind: "application-credential"; readonly id: string; readonly secret: string };
  /** Where it came from, for the summary: `clouds.yaml entry egi-cdktf-...` or `OS_TOKEN`. */
  readonly source: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** One site and project: credentials of different stacks for the same key share one set of quota calls. */
export function siteKey(c: SiteCredential): string {
  return [c.authUrl, c.projectId ?? "", c.region ?? ""].join("\n");
}

/** The secrets a credential holds, to keep out of every output. */
export function credentialSecrets(c: SiteCredential): string[] {
  return c.auth.kind === "token" ? [c.auth.token] : [c.auth.secret];
}

function cloudsEntry(stackDir: string, cloud: string): Record<string, any> | string {
  const file = path.join(stackDir, CLOUDS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    return `the provider uses cloud ${cloud} but ${file} cannot be read (${(err as NodeJS.ErrnoException).code}); synth again with the Check-in credential set`;
  }
  const entry = (parseYaml(text) as { clouds?: Record<string, unknown> } | null)?.clouds?.[cloud];
  return entry && typeof entry === "object" ? (entry as Record<string, any>) : `${file} has no entry ${cloud}; synth again`;
}

/** The credential of provider configuration `providerKey` in a stack's plan, or why there is none. */
export function providerCredential(plan: PlanJson, providerKey: string, stackDir: string, env: Env): SiteCredential | { readonly missing: string } {
  const arg = (name: string) => providerArgument(plan, providerKey, name);
  const cloud = arg("cloud");
  try {
    if (cloud) {
      const entry = cloudsEntry(stackDir, cloud);
      if (typeof entry === "string") return { missing: entry };
      const a = entry.auth ?? {};
      const authUrl = arg("auth_url") ?? a.auth_url;
      if (!authUrl) return { missing: `clouds.yaml entry ${cloud} has no auth_url` };
      const common = {
        authUrl: normaliseAuthUrl(authUrl, `clouds.yaml entry ${cloud}: auth_url`),
        projectId: arg("tenant_id") ?? a.project_id,
        region: arg("region") ?? entry.region_name,
        caFile: arg("cacert_file") ?? entry.cacert,
        source: `clouds.yaml entry ${cloud}`,
      };
      if (entry.auth_type === "v3applicationcredential" && a.application_credential_id && a.application_credential_secret) {
        return { ...common, auth: { kind: "application-credential", id: a.application_credential_id, secret: a.application_credential_secret } };
      }
      if (a.token) return { ...common, auth: { kind: "token", token: a.token } };
      return { missing: `clouds.yaml entry ${cloud} holds neither a token nor an application credential` };
    }
    const token = env.OS_TOKEN || env.OS_AUTH_TOKEN;
    if (!token) return { missing: "no credential to read the quota with: no clouds.yaml entry (set a Check-in credential before synth) and no OS_TOKEN" };
    const authUrl = arg("auth_url") ?? env.OS_AUTH_URL;
    if (!authUrl) return { missing: "OS_TOKEN is set but the site is unknown: set OS_AUTH_URL" };
    return {
      authUrl: normaliseAuthUrl(authUrl, arg("auth_url") ? "the provider's auth_url" : "OS_AUTH_URL"),
      projectId: arg("tenant_id") ?? (env.OS_PROJECT_ID || env.OS_TENANT_ID || undefined),
      region: arg("region") ?? (env.OS_REGION_NAME || undefined),
      caFile: arg("cacert_file") ?? (env.OS_CACERT || undefined),
      auth: { kind: "token", token },
      source: env.OS_TOKEN ? "OS_TOKEN" : "OS_AUTH_TOKEN",
    };
  } catch (err) {
    return { missing: (err as Error).message };
  }
}

/** The secrets in a stack folder's clouds.yaml (none when there is none): kept out of every output. */
export function stackFolderSecrets(stackDir: string): string[] {
  try {
    const clouds = (parseYaml(fs.readFileSync(path.join(stackDir, CLOUDS_FILE), "utf8")) as { clouds?: Record<string, any> } | null)?.clouds ?? {};
    return Object.values(clouds).flatMap((e) => [e?.auth?.token, e?.auth?.application_credential_secret].filter((s): s is string => typeof s === "string" && s.length > 0));
  } catch {
    return [];
  }
}
