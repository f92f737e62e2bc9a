/**
 * Sites and VOs by name on the local site, the CLI side: `egi-cdktf sites refresh --from DIR` pins a
 * site list written in fedcloud-catchall-operations' format, `sites` lists it, `env`/`token` take
 * `--site`/`--vo` (or EGI_SITE/EGI_VO), and a site or VO the list does not have is one line, in the
 * CLI and at synth. The two sites, LOCAL-A and LOCAL-B, are described in support/local-sites.ts;
 * expected ids come from the site's descriptions, checked on Keystone itself.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { expectOneLineError } from "../support/cli-output";
import { cli, REPO, userEnv } from "../support/identity-site";
import { identity, type LocalSites, pinLocalSites, tokenAtKeystone, URL_A, URL_B, VO1, VO2 } from "../support/local-sites";
import { filesBelow } from "../support/secret-scan";

const BIN = path.join(REPO, "bin", "egi-cdktf");
const APP = path.join(REPO, "__tests__", "fixtures", "multi-site-app.js");

let sites: LocalSites;
beforeAll(() => {
  sites = pinLocalSites();
});
afterAll(() => sites?.remove());

describe("egi-cdktf sites", () => {
  const env = () => (sites.listUser());

  test("GIVEN two catchall-format site files WHEN sites refresh --from DIR runs THEN both sites are pinned in EGI_SITES_FILE in that format", () => {
    expect(sites.refresh.stderr).toBe("");
    expect(sites.refresh.status).toBe(0);
    expect(sites.refresh.stdout).toBe(`pinned 2 sites (4 site-VO pairs) in ${sites.sitesFile} from ${sites.catchall}; added: LOCAL-A, LOCAL-B\n`);
    const pinned = JSON.parse(fs.readFileSync(sites.sitesFile, "utf8"));
    expect(pinned.sites).toEqual([
      {
        gocdb: "LOCAL-A",
        endpoint: URL_A,
        vos: [{ name: "vo.example", auth: { project_id: VO1.id }, defaultNetwork: "vo.example-net", publicNetwork: "public" }, { name: "vo.example-2" }],
      },
      { gocdb: "LOCAL-B", endpoint: URL_B, vos: [{ name: "vo.example" }, { name: "vo.example-2" }] },
    ]);
  });

  test("GIVEN the pinned list WHEN sites runs THEN both sites are listed with their endpoints and VO counts", () => {
    const r = cli(["sites"], env());

    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n").map((l) => l.split(/\s{2,}/))).toEqual([
      ["SITE", "ENDPOINT", "VOS"],
      ["LOCAL-A", URL_A, "2"],
      ["LOCAL-B", URL_B, "2"],
    ]);
  });

  test("GIVEN the pinned list WHEN sites --vo vo.example-2 --json runs THEN both sites are listed with only that VO, neither with a project id", () => {
    const r = cli(["sites", "--vo", "vo.example-2", "--json"], env());

    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { gocdb: "LOCAL-A", endpoint: URL_A, vos: [{ name: "vo.example-2" }] },
      { gocdb: "LOCAL-B", endpoint: URL_B, vos: [{ name: "vo.example-2" }] },
    ]);
  });

  test("GIVEN the pinned list WHEN sites --vo vo.example runs THEN LOCAL-A shows the project and networks, LOCAL-B that they are found by name", () => {
    const r = cli(["sites", "--vo", "vo.example"], env());

    expect(r.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ["LOCAL-A", URL_A, VO1.id, "vo.example-net", "public"],
      ["LOCAL-B", URL_B, "(by name)", "-", "-"],
    ]);
  });
});

describe("egi-cdktf env and token by site and VO", () => {
  test("GIVEN OS_* of LOCAL-A exported earlier WHEN bash evals env --site LOCAL-B --vo vo.example-2 THEN OS_AUTH_URL is LOCAL-B's and Keystone says the token is vo.example-2's", async () => {
    const env = await sites.siteUser({ OS_AUTH_URL: URL_A, OS_PROJECT_ID: VO1.id });
    const script = `eval "$("${process.execPath}" "${BIN}" env --site LOCAL-B --vo vo.example-2)" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_TOKEN"`;

    const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });

    expect(r.stderr).toBe("");
    const [authUrl, projectId, token] = r.stdout.trim().split("\n");
    expect([authUrl, projectId]).toEqual([URL_B, VO2.id]);
    const scope = await tokenAtKeystone(authUrl, token);
    expect(scope.project).toEqual(expect.objectContaining({ id: VO2.id, name: "vo.example-2" }));
    expect(scope.user.name).toBe(identity.user.sub);

    // EGI_SITE / EGI_VO instead of the flags: the same site and VO, so the same cached token.
    const byEnv = cli(["token"], { ...env, EGI_SITE: "LOCAL-B", EGI_VO: "vo.example-2" });
    expect(byEnv.stderr).toBe("");
    expect(byEnv.stdout.trim()).toBe(token);
  });

  test("GIVEN no OS_* WHEN token --site LOCAL-A --vo vo.example runs THEN Keystone says the token is scoped to vo.example, the listed project id", async () => {
    const env = await sites.siteUser();

    const r = cli(["token", "--site", "LOCAL-A", "--vo", "vo.example"], env);

    expect(r.stderr).toBe("");
    expect((await tokenAtKeystone(URL_A, r.stdout.trim())).project).toEqual(expect.objectContaining({ id: VO1.id, name: "vo.example" }));
  });

  test("GIVEN EGI_SITE=LOCAL-A and EGI_VO=vo.example-2 (no project id listed) WHEN bash evals env THEN the project found by name is vo.example-2 at LOCAL-A", async () => {
    const env = await sites.siteUser({ EGI_SITE: "LOCAL-A", EGI_VO: "vo.example-2" });
    const script = `eval "$("${process.execPath}" "${BIN}" env)" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_TOKEN"`;

    const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });

    expect(r.stderr).toBe("");
    const [authUrl, projectId, token] = r.stdout.trim().split("\n");
    expect([authUrl, projectId]).toEqual([URL_A, VO2.id]);
    expect((await tokenAtKeystone(URL_A, token)).project.id).toBe(VO2.id);
  });
});

describe("a site or VO the list does not have", () => {
  /** The fixture app run as cdktf runs it (node APP, in the project folder), with no Check-in credential. */
  function synthApp(pairs: Array<{ site: string; vo: string }>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-sites-unknown-"));
    const env = userEnv(identity, identity.clients.basic, {
      CHECKIN_CLIENT_SECRET: undefined,
      OS_AUTH_URL: undefined,
      OS_PROJECT_ID: undefined,
      EGI_SITES_FILE: sites.sitesFile,
      CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
      E2E_SITES: JSON.stringify(pairs),
      CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
    });
    const r = spawnSync(process.execPath, [APP], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir, env };
  }

  test("GIVEN LOCAL-C in the app WHEN it synthesizes THEN it fails with one line naming the site, the list and the close matches LOCAL-A, LOCAL-B", () => {
    const r = synthApp([
      { site: "LOCAL-A", vo: "vo.example" },
      { site: "LOCAL-C", vo: "vo.example" },
    ]);

    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^error: EgiSite\\.fromSiteName multi-local-c/site: site "LOCAL-C" is not in ${sites.sitesFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; close: LOCAL-A, LOCAL-B; \`egi-cdktf sites\` lists them`));
    expect(filesBelow(path.join(r.dir, "cdktf.out"))).toEqual([]);
  });

  test("GIVEN LOCAL-C WHEN cdktf synth runs THEN the user sees that line and no stack trace", () => {
    const dir = cdktfProject(APP);
    const { env } = synthApp([{ site: "LOCAL-C", vo: "vo.example" }]);
    delete env.CDKTF_OUTDIR;

    const r = runCdktf(dir, ["synth"], env);

    expect(r.status).not.toBe(0);
    // cdktf echoes the app's stderr as it comes and again in its summary: the same one line.
    const lines = new Set(r.output.split("\n").filter((l) => l.includes("LOCAL-C")).map((l) => l.replace(/^.*?error: /, "error: ").trim()));
    expect([...lines]).toEqual([expect.stringMatching(/^error: EgiSite\.fromSiteName multi-local-c\/site: site "LOCAL-C" is not in [^;]+; close: LOCAL-A, LOCAL-B; /)]);
    expect(r.output).not.toMatch(/\n\s+at /);
  });

  test("GIVEN a misspelt VO at LOCAL-B WHEN the app synthesizes THEN it fails with one line naming the VO, the site and the close match", () => {
    const r = synthApp([{ site: "LOCAL-B", vo: "vo.exmple" }]);

    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: EgiSite\.fromSiteName multi-local-b\/site: VO "vo\.exmple" is not supported at site LOCAL-B \(per [^)]+egi-cdktf\.sites\.json\); close: vo\.example$/m);
  });

  test("GIVEN a VO no site lists WHEN egi-cdktf sites --vo runs THEN it is one line naming it", () => {
    const r = cli(["sites", "--vo", "vo.nowhere"], sites.listUser());

    expect(r.status).toBe(1);
    expectOneLineError(r, [/no site in .*egi-cdktf\.sites\.json supports VO "vo\.nowhere"/]);
  });
});
