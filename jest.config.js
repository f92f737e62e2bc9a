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
};
