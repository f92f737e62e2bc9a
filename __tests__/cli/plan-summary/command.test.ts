/**
 * `egi-cdktf plan-summary` through main(argv, io), no site: usage errors, and the whole run (synth
 * through the project's app command, the real terraform init/validate/plan/show) on stacks that use
 * only terraform's built-in provider, so nothing counts against a quota and no network is needed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runMain } from "../../support/run-main";
import { filesBelow } from "../../support/secret-scan";

const REPO = path.resolve(__dirname, "..", "..", "..");
const home = process.cwd();
afterEach(() => process.chdir(home));

/** The environment a user's shell would pass: PATH (terraform) and the offline CLI config (setup-env.ts). */
const baseEnv = () => ({ PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE: "1" });

/** `egi-cdktf plan-summary ARGS` in `dir` (the afterEach goes back). */
async function run(args: string[], dir: string, env: Record<string, string | undefined> = baseEnv()) {
  process.chdir(dir);
  return runMain(["plan-summary", ...args], env);
}

/** A cdktf project whose app is `source` (with `cdktf` required as `cdktf`), output folder `out`. */
function projectWith(source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-project-"));
  fs.writeFileSync(path.join(dir, "app.js"), `const cdktf = require(${JSON.stringify(path.join(REPO, "node_modules", "cdktf"))});\n${source}`);
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js", output: "out" }));
  return dir;
}

/** A cdktf project whose app (a real cdktf App) makes stack `ok` (a terraform_data and an output, one warning) and `bad` (a failing precondition). */
const project = (): string =>
  projectWith(`if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== "true") throw new Error("not run as cdktf runs apps");
const app = new cdktf.App();
const ok = new cdktf.TerraformStack(app, "ok");
ok.addOverride("resource.terraform_data.a", { input: "x" });
new cdktf.TerraformOutput(ok, "greeting", { value: "hello" });
cdktf.Annotations.of(ok).addWarning("a warning from synth");
const bad = new cdktf.TerraformStack(app, "bad");
bad.addOverride("variable.mode", { type: "string", default: "off" });
bad.addOverride("resource.terraform_data.b", { input: "y", lifecycle: { precondition: [{ condition: "\${var.mode == \\"on\\"}", error_message: "The test's precondition fails." }] } });
app.synth();`);

const oneLine = (r: { stdout: string; stderr: string }) => {
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  return r.stderr;
};

describe("usage errors: exit 2, one line", () => {
  test.each`
    given                      | args                             | mentions
    ${"an empty --out"}        | ${["--out", ""]}                 | ${"--out needs a file name"}
    ${"--out in no folder"}    | ${["--out", "/nonexistent/x.md"]} | ${"folder /nonexistent does not exist"}
    ${"an unknown flag"}       | ${["--plan-file", "x"]}          | ${"--plan-file"}
    ${"a secret as a flag"}    | ${["--token", "abcdefgh"]}       | ${"CHECKIN_REFRESH_TOKEN"}
  `("GIVEN $given WHEN plan-summary runs THEN exit 2 and one line mentioning it", async ({ args, mentions }) => {
    const r = await run(args, os.tmpdir());

    expect(r.status).toBe(2);
    expect(oneLine(r)).toContain(mentions);
  });

  test("GIVEN a stack name the app does not make WHEN plan-summary runs THEN exit 2 naming the stacks there are", async () => {
    const r = await run(["nope"], project());

    expect(r.status).toBe(2);
    expect(oneLine(r)).toContain('unknown stack "nope"; stacks: bad, ok');
  });
});

test("GIVEN a folder without cdktf.json WHEN plan-summary runs THEN exit 1, one line saying where to run it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-empty-"));

  const r = await run([], dir);

  expect(r.status).toBe(1);
  expect(oneLine(r)).toContain(`no cdktf.json in ${dir}: run egi-cdktf plan-summary in the cdktf project's folder`);
});

test("GIVEN TERRAFORM_BINARY_NAME naming no program WHEN plan-summary runs THEN exit 1, one line naming it", async () => {
  const r = await run([], project(), { ...baseEnv(), TERRAFORM_BINARY_NAME: "no-such-terraform" });

  expect(r.status).toBe(1);
  expect(oneLine(r)).toContain("no-such-terraform: command not found");
});

test("GIVEN a project with a good and a failing stack WHEN plan-summary runs THEN exit 1 naming the failing stack, the good one summarized, no plan file left", async () => {
  const dir = project();
  const before = new Set(fs.readdirSync(os.tmpdir()));

  const r = await run([], dir);

  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^egi-cdktf: stack bad: terraform plan failed: Resource precondition failed: The test's precondition fails\. \(resource\.terraform_data\.b\.lifecycle\.precondition\[0\]\)$/m);
  expect(r.stdout).toContain("- :x: stack bad: terraform plan failed: Resource precondition failed");
  expect(r.stdout).toContain("| `ok` | 1 | 0 | 0 | 0 | 1 |");
  expect(r.stdout).toContain("- synth `ok`: a warning from synth");
  expect(r.stdout).toContain("- `terraform_data.a`");
  expect(r.stdout).toContain("**Outputs that change (1):**\n\n- `greeting` (add)");
  expect(r.stdout).toContain("The plans add nothing that counts against a quota.");
  expect([...fs.readdirSync(os.tmpdir())].filter((f) => !before.has(f) && f.startsWith("egi-cdktf-plan-"))).toEqual([]);
  expect(filesBelow(dir).filter((f) => /plan$|\.tfplan$/.test(f))).toEqual([]);
});

test("GIVEN the good stack only, --json and --out WHEN plan-summary runs THEN exit 0, nothing on stdout, the file holds the report", async () => {
  const dir = project();

  const r = await run(["ok", "--json", "--out", "summary.json"], dir);

  expect(r.status).toBe(0);
  expect(r.stdout).toBe("");
  const report = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"));
  expect(report).toMatchObject({ ok: true, failures: [], quota: [], terraform: { binary: "terraform" } });
  expect(report.stacks).toEqual([
    expect.objectContaining({
      name: "ok",
      status: "planned",
      changes: { counts: { add: 1, change: 0, replace: 0, destroy: 0 }, resources: [{ address: "terraform_data.a", type: "terraform_data", action: "add" }], outputs: [{ name: "greeting", action: "add", sensitive: false }] },
      warnings: [{ source: "synth", where: "ok", message: "a warning from synth" }],
    }),
  ]);
  expect(r.stderr).toMatch(/^plan-summary: ok: 1 to add, 0 to change, 0 to replace, 0 to destroy \(\d+\.\d s\)\n$/);
});

test("GIVEN a stack that passes OS_TOKEN's value as a variable WHEN plan-summary runs THEN exit 1: its saved plan holds the token, which no output shows", async () => {
  const token = "gAAAAABpLk-os-token-in-a-variable-0123456789";
  const dir = projectWith(`const app = new cdktf.App();
const s = new cdktf.TerraformStack(app, "leaky");
s.addOverride("variable.os_token", { type: "string", sensitive: true });
s.addOverride("resource.terraform_data.probe", { input: "\${sha256(var.os_token)}" });
app.synth();`);

  const r = await run([], dir, { ...baseEnv(), OS_TOKEN: token, TF_VAR_os_token: token });

  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^egi-cdktf: stack leaky: its saved plan holds a credential .*: pass it through the hook's clouds\.yaml \(EgiSite\), not a variable$/m);
  expect(r.stdout).toContain("| :x: `leaky` | 1 | 0 | 0 | 0 | 0 |");
  expect(`${r.stdout}${r.stderr}`).not.toContain(token);
});
