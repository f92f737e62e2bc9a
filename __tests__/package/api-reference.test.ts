/**
 * API.md is generated from the jsii assembly (`npm run docgen`, as Construct Hub renders libraries)
 * and committed: it must match what the current sources generate, or the README links a stale
 * reference. `.jsii` is written by the package build (`npm run build`, run by npm ci and npm test).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");

test("GIVEN the current sources' assembly WHEN jsii-docgen renders it THEN API.md is the committed file, byte for byte (else: npm run build && npm run docgen)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-api-"));
  const out = path.join(dir, "API.md");
  // npm run docgen's script: jsii-docgen in a folder with this package's assembly only (the repo
  // also holds the cdktn toolchain's, whose constructs 10.7 it would otherwise document).
  const r = spawnSync(path.join(REPO, "scripts", "docgen.sh"), [out], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  const generated = fs.readFileSync(out, "utf8");
  const committed = fs.readFileSync(path.join(REPO, "API.md"), "utf8");
  // The reference covers the constructs a newcomer meets first (a guard against an empty render).
  for (const heading of ["### EgiSite", "### VirtualMachine", "### SecurityGroup", "### ISecurityGroup"]) expect(generated).toContain(heading);
  expect(generated === committed).toBe(true);
});
