/**
 * The GitHub Actions recipe (examples/ci/github-actions.yml) run as its jobs run, against the local
 * site: the pull-request job's commands, then the main-branch job's, in their order, with the
 * recipe's own env block, a Check-in service account (client credentials, as CI secrets give them)
 * and the team state in the site's PostgreSQL. (The GitLab recipe runs the same two commands; the
 * unit test checks that.)
 *
 * Not run here, each for a named reason: `npm ci` (the app's own install; this test's app is
 * prebuilt), `gh pr comment` (needs GitHub). One flag is added: `--skip-provider-lock` on
 * `cdktf deploy`, because this machine's provider comes from an offline mirror, and without a lock
 * file cdktf asks the registry for other platforms' hashes.
 *
 * In token mode (the recipe's default) each job's last step, `egi-cdktf end-app-credentials`, has
 * nothing to end; app-credential-cleanup.site.test.ts runs the same job in application-credential mode.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { githubJobs } from "../examples/ci-recipes";
import { adminToken, cloudSite, serversNamed } from "../support/cloud-site";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { identitySite, REPO, userEnv } from "../support/identity-site";
import { scanForSecrets } from "../support/secret-scan";
import { pgSite } from "../support/state-db";
import { terraformEnv } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const STACK = "ci-recipe";
const NOT_RUN: ReadonlyArray<[RegExp, string]> = [
  [/^npm ci$/, "the app's own install"],
  [/^gh pr comment /, "needs GitHub"],
];
const pg = pgSite();

const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "team-state-app.js"));
const jobs = githubJobs();
/** The CI job's environment: the recipe's env block, with the secrets and variables filled in. */
const env: Record<string, string> = {
  ...userEnv(identity, identity.clients.service),
  ...Object.fromEntries(Object.entries(jobs[0].env).filter(([, v]) => !String(v).includes("${{"))),
  PG_CONN_STR: pg.connStr,
  TEAM_STATE_STACK: STACK,
  IMAGE_ID: site.appdb.newer,
  FLAVOR_ID: site.flavorIds["m1.small"],
  PAUSE_SECONDS: "0",
};
const outputs: Record<string, string> = {};

/** Run one recipe line as a CI shell would, with `npx X` running this repo's X. */
function runLine(job: string, line: string): { status: number | null; output: string } {
  const offline = line.startsWith("npx cdktf deploy") ? `${line} --skip-provider-lock` : line;
  const tf = terraformEnv();
  const r = spawnSync("bash", ["-c", `set -eo pipefail\nnpx() { if [ "$1" = --no ]; then shift; fi; "$@"; }\n${offline}`], {
    cwd: dir,
    env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: [path.join(REPO, "bin"), path.join(REPO, "node_modules", ".bin"), tf.PATH].join(path.delimiter) },
    encoding: "utf8",
    timeout: 600_000,
  });
  outputs[`${job}: ${line}`] = `${r.stdout}${r.stderr}`;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Run a job's commands in order (each must succeed), skipping NOT_RUN; returns the commands run. */
function runJob(name: string): string[] {
  const ran: string[] = [];
  for (const line of jobs.find((j) => j.name === name)!.commands) {
    if (NOT_RUN.some(([re]) => re.test(line))) continue;
    const r = runLine(name, line);
    expect([line, r.status, r.status === 0 ? "" : r.output.slice(-2000)]).toEqual([line, 0, ""]);
    ran.push(line);
  }
  return ran;
}

afterAll(async () => {
  runCdktf(dir, ["destroy", STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);
  const admin = await adminToken();
  expect((await Promise.all(["vm1", "vm2"].map((id) => serversNamed(admin, site, `${STACK}-${id}`)))).flat()).toEqual([]);
}, 600_000);

describe("the GitHub Actions recipe, job after job", () => {
  test("GIVEN the pull-request job WHEN its commands run in order THEN plan-summary writes the comment: the stack's 2 servers to add and the quota table", () => {
    expect(runJob("plan")).toEqual(["npx egi-cdktf plan-summary --out plan-summary.md", "npx --no egi-cdktf end-app-credentials"]);
    expect(outputs["plan: npx --no egi-cdktf end-app-credentials"]).toMatch(/^no application credential to end: /);
    const summary = fs.readFileSync(path.join(dir, "plan-summary.md"), "utf8");
    expect(summary).toMatch(/2 × openstack_compute_instance_v2/);
    expect(summary).toMatch(/\| instances \| 2 \| \d+ \| \d+ \| \d+ \| ok \|/);
  });

  test("GIVEN the merged PR WHEN the main-branch job's commands run in order THEN the stack is deployed with its state in PostgreSQL", async () => {
    expect(runJob("deploy")).toEqual(["npx cdktf deploy '*' --auto-approve", "npx --no egi-cdktf end-app-credentials"]);
    const admin = await adminToken();
    for (const id of ["vm1", "vm2"]) expect((await serversNamed(admin, site, `${STACK}-${id}`)).map((s) => s.status)).toEqual(["ACTIVE"]);
    expect(fs.existsSync(path.join(dir, `terraform.${STACK}.tfstate`))).toBe(false); // the state is in PostgreSQL
  });

  test("GIVEN both jobs WHEN every file of the project and home and every output are scanned THEN no secret is anywhere", () => {
    const report = scanForSecrets([dir, env.HOME], { "service account secret": env.CHECKIN_CLIENT_SECRET, "PostgreSQL password": pg.connStr.replace(/^.*:\/\/[^:]+:([^@]+)@.*$/, "$1") }, {
      allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")],
      outputs,
    });
    expect(report.leaks).toEqual([]);
    expect(report.files).toBeGreaterThan(5);
  });
});
