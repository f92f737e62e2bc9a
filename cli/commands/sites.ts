import { createHttpClient } from "../../auth/http";
import { readSiteList, sitesFilePath, writeSiteList } from "../../auth/site-list-file";
import { closeMatches, type SiteEntry, siteDocument } from "../../auth/site-list";
import { type Command, type Io, parseFlags, UsageError } from "../command";
import { loadSites } from "../sites/load-sites";

/**
 * `egi-cdktf sites`: the pinned site list, like `fedcloud site list` (and `--vo`, like
 * `fedcloud site list --vo VO`), read from the app's egi-cdktf.sites.json with no request.
 * `egi-cdktf sites refresh --from DIR|URL` is the only thing that changes that file.
 */
export const sitesCommand: Command = {
  name: "sites",
  summary: "list the EGI sites (and their VOs) pinned in egi-cdktf.sites.json; refresh the pin",
  usage: `Usage: egi-cdktf sites [--vo VO] [--json]
       egi-cdktf sites refresh --from DIR|URL

Lists the sites of the app's pinned site list (EGI_SITES_FILE, default ./egi-cdktf.sites.json),
which EgiSite.fromSiteName, --site and EGI_SITE read; no request is made. Like fedcloud site list.
  --vo VO        only the sites that support VO, with its project id and networks there
  --json         the entries as JSON, in fedcloud-catchall-operations' format

refresh: pin the sites of fedcloud-catchall-operations (sites/*.yaml) into the file, replacing it.
  --from DIR     a clone of the repository, or its sites/ folder
  --from URL     https:// URL of the repository's archive (.tar.gz), e.g.
                 https://github.com/EGI-Federation/fedcloud-catchall-operations/archive/refs/heads/main.tar.gz,
                 or of one YAML file with one or more sites
Files that cannot be read are skipped with a warning; review the change with git diff.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { vo: { type: "string" }, json: { type: "boolean" }, from: { type: "string" } }, true);
    const file = sitesFilePath(io.env);
    if (positionals[0] === "refresh") {
      if (positionals.length > 1) throw new UsageError(`refresh takes no argument besides --from`);
      const from = values.from as string | undefined;
      if (!from) throw new UsageError("refresh needs --from DIR|URL: a fedcloud-catchall-operations clone, its sites/ folder, or the archive's https:// URL");
      if (values.vo !== undefined || values.json) throw new UsageError("--vo and --json list sites; refresh takes --from only");
      return refresh(from, file, io);
    }
    if (positionals.length > 0) throw new UsageError(`unknown subcommand "${positionals[0]}"; use refresh, or no subcommand to list`);
    if (values.from !== undefined) throw new UsageError("--from belongs to refresh: egi-cdktf sites refresh --from DIR|URL");
    const list = readSiteList(file);
    const vo = (values.vo as string | undefined)?.trim();
    const sites = vo ? list.sitesFor(vo) : [...list.sites].sort((a, b) => a.name.localeCompare(b.name));
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

/** Sites of several files, one per name: the same site twice at one endpoint merges its VOs; at another endpoint the later one is skipped. */
function merge(sites: readonly SiteEntry[], skipped: string[]): SiteEntry[] {
  const byName = new Map<string, SiteEntry>();
  for (const site of sites) {
    const key = site.name.toLowerCase();
    const seen = byName.get(key);
    if (!seen) byName.set(key, site);
    else if (seen.endpoint.replace(/\/+$/, "") === site.endpoint.replace(/\/+$/, "")) {
      byName.set(key, { ...seen, vos: [...seen.vos, ...site.vos.filter((v) => !seen.vos.some((s) => s.name === v.name))] });
    } else skipped.push(`site ${site.name} is listed twice with different endpoints (${seen.endpoint}, ${site.endpoint}); kept the first`);
  }
  return [...byName.values()];
}

async function refresh(from: string, file: string, io: Io): Promise<number> {
  const loaded = await loadSites(from, createHttpClient({ env: io.env }).fetch);
  const skipped = [...loaded.skipped];
  const sites = merge(loaded.sites, skipped);
  let before: readonly SiteEntry[] = [];
  try {
    before = readSiteList(file).sites;
  } catch {
    // no pin yet (or an unreadable one, which is being replaced)
  }
  writeSiteList(file, sites, { source: from, refreshedAt: new Date().toISOString() });
  for (const s of skipped) io.stderr(`egi-cdktf: warning: skipped ${s}\n`);
  const names = new Set(sites.map((s) => s.name));
  const old = new Set(before.map((s) => s.name));
  const added = [...names].filter((n) => !old.has(n));
  const removed = [...old].filter((n) => !names.has(n));
  const vos = sites.reduce((n, s) => n + s.vos.length, 0);
  io.stdout(
    `pinned ${sites.length} sites (${vos} site-VO pairs) in ${file} from ${from}` +
      `${added.length ? `; added: ${added.join(", ")}` : ""}${removed.length ? `; removed: ${removed.join(", ")}` : ""}\n`,
  );
  return 0;
}
