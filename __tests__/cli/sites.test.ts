/**
 * `egi-cdktf sites` and `egi-cdktf sites refresh` through main(argv, io), no site: the pinned list
 * (EGI_SITES_FILE in a temp dir) listed as a table, by VO and as JSON; refresh from a directory of
 * sites/*.yaml, from a real .tar.gz of the repository and from one YAML file served on loopback;
 * the one-line errors; and `egi-cdktf env --site/--vo` failing before any request.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";

type Env = Record<string, string | undefined>;

async function run(args: string[], env: Env) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { status, stdout, stderr };
}

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "sites-cli-"));
/** A path for the pin file in a fresh directory (the file itself is not created). */
const pinPath = (): string => path.join(tempDir(), "egi-cdktf.sites.json");
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One `egi-cdktf: ...` line on stderr, nothing on stdout, the given exit status. */
function expectOneLine(r: { status: number; stdout: string; stderr: string }, status: number): string {
  expect(r.status).toBe(status);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  return r.stderr.slice("egi-cdktf: ".length, -1);
}

/** Rows of a table printed with two-space gaps. */
const table = (out: string): string[][] =>
  out
    .trimEnd()
    .split("\n")
    .map((l) => l.split(/ {2,}/));

const IFCA = `---
gocdb: IFCA-LCG2
endpoint: https://api.cloud.ifca.es:5000/v3/
vos:
- name: dteam
  auth:
    project_id: 5eb8959a799240a98f4f303f5fbd80be
- name: vo.access.egi.eu
  auth:
    project_id: 999f045cb1ff4684a15ebb338af69460
  defaultNetwork: private
  publicNetwork: public
`;
const CYFRONET = `endpoint: https://panel.cloud.cyfronet.pl:5000/v3/
gocdb: CYFRONET-CLOUD
vos:
- auth:
    project_id: 9b40bb40431c4f4180c280b6675f9bb9
  name: dteam
- name: vo.access.egi.eu
`;
const HUNDRED_IT = `gocdb: 100IT
endpoint: https://cloud-egi.100percentit.com:5000/v3/
vos:
  fedcloud.egi.eu:
    auth:
      project_id: 7cfb9087632a4df5b738fbd0b795f2ad
`;
const LILLE = `endpoint: https://thor.univ-lille.fr:5000/v3
gocdb: UNIV-LILLE
vos:
- auth:
    project_id: e57db5c1e0b24bcbac9904f4ac22dcaa
  name: vo.access.egi.eu
`;
/** No endpoint: skipped with a warning. */
const BROKEN = "gocdb: BROKEN-SITE\nvos:\n- name: dteam\n";

/** A directory like a clone of fedcloud-catchall-operations. */
function catchallClone(sites: Record<string, string>): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "sites"));
  fs.writeFileSync(path.join(dir, "README.md"), "# fedcloud-catchall-operations\n");
  for (const [name, text] of Object.entries(sites)) fs.writeFileSync(path.join(dir, "sites", name), text);
  return dir;
}

/** A pinned list made by `sites refresh` from a directory with IFCA, CYFRONET and 100IT. */
async function pinned(): Promise<string> {
  const file = pinPath();
  const r = await run(["sites", "refresh", "--from", catchallClone({ "IFCA-LCG2.yaml": IFCA, "CYFRONET-CLOUD.yaml": CYFRONET, "100IT.yaml": HUNDRED_IT })], { EGI_SITES_FILE: file });
  expect(r.status).toBe(0);
  return file;
}

describe("egi-cdktf sites: listing the pinned list", () => {
  test("GIVEN a pinned list WHEN listed THEN a table of the sites by name with endpoint and number of VOs", async () => {
    const r = await run(["sites"], { EGI_SITES_FILE: await pinned() });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(table(r.stdout)).toEqual([
      ["SITE", "ENDPOINT", "VOS"],
      ["100IT", "https://cloud-egi.100percentit.com:5000/v3/", "1"],
      ["CYFRONET-CLOUD", "https://panel.cloud.cyfronet.pl:5000/v3/", "2"],
      ["IFCA-LCG2", "https://api.cloud.ifca.es:5000/v3/", "2"],
    ]);
    // columns line up
    const lines = r.stdout.trimEnd().split("\n");
    expect(new Set(lines.map((l) => l.indexOf("http") < 0 ? l.indexOf("ENDPOINT") : l.indexOf("http"))).size).toBe(1);
  });

  test("GIVEN --vo WHEN listed THEN only the sites with that VO, with its project id or (by name), and networks or -", async () => {
    const r = await run(["sites", "--vo", "vo.access.egi.eu"], { EGI_SITES_FILE: await pinned() });

    expect(r.status).toBe(0);
    expect(table(r.stdout)).toEqual([
      ["SITE", "ENDPOINT", "PROJECT", "NETWORK", "FLOATING IP POOL"],
      ["CYFRONET-CLOUD", "https://panel.cloud.cyfronet.pl:5000/v3/", "(by name)", "-", "-"],
      ["IFCA-LCG2", "https://api.cloud.ifca.es:5000/v3/", "999f045cb1ff4684a15ebb338af69460", "private", "public"],
    ]);
  });

  test("GIVEN --vo in another case WHEN listed THEN the same sites", async () => {
    const r = await run(["sites", "--vo", "DTEAM"], { EGI_SITES_FILE: await pinned() });

    expect(table(r.stdout).slice(1).map((row) => [row[0], row[2]])).toEqual([
      ["CYFRONET-CLOUD", "9b40bb40431c4f4180c280b6675f9bb9"],
      ["IFCA-LCG2", "5eb8959a799240a98f4f303f5fbd80be"],
    ]);
  });

  test("GIVEN --json WHEN listed THEN the entries in fedcloud-catchall-operations' format, sorted", async () => {
    const r = await run(["sites", "--json"], { EGI_SITES_FILE: await pinned() });

    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout);
    expect(docs.map((d: { gocdb: string }) => d.gocdb)).toEqual(["100IT", "CYFRONET-CLOUD", "IFCA-LCG2"]);
    expect(docs[0]).toEqual({
      gocdb: "100IT",
      endpoint: "https://cloud-egi.100percentit.com:5000/v3/",
      vos: [{ name: "fedcloud.egi.eu", auth: { project_id: "7cfb9087632a4df5b738fbd0b795f2ad" } }],
    });
    expect(docs[1].vos).toEqual([{ name: "dteam", auth: { project_id: "9b40bb40431c4f4180c280b6675f9bb9" } }, { name: "vo.access.egi.eu" }]);
  });

  test("GIVEN --vo and --json WHEN listed THEN only the sites with the VO, each with only that VO", async () => {
    const r = await run(["sites", "--vo", "vo.access.egi.eu", "--json"], { EGI_SITES_FILE: await pinned() });

    expect(JSON.parse(r.stdout)).toEqual([
      { gocdb: "CYFRONET-CLOUD", endpoint: "https://panel.cloud.cyfronet.pl:5000/v3/", vos: [{ name: "vo.access.egi.eu" }] },
      {
        gocdb: "IFCA-LCG2",
        endpoint: "https://api.cloud.ifca.es:5000/v3/",
        vos: [{ name: "vo.access.egi.eu", auth: { project_id: "999f045cb1ff4684a15ebb338af69460" }, defaultNetwork: "private", publicNetwork: "public" }],
      },
    ]);
  });

  test("GIVEN a VO no site has WHEN listed THEN exit 1, one line naming the file and the close VOs", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["sites", "--vo", "vo.acess.egi.eu"], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`no site in ${file} supports VO "vo.acess.egi.eu"; close: vo.access.egi.eu`);
  });

  test("GIVEN no pinned list WHEN listed THEN exit 1, one line naming the file and `egi-cdktf sites refresh`", async () => {
    const file = pinPath();

    const line = expectOneLine(await run(["sites"], { EGI_SITES_FILE: file }), 1);

    expect(line).toContain(`no site list at ${file}`);
    expect(line).toContain("`egi-cdktf sites refresh --from");
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN a pin file that is not JSON WHEN listed THEN exit 1, one line naming the file", async () => {
    const file = pinPath();
    fs.writeFileSync(file, '{"sites": [\n');

    const line = expectOneLine(await run(["sites"], { EGI_SITES_FILE: file }), 1);

    expect(line).toMatch(new RegExp(`^${escape(file)} is not valid JSON \\(.+\\); restore it from git or run \`egi-cdktf sites refresh\`$`));
  });

  test("GIVEN a pin file without a sites list WHEN listed THEN exit 1, one line naming the file", async () => {
    const file = pinPath();
    fs.writeFileSync(file, JSON.stringify({ source: "x" }));

    expect(expectOneLine(await run(["sites"], { EGI_SITES_FILE: file }), 1)).toBe(`${file} has no "sites" list; restore it from git or run \`egi-cdktf sites refresh\``);
  });

  test("GIVEN a pin file with a bad entry WHEN listed THEN exit 1, one line naming the file, the entry and the field", async () => {
    const file = pinPath();
    fs.writeFileSync(file, JSON.stringify({ sites: [{ gocdb: "A", endpoint: "https://a.example.org/v3", vos: [] }, { gocdb: "B", vos: [] }] }));

    expect(expectOneLine(await run(["sites"], { EGI_SITES_FILE: file }), 1)).toBe(`${file}: sites[1]: endpoint (the site's Keystone v3 URL) is missing`);
  });

  test("GIVEN a relative EGI_SITES_FILE WHEN listed THEN it is read from the current directory (the message shows the absolute path)", async () => {
    const line = expectOneLine(await run(["sites"], { EGI_SITES_FILE: "no-such-dir-for-test/x.json" }), 1);

    expect(line).toContain(`no site list at ${path.resolve("no-such-dir-for-test/x.json")}`);
  });
});

describe("egi-cdktf sites refresh --from DIR", () => {
  test("GIVEN a clone with a broken file WHEN refreshed THEN the others are pinned, a warning names the broken file, stdout says what was added", async () => {
    const file = pinPath();
    const clone = catchallClone({ "IFCA-LCG2.yaml": IFCA, "BROKEN-SITE.yaml": BROKEN, "UNIV-LILLE.yml": LILLE, "notes.txt": "not a site" });

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`egi-cdktf: warning: skipped ${path.join(clone, "sites", "BROKEN-SITE.yaml")}: endpoint (the site's Keystone v3 URL) is missing\n`);
    expect(r.stdout).toBe(`pinned 2 sites (3 site-VO pairs) in ${file} from ${clone}; added: IFCA-LCG2, UNIV-LILLE\n`);
    const pin = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(pin.source).toBe(clone);
    expect(Number.isNaN(Date.parse(pin.refreshedAt))).toBe(false);
    expect(pin.sites.map((s: { gocdb: string }) => s.gocdb)).toEqual(["IFCA-LCG2", "UNIV-LILLE"]);
    expect(pin.sites[1]).toEqual({ gocdb: "UNIV-LILLE", endpoint: "https://thor.univ-lille.fr:5000/v3", vos: [{ name: "vo.access.egi.eu", auth: { project_id: "e57db5c1e0b24bcbac9904f4ac22dcaa" } }] });
    // nothing left next to the pin (the temp file was renamed over it)
    expect(fs.readdirSync(path.dirname(file))).toEqual(["egi-cdktf.sites.json"]);
  });

  test("GIVEN a pinned list WHEN refreshed from a newer clone THEN stdout names the sites added and removed, and the list shows the new ones", async () => {
    const file = pinPath();
    await run(["sites", "refresh", "--from", catchallClone({ "IFCA-LCG2.yaml": IFCA, "100IT.yaml": HUNDRED_IT })], { EGI_SITES_FILE: file });
    const newer = catchallClone({ "IFCA-LCG2.yaml": IFCA, "CYFRONET-CLOUD.yaml": CYFRONET, "UNIV-LILLE.yaml": LILLE });

    const r = await run(["sites", "refresh", "--from", newer], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`pinned 3 sites (5 site-VO pairs) in ${file} from ${newer}; added: CYFRONET-CLOUD, UNIV-LILLE; removed: 100IT\n`);
    const listed = await run(["sites"], { EGI_SITES_FILE: file });
    expect(table(listed.stdout).slice(1).map((row) => row[0])).toEqual(["CYFRONET-CLOUD", "IFCA-LCG2", "UNIV-LILLE"]);
  });

  test("GIVEN the same clone again WHEN refreshed THEN neither added nor removed", async () => {
    const file = pinPath();
    const clone = catchallClone({ "IFCA-LCG2.yaml": IFCA });
    await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.stdout).toBe(`pinned 1 sites (2 site-VO pairs) in ${file} from ${clone}\n`);
  });

  test("GIVEN the sites/ folder itself WHEN refreshed from it THEN the same sites", async () => {
    const file = pinPath();
    const sitesDir = path.join(catchallClone({ "UNIV-LILLE.yaml": LILLE }), "sites");

    const r = await run(["sites", "refresh", "--from", sitesDir], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).sites.map((s: { gocdb: string }) => s.gocdb)).toEqual(["UNIV-LILLE"]);
  });

  test("GIVEN one site in two files at the same endpoint (one with a trailing slash) WHEN refreshed THEN one site with the VOs of both, the first file's first", async () => {
    const file = pinPath();
    const second = "gocdb: IFCA-LCG2\nendpoint: https://api.cloud.ifca.es:5000/v3\nvos:\n- name: training.egi.eu\n  auth:\n    project_id: f1d0308880134d04964097524eace710\n- name: dteam\n";

    const r = await run(["sites", "refresh", "--from", catchallClone({ "IFCA-LCG2.yaml": IFCA, "Z-IFCA-LCG2-more.yaml": second })], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const ifca = JSON.parse(fs.readFileSync(file, "utf8")).sites[0];
    expect(ifca.vos.map((v: { name: string }) => v.name)).toEqual(["dteam", "vo.access.egi.eu", "training.egi.eu"]);
  });

  test("GIVEN one site in two files at different endpoints WHEN refreshed THEN the first (by file name) is kept and a warning names both endpoints", async () => {
    const file = pinPath();
    const other = "gocdb: IFCA-LCG2\nendpoint: https://other.example.org:5000/v3\nvos:\n- name: dteam\n";

    const r = await run(["sites", "refresh", "--from", catchallClone({ "IFCA-LCG2.yaml": IFCA, "Z-IFCA-LCG2-other.yaml": other })], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "egi-cdktf: warning: skipped site IFCA-LCG2 is listed twice with different endpoints (https://api.cloud.ifca.es:5000/v3/, https://other.example.org:5000/v3); kept the first\n",
    );
    expect(JSON.parse(fs.readFileSync(file, "utf8")).sites[0].endpoint).toBe("https://api.cloud.ifca.es:5000/v3/");
  });

  test("GIVEN a directory with only broken files WHEN refreshed THEN exit 1, one line with the first reason, and an existing pin is kept", async () => {
    const file = await pinned();
    const before = fs.readFileSync(file, "utf8");
    const clone = catchallClone({ "BROKEN-SITE.yaml": BROKEN });

    const line = expectOneLine(await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`--from ${clone}: no usable site (${path.join(clone, "sites", "BROKEN-SITE.yaml")}: endpoint (the site's Keystone v3 URL) is missing)`);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("GIVEN a directory without YAML files WHEN refreshed THEN exit 1, one line naming it", async () => {
    const dir = tempDir();

    const line = expectOneLine(await run(["sites", "refresh", "--from", dir], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toMatch(new RegExp(`^--from ${escape(dir)}: no \\*\\.yaml files there`));
  });

  test("GIVEN a directory that does not exist WHEN refreshed THEN exit 1, one line, no pin written", async () => {
    const file = pinPath();
    const missing = path.join(tempDir(), "nope");

    const line = expectOneLine(await run(["sites", "refresh", "--from", missing], { EGI_SITES_FILE: file }), 1);

    expect(line).toMatch(new RegExp(`^--from ${escape(missing)}: no such directory`));
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe("egi-cdktf sites refresh --from URL (a loopback server)", () => {
  let server: http.Server;
  let base: string;
  const routes = new Map<string, { status?: number; type: string; body: Buffer }>();
  const requested: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requested.push(req.url ?? "");
      const route = routes.get(req.url ?? "");
      if (!route) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(route.status ?? 200, { "Content-Type": route.type, "Content-Length": route.body.length }).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** `tar czf` of repo-main/sites/*.yaml (+ a README), as GitHub's archive of the repository lays it out. */
  function repositoryArchive(sites: Record<string, string>): Buffer {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "repo-main", "sites"), { recursive: true });
    fs.writeFileSync(path.join(dir, "repo-main", "README.md"), "# fedcloud-catchall-operations\n");
    fs.mkdirSync(path.join(dir, "repo-main", "deploy"));
    fs.writeFileSync(path.join(dir, "repo-main", "deploy", "config.yaml"), "not: a site\n");
    for (const [name, text] of Object.entries(sites)) fs.writeFileSync(path.join(dir, "repo-main", "sites", name), text);
    const out = path.join(tempDir(), "main.tar.gz");
    execFileSync("tar", ["czf", out, "repo-main"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    return fs.readFileSync(out);
  }

  test("GIVEN a .tar.gz of the repository WHEN refreshed from its URL THEN its sites/*.yaml are pinned, a broken one named in a warning", async () => {
    routes.set("/archive/refs/heads/main.tar.gz", {
      type: "application/x-gzip",
      body: repositoryArchive({ "IFCA-LCG2.yaml": IFCA, "CYFRONET-CLOUD.yaml": CYFRONET, "BROKEN-SITE.yaml": BROKEN }),
    });
    const url = `${base}/archive/refs/heads/main.tar.gz`;
    const file = pinPath();

    const r = await run(["sites", "refresh", "--from", url], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`egi-cdktf: warning: skipped ${url}!repo-main/sites/BROKEN-SITE.yaml: endpoint (the site's Keystone v3 URL) is missing\n`);
    expect(r.stdout).toBe(`pinned 2 sites (4 site-VO pairs) in ${file} from ${url}; added: CYFRONET-CLOUD, IFCA-LCG2\n`);
    const pin = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(pin.source).toBe(url);
    expect(pin.sites.map((s: { gocdb: string }) => s.gocdb)).toEqual(["CYFRONET-CLOUD", "IFCA-LCG2"]);
    expect(requested).toContain("/archive/refs/heads/main.tar.gz");
  });

  test("GIVEN an archive with no sites/ folder WHEN refreshed from its URL THEN exit 1, one line saying so", async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "other-main"));
    fs.writeFileSync(path.join(dir, "other-main", "IFCA-LCG2.yaml"), IFCA);
    const out = path.join(tempDir(), "other.tar.gz");
    execFileSync("tar", ["czf", out, "other-main"], { cwd: dir });
    routes.set("/other.tar.gz", { type: "application/gzip", body: fs.readFileSync(out) });
    const file = pinPath();

    const line = expectOneLine(await run(["sites", "refresh", "--from", `${base}/other.tar.gz`], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`--from ${base}/other.tar.gz: the archive has no sites/*.yaml; give fedcloud-catchall-operations' archive`);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN one YAML file with several documents WHEN refreshed from its URL THEN each document is a site", async () => {
    routes.set("/sites.yaml", { type: "application/yaml", body: Buffer.from(`${IFCA}---\n${LILLE}`) });
    const file = pinPath();

    const r = await run(["sites", "refresh", "--from", `${base}/sites.yaml`], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`pinned 2 sites (3 site-VO pairs) in ${file} from ${base}/sites.yaml; added: IFCA-LCG2, UNIV-LILLE\n`);
  });

  test("GIVEN one YAML file with one site WHEN refreshed from its URL THEN that site is pinned", async () => {
    routes.set("/sites/UNIV-LILLE.yaml", { type: "text/plain", body: Buffer.from(LILLE) });
    const file = pinPath();

    const r = await run(["sites", "refresh", "--from", `${base}/sites/UNIV-LILLE.yaml`], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).sites).toEqual([
      { gocdb: "UNIV-LILLE", endpoint: "https://thor.univ-lille.fr:5000/v3", vos: [{ name: "vo.access.egi.eu", auth: { project_id: "e57db5c1e0b24bcbac9904f4ac22dcaa" } }] },
    ]);
  });

  test("GIVEN one YAML file with a list of sites WHEN refreshed THEN each item is a site", async () => {
    routes.set("/list.yaml", { type: "application/yaml", body: Buffer.from("- gocdb: A-SITE\n  endpoint: https://a.example.org:5000/v3\n- gocdb: B-SITE\n  endpoint: https://b.example.org:5000/v3\n") });
    const file = pinPath();

    const r = await run(["sites", "refresh", "--from", `${base}/list.yaml`], { EGI_SITES_FILE: file });

    expect(r.stdout).toBe(`pinned 2 sites (0 site-VO pairs) in ${file} from ${base}/list.yaml; added: A-SITE, B-SITE\n`);
  });

  test("GIVEN a .tar.gz cut short WHEN refreshed from its URL THEN exit 1, one line naming the URL, and an existing pin is kept", async () => {
    const whole = repositoryArchive({ "IFCA-LCG2.yaml": IFCA });
    routes.set("/cut.tar.gz", { type: "application/gzip", body: whole.subarray(0, Math.floor(whole.length / 2)) });
    const file = await pinned();
    const before = fs.readFileSync(file, "utf8");

    const line = expectOneLine(await run(["sites", "refresh", "--from", `${base}/cut.tar.gz`], { EGI_SITES_FILE: file }), 1);

    expect(line).toMatch(new RegExp(`^--from ${escape(base)}/cut\\.tar\\.gz: a damaged \\.tar\\.gz \\(.*unexpected end of file\\)$`));
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("GIVEN a URL that answers 404 WHEN refreshed THEN exit 1, one line with the status", async () => {
    const line = expectOneLine(await run(["sites", "refresh", "--from", `${base}/missing.tar.gz`], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toBe(`--from ${base}/missing.tar.gz: HTTP 404`);
  });

  test("GIVEN a URL serving text that is not YAML WHEN refreshed THEN exit 1, one line naming the URL", async () => {
    routes.set("/page.html", { type: "text/html", body: Buffer.from("key: [unclosed\n") });

    const line = expectOneLine(await run(["sites", "refresh", "--from", `${base}/page.html`], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toMatch(new RegExp(`^--from ${escape(base)}/page\\.html: no usable site \\(${escape(base)}/page\\.html: not YAML`));
  });

  test("GIVEN a loopback URL nobody listens on WHEN refreshed THEN exit 1, one line naming the URL (an expected failure, not a bug)", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/main.tar.gz`;

    const line = expectOneLine(await run(["sites", "refresh", "--from", url], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toMatch(new RegExp(`^--from ${escape(url)}: cannot download it \\(127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)`));
    expect(line).not.toContain("unexpected error");
  });
});

describe("egi-cdktf sites refresh: URLs refused before any request", () => {
  test.each`
    given                                | from
    ${"plain http to another host"}      | ${"http://example.org/fedcloud-catchall-operations/main.tar.gz"}
    ${"plain http to a private address"} | ${"http://10.0.0.1/main.tar.gz"}
    ${"ftp"}                             | ${"ftp://example.org/main.tar.gz"}
  `("GIVEN $given WHEN refreshed THEN exit 1, one line asking for https://", async ({ from }) => {
    const file = pinPath();

    const line = expectOneLine(await run(["sites", "refresh", "--from", from], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`--from ${from}: use an https:// URL (a site list decides where your token is sent; plain http only for loopback)`);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN a URL that does not parse WHEN refreshed THEN exit 1, one line naming it (not an unexpected error)", async () => {
    const line = expectOneLine(await run(["sites", "refresh", "--from", "https://"], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toBe("--from https://: not a URL (give a directory of sites/*.yaml or an https:// URL)");
    expect(line).not.toContain("unexpected error");
  });
});

describe("egi-cdktf sites: usage errors (exit 2)", () => {
  test.each`
    given                             | args                                                        | says
    ${"refresh without --from"}       | ${["sites", "refresh"]}                                     | ${/^refresh needs --from DIR\|URL/}
    ${"refresh --from with --json"}   | ${["sites", "refresh", "--from", "/x", "--json"]}           | ${/^--vo and --json list sites; refresh takes --from only/}
    ${"refresh with an argument"}     | ${["sites", "refresh", "now", "--from", "/x"]}              | ${/^refresh takes no argument besides --from/}
    ${"an unknown subcommand"}        | ${["sites", "update"]}                                      | ${/^unknown subcommand "update"; use refresh/}
    ${"--from without refresh"}       | ${["sites", "--from", "/x"]}                                | ${/^--from belongs to refresh/}
    ${"an unknown flag"}              | ${["sites", "--site", "IFCA-LCG2"]}                         | ${/--site/}
  `("GIVEN egi-cdktf sites with $given WHEN run THEN exit 2, one line pointing at the help", async ({ args, says }) => {
    const file = pinPath();

    const line = expectOneLine(await run(args, { EGI_SITES_FILE: file }), 2);

    expect(line).toMatch(says);
    expect(line).toMatch(/\(see egi-cdktf sites --help\)$/);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN --help WHEN run THEN the usage on stdout, exit 0", async () => {
    const r = await run(["sites", "--help"], {});

    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: egi-cdktf sites \[--vo VO\] \[--json\]\n {7}egi-cdktf sites refresh --from DIR\|URL\n/);
  });
});

describe("egi-cdktf env --site/--vo: failures before any request", () => {
  test("GIVEN a site not in the pinned list WHEN env runs THEN exit 1, one line with the close matches", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env", "--site", "ifca", "--vo", "dteam"], { EGI_SITES_FILE: file }), 1);

    expect(line).toMatch(new RegExp(`^site "ifca" is not in ${escape(file)}; close: IFCA-LCG2; \`egi-cdktf sites\` lists them`));
  });

  test("GIVEN a site with a typo in EGI_SITE WHEN env runs THEN the same line for the env var's value", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env"], { EGI_SITES_FILE: file, EGI_SITE: "CYFRONET-CLUOD", EGI_VO: "dteam" }), 1);

    expect(line).toContain('site "CYFRONET-CLUOD" is not in');
    expect(line).toContain("close: CYFRONET-CLOUD");
  });

  test("GIVEN --site without a VO WHEN env runs THEN exit 1, one line naming --vo and EGI_VO", async () => {
    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2"], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toMatch(/^--site IFCA-LCG2 needs a VO: add --vo \(or EGI_VO\)/);
  });

  test("GIVEN a VO the site lacks WHEN env runs THEN exit 1, one line naming the sites that have it", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env", "--site", "100IT", "--vo", "vo.access.egi.eu"], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`VO "vo.access.egi.eu" is not supported at site 100IT (per ${file}); sites with it: CYFRONET-CLOUD, IFCA-LCG2`);
  });

  test("GIVEN --site with --auth-url WHEN env runs THEN exit 1, one line", async () => {
    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2", "--vo", "dteam", "--auth-url", "https://k.example.org/v3"], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toBe("--site names the Keystone and project already: drop --auth-url / --project-id, or drop --site");
  });

  test("GIVEN --site but no pinned list WHEN env runs THEN exit 1, one line naming `egi-cdktf sites refresh`", async () => {
    const file = pinPath();

    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2", "--vo", "dteam"], { EGI_SITES_FILE: file }), 1);

    expect(line).toContain(`no site list at ${file}`);
    expect(line).toContain("`egi-cdktf sites refresh");
  });
});
