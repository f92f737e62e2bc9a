/**
 * How the forge commands fail, against the stand-in GitHub and GitLab APIs (forge-stand-in.ts):
 * one line on stderr, nothing on stdout, never the token; exit 2 for what the user must fix before
 * anything is sent (a variable not set, FILE without a marker or too long), exit 1 when the forge
 * refuses (401, 403, 404 with what to check) or cannot be reached.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { expectOneLineError } from "../../support/cli-output";
import { ForgeStandIn, GITHUB_BOT, GITHUB_BOT_TOKEN, GITLAB_BOT, GITLAB_BOT_TOKEN, githubEnv, gitlabEnv, PERSON, standInWithBots, summaryText } from "../../support/forge-stand-in";
import { runMain as run } from "../../support/run-main";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const READ_ONLY_GITHUB = "ghs_ReadOnly7x2Lm9PzR4tV8wK1nB6cY3dF5hJ";
const READ_ONLY_GITLAB = "glpat-ReadOnly3Rk9Lm2Pn8";
const REVOKED = "ghs_Revoked00Lm9PzR4tV8wK1nB6cY3dF5hJ0sA";
const TOKENS = [GITHUB_BOT_TOKEN, GITLAB_BOT_TOKEN, READ_ONLY_GITHUB, READ_ONLY_GITLAB, REVOKED];
let standIn: ForgeStandIn;
let dir: string;
let summary: string;

beforeAll(async () => {
  standIn = await standInWithBots();
  standIn.addToken(READ_ONLY_GITHUB, { user: GITHUB_BOT, integration: true, write: false });
  standIn.addToken(READ_ONLY_GITLAB, { user: GITLAB_BOT, write: false });
  standIn.addIssue(standIn.github, 21, PERSON, { pull: { commits: ["c1"] } });
  standIn.addIssue(standIn.gitlabMrs, 21, PERSON, { pull: { commits: ["c1"] } });
  dir = tempDir(`egi-forge-errors-${process.pid}-`);
  summary = path.join(dir, "plan-summary.md");
  fs.writeFileSync(summary, summaryText("plan-summary", ".", "a plan"));
});
afterAll(async () => standIn?.close());

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe("forge refusals (stand-in)", () => {
  test.each`
    forge       | env                                                                                        | status | mentions
    ${"GitHub"} | ${() => githubEnv(standIn, { GITHUB_TOKEN: REVOKED })}                                     | ${401} | ${["GITHUB_TOKEN is not valid or has expired"]}
    ${"GitHub"} | ${() => githubEnv(standIn, { GITHUB_TOKEN: READ_ONLY_GITHUB })}                            | ${403} | ${["POST /api/v3/repos/egi-demo/infra/issues/21/comments", "Resource not accessible by integration", "pull-requests: write"]}
    ${"GitHub"} | ${() => githubEnv(standIn, { GITHUB_REPOSITORY: "egi-demo/other" })}                       | ${404} | ${["GITHUB_REPOSITORY"]}
    ${"GitLab"} | ${() => gitlabEnv(standIn, { GITLAB_NOTE_TOKEN: REVOKED })}                                 | ${401} | ${["GITLAB_NOTE_TOKEN is not valid"]}
    ${"GitLab"} | ${() => gitlabEnv(standIn, { GITLAB_NOTE_TOKEN: READ_ONLY_GITLAB })}                        | ${403} | ${["POST /api/v4/projects/4242/merge_requests/21/notes", "insufficient_scope", "api scope"]}
    ${"GitLab"} | ${() => gitlabEnv(standIn, { CI_PROJECT_ID: "999" })}                                      | ${404} | ${["404 Project Not Found", "CI_PROJECT_ID"]}
  `("GIVEN $forge answering HTTP $status WHEN pr-comment runs THEN exit 1, one line with the status and what to check, no token", async ({ env, status, mentions }) => {
    const r = await run(["pr-comment", summary, "--pr", "21"], env());

    expect(r.status).toBe(1);
    expectOneLineError(r, [`HTTP ${status}`, ...mentions], TOKENS);
  });

  test("GIVEN GitHub answering 500 to the list WHEN pr-comment runs THEN exit 1, one line: HTTP 500, try again later", async () => {
    standIn.faults.push({ match: /^GET .*\/issues\/21\/comments$/, status: 500 });

    const r = await run(["pr-comment", summary, "--pr", "21"], githubEnv(standIn));

    expect(r.status).toBe(1);
    expectOneLineError(r, ["HTTP 500", "try again later"], TOKENS);
  });

  test("GIVEN GitHub's rate limit used up (403, x-ratelimit-remaining: 0) WHEN pr-comment runs THEN exit 1, one line saying so and when it resets, not a permission", async () => {
    standIn.faults.push({ match: /^GET .*\/issues\/21\/comments$/, status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000" } });

    const r = await run(["pr-comment", summary, "--pr", "21"], githubEnv(standIn));

    expect(r.status).toBe(1);
    expectOneLineError(r, ["HTTP 403", "rate limit is used up until 2030-01-01T00:00:00.000Z"], TOKENS);
    expect(r.stderr).not.toContain("permissions");
  });

  test("GIVEN a GitLab API that never answers the list WHEN pr-comment runs with EGI_HTTP_TIMEOUT=0.3 THEN exit 1 after the attempts, one line naming the timeout", async () => {
    for (let i = 0; i < 3; i++) standIn.faults.push({ match: /^GET .*\/merge_requests\/21\/notes$/, hang: true });

    const r = await run(["pr-comment", summary, "--pr", "21"], gitlabEnv(standIn, { EGI_HTTP_TIMEOUT: "0.3" }));

    expect(r.status).toBe(1);
    expectOneLineError(r, ["no answer within 0.3 s, 3 times", "CI_API_V4_URL", "EGI_HTTP_TIMEOUT"], TOKENS);
  });

  test("GIVEN GITHUB_API_URL where nothing listens WHEN pr-comment runs THEN exit 1, one line: cannot reach, check GITHUB_API_URL", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const r = await run(["pr-comment", summary, "--pr", "21"], githubEnv(standIn, { GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3` }));

    expect(r.status).toBe(1);
    expectOneLineError(r, ["cannot reach", "GITHUB_API_URL"], TOKENS);
  });
});

describe("forge usage errors (stand-in): exit 2 before any request", () => {
  test.each`
    unset                                   | env                                                                              | named
    ${"GITHUB_API_URL"}                     | ${() => githubEnv(standIn, { GITHUB_API_URL: undefined })}                       | ${"GITHUB_API_URL is not set"}
    ${"GITHUB_REPOSITORY"}                  | ${() => githubEnv(standIn, { GITHUB_REPOSITORY: undefined })}                    | ${"GITHUB_REPOSITORY is not set"}
    ${"GITHUB_TOKEN and GH_TOKEN"}          | ${() => githubEnv(standIn, { GITHUB_TOKEN: undefined })}                         | ${"GITHUB_TOKEN (or GH_TOKEN) is not set"}
    ${"CI_API_V4_URL"}                      | ${() => gitlabEnv(standIn, { CI_API_V4_URL: undefined })}                        | ${"CI_API_V4_URL is not set"}
    ${"CI_PROJECT_ID"}                      | ${() => gitlabEnv(standIn, { CI_PROJECT_ID: undefined })}                        | ${"CI_PROJECT_ID is not set"}
    ${"GITLAB_NOTE_TOKEN"}                  | ${() => gitlabEnv(standIn, { GITLAB_NOTE_TOKEN: undefined })}                    | ${"GITLAB_NOTE_TOKEN is not set"}
    ${"GITHUB_ACTIONS and GITLAB_CI"}       | ${() => ({ GITHUB_TOKEN: GITHUB_BOT_TOKEN })}                                    | ${"GITHUB_ACTIONS=true"}
  `("GIVEN $unset not set WHEN pr-comment runs THEN one line naming it", async ({ env, named }) => {
    const before = standIn.requests.length;

    const r = await run(["pr-comment", summary, "--pr", "21"], env());

    expect(r.status).toBe(2);
    expectOneLineError(r, [named], TOKENS);
    expect(standIn.requests.length).toBe(before);
  });

  test.each`
    forge       | env                            | named
    ${"GitHub"} | ${() => githubEnv(standIn)}    | ${"GITHUB_EVENT_PATH is not set"}
    ${"GitLab"} | ${() => gitlabEnv(standIn)}    | ${"CI_MERGE_REQUEST_IID is not set"}
  `("GIVEN no --pr and no $forge variable naming the request WHEN pr-comment runs THEN exit 2 naming $named and --pr", async ({ env, named }) => {
    const r = await run(["pr-comment", summary], env());

    expect(r.status).toBe(2);
    expectOneLineError(r, [named, "--pr N"], TOKENS);
  });

  test.each`
    given                                     | text                                                                         | named
    ${"no marker"}                            | ${"## egi-cdktf plan summary\n\nno marker\n"}                                | ${"no egi-cdktf marker on its first line"}
    ${"the marker on its second line"}        | ${`# title\n${summaryText("plan-summary", ".", "x")}`}                       | ${"no egi-cdktf marker on its first line"}
  `("GIVEN FILE with $given WHEN pr-comment runs THEN exit 2, naming plan-summary --out", async ({ text, named }) => {
    const r = await run(["pr-comment", write("no-marker.md", text), "--pr", "21"], githubEnv(standIn));

    expect(r.status).toBe(2);
    expectOneLineError(r, [named, "plan-summary --out FILE"], TOKENS);
  });

  test("GIVEN FILE that does not exist WHEN pr-comment runs THEN exit 2 naming it", async () => {
    const r = await run(["pr-comment", path.join(dir, "missing.md"), "--pr", "21"], githubEnv(standIn));

    expect(r.status).toBe(2);
    expectOneLineError(r, ["missing.md", "does not exist"], TOKENS);
  });

  test.each`
    forge       | env                         | limit
    ${"GitHub"} | ${() => githubEnv(standIn)} | ${65536}
    ${"GitLab"} | ${() => gitlabEnv(standIn)} | ${1000000}
  `("GIVEN FILE one character over $forge's $limit WHEN pr-comment runs THEN exit 2 naming plan-summary --max-chars, nothing sent", async ({ env, limit }) => {
    const head = summaryText("plan-summary", ".", "");
    const long = write(`long-${limit}.md`, head + "é".repeat(limit + 1 - head.length));
    const before = standIn.requests.length;

    const r = await run(["pr-comment", long, "--pr", "21"], env());

    expect(r.status).toBe(2);
    expectOneLineError(r, [`${limit + 1} characters`, `plan-summary --max-chars ${limit}`], TOKENS);
    expect(standIn.requests.length).toBe(before);
  });

  test("GIVEN FILE of exactly 65536 characters (some of two UTF-16 units) WHEN posted on GitHub THEN it is taken", async () => {
    const head = summaryText("plan-summary", "fits", "");
    const text = head + "🙂".repeat(100) + "x".repeat(65536 - head.length - 100);

    const r = await run(["pr-comment", write("fits.md", text), "--pr", "21"], githubEnv(standIn));

    expect(r.status).toBe(0);
    expect(standIn.github.get(21)!.comments.map((c) => c.body)).toContain(text);
  });

  test.each([["abc"], ["0"], ["-3"]])("GIVEN --pr %s WHEN pr-comment runs THEN exit 2 naming --pr", async (pr) => {
    const r = await run(["pr-comment", summary, `--pr=${pr}`], githubEnv(standIn));

    expect(r.status).toBe(2);
    expectOneLineError(r, ["--pr must be the pull (merge) request's number"], TOKENS);
  });
});
