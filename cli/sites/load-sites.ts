/**
 * Where `egi-cdktf sites refresh` reads sites: by default EGI's published list (DEFAULT_SITES_URL);
 * with `--from`, a directory of fedcloud-catchall-operations `sites/*.yaml` (a clone, or its
 * `sites/` folder), or a URL serving either a gzipped tar of the repository (GitHub's
 * `archive/refs/heads/main.tar.gz`) or one YAML file (one site, a list of sites, or several YAML
 * documents). URLs must be https: a site list names the Keystone your Check-in token is sent to;
 * plain http is accepted for loopback only (tests, local mirrors). Where the repository's
 * `schema.json` comes along (a clone, the archive), each file is checked against it first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { rootCause } from "../../auth/errors";
import { type Fetch, findHttpFault } from "../../auth/http";
import { parseSiteEntry, type SiteEntry } from "../../auth/site-list";
import { type JsonSchema, parseSchema, schemaError, uncheckedKeywords } from "./site-schema";
import { tarGzFiles } from "./tar-gz";

/**
 * The published site list: fedcloud-catchall-operations' main branch as GitHub archives it, every
 * `sites/*.yaml` with `schema.json`, in one request. fedcloudclient reads the same files one by one:
 * its default `site_list_url` (fedcloudclient/conf.py DEFAULT_SETTINGS, and `__REMOTE_CONFIG_FILE`
 * in fedcloudclient/sites.py, release 1.4.4, github.com/tdviet/fedcloudclient) is
 * https://raw.githubusercontent.com/tdviet/fedcloudclient/master/config/sites.yaml, a hand-kept list
 * of `https://raw.githubusercontent.com/EGI-Federation/fedcloud-catchall-operations/main/sites/<FILE>.yaml`
 * URLs; as of its 2025-01-13 update (commit 0a8ae05) that list lacks e.g. CREODIAS.yaml and
 * fedcloud.srce.hr-2.yaml. The archive of the same branch has every file the maintainers publish.
 */
export const DEFAULT_SITES_URL = "https://github.com/EGI-Federation/fedcloud-catchall-operations/archive/refs/heads/main.tar.gz";

export interface LoadedSites {
  readonly sites: SiteEntry[];
  /** Files that could not be used, each with its one-line reason. */
  readonly skipped: string[];
  /** Other things the user should know (e.g. schema keywords not checked), one line each. */
  readonly notes: string[];
}

const SITE_FILE = /(?:^|\/)sites\/[^/]+\.ya?ml$/;
const SCHEMA_FILE = /(?:^|\/)schema\.json$/;

interface SourceFile {
  readonly name: string;
  readonly text: () => string;
}

/** Sites of one YAML text: each document a site, or a list of sites; each document checked against `schema` when given. */
function sitesOfYaml(text: string, where: string, schema?: JsonSchema): SiteEntry[] {
  const sites: SiteEntry[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ("errors" in doc && doc.errors.length > 0) throw new Error(`${where}: not YAML (${doc.errors[0].message.split("\n")[0]})`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const invalid = schema === undefined ? undefined : schemaError(value, schema);
    if (invalid) throw new Error(`${where}: does not match the repository's schema.json (${invalid})`);
    if (Array.isArray(value)) value.forEach((v, i) => sites.push(parseSiteEntry(v, `${where}[${i}]`)));
    else sites.push(parseSiteEntry(value, where));
  }
  if (sites.length === 0) throw new Error(`${where}: no site in it (the file is empty or only comments)`);
  return sites;
}

/** The sites of `files`, each file checked against the schema in `schemaFile` when there is one. */
function collect(files: readonly SourceFile[], schemaFile?: SourceFile): LoadedSites {
  const sites: SiteEntry[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  let schema: JsonSchema | undefined;
  if (schemaFile) {
    try {
      schema = parseSchema(schemaFile.text(), schemaFile.name);
      const unchecked = uncheckedKeywords(schema);
      if (unchecked.length) notes.push(`${schemaFile.name} uses ${unchecked.join(", ")}, which egi-cdktf does not check`);
    } catch (err) {
      notes.push(`${(err as Error).message.split("\n")[0]}; the site files are read without it`);
    }
  }
  for (const f of files) {
    try {
      sites.push(...sitesOfYaml(f.text(), f.name, schema));
    } catch (err) {
      skipped.push((err as Error).message.split("\n")[0]);
    }
  }
  return { sites, skipped, notes };
}

function fromDirectory(dir: string): LoadedSites {
  const sitesDir = fs.existsSync(path.join(dir, "sites")) && fs.statSync(path.join(dir, "sites")).isDirectory() ? path.join(dir, "sites") : dir;
  const names = fs
    .readdirSync(sitesDir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort();
  if (names.length === 0) throw new Error(`--from ${dir}: no *.yaml files there (nor in ${path.join(dir, "sites")}); give a fedcloud-catchall-operations clone or its sites/ folder`);
  // The repository's schema.json sits next to sites/ (in a clone's root, or above the sites/ folder given).
  const root = sitesDir !== dir ? dir : path.basename(path.resolve(dir)) === "sites" ? path.dirname(path.resolve(dir)) : undefined;
  const schemaPath = root === undefined ? undefined : path.join(root, "schema.json");
  const schema = schemaPath && fs.existsSync(schemaPath) ? { name: schemaPath, text: () => fs.readFileSync(schemaPath, "utf8") } : undefined;
  return collect(
    names.map((n) => ({ name: path.join(sitesDir, n), text: () => fs.readFileSync(path.join(sitesDir, n), "utf8") })),
    schema,
  );
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
      files = tarGzFiles(body, (p) => SITE_FILE.test(p) || SCHEMA_FILE.test(p));
    } catch (err) {
      throw new Error(`--from ${from}: a damaged .tar.gz (${rootCause(err)})`, { cause: err });
    }
    const sites = files.filter((f) => SITE_FILE.test(f.path));
    if (sites.length === 0) throw new Error(`--from ${from}: the archive has no sites/*.yaml; give fedcloud-catchall-operations' archive`);
    // The schema.json next to the (first) sites/ folder: `<top>/schema.json` in GitHub's archive.
    const schemaPath = sites[0].path.replace(/sites\/[^/]+$/, "schema.json");
    const schema = files.find((f) => f.path === schemaPath);
    const source = (f: (typeof files)[number]): SourceFile => ({ name: `${from}!${f.path}`, text: () => f.data.toString("utf8") });
    return collect(sites.map(source), schema && source(schema));
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
