/**
 * egi-cdktf reviewed-summary against the stand-in GitHub and GitLab APIs (forge-stand-in.ts): on
 * main after a merge, the summary the reviewers saw on the pull (merge) request merged as the
 * commit, for plan-summary --reviewed; a direct push, or a request without this app's summary, is
 * a failure that writes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expectOneLineError } from "../../support/cli-output";
import { ForgeStandIn, GITHUB_BOT, GITHUB_BOT_TOKEN, GITLAB_BOT, GITLAB_BOT_TOKEN, githubEnv, gitlabEnv, OTHER_BOT, PERSON, standInWithBots, summaryText } from "../../support/forge-stand-in";
import { runMain as run } from "../../support/run-main";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const TOKENS = [GITHUB_BOT_TOKEN, GITLAB_BOT_TOKEN];
let standIn: ForgeStandIn;
let dir: string;

const MERGE = "9c1f00aa11";
const SQUASH = "5e2d11bb22";
const PUSHED = "7a3e22cc33";
const OPEN_ONLY = "4b4f33dd44";
const NO_SUMMARY = "2c5a44ee55";
const reviewedA = summaryText("plan-summary", "apps/a", "add 1 server (reviewed)");

beforeAll(async () => {
  standIn = await standInWithBots();
  dir = tempDir(`egi-reviewed-${process.pid}-`);

  // GitHub: #31 merged as MERGE (its branch had c31a, c31b); #32 open, holding OPEN_ONLY; #33 merged with only app b's summary.
  const pr31 = standIn.addIssue(standIn.github, 31, PERSON, { pull: { commits: ["c31a", "c31b"], merged: { sha: MERGE, at: "2026-02-01T10:00:00Z" } } });
  standIn.addNote(pr31, GITHUB_BOT, summaryText("plan-summary", "apps/a", "add 2 servers (outdated)"));
  standIn.addNote(pr31, GITHUB_BOT, summaryText("plan-summary", "apps/b", "app b"));
  standIn.addNote(pr31, GITHUB_BOT, summaryText("drift", "apps/a", "a drift report"));
  standIn.addNote(pr31, GITHUB_BOT, reviewedA);
  standIn.addNote(pr31, PERSON, summaryText("plan-summary", "apps/a", "destroy everything (a person's, not reviewed by the bot)"));
  standIn.addNote(pr31, OTHER_BOT, "Looks good");
  standIn.addIssue(standIn.github, 32, PERSON, { pull: { commits: [OPEN_ONLY] } });
  const pr33 = standIn.addIssue(standIn.github, 33, PERSON, { pull: { commits: ["c33"], merged: { sha: NO_SUMMARY, at: "2026-02-02T10:00:00Z" } } });
  standIn.addNote(pr33, GITHUB_BOT, summaryText("plan-summary", "apps/b", "app b only"));
  standIn.commits.add(PUSHED);

  // GitLab: !41 squash-merged as SQUASH.
  const mr41 = standIn.addIssue(standIn.gitlabMrs, 41, PERSON, { pull: { commits: ["c41"], merged: { sha: SQUASH, at: "2026-02-03T10:00:00Z" } } });
  standIn.addNote(mr41, PERSON, "merged", true);
  standIn.addNote(mr41, GITLAB_BOT, reviewedA);
  standIn.commits.add(PUSHED);
});
afterAll(async () => standIn?.close());

describe("reviewed-summary (stand-in forges)", () => {
  test("GIVEN main at the merge commit of pull request #31 WHEN reviewed-summary runs for app apps/a THEN FILE holds the bot's newest summary of apps/a, byte for byte", async () => {
    const out = path.join(dir, "reviewed-gh.md");

    const r = await run(["reviewed-summary", "--out", out, "--app", "apps/a"], githubEnv(standIn, { GITHUB_SHA: MERGE }));

    expect(r.status).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe(reviewedA);
    expect(r.stdout).toContain("pull request #31");
    expect(standIn.requests.some((q) => q.method === "GET" && q.path === `/api/v3/repos/egi-demo/infra/commits/${MERGE}/pulls`)).toBe(true);
  });

  test("GIVEN GitLab main at the squash commit of merge request !41 WHEN reviewed-summary runs with --sha THEN FILE holds its summary", async () => {
    const out = path.join(dir, "reviewed-gl.md");

    const r = await run(["reviewed-summary", "--out", out, "--app", "apps/a", "--sha", SQUASH], gitlabEnv(standIn, { CI_COMMIT_SHA: PUSHED }));

    expect(r.status).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe(reviewedA);
    expect(r.stdout).toContain("merge request !41");
  });

  test.each`
    given                                                      | env                                                      | mentions
    ${"a direct push on GitHub"}                               | ${() => githubEnv(standIn, { GITHUB_SHA: PUSHED })}      | ${[`commit ${PUSHED} was merged by no pull request`, "direct push"]}
    ${"a commit of an open, unmerged pull request"}            | ${() => githubEnv(standIn, { GITHUB_SHA: OPEN_ONLY })}   | ${["merged by no pull request"]}
    ${"a direct push on GitLab"}                               | ${() => gitlabEnv(standIn, { CI_COMMIT_SHA: PUSHED })}   | ${["merged by no merge request", "direct push"]}
    ${"a merged pull request with only app b's summary"}       | ${() => githubEnv(standIn, { GITHUB_SHA: NO_SUMMARY })}  | ${["pull request #33", "no comment with the plan summary of app apps/a", "pr-comment"]}
  `("GIVEN $given WHEN reviewed-summary runs for app apps/a THEN exit 1, one line, no FILE", async ({ env, mentions }) => {
    const out = path.join(dir, `none-${Math.random().toString(36).slice(2)}.md`);

    const r = await run(["reviewed-summary", "--out", out, "--app", "apps/a"], env());

    expect(r.status).toBe(1);
    expectOneLineError(r, mentions, TOKENS);
    expect(fs.existsSync(out)).toBe(false);
  });

  test.each`
    given                      | args                                                        | env                                                     | mentions
    ${"no --out"}              | ${["--app", "a"]}                                           | ${() => githubEnv(standIn, { GITHUB_SHA: MERGE })}      | ${["--out FILE is missing"]}
    ${"--out a folder"}        | ${["--out", "."]}                                           | ${() => githubEnv(standIn, { GITHUB_SHA: MERGE })}      | ${["--out", "is a folder"]}
    ${"no GITHUB_SHA, no --sha"} | ${["--out", "x.md"]}                                      | ${() => githubEnv(standIn)}                             | ${["GITHUB_SHA is not set", "--sha SHA"]}
    ${"no CI_COMMIT_SHA"}      | ${["--out", "x.md"]}                                        | ${() => gitlabEnv(standIn)}                             | ${["CI_COMMIT_SHA is not set"]}
    ${"--sha not hex"}         | ${["--out", "x.md", "--sha", "main"]}                       | ${() => githubEnv(standIn)}                             | ${["--sha must be a commit id"]}
    ${"--app empty"}           | ${["--out", "x.md", "--app="]}                              | ${() => githubEnv(standIn, { GITHUB_SHA: MERGE })}      | ${["--app is empty"]}
  `("GIVEN $given WHEN reviewed-summary runs THEN exit 2, one line, nothing asked", async ({ args, env, mentions }) => {
    const before = standIn.requests.length;

    const r = await run(["reviewed-summary", ...args.map((a: string) => (a === "x.md" ? path.join(dir, a) : a))], env());

    expect(r.status).toBe(2);
    expectOneLineError(r, mentions, TOKENS);
    expect(standIn.requests.length).toBe(before);
  });
});
