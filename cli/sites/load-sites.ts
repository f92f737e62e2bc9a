/**
 * Where `egi-cdktf sites refresh --from` reads sites: a directory of fedcloud-catchall-operations
 * `sites/*.yaml` (a clone, or its `sites/` folder), or a URL serving either a gzipped tar of the
 * repository (GitHub's `archive/refs/heads/main.tar.gz`) or one YAML file (one site, a list of
 * sites, or several YAML documents). URLs must be https: a site list names the Keystone your
 * Check-in token is sent to; plain http is accepted for loopback only (tests, local mirrors).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { rootCause } from "../../auth/errors";
import { type Fetch, findHttpFault } from "../../auth/http";
import { parseSiteEntry, type SiteEntry } from "../../auth/site-list";
import { tarGzFiles } from "./tar-gz";

export interface LoadedSites {
  readonly sites: SiteEntry[];
  /** Files that could not be used, each with its one-line reason. */
  readonly skipped: string[];
}

const SITE_FILE = /(?:^|\/)sites\/[^/]+\.ya?ml$/;

/** Sites of one YAML text: each document a site, or a list of sites. */
function sitesOfYaml(text: string, where: string): SiteEntry[] {
  const sites: SiteEntry[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ("errors" in doc && doc.errors.length > 0) throw new Error(`${where}: not YAML (${doc.errors[0].message.split("\n")[0]})`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) value.forEach((v, i) => sites.push(parseSiteEntry(v, `${where}[${i}]`)));
    else sites.push(parseSiteEntry(value, where));
  }
  return sites;
}

function collect(files: ReadonlyArray<{ name: string; text: () => string }>): LoadedSites {
  const sites: SiteEntry[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    try {
      sites.push(...sitesOfYaml(f.text(), f.name));
    } catch (err) {
      skipped.push((err as Error).message.split("\n")[0]);
    }
  }
  return { sites, skipped };
}

function fromDirectory(dir: string): LoadedSites {
  const sitesDir = fs.existsSync(path.join(dir, "sites")) && fs.statSync(path.join(dir, "sites")).isDirectory() ? path.join(dir, "sites") : dir;
  const names = fs
    .readdirSync(sitesDir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort();
  if (names.length === 0) throw new Error(`--from ${dir}: no *.yaml files there (nor in ${path.join(dir, "sites")}); give a fedcloud-catchall-operations clone or its sites/ folder`);
  return collect(names.map((n) => ({ name: path.join(sitesDir, n), text: () => fs.readFileSync(path.join(sitesDir, n), "utf8") })));
}

function checkUrl(from: string): URL {
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new Error(`--from ${from}: not a URL (give a directory of sites/*.yaml or an https:// URL)`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new Error(`--from ${from}: use an https:// URL (a site list decides where your token is sent; plain http only for loopback)`);
  }
  return url;
}

async function fromUrl(from: string, fetch: Fetch): Promise<LoadedSites> {
  const url = checkUrl(from);
  // Unreachable, TLS, DNS, a reset mid-body: an expected failure, one line naming the URL.
  const failed = (err: unknown) => new Error(`--from ${from}: cannot download it (${findHttpFault(err)?.message ?? rootCause(err)})`, { cause: err });
  const res = await fetch(url.href, { headers: { Accept: "application/gzip, application/yaml, text/plain, */*" } }).catch((err) => {
    throw failed(err);
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`--from ${from}: HTTP ${res.status}`);
  }
  const body = Buffer.from(
    await res.arrayBuffer().catch((err) => {
      throw failed(err);
    }),
  );
  if (body[0] === 0x1f && body[1] === 0x8b) {
    let files: ReturnType<typeof tarGzFiles>;
    try {
      files = tarGzFiles(body, (p) => SITE_FILE.test(p));
    } catch (err) {
      throw new Error(`--from ${from}: a damaged .tar.gz (${rootCause(err)})`, { cause: err });
    }
    if (files.length === 0) throw new Error(`--from ${from}: the archive has no sites/*.yaml; give fedcloud-catchall-operations' archive`);
    return collect(files.map((f) => ({ name: `${from}!${f.path}`, text: () => f.data.toString("utf8") })));
  }
  return collect([{ name: from, text: () => body.toString("utf8") }]);
}

/** The sites at `from` (a directory or a URL). Throws one line when nothing usable is there. */
export async function loadSites(from: string, fetch: Fetch): Promise<LoadedSites> {
  let loaded: LoadedSites;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from)) {
    loaded = await fromUrl(from, fetch);
  } else {
    if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) throw new Error(`--from ${from}: no such directory (give a directory of sites/*.yaml or an https:// URL)`);
    loaded = fromDirectory(from);
  }
  if (loaded.sites.length === 0) throw new Error(`--from ${from}: no usable site (${loaded.skipped[0] ?? "the files are empty"})`);
  return loaded;
}
