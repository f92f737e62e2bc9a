/**
 * `egi-cdktf plan-summary` against the local site, as a user runs it in a cdktf project folder with
 * a Check-in credential (the hook links each stack's clouds.yaml; no OS_TOKEN). The fixture app's
 * stack `workers` plans 2 servers, a volume, a floating IP and a security group; `broken` plans a
 * server whose image matches nothing. The quota numbers are checked against the site's own APIs
 * (Nova, Cinder, Neutron) read here, not through our code.
 *
 * Runs in project vo.example-2 (the user's second project): lowering its Nova quota cannot disturb
 * the other site tests, which deploy to vo.example. The quota is restored after each test, pass or
 * fail. Nothing is created on the site: plan-summary only plans.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import { cdktfProject } from "../support/cdktf-project";
import { adminToken, api, cloudSite, securityGroupsNamed, serversNamed } from "../support/cloud-site";
import { cli, identitySite, REPO } from "../support/identity-site";
import { planSummaryCli, planSummaryEnv, type PlanSummaryRun } from "../support/plan-summary-cli";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const identity = identitySite();
const site = cloudSite();
const project = identity.keystone.projects[1];
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "plan-summary-app.js"));
const prefix = `plan-summary-${process.pid}`;
const novaQuotaUrl = `${site.endpoints.compute}/os-quota-sets/${project.id}`;
/** plan-summary's TMPDIR: where its saved plans go (and must be gone from). */
const planTmp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-tmp-"));

let env: Record<string, string>;
/** Every run's stdout and stderr, for the secret scan. */
const outputs: Record<string, string> = {};
/** site.json's fields beyond the CloudSite interface. */
const siteJson = site as unknown as { region: string; flavors: Record<string, { vcpus: number; ram: number }> };
const flavor = (name: string) => siteJson.flavors[name];

const cliRun = planSummaryCli({ dir, tmp: planTmp, outputs });
function planSummary(args: string[]): PlanSummaryRun {
  return cliRun(`run ${Object.keys(outputs).length / 2} (${args.join(" ")})`, args, env);
}

/** The project's answers, read with the user's own token as any OpenStack client would. */
async function siteAnswers() {
  const token = cli(["token"], env).stdout.trim();
  // Neutron creates a project's `default` security group (1 group, 4 rules) the first time the
  // project lists its groups; on a fresh site that would happen during the run and move "used".
  await api(token, `${site.endpoints.network}/v2.0/security-groups?project_id=${project.id}`);
  const nova = (await api(token, `${site.endpoints.compute}/limits`)).limits.absolute;
  const cinder = (await api(token, `${site.endpoints.volumev3.replace("%(project_id)s", project.id)}/limits`)).limits.absolute;
  const neutron = (await api(token, `${site.endpoints.network}/v2.0/quotas/${project.id}/details`)).quota;
  const row = (label: string, adds: number, limit: number, used: number) => `| ${label} | ${adds} | ${limit} | ${used} | ${Math.max(0, limit - used)} |`;
  const n = (r: string) => neutron[r].used + neutron[r].reserved;
  return {
    nova,
    rows: [
      row("instances", 2, nova.maxTotalInstances, nova.totalInstancesUsed),
      row("vCPUs", flavor("m1.medium").vcpus + flavor("m1.small").vcpus, nova.maxTotalCores, nova.totalCoresUsed),
      row("RAM (MB)", flavor("m1.medium").ram + flavor("m1.small").ram, nova.maxTotalRAMSize, nova.totalRAMUsed),
      row("volumes", 1, cinder.maxTotalVolumes, cinder.totalVolumesUsed),
      row("volume GB", 3, cinder.maxTotalVolumeGigabytes, cinder.totalGigabytesUsed),
      row("floating IPs", 1, neutron.floatingip.limit, n("floatingip")),
      row("security groups", 1, neutron.security_group.limit, n("security_group")),
      // the rule, and the two egress rules Neutron gives every new group
      row("security group rules", 3, neutron.security_group_rule.limit, n("security_group_rule")),
    ],
  };
}

async function setNovaQuota(quota: Record<string, number>): Promise<void> {
  const res = await createHttpClient().fetch(novaQuotaUrl, {
    method: "PUT",
    headers: { "X-Auth-Token": await adminToken(), "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ quota_set: quota }),
  });
  if (res.status !== 200) throw new Error(`PUT ${novaQuotaUrl}: HTTP ${res.status} ${await res.text()}`);
}

let originalQuota: { instances: number };
let lowered = false;

beforeAll(async () => {
  env = await planSummaryEnv(identity, project.id, prefix);
  originalQuota = (await api(await adminToken(), novaQuotaUrl)).quota_set;
});

afterEach(async () => {
  if (lowered) await setNovaQuota({ instances: originalQuota.instances });
  lowered = false;
});

test("GIVEN a Check-in credential and room in the project WHEN plan-summary runs for workers THEN exit 0, the resources to add and a quota table matching the site's own answers", async () => {
  const before = await siteAnswers();
  const r = planSummary(["workers"]);
  const after = await siteAnswers();

  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^plan-summary: workers: 8 to add, 0 to change, 0 to replace, 0 to destroy \(\d+\.\d s\)\n$/) });
  expect(r.stdout).toMatch(/^<!-- egi-cdktf:plan-summary app=\S+ -->\n## egi-cdktf plan summary\n\n:white_check_mark: \*\*1 of 1 plans succeeded; nothing is over quota\.\*\*/);
  expect(r.stdout).toContain("| `workers` | 8 | 0 | 0 | 0 | 7 |");
  for (const address of [/openstack_compute_instance_v2\.worker-1_server_\w+/, /openstack_compute_instance_v2\.worker-2_server_\w+/, /openstack_blockstorage_volume_v3\.worker-2_data_\w+/, /openstack_networking_floatingip_v2\.worker-1_floating-ip_\w+/, /openstack_networking_secgroup_v2\.ssh_\w+/]) {
    expect(r.stdout).toMatch(new RegExp(`^- \`${address.source}\`$`, "m"));
  }
  expect(r.stdout).toContain("- synth `workers`: plan-summary fixture: a synth warning the summary must show");
  expect(r.stdout).toContain(`#### project ${project.name} (${project.id}) at ${identity.keystone.authUrl}, region ${siteJson.region}`);
  expect(after.rows).toEqual(before.rows); // nobody else changed the project meanwhile
  for (const row of after.rows) expect(r.stdout).toContain(`${row} ok |`);
});

test("GIVEN the project's Nova instances quota set to leave 1 WHEN plan-summary plans 2 servers THEN exit 1 with the over-quota line naming both servers and the numbers, and nothing is created", async () => {
  const { nova } = await siteAnswers();
  const limit = nova.totalInstancesUsed + 1;
  lowered = true;
  await setNovaQuota({ instances: limit });
  const admin = await adminToken();
  const serversBefore = (await api(admin, `${site.endpoints.compute}/servers?all_tenants=1&project_id=${project.id}`)).servers.length;

  const r = planSummary(["workers"]);

  expect(r.status).toBe(1);
  const line = `over quota at project ${project.name} (${project.id}) at ${identity.keystone.authUrl}, region ${siteJson.region}: instances: the plans add 2 (workers: openstack_compute_instance_v2.worker-1_server_`;
  const failing = r.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: "));
  expect(failing).toHaveLength(1);
  expect(failing[0]).toContain(`egi-cdktf: ${line}`);
  expect(failing[0]).toMatch(/, workers: openstack_compute_instance_v2\.worker-2_server_\w+\) but the project has 1 left \(limit (\d+), used (\d+)\)$/);
  expect(failing[0]).toContain(`(limit ${limit}, used ${nova.totalInstancesUsed})`);
  expect(r.stdout).toContain(`- :x: ${line}`);
  expect(r.stdout).toContain(`| instances | 2 | ${limit} | ${nova.totalInstancesUsed} | 1 | :x: **over by 1** |`);
  expect(r.stdout).toMatch(/\| vCPUs \| 3 \| \d+ \| \d+ \| \d+ \| ok \|/);

  expect((await api(admin, `${site.endpoints.compute}/servers?all_tenants=1&project_id=${project.id}`)).servers).toHaveLength(serversBefore);
  expect(await serversNamed(admin, site, `${prefix}-worker-1`)).toEqual([]);
  expect(await securityGroupsNamed(admin, site, `${prefix}-ssh`)).toEqual([]);
});

test("GIVEN a stack whose image data source matches nothing WHEN plan-summary runs for both stacks THEN exit 1 naming that stack and terraform's error; the other stack is still summarized", () => {
  const r = planSummary(["workers", "broken", "--out", "summary.md"]);

  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  const failing = r.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: "));
  expect(failing).toEqual([expect.stringMatching(/^egi-cdktf: stack broken: terraform plan failed: Your query returned no results\. .*\(data\.openstack_images_image_v2\.[\w-]+\)$/)]);
  const md = fs.readFileSync(path.join(dir, "summary.md"), "utf8");
  expect(md).toContain("- :x: stack broken: terraform plan failed: Your query returned no results.");
  expect(md).toContain("| `broken` | :x: plan failed | | | | |");
  expect(md).toContain("| `workers` | 8 | 0 | 0 | 0 | 7 |");
});

test("GIVEN --json WHEN plan-summary runs THEN the report names the project and region the site answered for", () => {
  const r = planSummary(["workers", "--json", "--skip-synth"]);

  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.quota).toEqual([
    expect.objectContaining({
      site: { authUrl: identity.keystone.authUrl, projectId: project.id, projectName: project.name, region: siteJson.region },
      stacks: ["workers"],
      checked: true,
    }),
  ]);
  expect(report.quota[0].rows.map((row: { resource: string; status: string }) => `${row.resource}:${row.status}`)).toEqual(
    ["instances", "cores", "ram", "volumes", "gigabytes", "floatingip", "security_group", "security_group_rule"].map((x) => `${x}:ok`),
  );
});

test("GIVEN the runs above WHEN the project, the temp folder and every output are scanned THEN no Keystone or Check-in token is anywhere and no plan file is left", () => {
  const keystoneToken = cli(["token"], env).stdout.trim();
  const files = filesBelow(dir);

  const report = scanForSecrets([dir, planTmp], { keystoneToken, refreshToken: env.CHECKIN_REFRESH_TOKEN, clientSecret: env.CHECKIN_CLIENT_SECRET }, {
    // The token cache (0600, under the test's HOME) is where the token belongs; clouds.yaml links there.
    allowed: [env.HOME],
    outputs,
  });

  expect(Object.keys(outputs).length).toBeGreaterThanOrEqual(8);
  expect(fs.readdirSync(planTmp)).toEqual([]);
  expect(files.filter((f) => /\.tfplan$|[/]plan$/.test(f))).toEqual([]);
  expect(files.some((f) => f.endsWith(path.join("stacks", "workers", "cdk.tf.json")))).toBe(true);
  expect(report.files).toBeGreaterThan(5); // cdk.tf.json files, .terraform/, the lock files, summary.md
  expect(report.leaks).toEqual([]);
});
