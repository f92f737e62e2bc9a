const path = require("node:path");

// As __tests__/setup-env.ts does inside each test, but for the real process environment that
// programs spawned without an explicit env inherit (jest gives tests a copy of process.env): cdktf's
// own `terraform version` probe then reads the offline mirror's CLI config, not the shell's (a
// TF_CLI_CONFIG_FILE naming a missing file made it relay terraform's warning as an [ERROR] line).
process.env.TF_CLI_CONFIG_FILE = path.resolve(__dirname, process.env.TERRAFORM_MIRROR_DIR ?? ".terraform-mirror", "terraformrc");
// And as setup-env.ts: no `::add-mask::` lines in children's output when the suite itself runs on GitHub Actions.
delete process.env.GITHUB_ACTIONS;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "\\.site\\.test\\.ts$"],
  transform: { "^.+\\.[tj]s$": ["ts-jest", { tsconfig: "tsconfig.jest.json" }] },
  // openid-client and its dependencies ship ES modules only: jest (CommonJS) needs them transpiled.
  transformIgnorePatterns: ["/node_modules/(?!(openid-client|oauth4webapi|jose)/)"],
  // all temp dirs of a run live under one root, removed at the end (pass or fail)
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  setupFiles: ["<rootDir>/__tests__/setup-env.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // after each suite, its ten slowest files (CI time is watched file by file)
  reporters: ["default", "<rootDir>/__tests__/support/slowest-files-reporter.js"],
};
