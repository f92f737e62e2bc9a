/**
 * `egi-cdktf.sites.json`: the EGI site list an app uses, pinned next to it and committed with it
 * (like egi-cdktf.context.json), so that `EgiSite.fromSiteName` and `--site` need no network at
 * synth. `egi-cdktf sites refresh --from DIR|URL` rewrites it from fedcloud-catchall-operations'
 * `sites/*.yaml`; nothing else writes it. EGI_SITES_FILE names another file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EgiAuthError } from "./errors";
import { parseSiteEntry, type SiteEntry, siteDocument, SiteList } from "./site-list";

export const SITES_FILE = "egi-cdktf.sites.json";

type Env = Readonly<Record<string, string | undefined>>;

/** The site list file of the app run from `cwd`: EGI_SITES_FILE, else `egi-cdktf.sites.json`. */
export function sitesFilePath(env: Env = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, env.EGI_SITES_FILE?.trim() || SITES_FILE);
}

/** What the file holds besides the sites: where they came from and when. */
export interface SiteListPin {
  readonly source: string;
  readonly refreshedAt: string;
}

const cache = new Map<string, { mtimeMs: number; list: SiteList }>();

/** Read and check the pinned list at `file`. Throws one line naming the file and the fix. */
export function readSiteList(file: string): SiteList {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new EgiAuthError(
      "SITE_LIST_INVALID",
      `no site list at ${file}: run \`egi-cdktf sites refresh --from <fedcloud-catchall-operations sites dir or URL>\` to pin one (EGI_SITES_FILE names another file)`,
    );
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs) return hit.list;
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new EgiAuthError("SITE_LIST_INVALID", `${file} is not valid JSON (${(err as Error).message.split("\n")[0]}); restore it from git or run \`egi-cdktf sites refresh\``, { cause: err });
  }
  const sites = (doc as { sites?: unknown })?.sites;
  if (!Array.isArray(sites)) throw new EgiAuthError("SITE_LIST_INVALID", `${file} has no "sites" list; restore it from git or run \`egi-cdktf sites refresh\``);
  let list: SiteList;
  try {
    list = new SiteList(sites.map((s, i) => parseSiteEntry(s, `${file}: sites[${i}]`)), file);
  } catch (err) {
    throw new EgiAuthError("SITE_LIST_INVALID", (err as Error).message, { cause: err });
  }
  cache.set(file, { mtimeMs: stat.mtimeMs, list });
  return list;
}

/** Write `sites` to `file` atomically (a temp file renamed over it), sorted by name. */
export function writeSiteList(file: string, sites: readonly SiteEntry[], pin: SiteListPin): void {
  const sorted = [...sites].sort((a, b) => a.name.localeCompare(b.name));
  // Checks the names are unique before anything is written.
  new SiteList(sorted, file);
  const body = {
    "//": "EGI sites pinned for this app by `egi-cdktf sites refresh`; format of fedcloud-catchall-operations sites/*.yaml",
    source: pin.source,
    refreshedAt: pin.refreshedAt,
    sites: sorted.map(siteDocument),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(tmp, file);
  cache.delete(file);
}
