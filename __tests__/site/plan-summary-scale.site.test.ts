/**
 * `egi-cdktf plan-summary --out FILE` on an app the size of a real fleet, against the local site,
 * as a user runs it (Check-in credential, the hook's clouds.yaml): 20 and 200 servers, each with a
 * security group and an SSH rule, a floating IP and a volume (__tests__/fixtures/
 * plan-summary-scale-app.js; 7 resources to add and 3 outputs per server). The summary must fit a
 * GitHub comment (65,536 characters) and still show reviewers the totals and the quota table, with
 * the addresses in natural order and, at 200, a cut line that counts exactly what it left out.
 *
 * Project vo.example-2 is planned against, as plan-summary.site.test.ts does. Its quota may be
 * too small for 200 servers: exit 1 is then right, and every failing line must be an over-quota
 * one. Nothing is created on the site: plan-summary only plans. The plan time and summary size of
 * each run are logged (they go in issue 18's note).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cdktfProject } from "../support/cdktf-project";
import { adminToken, api, cloudSite } from "../support/cloud-site";
import { cli, identitySite, REPO } from "../support/identity-site";
import { planSummaryCli, planSummaryEnv, type PlanSummaryRun } from "../support/plan-summary-cli";
import { scanForSecrets } from "../support/secret-scan";

const identity = identitySite();
const site = cloudSite();
const project = identity.keystone.projects[1];
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "plan-summary-scale-app.js"));
const prefix = `plan-scale-${process.pid}`;
const GITHUB = 65_536;
/** plan-summary's TMPDIR: where its saved plans go (and must be gone from). */
const planTmp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-tmp-"));
const siteJson = site as unknown as { region: string };

let env: Record<string, string>;
const outputs: Record<string, string> = {};

interface Run extends PlanSummaryRun {
  readonly md: string;
}

/** 1234 -> "1,234", written here, not taken from the code under test. */
const thousands = (n: number) => n.toLocaleString("en-US");

const cliRun = planSummaryCli({ dir, tmp: planTmp, outputs });
function planSummary(servers: number): Run {
  const out = path.join(dir, `summary-${servers}.md`);
  const r = cliRun(`${servers} servers`, ["--out", out], { ...env, PLAN_SUMMARY_SCALE_SERVERS: String(servers) }, 900_000);
  const md = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  // For the record (issue notes): PLAN_SUMMARY_SCALE_KEEP=DIR keeps a copy of each summary there.
  if (process.env.PLAN_SUMMARY_SCALE_KEEP) fs.copyFileSync(out, path.join(process.env.PLAN_SUMMARY_SCALE_KEEP, `summary-${servers}.md`));
  outputs[`${servers} servers summary`] = md;
  console.log(`plan-summary-scale: ${servers} servers: exit ${r.status}, ${(r.ms / 1000).toFixed(1)} s in all (synth, init, validate, plan, quota), summary ${thousands(md.length)} characters`);
  return { ...r, md };
}

/** The addresses shown in the "To add" part of the summary and the sum of its cut lines. */
function addList(md: string): { addresses: string[]; leftOut: number } {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith("**To add ("));
  const addresses: string[] = [];
  let leftOut = 0;
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith("- ")) break;
    const a = /^- `([^`]+)`$/.exec(l);
    if (a) addresses.push(a[1]);
    const cut = /^- … ([\d,]+) more `[\w]+` to add left out \(comment size limit\); the full list is in /.exec(l);
    if (cut) leftOut += Number(cut[1].replace(/,/g, ""));
  }
  return { addresses, leftOut };
}

function expectReadable(run: Run, servers: number): void {
  expect(run.stdout).toBe("");
  // Over quota is a right answer at this size; anything else failing is not.
  const failing = run.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: "));
  if (run.status === 1) {
    expect(failing.length).toBeGreaterThan(0);
    for (const l of failing) expect(l).toMatch(/^egi-cdktf: over quota at project /);
    console.log(`plan-summary-scale: ${servers} servers over quota: ${failing.map((l) => l.replace(/^.*?: (\S[^:]*): the plans add (\d+) .* has (\d+) left.*$/, "$1 (adds $2, $3 left)")).join("; ")}`);
  } else {
    expect({ status: run.status, failing }).toEqual({ status: 0, failing: [] });
  }
  expect(run.md.length).toBeGreaterThan(1000);
  expect(run.md.length).toBeLessThanOrEqual(GITHUB);
  expect(run.md).toMatch(/^<!-- egi-cdktf:plan-summary app=\S+ -->\n## egi-cdktf plan summary\n/);
  // The totals, as terraform counted them: 7 resources and 3 outputs per server.
  expect(run.md).toContain(`| \`fleet\` | ${thousands(7 * servers)} | 0 | 0 | 0 | ${thousands(3 * servers)} |`);
  // The quota table, in full.
  expect(run.md).toContain(`#### project ${project.name} (${project.id}) at ${identity.keystone.authUrl}, region ${siteJson.region}`);
  for (const [label, adds] of [["instances", servers], ["volumes", servers], ["volume GB", servers], ["floating IPs", servers], ["security groups", servers], ["security group rules", 3 * servers]] as const) {
    expect(run.md).toMatch(new RegExp(`^\\| ${label} \\| ${adds} \\| \\d+ \\| \\d+ \\| \\d+ \\| (ok|:x: \\*\\*over by \\d+\\*\\*) \\|$`, "m"));
  }
  // <details> balanced, a blank line after each </summary>; no line past ~1000 characters but the fingerprint's.
  const lines = run.md.split("\n");
  expect(lines.filter((l) => l.includes("<details>")).length).toBe(lines.filter((l) => l.includes("</details>")).length);
  lines.forEach((l, i) => l.includes("</summary>") && expect(lines[i + 1]).toBe(""));
  const withoutFingerprint = run.md.replace(/<!-- egi-cdktf:reviewed[\s\S]*?-->/, "");
  expect(Math.max(...withoutFingerprint.split("\n").map((l) => l.length))).toBeLessThanOrEqual(1000);
  // Servers in natural order: worker2 before worker10.
  const numbers = addList(run.md)
    .addresses.map((a) => /^openstack_compute_instance_v2\.worker(\d+)_server_\w+$/.exec(a)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  expect(numbers.length).toBeGreaterThan(0);
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
}

beforeAll(async () => {
  env = await planSummaryEnv(identity, project.id, prefix);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(planTmp, { recursive: true, force: true });
  if (env?.HOME) fs.rmSync(env.HOME, { recursive: true, force: true });
});

test("GIVEN 20 servers WHEN plan-summary --out runs THEN the whole summary fits a GitHub comment: totals, quota, every address in natural order, nothing cut", () => {
  const run = planSummary(20);

  expectReadable(run, 20);
  expect(run.md).not.toContain("left out");
  const { addresses } = addList(run.md);
  expect(addresses).toHaveLength(7 * 20);
  for (let i = 1; i <= 20; i++) expect(addresses).toContainEqual(expect.stringMatching(new RegExp(`^openstack_compute_instance_v2\\.worker${i}_server_\\w+$`)));
}, 900_000);

test("GIVEN 200 servers WHEN plan-summary --out runs THEN the summary is cut to a GitHub comment, and its cut lines count exactly the addresses not shown", () => {
  const run = planSummary(200);

  expectReadable(run, 200);
  const { addresses, leftOut } = addList(run.md);
  expect(new Set(addresses).size).toBe(addresses.length);
  expect(addresses.length).toBeGreaterThan(0);
  expect(leftOut).toBe(7 * 200 - addresses.length);
  expect(run.md).toMatch(/^- … [\d,]+ more outputs that change left out \(comment size limit\); the full list is in the output of `egi-cdktf plan-summary --max-chars 0`$/m);
}, 900_000);

test("GIVEN the runs above WHEN the project, the temp folder, every output and summary are scanned THEN no token or secret is anywhere, no plan file is left and no server was created", async () => {
  const keystoneToken = cli(["token"], env).stdout.trim();

  const report = scanForSecrets([dir, planTmp], { keystoneToken, refreshToken: env.CHECKIN_REFRESH_TOKEN, clientSecret: env.CHECKIN_CLIENT_SECRET }, { allowed: [env.HOME], outputs });

  expect(Object.keys(outputs)).toHaveLength(6);
  expect(report.leaks).toEqual([]);
  expect(fs.readdirSync(planTmp)).toEqual([]);
  const servers = (await api(await adminToken(), `${site.endpoints.compute}/servers?all_tenants=1&project_id=${project.id}`)).servers as Array<{ name: string }>;
  expect(servers.filter((s) => s.name.startsWith(prefix))).toEqual([]);
});
