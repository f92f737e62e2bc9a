/**
 * The CI recipes parse as YAML, run only commands that exist with flags those commands take, and read
 * settings our tools know. (The site suite runs the same commands in the same order: ci-recipes.site.test.ts.)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { githubJobs, gitlabJobs, ourCommand, REPO } from "./ci-recipes";

const BIN = { "egi-cdktf": path.join(REPO, "bin", "egi-cdktf"), cdktf: path.join(REPO, "node_modules", ".bin", "cdktf") };
/** Commands a recipe may run besides ours: package install, the CI service's own client, shell builtins. */
const OTHERS = /^(npm ci|gh pr comment |test -s |curl |apt-get |echo )/;
/** Settings the recipes pass: each is read by egi-cdktf, terraform or its pg backend, or cdktf. */
const KNOWN_ENV = new Set(["CHECKIN_URL", "CHECKIN_CLIENT_ID", "CHECKIN_CLIENT_SECRET", "OS_AUTH_URL", "OS_PROJECT_ID", "PG_CONN_STR", "TF_CLI_ARGS_apply", "TF_CLI_ARGS_plan", "CHECKPOINT_DISABLE"]);

const recipes = { github: githubJobs(), gitlab: gitlabJobs() };

describe.each(Object.entries(recipes))("the %s recipe", (_name, jobs) => {
  test("GIVEN the recipe WHEN parsed THEN it has a plan job running plan-summary and a deploy job running cdktf deploy", () => {
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j.commands.map(ourCommand).filter(Boolean)]));
    expect(byName.plan).toEqual([{ tool: "egi-cdktf", args: ["plan-summary", "--out", "plan-summary.md"] }]);
    expect(byName.deploy).toEqual([{ tool: "cdktf", args: ["deploy", "*", "--auto-approve"] }]);
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
