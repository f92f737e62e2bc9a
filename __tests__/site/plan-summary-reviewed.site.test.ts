/**
 * Apply what was reviewed, against the local site: a stack of two servers is deployed; a second
 * version of the app adds a third, and `plan-summary --out reviewed.md` is the summary a pull
 * request's reviewer saw. With nothing changed since, `plan-summary --reviewed reviewed.md` (what
 * the main branch runs before deploying) passes; once one of the deployed servers is deleted out of
 * band (Nova's API, as an operator or a site's cleanup would), the new plan would create it again,
 * which nobody reviewed, and the guard refuses, naming the stack and that server's address.
 * Servers are named `${prefix}-server-N`; afterAll destroys the stack and checks Nova by prefix.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, api, cloudSite, serversNamed } from "../support/cloud-site";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { until } from "../support/poll";
import { scanForSecrets } from "../support/secret-scan";
import { terraformEnv } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "plan-summary-reviewed-app.js"));
const prefix = `reviewed-${process.pid}`;
const BIN = path.join(REPO, "bin", "egi-cdktf");
/** plan-summary's TMPDIR: where its saved plans go (and must be gone from). */
const planTmp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-tmp-"));

let env: Record<string, string>;
/** Every run's output, for the secret scan. */
const outputs: Record<string, string> = {};
/** Each step's wall time, printed at the end. */
const times: Record<string, number> = {};
let deployed = false;

async function timed<T>(step: string, fn: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    times[step] = Date.now() - started;
  }
}

/** The app's version: 2 servers (deployed), or 3 (the pull request). */
const version = (servers: number) => ({ ...env, REVIEWED_SERVERS: String(servers) });

function cdktf(args: string[], servers: number): void {
  const r = runCdktf(dir, [...args, "--auto-approve", "--skip-provider-lock"], version(servers), 600_000);
  outputs[`cdktf ${args.join(" ")}`] = r.output;
  if (r.status !== 0) throw new Error(`cdktf ${args.join(" ")} failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
}

function planSummary(args: string[], servers: number) {
  const tf = terraformEnv();
  const r = spawnSync(process.execPath, [BIN, "plan-summary", ...args], {
    cwd: dir,
    env: { ...version(servers), TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TMPDIR: planTmp },
    encoding: "utf8",
    timeout: 300_000,
  });
  const run = `plan-summary ${args.join(" ")} (run ${Object.keys(outputs).length})`;
  outputs[`${run} stdout`] = r.stdout;
  outputs[`${run} stderr`] = r.stderr;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, failing: r.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: ")) };
}

/** The address terraform gives server N, read from the synthesized JSON (not from our summary). */
function serverAddress(n: number): string {
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "reviewed", "cdk.tf.json"), "utf8"));
  const [key] = Object.entries(json.resource.openstack_compute_instance_v2 as Record<string, { name: string }>).find(([, r]) => r.name === `${prefix}-server-${n}`)!;
  return `openstack_compute_instance_v2.${key}`;
}

/** Every server of every project whose name starts with the prefix (admin). */
async function serversWithPrefix(): Promise<Array<{ id: string; name: string }>> {
  const url = `${site.endpoints.compute}/servers?all_tenants=1&name=${encodeURIComponent(`^${prefix}-`)}`;
  return (await api(await adminToken(), url)).servers;
}

async function deleteServer(id: string): Promise<void> {
  const res = await createHttpClient().fetch(`${site.endpoints.compute}/servers/${id}`, { method: "DELETE", headers: { "X-Auth-Token": await adminToken() } });
  if (res.status !== 204 && res.status !== 404) throw new Error(`DELETE server ${id}: HTTP ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    REVIEWED_PREFIX: prefix,
  });
});

afterAll(async () => {
  const problems: string[] = [];
  if (deployed) {
    const r = await timed("cdktf destroy", () => runCdktf(dir, ["destroy", "reviewed", "--auto-approve", "--skip-provider-lock"], version(3), 600_000));
    if (r.status !== 0) problems.push(`cdktf destroy failed (exit ${r.status}): ${r.output.slice(-2000)}`);
  }
  // Whatever failed above: nothing of ours stays on the site.
  const left = await serversWithPrefix();
  for (const s of left) await deleteServer(s.id);
  if (left.length) problems.push(`servers left on Nova after destroy (deleted now): ${left.map((s) => s.name).join(", ")}`);
  process.stdout.write(`plan-summary-reviewed times: ${Object.entries(times).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join("; ")}\n`);
  if (problems.length) throw new Error(problems.join("\n"));
}, 900_000);

test("GIVEN the app's first version WHEN deployed THEN Nova has its two servers, ACTIVE", async () => {
  deployed = true;
  await timed("cdktf deploy (2 servers)", () => cdktf(["deploy", "reviewed"], 2));

  const admin = await adminToken();
  for (const n of [1, 2]) expect((await serversNamed(admin, site, `${prefix}-server-${n}`)).map((s) => s.status)).toEqual(["ACTIVE"]);
}, 900_000);

test("GIVEN a second version adding a server WHEN plan-summary --out reviewed.md runs (the review) THEN exit 0, one to add, and the summary carries the fingerprint", async () => {
  const r = await timed("plan-summary --out (the review)", () => planSummary(["--out", "reviewed.md"], 3));

  expect({ status: r.status, failing: r.failing }).toEqual({ status: 0, failing: [] });
  expect(r.stderr).toMatch(/^plan-summary: reviewed: 1 to add, 0 to change, 0 to replace, 0 to destroy /m);
  const md = fs.readFileSync(path.join(dir, "reviewed.md"), "utf8");
  expect(md).toContain(`- \`${serverAddress(3)}\``);
  expect(md).toMatch(/^<!-- egi-cdktf:reviewed v1 .*\nstack reviewed planned\nadd 1 [0-9a-f]{24} \S+\nsum [0-9a-f]{24}\n-->$/m);
}, 600_000);

test("GIVEN nothing changed since the review WHEN plan-summary --reviewed reviewed.md runs THEN it passes", async () => {
  const r = await timed("plan-summary --reviewed (unchanged)", () => planSummary(["--reviewed", "reviewed.md"], 3));

  // Only another test's servers filling the project's quota could fail this run, and that would say so.
  expect(r.failing.filter((l) => !l.includes("over quota"))).toEqual([]);
  expect(r.status).toBe(r.failing.length ? 1 : 0);
  expect(r.stderr).toMatch(/^plan-summary: reviewed: 1 to add, /m);
}, 600_000);

test("GIVEN one deployed server deleted out of band WHEN plan-summary --reviewed reviewed.md runs THEN exit 1 naming the stack and that server's address, which would now be added", async () => {
  const admin = await adminToken();
  const [server] = await serversNamed(admin, site, `${prefix}-server-1`);
  await timed("Nova delete, until gone", async () => {
    await deleteServer(server.id);
    await until(`server ${prefix}-server-1 gone from Nova`, async () => ((await serversNamed(await adminToken(), site, `${prefix}-server-1`)).length === 0 ? true : undefined), 120_000, 500);
  });

  const r = await timed("plan-summary --reviewed (server gone)", () => planSummary(["--reviewed", "reviewed.md"], 3));

  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^plan-summary: reviewed: 2 to add, 0 to change, 0 to replace, 0 to destroy /m);
  const expected = `stack reviewed: ${serverAddress(1)} would be added, which the reviewed plan (reviewed.md) did not show; plan again in a pull request and have that plan reviewed before deploying`;
  expect(r.failing).toEqual([`egi-cdktf: ${expected}`]);
  expect(r.stdout).toContain(`:x: ${expected}`);
}, 600_000);

test("GIVEN the runs above WHEN the project, the temp folder and every output are scanned THEN no Keystone or Check-in secret is anywhere and no plan file is left", () => {
  const keystoneToken = cli(["token"], env).stdout.trim();

  const report = scanForSecrets([dir, planTmp], { keystoneToken, refreshToken: env.CHECKIN_REFRESH_TOKEN, clientSecret: env.CHECKIN_CLIENT_SECRET }, { allowed: [env.HOME], outputs });

  expect(Object.keys(outputs).length).toBeGreaterThanOrEqual(7);
  expect(fs.readdirSync(planTmp)).toEqual([]);
  expect(report.files).toBeGreaterThan(5);
  expect(report.leaks).toEqual([]);
});
