/**
 * The CI recipes parse as YAML, run only commands that exist with flags those commands take, read
 * settings our tools (or the CI service) know, and end the job's application credentials in a step
 * that runs whatever happened before it. (The site suite runs the same commands in the same order:
 * ci-recipes.site.test.ts, and app-credential-cleanup.site.test.ts in application-credential mode.)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { githubJobs, gitlabJobs, ourCommand, REPO } from "./ci-recipes";

const BIN = { "egi-cdktf": path.join(REPO, "bin", "egi-cdktf"), cdktf: path.join(REPO, "node_modules", ".bin", "cdktf") };
/** Commands a recipe may run besides ours: package install, the CI service's own client, shell builtins. */
const OTHERS = /^(npm ci|gh pr comment |test -s |curl |apt-get |echo )/;
/** Settings the recipes pass: each is read by egi-cdktf, terraform or its pg backend, or cdktf. */
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
]);
const END = { tool: "egi-cdktf", args: ["end-app-credentials"], noInstall: true };

const recipes = { github: githubJobs(), gitlab: gitlabJobs() };

describe.each(Object.entries(recipes))("the %s recipe", (_name, jobs) => {
  test("GIVEN the recipe WHEN parsed THEN it has a plan job running plan-summary and a deploy job running cdktf deploy, each then ending the application credentials", () => {
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j.commands.map(ourCommand).filter(Boolean)]));
    expect(byName.plan).toEqual([{ tool: "egi-cdktf", args: ["plan-summary", "--out", "plan-summary.md"], noInstall: false }, END]);
    expect(byName.deploy).toEqual([{ tool: "cdktf", args: ["deploy", "*", "--auto-approve"], noInstall: false }, END]);
  });

  test.each(["plan", "deploy"])("GIVEN the %s job WHEN parsed THEN end-app-credentials runs even when an earlier command failed, and never fetches a package from the registry", (job) => {
    const { always } = jobs.find((j) => j.name === job)!;
    expect(always.map(ourCommand).filter((c) => c?.tool === "egi-cdktf")).toEqual([END]);
  });

  test("GIVEN application-credential mode WHEN the recipe's settings are read THEN a credential that no step ended expires by the jobs' timeout", () => {
    for (const job of jobs) {
      expect([job.name, job.timeoutMinutes]).toEqual([job.name, expect.any(Number)]);
      expect([job.name, Number(job.env.EGI_APP_CREDENTIAL_TTL)]).toEqual([job.name, job.timeoutMinutes! * 60]);
    }
  });

  test("GIVEN each command WHEN checked THEN it is ours or an expected tool, and ours exist with the flags used", () => {
    for (const line of jobs.flatMap((j) => j.commands)) {
      const ours = ourCommand(line);
      if (!ours) {
        expect([line, OTHERS.test(line)]).toEqual([line, true]);
        continue;
      }
      const help = spawnSync(process.execPath, [BIN[ours.tool], ours.args[0], "--help"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      expect([line, help.status]).toEqual([line, 0]);
      if (ours.tool === "egi-cdktf") expect([line, help.stdout]).toEqual([line, expect.stringMatching(new RegExp(`^Usage: egi-cdktf ${ours.args[0]} `))]);
      for (const flag of ours.args.filter((a) => a.startsWith("--"))) expect([line, help.stdout.includes(flag)]).toEqual([line, true]);
    }
  });

  test("GIVEN the recipe's settings WHEN listed THEN each is one our tools read, and no secret is written into the file", () => {
    const env = Object.assign({}, ...jobs.map((j) => j.env));
    for (const name of Object.keys(env)) expect([name, KNOWN_ENV.has(name)]).toEqual([name, true]);
    for (const [name, value] of Object.entries(env)) {
      if (/SECRET|PG_CONN_STR/.test(name)) expect(String(value)).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
  });
});

test("GIVEN the GitLab recipe WHEN its settings are read THEN the token cache is in the project folder, which after_script sees whatever the executor", () => {
  for (const job of recipes.gitlab) expect([job.name, job.env.EGI_CDKTF_CACHE_DIR]).toEqual([job.name, expect.stringMatching(/^\$CI_PROJECT_DIR\//)]);
});
