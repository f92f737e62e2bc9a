/**
 * Usage errors of every egi-cdktf command through main(argv, io), no network: a bad or missing flag,
 * argument or setting ends in exit 2 and one line `egi-cdktf: ...` naming the flag or env var and
 * how to write it, nothing on stdout, no stack trace, and nothing written (the current folder and
 * the token cache stay empty). Failures of the run itself (Check-in, Keystone) stay exit 1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
/** The os module itself (an `import * as` binding is read-only): what path-checks.ts calls, for spying. */
const realOs: typeof import("node:os") = require("node:os");
const home = process.cwd();
afterEach(() => process.chdir(home));

type Env = Record<string, string | undefined>;

/** A fresh empty folder to run in, a fresh cache, and a file of the user's ($FILE in arguments). */
function folders() {
  const file = path.join(tempDir("egi-usage-file-"), "a-file");
  fs.writeFileSync(file, "mine\n");
  return { cwd: tempDir("egi-usage-"), cache: tempDir("egi-usage-cache-"), file };
}

/** main() in fresh folders; `written` lists what the current folder and the cache hold after, and the file if changed. */
async function run(args: readonly string[], env: Env = {}, { cwd, cache, file } = folders()) {
  process.chdir(cwd);
  let stdout = "";
  let stderr = "";
  const argv = args.map((a) => a.replace("$FILE", file));
  const status = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { EGI_CDKTF_CACHE_DIR: cache, EGI_SITES_FILE: path.join(cwd, "egi-cdktf.sites.json"), ...env },
  });
  const written = [...fs.readdirSync(cwd), ...fs.readdirSync(cache), ...(fs.readFileSync(file, "utf8") === "mine\n" ? [] : [file])];
  return { status, stdout, stderr, written };
}

/** Exit 2, one `egi-cdktf: ...` line mentioning each of `mentions`, nothing else anywhere. */
function expectUsageError(r: Awaited<ReturnType<typeof run>>, mentions: readonly string[]): void {
  expect({ status: r.status, stdout: r.stdout, written: r.written }).toEqual({ status: 2, stdout: "", written: [] });
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  for (const m of mentions) expect(r.stderr).toContain(m);
}

/** A credential and a site, so that the setting under test is the first one found wrong. */
const SITE: Env = { CHECKIN_ACCESS_TOKEN: "not-a-real-token", OS_AUTH_URL: "https://keystone.example.org:5000/v3", OS_PROJECT_ID: "p1" };

describe("a flag that takes a value, given none or a dash value", () => {
  test.each`
    given                                    | args                                                              | mentions
    ${"snapshot --timeout -5"}               | ${["snapshot", "web", "--name", "n", "--wait", "--timeout", "-5"]} | ${['--timeout "-5" must be a number of seconds above 0', "e.g. --timeout 600"]}
    ${"snapshot --timeout=-5"}               | ${["snapshot", "web", "--name", "n", "--wait", "--timeout=-5"]}   | ${['--timeout "-5" must be a number of seconds above 0', "e.g. --timeout 600"]}
    ${"snapshot --timeout -0.5"}             | ${["snapshot", "web", "--name", "n", "--wait", "--timeout", "-0.5"]} | ${['--timeout "-0.5"', "e.g. --timeout 600"]}
    ${"snapshot --timeout abc"}              | ${["snapshot", "web", "--name", "n", "--wait", "--timeout", "abc"]} | ${['--timeout "abc"', "e.g. --timeout 600"]}
    ${"snapshot --timeout 0"}                | ${["snapshot", "web", "--name", "n", "--wait", "--timeout", "0"]} | ${['--timeout "0"', "above 0"]}
    ${"snapshot --timeout 1e9"}              | ${["snapshot", "web", "--name", "n", "--wait", "--timeout", "1e9"]} | ${['--timeout "1e9"', "at most 86400"]}
    ${"snapshot --timeout last"}             | ${["snapshot", "web", "--name", "n", "--wait", "--timeout"]}      | ${["--timeout needs a value: --timeout SECONDS"]}
    ${"snapshot --name before --wait"}       | ${["snapshot", "web", "--name", "--wait"]}                        | ${["--name needs a value before --wait: --name NAME"]}
    ${"snapshot --name -snap"}               | ${["snapshot", "web", "--name", "-snap"]}                         | ${["--name=-snap"]}
    ${"inventory --user -x"}                 | ${["inventory", "web", "--user", "-x"]}                           | ${['--user "-x"', "--user=-x"]}
    ${"inventory --output last"}             | ${["inventory", "web", "--output"]}                               | ${["--output needs a value: --output FILE"]}
    ${"inventory --format before --output"}  | ${["inventory", "web", "--format", "--output", "h.ini"]}          | ${["--format needs a value before --output: --format ini|yaml"]}
    ${"init --framework last"}               | ${["init", "--framework"]}                                        | ${["--framework needs a value: --framework cdktf|cdktn"]}
    ${"init --name last"}                    | ${["init", "--name"]}                                             | ${["--name needs a value: --name NAME"]}
    ${"plan-summary --out last"}             | ${["plan-summary", "--out"]}                                      | ${["--out needs a value: --out FILE"]}
    ${"plan-summary --out before --json"}    | ${["plan-summary", "--out", "--json"]}                            | ${["--out needs a value before --json: --out FILE"]}
    ${"token --auth-url last"}               | ${["token", "--auth-url"]}                                        | ${["--auth-url needs a value: --auth-url URL"]}
    ${"token --scope last"}                  | ${["token", "--scope"]}                                           | ${['--scope needs a value: --scope "S ..."']}
    ${"projects --vo last"}                  | ${["projects", "--vo"]}                                           | ${["--vo needs a value: --vo VO"]}
    ${"env --site last"}                     | ${["env", "--site"]}                                              | ${["--site needs a value: --site NAME"]}
    ${"exec --auth-url before --"}           | ${["exec", "--auth-url", "--", "ls"]}                             | ${["--auth-url needs a value: --auth-url URL"]}
    ${"sites --vo last"}                     | ${["sites", "--vo"]}                                              | ${["--vo needs a value"]}
  `("GIVEN $given WHEN it runs THEN exit 2 and one line saying how to write the flag", async ({ args, mentions }) => {
    expectUsageError(await run(args), mentions);
  });

  test("GIVEN a token-like dash value WHEN refused THEN the line does not repeat it", async () => {
    const secret = "-eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0";
    const r = await run(["token", "--project-id", secret]);
    expectUsageError(r, ["--project-id", "not shown", "--project-id=VALUE"]);
    expect(r.stderr).not.toContain(secret);
  });
});

describe("a boolean flag given a value, an unknown flag, a stray argument", () => {
  test.each`
    given                            | args                                         | mentions
    ${"token --verbose=yes"}         | ${["token", "--verbose=yes"]}                | ${["--verbose takes no value: write --verbose alone"]}
    ${"doctor --fix=yes"}            | ${["doctor", "--fix=yes"]}                   | ${["--fix takes no value: write --fix alone"]}
    ${"plan-summary --json=1"}       | ${["plan-summary", "--json=1"]}              | ${["--json takes no value"]}
    ${"projects --json=yes"}         | ${["projects", "--json=yes"]}                | ${["--json takes no value"]}
    ${"doctor now"}                  | ${["doctor", "now"]}                         | ${['unexpected argument "now"']}
    ${"context reset a b"}           | ${["context", "reset", "a", "b"]}            | ${['unexpected argument "b"']}
    ${"context purge"}               | ${["context", "purge"]}                      | ${['unknown action "purge"; use list or reset']}
    ${"exec without a command"}      | ${["exec"]}                                  | ${["exec needs a command after --"]}
    ${"init --auth-url"}             | ${["init", "--auth-url", "https://k"]}       | ${["--auth-url does not apply to init"]}
    ${"init a b"}                    | ${["init", "a", "b"]}                        | ${["init takes one DIR"]}
    ${"token --project-id ''"}       | ${["token", "--project-id", ""]}             | ${["--project-id is empty: --project-id ID, or leave the flag out"]}
    ${"env --site ''"}               | ${["env", "--site", " "]}                    | ${["--site is empty: --site NAME"]}
    ${"exec -- ''"}                  | ${["exec", "--", ""]}                        | ${["exec needs a command after --"]}
    ${"inventory ''"}                | ${["inventory", ""]}                         | ${["STACK is empty"]}
    ${"an unknown token-like flag"}  | ${["token", "--eyJhbGciOiJub25lIn0eyJzdWIi"]} | ${["Unknown option (", "not shown"]}
  `("GIVEN $given WHEN it runs THEN exit 2 and one line naming it", async ({ args, mentions }) => {
    expectUsageError(await run(args), mentions);
  });
});

describe("a setting missing or malformed (flag or env var): exit 2, as a usage error", () => {
  test.each`
    given                                  | args                                  | env                                                   | mentions
    ${"no Check-in credential"}            | ${["token"]}                          | ${{}}                                                 | ${["CHECKIN_REFRESH_TOKEN"]}
    ${"no OS_AUTH_URL"}                    | ${["token"]}                          | ${{ CHECKIN_ACCESS_TOKEN: "x" }}                      | ${["OS_AUTH_URL is not set", "e.g. https://"]}
    ${"OS_AUTH_URL not a URL"}             | ${["env"]}                            | ${{ ...SITE, OS_AUTH_URL: "keystone" }}               | ${['OS_AUTH_URL="keystone" is not a URL', "e.g. https://"]}
    ${"--auth-url not a URL"}              | ${["projects", "--auth-url", "ks"]}   | ${SITE}                                               | ${['"ks" is not a URL']}
    ${"EGI_HTTP_TIMEOUT=-5"}               | ${["token"]}                          | ${{ ...SITE, EGI_HTTP_TIMEOUT: "-5" }}                | ${['EGI_HTTP_TIMEOUT="-5"', "e.g. 30"]}
    ${"EGI_TOKEN_MIN_VALIDITY=abc"}        | ${["token"]}                          | ${{ ...SITE, EGI_TOKEN_MIN_VALIDITY: "abc" }}         | ${['EGI_TOKEN_MIN_VALIDITY="abc"', "seconds"]}
    ${"--ca-file naming no file"}          | ${["token", "--ca-file", "/nonexistent/ca.pem"]} | ${SITE}                                    | ${["/nonexistent/ca.pem (OS_CACERT)"]}
    ${"--site without --vo"}               | ${["env", "--site", "IFCA-LCG2"]}     | ${{}}                                                 | ${["--site IFCA-LCG2 needs a VO", "--vo", "EGI_VO"]}
    ${"EGI_SITE without EGI_VO"}           | ${["token"]}                          | ${{ EGI_SITE: "IFCA-LCG2" }}                          | ${["EGI_SITE IFCA-LCG2 needs a VO", "EGI_VO"]}
    ${"--vo without --site"}               | ${["projects", "--vo", "dteam"]}      | ${{}}                                                 | ${["--vo needs a site", "--site", "EGI_SITE"]}
    ${"EGI_CDKTF_CONTEXT_FILE a folder"}   | ${["context", "list"]}                | ${{ EGI_CDKTF_CONTEXT_FILE: "/" }}                    | ${["EGI_CDKTF_CONTEXT_FILE=/ is a folder", "e.g. /egi-cdktf.context.json"]}
    ${"EGI_CDKTF_CONTEXT_FILE under a file"} | ${["context", "reset"]}             | ${{ EGI_CDKTF_CONTEXT_FILE: "$FILE/x.json" }}         | ${["EGI_CDKTF_CONTEXT_FILE=", "is a file, not a folder"]}
  `("GIVEN $given WHEN $args.0 runs THEN exit 2 and one line naming the setting", async ({ args, env, mentions }) => {
    const file = path.join(tempDir("egi-usage-ctx-"), "a-file");
    fs.writeFileSync(file, "x");
    const resolved = Object.fromEntries(Object.entries(env as Env).map(([k, v]) => [k, v?.replace("$FILE", file)]));
    expectUsageError(await run(args, resolved), mentions);
  });
});

describe("output paths and TMPDIR, checked before any work", () => {
  test.each`
    given                                | args                                                     | mentions
    ${"inventory --output under a file"} | ${["inventory", "web", "--output", "$FILE/hosts.ini"]}   | ${["--output: ", "a-file is a file, not a folder"]}
    ${"inventory --output a folder"}     | ${["inventory", "web", "--output", "/"]}                 | ${["--output: / is a folder; name the inventory file, e.g. /hosts.ini"]}
    ${"inventory --output too long"}     | ${["inventory", "web", "--output", `${"h".repeat(300)}.ini`]} | ${["--output: the name", "304 bytes", "255"]}
    ${"plan-summary --out under a file"} | ${["plan-summary", "--out", "$FILE/summary.md"]}         | ${["--out: ", "a-file is a file, not a folder"]}
  `("GIVEN $given WHEN it runs THEN exit 2, one line naming the flag and the path at fault", async ({ args, mentions }) => {
    expectUsageError(await run(args), mentions);
  });

  test.each`
    command           | args
    ${"plan-summary"} | ${["plan-summary"]}
    ${"inventory"}    | ${["inventory", "web"]}
    ${"doctor --fix"} | ${["doctor", "--fix"]}
  `("GIVEN TMPDIR naming a missing folder WHEN $command runs THEN exit 2, one line naming TMPDIR, not a temp folder of ours", async ({ args }) => {
    const saved = process.env.TMPDIR;
    const missing = path.join(tempDir("egi-usage-tmp-"), "gone");
    const made = folders(); // before TMPDIR goes
    let r: Awaited<ReturnType<typeof run>>;
    // os.tmpdir() reads the real process environment, not the copy jest gives this file: both are set.
    const tmpdir = jest.spyOn(realOs, "tmpdir").mockReturnValue(missing);
    try {
      process.env.TMPDIR = missing;
      r = await run(args, {}, made);
    } finally {
      tmpdir.mockRestore();
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expectUsageError(r, [`TMPDIR=${missing}: folder ${missing} does not exist`, "set TMPDIR to a writable folder"]);
    expect(r.stderr).not.toMatch(/egi-cdktf-(plan|inventory)-|egi-node-pty-/);
  });
});

describe("every command listed by egi-cdktf --help", () => {
  let commands: string[] = [];
  beforeAll(async () => {
    let out = "";
    await main(["--help"], { stdout: (t) => (out += t), stderr: () => undefined, env: {} });
    commands = [...out.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  });

  test("GIVEN each command WHEN given an unknown flag, or --auth-url with no value THEN exit 2 and one line naming the flag, for every one", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(11);
    for (const command of commands) {
      const unknown = await run([command, "--no-such-flag"]);
      expect([command, unknown.status, unknown.stderr]).toEqual([command, 2, `egi-cdktf: Unknown option '--no-such-flag' (see egi-cdktf ${command} --help)\n`]);
      const missing = await run([command, "--auth-url"]);
      expect([command, missing.status, missing.stderr]).toEqual([command, 2, `egi-cdktf: --auth-url needs a value: --auth-url URL (see egi-cdktf ${command} --help)\n`]);
      expect([command, unknown.written, missing.written]).toEqual([command, [], []]);
    }
  });
});

describe("a Node system error that still reaches main (not a usage error: exit 1)", () => {
  afterEach(() => jest.restoreAllMocks());

  test("GIVEN the current folder was removed WHEN a command runs THEN one line saying so and what to do, no uv_cwd or stack", async () => {
    const { cwd, cache } = folders();
    process.chdir(cwd);
    jest.spyOn(process, "cwd").mockImplementation(() => {
      throw Object.assign(new Error("ENOENT: no such file or directory, uv_cwd"), { code: "ENOENT", syscall: "uv_cwd", errno: -2 });
    });
    let stderr = "";
    const status = await main(["init"], { stdout: () => undefined, stderr: (t) => (stderr += t), env: { EGI_CDKTF_CACHE_DIR: cache } });

    expect([status, stderr]).toEqual([1, "egi-cdktf: the current folder no longer exists (removed or moved since the shell entered it); cd into an existing folder and run it again\n"]);
  });

  test("GIVEN an fs error with a path WHEN it reaches main THEN one line: what failed on which path, in words, with the code", async () => {
    const { cwd, cache } = folders();
    process.chdir(cwd);
    jest.spyOn(process, "cwd").mockImplementation(() => {
      throw Object.assign(new Error("EACCES: permission denied, scandir '/srv/app'"), { code: "EACCES", syscall: "scandir", path: "/srv/app" });
    });
    let stderr = "";
    const status = await main(["init"], { stdout: () => undefined, stderr: (t) => (stderr += t), env: { EGI_CDKTF_CACHE_DIR: cache } });

    expect([status, stderr]).toEqual([1, "egi-cdktf: cannot scandir /srv/app: permission denied (EACCES)\n"]);
  });
});
