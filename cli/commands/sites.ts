import { createHttpClient } from "../../auth/http";
import { checkSitesFileWritable, readSiteList, sitesFilePath, sitesFileSetting, writeSiteList } from "../../auth/site-list-file";
import { closeMatches, type SiteEntry, siteDocument } from "../../auth/site-list";
import { normaliseAuthUrl } from "../../auth/settings";
import { type Command, type Io, parseFlags, UsageError } from "../command";
import { DEFAULT_SITES_URL, loadSites } from "../sites/load-sites";

/**
 * `egi-cdktf sites`: the pinned site list, like `fedcloud site list` (and `--vo`, like
 * `fedcloud site list --vo VO`), read from the app's egi-cdktf.sites.json with no request.
 * `egi-cdktf sites refresh [--from DIR|URL]` is the only thing that changes that file.
 */
export const sitesCommand: Command = {
  name: "sites",
  summary: "list the EGI sites (and their VOs) pinned in egi-cdktf.sites.json; refresh the pin",
  usage: `Usage: egi-cdktf sites [--vo VO] [--json]
       egi-cdktf sites refresh [--from DIR|URL]

Lists the sites of the app's pinned site list (EGI_SITES_FILE, default ./egi-cdktf.sites.json),
which EgiSite.fromSiteName, --site and EGI_SITE read; no request is made. Like fedcloud site list.
One row per site endpoint: a site may run several clouds, each serving its own VOs.
  --vo VO        only the site endpoints that serve VO, with its project id and networks there
  --json         the entries as JSON, in fedcloud-catchall-operations' format

refresh: pin the sites of fedcloud-catchall-operations (sites/*.yaml) into the file, replacing it;
each file is checked against the repository's schema.json when it comes along.
  (no --from)    EGI's published list: ${DEFAULT_SITES_URL}
  --from DIR     a clone of the repository, or its sites/ folder
  --from URL     https:// URL of the repository's archive (.tar.gz) or of one YAML file with one
                 or more sites
Files that cannot be used are skipped with a warning; review the change with git diff.
Where two endpoints of a site serve one VO, EGI_SITE_ENDPOINT chooses (a URL or a host name).`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { vo: { type: "string" }, json: { type: "boolean" }, from: { type: "string" } }, true, sitesCommand.usage);
    const file = sitesFilePath(io.env);
    if (positionals[0] === "refresh") {
      if (positionals.length > 1) throw new UsageError(`refresh takes no argument besides --from`);
      const from = values.from as string | undefined;
      if (from !== undefined && !from.trim()) throw new UsageError("--from needs a value: a fedcloud-catchall-operations clone, its sites/ folder, or an https:// URL (or leave it out for EGI's published list)");
      if (values.vo !== undefined || values.json) throw new UsageError("--vo and --json list sites; refresh takes --from only");
      return refresh(from ?? DEFAULT_SITES_URL, file, io);
    }
    if (positionals.length > 0) throw new UsageError(`unknown subcommand "${positionals[0]}"; use refresh, or no subcommand to list`);
    if (values.from !== undefined) throw new UsageError("--from belongs to refresh: egi-cdktf sites refresh --from DIR|URL");
    const list = readSiteList(file, sitesFileSetting(io.env));
    const vo = (values.vo as string | undefined)?.trim();
    const sites = vo ? list.sitesFor(vo) : [...list.sites].sort((a, b) => a.name.localeCompare(b.name) || a.endpoint.localeCompare(b.endpoint));
    if (vo && sites.length === 0) {
      const all = [...new Set(list.sites.flatMap((s) => s.vos.map((v) => v.name)))];
      const close = closeMatches(vo, all);
      io.stderr(`egi-cdktf: no site in ${file} supports VO "${vo}"${close.length ? `; close: ${close.join(", ")}` : ""}\n`);
      return 1;
    }
    if (values.json) {
      const docs = sites.map((s) => siteDocument(vo ? { ...s, vos: s.vos.filter((v) => v.name.toLowerCase() === vo.toLowerCase()) } : s));
      io.stdout(`${JSON.stringify(docs, null, 2)}\n`);
      return 0;
    }
    const rows = vo
      ? [["SITE", "ENDPOINT", "PROJECT", "NETWORK", "FLOATING IP POOL"], ...sites.map((s) => voRow(s, vo))]
      : [["SITE", "ENDPOINT", "VOS"], ...sites.map((s) => [s.name, s.endpoint, String(s.vos.length)])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) io.stdout(`${r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()}\n`);
    return 0;
  },
};

function voRow(site: SiteEntry, vo: string): string[] {
  const entry = site.vos.find((v) => v.name.toLowerCase() === vo.toLowerCase())!;
  return [site.name, site.endpoint, entry.projectId ?? "(by name)", entry.defaultNetwork ?? "-", entry.publicNetwork ?? "-"];
}

const endpointKey = (site: SiteEntry): string => `${site.name.toLowerCase()} ${normaliseAuthUrl(site.endpoint, `site ${site.name}: endpoint`)}`;

/**
 * Sites of several files, one entry per site endpoint: the same site twice at one endpoint (with or
 * without a trailing slash) merges its VOs, the first file's first; at another endpoint it is
 * another cloud of the site, kept as its own entry.
 */
function merge(sites: readonly SiteEntry[]): SiteEntry[] {
  const byEndpoint = new Map<string, SiteEntry>();
  for (const site of sites) {
    const key = endpointKey(site);
    const seen = byEndpoint.get(key);
    byEndpoint.set(key, seen ? { ...seen, vos: [...seen.vos, ...site.vos.filter((v) => !seen.vos.some((s) => s.name === v.name))] } : site);
  }
  return [...byEndpoint.values()];
}

/** One line per site where a VO is served by two endpoints or more: who must choose, and how. */
function sharedVos(sites: readonly SiteEntry[]): string[] {
  const lines: string[] = [];
  for (const name of [...new Set(sites.map((s) => s.name))].sort((a, b) => a.localeCompare(b))) {
    const entries = sites.filter((s) => s.name === name).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
    if (entries.length < 2) continue;
    const vos = [...new Set(entries.flatMap((e) => e.vos.map((v) => v.name)))].filter((vo) => entries.filter((e) => e.vos.some((v) => v.name === vo)).length > 1);
    if (vos.length === 0) continue;
    lines.push(
      `site ${name} has ${entries.length} endpoints (${entries.map((e) => e.endpoint).join(", ")}); VO ${vos.join(", ")} at more than one: --site ${name} --vo ${vos[0]} needs --endpoint URL (or EGI_SITE_ENDPOINT, or the endpoint prop of EgiSite.fromSiteName) to choose`,
    );
  }
  return lines;
}

async function refresh(from: string, file: string, io: Io): Promise<number> {
  const setting = sitesFileSetting(io.env);
  // Before any download: a pin file that cannot be written is the user's to fix, named as they set it.
  checkSitesFileWritable(file, setting);
  const loaded = await loadSites(from, createHttpClient({ env: io.env }).fetch);
  const sites = merge(loaded.sites);
  let before: readonly SiteEntry[] = [];
  try {
    before = readSiteList(file, setting).sites;
  } catch {
    // no pin yet (or an unreadable one, which is being replaced)
  }
  writeSiteList(file, sites, { source: from, refreshedAt: new Date().toISOString() }, setting);
  for (const s of loaded.skipped) io.stderr(`egi-cdktf: warning: skipped ${s}\n`);
  for (const n of [...loaded.notes, ...sharedVos(sites)]) io.stderr(`egi-cdktf: note: ${n}\n`);
  const names = new Set(sites.map((s) => s.name));
  const old = new Set(before.map((s) => s.name));
  const added = [...names].filter((n) => !old.has(n)).sort((a, b) => a.localeCompare(b));
  const removed = [...old].filter((n) => !names.has(n)).sort((a, b) => a.localeCompare(b));
  // Endpoints new to a site the pin had (e.g. a second cloud an older egi-cdktf dropped), and gone from one it keeps.
  const keys = (list: readonly SiteEntry[]) => new Map(list.map((s) => [endpointKey(s), s]));
  const [now, then] = [keys(sites), keys(before)];
  const newEndpoints = [...now].filter(([k, s]) => !then.has(k) && old.has(s.name)).map(([, s]) => `${s.name} ${s.endpoint}`);
  const goneEndpoints = [...then].filter(([k, s]) => !now.has(k) && names.has(s.name)).map(([, s]) => `${s.name} ${s.endpoint}`);
  const vos = new Set(sites.flatMap((s) => s.vos.map((v) => `${s.name.toLowerCase()} ${v.name.toLowerCase()}`))).size;
  io.stdout(
    `pinned ${names.size} sites (${sites.length === names.size ? "" : `${sites.length} endpoints, `}${vos} site-VO pairs) in ${file} from ${from}` +
      `${added.length ? `; added: ${added.join(", ")}` : ""}${removed.length ? `; removed: ${removed.join(", ")}` : ""}` +
      `${newEndpoints.length ? `; new endpoints: ${newEndpoints.join(", ")}` : ""}${goneEndpoints.length ? `; endpoints gone: ${goneEndpoints.join(", ")}` : ""}\n`,
  );
  return 0;
}
