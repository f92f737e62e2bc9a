/**
 * `egi-cdktf plan-summary --changed-since REF` against the local site, as CI runs it on a pull
 * request: a git repository holding a cdktf project whose app makes three stacks (alpha, beta,
 * gamma), each one server on the site, from the committed servers.json; a second commit changes
 * beta's flavor. With a Check-in credential, so the base's synth runs the real hook too (its
 * clouds.yaml links are not configuration; its credential files in the token cache must go).
 * Nothing is created on the site: plan-summary only plans.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cdktfProject } from "../support/cdktf-project";
import { cloudSite } from "../support/cloud-site";
import { cli, identitySite, REPO } from "../support/identity-site";
import { planSummaryCli, planSummaryEnv } from "../support/plan-summary-cli";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const identity = identitySite();
const site = cloudSite();
const project = identity.keystone.projects[1];
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "plan-summary-changed-app.js"));
const prefix = `plan-summary-changed-${process.pid}`;
/** plan-summary's TMPDIR: where its saved plans and the base's worktree go (and must be gone from). */
const planTmp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-changed-tmp-"));
const STACKS = ["alpha", "beta", "gamma"];

let env: Record<string, string>;
const outputs: Record<string, string> = {};
/** Each run's wall time, for the comparison printed at the end. */
const times: Record<string, number> = {};

function git(...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.email=test@example.org", "-c", "user.name=test", ...args], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const cliRun = planSummaryCli({ dir, tmp: planTmp, outputs });
function planSummary(label: string, args: string[]) {
  const r = cliRun(label, args, env);
  times[label] = r.ms;
  return r;
}

const report = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
const initialized = () => STACKS.filter((s) => fs.existsSync(path.join(dir, "cdktf.out", "stacks", s, ".terraform")));

beforeAll(async () => {
  env = await planSummaryEnv(identity, project.id, prefix);
  const servers = (beta: string) => JSON.stringify({ alpha: { flavor: "m1.small" }, beta: { flavor: beta }, gamma: { flavor: "m1.small" } }, null, 2);
  fs.writeFileSync(path.join(dir, ".gitignore"), "cdktf.out/\n*.tfstate\n*.json.tmp*\nsummary*.json\n");
  fs.writeFileSync(path.join(dir, "servers.json"), servers("m1.small"));
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "three servers");
  fs.writeFileSync(path.join(dir, "servers.json"), servers("m1.medium"));
  git("commit", "-q", "-am", "beta: a larger flavor");
});

afterAll(() => {
  const baseSynth = Object.values(outputs).flatMap((text) => [...text.matchAll(/base synthesized in (\d+\.\d s)/g)].map((m) => m[1]));
  console.log(`plan-summary-changed timings: ${Object.entries(times).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(", ")}; the base's synth: ${baseSynth.join(", ")}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(planTmp, { recursive: true, force: true });
});

test("GIVEN no change since HEAD WHEN plan-summary --changed-since HEAD runs THEN all three stacks are unchanged and terraform initializes none", () => {
  const head = git("rev-parse", "HEAD");

  const r = planSummary("nothing changed", ["--changed-since", "HEAD", "--json", "--out", "summary-none.json"]);

  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: "" });
  expect(r.stderr.split("\n").filter(Boolean)).toEqual([
    expect.stringMatching(new RegExp(`^plan-summary: --changed-since HEAD \\(${head.slice(0, 12)}\\): base synthesized in \\d+\\.\\d s; unchanged: alpha, beta, gamma$`)),
  ]);
  const json = report("summary-none.json");
  expect(json.changedSince).toEqual({ ref: "HEAD", base: head, unchanged: STACKS, added: [], removed: [] });
  expect(json.stacks.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(["alpha:unchanged", "beta:unchanged", "gamma:unchanged"]);
  expect(json.ok).toBe(true);
  expect(initialized()).toEqual([]);
});

test("GIVEN a commit changing beta's flavor WHEN plan-summary --changed-since HEAD~1 runs THEN exactly beta is planned (its server, with the new flavor), alpha and gamma unchanged", () => {
  const base = git("rev-parse", "HEAD~1");

  const r = planSummary("beta changed", ["--changed-since", "HEAD~1", "--json", "--out", "summary-changed.json"]);

  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: "" });
  expect(r.stderr.split("\n").filter(Boolean)).toEqual([
    expect.stringMatching(new RegExp(`^plan-summary: --changed-since HEAD~1 \\(${base.slice(0, 12)}\\): base synthesized in \\d+\\.\\d s; changed: beta; unchanged: alpha, gamma$`)),
    expect.stringMatching(/^plan-summary: beta: 1 to add, 0 to change, 0 to replace, 0 to destroy \(\d+\.\d s\)$/),
  ]);
  const json = report("summary-changed.json");
  expect(json.changedSince).toEqual({ ref: "HEAD~1", base, unchanged: ["alpha", "gamma"], added: [], removed: [] });
  expect(json.stacks.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(["alpha:unchanged", "beta:planned", "gamma:unchanged"]);
  expect(JSON.stringify(json.stacks[1].changes)).toMatch(/openstack_compute_instance_v2\.vm_server_\w+/);
  // the quota check counts beta's server only, at the new flavor's size (the site's flavor list, read here from site.json)
  const medium = (site as unknown as { flavors: Record<string, { vcpus: number; ram: number }> }).flavors["m1.medium"];
  const rows = Object.fromEntries(json.quota[0].rows.map((row: { resource: string; adds: number }) => [row.resource, row.adds]));
  expect(json.quota.map((q: { stacks: string[] }) => q.stacks)).toEqual([["beta"]]);
  expect({ instances: rows.instances, cores: rows.cores, ram: rows.ram }).toEqual({ instances: 1, cores: medium.vcpus, ram: medium.ram });
  expect(initialized()).toEqual(["beta"]);
});

test("GIVEN the same repository WHEN plan-summary runs without --changed-since THEN all three are planned (the time to compare with)", () => {
  // from cold, as in CI: no stack folder initialized yet
  for (const s of STACKS) fs.rmSync(path.join(dir, "cdktf.out", "stacks", s, ".terraform"), { recursive: true, force: true });
  const r = planSummary("all planned", ["--json", "--out", "summary-all.json"]);

  expect(r.status).toBe(0);
  expect(report("summary-all.json").stacks.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(["alpha:planned", "beta:planned", "gamma:planned"]);
  expect(times["all planned"]).toBeGreaterThan(times["nothing changed"]);
});

test("GIVEN the runs above WHEN the repository, the temp folder, the token cache and every output are looked at THEN no worktree, temp folder or base credential is left and no secret is anywhere", () => {
  const keystoneToken = cli(["token"], env).stdout.trim();
  const clouds = path.join(env.XDG_CACHE_HOME, "egi-cdktf", "clouds");

  const scan = scanForSecrets([dir, planTmp], { keystoneToken, refreshToken: env.CHECKIN_REFRESH_TOKEN, clientSecret: env.CHECKIN_CLIENT_SECRET }, { allowed: [env.HOME], outputs });

  expect(git("worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree "))).toEqual([`worktree ${fs.realpathSync(dir)}`]);
  expect(fs.readdirSync(planTmp).filter((n) => n.startsWith("egi-cdktf-"))).toEqual([]);
  // one credential file per stack folder of the head; the base's (in the removed worktree) are gone
  expect(fs.readdirSync(clouds)).toHaveLength(STACKS.length);
  expect(filesBelow(dir).filter((f) => /\.tfplan$|[/]plan$/.test(f))).toEqual([]);
  expect(Object.keys(outputs)).toHaveLength(6);
  expect(scan.files).toBeGreaterThan(5);
  expect(scan.leaks).toEqual([]);
});
