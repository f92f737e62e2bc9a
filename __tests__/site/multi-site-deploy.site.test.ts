/**
 * Sites and VOs by name on the local site, the app side: an app deploys the same machine at two sites
 * by name with multiSiteVms (EgiSite.fromSiteName, the hook's project-by-VO, the fedcloud-like
 * network and pool lookups), synthesizes again offline from the pins, and destroys. The two sites,
 * LOCAL-A (everything listed) and LOCAL-B (only VO names), are ONE local Keystone reached by two URLs
 * (support/local-sites.ts). Expected ids come from the site's descriptions (.site/identity and
 * .site/cloud site.json), checked on Keystone, Nova and Neutron themselves.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLOUDS_FILE } from "../../auth/stack-files";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, floatingIps, keyPair, portsOf, serversNamed } from "../support/cloud-site";
import { cli, idpRequests, keystoneRequests, REPO, resetIdpRequests } from "../support/identity-site";
import { cloud, identity, type LocalSites, pinLocalSites, PRIVATE_NET, URL_A, URL_B, VO1 } from "../support/local-sites";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const APP = path.join(REPO, "__tests__", "fixtures", "multi-site-app.js");
const STACK_A = "multi-local-a";
const STACK_B = "multi-local-b";

let sites: LocalSites;
beforeAll(() => {
  sites = pinLocalSites();
});
afterAll(() => sites?.remove());

describe("multiSiteVms: one app, two sites by name, one cdktf deploy", () => {
  const dir = cdktfProject(APP);
  const keyFile = path.join(dir, "id_ed25519");
  const stackDir = (stack: string) => path.join(dir, "cdktf.out", "stacks", stack);
  const synthesized = (stack: string) => JSON.parse(fs.readFileSync(path.join(stackDir(stack), "cdk.tf.json"), "utf8"));
  const outputs = () => JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"));
  const context = () => JSON.parse(fs.readFileSync(path.join(dir, "egi-cdktf.context.json"), "utf8")) as Record<string, unknown>;
  const server = (json: any) => Object.values(json.resource.openstack_compute_instance_v2)[0] as { network: Array<{ name?: string; uuid?: string }>; image_id: string };
  const federatedLogins = (from: number) =>
    fs.readFileSync(identity.keystoneAccessLog, "utf8").split("\n").filter(Boolean).slice(from).filter((l) => l.includes("/OS-FEDERATION/identity_providers/")).length;

  let env: Record<string, string>;
  let deploy: { status: number | null; output: string };
  let idp: { token: number; discovery: number; total: number };
  let keystoneBefore: number;
  let deployed = false;
  let destroyed = false;
  const firstSynth: Record<string, unknown> = {};
  const fipIds: string[] = [];

  beforeAll(async () => {
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "egi-cdktf-e2e-sites", "-f", keyFile]);
    env = await sites.siteUser({
      CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
      E2E_PUBLIC_KEY: `${keyFile}.pub`,
      E2E_SITES: JSON.stringify([
        { site: "LOCAL-A", vo: "vo.example" },
        { site: "LOCAL-B", vo: "vo.example" },
      ]),
    });
    // Its own temp dir inside the scanned home: the scan covers what cdktf and terraform write there.
    env.TMPDIR = path.join(env.HOME, "tmp");
    fs.mkdirSync(env.TMPDIR);
    await resetIdpRequests(identity);
    keystoneBefore = keystoneRequests(identity);
    deployed = true;
    deploy = runCdktf(dir, ["deploy", "multi-*", "--auto-approve", "--skip-provider-lock", "--outputs-file", "outputs.json"], env, 900_000);
    idp = await idpRequests(identity);
    for (const stack of [STACK_A, STACK_B]) if (fs.existsSync(stackDir(stack))) firstSynth[stack] = synthesized(stack);
  }, 900_000);

  afterAll(async () => {
    // Whatever failed: remove what the deploy made, then make sure Nova holds no server of it.
    let destroyFailed = false;
    if (deployed && !destroyed) destroyFailed = runCdktf(dir, ["destroy", "multi-*", "--auto-approve", "--skip-provider-lock"], env, 900_000).status !== 0;
    const admin = await adminToken();
    const left = [...(await serversNamed(admin, cloud, STACK_A)), ...(await serversNamed(admin, cloud, STACK_B))];
    if (destroyFailed || left.length) throw new Error(`cdktf destroy in afterAll ${destroyFailed ? "failed" : "left servers"}: ${left.map((s) => `${s.name} ${s.id}`).join(", ") || "see the site"}`);
  }, 900_000);

  test("GIVEN a Check-in credential and no OS_* WHEN cdktf deploy 'multi-*' runs THEN both stacks deploy, the hook's lines naming each site's own Keystone URL", () => {
    expect(env.OS_AUTH_URL).toBeUndefined();
    expect(env.OS_TOKEN).toBeUndefined();
    if (deploy.status !== 0) throw new Error(`cdktf deploy failed (exit ${deploy.status}):\n${deploy.output.slice(-4000)}`);
    const lines = deploy.output.split("\n").filter((l) => /INFO \[multi-local-[ab]\/site\]: egi-cdktf: project /.test(l));
    const at = (stack: string) => lines.filter((l) => l.includes(`[${stack}/site]`)).map((l) => / at (\S+) as /.exec(l)?.[1]);
    expect(at(STACK_A)).toEqual([URL_A]);
    expect(at(STACK_B)).toEqual([URL_B]);
    for (const l of lines) expect(l).toMatch(/project vo\.example at .* roles [a-z,]*member[a-z,]*: new token, valid until /);
  });

  test("THEN both servers are ACTIVE in project vo.example with the AppDB image and the m1.medium-sized flavor, each on vo.example-net with a floating IP from public", async () => {
    const admin = await adminToken();
    for (const stack of [STACK_A, STACK_B]) {
      const servers = await serversNamed(admin, cloud, stack);
      expect([stack, servers.length]).toEqual([stack, 1]);
      const [s] = servers;
      expect({ stack, status: s.status, project: s.tenant_id, image: s.image.id, flavor: s.flavor.id, networks: Object.keys(s.addresses) }).toEqual({
        stack,
        status: "ACTIVE",
        project: VO1.id,
        image: cloud.appdb.newer,
        flavor: cloud.flavorIds["m1.medium"],
        networks: ["vo.example-net"],
      });
      const ports = await portsOf(admin, cloud, s.id);
      expect(ports.map((p) => p.network_id)).toEqual([PRIVATE_NET.id]);
      const fips = await floatingIps(admin, cloud, `port_id=${ports[0].id}`);
      expect(fips.map((f) => ({ pool: f.floating_network_id, address: f.floating_ip_address }))).toEqual([{ pool: cloud.networks.public.id, address: outputs()[stack].vm.floating_ip }]);
      fipIds.push(fips[0].id);
      expect(outputs()[stack].site_name).toBe(stack === STACK_A ? "LOCAL-A" : "LOCAL-B");
    }
  });

  test("THEN LOCAL-A's network and pool are the list's, LOCAL-B's the fedcloud-like lookups' (public is not shared with the project), pinned with its project in egi-cdktf.context.json", () => {
    const pins = context();
    const keys = Object.keys(pins);
    // The hook found vo.example's project by name at LOCAL-B only (LOCAL-A lists its id).
    expect(keys.filter((k) => k.startsWith("project-for-vo:"))).toEqual([`project-for-vo:{"vo":"vo.example"}@http://localhost:35357`]);
    expect(pins[`project-for-vo:{"vo":"vo.example"}@http://localhost:35357`]).toBe(VO1.id);
    // Only LOCAL-B needed the lookups; each answer is the one the site's network list gives.
    const network = keys.filter((k) => k.startsWith("network-default:"));
    const pool = keys.filter((k) => k.startsWith("network-floating-ip-pool:"));
    expect([network.length, pool.length]).toEqual([1, 1]);
    expect(network[0]).toContain("@http://localhost:35357|");
    expect(pool[0]).toContain("@http://localhost:35357|");
    expect([pins[network[0]], pins[pool[0]]]).toEqual(["vo.example-net", "public"]);

    const a = firstSynth[STACK_A] as any;
    const b = firstSynth[STACK_B] as any;
    expect(server(a).network).toEqual([{ name: "vo.example-net" }]);
    expect(server(b).network).toEqual([{ name: "vo.example-net" }]);
    expect(Object.keys(a.locals ?? {}).filter((l) => l.startsWith("egi_lookup_network"))).toEqual([]);
    expect(Object.keys(b.locals ?? {}).filter((l) => l.startsWith("egi_lookup_network")).sort()).toEqual([expect.stringMatching(/^egi_lookup_network_default_/), expect.stringMatching(/^egi_lookup_network_floating_ip_pool_/)]);
    expect(a.provider.openstack[0]).toMatchObject({ auth_url: URL_A, tenant_id: VO1.id });
    expect(b.provider.openstack[0]).toMatchObject({ auth_url: URL_B, tenant_id: VO1.id });
  });

  test("THEN one Check-in login served both sites, each site got its own federated login and Keystone token", () => {
    // Counted at the IdP: one token request (the refresh grant) for the whole run.
    expect(idp.token).toBe(1);
    const cache = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
    expect(filesBelow(path.join(cache, "identity"))).toHaveLength(1);
    // Keystone's log does not name the Host, so per URL it is told by the stacks' cloud entries.
    expect(federatedLogins(keystoneBefore)).toBeGreaterThanOrEqual(2);
    const entries = [STACK_A, STACK_B].map((stack) => Object.values(JSON.parse(fs.readFileSync(path.join(stackDir(stack), CLOUDS_FILE), "utf8")).clouds)[0] as any);
    expect(entries.map((e) => [e.auth.auth_url, e.auth.project_id])).toEqual([
      [URL_A, VO1.id],
      [URL_B, VO1.id],
    ]);
    expect(entries[0].auth.token).not.toBe(entries[1].auth.token);
  });

  test("THEN no Check-in secret or Keystone token is in the deploy's output or any file of the project, the site list or the home outside the 0600 cache", () => {
    const cache = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
    const read = (kind: string) => filesBelow(path.join(cache, kind)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    const [checkin] = read("identity");
    const keystone = read("keystone");
    expect(keystone).toHaveLength(2);
    const secrets = {
      "refresh token": env.CHECKIN_REFRESH_TOKEN,
      // Only an IdP that rotates refresh tokens gives a new one (the public client; this is the basic one).
      ...(checkin.refreshToken ? { "rotated refresh token": checkin.refreshToken } : {}),
      "access token": checkin.accessToken,
      ...Object.fromEntries(keystone.map((k, i) => [`keystone token ${i + 1}`, k.token])),
    };

    const report = scanForSecrets([dir, env.HOME, sites.work], secrets, { allowed: [cache], outputs: { "deploy output": deploy.output } });

    expect(report.files).toBeGreaterThan(10);
    expect(report.leaks).toEqual([]);
  });

  test("GIVEN the pins WHEN cdktf synth runs with no Check-in credential THEN both stacks synthesize as before, LOCAL-B's tenant_id from the pin, with no request to the IdP or Keystone", async () => {
    const offline = { ...env };
    delete offline.CHECKIN_REFRESH_TOKEN;
    delete offline.CHECKIN_CLIENT_SECRET;
    await resetIdpRequests(identity);
    const keystone = keystoneRequests(identity);

    const r = runCdktf(dir, ["synth"], offline);

    expect(r.status).toBe(0);
    expect(r.output).not.toMatch(/WARN|placeholder|looked up by the hook/);
    expect((await idpRequests(identity)).total).toBe(0);
    expect(keystoneRequests(identity)).toBe(keystone);
    const b = synthesized(STACK_B);
    expect(b.provider.openstack[0].tenant_id).toBe(VO1.id);
    expect(server(b).image_id).toBe(cloud.appdb.newer);
    expect(b).toEqual(firstSynth[STACK_B]);
    expect(synthesized(STACK_A)).toEqual(firstSynth[STACK_A]);
    expect(fs.existsSync(path.join(stackDir(STACK_B), CLOUDS_FILE))).toBe(false);
  });

  test("WHEN cdktf destroy 'multi-*' runs THEN no server, floating IP or key pair of either stack remains", async () => {
    const r = runCdktf(dir, ["destroy", "multi-*", "--auto-approve", "--skip-provider-lock"], env, 900_000);
    if (r.status !== 0) throw new Error(`cdktf destroy failed (exit ${r.status}):\n${r.output.slice(-4000)}`);
    destroyed = true;

    const admin = await adminToken();
    for (const stack of [STACK_A, STACK_B]) expect(await serversNamed(admin, cloud, stack)).toEqual([]);
    expect(fipIds).toHaveLength(2);
    for (const id of fipIds) expect(await floatingIps(admin, cloud, `id=${id}`)).toEqual([]);
    const user = cli(["token", "--site", "LOCAL-A", "--vo", "vo.example"], env).stdout.trim();
    for (const stack of [STACK_A, STACK_B]) expect(await keyPair(user, cloud, `${stack}-key`)).toBeUndefined();
  }, 900_000);
});
