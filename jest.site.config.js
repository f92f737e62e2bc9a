/**
 * Tests against the local EGI-like site (npm run test:site starts it first). Serial: they share
 * the site's request counters.
 * @type {import('jest').Config}
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/__tests__/site"],
  testMatch: ["**/*.site.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  maxWorkers: 1,
  // the temp root goes, then no application credential of the site's users may still be valid
  globalTeardown: "<rootDir>/__tests__/support/site-teardown.js",
  testTimeout: 120_000,
};
