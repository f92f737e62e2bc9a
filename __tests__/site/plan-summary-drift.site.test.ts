/**
 * `egi-cdktf plan-summary --drift` against the local site: a stack deployed once with the real
 * toolchain (cdktf deploy, the hook, terraform), then changed by hand the way a site's users do it,
 * through the OpenStack APIs with the user's own token: a security group rule deleted, the floating
 * IP detached, the server deleted. Each time the drift report must name what changed and how, and
 * nothing else: right after the deploy, and after `cdktf deploy` put a change back, it must say no
 * drift (the provider fills in values on its first read that are not drift: see cli/plan-summary/drift.ts).
 * One detection runs with OpenTofu on the state terraform wrote. The expected addresses come from
 * the state file, not from our code. Everything is destroyed in afterAll, then looked for on Nova and
 * Neutron by name and id; anything left is deleted and fails the run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, api, cloudSite, floatingIps, portsOf, securityGroupsNamed, serversNamed } from "../support/cloud-site";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets } from "../support/secret-scan";
import { engineVersion, terraformEnv, tofuBinary } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const STACK = "drifting";
const prefix = `drift-${process.pid}`;
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "plan-summary-drift-app.js"));
const BIN = path.join(REPO, "bin", "egi-cdktf");
/** plan-summary's TMPDIR: where its saved plans go (and must be gone from). */
const planTmp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-drift-tmp-"));
const REPORT = "drift.md";

let env: Record<string, string>;
/** Every run's output, for the secret scan. */
const outputs: Record<string, string> = {};
/** How long each step took, for the docs' note. */
const times: Record<string, number> = {};
let deployed = false;
/** The floating IP's id (a floating IP has no name to find it by). */
let floatingIpId: string | undefined;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The --out file's text, or undefined when the run wrote none. */
  readonly report?: string;
}

/** `egi-cdktf plan-summary --drift --out drift.md [...args]` in the project, as a CI job runs it. */
function drift(step: string, args: string[] = [], engine: "terraform" | "tofu" = "terraform"): Run {
  const tf = terraformEnv();
  const out = path.join(dir, REPORT);
  fs.rmSync(out, { force: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, "plan-summary", "--drift", "--out", REPORT, ...args], {
    cwd: dir,
    env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TMPDIR: planTmp, ...(engine === "tofu" ? { TERRAFORM_BINARY_NAME: tofuBinary() } : {}) },
    encoding: "utf8",
    timeout: 300_000,
  });
  times[`plan-summary --drift: ${step} (${engine})`] = Date.now() - started;
  outputs[`${step} stdout`] = r.stdout;
  outputs[`${step} stderr`] = r.stderr;
  const report = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  if (report !== undefined) outputs[`${step} ${REPORT}`] = report;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, report };
}

function deploy(step: string): void {
  const started = Date.now();
  deployed = true;
  const r = runCdktf(dir, ["deploy", STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);
  times[`cdktf deploy: ${step}`] = Date.now() - started;
  outputs[`deploy ${step}`] = r.output;
  if (r.status !== 0) throw new Error(`cdktf deploy ${STACK} failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
}

/** The address terraform gives the one resource of `type` in the state file (independent of plan-summary). */
function addressOf(type: string): string {
  const state = JSON.parse(fs.readFileSync(path.join(dir, `terraform.${STACK}.tfstate`), "utf8"));
  const names = state.resources.filter((r: { mode: string; type: string }) => r.mode === "managed" && r.type === type).map((r: { name: string }) => r.name);
  if (names.length !== 1) throw new Error(`expected one ${type} in the state, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** The drift table's rows: "address kind attributes". */
const rows = (md: string): string[] =>
  [...md.matchAll(/^\| `([^`]+)` \| (\*\*deleted\*\*|changed) \| (.*) \|$/gm)].map((m) => `${m[1]} ${m[2].replace(/\*/g, "")} ${m[3].replace(/`/g, "")}`.trim());

/** The user's Keystone token from egi-cdktf token (the hook's cache); a failed command is said, not sent as "". */
function userToken(): string {
  const r = cli(["token"], env);
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`egi-cdktf token failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  return r.stdout.trim();
}

/** A write to an OpenStack API with the user's token, as any client would; the status must be `expectStatus`. */
async function send(method: string, url: string, expectStatus: number, body?: unknown): Promise<void> {
  const res = await createHttpClient().fetch(url, {
    method,
    headers: { "X-Auth-Token": userToken(), Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status !== expectStatus) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`);
}

async function theServer(): Promise<any> {
  const [server] = await serversNamed(await adminToken(), site, `${prefix}-vm`);
  return server;
}

/** Every secret the run made: the Check-in ones and each Keystone token, from the 0600 cache. */
function secretsOf(): Record<string, string> {
  const cacheDir = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
  const read = (kind: string) => filesBelow(path.join(cacheDir, kind)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const secrets: Record<string, string> = { "refresh token": env.CHECKIN_REFRESH_TOKEN, "client secret": env.CHECKIN_CLIENT_SECRET };
  read("identity").forEach((e, i) => Object.assign(secrets, { [`cached refresh token ${i}`]: e.refreshToken, [`access token ${i}`]: e.accessToken }));
  read("keystone").forEach((e, i) => (secrets[`keystone token ${i}`] = e.token));
  expect(Object.keys(secrets)).toEqual(expect.arrayContaining(["refresh token", "access token 0", "keystone token 0"]));
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined));
}

beforeAll(async () => {
  env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    DRIFT_PREFIX: prefix,
  });
  deploy("first");
  const server = await theServer();
  const [port] = await portsOf(await adminToken(), site, server.id);
  floatingIpId = (await floatingIps(await adminToken(), site, `port_id=${port.id}`))[0]?.id;
}, 900_000);

afterAll(async () => {
  const problems: string[] = [];
  if (deployed) {
    const started = Date.now();
    const r = runCdktf(dir, ["destroy", STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);
    times["cdktf destroy"] = Date.now() - started;
    if (r.status !== 0) problems.push(`cdktf destroy ${STACK} failed (exit ${r.status}):\n${r.output.slice(-2000)}`);
  }
  // Whatever the destroy did or did not do: nothing of this run may stay on the site.
  const admin = await adminToken();
  const remove = (url: string) => createHttpClient().fetch(url, { method: "DELETE", headers: { "X-Auth-Token": admin } });
  for (const s of await serversNamed(admin, site, `${prefix}-vm`)) {
    problems.push(`server ${s.name} (${s.id}) was left`);
    await remove(`${site.endpoints.compute}/servers/${s.id}`);
  }
  if (floatingIpId) {
    for (const f of await floatingIps(admin, site, `id=${floatingIpId}`)) {
      problems.push(`floating IP ${f.floating_ip_address} (${f.id}) was left`);
      await remove(`${site.endpoints.network}/v2.0/floatingips/${f.id}`);
    }
  }
  for (const g of await securityGroupsNamed(admin, site, `${prefix}-ssh`)) {
    problems.push(`security group ${g.name} (${g.id}) was left`);
    for (let i = 0; i < 30 && (await remove(`${site.endpoints.network}/v2.0/security-groups/${g.id}`)).status === 409; i++) await new Promise((r) => setTimeout(r, 1000)); // in use until the server's port is gone
  }
  fs.rmSync(planTmp, { recursive: true, force: true });
  process.stderr.write(`plan-summary-drift times:\n${Object.entries(times).map(([k, ms]) => `  ${k}: ${(ms / 1000).toFixed(1)} s`).join("\n")}\n`);
  if (problems.length) throw new Error(`after the drift tests: ${problems.join("; ")}`);
}, 900_000);

test("GIVEN the stack just deployed WHEN plan-summary --drift runs THEN exit 0 and a report with the drift marker, drift-found no and 'No drift'", () => {
  const r = drift("just deployed");

  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: "" });
  expect(r.stderr).toMatch(new RegExp(`^plan-summary: ${STACK}: 0 resources drifted \\(\\d+\\.\\d s\\)$`, "m"));
  const lines = r.report!.split("\n");
  expect(lines[0]).toMatch(/^<!-- egi-cdktf:drift app=\S+ -->$/);
  expect(lines[1]).toBe("<!-- egi-cdktf:drift-found no -->");
  expect(r.report).toContain(":white_check_mark: **No drift");
  expect(r.report).toContain(`### Stack \`${STACK}\`\n\nNo drift.`);
  expect(rows(r.report!)).toEqual([]);
}, 300_000);

test("GIVEN --drift with --changed-since (a usage error) WHEN plan-summary runs THEN exit 2 too, but no report is written: how a CI job tells the two apart", () => {
  const r = drift("usage error", ["--changed-since", "main"]);

  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringContaining("--changed-since") });
  expect(r.report).toBeUndefined();
  expect(r.stderr).toContain("--changed-since");
});

test("GIVEN the security group's rule deleted by hand (Neutron, the user's token) WHEN plan-summary --drift runs THEN exit 2 and the report names the rule, deleted, and nothing else", async () => {
  const [group] = await securityGroupsNamed(await adminToken(), site, `${prefix}-ssh`);
  const rule = group.security_group_rules.find((x: { direction: string; port_range_min: number }) => x.direction === "ingress" && x.port_range_min === 22);
  await send("DELETE", `${site.endpoints.network}/v2.0/security-group-rules/${rule.id}`, 204);

  const r = drift("rule deleted");

  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^plan-summary: ${STACK}: 1 resources drifted`, "m"));
  expect(r.stderr).not.toMatch(/^egi-cdktf: /m);
  expect(r.report!.split("\n")[1]).toBe("<!-- egi-cdktf:drift-found yes -->");
  expect(rows(r.report!)).toEqual([`${addressOf("openstack_networking_secgroup_rule_v2")} deleted`]);
  expect(r.report).toContain(`\`cdktf deploy ${STACK}\``);
}, 300_000);

test("GIVEN the drift WHEN cdktf deploy runs, as the report advises THEN the rule is back and plan-summary --drift finds no drift (exit 0)", async () => {
  deploy("put back");
  const [group] = await securityGroupsNamed(await adminToken(), site, `${prefix}-ssh`);
  expect(group.security_group_rules).toContainEqual(expect.objectContaining({ direction: "ingress", protocol: "tcp", port_range_min: 22, remote_ip_prefix: "192.0.2.0/24" }));

  const r = drift("after deploy");

  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(new RegExp(`^plan-summary: ${STACK}: 0 resources drifted`, "m")) });
  expect(r.report!.split("\n")[1]).toBe("<!-- egi-cdktf:drift-found no -->");
  expect(rows(r.report!)).toEqual([]);
}, 900_000);

// The deploy that put the rule back also saved what it read (the floating IP's port, which the first
// deploy's state left empty: see drift.ts), so the floating IP and its association both differ now.
test("GIVEN the floating IP detached by hand (Neutron PUT port_id null) WHEN plan-summary --drift runs with OpenTofu THEN exit 2, the floating IP and its association changed in fixed_ip and port_id, checked with tofu", async () => {
  await send("PUT", `${site.endpoints.network}/v2.0/floatingips/${floatingIpId}`, 200, { floatingip: { port_id: null } });

  const r = drift("floating IP detached", [], "tofu");

  expect(r.status).toBe(2);
  expect(rows(r.report!)).toEqual([`${addressOf("openstack_networking_floatingip_associate_v2")} changed fixed_ip, port_id`, `${addressOf("openstack_networking_floatingip_v2")} changed fixed_ip, port_id`]);
  expect(r.report).toContain(`<sub>checked with tofu ${engineVersion("tofu")} (refresh-only plans)`);
  expect(r.report).toContain("`tofu apply -refresh-only`");
}, 300_000);

test("GIVEN the server deleted by hand too (Nova DELETE, waited until gone) WHEN plan-summary --drift runs with terraform THEN exit 2 and the server deleted beside the floating IP and association still changed; --json lists the same", async () => {
  const server = await theServer();
  await send("DELETE", `${site.endpoints.compute}/servers/${server.id}`, 204);
  for (let i = 0; i < 120 && (await api(await adminToken(), `${site.endpoints.compute}/servers/${server.id}`)) !== undefined; i++) await new Promise((r) => setTimeout(r, 500));
  expect(await serversNamed(await adminToken(), site, `${prefix}-vm`)).toEqual([]);

  const r = drift("server deleted");

  const server_ = addressOf("openstack_compute_instance_v2");
  const association = addressOf("openstack_networking_floatingip_associate_v2");
  const floatingIp = addressOf("openstack_networking_floatingip_v2");
  expect(r.status).toBe(2);
  expect(rows(r.report!).sort()).toEqual([`${association} changed fixed_ip, port_id`, `${floatingIp} changed fixed_ip, port_id`, `${server_} deleted`].sort());
  expect(r.report).toContain(`<sub>checked with terraform ${engineVersion("terraform")} (refresh-only plans)`);

  const json = drift("server deleted, json", ["--json", "--skip-synth"]);
  expect(json.status).toBe(2);
  const report = JSON.parse(json.report!);
  expect({ mode: report.mode, driftFound: report.driftFound, ok: report.ok }).toEqual({ mode: "drift", driftFound: true, ok: true });
  expect(report.stacks[0].drift).toEqual(
    expect.arrayContaining([
      { address: server_, type: "openstack_compute_instance_v2", kind: "deleted", attributes: [] },
      { address: association, type: "openstack_networking_floatingip_associate_v2", kind: "changed", attributes: ["fixed_ip", "port_id"] },
    ]),
  );
  expect(report.stacks[0].drift).toHaveLength(3);
}, 300_000);

test("GIVEN the runs above WHEN the project (its .terraform folders and the reports), the temp folder and every output are scanned THEN no Keystone or Check-in secret is anywhere and no plan file is left", () => {
  const files = filesBelow(dir);
  const report = scanForSecrets([dir, planTmp, env.HOME], secretsOf(), { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")], outputs });

  expect(report.leaks).toEqual([]);
  expect(files.some((f) => f.includes(`${path.sep}.terraform${path.sep}`))).toBe(true);
  expect(Object.keys(outputs).filter((k) => k.endsWith(REPORT)).length).toBeGreaterThanOrEqual(5);
  expect(fs.readdirSync(planTmp)).toEqual([]);
});
