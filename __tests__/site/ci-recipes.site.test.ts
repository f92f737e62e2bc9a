/**
 * The GitHub Actions recipe (examples/ci/github-actions.yml) run as its jobs run, against the local
 * site and a stand-in for GitHub's REST API (forge-stand-in.ts: no real GitHub can run here): the
 * pull-request job, twice (the pull request opened, then labelled full-plan), then the main-branch
 * job after the merge, then the scheduled drift job, each running the steps GitHub would run for its
 * event (recipe-forge.ts decides the steps' `if:`), with the recipe's own env block, a Check-in
 * service account (client credentials, as CI secrets give them), the team state in the site's
 * PostgreSQL and the variables GitHub sets (the event file, GITHUB_SHA, the API's URL; the forge
 * steps' GITHUB_TOKEN). The project is a git repository whose `origin/main` (GITHUB_BASE_REF) has
 * the app without the stack, as before a pull request that adds it: `--changed-since` plans it. The
 * merge is a real merge commit, which the stand-in records as the pull request's. (The GitLab recipe
 * runs the same commands; the unit test checks that.)
 *
 * So the chain the recipe promises is run end to end: the sticky comment pr-comment posts, then
 * updates; reviewed-summary fetching that comment on main; plan-summary --reviewed holding the
 * deploy to it; drift-issue reading the drift report.
 *
 * Not run here: `npm ci` (the app's own install; this test's app is prebuilt). One flag is added:
 * `--skip-provider-lock` on `cdktf deploy`, because this machine's provider comes from an offline
 * mirror, and without a lock file cdktf asks the registry for other platforms' hashes.
 *
 * In token mode (the recipe's default) each job's last step, `egi-cdktf end-app-credentials`, has
 * nothing to end; app-credential-cleanup.site.test.ts runs the same job in application-credential mode.
 * The secret scans run with GITHUB_ACTIONS unset but in the forge steps (which need it, and derive no
 * token); a last test sets it everywhere, as GitHub does, and checks that the tokens derived show up
 * only in `::add-mask::` lines, on the streams the runner reads them from.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { githubJobs } from "../examples/ci-recipes";
import { adminToken, cloudSite, serversNamed } from "../support/cloud-site";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { ForgeStandIn, GITHUB_BOT, GITHUB_BOT_TOKEN, PERSON, type StandInIssue } from "../support/forge-stand-in";
import { identitySite, REPO, userEnv } from "../support/identity-site";
import { FORGE_STEP, type GithubEvent, githubStepEnv, pullRequestEvent, pushEvent, scheduleEvent, stepRuns, writeEventFile } from "../support/recipe-forge";
import { scanForSecrets } from "../support/secret-scan";
import { pgSite } from "../support/state-db";
import { terraformEnv } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const STACK = "ci-recipe";
const NOT_RUN: ReadonlyArray<[RegExp, string]> = [[/^npm ci$/, "the app's own install"]];
const pg = pgSite();
/** The pull request's number on the stand-in GitHub. */
const PR = 7;
const PLAN_CHANGED = 'npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary --changed-since "origin/$GITHUB_BASE_REF"';
const PLAN_FULL = "npx egi-cdktf plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary";
const PLAN_DRIFT = "npx egi-cdktf plan-summary --drift --out drift.md --step-summary || test $? -eq 2 -a -s drift.md";
const END = "npx --no egi-cdktf end-app-credentials";
/** The marker plan-summary writes first, written out here: the project is its git top, so its app is ".". */
const MARKER = "<!-- egi-cdktf:plan-summary app=. -->";

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

function git(...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=ci-recipes test", "-c", "user.email=ci@example.org", ...args], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The project as a git repository: origin/main has the app without the stack, HEAD (the PR) adds it. */
function gitRepository(): void {
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
/** The pull request's head commit. */
const prHead = git("rev-parse", "HEAD");
const outputs: Record<string, string> = {};

let standIn: ForgeStandIn;
let pull: StandInIssue;
let events: string;

beforeAll(async () => {
  standIn = await ForgeStandIn.start();
  // the workflow's GITHUB_TOKEN: it writes as github-actions[bot], and GET /user answers it 403
  standIn.addToken(GITHUB_BOT_TOKEN, { user: GITHUB_BOT, integration: true });
  pull = standIn.addIssue(standIn.github, PR, PERSON, { title: "Add the stack", pull: { commits: [prHead] } });
  events = fs.mkdtempSync(path.join(os.tmpdir(), `egi-ci-events-${process.pid}-`));
  temps.push(events);
});

/** What one recipe line run gave. */
interface LineRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/**
 * Run one recipe line as a CI shell would, with `npx X` running this repo's X; `extra` is added to
 * the job's env. Asynchronous: the stand-in answers from this process's event loop. Its output goes
 * to the secret scan unless `scanned` is false.
 */
function runLine(job: string, line: string, extra: Record<string, string>, scanned: boolean): Promise<LineRun> {
  const offline = line.startsWith("npx cdktf deploy") ? `${line} --skip-provider-lock` : line;
  const tf = terraformEnv();
  const child = spawn("bash", ["-c", `set -eo pipefail\nnpx() { if [ "$1" = --no ]; then shift; fi; "$@"; }\n${offline}`], {
    cwd: dir,
    env: { ...env, ...extra, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: [path.join(REPO, "bin"), path.join(REPO, "node_modules", ".bin"), tf.PATH].join(path.delimiter) },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 600_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => {
    const done = (status: number | null, err = "") => {
      const key = `${job}: ${line}`;
      if (scanned) outputs[key] = `${outputs[key] ?? ""}${stdout}${stderr}`;
      resolve({ status, stdout, stderr: stderr + err, output: `${stdout}${stderr}${err}` });
    };
    child.on("error", (err) => done(null, String(err)));
    child.on("close", (status) => done(status));
  });
}

/**
 * Run a job's steps for `event` in order (each must succeed): those GitHub would run for it, but
 * NOT_RUN; `extra` is added to every step's env. Returns what each command run gave.
 */
async function runJob(name: string, event: GithubEvent, extra: Record<string, string> = {}): Promise<Map<string, LineRun>> {
  const job = jobs.find((j) => j.name === name)!;
  const eventFile = writeEventFile(events, event);
  const ran = new Map<string, LineRun>();
  for (const [i, line] of job.commands.entries()) {
    if (NOT_RUN.some(([re]) => re.test(line))) continue;
    // the install is npm ci, not run: the app is prebuilt, as if it had succeeded
    if (!stepRuns(job.conditions[i], { event, cwd: dir, outcomes: { install: "success" } })) continue;
    const r = await runLine(name, line, { ...githubStepEnv(standIn, event, eventFile, FORGE_STEP.test(line)), ...extra }, !extra.GITHUB_ACTIONS);
    expect([line, r.status, r.status === 0 ? "" : r.output.slice(-2000)]).toEqual([line, 0, ""]);
    ran.set(line, r);
  }
  return ran;
}

const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
/** The stand-in's requests as `METHOD path`. */
const requests = () => standIn.requests.map((r) => `${r.method} ${r.path}`);
const COMMENTS = `/api/v3/repos/egi-demo/infra/issues/${PR}/comments`;

/** Both summaries of a plan-summary run: the stack's 2 servers to add and the quota table. */
function expectStackPlanned(): void {
  for (const file of ["plan-summary.md", "plan-summary-full.md"]) {
    const summary = read(file);
    expect([file, summary]).toEqual([file, expect.stringMatching(/2 × openstack_compute_instance_v2/)]);
    expect([file, summary]).toEqual([file, expect.stringMatching(/\| instances \| 2 \| \d+ \| \d+ \| \d+ \| ok \|/)]);
  }
}

afterAll(async () => standIn?.close());

afterAll(async () => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  runCdktf(dir, ["destroy", STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);
  const admin = await adminToken();
  expect((await Promise.all(["vm1", "vm2"].map((id) => serversNamed(admin, site, `${STACK}-${id}`)))).flat()).toEqual([]);
}, 600_000);

describe("the GitHub Actions recipe, job after job, with a stand-in GitHub", () => {
  test("GIVEN a pull request opened on the stand-in WHEN the pull-request job's steps run THEN plan-summary --changed-since plans the stack (2 servers to add, the quota table) and pr-comment posts the summary as the PR's one comment, marker first", async () => {
    const ran = await runJob("plan", pullRequestEvent(PR, prHead, "opened", []));
    expect([...ran.keys()]).toEqual([PLAN_CHANGED, "npx egi-cdktf pr-comment plan-summary.md", END]);
    expect(ran.get(END)!.output).toMatch(/^no application credential to end: /);
    expectStackPlanned();

    expect(pull.comments.map((c) => [c.author.login, c.body])).toEqual([["github-actions[bot]", read("plan-summary.md")]]);
    expect(pull.comments[0].body.split("\n")[0]).toBe(MARKER);
    expect(ran.get("npx egi-cdktf pr-comment plan-summary.md")!.stdout).toBe(`https://github.example/egi-demo/infra/pull/${PR}#issuecomment-${pull.comments[0].id}\n`);
  });

  test("GIVEN the label full-plan added on the stand-in WHEN the pull-request job runs again THEN plan-summary plans every stack and pr-comment updates the same comment: one comment, its body the new summary, marker first", async () => {
    const first = pull.comments[0];
    const before = first.body;
    pull.labels.push("full-plan");

    const ran = await runJob("plan", pullRequestEvent(PR, prHead, "labeled", ["full-plan"], "full-plan"));

    expect([...ran.keys()]).toEqual([PLAN_FULL, "npx egi-cdktf pr-comment plan-summary.md", END]);
    expectStackPlanned();
    const summary = read("plan-summary.md");
    expect(summary).not.toBe(before); // without --changed-since the summary says nothing of origin/main
    expect(pull.comments.map((c) => [c.id, c.body])).toEqual([[first.id, summary]]);
    expect(summary.split("\n")[0]).toBe(MARKER);
    expect(requests().filter((r) => r.startsWith("POST ") || r.startsWith("PATCH "))).toEqual([`POST ${COMMENTS}`, `PATCH /api/v3/repos/egi-demo/infra/issues/comments/${first.id}`]);
    // each plan-summary run, --changed-since and not, appended its summary
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY, "utf8").match(/2 × openstack_compute_instance_v2/g)).toHaveLength(2);
  });

  test("GIVEN the PR merged on the stand-in as a merge commit WHEN the main-branch job's steps run THEN reviewed-summary writes exactly the PR's comment, the reviewed plan check passes, then the stack is deployed with its state in PostgreSQL", async () => {
    // a merge commit on main (parents: main before, the PR's head; the PR's tree), as GitHub's merge button makes
    const merge = git("commit-tree", `${prHead}^{tree}`, "-p", "refs/remotes/origin/main", "-p", prHead, "-m", `Merge pull request #${PR}`);
    git("update-ref", "refs/heads/main", merge);
    git("update-ref", "refs/remotes/origin/main", merge);
    pull.pull!.merged = { sha: merge, at: "2026-12-01T12:00:00Z" };
    pull.state = "closed";

    const ran = await runJob("deploy", pushEvent(merge));

    expect([...ran.keys()]).toEqual(["npx egi-cdktf reviewed-summary --out reviewed.md", "npx egi-cdktf plan-summary --reviewed reviewed.md --out check.md --step-summary", "npx cdktf deploy '*' --auto-approve", END]);
    expect(read("reviewed.md")).toBe(pull.comments[0].body);
    expect(requests()).toContain(`GET /api/v3/repos/egi-demo/infra/commits/${merge}/pulls`);
    const admin = await adminToken();
    for (const id of ["vm1", "vm2"]) expect((await serversNamed(admin, site, `${STACK}-${id}`)).map((s) => s.status)).toEqual(["ACTIVE"]);
    expect(fs.existsSync(path.join(dir, `terraform.${STACK}.tfstate`))).toBe(false); // the state is in PostgreSQL
  });

  test("GIVEN the deployed stack, unchanged since WHEN the drift job's steps run THEN drift.md says no drift and drift-issue, having looked, opens no issue on the stand-in", async () => {
    const seen = standIn.requests.length;
    const ran = await runJob("drift", scheduleEvent(git("rev-parse", "HEAD")));

    expect([...ran.keys()]).toEqual([PLAN_DRIFT, "npx egi-cdktf drift-issue drift.md", END]);
    expect(read("drift.md").split("\n").slice(0, 2)).toEqual(["<!-- egi-cdktf:drift app=. -->", "<!-- egi-cdktf:drift-found no -->"]);
    const asked = standIn.requests.slice(seen).map((r) => `${r.method} ${r.path}${r.path.endsWith("/issues") ? `?labels=${r.query.get("labels")}&state=${r.query.get("state")}` : ""}`);
    expect(asked).toEqual(["GET /api/v3/user", "GET /api/v3/repos/egi-demo/infra/issues?labels=egi-cdktf-drift&state=open"]);
    expect([...standIn.github.values()].filter((i) => !i.pull)).toEqual([]);
  });

  test("GIVEN the jobs WHEN every file of the project and home, the event files and every output are scanned THEN no secret is anywhere, the GitHub token neither", () => {
    const report = scanForSecrets(
      [dir, env.HOME, events],
      { "service account secret": env.CHECKIN_CLIENT_SECRET, "PostgreSQL password": pg.connStr.replace(/^.*:\/\/[^:]+:([^@]+)@.*$/, "$1"), "GitHub token": GITHUB_BOT_TOKEN },
      { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")], outputs },
    );
    expect(report.leaks).toEqual([]);
    expect(report.files).toBeGreaterThan(5);
    // the forge steps' outputs are among those scanned
    expect(Object.keys(outputs).filter((k) => FORGE_STEP.test(k.replace(/^\w+: /, "")))).toHaveLength(3);
  });

  test("GIVEN GITHUB_ACTIONS=true and an empty token cache WHEN the drift job (drift-issue against the stand-in), then the deploy command, run THEN each token derived shows only in ::add-mask:: lines, at the start of a line, on the stream the runner reads it from", async () => {
    const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), `egi-ci-mask-${process.pid}-`));
    temps.push(cacheHome);
    // as GitHub sets them in every step (with CI unset, cdktf's terminal UI writes cursor codes before the line)
    const gha = { GITHUB_ACTIONS: "true", CI: "true", XDG_CACHE_HOME: cacheHome };
    const head = git("rev-parse", "HEAD");
    const drift = await runJob("drift", scheduleEvent(head), gha);
    const deploy = await runLine("deploy", "npx cdktf deploy '*' --auto-approve", { ...githubStepEnv(standIn, pushEvent(head), writeEventFile(events, pushEvent(head)), false), ...gha }, false);
    expect([deploy.status, deploy.status === 0 ? "" : deploy.output.slice(-2000)]).toEqual([0, ""]);

    // the tokens this run derived: the fresh cache's Check-in access token and Keystone token
    const cached = (kind: string) => fs.readdirSync(path.join(cacheHome, "egi-cdktf", kind)).map((f) => JSON.parse(fs.readFileSync(path.join(cacheHome, "egi-cdktf", kind, f), "utf8")));
    const tokens = { "Check-in access token": cached("identity")[0].accessToken as string, "Keystone token": cached("keystone")[0].token as string };
    expect(Object.values(tokens).map((t) => typeof t === "string" && t.length > 16)).toEqual([true, true]);

    const runs = {
      // plan-summary passes its app's mask lines on to its stderr (its stdout may be the summary)
      "drift: plan-summary": drift.get(PLAN_DRIFT)!,
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
    // drift-issue derived no token: nothing of its output is a secret
    for (const token of [...Object.values(tokens), GITHUB_BOT_TOKEN]) expect(drift.get("npx egi-cdktf drift-issue drift.md")!.output).not.toContain(token);
  });
});
