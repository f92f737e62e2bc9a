/**
 * Parity with EGI's own deployment (issue 19): EGI's operators deploy their cloud-info VM with
 * plain Terraform (fedcloud-catchall-operations, deploy/cloud-info/*.tf, copied with its user data
 * in __tests__/fixtures/cloud-info-tf/). The same deployment written with our constructs
 * (__tests__/fixtures/cloud-info-app.ts) must plan the same server, security group and rule on the
 * local site: `terraform show -json` of each saved plan, compared by resource type and planned
 * values (addresses differ), the user data hash included. Without `allowAllOutbound: false` the
 * one difference is the group's delete_default_rules.
 *
 * Plans only: nothing is created on the site. The plans, states and synth output are in temp
 * folders removed after the file, pass or fail.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { CloudInfoStack } from "../fixtures/cloud-info-app";
import { cloudSite } from "../support/cloud-site";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";
import { terraformEnv } from "../support/terraform";

const FIXTURE = path.join(REPO, "__tests__", "fixtures", "cloud-info-tf");
/** The resource types EGI's configuration creates. */
const TYPES = ["openstack_compute_instance_v2", "openstack_networking_secgroup_v2", "openstack_networking_secgroup_rule_v2"];

const identity = identitySite();
const site = cloudSite();
const tempDir = tempDirsRemovedAfterAll();
const ids = {
  imageId: site.appdb.newer,
  flavorId: site.flavorIds["m1.small"],
  netId: (site.networks as unknown as { private: { id: string } }).private.id,
};

/** Planned values of one resource: what `terraform show -json` gives as `after`, and which are still unknown. */
interface Planned {
  readonly values: Record<string, unknown>;
  readonly unknown: Record<string, unknown>;
}

/** A saved plan's creations of TYPES, by type, each type's list in a stable order. */
function plannedByType(plan: any): Record<string, Planned[]> {
  const out: Record<string, Planned[]> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed") continue;
    if (!TYPES.includes(change.type)) throw new Error(`${change.address}: a ${change.type} EGI's configuration does not have`);
    expect({ address: change.address, actions: change.change.actions }).toEqual({ address: change.address, actions: ["create"] });
    (out[change.type] ??= []).push({ values: change.change.after, unknown: change.change.after_unknown });
  }
  for (const list of Object.values(out)) list.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return out;
}

/** Every planned attribute that differs between the two plans: "type attribute: ours <> theirs". */
function differences(ours: Record<string, Planned[]>, theirs: Record<string, Planned[]>): string[] {
  const found: string[] = [];
  for (const type of TYPES) {
    const a = ours[type] ?? [];
    const b = theirs[type] ?? [];
    if (a.length !== b.length) {
      found.push(`${type}: ${a.length} planned with the constructs <> ${b.length} in EGI's configuration`);
      continue;
    }
    a.forEach((x, i) => {
      const y = b[i];
      const keys = new Set([...Object.keys(x.values), ...Object.keys(y.values), ...Object.keys(x.unknown), ...Object.keys(y.unknown)]);
      for (const key of [...keys].sort()) {
        const mine = JSON.stringify({ value: x.values[key], unknown: x.unknown[key] ?? false });
        const egi = JSON.stringify({ value: y.values[key], unknown: y.unknown[key] ?? false });
        if (mine !== egi) found.push(`${type} ${key}: ${mine} <> ${egi}`);
      }
    });
  }
  return found;
}

let authEnv: Record<string, string>;

/** `terraform ARGS` in `dir` with the mirror's config and the user's Keystone token (env only). */
function tf(dir: string, args: string[]): string {
  const r = spawnSync("terraform", args, { cwd: dir, env: { ...terraformEnv(), ...authEnv }, encoding: "utf8", timeout: 300_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`terraform ${args[0]} failed in ${dir} (exit ${r.status}):\n${r.stderr}${r.stdout.slice(-2000)}`);
  return r.stdout;
}

/** init, plan -out, show -json: the saved plan as JSON. */
function plan(dir: string, vars: string[] = []): any {
  tf(dir, ["init", "-no-color", "-input=false"]);
  tf(dir, ["plan", "-no-color", "-input=false", "-lock=false", "-out=saved.plan", ...vars]);
  return JSON.parse(tf(dir, ["show", "-json", "saved.plan"]));
}

/** EGI's configuration, copied to a temp folder (terraform writes .terraform and the plan there). */
function planTheirs(): any {
  const dir = tempDir("egi-cloud-info-tf-");
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return plan(dir, [`-var=image_id=${ids.imageId}`, `-var=flavor_id=${ids.flavorId}`, `-var=net_id=${ids.netId}`]);
}

/** The constructs' app, synthesized in-process into a temp folder, its stack planned there. */
function planOurs(options: { allowAllOutbound?: boolean } = {}): any {
  const outdir = tempDir("egi-cloud-info-cdktf-");
  const saved = process.env.EGI_CDKTF_CONTEXT_FILE;
  process.env.EGI_CDKTF_CONTEXT_FILE = path.join(outdir, "egi-cdktf.context.json");
  try {
    const app = new App({ outdir });
    new CloudInfoStack(app, "cloud-info", { ...ids, cloudInitFile: path.join(FIXTURE, "cloud-init.yaml"), ...options });
    app.synth();
  } finally {
    if (saved === undefined) delete process.env.EGI_CDKTF_CONTEXT_FILE;
    else process.env.EGI_CDKTF_CONTEXT_FILE = saved;
  }
  return plan(path.join(outdir, "stacks", "cloud-info"));
}

let theirs: Record<string, Planned[]>;
let ours: Record<string, Planned[]>;

beforeAll(async () => {
  const env = userEnv(identity, identity.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic) });
  const token = cli(["token"], env);
  if (token.status !== 0) throw new Error(`egi-cdktf token failed: ${token.stderr}`);
  // The provider of both configurations reads these (EgiSite's `cloud` variable is null without the hook).
  authEnv = { OS_AUTH_URL: env.OS_AUTH_URL, OS_PROJECT_ID: env.OS_PROJECT_ID, OS_TOKEN: token.stdout.trim(), OS_CLOUD: "", OS_CLIENT_CONFIG_FILE: "" };
  theirs = plannedByType(planTheirs());
  ours = plannedByType(planOurs());
}, 600_000);

test("GIVEN EGI's cloud-info Terraform and the same deployment with our constructs WHEN both are planned on the local site THEN the server, group and rule plan identically, user data hash included", () => {
  expect(Object.keys(theirs).sort()).toEqual([...TYPES].sort());
  expect(TYPES.map((t) => theirs[t].length)).toEqual([1, 1, 1]);
  // The values that matter are really there, not equal because both are empty.
  expect(theirs.openstack_networking_secgroup_v2[0].values).toMatchObject({ name: "motley", description: "Open ports for motley-cue", delete_default_rules: true });
  expect(theirs.openstack_networking_secgroup_rule_v2[0].values).toMatchObject({ direction: "ingress", ethertype: "IPv4", protocol: "tcp", port_range_min: 8080, port_range_max: 8080, remote_ip_prefix: "0.0.0.0/0" });
  expect(theirs.openstack_compute_instance_v2[0].values).toMatchObject({
    name: "cloud-info",
    image_id: ids.imageId,
    flavor_id: ids.flavorId,
    security_groups: ["default", "motley"],
    user_data: expect.stringMatching(/^[0-9a-f]{40}$/),
    network: [expect.objectContaining({ uuid: ids.netId })],
  });

  expect(differences(ours, theirs)).toEqual([]);
});

test("GIVEN the comparison WHEN EGI's rule had another port range THEN it reports that attribute", () => {
  const changed = structuredClone(theirs);
  Object.assign(changed.openstack_networking_secgroup_rule_v2[0].values, { port_range_min: 8081, port_range_max: 8081 });
  const userData = structuredClone(theirs);
  userData.openstack_compute_instance_v2[0].values.user_data = "0".repeat(40);

  expect(differences(ours, changed)).toEqual([
    'openstack_networking_secgroup_rule_v2 port_range_max: {"value":8080,"unknown":false} <> {"value":8081,"unknown":false}',
    'openstack_networking_secgroup_rule_v2 port_range_min: {"value":8080,"unknown":false} <> {"value":8081,"unknown":false}',
  ]);
  expect(differences(ours, userData)).toEqual([expect.stringMatching(/^openstack_compute_instance_v2 user_data: /)]);
});

test("GIVEN the constructs without allowAllOutbound: false WHEN planned THEN delete_default_rules is the one difference", () => {
  expect(differences(plannedByType(planOurs({ allowAllOutbound: true })), theirs)).toEqual([
    'openstack_networking_secgroup_v2 delete_default_rules: {"value":null,"unknown":false} <> {"value":true,"unknown":false}',
  ]);
}, 300_000);
