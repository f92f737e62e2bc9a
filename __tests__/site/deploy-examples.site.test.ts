/**
 * Every example stack deployed and destroyed with the real cdktf CLI, terraform and provider 3.4.0
 * through the pre-synth hook (a Check-in credential, no OS_TOKEN), checked on the local site's own
 * APIs: Nova, Neutron, Cinder. Expected ids come from the site's description, not from our code.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, cloudSite, floatingIps, keyPair, md5Fingerprint, portsOf, securityGroupsNamed, serversNamed, userDataOf, volume } from "../support/cloud-site";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";

const identity = identitySite();
const site = cloudSite();
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "examples-app.js"));
const keyFile = path.join(dir, "id_ed25519");
let env: Record<string, string>;

interface Case {
  readonly stack: string;
  readonly image?: string;
  readonly flavor?: string;
  readonly key?: boolean;
  readonly floatingIp?: boolean;
  readonly sshGroup?: boolean;
  readonly userData?: boolean;
  readonly volume?: boolean;
}

const newer = site.appdb.newer;
const medium = site.flavorIds["m1.medium"];
const snapshot = site.images.find((i) => i.name === "my-snapshot-2026")!.id;
const CASES: Case[] = [
  { stack: "create-vm", image: newer, flavor: site.flavorIds["m1.small"], key: true },
  { stack: "floating-ip", image: newer, flavor: medium, key: true, floatingIp: true, sshGroup: true },
  { stack: "cloud-init-shell", image: newer, flavor: medium, key: true, userData: true },
  { stack: "cloud-init-config", image: newer, flavor: medium, key: true, userData: true },
  { stack: "snapshot-vm", image: snapshot, flavor: medium, key: true },
  { stack: "file-injection", image: newer, flavor: medium, key: true, userData: true },
  { stack: "volume", image: newer, flavor: medium, key: true, volume: true },
  { stack: "egi-vm", image: newer, flavor: medium, key: true, floatingIp: true, sshGroup: true, userData: true, volume: true },
  { stack: "terraform-example", image: site.appdb.older, flavor: medium },
];

/** Stacks a deploy was started for and no destroy has finished: destroyed in afterAll, whatever failed. */
const deployed = new Set<string>();

function cdktf(args: string[]): string {
  if (args[0] === "deploy") deployed.add(args[1]);
  const r = runCdktf(dir, [...args, "--auto-approve", "--skip-provider-lock"], env, 600_000);
  if (r.status === 0 && args[0] === "destroy") deployed.delete(args[1]);
  if (r.status !== 0) throw new Error(`cdktf ${args.join(" ")} failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
  return r.output;
}

const outputs = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, `${stack}.outputs.json`), "utf8"))[stack];
const synthesized = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8"));
const publicKey = () => fs.readFileSync(`${keyFile}.pub`, "utf8");

beforeAll(async () => {
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "egi-cdktf-e2e", "-f", keyFile]);
  env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    E2E_PUBLIC_KEY: `${keyFile}.pub`,
  });
});

afterAll(() => {
  // A half-failed deploy leaves servers, ports, groups or volumes: remove them so the next run starts clean.
  const left = [...deployed].filter((stack) => runCdktf(dir, ["destroy", stack, "--auto-approve", "--skip-provider-lock"], env, 600_000).status !== 0);
  if (left.length) throw new Error(`cdktf destroy failed in afterAll for ${left.join(", ")}: objects may remain on the site`);
}, 1_800_000);

test("GIVEN the SSH key example WHEN deployed and destroyed THEN Nova has the key with its fingerprint, then not", async () => {
  cdktf(["deploy", "ssh-key", "--outputs-file", "ssh-key.outputs.json"]);
  const user = cli(["token"], env).stdout.trim();
  const key = await keyPair(user, site, "e2e-key");
  expect(key.public_key.trim()).toBe(publicKey().trim());
  expect(key.fingerprint).toBe(md5Fingerprint(publicKey()));
  expect(outputs("ssh-key").fingerprint).toBe(key.fingerprint);

  cdktf(["destroy", "ssh-key"]);
  expect(await keyPair(user, site, "e2e-key")).toBeUndefined();
});

describe.each(CASES)("example $stack", (c) => {
  let server: any;
  let admin: string;

  test("GIVEN a Check-in credential and no OS_TOKEN WHEN cdktf deploy runs THEN the server is ACTIVE with the expected image and flavor", async () => {
    expect(env.OS_TOKEN).toBeUndefined();
    cdktf(["deploy", c.stack, "--outputs-file", `${c.stack}.outputs.json`]);
    admin = await adminToken();
    const servers = await serversNamed(admin, site, c.stack === "terraform-example" ? "testvm" : c.stack);
    expect(servers).toHaveLength(1);
    server = servers[0];
    expect(server.status).toBe("ACTIVE");
    expect(server.tenant_id).toBe(identity.keystone.projects[0].id);
    expect({ image: server.image.id, flavor: server.flavor.id }).toEqual({ image: c.image, flavor: c.flavor });
  });

  if (c.key) {
    test("THEN the server has the stack's key pair, registered from the public key file", async () => {
      expect(server.key_name).toBe(`${c.stack}-key`);
      const key = await keyPair(cli(["token"], env).stdout.trim(), site, `${c.stack}-key`);
      expect(key.fingerprint).toBe(md5Fingerprint(publicKey()));
    });
  }

  if (c.sshGroup) {
    test("THEN a security group with an SSH rule is attached", async () => {
      expect(server.security_groups.map((g: { name: string }) => g.name).sort()).toEqual(["default", `${c.stack}-ssh`]);
      const [group] = await securityGroupsNamed(admin, site, `${c.stack}-ssh`);
      expect(group.security_group_rules).toContainEqual(expect.objectContaining({ direction: "ingress", protocol: "tcp", port_range_min: 22, port_range_max: 22 }));
    });
  }

  if (c.floatingIp) {
    test("THEN a floating IP from the public pool is associated to the server's port", async () => {
      const [port] = await portsOf(admin, site, server.id);
      const fips = await floatingIps(admin, site, `port_id=${port.id}`);
      expect(fips).toHaveLength(1);
      expect(fips[0].floating_network_id).toBe(site.networks.public.id);
      expect(fips[0].floating_ip_address).toBe(outputs(c.stack).vm.floating_ip);
    });
  }

  if (c.userData) {
    test("THEN the user data Nova stored equals what the construct rendered", () => {
      const rendered = (Object.values(synthesized(c.stack).resource.openstack_compute_instance_v2)[0] as { user_data: string }).user_data;
      expect(rendered.length).toBeGreaterThan(20);
      expect(userDataOf(server)).toBe(rendered);
    });
  }

  if (c.volume) {
    test("THEN the volume is attached to the server", async () => {
      const v = await volume(cli(["token"], env).stdout.trim(), site, outputs(c.stack).volume_id);
      expect(v.attachments.map((a: { server_id: string }) => a.server_id)).toEqual([server.id]);
    });
  }

  test("WHEN cdktf destroy runs THEN no server, port, floating IP, key pair, security group or volume of the stack remains", async () => {
    const [port] = await portsOf(admin, site, server.id);
    const fipIds = port ? (await floatingIps(admin, site, `port_id=${port.id}`)).map((f) => f.id) : [];
    const volumeId = c.volume ? outputs(c.stack).volume_id : undefined;

    cdktf(["destroy", c.stack]);

    expect(await serversNamed(admin, site, server.name)).toEqual([]);
    expect(await portsOf(admin, site, server.id)).toEqual([]);
    for (const id of fipIds) expect(await floatingIps(admin, site, `id=${id}`)).toEqual([]);
    if (c.key) expect(await keyPair(cli(["token"], env).stdout.trim(), site, `${c.stack}-key`)).toBeUndefined();
    if (c.sshGroup) expect(await securityGroupsNamed(admin, site, `${c.stack}-ssh`)).toEqual([]);
    if (volumeId) expect(await volume(cli(["token"], env).stdout.trim(), site, volumeId)).toBeUndefined();
  });
});
