/**
 * For construct tests of sites named from the site list: per test, a temp dir holding the list as
 * egi-cdktf.sites.json, EGI_SITES_FILE and EGI_CDKTF_CONTEXT_FILE pointing into it, and the OS_*
 * variables a site would otherwise fall back to cleared; all restored and removed after each test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ENV = ["EGI_SITES_FILE", "EGI_CDKTF_CONTEXT_FILE", "OS_AUTH_URL", "OS_PROJECT_ID", "OS_REGION_NAME", "OS_PROTOCOL"];

export interface SiteListEnv {
  readonly dir: string;
  readonly sitesFile: string;
  readonly contextFile: string;
}

/** Registers beforeEach/afterEach; read the returned object's fields inside tests. */
export function useSiteListEnv(prefix: string, siteList: unknown): SiteListEnv {
  const current = { dir: "", sitesFile: "", contextFile: "" };
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
    for (const k of ENV) delete process.env[k];
    current.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    current.sitesFile = path.join(current.dir, "egi-cdktf.sites.json");
    current.contextFile = path.join(current.dir, "egi-cdktf.context.json");
    fs.writeFileSync(current.sitesFile, JSON.stringify(siteList));
    Object.assign(process.env, { EGI_SITES_FILE: current.sitesFile, EGI_CDKTF_CONTEXT_FILE: current.contextFile });
  });
  afterEach(() => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(current.dir, { recursive: true, force: true });
  });
  return current;
}
