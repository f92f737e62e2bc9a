/**
 * `egi-cdktf.sites.json`: the EGI site list an app uses, pinned next to it and committed with it
 * (like egi-cdktf.context.json), so that `EgiSite.fromSiteName` and `--site` need no network at
 * synth. `egi-cdktf sites refresh [--from DIR|URL]` rewrites it from fedcloud-catchall-operations'
 * `sites/*.yaml`; nothing else writes it. EGI_SITES_FILE names another file.
 *
 * Its `sites` are the catchall files' documents, one per cloud: a site that publishes two clouds
 * (fedcloud.srce.hr) has two entries, one per endpoint. Pins written before that (one entry per
 * site, the second cloud dropped with a warning) have the same shape and load as they are: they
 * only lack the dropped endpoints, which the next `egi-cdktf sites refresh` adds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EgiAuthError } from "./errors";
import { parseSiteEntry, type SiteEntry, siteDocument, SiteList } from "./site-list";
import { checkWritableFile, writeFileAtomic } from "./write-file";

export const SITES_FILE = "egi-cdktf.sites.json";

type Env = Readonly<Record<string, string | undefined>>;

/** The site list file of the app run from `cwd`: EGI_SITES_FILE, else `egi-cdktf.sites.json`. */
export function sitesFilePath(env: Env = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, env.EGI_SITES_FILE?.trim() || SITES_FILE);
}

/** `EGI_SITES_FILE` when it names the file (for messages), else undefined (the default name in the current folder). */
export function sitesFileSetting(env: Env = process.env): string | undefined {
  return env.EGI_SITES_FILE?.trim() ? "EGI_SITES_FILE" : undefined;
}

/** Throws one line naming `setting` when `file` cannot be written (a missing folder, a parent that is a file): check it before a refresh downloads anything. */
export function checkSitesFileWritable(file: string, setting?: string): void {
  try {
    checkWritableFile(file, setting);
  } catch (err) {
    throw new EgiAuthError("SITE_LIST_INVALID", (err as Error).message, { cause: err });
  }
}

/** What the file holds besides the sites: where they came from and when. */
export interface SiteListPin {
  readonly source: string;
  readonly refreshedAt: string;
}

const cache = new Map<string, { mtimeMs: number; list: SiteList }>();

/** Read and check the pinned list at `file` (named by `setting`, e.g. EGI_SITES_FILE). Throws one line naming the file and the fix. */
export function readSiteList(file: string, setting?: string): SiteList {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    checkSitesFileWritable(file, setting);
    throw new EgiAuthError(
      "SITE_LIST_INVALID",
      `no site list at ${file}: run \`egi-cdktf sites refresh\` to pin EGI's published one (EGI_SITES_FILE names another file)`,
    );
  }
  if (stat.isDirectory()) checkSitesFileWritable(file, setting);
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

/** Write `sites` to `file` (named by `setting`) atomically, sorted by name then endpoint. Throws one line naming `setting` and the file. */
export function writeSiteList(file: string, sites: readonly SiteEntry[], pin: SiteListPin, setting?: string): void {
  const sorted = [...sites].sort((a, b) => a.name.localeCompare(b.name) || a.endpoint.localeCompare(b.endpoint));
  // Checks each endpoint of a site is listed once before anything is written.
  new SiteList(sorted, file);
  const body = {
    "//": "EGI sites pinned for this app by `egi-cdktf sites refresh`: one entry per site endpoint (a site may have several), in the format of fedcloud-catchall-operations sites/*.yaml",
    source: pin.source,
    refreshedAt: pin.refreshedAt,
    sites: sorted.map(siteDocument),
  };
  try {
    writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`, { setting });
  } catch (err) {
    throw new EgiAuthError("SITE_LIST_INVALID", (err as Error).message, { cause: err });
  }
  cache.delete(file);
}
