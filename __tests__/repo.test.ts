/** What the repository promises about files a user's run leaves in it. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..");
const gitAvailable = spawnSync("git", ["-C", REPO, "rev-parse", "--git-dir"]).status === 0;

(gitAvailable ? test.each : test.skip.each)([
  ["terraform.terraform-example.tfstate"],
  ["terraform.egi-vm.tfstate.backup"],
  ["cdktf.out/stacks/egi-vm/clouds.yaml"],
  [".site/identity/site.json"],
])("GIVEN %s, left by cdktf deploy or the site scripts in the repo WHEN git decides what to track THEN it is ignored", (file) => {
  expect(spawnSync("git", ["-C", REPO, "check-ignore", "-q", file]).status).toBe(0);
});
