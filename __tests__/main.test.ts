/**
 * The README's synth command, end to end through the cdktf CLI and the app command in cdktf.json,
 * with no credentials and no network.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..");

test("GIVEN no OpenStack or Check-in env WHEN cdktf synth runs the app THEN cdk.tf.json pins openstack 3.4.0, has testvm and no token file", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OS_|CHECKIN_|OIDC_)/.test(k)));

  const r = spawnSync("node_modules/.bin/cdktf", ["synth", "--output", outdir], {
    cwd: REPO,
    env: { ...env, CHECKPOINT_DISABLE: "1", CI: "1" },
    encoding: "utf8",
  });

  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "terraform-example", "cdk.tf.json"), "utf8"));
  expect(json.terraform.required_providers.openstack.version).toBe("3.4.0");
  expect(Object.keys(json.resource.openstack_compute_instance_v2)).toEqual(["testvm"]);
  // The hook stays idle without a Check-in credential: no token file next to any stack.
  for (const stack of fs.readdirSync(path.join(outdir, "stacks"))) {
    expect(fs.readdirSync(path.join(outdir, "stacks", stack))).not.toContain("egi-token.auto.tfvars.json");
  }
}, 120_000);
