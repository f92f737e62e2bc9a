/**
 * `egi-cdktf sites` through main(argv, io), no site: the pinned list (EGI_SITES_FILE in a temp dir)
 * as a table, by VO and as JSON; usage errors; and `egi-cdktf env --site/--vo` failing before any
 * request. Refresh: sites-refresh.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { escape, expectOneLine, pinPath, pinned, run, table } from "./sites-fixtures";

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
    expect(line).toContain("`egi-cdktf sites refresh`");
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
    const line = expectOneLine(await run(["sites"], { EGI_SITES_FILE: "no-such-file-for-test.json" }), 1);

    expect(line).toContain(`no site list at ${path.resolve("no-such-file-for-test.json")}`);
  });
});

describe("egi-cdktf sites: usage errors (exit 2)", () => {
  test.each`
    given                             | args                                                        | says
    ${"refresh with an empty --from"} | ${["sites", "refresh", "--from", ""]}                       | ${/^--from needs a value/}
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
    expect(r.stdout).toMatch(/^Usage: egi-cdktf sites \[--vo VO\] \[--json\]\n {7}egi-cdktf sites refresh \[--from DIR\|URL\]\n/);
  });
});

describe("egi-cdktf env --site/--vo: failures before any request", () => {
  test("GIVEN a site not in the pinned list WHEN env runs THEN exit 2 (a setting to fix), one line with the close matches", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env", "--site", "ifca", "--vo", "dteam"], { EGI_SITES_FILE: file }), 2);

    expect(line).toMatch(new RegExp(`^site "ifca" is not in ${escape(file)}; close: IFCA-LCG2; \`egi-cdktf sites\` lists them`));
  });

  test("GIVEN a site with a typo in EGI_SITE WHEN env runs THEN the same line for the env var's value", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env"], { EGI_SITES_FILE: file, EGI_SITE: "CYFRONET-CLUOD", EGI_VO: "dteam" }), 2);

    expect(line).toContain('site "CYFRONET-CLUOD" is not in');
    expect(line).toContain("close: CYFRONET-CLOUD");
  });

  test("GIVEN --site without a VO WHEN env runs THEN exit 2 (a setting to fix), one line naming --vo and EGI_VO", async () => {
    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2"], { EGI_SITES_FILE: pinPath() }), 2);

    expect(line).toMatch(/^--site IFCA-LCG2 needs a VO: add --vo \(or EGI_VO\)/);
  });

  test("GIVEN a VO the site lacks WHEN env runs THEN exit 2 (a setting to fix), one line naming the sites that have it", async () => {
    const file = await pinned();

    const line = expectOneLine(await run(["env", "--site", "100IT", "--vo", "vo.access.egi.eu"], { EGI_SITES_FILE: file }), 2);

    expect(line).toBe(`VO "vo.access.egi.eu" is not supported at site 100IT (per ${file}); sites with it: CYFRONET-CLOUD, IFCA-LCG2`);
  });

  test("GIVEN --site with --auth-url WHEN env runs THEN exit 2 (a setting to fix), one line", async () => {
    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2", "--vo", "dteam", "--auth-url", "https://k.example.org/v3"], { EGI_SITES_FILE: pinPath() }), 2);

    expect(line).toBe("--site names the Keystone and project already: drop --auth-url / --project-id, or drop --site");
  });

  test("GIVEN --site but no pinned list WHEN env runs THEN exit 1, one line naming `egi-cdktf sites refresh`", async () => {
    const file = pinPath();

    const line = expectOneLine(await run(["env", "--site", "IFCA-LCG2", "--vo", "dteam"], { EGI_SITES_FILE: file }), 1);

    expect(line).toContain(`no site list at ${file}`);
    expect(line).toContain("`egi-cdktf sites refresh");
  });
});
