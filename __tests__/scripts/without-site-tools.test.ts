/**
 * scripts/without-site-tools.sh, which `npm test` runs jest through: the programs of the Debian
 * packages the site scripts recorded are hidden behind failing stubs, so a unit test that spawns one
 * fails on every machine, not only on a new one. Real dpkg, real programs: jq (on every machine of
 * this kind) stands in for a site-only package, python3-pip for one that npm test's setup installs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "without-site-tools.sh");
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-tools-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(recorded: string[] | undefined, command: string[]) {
  const record = path.join(dir, `record-${Math.random().toString(36).slice(2)}`);
  if (recorded) fs.writeFileSync(record, recorded.map((p) => `${p}\n`).join(""));
  const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
  const r = spawnSync(SCRIPT, command, { encoding: "utf8", env: { ...process.env, EGI_SITE_PACKAGES_FILE: record, TMPDIR: tmp } });
  return { ...r, tmpLeft: fs.readdirSync(tmp) };
}

const installed = (pkg: string) => spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" }).stdout === "install ok installed";

test("GIVEN jq recorded as added by the site scripts WHEN a command under the wrapper runs jq THEN it fails with exit 127 naming the package and the two fixes, and the stubs are removed", () => {
  expect(installed("jq")).toBe(true);
  const r = run(["jq"], ["sh", "-c", "jq --version"]);
  expect(r.status).toBe(127);
  expect(r.stderr).toContain("jq is installed only by the site suite's setup (Debian package jq, npm run test:site)");
  expect(r.stderr).toContain("move the test to __tests__/site/ or install jq in npm test's own setup");
  expect(r.tmpLeft).toEqual([]);
});

test("GIVEN no record (a machine where the site never ran) WHEN jq runs under the wrapper THEN it runs as usual and the wrapper says nothing is hidden", () => {
  const r = run(undefined, ["jq", "--version"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^jq-1\./);
  expect(r.stderr).toBe("without-site-tools: 0 program(s) of the site suite hidden\n");
});

test("GIVEN python3-pip recorded, which npm test's own setup (scripts/setup-python.sh) installs WHEN pip3 runs under the wrapper THEN it is not hidden", () => {
  if (!installed("python3-pip")) spawnSync(path.resolve(SCRIPT, "..", "setup-python.sh"), { stdio: "ignore" });
  expect(installed("python3-pip")).toBe(true);
  const r = run(["python3-pip", "jq"], ["sh", "-c", "pip3 --version && jq --version"]);
  expect(r.stdout).toContain("pip ");
  expect(r.status).toBe(127);
});

test("GIVEN the wrapper WHEN the command fails by itself THEN its exit code is the command's", () => {
  expect(run([], ["sh", "-c", "exit 3"]).status).toBe(3);
});
