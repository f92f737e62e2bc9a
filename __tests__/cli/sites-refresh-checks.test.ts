/**
 * What `egi-cdktf sites refresh` checks besides the sites themselves, no network: each file against
 * the repository's schema.json, empty and comment-only files, the pin file's own folder before any
 * download (named as EGI_SITES_FILE), and the published list as the default source.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as http from "../../auth/http";
import { DEFAULT_SITES_URL } from "../../cli/sites/load-sites";
import { IFCA, LILLE, catchallClone, escape, expectOneLine, pinPath, run, tempDir } from "./sites-fixtures";

const REAL = path.join(__dirname, "..", "fixtures", "fedcloud-catchall-operations");
const SCHEMA = fs.readFileSync(path.join(REAL, "schema.json"), "utf8");

/** A clone with the real schema.json beside sites/. */
function cloneWithSchema(sites: Record<string, string>): string {
  const dir = catchallClone(sites);
  fs.writeFileSync(path.join(dir, "schema.json"), SCHEMA);
  return dir;
}

describe("sites refresh: each file checked against the repository's schema.json", () => {
  const VALID = "gocdb: GOOD\nendpoint: https://good.example.org:5000/v3\nvos:\n- name: ops\n  auth:\n    project_id: abc123\n";

  test.each`
    given                                | text                                                                                                  | reason
    ${"a key the schema does not allow"} | ${"gocdb: X\nendpoint: https://x.example.org/v3\nflavour: big\nvos: []\n"}                             | ${"flavour is not allowed (a site file takes gocdb, endpoint, auth, region, protocol, vos, images, accounting)"}
    ${"a VO without auth"}               | ${"gocdb: X\nendpoint: https://x.example.org/v3\nvos:\n- name: ops\n"}                                 | ${"vos[0].auth is required"}
    ${"vos as a map (an older form)"}    | ${"gocdb: X\nendpoint: https://x.example.org/v3\nvos:\n  ops:\n    auth: {project_id: a1}\n"}          | ${"vos must be array, not object"}
    ${"a number as gocdb"}               | ${"gocdb: 42\nendpoint: https://x.example.org/v3\n"}                                                  | ${"gocdb must be string, not integer"}
    ${"images.sync as a string"}         | ${"gocdb: X\nendpoint: https://x.example.org/v3\nimages:\n  sync: 'yes'\n"}                             | ${"images.sync must be boolean, not string"}
  `("GIVEN a file with $given beside schema.json WHEN refreshed THEN it is skipped with a warning naming the file and why; the valid one is pinned", async ({ text, reason }) => {
    const file = pinPath();
    const clone = cloneWithSchema({ "GOOD.yaml": VALID, "X.yaml": text });

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`egi-cdktf: warning: skipped ${path.join(clone, "sites", "X.yaml")}: does not match the repository's schema.json (${reason})\n`);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).sites.map((s: { gocdb: string }) => s.gocdb)).toEqual(["GOOD"]);
  });

  test("GIVEN the sites/ folder itself, schema.json in its parent WHEN refreshed THEN the schema is used", async () => {
    const clone = cloneWithSchema({ "GOOD.yaml": VALID, "X.yaml": "gocdb: X\nendpoint: https://x.example.org/v3\nvos:\n- name: ops\n" });

    const r = await run(["sites", "refresh", "--from", path.join(clone, "sites")], { EGI_SITES_FILE: pinPath() });

    expect(r.stderr).toContain("X.yaml: does not match the repository's schema.json (vos[0].auth is required)");
  });

  test("GIVEN a schema.json using a keyword egi-cdktf does not check WHEN refreshed THEN a note says so, and the rest of the schema still applies", async () => {
    const clone = cloneWithSchema({ "GOOD.yaml": VALID });
    const schema = JSON.parse(SCHEMA);
    schema.properties.gocdb.pattern = "^[A-Z]";
    fs.writeFileSync(path.join(clone, "schema.json"), JSON.stringify(schema));

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: pinPath() });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`egi-cdktf: note: ${path.join(clone, "schema.json")} uses pattern, which egi-cdktf does not check\n`);
  });

  test("GIVEN a schema.json that is not JSON WHEN refreshed THEN a note says the files are read without it", async () => {
    const clone = cloneWithSchema({ "GOOD.yaml": VALID });
    fs.writeFileSync(path.join(clone, "schema.json"), "{");

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: pinPath() });

    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^egi-cdktf: note: ${escape(path.join(clone, "schema.json"))} is not JSON \\(.+\\); the site files are read without it\\n$`));
  });
});

describe("sites refresh: empty and comment-only files", () => {
  test.each`
    given                 | text
    ${"an empty file"}    | ${""}
    ${"only comments"}    | ${"# site decommissioned\n# gocdb: OLD\n"}
    ${"only a document marker"} | ${"---\n"}
  `("GIVEN $given among good files WHEN refreshed THEN a warning names it", async ({ text }) => {
    const file = pinPath();
    const clone = catchallClone({ "IFCA-LCG2.yaml": IFCA, "OLD.yaml": text, "UNIV-LILLE.yaml": LILLE });

    const r = await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`egi-cdktf: warning: skipped ${path.join(clone, "sites", "OLD.yaml")}: no site in it (the file is empty or only comments)\n`);
  });

  test("GIVEN an empty file alone WHEN refreshed THEN exit 1, one line naming it", async () => {
    const clone = catchallClone({ "OLD.yaml": "# nothing here\n" });

    const line = expectOneLine(await run(["sites", "refresh", "--from", clone], { EGI_SITES_FILE: pinPath() }), 1);

    expect(line).toBe(`--from ${clone}: no usable site (${path.join(clone, "sites", "OLD.yaml")}: no site in it (the file is empty or only comments))`);
  });
});

describe("sites refresh: the pin file's folder, checked before any download", () => {
  let fetches = 0;
  beforeEach(() => {
    fetches = 0;
    jest.spyOn(http, "createHttpClient").mockImplementation(() => ({ fetch: async () => (fetches++, new Response("", { status: 500 })) }) as unknown as ReturnType<typeof http.createHttpClient>);
  });
  afterEach(() => jest.restoreAllMocks());

  test.each`
    given                            | setFile                                                                | says
    ${"a folder that does not exist"} | ${(dir: string) => path.join(dir, "missing", "egi-cdktf.sites.json")}  | ${(dir: string) => `folder ${path.join(dir, "missing")} does not exist; create it or name a file in an existing folder`}
    ${"a parent that is a file"}     | ${(dir: string) => path.join(dir, "a-file", "egi-cdktf.sites.json")}   | ${(dir: string) => `${path.join(dir, "a-file")} is a file, not a folder; name a file in a folder`}
  `("GIVEN EGI_SITES_FILE in $given WHEN refreshed (from the default URL) THEN exit 1, one line naming EGI_SITES_FILE and the file, no request, no temp file", async ({ setFile, says }) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a-file"), "x");
    const file = setFile(dir);

    const line = expectOneLine(await run(["sites", "refresh"], { EGI_SITES_FILE: file }), 1);

    expect(line).toBe(`EGI_SITES_FILE ${file}: ${says(dir)}`);
    expect(fetches).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(["a-file"]);
  });

  test("GIVEN EGI_SITES_FILE naming a folder WHEN refreshed THEN exit 1, one line saying it is a folder", async () => {
    const dir = tempDir();

    const line = expectOneLine(await run(["sites", "refresh"], { EGI_SITES_FILE: dir }), 1);

    expect(line).toBe(`EGI_SITES_FILE ${dir} is a folder; name a file (in it, or elsewhere)`);
    expect(fetches).toBe(0);
  });

  test("GIVEN EGI_SITES_FILE under a file WHEN listed THEN exit 1, one line naming EGI_SITES_FILE (not 'no site list')", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a-file"), "x");
    const file = path.join(dir, "a-file", "pin.json");

    expect(expectOneLine(await run(["sites"], { EGI_SITES_FILE: file }), 1)).toBe(`EGI_SITES_FILE ${file}: ${path.join(dir, "a-file")} is a file, not a folder; name a file in a folder`);
  });
});

describe("sites refresh without --from: EGI's published list", () => {
  afterEach(() => jest.restoreAllMocks());

  test("GIVEN no --from WHEN refreshed THEN the archive of fedcloud-catchall-operations' main branch is read, and its sites pinned", async () => {
    // GitHub's archive layout: <repo>-<branch>/sites/*.yaml and schema.json, of the real list.
    const dir = tempDir();
    const top = path.join(dir, "fedcloud-catchall-operations-main");
    fs.cpSync(REAL, top, { recursive: true });
    const archive = path.join(dir, "main.tar.gz");
    execFileSync("tar", ["czf", archive, "fedcloud-catchall-operations-main"], { cwd: dir });
    const asked: string[] = [];
    jest.spyOn(http, "createHttpClient").mockImplementation(
      () => ({ fetch: async (url: string) => (asked.push(String(url)), new Response(fs.readFileSync(archive), { status: 200 })) }) as unknown as ReturnType<typeof http.createHttpClient>,
    );
    const file = pinPath();

    const r = await run(["sites", "refresh"], { EGI_SITES_FILE: file });

    expect(r.status).toBe(0);
    expect(asked).toEqual(["https://github.com/EGI-Federation/fedcloud-catchall-operations/archive/refs/heads/main.tar.gz"]);
    expect(DEFAULT_SITES_URL).toBe(asked[0]);
    expect(r.stdout).toMatch(new RegExp(`^pinned 24 sites \\(25 endpoints, \\d+ site-VO pairs\\) in ${escape(file)} from ${escape(DEFAULT_SITES_URL)}; added: `));
    expect(r.stderr).not.toContain("warning");
    expect(JSON.parse(fs.readFileSync(file, "utf8")).source).toBe(DEFAULT_SITES_URL);
  });
});
