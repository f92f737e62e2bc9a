/**
 * The README and docs/ link to each other by page and heading: every relative link must name a file
 * that exists and, with a #anchor, a heading of that page (GitHub's anchors). No network.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";
import { anchors, brokenDocPointers, brokenLinks, documentedPages, headingText, links, REPO, slug } from "./markdown";

const tempDir = tempDirsRemovedAfterAll();

describe("the slugger", () => {
  test.each([
    ["Quick start", "quick-start"],
    ["Team state in PostgreSQL (`TeamState.postgres`)", "team-state-in-postgresql-teamstatepostgres"],
    ["Start a new app (`egi-cdktf init`)", "start-a-new-app-egi-cdktf-init"],
    ["Interrupted deploys, stale locks and `force-unlock`", "interrupted-deploys-stale-locks-and-force-unlock"],
    ["The local site's state database (`site/state/`)", "the-local-sites-state-database-sitestate"],
    ["Provider bindings (`.gen/`)", "provider-bindings-gen"],
    ["Node.js versions", "nodejs-versions"],
    ["cdktf or CDK Terrain (cdktn)", "cdktf-or-cdk-terrain-cdktn"],
    ["Plan summary for pull requests, with a quota check", "plan-summary-for-pull-requests-with-a-quota-check"],
    ["Deploys longer than a token ##", "deploys-longer-than-a-token"],
    ["**Bold** and _emphasis_ with snake_case", "bold-and-emphasis-with-snake_case"],
    ["A [linked](https://example.org) word", "a-linked-word"],
    ["Two  spaces", "two--spaces"],
    ["Ünïcode — dash", "ünïcode--dash"],
  ])("GIVEN the heading %j WHEN slugged THEN its anchor is %j", (heading, anchor) => {
    expect(slug(headingText(heading))).toBe(anchor);
  });

  test("GIVEN headings that repeat WHEN their anchors are listed THEN the repeats get -1, -2 and headings in code blocks none", () => {
    const page = "# Notes\n\n## Notes\n\n```sh\n# Notes\n```\n\n### Notes\n\n## Notes-1\n";
    expect(anchors(page)).toEqual(["notes", "notes-1", "notes-2", "notes-1-1"]);
  });
});

describe("links in a page", () => {
  test("GIVEN links in prose, in code and as references WHEN listed THEN only the prose and reference links count, with their lines", () => {
    const page = "See [a](a.md#x) and `[b](b.md)`.\n\n```md\n[c](c.md)\n```\n\n![img](pic.png \"title\")\n\n[ref]: docs/ref.md\n";
    expect(links(page)).toEqual([
      { line: 1, target: "a.md#x" },
      { line: 7, target: "pic.png" },
      { line: 9, target: "docs/ref.md" },
    ]);
  });

  test("GIVEN a fixture repository with a missing page, a missing anchor and good links WHEN checked THEN exactly the two broken ones are reported", () => {
    const root = tempDir("docs-links-");
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "docs", "a.md"), "# A\n\n## Team state in PostgreSQL (`TeamState.postgres`)\n\nBack to [the README](../README.md#quick-start).\n");
    fs.writeFileSync(
      path.join(root, "README.md"),
      [
        "# Project",
        "## Quick start",
        "[good](docs/a.md#team-state-in-postgresql-teamstatepostgres), [here](#quick-start), [folder](docs/), [web](https://example.org/x#y)",
        "[gone](docs/missing.md)",
        "[wrong anchor](docs/a.md#team-state)",
      ].join("\n"),
    );
    expect(brokenLinks(root, "README.md")).toEqual([
      "README.md:4: docs/missing.md: no such file docs/missing.md",
      "README.md:5: docs/a.md#team-state: no heading of docs/a.md has the anchor #team-state",
    ]);
    expect(brokenLinks(root, "docs/a.md")).toEqual([]);
  });

  test("GIVEN a fixture repository whose code points at a missing page and a missing anchor WHEN checked THEN both are reported, the good pointer not", () => {
    const root = tempDir("docs-pointers-");
    fs.mkdirSync(path.join(root, "docs"));
    fs.mkdirSync(path.join(root, "cli"));
    fs.writeFileSync(path.join(root, "docs", "team-state.md"), "# Team state\n\n## Waiting for the lock\n");
    fs.writeFileSync(
      path.join(root, "cli", "message.ts"),
      'const a = "see docs/team-state.md#waiting-for-the-lock";\nconst b = "see docs/team-state.md#waiting";\nconst c = "see docs/gone.md";\n',
    );
    expect(brokenDocPointers(root)).toEqual([
      "cli/message.ts:2: docs/team-state.md#waiting: no heading has the anchor #waiting",
      "cli/message.ts:3: docs/gone.md: no such page",
    ]);
  });
});

describe("the repository's documentation", () => {
  const pages = documentedPages();

  test("GIVEN the repository WHEN its documented pages are listed THEN the README, the docs index and bench/README.md are among them", () => {
    expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "bench/README.md"]));
  });

  test.each(pages)("GIVEN %s WHEN its relative links are followed THEN each names an existing file and heading", (page) => {
    expect(brokenLinks(REPO, page)).toEqual([]);
  });

  test.each(pages.filter((p) => p.startsWith("docs/") && p !== "docs/README.md"))(
    "GIVEN %s WHEN its first lines are read THEN it has a title and links back to the docs index",
    (page) => {
      const [title, blank, summary] = fs.readFileSync(path.join(REPO, page), "utf8").split("\n");
      expect([title.startsWith("# "), blank, summary.includes("](README.md)")]).toEqual([true, "", true]);
    },
  );

  test("GIVEN docs/README.md WHEN read THEN it links every page of docs/", () => {
    const index = links(fs.readFileSync(path.join(REPO, "docs", "README.md"), "utf8")).map((l) => l.target.split("#")[0]);
    const docs = pages.filter((p) => p.startsWith("docs/") && p !== "docs/README.md").map((p) => path.basename(p));
    expect(docs.filter((d) => !index.includes(d))).toEqual([]);
  });

  test("GIVEN the code, tests and scripts WHEN their docs/PAGE.md#anchor pointers are followed THEN each names an existing page and heading", () => {
    expect(brokenDocPointers()).toEqual([]);
  });
});
