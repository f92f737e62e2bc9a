/**
 * The GitHub Actions recipe (examples/ci/github-actions.yml) run as its jobs run, against the local
 * site: the pull-request job's commands, then the main-branch job's, then the scheduled drift job's,
 * in their order, with the recipe's own env block, a Check-in service account (client credentials,
 * as CI secrets give them) and the team state in the site's PostgreSQL. The project is a git
 * repository whose `origin/main` (GITHUB_BASE_REF) has the app without the stack, as before a pull
 * request that adds it: `--changed-since` plans it. (The GitLab recipe runs the same commands; the
 * unit test checks that.)
 *
 * Not run here, each for a named reason: `npm ci` (the app's own install; this test's app is
 * prebuilt), `egi-cdktf pr-comment`, `reviewed-summary` and `drift-issue` (they need GitHub's API;
 * their own tests cover them). In their place, a stand-in for reviewed-summary: the comment the PR
 * job would have posted is its plan-summary.md, copied to reviewed.md. One flag is added:
 * `--skip-provider-lock` on `cdktf deploy`, because this machine's provider comes from an offline
 * mirror, and without a lock file cdktf asks the registry for other platforms' hashes.
 *
 * In token mode (the recipe's default) each job's last step, `egi-cdktf end-app-credentials`, has
 * nothing to end; app-credential-cleanup.site.test.ts runs the same job in application-credential mode.
 * The secret scans run with GITHUB_ACTIONS unset; a last test sets it, as GitHub does, and checks that
 * the tokens derived show up only in `::add-mask::` lines, on the streams the runner reads them from.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
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
  [/^npx egi-cdktf (pr-comment|reviewed-summary|drift-issue) /, "needs GitHub's API"],
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
  // what GitHub sets in a pull request's job
  GITHUB_BASE_REF: "main",
  GITHUB_STEP_SUMMARY: path.join(dir, "step-summary.md"),
};
const temps: string[] = [];

/** The project as a git repository: origin/main has the app without the stack, HEAD (the PR) adds it. */
function gitRepository(): void {
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=ci-recipes test", "-c", "user.email=ci@example.org", ...args], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  const appConfig = fs.readFileSync(path.join(dir, "cdktf.json"), "utf8");
  fs.writeFileSync(path.join(dir, "empty-app.js"), `const { App } = require(${JSON.stringify(path.join(REPO, "node_modules", "cdktf"))});\nnew App().synth();\n`);
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node empty-app.js", sendCrashReports: "false" }));
  git("init", "-q", "-b", "main");
  git("add", "cdktf.json", "empty-app.js");
  git("commit", "-q", "-m", "the app before the pull request");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  fs.writeFileSync(path.join(dir, "cdktf.json"), appConfig);
  git("rm", "-q", "empty-app.js");
  git("add", "cdktf.json");
  git("commit", "-q", "-m", "the pull request: the stack");
}
gitRepository();
const outputs: Record<string, string> = {};

/** Run one recipe line as a CI shell would, with `npx X` running this repo's X. */
interface LineRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/** Run one recipe line as a CI shell would, with `npx X` running this repo's X; `extra` is added to the job's env. */
function runLine(job: string, line: string, extra: Record<string, string> = {}): LineRun {
  const offline = line.startsWith("npx cdktf deploy") ? `${line} --skip-provider-lock` : line;
  const tf = terraformEnv();
  const r = spawnSync("bash", ["-c", `set -eo pipefail\nnpx() { if [ "$1" = --no ]; then shift; fi; "$@"; }\n${offline}`], {
    cwd: dir,
    env: { ...env, ...extra, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: [path.join(REPO, "bin"), path.join(REPO, "node_modules", ".bin"), tf.PATH].join(path.delimiter) },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (!extra.GITHUB_ACTIONS) outputs[`${job}: ${line}`] = `${r.stdout}${r.stderr}`;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

/** Run a job's commands in order (each must succeed), skipping NOT_RUN; returns what each command run gave. */
function runJob(name: string, extra: Record<string, string> = {}): Map<string, LineRun> {
  const ran = new Map<string, LineRun>();
  for (const line of jobs.find((j) => j.name === name)!.commands) {
    if (NOT_RUN.some(([re]) => re.test(line))) continue;
    if (line.startsWith("npx egi-cdktf plan-summary --reviewed")) {
      // stand-in for reviewed-summary: the comment the pull request job posted
      fs.copyFileSync(path.join(dir, "plan-summary.md"), path.join(dir, "reviewed.md"));
    }
    const r = runLine(name, line, extra);
    expect([line, r.status, r.status === 0 ? "" : r.output.slice(-2000)]).toEqual([line, 0, ""]);
    ran.set(line, r);
  }
  return ran;
}

afterAll(async () => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  runCdktf(dir, ["destroy", STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);
  const admin = await adminToken();
  expect((await Promise.all(["vm1", "vm2"].map((id) => serversNamed(admin, site, `${STACK}-${id}`)))).flat()).toEqual([]);
}, 600_000);

describe("the GitHub Actions recipe, job after job", () => {
  test("GIVEN the pull-request job WHEN its commands run in order THEN plan-summary writes the comment, the full summary and the step summary: the stack's 2 servers to add and the quota table, with --changed-since as without", () => {
    const ran = runJob("plan");
    expect([...ran.keys()]).toEqual([
      'npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary --changed-since "origin/$GITHUB_BASE_REF"',
      "npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary",
      "npx --no egi-cdktf end-app-credentials",
    ]);
    expect(ran.get("npx --no egi-cdktf end-app-credentials")!.output).toMatch(/^no application credential to end: /);
    for (const file of ["plan-summary.md", "plan-summary-full.md"]) {
      const summary = fs.readFileSync(path.join(dir, file), "utf8");
      expect([file, summary]).toEqual([file, expect.stringMatching(/2 × openstack_compute_instance_v2/)]);
      expect([file, summary]).toEqual([file, expect.stringMatching(/\| instances \| 2 \| \d+ \| \d+ \| \d+ \| ok \|/)]);
    }
    // the two plan-summary runs each appended their summary
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY, "utf8").match(/2 × openstack_compute_instance_v2/g)).toHaveLength(2);
  });

  test("GIVEN the merged PR WHEN the main-branch job's commands run in order THEN the reviewed plan is checked, then the stack is deployed with its state in PostgreSQL", async () => {
    const ran = runJob("deploy");
    expect([...ran.keys()]).toEqual(["npx egi-cdktf plan-summary --reviewed reviewed.md --out check.md --step-summary", "npx cdktf deploy '*' --auto-approve", "npx --no egi-cdktf end-app-credentials"]);
    const admin = await adminToken();
    for (const id of ["vm1", "vm2"]) expect((await serversNamed(admin, site, `${STACK}-${id}`)).map((s) => s.status)).toEqual(["ACTIVE"]);
    expect(fs.existsSync(path.join(dir, `terraform.${STACK}.tfstate`))).toBe(false); // the state is in PostgreSQL
  });

  test("GIVEN the deployed stack WHEN the drift job's commands run in order THEN the step passes and drift.md is written", () => {
    const ran = runJob("drift");
    expect([...ran.keys()]).toEqual(["npx egi-cdktf plan-summary --drift --out drift.md --step-summary || test $? -eq 2 -a -s drift.md", "npx --no egi-cdktf end-app-credentials"]);
    expect(fs.statSync(path.join(dir, "drift.md")).size).toBeGreaterThan(0);
  });

  test("GIVEN the jobs WHEN every file of the project and home and every output are scanned THEN no secret is anywhere", () => {
    const report = scanForSecrets([dir, env.HOME], { "service account secret": env.CHECKIN_CLIENT_SECRET, "PostgreSQL password": pg.connStr.replace(/^.*:\/\/[^:]+:([^@]+)@.*$/, "$1") }, {
      allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")],
      outputs,
    });
    expect(report.leaks).toEqual([]);
    expect(report.files).toBeGreaterThan(5);
  });

  test("GIVEN GITHUB_ACTIONS=true and an empty token cache WHEN the drift job, then the deploy command, run THEN each token derived shows only in ::add-mask:: lines, at the start of a line, on the stream the runner reads it from", () => {
    const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), `egi-ci-mask-${process.pid}-`));
    temps.push(cacheHome);
    // as GitHub sets them in every step (with CI unset, cdktf's terminal UI writes cursor codes before the line)
    const gha = { GITHUB_ACTIONS: "true", CI: "true", XDG_CACHE_HOME: cacheHome };
    const drift = runJob("drift", gha);
    const deploy = runLine("deploy", "npx cdktf deploy '*' --auto-approve", gha);
    expect([deploy.status, deploy.status === 0 ? "" : deploy.output.slice(-2000)]).toEqual([0, ""]);

    // the tokens this run derived: the fresh cache's Check-in access token and Keystone token
    const cached = (kind: string) => fs.readdirSync(path.join(cacheHome, "egi-cdktf", kind)).map((f) => JSON.parse(fs.readFileSync(path.join(cacheHome, "egi-cdktf", kind, f), "utf8")));
    const tokens = { "Check-in access token": cached("identity")[0].accessToken as string, "Keystone token": cached("keystone")[0].token as string };
    expect(Object.values(tokens).map((t) => typeof t === "string" && t.length > 16)).toEqual([true, true]);

    const runs = {
      // plan-summary passes its app's mask lines on to its stderr (its stdout may be the summary)
      "drift: plan-summary": drift.get("npx egi-cdktf plan-summary --drift --out drift.md --step-summary || test $? -eq 2 -a -s drift.md")!,
      // cdktf passes its app's stdout on as is (its stderr only with a logger's prefix)
      "deploy: cdktf deploy": deploy,
    };
    for (const [run, r] of Object.entries(runs)) {
      for (const [what, token] of Object.entries(tokens)) {
        for (const [stream, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr })) {
          const lines = text.split("\n").filter((l) => l.includes(token));
          expect([run, what, stream, lines.filter((l) => l.trimStart() !== `::add-mask::${token}`)]).toEqual([run, what, stream, []]);
        }
        const masks = (run.startsWith("deploy") ? r.stdout : r.stderr).split("\n").filter((l) => l.trimStart() === `::add-mask::${token}`);
        expect([run, what, masks.length > 0]).toEqual([run, what, true]);
      }
    }
  });
});
