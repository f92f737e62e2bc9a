/**
 * The unit suite of jest.config.js run against CDK Terrain (cdktn) instead of cdktf: `cdktf` (and
 * `cdktf/<subpath>`) and `constructs` resolve to the cdktn toolchain in frameworks/cdktn, and the
 * bindings (`../.gen/providers/openstack/...` from constructs/, stacks/, __tests__/) to those
 * cdktn's generator made in frameworks/cdktn/pkg/.gen. Needs the cdktn build
 * (scripts/build-package.sh cdktn) and Node >= 22.19 (as cdktn-cli):
 *   npx jest -c jest.cdktn.config.js
 * __tests__/framework.test.ts checks that synth really went through cdktn (its metadata version).
 */
const fs = require("node:fs");
const path = require("node:path");
const base = require("./jest.config.js");

const TOOLCHAIN = path.join(__dirname, "frameworks", "cdktn");
const GEN = path.join(TOOLCHAIN, "pkg", ".gen");
for (const [what, dir, fix] of [
  ["the cdktn toolchain", path.join(TOOLCHAIN, "node_modules", "cdktn"), "npm ci --prefix frameworks/cdktn"],
  ["the cdktn bindings", path.join(GEN, "providers", "openstack"), "scripts/build-package.sh cdktn"],
]) {
  if (!fs.existsSync(dir)) throw new Error(`jest.cdktn.config.js: ${what} (${dir}) is missing; run ${fix}`);
}

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // Read by __tests__/framework.test.ts (jest.config.js sets none: cdktf).
  globals: { ...base.globals, EGI_FRAMEWORK: "cdktn" },
  moduleNameMapper: {
    ...base.moduleNameMapper,
    "^cdktf$": path.join(TOOLCHAIN, "node_modules", "cdktn"),
    "^cdktf/(.*)$": path.join(TOOLCHAIN, "node_modules", "cdktn", "$1"),
    "^constructs$": path.join(TOOLCHAIN, "node_modules", "constructs"),
    // relative imports of the committed bindings, at any depth
    "^(?:\\.\\.?/)+\\.gen/(.*)$": path.join(GEN, "$1"),
  },
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns,
    // About the cdktf package build itself (its tarball, API.md, Python wheel; the cdktn package has
    // its own tests there, which run in the cdktf run): here they would only repeat the cdktf run.
    "/__tests__/package/",
    // Regenerates the committed cdktf bindings with cdktf's generator: cdktn's are made by the build.
    "/__tests__/scripts/generate-bindings\\.test\\.ts$",
    // Runs the root app through cdktf-cli and dist/ (compiled against cdktf): no cdktn code runs;
    // consumer-cdktn.test.ts runs `npx cdktn synth` of an app on the cdktn package instead.
    "/__tests__/main\\.test\\.ts$",
  ],
};
