/**
 * The CI recipes parse as YAML, run only commands that exist with flags those commands take, read
 * settings our tools (or the CI service) know, and end the job's application credentials in a step
 * that runs whatever happened before it; the pull request job keeps one comment up to date and plans
 * what the request changes, the deploy job checks the reviewed plan first, the drift job runs on a
 * schedule. (The site suite runs the same commands in the same order: ci-recipes.site.test.ts, and
 * app-credential-cleanup.site.test.ts in application-credential mode.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { githubJobs, gitlabJobs, ourCommand, RECIPES, REPO } from "./ci-recipes";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const BIN = { "egi-cdktf": path.join(REPO, "bin", "egi-cdktf"), cdktf: path.join(REPO, "node_modules", ".bin", "cdktf") };
/** Commands a recipe may run besides ours: package install, shell builtins, the image's setup. */
const OTHERS = /^(npm ci|test -s |curl |apt-get |echo )/;
/** Settings the recipes pass: each is read by egi-cdktf, terraform or its pg backend, cdktf, or the CI service. */
const KNOWN_ENV = new Set([
  "CHECKIN_URL",
  "CHECKIN_CLIENT_ID",
  "CHECKIN_CLIENT_SECRET",
  "OS_AUTH_URL",
  "OS_PROJECT_ID",
  "PG_CONN_STR",
  "TF_CLI_ARGS_apply",
  "TF_CLI_ARGS_plan",
  "CHECKPOINT_DISABLE",
  "EGI_CDKTF_AUTH",
  "EGI_APP_CREDENTIAL_TTL",
  "EGI_CDKTF_CACHE_DIR",
  // egi-cdktf's forge commands (pr-comment, reviewed-summary, drift-issue) on GitHub
  "GITHUB_TOKEN",
  // GitLab's runner: clone depth
  "GIT_DEPTH",
]);
const END = { tool: "egi-cdktf", args: ["end-app-credentials"], noInstall: true, then: "" };
const ours = (tool: "egi-cdktf" | "cdktf", line: string, noInstall = false, then = "") => ({ tool, args: line.split(" "), noInstall, then });
const DRIFT_EXIT = "|| test $? -eq 2 -a -s drift.md";

const recipes = { github: githubJobs(), gitlab: gitlabJobs() };
const raw = { github: parse(fs.readFileSync(RECIPES.github, "utf8")), gitlab: parse(fs.readFileSync(RECIPES.gitlab, "utf8")) };
const tempDir = tempDirsRemovedAfterAll();

/** Our commands of each job, in order, as they run. */
const EXPECTED = {
  github: {
    plan: [
      ours("egi-cdktf", "plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary --changed-since origin/$GITHUB_BASE_REF"),
      ours("egi-cdktf", "plan-summary --out plan-summary.md --full-out plan-summary-full.md --step-summary"),
      ours("egi-cdktf", "pr-comment plan-summary.md"),
      END,
    ],
    deploy: [ours("egi-cdktf", "reviewed-summary --out reviewed.md"), ours("egi-cdktf", "plan-summary --reviewed reviewed.md --out check.md --step-summary"), ours("cdktf", "deploy * --auto-approve"), END],
    drift: [ours("egi-cdktf", "plan-summary --drift --out drift.md --step-summary", false, DRIFT_EXIT), ours("egi-cdktf", "drift-issue drift.md"), END],
  },
  gitlab: {
    plan: [
      ours("egi-cdktf", "plan-summary --max-chars 1000000 --out plan-summary.md --full-out plan-summary-full.md --changed-since $CI_MERGE_REQUEST_DIFF_BASE_SHA"),
      END,
      ours("egi-cdktf", "pr-comment plan-summary.md", true),
    ],
    "plan-full": [ours("egi-cdktf", "plan-summary --max-chars 1000000 --out plan-summary.md --full-out plan-summary-full.md"), END, ours("egi-cdktf", "pr-comment plan-summary.md", true)],
    deploy: [ours("egi-cdktf", "reviewed-summary --out reviewed.md"), ours("egi-cdktf", "plan-summary --reviewed reviewed.md --out check.md"), ours("cdktf", "deploy * --auto-approve"), END],
    drift: [ours("egi-cdktf", "plan-summary --drift --out drift.md", false, DRIFT_EXIT), ours("egi-cdktf", "drift-issue drift.md"), END],
  },
};

describe.each(Object.entries(recipes))("the %s recipe", (name, jobs) => {
  test("GIVEN the recipe WHEN parsed THEN its jobs run our commands in this order: plan and comment, check the reviewed plan and deploy, look for drift and report it, each then ending the application credentials", () => {
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j.commands.map(ourCommand).filter(Boolean)]));
    expect(byName).toEqual(EXPECTED[name as keyof typeof EXPECTED]);
  });

  test("GIVEN each job WHEN parsed THEN end-app-credentials runs even when an earlier command failed, and never fetches a package from the registry", () => {
    for (const job of jobs) expect([job.name, job.always.map(ourCommand).filter((c) => c?.tool === "egi-cdktf" && c.args[0] === "end-app-credentials")]).toEqual([job.name, [END]]);
  });

  test("GIVEN the pull request job WHEN its plan fails THEN the comment is still updated, from the summary that says why", () => {
    for (const job of jobs.filter((j) => j.name.startsWith("plan"))) {
      const comment = job.always.map(ourCommand).find((c) => c?.args[0] === "pr-comment");
      expect([job.name, comment?.args]).toEqual([job.name, ["pr-comment", "plan-summary.md"]]);
    }
  });

  test("GIVEN application-credential mode WHEN the recipe's settings are read THEN a credential that no step ended expires by the jobs' timeout", () => {
    for (const job of jobs) {
      expect([job.name, job.timeoutMinutes]).toEqual([job.name, expect.any(Number)]);
      expect([job.name, Number(job.env.EGI_APP_CREDENTIAL_TTL)]).toEqual([job.name, job.timeoutMinutes! * 60]);
    }
  });

  test("GIVEN each command WHEN checked THEN it is ours or an expected tool, and ours exist with the flags used", () => {
    for (const line of jobs.flatMap((j) => j.commands)) {
      const command = ourCommand(line);
      if (!command) {
        expect([line, OTHERS.test(line)]).toEqual([line, true]);
        continue;
      }
      const help = spawnSync(process.execPath, [BIN[command.tool], command.args[0], "--help"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      expect([line, help.status]).toEqual([line, 0]);
      if (command.tool === "egi-cdktf") expect([line, help.stdout]).toEqual([line, expect.stringMatching(new RegExp(`^Usage: egi-cdktf ${command.args[0]} `))]);
      for (const flag of command.args.filter((a) => a.startsWith("--"))) expect([line, help.stdout.includes(flag)]).toEqual([line, true]);
    }
  });

  test("GIVEN the recipe's settings WHEN listed THEN each is one our tools read, and no secret is written into the file", () => {
    const env = Object.assign({}, ...jobs.map((j) => j.env));
    for (const key of Object.keys(env)) expect([key, KNOWN_ENV.has(key)]).toEqual([key, true]);
    for (const [key, value] of Object.entries(env)) {
      if (/SECRET|PG_CONN_STR/.test(key)) expect(String(value)).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
  });

  test("GIVEN the drift job WHEN parsed THEN it runs on a schedule only, and the deploy job never does", () => {
    const when = Object.fromEntries(jobs.map((j) => [j.name, j.when]));
    if (name === "github") {
      expect(when.drift).toBe("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'");
      expect(raw.github.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
      expect(when.deploy).toMatch(/^github\.event_name == 'push' && /);
    } else {
      expect(when.drift).toBe('$CI_PIPELINE_SOURCE == "schedule"');
      expect(when.deploy).toMatch(/&& \$CI_PIPELINE_SOURCE != "schedule"$/);
    }
    for (const job of jobs.filter((j) => j.name !== "drift")) expect([job.name, job.when]).not.toEqual([job.name, expect.stringMatching(/== 'schedule'|== "schedule"/)]);
  });
});

describe("the drift step's exit check (`plan-summary --drift ... || test $? -eq 2 -a -s drift.md`)", () => {
  // plan-summary's exits as its usage text gives them; the stand-in function returns them without planning.
  test.each([
    ["no drift: exit 0, drift.md written", 0, 0, true],
    ["drift: exit 2, drift.md written", 0, 2, true],
    ["a usage error: exit 2, no drift.md", 1, 2, false],
    ["a failed plan: exit 1, drift.md written", 1, 1, true],
  ])("GIVEN %s WHEN the recipe's line runs in bash -e THEN the step's status is %i", (_what, status, code, writes) => {
    const dir = tempDir("ci-drift-");
    const line = recipes.github.find((j) => j.name === "drift")!.commands.find((c) => c.includes("--drift"))!;
    const standIn = `npx() { ${writes ? "echo '## drift' > drift.md; " : ""}return ${code}; }`;
    const r = spawnSync("bash", ["-e", "-c", `${standIn}\n${line}`], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(status);
  });
});

describe("the GitHub recipe's jobs", () => {
  const doc = raw.github;
  test("GIVEN the workflow WHEN its permissions are read THEN it grants contents: read, and each job writes only where it must: the PR comment, the drift issue", () => {
    expect(doc.permissions).toEqual({ "contents": "read" });
    expect(doc.jobs.plan.permissions).toEqual({ "contents": "read", "pull-requests": "write" });
    expect(doc.jobs.deploy.permissions).toEqual({ "contents": "read", "pull-requests": "read" });
    expect(doc.jobs.drift.permissions).toEqual({ "contents": "read", "issues": "write" });
    expect(doc.concurrency).toEqual({ "group": "infrastructure-${{ github.ref }}", "cancel-in-progress": false });
  });

  test("GIVEN the pull request job WHEN read THEN it has the base branch's history for --changed-since, uploads the full summary whatever happened, and plans every stack with the full-plan label", () => {
    const steps = doc.jobs.plan.steps as Array<Record<string, any>>;
    expect(steps.find((s) => s.uses === "actions/checkout@v4")?.with).toEqual({ "fetch-depth": 0 });
    expect(steps.find((s) => s.uses === "actions/upload-artifact@v4")).toEqual({
      if: "always() && hashFiles('plan-summary-full.md') != ''",
      uses: "actions/upload-artifact@v4",
      with: { "name": "plan-summary-full", "path": "plan-summary-full.md", "if-no-files-found": "ignore" },
    });
    const job = recipes.github.find((j) => j.name === "plan")!;
    const plans = job.commands.map((c, i) => [ourCommand(c), job.conditions[i]] as const).filter(([c]) => c?.args[0] === "plan-summary");
    expect(plans.map(([c, when]) => [c!.args.includes("--changed-since"), when])).toEqual([
      [true, "!contains(github.event.pull_request.labels.*.name, 'full-plan')"],
      [false, "contains(github.event.pull_request.labels.*.name, 'full-plan')"],
    ]);
    expect(doc.on.pull_request.types).toContain("labeled");
  });

  test("GIVEN every job WHEN read THEN it runs on Node 22", () => {
    for (const [name, job] of Object.entries(doc.jobs as Record<string, { steps: Array<Record<string, any>> }>)) {
      expect([name, job.steps.find((s) => s.uses === "actions/setup-node@v4")?.with]).toEqual([name, { "node-version": 22 }]);
    }
  });
});

describe("the GitLab recipe's jobs", () => {
  const doc = raw.gitlab;
  test("GIVEN the recipe WHEN read THEN its image is Node 22 (node:20 is past its end of life)", () => {
    expect(doc.default.image).toBe("node:22-bookworm");
  });

  test("GIVEN the merge request jobs WHEN read THEN they have the history for --changed-since, keep the full summary as an artifact whatever happened, and the full-plan label picks one of the two", () => {
    for (const job of recipes.gitlab.filter((j) => j.name.startsWith("plan"))) expect([job.name, job.env.GIT_DEPTH]).toEqual([job.name, "0"]);
    expect(doc[".plan"].artifacts).toEqual({ when: "always", paths: ["plan-summary-full.md"], expire_in: "30 days" });
    const when = Object.fromEntries(recipes.gitlab.map((j) => [j.name, j.when]));
    expect(when.plan).toMatch(/\$CI_MERGE_REQUEST_LABELS !~ \/\(\^\|,\)full-plan\(,\|\$\)\/$/);
    expect(when["plan-full"]).toMatch(/\$CI_MERGE_REQUEST_LABELS =~ \/\(\^\|,\)full-plan\(,\|\$\)\/$/);
    // CI_MERGE_REQUEST_LABELS is the labels joined by commas: the recipe's pattern on a few of them
    const pattern = new RegExp(/=~ \/(.*)\/$/.exec(when["plan-full"])![1]);
    for (const [labels, plans] of [["", "plan"], ["full-plan", "plan-full"], ["a,full-plan,b", "plan-full"], ["full-planned", "plan"], ["no-full-plan", "plan"]]) {
      expect([labels, pattern.test(labels) ? "plan-full" : "plan"]).toEqual([labels, plans]);
    }
  });

  test("GIVEN the recipe's settings WHEN read THEN the token cache is in the project folder, which after_script sees whatever the executor", () => {
    for (const job of recipes.gitlab) expect([job.name, job.env.EGI_CDKTF_CACHE_DIR]).toEqual([job.name, expect.stringMatching(/^\$CI_PROJECT_DIR\//)]);
  });

  test("GIVEN the recipe WHEN read THEN it says what the job log masks and what it does not", () => {
    const text = fs.readFileSync(RECIPES.gitlab, "utf8");
    expect(text).toMatch(/CHECKIN_CLIENT_SECRET, PG_CONN_STR, GITLAB_NOTE_TOKEN\); it has no command to mask a value made/);
    expect(text).toMatch(/are not masked: egi-cdktf never prints them/);
  });
});
