/**
 * The built CLI (bin/egi-cdktf -> lib/, `npm run build` first) against the stand-in GitHub and
 * GitLab APIs (forge-stand-in.ts): the main paths of pr-comment, reviewed-summary and drift-issue as
 * a CI job runs them, as separate processes with only the job's variables, and two failures
 * (exit 1 and exit 2) as one line without the token.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectOneLineError } from "../../support/cli-output";
import { type ForgeStandIn, GITHUB_BOT_TOKEN, GITLAB_BOT_TOKEN, githubEnv, gitlabEnv, PERSON, standInWithBots, summaryText } from "../../support/forge-stand-in";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const BIN = path.resolve(__dirname, "..", "..", "..", "bin", "egi-cdktf");
const tempDir = tempDirsRemovedAfterAll();
const TOKENS = [GITHUB_BOT_TOKEN, GITLAB_BOT_TOKEN];
let standIn: ForgeStandIn;
let repo: string;
let app: string;

beforeAll(async () => {
  standIn = await standInWithBots();
  // A checkout whose app lives in infra/site-a: the app's default name there.
  repo = tempDir(`egi-forge-bin-${process.pid}-`);
  app = path.join(repo, "infra", "site-a");
  fs.mkdirSync(app, { recursive: true });
  await new Promise<void>((resolve, reject) => execFile("git", ["init", "-q", repo], (err) => (err ? reject(err) : resolve())));
});
afterAll(async () => standIn?.close());

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI, asynchronously: the stand-in answers from this process's event loop. */
function cli(args: string[], env: Record<string, string | undefined>, cwd = app): Promise<Run> {
  const clean = Object.fromEntries(Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: clean, encoding: "utf8" }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: unknown }).code as number) : 0, stdout, stderr });
    });
  });
}

function write(name: string, text: string): string {
  const f = path.join(app, name);
  fs.writeFileSync(f, text);
  return f;
}

describe("the built egi-cdktf against the stand-in forges", () => {
  test("GIVEN a GitHub pull request WHEN pr-comment posts two summaries, then main merges it THEN one comment holds the second, and reviewed-summary writes it for the app of this folder", async () => {
    const pr = standIn.addIssue(standIn.github, 51, PERSON, { pull: { commits: ["e51"], merged: { sha: "f00d5151", at: "2026-03-01T00:00:00Z" } } });
    const first = summaryText("plan-summary", "infra/site-a", "first push");
    const second = "<!-- egi-cdktf:plan-summary app=infra%2Fsite-a -->\nsecond push\n";

    const r1 = await cli(["pr-comment", write("s1.md", first), "--pr", "51"], githubEnv(standIn));
    const r2 = await cli(["pr-comment", write("s2.md", second), "--pr", "51"], githubEnv(standIn));
    const r3 = await cli(["reviewed-summary", "--out", "reviewed.md"], githubEnv(standIn, { GITHUB_SHA: "f00d5151" }));

    expect([r1.status, r2.status, r3.status]).toEqual([0, 0, 0]);
    expect(pr.comments.map((c) => c.body)).toEqual([second]);
    expect(r1.stdout).toBe(`https://github.example/egi-demo/infra/pull/51#issuecomment-${pr.comments[0].id}\n`);
    expect(fs.readFileSync(path.join(app, "reviewed.md"), "utf8")).toBe(second);
    for (const r of [r1, r2, r3]) for (const t of TOKENS) expect(r.stdout + r.stderr).not.toContain(t);
  });

  test("GIVEN GitLab WHEN drift-issue runs on a drift report, another, then a clean one THEN one issue is opened, updated and closed", async () => {
    const report = (found: boolean, text: string) => summaryText("drift", "infra/site-a", `<!-- egi-cdktf:drift-found ${found ? "yes" : "no"} -->\n${text}`);

    const runs = [
      await cli(["drift-issue", write("d1.md", report(true, "web deleted"))], gitlabEnv(standIn)),
      await cli(["drift-issue", write("d2.md", report(true, "web deleted, ssh rule changed"))], gitlabEnv(standIn)),
      await cli(["drift-issue", write("d3.md", report(false, "No drift."))], gitlabEnv(standIn)),
    ];

    expect(runs.map((r) => r.status)).toEqual([0, 0, 0]);
    const issues = [...standIn.gitlabIssues.values()];
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ labels: ["egi-cdktf-drift"], state: "closed", body: report(true, "web deleted, ssh rule changed") });
    expect(runs[0].stdout).toBe(`https://gitlab.example/egi-demo/infra/-/issues/${issues[0].number}\n`);
  });

  test("GIVEN a revoked token, then a summary without a marker WHEN pr-comment runs THEN exit 1, then exit 2, each one line without the token", async () => {
    standIn.addIssue(standIn.gitlabMrs, 52, PERSON, { pull: { commits: ["e52"] } });
    const revoked = "glpat-Revoked9Lm2Pn8Tv4W";

    const refused = await cli(["pr-comment", write("s3.md", summaryText("plan-summary", "infra/site-a", "x")), "--pr", "52"], gitlabEnv(standIn, { GITLAB_NOTE_TOKEN: revoked }));
    const usage = await cli(["pr-comment", write("s4.md", "no marker\n"), "--pr", "52"], gitlabEnv(standIn));

    expect([refused.status, usage.status]).toEqual([1, 2]);
    expectOneLineError(refused, ["HTTP 401", "GITLAB_NOTE_TOKEN"], [...TOKENS, revoked]);
    expectOneLineError(usage, ["no egi-cdktf marker"], TOKENS);
  });
});
