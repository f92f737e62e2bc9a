/**
 * The README's main job, `npm run synth`, end to end through the cdktf CLI and the app command in
 * cdktf.json: no credentials, no network (run in a network namespace of its own where one can be
 * made), no terraform CLI config, and no [ERROR] line in its output.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..");
/** `unshare -n` (root, Linux) runs a command with no network at all, not even loopback. */
const isolated = spawnSync("unshare", ["-n", "true"]).status === 0;

test(`GIVEN no OpenStack, Check-in or terraform config env${isolated ? " and no network" : ""} WHEN npm run synth runs THEN cdk.tf.json pins openstack 3.4.0 and has testvm, no hook file is written, and nothing prints [ERROR]`, () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OS_|CHECKIN_|OIDC_|TF_CLI_CONFIG_FILE$|CHECKPOINT_DISABLE$)/.test(k)));
  const npm = ["npm", "run", "-s", "synth", "--", "--output", outdir];

  const r = isolated
    ? spawnSync("unshare", ["-n", ...npm], { cwd: REPO, env, encoding: "utf8" })
    : spawnSync(npm[0], npm.slice(1), { cwd: REPO, env, encoding: "utf8" });

  const output = `${r.stdout}${r.stderr}`;
  expect(output).not.toMatch(/\[ERROR\]|error/i);
  expect(r.status).toBe(0);
  const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "terraform-example", "cdk.tf.json"), "utf8"));
  expect(json.terraform.required_providers.openstack.version).toBe("3.4.0");
  expect(Object.values(json.resource.openstack_compute_instance_v2).map((s: any) => s.name)).toEqual(["testvm"]);
  // The hook stays idle without a Check-in credential: nothing of it next to any stack.
  for (const stack of fs.readdirSync(path.join(outdir, "stacks"))) {
    expect(fs.readdirSync(path.join(outdir, "stacks", stack)).filter((f) => /clouds\.yaml|egi-/.test(f))).toEqual([]);
  }
}, 120_000);
