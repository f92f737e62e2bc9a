/**
 * The package as a user installs it, deployed on the local site, for one framework: `npm pack` of
 * the built package (egi-fedcloud-cdktf from lib/, egi-fedcloud-cdktn from frameworks/cdktn/pkg),
 * `egi-cdktf init --framework <it>`, the app's own `npm install` (the tarball for the version it
 * pins), the user's SSH key in ~/.ssh and main.ts's `sshFrom` line narrowed to a network, then the
 * app's own CLI (cdktf-cli or cdktn-cli, under the Node given) runs deploy and destroy with a
 * Check-in credential in the environment and no OS_TOKEN: the app's hook gets the token by itself,
 * the server is ACTIVE with the registry image and the best-fit flavor, reachable as the docs page
 * makes it (the user's key pair, SSH from that network, a floating IP from the public network; the
 * fake virt driver runs no sshd, so the API objects are checked, not a login), no secret is left
 * outside the 0600 token cache, and destroy leaves nothing, key pair and group included.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { adminToken, api, cloudSite, type CloudSite, floatingIps, md5Fingerprint, portsOf, securityGroupsNamed, serversNamed } from "./cloud-site";
import { identitySite, mintRefreshToken, REPO, userEnv } from "./identity-site";
import { pinToTarball } from "./consumer-app";
import { filesBelow, scanForSecrets } from "./secret-scan";
import { terraformEnv } from "./terraform";

/** The user's SSH public key (a fixture: its private half was thrown away), as ~/.ssh/id_ed25519.pub. */
const PUBLIC_KEY = path.join(REPO, "__tests__", "fixtures", "id_ed25519.pub");
/** The network main.ts's `sshFrom` line is narrowed to, as its comment asks. */
const SSH_FROM = "198.51.100.0/24";

/** A Nova key pair of another user, read as admin (compute API >= 2.10 takes user_id); undefined when gone. */
async function keyPairOf(admin: string, site: CloudSite, userId: string, name: string): Promise<any | undefined> {
  const url = `${site.endpoints.compute}/os-keypairs/${encodeURIComponent(name)}?user_id=${encodeURIComponent(userId)}`;
  return (await api(admin, url, { "OpenStack-API-Version": "compute 2.10" }))?.keypair;
}

/** Ingress rules of a Neutron security group, as protocol, ports and source. */
const ingressOf = (group: any) =>
  group.security_group_rules
    .filter((r: { direction: string }) => r.direction === "ingress")
    .map((r: any) => ({ ethertype: r.ethertype, protocol: r.protocol, ports: [r.port_range_min, r.port_range_max], from: r.remote_ip_prefix }));

export interface InitAppSite {
  readonly framework: "cdktf" | "cdktn";
  /** The folder npm packs: the built package of that framework. */
  readonly packageDir: string;
  /** The bin folder of the Node the app's CLI runs under (first on PATH). */
  readonly nodeBin: string;
}

/** The init app of `framework` deployed and destroyed on the local site: the tests, with their setup and cleanup. */
export function initAppOnSite(opts: InitAppSite): void {
  const identity = identitySite();
  const site = cloudSite();
  const cli = opts.framework;
  let root: string;
  let dir: string;
  let name: string;
  let env: Record<string, string>;
  let deployed = false;
  const runs: Record<string, { status: number | null; output: string }> = {};
  const pathWithNode = `${opts.nodeBin}:${process.env.PATH}`;

  /** npm as the developer runs it (their HOME and warm npm cache), never with the user's credentials. */
  function npm(args: string[], cwd: string): void {
    const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, PATH: pathWithNode, CHECKPOINT_DISABLE: "1" }, timeout: 300_000 });
    if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (exit ${r.status}):\n${`${r.stdout}${r.stderr}`.slice(-3000)}`);
  }

  /** The app's own CLI, with `env` plus the offline provider mirror, like support/cdktf-project's runCdktf. */
  function run(args: string[]): { status: number | null; output: string } {
    const tf = terraformEnv();
    const r = spawnSync(path.join(dir, "node_modules", ".bin", cli), [...args, "--auto-approve", "--skip-provider-lock"], {
      cwd: dir,
      env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: `${opts.nodeBin}:${tf.PATH!}`, CHECKPOINT_DISABLE: "1", CI: "1" },
      encoding: "utf8",
      timeout: 300_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** The secrets the deploy made, read from the 0600 cache, and the one the user gave. */
  function secrets(): Record<string, string> {
    const cache = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
    const [identityEntry] = filesBelow(path.join(cache, "identity")).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    const [keystone] = filesBelow(path.join(cache, "keystone")).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    return { "refresh token": env.CHECKIN_REFRESH_TOKEN, "rotated refresh token": identityEntry.refreshToken, "access token": identityEntry.accessToken, "keystone token": keystone.token };
  }

  const outputs = () => JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"))[name];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), `egi-package-site-${cli}-`));
    npm(["pack", "--ignore-scripts", "--pack-destination", root], opts.packageDir); // built by npm run test:site
    const tarball = path.join(root, fs.readdirSync(root).find((f) => f.endsWith(".tgz"))!);
    // A name of its own: the server is found by it on the shared site.
    dir = path.join(root, `starter-${cli}-${path.basename(root).slice(-6).toLowerCase().replace(/[^a-z0-9]/g, "x")}`);
    const init = spawnSync(process.execPath, [path.join(REPO, "bin", "egi-cdktf"), "init", dir, "--framework", cli], { encoding: "utf8" });
    if (init.status !== 0) throw new Error(`egi-cdktf init failed: ${init.stderr}`);
    name = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name;
    pinToTarball(dir, `egi-fedcloud-${cli}`, tarball);
    // The user narrows SSH to their network, on the line main.ts's comment points to.
    const mainTs = fs.readFileSync(path.join(dir, "main.ts"), "utf8");
    const sshFromLine = /^( *const sshFrom = )"0\.0\.0\.0\/0";$/m;
    if (!sshFromLine.test(mainTs)) throw new Error(`${dir}/main.ts has no line \`const sshFrom = "0.0.0.0/0";\` for the user to narrow`);
    fs.writeFileSync(path.join(dir, "main.ts"), mainTs.replace(sshFromLine, `$1"${SSH_FROM}";`));
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir); // as the user does: runs the app's postinstall

    env = userEnv(identity, identity.clients.public, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.public) });
    env.TMPDIR = path.join(env.HOME, "tmp"); // scanned too: the CLI and terraform write temp files there
    fs.mkdirSync(env.TMPDIR);
    // The user's SSH key where ssh-keygen puts it, no SSH_PUBLIC_KEY_FILE: main.ts finds it there.
    fs.mkdirSync(path.join(env.HOME, ".ssh"), { mode: 0o700 });
    fs.copyFileSync(PUBLIC_KEY, path.join(env.HOME, ".ssh", "id_ed25519.pub"));
    deployed = true;
    runs.deploy = run(["deploy", name, "--outputs-file", "outputs.json"]);
  }, 900_000);

  afterAll(() => {
    // A failed test must not leave a server on the site.
    if (deployed && run(["destroy", name]).status !== 0) throw new Error(`${cli} destroy failed in afterAll for ${name}: a server may remain on the site`);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 600_000);

  test(`GIVEN a Check-in credential and no OS_TOKEN WHEN the init app's ${cli} deploy runs THEN it succeeds, its hook got a new token, and the outputs name the server`, () => {
    expect(env.OS_TOKEN).toBeUndefined();
    expect([runs.deploy.status, runs.deploy.status === 0 ? "" : runs.deploy.output.slice(-3000)]).toEqual([0, ""]);
    expect(runs.deploy.output).not.toMatch(/\[ERROR\]|Error:/);
    expect(runs.deploy.output).toMatch(new RegExp(`INFO \\[${name}/site\\]: egi-cdktf: project vo\\.example .* new token, valid until`));
    expect(outputs().server_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test(`GIVEN the ${cli} deploy WHEN Nova is asked THEN the server is ACTIVE in the user's project, with the registry's Ubuntu 22.04, the best-fit flavor and the output address`, async () => {
    const admin = await adminToken();
    const servers = await serversNamed(admin, site, name);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server.status).toBe("ACTIVE");
    expect(server.id).toBe(outputs().server_id);
    expect(server.tenant_id).toBe(identity.keystone.projects[0].id);
    const registryUbuntu = site.images.find((i) => i.name === "registry.egi.eu egi_vm_images/ubuntu:22.04")!;
    // m1.small and m1.small-b are both 1 vCPU / 2048 MB / 20 GB: the tie goes to the first by name.
    expect({ image: server.image.id, flavor: server.flavor.id }).toEqual({ image: registryUbuntu.id, flavor: site.flavorIds["m1.small"] });
    const addresses = Object.values(server.addresses as Record<string, Array<{ addr: string }>>).flat().map((a) => a.addr);
    expect(addresses).toContain(outputs().server_ip);
    // The flavor was looked up at synth through the hook's token and pinned in the app's context file.
    const context = JSON.parse(fs.readFileSync(path.join(dir, "egi-cdktf.context.json"), "utf8"));
    expect(Object.entries(context)).toContainEqual([expect.stringMatching(/^flavor-best-fit:/), site.flavorIds["m1.small"]]);
  });

  test(`GIVEN the ${cli} deploy WHEN Nova and Neutron are asked THEN the server has the user's key as key pair <app>-key, the group <app>-ssh with only SSH from the network main.ts names, and a floating IP from the public network, which the outputs give with the ssh command`, async () => {
    const admin = await adminToken();
    const [server] = await serversNamed(admin, site, name);
    expect(server.key_name).toBe(`${name}-key`);
    const key = await keyPairOf(admin, site, server.user_id, `${name}-key`);
    expect(key?.fingerprint).toBe(md5Fingerprint(fs.readFileSync(PUBLIC_KEY, "utf8")));
    expect(server.security_groups.map((g: { name: string }) => g.name).sort()).toEqual(["default", `${name}-ssh`].sort());
    const groups = await securityGroupsNamed(admin, site, `${name}-ssh`);
    expect(groups).toHaveLength(1);
    expect(groups[0].project_id).toBe(server.tenant_id);
    expect(ingressOf(groups[0])).toEqual([{ ethertype: "IPv4", protocol: "tcp", ports: [22, 22], from: SSH_FROM }]);
    const ports = await portsOf(admin, site, server.id);
    expect(ports).toHaveLength(1);
    const fips = await floatingIps(admin, site, `port_id=${ports[0].id}`);
    expect(fips).toHaveLength(1);
    expect(fips[0]).toMatchObject({ floating_network_id: site.networks.public.id, fixed_ip_address: outputs().server_ip, floating_ip_address: outputs().floating_ip });
    expect(outputs().ssh_command).toBe(`ssh ubuntu@${fips[0].floating_ip_address}`);
  });

  test(`GIVEN the ${cli} deploy WHEN the app folder, the user's home, its temp dir and the output are scanned THEN only the 0600 token cache holds a secret`, () => {
    const report = scanForSecrets([dir, env.HOME], secrets(), {
      // Installed before the credential existed, and never written by the CLI or terraform.
      allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf"), path.join(dir, "node_modules")],
      outputs: { "deploy output": runs.deploy.output },
    });
    expect(report.files).toBeGreaterThan(10);
    expect(report.leaks).toEqual([]);
  });

  test(`GIVEN the deployed ${cli} app WHEN ${cli} destroy runs THEN it succeeds, and no server, port, floating IP, key pair or security group of it remains, and the state is empty`, async () => {
    const admin = await adminToken();
    const [server] = await serversNamed(admin, site, name);
    const [port] = await portsOf(admin, site, server.id);
    const fipIds = port ? (await floatingIps(admin, site, `port_id=${port.id}`)).map((f) => f.id) : [];
    expect(fipIds).toHaveLength(1);

    runs.destroy = run(["destroy", name]);

    expect([runs.destroy.status, runs.destroy.status === 0 ? "" : runs.destroy.output.slice(-3000)]).toEqual([0, ""]);
    deployed = false;
    expect(await serversNamed(admin, site, name)).toEqual([]);
    expect(await portsOf(admin, site, server.id)).toEqual([]);
    for (const id of fipIds) expect(await floatingIps(admin, site, `id=${id}`)).toEqual([]);
    expect(await keyPairOf(admin, site, server.user_id, `${name}-key`)).toBeUndefined();
    expect(await securityGroupsNamed(admin, site, `${name}-ssh`)).toEqual([]);
    const state = JSON.parse(fs.readFileSync(path.join(dir, `terraform.${name}.tfstate`), "utf8"));
    expect(state.resources.filter((r: { mode: string }) => r.mode === "managed")).toEqual([]);
    const report = scanForSecrets([dir, env.HOME], secrets(), { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf"), path.join(dir, "node_modules")], outputs: { "destroy output": runs.destroy.output } });
    expect(report.leaks).toEqual([]);
  });
}
