/**
 * Sites and VOs by name, end to end on the local site: `egi-cdktf sites refresh --from DIR` pins a
 * site list written in fedcloud-catchall-operations' format, `sites` lists it, `env`/`token` take
 * `--site`/`--vo` (or EGI_SITE/EGI_VO), and an app deploys the same machine at two sites by name
 * with multiSiteVms (EgiSite.fromSiteName, the hook's project-by-VO, the fedcloud-like network and
 * pool lookups). Expected ids come from the site's descriptions (.site/identity and .site/cloud
 * site.json), checked on Keystone, Nova and Neutron themselves.
 *
 * The two "sites" are ONE Keystone (the local site's, federated with the local Check-in-like IdP)
 * reached by two URLs: LOCAL-A at http://127.0.0.1:35357/v3 and LOCAL-B at
 * http://localhost:35357/v3. The toolkit tells sites apart by their Keystone URL, so to it these
 * are two sites with separate federated logins, separate Keystone tokens (cached per URL),
 * separate clouds.yaml entries and separately pinned lookups; only the Check-in login is shared.
 * Both reach the same Nova and Neutron (the catalog's endpoints), so both servers land in the
 * same project vo.example.
 * - LOCAL-A lists everything: vo.example with auth.project_id, defaultNetwork vo.example-net and
 *   publicNetwork public; vo.example-2 without project id.
 * - LOCAL-B lists only VO names: the hook finds vo.example's project by name and pins it, and the
 *   network and floating IP pool are looked up at synth as `fedcloud select network` does.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLOUDS_FILE } from "../../auth/stack-files";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { expectOneLineError } from "../support/cli-output";
import { adminToken, api, cloudSite, floatingIps, keyPair, portsOf, serversNamed } from "../support/cloud-site";
import { cli, idpRequests, identitySite, keystoneRequests, mintRefreshToken, REPO, resetIdpRequests, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const identity = identitySite();
const cloud = cloudSite();
const BIN = path.join(REPO, "bin", "egi-cdktf");
const APP = path.join(REPO, "__tests__", "fixtures", "multi-site-app.js");

const project = (name: string) => {
  const p = identity.keystone.projects.find((x) => x.name === name);
  if (!p) throw new Error(`${name} is not in the identity site's projects`);
  return p;
};
const VO1 = project("vo.example");
const VO2 = project("vo.example-2");
const URL_A = identity.keystone.authUrl; // http://127.0.0.1:35357/v3
const URL_B = URL_A.replace("//127.0.0.1:", "//localhost:"); // the same Keystone, another site to the toolkit
/** The project vo.example's own network (site.json's `private`; support/cloud-site.ts types only `public`). */
const PRIVATE_NET = (cloud.networks as unknown as { private: { name: string; id: string } }).private;
const STACK_A = "multi-local-a";
const STACK_B = "multi-local-b";

/** The test's own folder: the catchall-format YAML files and the pinned list made from them. */
const work = fs.mkdtempSync(path.join(os.tmpdir(), "egi-sites-"));
const catchall = path.join(work, "fedcloud-catchall-operations");
const sitesFile = path.join(work, "egi-cdktf.sites.json");

const LOCAL_A_YAML = `---
gocdb: LOCAL-A
endpoint: ${URL_A}
vos:
- name: vo.example
  auth:
    project_id: ${VO1.id}
  defaultNetwork: ${PRIVATE_NET.name}
  publicNetwork: public
- name: vo.example-2
`;
const LOCAL_B_YAML = `---
gocdb: LOCAL-B
endpoint: ${URL_B}
vos:
- name: vo.example
- name: vo.example-2
`;

/** A user with a Check-in credential and the test's site list; OS_AUTH_URL/OS_PROJECT_ID as given (none by default). */
async function siteUser(extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  return userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    OS_AUTH_URL: undefined,
    OS_PROJECT_ID: undefined,
    EGI_SITES_FILE: sitesFile,
    ...extra,
  });
}

/** What Keystone says a token is: GET /v3/auth/tokens with the token as X-Auth-Token and X-Subject-Token. */
async function tokenAtKeystone(authUrl: string, token: string): Promise<{ project: { id: string; name: string }; user: { name: string } }> {
  const body = await api(token, `${authUrl}/auth/tokens`, { "X-Subject-Token": token });
  if (!body) throw new Error(`Keystone at ${authUrl} does not know the token`);
  return body.token;
}

let refresh: ReturnType<typeof cli>;

beforeAll(() => {
  fs.mkdirSync(path.join(catchall, "sites"), { recursive: true });
  fs.writeFileSync(path.join(catchall, "sites", "LOCAL-A.yaml"), LOCAL_A_YAML);
  fs.writeFileSync(path.join(catchall, "sites", "LOCAL-B.yaml"), LOCAL_B_YAML);
  refresh = cli(["sites", "refresh", "--from", catchall], { PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("egi-cdktf sites", () => {
  const env = () => ({ PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });

  test("GIVEN two catchall-format site files WHEN sites refresh --from DIR runs THEN both sites are pinned in EGI_SITES_FILE in that format", () => {
    expect(refresh.stderr).toBe("");
    expect(refresh.status).toBe(0);
    expect(refresh.stdout).toBe(`pinned 2 sites (4 site-VO pairs) in ${sitesFile} from ${catchall}; added: LOCAL-A, LOCAL-B\n`);
    const pinned = JSON.parse(fs.readFileSync(sitesFile, "utf8"));
    expect(pinned.sites).toEqual([
      {
        gocdb: "LOCAL-A",
        endpoint: URL_A,
        vos: [{ name: "vo.example", auth: { project_id: VO1.id }, defaultNetwork: "vo.example-net", publicNetwork: "public" }, { name: "vo.example-2" }],
      },
      { gocdb: "LOCAL-B", endpoint: URL_B, vos: [{ name: "vo.example" }, { name: "vo.example-2" }] },
    ]);
  });

  test("GIVEN the pinned list WHEN sites runs THEN both sites are listed with their endpoints and VO counts", () => {
    const r = cli(["sites"], env());

    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n").map((l) => l.split(/\s{2,}/))).toEqual([
      ["SITE", "ENDPOINT", "VOS"],
      ["LOCAL-A", URL_A, "2"],
      ["LOCAL-B", URL_B, "2"],
    ]);
  });

  test("GIVEN the pinned list WHEN sites --vo vo.example-2 --json runs THEN both sites are listed with only that VO, neither with a project id", () => {
    const r = cli(["sites", "--vo", "vo.example-2", "--json"], env());

    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { gocdb: "LOCAL-A", endpoint: URL_A, vos: [{ name: "vo.example-2" }] },
      { gocdb: "LOCAL-B", endpoint: URL_B, vos: [{ name: "vo.example-2" }] },
    ]);
  });

  test("GIVEN the pinned list WHEN sites --vo vo.example runs THEN LOCAL-A shows the project and networks, LOCAL-B that they are found by name", () => {
    const r = cli(["sites", "--vo", "vo.example"], env());

    expect(r.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ["LOCAL-A", URL_A, VO1.id, "vo.example-net", "public"],
      ["LOCAL-B", URL_B, "(by name)", "-", "-"],
    ]);
  });
});

describe("egi-cdktf env and token by site and VO", () => {
  test("GIVEN OS_* of LOCAL-A exported earlier WHEN bash evals env --site LOCAL-B --vo vo.example-2 THEN OS_AUTH_URL is LOCAL-B's and Keystone says the token is vo.example-2's", async () => {
    const env = await siteUser({ OS_AUTH_URL: URL_A, OS_PROJECT_ID: VO1.id });
    const script = `eval "$("${process.execPath}" "${BIN}" env --site LOCAL-B --vo vo.example-2)" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_TOKEN"`;

    const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });

    expect(r.stderr).toBe("");
    const [authUrl, projectId, token] = r.stdout.trim().split("\n");
    expect([authUrl, projectId]).toEqual([URL_B, VO2.id]);
    const scope = await tokenAtKeystone(authUrl, token);
    expect(scope.project).toEqual(expect.objectContaining({ id: VO2.id, name: "vo.example-2" }));
    expect(scope.user.name).toBe(identity.user.sub);

    // EGI_SITE / EGI_VO instead of the flags: the same site and VO, so the same cached token.
    const byEnv = cli(["token"], { ...env, EGI_SITE: "LOCAL-B", EGI_VO: "vo.example-2" });
    expect(byEnv.stderr).toBe("");
    expect(byEnv.stdout.trim()).toBe(token);
  });

  test("GIVEN no OS_* WHEN token --site LOCAL-A --vo vo.example runs THEN Keystone says the token is scoped to vo.example, the listed project id", async () => {
    const env = await siteUser();

    const r = cli(["token", "--site", "LOCAL-A", "--vo", "vo.example"], env);

    expect(r.stderr).toBe("");
    expect((await tokenAtKeystone(URL_A, r.stdout.trim())).project).toEqual(expect.objectContaining({ id: VO1.id, name: "vo.example" }));
  });

  test("GIVEN EGI_SITE=LOCAL-A and EGI_VO=vo.example-2 (no project id listed) WHEN bash evals env THEN the project found by name is vo.example-2 at LOCAL-A", async () => {
    const env = await siteUser({ EGI_SITE: "LOCAL-A", EGI_VO: "vo.example-2" });
    const script = `eval "$("${process.execPath}" "${BIN}" env)" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_TOKEN"`;

    const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });

    expect(r.stderr).toBe("");
    const [authUrl, projectId, token] = r.stdout.trim().split("\n");
    expect([authUrl, projectId]).toEqual([URL_A, VO2.id]);
    expect((await tokenAtKeystone(URL_A, token)).project.id).toBe(VO2.id);
  });
});

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
    env = await siteUser({
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

    const report = scanForSecrets([dir, env.HOME, work], secrets, { allowed: [cache], outputs: { "deploy output": deploy.output } });

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

describe("a site or VO the list does not have", () => {
  /** The fixture app run as cdktf runs it (node APP, in the project folder), with no Check-in credential. */
  function synthApp(sites: Array<{ site: string; vo: string }>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-sites-unknown-"));
    const env = userEnv(identity, identity.clients.basic, {
      CHECKIN_CLIENT_SECRET: undefined,
      OS_AUTH_URL: undefined,
      OS_PROJECT_ID: undefined,
      EGI_SITES_FILE: sitesFile,
      CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
      E2E_SITES: JSON.stringify(sites),
      CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
    });
    const r = spawnSync(process.execPath, [APP], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir, env };
  }

  test("GIVEN LOCAL-C in the app WHEN it synthesizes THEN it fails with one line naming the site, the list and the close matches LOCAL-A, LOCAL-B", () => {
    const r = synthApp([
      { site: "LOCAL-A", vo: "vo.example" },
      { site: "LOCAL-C", vo: "vo.example" },
    ]);

    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^error: EgiSite\\.fromSiteName multi-local-c/site: site "LOCAL-C" is not in ${sitesFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; close: LOCAL-A, LOCAL-B; \`egi-cdktf sites\` lists them`));
    expect(filesBelow(path.join(r.dir, "cdktf.out"))).toEqual([]);
  });

  test("GIVEN LOCAL-C WHEN cdktf synth runs THEN the user sees that line and no stack trace", () => {
    const dir = cdktfProject(APP);
    const { env } = synthApp([{ site: "LOCAL-C", vo: "vo.example" }]);
    delete env.CDKTF_OUTDIR;

    const r = runCdktf(dir, ["synth"], env);

    expect(r.status).not.toBe(0);
    // cdktf echoes the app's stderr as it comes and again in its summary: the same one line.
    const lines = new Set(r.output.split("\n").filter((l) => l.includes("LOCAL-C")).map((l) => l.replace(/^.*?error: /, "error: ").trim()));
    expect([...lines]).toEqual([expect.stringMatching(/^error: EgiSite\.fromSiteName multi-local-c\/site: site "LOCAL-C" is not in [^;]+; close: LOCAL-A, LOCAL-B; /)]);
    expect(r.output).not.toMatch(/\n\s+at /);
  });

  test("GIVEN a misspelt VO at LOCAL-B WHEN the app synthesizes THEN it fails with one line naming the VO, the site and the close match", () => {
    const r = synthApp([{ site: "LOCAL-B", vo: "vo.exmple" }]);

    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: EgiSite\.fromSiteName multi-local-b\/site: VO "vo\.exmple" is not supported at site LOCAL-B \(per [^)]+egi-cdktf\.sites\.json\); close: vo\.example$/m);
  });

  test("GIVEN a VO no site lists WHEN egi-cdktf sites --vo runs THEN it is one line naming it", () => {
    const r = cli(["sites", "--vo", "vo.nowhere"], { PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });

    expect(r.status).toBe(1);
    expectOneLineError(r, [/no site in .*egi-cdktf\.sites\.json supports VO "vo\.nowhere"/]);
  });
});
