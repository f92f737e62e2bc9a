/**
 * `egi-cdktf plan-summary --out FILE` through main(argv, io): a FILE that could not be written (a
 * folder, a missing folder, a parent that is a file, a name too long) is refused before the app is
 * synthesized or terraform runs, exit 2, one line naming --out, nothing written; and should the
 * write fail all the same at the end, the summary goes to stdout rather than being lost. A malformed
 * CDKTF_CONTEXT_JSON is refused as early.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runMain } from "../support/run-main";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const REPO = path.resolve(__dirname, "..", "..");
const tempDir = tempDirsRemovedAfterAll();
const home = process.cwd();
afterEach(() => {
  process.chdir(home);
  jest.restoreAllMocks();
});

/** The fs module itself (an `import * as` binding is read-only): what plan-summary calls, for spying. */
const realFs: typeof fs = require("node:fs");

/** A user's shell environment: PATH (terraform), the offline terraform config (setup-env.ts). */
const baseEnv = () => ({ PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE: "1" });

/**
 * A cdktf project whose app leaves `synth-ran` in the project folder, then makes stack `ok` (one
 * terraform_data); and a terraform stand-in that leaves `terraform-ran` and fails.
 */
function project(): { dir: string; fakeTerraform: string; ran: () => string[] } {
  const dir = tempDir("egi-plan-out-");
  const cdktf = JSON.stringify(path.join(REPO, "node_modules", "cdktf"));
  fs.writeFileSync(
    path.join(dir, "app.js"),
    `require("node:fs").writeFileSync(${JSON.stringify(path.join(dir, "synth-ran"))}, "");
const cdktf = require(${cdktf});
const app = new cdktf.App();
new cdktf.TerraformStack(app, "ok").addOverride("resource.terraform_data.a", { input: "x" });
app.synth();\n`,
  );
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js", output: "out" }));
  const fakeTerraform = path.join(tempDir("egi-plan-out-bin-"), "terraform");
  fs.writeFileSync(fakeTerraform, `#!/bin/sh\n: > ${JSON.stringify(path.join(dir, "terraform-ran"))}\nexit 1\n`, { mode: 0o755 });
  const ran = () => ["synth-ran", "terraform-ran"].filter((f) => fs.existsSync(path.join(dir, f)));
  return { dir, fakeTerraform, ran };
}

async function run(args: string[], dir: string, env: Record<string, string | undefined>) {
  process.chdir(dir);
  return runMain(["plan-summary", ...args], env);
}

describe("--out checked before synth and terraform", () => {
  test.each`
    given                               | out                                                          | mentions
    ${"an existing folder"}             | ${(d: string) => d}                                           | ${(d: string) => [`--out: ${d} is a folder; name the summary file, e.g. ${path.join(d, "plan-summary.md")}`]}
    ${"an existing folder, with --json"} | ${(d: string) => path.join(d, "reports")}                    | ${(d: string) => [`e.g. ${path.join(d, "reports", "plan-summary.json")}`]}
    ${"a missing folder"}               | ${(d: string) => path.join(d, "missing", "plan.md")}          | ${(d: string) => [`--out: folder ${path.join(d, "missing")} does not exist`]}
    ${"a parent that is a file"}        | ${(d: string) => path.join(d, "cdktf.json", "plan.md")}       | ${(d: string) => [`--out: ${path.join(d, "cdktf.json")} is a file, not a folder`]}
    ${"a grandparent that is a file"}   | ${(d: string) => path.join(d, "cdktf.json", "a", "plan.md")}  | ${(d: string) => [`--out: ${path.join(d, "cdktf.json")} is a file, not a folder`]}
    ${"a name of 300 bytes"}            | ${(d: string) => path.join(d, `${"p".repeat(297)}.md`)}       | ${() => ["--out: the name", "300 bytes", "255"]}
  `("GIVEN --out naming $given WHEN plan-summary runs THEN exit 2, one line naming --out, before any synth or plan, nothing written", async ({ given, out, mentions }) => {
    const { dir, fakeTerraform, ran } = project();
    fs.mkdirSync(path.join(dir, "reports"));
    const before = fs.readdirSync(dir).sort();
    const json = String(given).includes("--json") ? ["--json"] : [];

    const r = await run([...json, "--out", out(dir)], dir, { ...baseEnv(), TERRAFORM_BINARY_NAME: fakeTerraform });

    expect({ status: r.status, stdout: r.stdout, ran: ran() }).toEqual({ status: 2, stdout: "", ran: [] });
    expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+ \(see egi-cdktf plan-summary --help\)\n$/);
    for (const m of mentions(dir)) expect(r.stderr).toContain(m);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(fs.readdirSync(path.join(dir, "reports"))).toEqual([]);
  });

  test("GIVEN a writable --out WHEN plan-summary runs THEN it goes on to synth and terraform (the stand-in here, which fails): the check does not refuse a good file", async () => {
    const { dir, fakeTerraform, ran } = project();

    const r = await run(["--out", "plan.md"], dir, { ...baseEnv(), TERRAFORM_BINARY_NAME: fakeTerraform });

    expect(r.status).toBe(1);
    expect(ran()).toEqual(["synth-ran", "terraform-ran"]);
  });
});

test.each`
  value                  | mentions
  ${"{not json"}         | ${["CDKTF_CONTEXT_JSON is not valid JSON", `'{"key":"value"}'`]}
  ${'["a"]'}             | ${["CDKTF_CONTEXT_JSON must be a JSON object", "not an array"]}
  ${"42"}                | ${["CDKTF_CONTEXT_JSON must be a JSON object", "not a number"]}
`("GIVEN CDKTF_CONTEXT_JSON=$value WHEN plan-summary runs THEN exit 2, one line naming it (not its text), before terraform or synth", async ({ value, mentions }) => {
  const { dir, fakeTerraform, ran } = project();

  const r = await run([], dir, { ...baseEnv(), TERRAFORM_BINARY_NAME: fakeTerraform, CDKTF_CONTEXT_JSON: value });

  expect({ status: r.status, stdout: r.stdout, ran: ran() }).toEqual({ status: 2, stdout: "", ran: [] });
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toContain(value === "42" ? "42" : value);
});

test("GIVEN --out whose write fails after the plans (the disk filled) WHEN plan-summary ends THEN exit 1, one line naming --out, and the summary on stdout", async () => {
  const { dir } = project();
  const out = path.join(dir, "plan.md");
  // the atomic write's temp file next to --out cannot be written
  const open = realFs.openSync;
  jest.spyOn(realFs, "openSync").mockImplementation((...args: Parameters<typeof fs.openSync>) => {
    if (String(args[0]).startsWith(`${out}.`)) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    return open(...args);
  });

  const r = await run(["--out", "plan.md"], dir, baseEnv());

  expect(r.status).toBe(1);
  expect(r.stderr).toContain("egi-cdktf: --out plan.md: cannot write it (ENOSPC); the summary follows on stdout\n");
  expect(r.stdout).toContain("| `ok` | 1 | 0 | 0 | 0 | 0 |");
  expect(fs.existsSync(out)).toBe(false);
});
