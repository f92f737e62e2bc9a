/**
 * The flags issue 18 added to `egi-cdktf plan-summary`, through main(argv, io) with the real
 * terraform on stacks of terraform's built-in provider (no site, no network): bad values refused
 * before synth and terraform (exit 2, one line), and where each output goes: --out within
 * --max-chars, --full-out never cut, --step-summary appended to $GITHUB_STEP_SUMMARY, and the cut
 * line pointing to where the full text is.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runMain } from "../support/run-main";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const REPO = path.resolve(__dirname, "..", "..");
const tempDir = tempDirsRemovedAfterAll();
const home = process.cwd();
afterEach(() => process.chdir(home));

const baseEnv = () => ({ PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE: "1" });

/** A project whose app leaves `synth-ran`, then makes stack `big` with `n` terraform_data resources named worker1..n. */
function project(n: number): { dir: string; ran: () => boolean } {
  const dir = tempDir("egi-plan-flags-");
  const cdktf = JSON.stringify(path.join(REPO, "node_modules", "cdktf"));
  fs.writeFileSync(
    path.join(dir, "app.js"),
    `require("node:fs").writeFileSync(${JSON.stringify(path.join(dir, "synth-ran"))}, "");
const cdktf = require(${cdktf});
const app = new cdktf.App();
const big = new cdktf.TerraformStack(app, "big");
for (let i = 1; i <= ${n}; i++) big.addOverride("resource.terraform_data.worker" + i, { input: String(i) });
app.synth();\n`,
  );
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js", output: "out" }));
  return { dir, ran: () => fs.existsSync(path.join(dir, "synth-ran")) };
}

/** `egi-cdktf plan-summary ARGS` in `dir` (the afterEach goes back). */
async function run(args: string[], dir: string, env: Record<string, string | undefined> = baseEnv()) {
  process.chdir(dir);
  return runMain(["plan-summary", ...args], env);
}

describe("bad values: exit 2, one line naming the flag, before synth", () => {
  test.each`
    given                                  | args                                            | env                                   | mentions
    ${"--max-chars that is not a number"}  | ${["--max-chars", "lots"]}                      | ${{}}                                 | ${'--max-chars "lots" must be 0 (no limit) or a whole number'}
    ${"--max-chars below 4000"}            | ${["--max-chars", "100"]}                       | ${{}}                                 | ${"of at least 4000, e.g. --max-chars 65536"}
    ${"a negative --max-chars"}            | ${["--max-chars", "-1"]}                        | ${{}}                                 | ${'--max-chars "-1"'}
    ${"an empty --changed-since"}          | ${["--changed-since", ""]}                      | ${{}}                                 | ${"--changed-since is empty; give a git ref, e.g. --changed-since origin/main"}
    ${"--changed-since outside a git repo"} | ${["--changed-since", "HEAD"]}                  | ${{}}                                 | ${"--changed-since needs a git repository"}
    ${"an empty --app"}                    | ${["--app", " "]}                               | ${{}}                                 | ${"--app is empty"}
    ${"--drift with --changed-since"}      | ${["--drift", "--changed-since", "HEAD"]}       | ${{}}                                 | ${"--drift checks every stack: leave out --changed-since"}
    ${"--drift with --reviewed"}           | ${["--drift", "--reviewed", "r.md"]}            | ${{}}                                 | ${"--drift makes no plan to compare with a review"}
    ${"--reviewed naming no file"}         | ${["--reviewed", "missing.md"]}                 | ${{}}                                 | ${"--reviewed missing.md: cannot read it (ENOENT)"}
    ${"--reviewed without a fingerprint"}  | ${["--reviewed", "cdktf.json"]}                 | ${{}}                                 | ${"--reviewed cdktf.json has no egi-cdktf fingerprint"}
    ${"--step-summary outside Actions"}    | ${["--step-summary"]}                           | ${{}}                                 | ${"--step-summary appends to $GITHUB_STEP_SUMMARY, which is not set"}
    ${"--full-out in no folder"}           | ${["--full-out", "/nonexistent/full.md"]}       | ${{}}                                 | ${"--full-out: folder /nonexistent does not exist"}
  `("GIVEN $given WHEN plan-summary runs THEN exit 2 and one line: $mentions", async ({ args, env, mentions }) => {
    const { dir, ran } = project(1);

    const r = await run(args, dir, { ...baseEnv(), ...env });

    expect({ status: r.status, stdout: r.stdout, synthRan: ran() }).toEqual({ status: 2, stdout: "", synthRan: false });
    expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
    expect(r.stderr).toContain(mentions);
  });
});

describe("where the summary goes", () => {
  const N = 400;
  let dir: string;
  let r: { status: number; stdout: string; stderr: string };
  const stepSummary = () => path.join(dir, "step-summary.md");

  beforeAll(async () => {
    dir = project(N).dir;
    fs.writeFileSync(path.join(dir, "step-summary.md"), "earlier step\n");
    const env = { ...baseEnv(), GITHUB_STEP_SUMMARY: path.join(dir, "step-summary.md"), GITHUB_SERVER_URL: "https://github.example", GITHUB_REPOSITORY: "team/infra", GITHUB_RUN_ID: "42" };
    r = await run(["--out", "comment.md", "--full-out", "full.md", "--max-chars", "4000", "--step-summary"], dir, env);
  }, 120_000);

  test("GIVEN --max-chars 4000 and 400 resources to add WHEN planned THEN the comment is at most 4000 characters and says the rest is in the run's summary", () => {
    expect(r.status).toBe(0);
    const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
    expect(comment.length).toBeLessThanOrEqual(4000);
    expect(comment).toContain("https://github.example/team/infra/actions/runs/42");
    // not every address fits: some are left out
    const shown = new Set(comment.match(/terraform_data\.worker\d+/g));
    expect(shown.size).toBeLessThan(N);
  });

  test("GIVEN --full-out WHEN planned THEN that file lists all 400 addresses, whatever --max-chars says", () => {
    const full = fs.readFileSync(path.join(dir, "full.md"), "utf8");
    for (let i = 1; i <= N; i++) expect(full).toContain(`terraform_data.worker${i}\``);
    expect(full.length).toBeGreaterThan(4000);
  });

  test("GIVEN --step-summary WHEN planned THEN the full summary is appended after what earlier steps wrote", () => {
    const text = fs.readFileSync(stepSummary(), "utf8");
    expect(text.startsWith("earlier step\n<!-- egi-cdktf:plan-summary app=")).toBe(true);
    expect(new Set(text.match(/terraform_data\.worker\d+/g)).size).toBe(N);
  });

  test("GIVEN --out WHEN planned THEN stdout holds no summary (only --out does)", () => {
    expect(r.stdout).toBe("");
  });
});

test("GIVEN --full-out without --step-summary outside CI WHEN the comment is cut THEN its cut line names the --full-out file", async () => {
  const { dir } = project(400);

  const r = await run(["--max-chars", "4000", "--full-out", "full.md"], dir);

  expect(r.status).toBe(0);
  expect(r.stdout.length).toBeLessThanOrEqual(4000);
  expect(r.stdout).toContain("`full.md` (--full-out)");
}, 120_000);

test("GIVEN --drift on stacks never applied WHEN planned THEN exit 0 and a drift report, not a plan summary", async () => {
  const { dir } = project(3);

  const r = await run(["--drift", "--app", "infra/a"], dir);

  expect(r.status).toBe(0);
  expect(r.stdout.split("\n")[0]).toBe("<!-- egi-cdktf:drift app=infra%2Fa -->");
  expect(r.stdout).not.toContain("### Quota");
}, 120_000);
