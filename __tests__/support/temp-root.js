// jest globalSetup / globalTeardown: every temp dir a test run makes (token caches in egi-home-*,
// cdktf's Testing outdirs cdktf.outdir.*, cdktf project folders, ...) goes under one root that is
// removed at the end of the run, pass or fail. os.tmpdir() reads TMPDIR, which the workers inherit.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const KEY = "EGI_CDKTF_TEST_TMP_ROOT";

async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "egi-cdktf-test-run-"));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
}

async function teardown() {
  const root = process.env[KEY];
  if (root && path.basename(root).startsWith("egi-cdktf-test-run-")) fs.rmSync(root, { recursive: true, force: true });
}

module.exports = { setup, teardown };
