/**
 * OpenTofu as the engine: the real cdktf CLI with TERRAFORM_BINARY_NAME=<mirror>/bin/tofu, the
 * provider 3.4.0 from the mirror under registry.opentofu.org, and the pre-synth hook (a Check-in
 * credential, no OS_TOKEN). Only the smallest set of examples that covers every resource and data
 * source type our constructs and stacks use (terraform runs all examples in deploy-examples):
 *
 *   - egi-vm: server, key pair, security group + rule, floating IP + association, volume + attachment;
 *     image, flavor, port and security group data sources;
 *   - auth-scope: the identity auth scope data source.
 *
 * They run under their own stack ids (tofu-egi-vm, tofu-auth-scope), so their server, group and key
 * names never meet the terraform examples'. Checked on the site's own APIs; then a secret scan of
 * every file of the project (plans opened as zips), the user's home and the run's temp dir.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, cloudSite, floatingIps, keyPair, md5Fingerprint, portsOf, securityGroupsNamed, serversNamed, volume } from "../support/cloud-site";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets, zipMembers } from "../support/secret-scan";
import { engineVersion, lockedProviders, OPENSTACK_PROVIDER, terraform, tofuBinary } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const TOFU = tofuBinary();
const VM = "tofu-egi-vm";
const SCOPE = "tofu-auth-scope";

/**
 * The user's app: the two examples as examples-app.js builds them for the local site (image by the
 * older AppDB MPURI, 2 vCPU / 4 GB / 40 GB), under the ids above. Written into the project folder;
 * cdktf and the build in dist/ are loaded from the repo.
 */
const APP = `
const path = require("node:path");
const repoRequire = require("node:module").createRequire(${JSON.stringify(path.join(REPO, "package.json"))});
const { App } = repoRequire("cdktf");
const load = (m) => repoRequire(path.join(${JSON.stringify(path.join(REPO, "dist"))}, m));
const { runApp, synthWithEgiTokens } = load("auth/hook");
const { MachineImage } = load("constructs/machine-image");
const site = JSON.parse(require("node:fs").readFileSync(process.env.CLOUD_SITE_JSON, "utf8"));
runApp(async () => {
  const app = new App();
  const image = MachineImage.latestAppDbAppliance(site.appdb.baseMpuri + ":6428/");
  new (load("stacks/egi-vm").EgiVmStack)(app, ${JSON.stringify(VM)}, { image, publicKeyFile: process.env.E2E_PUBLIC_KEY, volumeGb: 2 });
  new (load("stacks/auth-scope").AuthScopeStack)(app, ${JSON.stringify(SCOPE)});
  await synthWithEgiTokens(app);
});
`;

const dir = cdktfProject("./tofu-app.js");
fs.writeFileSync(path.join(dir, "tofu-app.js"), APP);
const keyFile = path.join(dir, "id_ed25519");
let env: Record<string, string>;

// Offline mirror: without a lock file cdktf asks the registry for other platforms' hashes.
const FLAGS = ["--auto-approve", "--skip-provider-lock"];
const runs: Record<string, string> = {};
/** Stacks a deploy was started for and no destroy has finished: destroyed in afterAll, whatever failed. */
const deployed = new Set<string>();

function cdktf(args: string[]): string {
  const [command, stack] = args;
  if (command === "deploy") deployed.add(stack);
  const r = runCdktf(dir, [...args, ...(command === "plan" ? FLAGS.slice(1) : FLAGS)], env, 600_000);
  runs[`${command} ${stack}`] = r.output;
  if (r.status === 0 && command === "destroy") deployed.delete(stack);
  if (r.status !== 0) throw new Error(`cdktf ${args.join(" ")} with tofu failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
  return r.output;
}

const stackDir = (stack: string) => path.join(dir, "cdktf.out", "stacks", stack);
const outputs = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, `${stack}.outputs.json`), "utf8"))[stack];
const state = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, `terraform.${stack}.tfstate`), "utf8"));
const publicKey = () => fs.readFileSync(`${keyFile}.pub`, "utf8");
const userToken = () => cli(["token"], env).stdout.trim();

/**
 * What the stack's saved plan (cdktf.out/stacks/<stack>/plan) would do to resources, read with
 * `tofu show -json`: "<address>: <actions>" for each planned change other than no-op and reads.
 */
function resourceActions(stack: string): string[] {
  const r = terraform(stackDir(stack), ["show", "-json", "plan"], "tofu");
  if (r.status !== 0) throw new Error(`tofu show -json plan failed in ${stackDir(stack)}:\n${r.stderr}`);
  const plan = JSON.parse(r.stdout);
  expect(plan.terraform_version).toBe(engineVersion("tofu"));
  return (plan.resource_changes ?? [])
    .filter((c: { change: { actions: string[] } }) => !["no-op", "read"].includes(c.change.actions.join(",")))
    .map((c: { address: string; change: { actions: string[] } }) => `${c.address}: ${c.change.actions.join(",")}`);
}

/** Every secret the run made: the Check-in ones and each Keystone token, from the 0600 cache. */
function secretsOf(): Record<string, string> {
  const cacheDir = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
  const read = (kind: string) => filesBelow(path.join(cacheDir, kind)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const secrets: Record<string, string> = {
    "refresh token": env.CHECKIN_REFRESH_TOKEN,
    "client secret": env.CHECKIN_CLIENT_SECRET,
  };
  read("identity").forEach((e, i) => Object.assign(secrets, { [`cached refresh token ${i}`]: e.refreshToken, [`access token ${i}`]: e.accessToken }));
  read("keystone").forEach((e, i) => (secrets[`keystone token ${i}`] = e.token));
  expect(Object.keys(secrets)).toEqual(expect.arrayContaining(["refresh token", "access token 0", "keystone token 0"]));
  // A refresh token the IdP did not rotate is cached as is, or not at all: nothing more to look for.
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined));
}

beforeAll(async () => {
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "egi-cdktf-tofu-e2e", "-f", keyFile]);
  env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    E2E_PUBLIC_KEY: `${keyFile}.pub`,
    TERRAFORM_BINARY_NAME: TOFU,
  });
  // The user's own temp dir, so the scan covers what cdktf and tofu write there.
  env.TMPDIR = path.join(env.HOME, "tmp");
  fs.mkdirSync(env.TMPDIR);
});

afterAll(() => {
  // A half-failed deploy leaves servers, ports, groups or volumes: remove them so the next run starts clean.
  const left = [...deployed].filter((stack) => runCdktf(dir, ["destroy", stack, ...FLAGS], env, 600_000).status !== 0);
  if (left.length) throw new Error(`cdktf destroy (tofu) failed in afterAll for ${left.join(", ")}: objects may remain on the site`);
}, 1_800_000);

describe(`example egi-vm as ${VM}, with tofu`, () => {
  let server: any;
  let admin: string;

  test("GIVEN a Check-in credential, no OS_TOKEN and TERRAFORM_BINARY_NAME=tofu WHEN cdktf deploy runs THEN the server is ACTIVE with the expected image and flavor", async () => {
    expect(env.OS_TOKEN).toBeUndefined();
    cdktf(["deploy", VM, "--outputs-file", `${VM}.outputs.json`]);
    admin = await adminToken();
    const servers = await serversNamed(admin, site, VM);
    expect(servers).toHaveLength(1);
    server = servers[0];
    expect(server.status).toBe("ACTIVE");
    expect(server.tenant_id).toBe(identity.keystone.projects[0].id);
    expect({ image: server.image.id, flavor: server.flavor.id }).toEqual({ image: site.appdb.newer, flavor: site.flavorIds["m1.medium"] });
  }, 900_000);

  test("THEN tofu, not terraform, ran it: the lock file names registry.opentofu.org and the state OpenTofu's version", () => {
    expect(lockedProviders(stackDir(VM))).toEqual({ [OPENSTACK_PROVIDER.tofu]: "3.4.0" });
    expect(state(VM).terraform_version).toBe(engineVersion("tofu"));
  });

  test("THEN the server has the stack's key pair and the SSH security group with its rule", async () => {
    expect(server.key_name).toBe(`${VM}-key`);
    expect((await keyPair(userToken(), site, `${VM}-key`)).fingerprint).toBe(md5Fingerprint(publicKey()));
    expect(server.security_groups.map((g: { name: string }) => g.name).sort()).toEqual(["default", `${VM}-ssh`]);
    const [group] = await securityGroupsNamed(admin, site, `${VM}-ssh`);
    expect(group.security_group_rules).toContainEqual(expect.objectContaining({ direction: "ingress", protocol: "tcp", port_range_min: 22, port_range_max: 22 }));
  });

  test("THEN a floating IP from the public pool is associated to the server's port", async () => {
    const [port] = await portsOf(admin, site, server.id);
    const fips = await floatingIps(admin, site, `port_id=${port.id}`);
    expect(fips).toHaveLength(1);
    expect(fips[0].floating_network_id).toBe(site.networks.public.id);
    expect(fips[0].floating_ip_address).toBe(outputs(VM).vm.floating_ip);
  });

  test("THEN the volume is attached to the server", async () => {
    const v = await volume(userToken(), site, outputs(VM).volume_id);
    expect(v.attachments.map((a: { server_id: string }) => a.server_id)).toEqual([server.id]);
  });

  test("GIVEN the deployed stack WHEN cdktf plan runs with tofu THEN the saved plan changes no resource", () => {
    cdktf(["plan", VM]);
    expect(resourceActions(VM)).toEqual([]);
  }, 600_000);

  describe("the identity data source, as auth-scope", () => {
    test(`GIVEN the same user WHEN cdktf deploy ${SCOPE} and cdktf plan run with tofu THEN the outputs show the project and roles the hook's token was scoped to, and no change is planned`, () => {
      cdktf(["deploy", SCOPE, "--outputs-file", `${SCOPE}.outputs.json`]);
      expect(outputs(SCOPE)).toMatchObject({ project_id: identity.keystone.projects[0].id, project_name: identity.keystone.projects[0].name, user_name: identity.user.sub });
      expect(outputs(SCOPE).roles).toContain("member");
      expect(lockedProviders(stackDir(SCOPE))).toEqual({ [OPENSTACK_PROVIDER.tofu]: "3.4.0" });
      expect(cdktf(["plan", SCOPE])).toMatch(/No changes/);
      expect(resourceActions(SCOPE)).toEqual([]);
    }, 600_000);
  });

  test("GIVEN the deploys and plans WHEN every file of the project (saved plans opened as zips), the home, the temp dir and each output are scanned THEN only the 0600 cache holds a secret", () => {
    const report = scanForSecrets([dir, env.HOME], secretsOf(), { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")], outputs: runs });

    expect(report.leaks).toEqual([]);
    // tofu's saved plans are zips too (cdktf.out/stacks/<stack>/plan of both stacks), whose tfplan
    // member holds the variable values: opened and scanned
    expect(report.zips).toBeGreaterThanOrEqual(2);
    expect(zipMembers(fs.readFileSync(path.join(stackDir(VM), "plan"))).map((m) => m.name)).toContain("tfplan");
    expect(report.files).toBeGreaterThanOrEqual(10);
    expect(fs.existsSync(path.join(dir, `terraform.${VM}.tfstate`))).toBe(true);
  });

  test("WHEN cdktf destroy runs with tofu THEN no server, port, floating IP, key pair, security group or volume of the stack remains, and the scan still finds no secret", async () => {
    const [port] = await portsOf(admin, site, server.id);
    const fipIds = port ? (await floatingIps(admin, site, `port_id=${port.id}`)).map((f) => f.id) : [];
    const volumeId = outputs(VM).volume_id;

    cdktf(["destroy", VM]);
    cdktf(["destroy", SCOPE]);

    expect(await serversNamed(admin, site, VM)).toEqual([]);
    expect(await portsOf(admin, site, server.id)).toEqual([]);
    expect(fipIds).toHaveLength(1);
    for (const id of fipIds) expect(await floatingIps(admin, site, `id=${id}`)).toEqual([]);
    expect(await keyPair(userToken(), site, `${VM}-key`)).toBeUndefined();
    expect(await securityGroupsNamed(admin, site, `${VM}-ssh`)).toEqual([]);
    expect(await volume(userToken(), site, volumeId)).toBeUndefined();
    expect(state(VM).resources).toEqual([]);
    const report = scanForSecrets([dir, env.HOME], secretsOf(), { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")], outputs: runs });
    expect(report.leaks).toEqual([]);
  }, 900_000);
});
