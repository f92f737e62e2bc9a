/**
 * egi-cdktf pr-comment against the stand-in GitHub and GitLab REST APIs (forge-stand-in.ts; no real
 * forge runs here), through main() and the real HTTP client over loopback: one comment per app and
 * kind, found again by its first-line marker among pages of comments, updated in place; other apps',
 * other kinds', people's and other bots' comments left as they were.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ForgeStandIn,
  GITHUB_BOT,
  GITHUB_BOT_TOKEN,
  GITLAB_BOT,
  GITLAB_BOT_TOKEN,
  githubEnv,
  gitlabEnv,
  OTHER_BOT,
  PERSON,
  type StandInIssue,
  standInWithBots,
  summaryText,
} from "../../support/forge-stand-in";
import { runMain as run } from "../../support/run-main";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
let standIn: ForgeStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await standInWithBots();
  dir = tempDir(`egi-pr-comment-${process.pid}-`);
});
afterAll(async () => standIn?.close());

let files = 0;
function file(text: string): string {
  const f = path.join(dir, `summary-${++files}.md`);
  fs.writeFileSync(f, text);
  return f;
}

const bodies = (issue: StandInIssue) => issue.comments.map((c) => c.body);

describe("pr-comment on the stand-in GitHub", () => {
  test("GIVEN a pull request without our comment WHEN pr-comment runs twice with new summaries THEN the first posts one comment, the second edits it: one comment, the latest text, its URL printed", async () => {
    const pr = standIn.addIssue(standIn.github, 1, PERSON, { pull: { commits: ["a1"] } });
    const first = summaryText("plan-summary", ".", "plan one");
    const second = summaryText("plan-summary", ".", "plan two");

    const r1 = await run(["pr-comment", file(first), "--pr", "1"], githubEnv(standIn));
    const r2 = await run(["pr-comment", file(second), "--pr", "1"], githubEnv(standIn));

    expect([r1.status, r2.status]).toEqual([0, 0]);
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]).toMatchObject({ body: second, author: GITHUB_BOT });
    expect(r1.stdout).toBe(`https://github.example/egi-demo/infra/pull/1#issuecomment-${pr.comments[0].id}\n`);
    expect(r2.stdout).toBe(r1.stdout);
    const calls = standIn.requests.filter((q) => q.path.includes("/comments")).map((q) => `${q.method} ${q.path}`);
    expect(calls).toEqual([
      "GET /api/v3/repos/egi-demo/infra/issues/1/comments",
      "POST /api/v3/repos/egi-demo/infra/issues/1/comments",
      "GET /api/v3/repos/egi-demo/infra/issues/1/comments",
      `PATCH /api/v3/repos/egi-demo/infra/issues/comments/${pr.comments[0].id}`,
    ]);
    expect(standIn.requests.every((q) => q.token === GITHUB_BOT_TOKEN)).toBe(true);
  });

  test("GIVEN 150 comments before ours, so ours is on page 2 WHEN pr-comment runs THEN it asks 100 a page, follows Link rel=next and edits ours, adding none", async () => {
    const pr = standIn.addIssue(standIn.github, 2, PERSON, { pull: { commits: ["a2"] } });
    for (let i = 0; i < 150; i++) standIn.addNote(pr, i % 2 ? PERSON : OTHER_BOT, `LGTM ${i}`);
    const ours = standIn.addNote(pr, GITHUB_BOT, summaryText("plan-summary", "infra/site-a", "old plan"));
    for (let i = 0; i < 5; i++) standIn.addNote(pr, PERSON, `after ${i}`);
    const before = standIn.requests.length;
    const next = "<!-- egi-cdktf:plan-summary app=infra%2Fsite-a -->\nnew plan\n";

    const r = await run(["pr-comment", file(next), "--pr", "2"], githubEnv(standIn));

    expect(r.status).toBe(0);
    expect(pr.comments).toHaveLength(156);
    expect(ours.body).toBe(next);
    const lists = standIn.requests.slice(before).filter((q) => q.method === "GET" && q.path.endsWith("/issues/2/comments"));
    expect(lists.map((q) => [q.query.get("per_page"), q.query.get("page")])).toEqual([
      ["100", null],
      ["100", "2"],
    ]);
  });

  test("GIVEN the summaries of two apps, the drift report of one, a person's quote and another bot's look-alike WHEN app a's summary is posted THEN only app a's summary comment changes", async () => {
    const pr = standIn.addIssue(standIn.github, 3, PERSON, { pull: { commits: ["a3"] } });
    const a = standIn.addNote(pr, GITHUB_BOT, summaryText("plan-summary", "apps/a", "a old"));
    const b = standIn.addNote(pr, GITHUB_BOT, summaryText("plan-summary", "apps/b", "b old"));
    const drift = standIn.addNote(pr, GITHUB_BOT, summaryText("drift", "apps/a", "drift of a"));
    const quote = standIn.addNote(pr, PERSON, summaryText("plan-summary", "apps/a", "a quoted by a person"));
    const lookAlike = standIn.addNote(pr, OTHER_BOT, `Bumps cdktf.\n${summaryText("plan-summary", "apps/a", "not first line")}`);
    const untouched = [b, drift, quote, lookAlike].map((c) => c.body);
    const next = summaryText("plan-summary", "apps/a", "a new");

    const r = await run(["pr-comment", file(next), "--pr", "3"], githubEnv(standIn));

    expect(r.status).toBe(0);
    expect(a.body).toBe(next);
    expect([b, drift, quote, lookAlike].map((c) => c.body)).toEqual(untouched);
    expect(pr.comments).toHaveLength(5);
  });

  test("GIVEN app b has no comment yet beside app a's WHEN app b's summary is posted THEN a second comment is added and app a's stays", async () => {
    const pr = standIn.addIssue(standIn.github, 4, PERSON, { pull: { commits: ["a4"] } });
    const aText = summaryText("plan-summary", "apps/a", "a");
    standIn.addNote(pr, GITHUB_BOT, aText);
    const bText = summaryText("plan-summary", "apps/b", "b");

    expect((await run(["pr-comment", file(bText), "--pr", "4"], githubEnv(standIn))).status).toBe(0);

    expect(bodies(pr)).toEqual([aText, bText]);
  });

  test("GIVEN two comments of the same app by our bot WHEN pr-comment runs THEN it edits the newest and says which it left", async () => {
    const pr = standIn.addIssue(standIn.github, 5, PERSON, { pull: { commits: ["a5"] } });
    const old = standIn.addNote(pr, GITHUB_BOT, summaryText("plan-summary", ".", "older"));
    const newer = standIn.addNote(pr, GITHUB_BOT, summaryText("plan-summary", ".", "newer"));
    const next = summaryText("plan-summary", ".", "newest");

    const r = await run(["pr-comment", file(next), "--pr", "5"], githubEnv(standIn));

    expect(r.status).toBe(0);
    expect([old.body, newer.body]).toEqual([summaryText("plan-summary", ".", "older"), next]);
    expect(r.stderr).toContain(`2 comments of the plan summary of app . by`);
    expect(r.stderr).toContain(`updating the newest (${newer.id}), leaving ${old.id} as they are`);
  });

  test("GIVEN no --pr WHEN pr-comment runs in a pull_request workflow THEN the number comes from the event file at GITHUB_EVENT_PATH", async () => {
    const pr = standIn.addIssue(standIn.github, 6, PERSON, { pull: { commits: ["a6"] } });
    const event = path.join(dir, "event.json");
    fs.writeFileSync(event, JSON.stringify({ action: "synchronize", number: 6, pull_request: { number: 6 } }));
    const text = summaryText("plan-summary", ".", "from the event");

    const r = await run(["pr-comment", file(text)], githubEnv(standIn, { GITHUB_EVENT_PATH: event }));

    expect(r.status).toBe(0);
    expect(bodies(pr)).toEqual([text]);
  });

  test("GIVEN a personal token (GET /user answers its login) WHEN pr-comment runs THEN a bot's comment with the same marker is not taken for ours", async () => {
    const personal = "ghp_R3kT8vL1mN5qW9xZ2bC6dF0gH4jK7pS1uY3a";
    standIn.addToken(personal, { user: PERSON });
    const pr = standIn.addIssue(standIn.github, 7, PERSON, { pull: { commits: ["a7"] } });
    const botText = summaryText("plan-summary", ".", "by the bot");
    standIn.addNote(pr, GITHUB_BOT, botText);
    const text = summaryText("plan-summary", ".", "by the person's token");

    const r = await run(["pr-comment", file(text), "--pr", "7"], githubEnv(standIn, { GITHUB_TOKEN: undefined, GH_TOKEN: personal }));

    expect(r.status).toBe(0);
    expect(bodies(pr)).toEqual([botText, text]);
    expect(r.stdout + r.stderr).not.toContain(personal);
  });
});

describe("pr-comment on the stand-in GitLab", () => {
  test("GIVEN a merge request with system notes, a person's note and our old note WHEN pr-comment runs THEN it PUTs our note, with PRIVATE-TOKEN, and prints the note's URL", async () => {
    const mr = standIn.addIssue(standIn.gitlabMrs, 11, PERSON, { pull: { commits: ["b1"] } });
    standIn.addNote(mr, PERSON, "added 2 commits", true);
    const ours = standIn.addNote(mr, GITLAB_BOT, summaryText("plan-summary", ".", "old"));
    standIn.addNote(mr, PERSON, "please look at the quota");
    const before = standIn.requests.length;
    const next = summaryText("plan-summary", ".", "new");

    const r = await run(["pr-comment", file(next)], gitlabEnv(standIn, { CI_MERGE_REQUEST_IID: "11" }));

    expect(r.status).toBe(0);
    expect(ours.body).toBe(next);
    expect(mr.comments).toHaveLength(3);
    expect(r.stdout).toBe(`https://gitlab.example/egi-demo/infra/-/merge_requests/11#note_${ours.id}\n`);
    const calls = standIn.requests.slice(before);
    expect(calls.map((q) => `${q.method} ${q.path}`)).toContain(`PUT /api/v4/projects/4242/merge_requests/11/notes/${ours.id}`);
    expect(calls.every((q) => q.token === GITLAB_BOT_TOKEN)).toBe(true);
  });

  test("GIVEN 130 notes with ours on page 2 (GitLab lists newest first unless asked) WHEN pr-comment runs THEN it pages with x-next-page and edits ours, adding none", async () => {
    const mr = standIn.addIssue(standIn.gitlabMrs, 12, PERSON, { pull: { commits: ["b2"] } });
    const ours = standIn.addNote(mr, GITLAB_BOT, summaryText("plan-summary", "infra/site-a", "old"));
    for (let i = 0; i < 130; i++) standIn.addNote(mr, PERSON, `note ${i}`);
    const before = standIn.requests.length;
    const next = summaryText("plan-summary", "infra/site-a", "new");

    const r = await run(["pr-comment", file(next), "--pr", "12"], gitlabEnv(standIn));

    expect(r.status).toBe(0);
    expect(ours.body).toBe(next);
    expect(mr.comments).toHaveLength(131);
    const lists = standIn.requests.slice(before).filter((q) => q.method === "GET" && q.path.endsWith("/notes"));
    expect(lists.map((q) => [q.query.get("per_page"), q.query.get("page")])).toEqual([
      ["100", null],
      ["100", "2"],
    ]);
  });

  test("GIVEN no note of ours WHEN pr-comment runs THEN it POSTs a new note", async () => {
    const mr = standIn.addIssue(standIn.gitlabMrs, 13, PERSON, { pull: { commits: ["b3"] } });
    standIn.addNote(mr, PERSON, summaryText("plan-summary", ".", "a person pasted a summary"));
    const text = summaryText("plan-summary", ".", "ours");

    const r = await run(["pr-comment", file(text), "--pr", "13"], gitlabEnv(standIn));

    expect(r.status).toBe(0);
    expect(mr.comments.map((n) => [n.author.login, n.body])).toEqual([
      [PERSON.login, summaryText("plan-summary", ".", "a person pasted a summary")],
      [GITLAB_BOT.login, text],
    ]);
  });
});
