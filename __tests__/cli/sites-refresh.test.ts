/**
 * `egi-cdktf sites refresh` through main(argv, io), no site: from a directory of sites/*.yaml, from a
 * real .tar.gz of the repository and from one YAML file served on loopback, and the URLs refused
 * before any request.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { BROKEN, CYFRONET, HUNDRED_IT, IFCA, LILLE, catchallClone, escape, expectOneLine, pinPath, pinned, run, table, tempDir } from "./sites-fixtures";

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

  test("GIVEN one site in two files at different endpoints WHEN refreshed THEN both are pinned, one entry per endpoint, and a note names the VO both serve and how to choose", async () => {
    const file = pinPath();
    const other = "gocdb: IFCA-LCG2\nendpoint: https://other.example.org:5000/v3\nvos:\n- name: dteam\n- name: vo.other.eu\n";

    const clone = catchallClone({ "IFCA-LCG2.yaml": IFCA, "Z-IFCA-LCG2-other.yaml": other });

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "egi-cdktf: note: site IFCA-LCG2 has 2 endpoints (https://api.cloud.ifca.es:5000/v3/, https://other.example.org:5000/v3); VO dteam at more than one: --site IFCA-LCG2 --vo dteam needs --endpoint URL (or EGI_SITE_ENDPOINT, or the endpoint prop of EgiSite.fromSiteName) to choose\n",
    );
    expect(r.stdout).toBe(`pinned 1 sites (2 endpoints, 3 site-VO pairs) in ${file} from ${clone}; added: IFCA-LCG2\n`);
    const pin = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(pin.sites.map((s: { gocdb: string; endpoint: string }) => [s.gocdb, s.endpoint])).toEqual([
      ["IFCA-LCG2", "https://api.cloud.ifca.es:5000/v3/"],
      ["IFCA-LCG2", "https://other.example.org:5000/v3"],
    ]);
  });

  test("GIVEN a pin that kept one endpoint of a two-endpoint site (an older egi-cdktf) WHEN refreshed THEN stdout names the new endpoint", async () => {
    const file = pinPath();
    const clone = catchallClone({ "IFCA-LCG2.yaml": IFCA });
    await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });
    fs.writeFileSync(path.join(clone, "sites", "IFCA-LCG2-2.yaml"), "gocdb: IFCA-LCG2\nendpoint: https://other.example.org:5000/v3\nvos:\n- name: vo.other.eu\n");

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`pinned 1 sites (2 endpoints, 3 site-VO pairs) in ${file} from ${clone}; new endpoints: IFCA-LCG2 https://other.example.org:5000/v3\n`);
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
