/**
 * egi-cdktf drift-issue against the stand-in GitHub and GitLab APIs (forge-stand-in.ts): one open
 * issue labelled egi-cdktf-drift per app while its drift lasts (opened, then updated), closed with a
 * comment when a report says no drift; other apps' drift issues and other issues left alone. And
 * driftFoundIn, the reading of a report's verdict the command relies on.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { driftFoundIn, driftFoundLine } from "../../../cli/forge/drift-found";
import { expectOneLineError } from "../../support/cli-output";
import { ForgeStandIn, GITHUB_BOT, GITHUB_BOT_TOKEN, GITLAB_BOT, GITLAB_BOT_TOKEN, githubEnv, gitlabEnv, PERSON, type StandInIssue, standInWithBots, summaryText } from "../../support/forge-stand-in";
import { runMain as run } from "../../support/run-main";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const TOKENS = [GITHUB_BOT_TOKEN, GITLAB_BOT_TOKEN];
let standIn: ForgeStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await standInWithBots();
  dir = tempDir(`egi-drift-issue-${process.pid}-`);
});
afterAll(async () => standIn?.close());

let files = 0;
function report(app: string, found: boolean | "unknown", text: string): { file: string; body: string } {
  const body = summaryText("drift", app, `<!-- egi-cdktf:drift-found ${found === "unknown" ? "unknown" : found ? "yes" : "no"} -->\n${text}`);
  const file = path.join(dir, `drift-${++files}.md`);
  fs.writeFileSync(file, body);
  return { file, body };
}

const forges = [
  { name: "GitHub", env: () => githubEnv(standIn), issues: () => standIn.github, bot: GITHUB_BOT, label: (i: StandInIssue) => i.labels },
  { name: "GitLab", env: () => gitlabEnv(standIn), issues: () => standIn.gitlabIssues, bot: GITLAB_BOT, label: (i: StandInIssue) => i.labels },
];

describe.each(forges)("drift-issue on the stand-in $name", (forge) => {
  test("GIVEN drift, then more drift, then none WHEN drift-issue runs after each report THEN one labelled issue is opened, updated in place, then closed with a comment; the other app's and a person's issues stay", async () => {
    const app = `apps/${forge.name.toLowerCase()}`;
    const other = standIn.addIssue(forge.issues(), 1, forge.bot, { title: "Drift of another app", body: summaryText("drift", "apps/other", "other drift"), labels: ["egi-cdktf-drift"] });
    const person = standIn.addIssue(forge.issues(), 2, PERSON, { title: "Quota", body: summaryText("drift", app, "a person's copy"), labels: ["egi-cdktf-drift"] });
    const first = report(app, true, "openstack_compute_instance_v2.web: deleted");
    const second = report(app, true, "openstack_compute_instance_v2.web: deleted\nopenstack_networking_secgroup_v2.ssh: changed");
    const none = report(app, false, "No drift.");

    const opened = await run(["drift-issue", first.file], forge.env());
    const created = [...forge.issues().values()].filter((i) => i.number > 2);
    const updated = await run(["drift-issue", second.file], forge.env());
    const closed = await run(["drift-issue", none.file], forge.env());

    expect([opened.status, updated.status, closed.status]).toEqual([0, 0, 0]);
    expect(created).toHaveLength(1);
    const issue = created[0];
    expect(issue).toMatchObject({ author: forge.bot, labels: ["egi-cdktf-drift"], body: second.body, state: "closed" });
    expect(issue.title).toContain(app);
    expect(issue.comments.map((c) => c.body)).toEqual([expect.stringContaining("No drift any more")]);
    expect(opened.stdout).toBe(updated.stdout);
    expect(opened.stdout).toMatch(new RegExp(`/issues/${issue.number}\\n$`));
    expect([other.state, other.body, person.state, person.comments.length]).toEqual(["open", summaryText("drift", "apps/other", "other drift"), "open", 0]);
    expect([...forge.issues().values()]).toHaveLength(3);
  });

  test("GIVEN no drift and no open drift issue WHEN drift-issue runs THEN nothing is written", async () => {
    const before = standIn.requests.length;

    const r = await run(["drift-issue", report("apps/calm", false, "No drift.").file], forge.env());

    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("nothing to do");
    expect(standIn.requests.slice(before).filter((q) => q.method !== "GET")).toEqual([]);
  });
  test("GIVEN an open drift issue and a report that found no drift but could not check a stack WHEN drift-issue runs THEN exit 1, one line, and the issue stays open and unchanged", async () => {
    const app = `apps/partial-${forge.name}`;
    const opened = await run(["drift-issue", report(app, true, "Drift found.").file], forge.env());
    const before = standIn.requests.length;

    const r = await run(["drift-issue", report(app, "unknown", "1 problem: this stack was not checked for drift.").file], forge.env());

    expect(opened.status).toBe(0);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+: some stacks could not be checked for drift \(plan-summary --drift exited 1\); the drift issue is left as it is\n$/);
    expect(standIn.requests.slice(before)).toEqual([]);
    const issue = [...forge.issues().values()].find((i) => i.title.includes(app))!;
    expect([issue.state, issue.comments.length]).toEqual(["open", 0]);
  });
});

describe("drift-issue usage errors (stand-in)", () => {
  test.each`
    given                                   | text                                                                          | mentions
    ${"a plan summary, not a drift report"} | ${summaryText("plan-summary", ".", "plan")}                                   | ${["is a plan-summary report, not a drift report", "plan-summary --drift"]}
    ${"no marker"}                          | ${"## drift\n\nNo drift.\n"}                                                  | ${["no egi-cdktf marker on its first line"]}
    ${"no verdict"}                         | ${summaryText("drift", ".", "something happened")}                            | ${["says neither", "<!-- egi-cdktf:drift-found yes -->"]}
  `("GIVEN FILE with $given WHEN drift-issue runs THEN exit 2, one line, nothing sent", async ({ text, mentions }) => {
    const file = path.join(dir, `bad-${++files}.md`);
    fs.writeFileSync(file, text);
    const before = standIn.requests.length;

    const r = await run(["drift-issue", file], githubEnv(standIn));

    expect(r.status).toBe(2);
    expectOneLineError(r, mentions, TOKENS);
    expect(standIn.requests.length).toBe(before);
  });

  test("GIVEN a token without issues: write WHEN drift-issue would open an issue THEN exit 1, one line with HTTP 403 and issues: write", async () => {
    const readOnly = "ghs_NoIssues2Lm9PzR4tV8wK1nB6cY3dF5hJ0sA";
    standIn.addToken(readOnly, { user: GITHUB_BOT, integration: true, write: false });

    const r = await run(["drift-issue", report("apps/ro", true, "drifted").file], githubEnv(standIn, { GITHUB_TOKEN: readOnly }));

    expect(r.status).toBe(1);
    expectOneLineError(r, ["HTTP 403", "issues: write"], [readOnly]);
  });
});

describe("driftFoundIn", () => {
  test.each`
    given                                                  | markdown                                                                              | expected
    ${"the hidden yes line"}                               | ${`<!-- egi-cdktf:drift app=. -->\n${driftFoundLine(true)}\n## Drift\n`}             | ${true}
    ${"the hidden no line"}                                | ${"<!-- egi-cdktf:drift app=. -->\n<!-- egi-cdktf:drift-found no -->\n"}              | ${false}
    ${"the hidden line winning over prose"}                | ${"<!-- egi-cdktf:drift-found yes -->\nNo drift in stack a.\n"}                        | ${true}
    ${"no hidden line, a No drift line near the top"}      | ${"<!-- egi-cdktf:drift app=. -->\n## egi-cdktf drift report\n\nNo drift.\n"}         | ${false}
    ${"no hidden line, a bold Drift found line"}           | ${"<!-- egi-cdktf:drift app=. -->\n\n**Drift found** in 2 stacks\n"}                   | ${true}
    ${"neither"}                                           | ${"<!-- egi-cdktf:drift app=. -->\n## report\n"}                                      | ${undefined}
  `("GIVEN $given WHEN read THEN $expected", ({ markdown, expected }) => {
    expect(driftFoundIn(markdown)).toBe(expected);
  });

  test("GIVEN the line driftFoundLine writes WHEN read THEN it is the exact text the drift report carries", () => {
    expect([driftFoundLine(true), driftFoundLine(false)]).toEqual(["<!-- egi-cdktf:drift-found yes -->", "<!-- egi-cdktf:drift-found no -->"]);
  });
});
