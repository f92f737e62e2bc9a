/**
 * Every command the README and docs/ show stays a command that exists: each `egi-cdktf COMMAND` is
 * registered and each of its `--flags` is in that command's usage text; each `npm run SCRIPT` is a
 * script of package.json. The CLI's texts are read in this process (`--help`), nothing is spawned.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { anchors, documentedPages, headingText, REPO, shownCode } from "./markdown";
import { repositoryRegistry, shownCommandProblems, shownUses, synopsis, type ToolRegistry } from "./shown-commands";

const FIXTURE_TOOLS: ToolRegistry = {
  usage: new Map([
    ["token", "Usage: egi-cdktf token [--verbose] [--site NAME --vo VO]\n\n  --auth-url URL   OS_AUTH_URL"],
    ["exec", "Usage: egi-cdktf exec [--site NAME] -- COMMAND [ARGS...]"],
  ]),
  scripts: new Set(["synth", "test"]),
};

describe("the check of shown commands", () => {
  test.each([
    ["a registered command with its flags", "```sh\nnpx egi-cdktf token --verbose --auth-url=https://k:5000/v3   # --nope in a comment\n```", []],
    ["flags after -- belong to the command run", "`egi-cdktf exec -- terraform plan -lock=false`", []],
    ["a $(...) around the command", '```sh\nexport OS_TOKEN=$(egi-cdktf token --verbose) && other --nope\n```', []],
    ["usage brackets", "`egi-cdktf token [--site NAME --vo VO]`", []],
    ["a placeholder and the top-level help", "`egi-cdktf COMMAND --help`, `npx egi-cdktf --help`, `egi-cdktf.sites.json`", []],
    ["npm scripts that exist", "```sh\nnpm ci\nnpm run synth\nnpm test\n```", []],
    ["an unknown command", "`egi-cdktf tokn`", ["p.md:1: egi-cdktf tokn: no such command (commands: token, exec)"]],
    ["an unknown flag", "text\n\n```sh\negi-cdktf token --verbose --no-such-flag\n```", ["p.md:4: egi-cdktf token --no-such-flag: not in egi-cdktf token --help"]],
    ["a flag of another command", "`egi-cdktf exec --verbose -- x`", ["p.md:1: egi-cdktf exec --verbose: not in egi-cdktf exec --help"]],
    ["a flag that only starts like a real one", "`egi-cdktf token --site-name X`", ["p.md:1: egi-cdktf token --site-name: not in egi-cdktf token --help"]],
    ["an unknown npm script", "`npm run site:upp`", ['p.md:1: npm run site:upp: package.json has no script "site:upp"']],
  ])("GIVEN %s WHEN checked THEN the problems are %j", (_what, markdown, problems) => {
    expect(shownCommandProblems("p.md", markdown, FIXTURE_TOOLS)).toEqual(problems);
  });
});

describe("the repository's documentation", () => {
  let tools: ToolRegistry;
  beforeAll(async () => {
    tools = await repositoryRegistry();
  });
  const pages = documentedPages().filter((p) => p === "README.md" || p.startsWith("docs/"));
  const read = (page: string) => fs.readFileSync(path.join(REPO, page), "utf8");

  test("GIVEN the CLI WHEN its commands are listed in this process THEN the registry is read (init, token, plan-summary among them)", () => {
    expect([...tools.usage.keys()]).toEqual(expect.arrayContaining(["init", "token", "plan-summary"]));
    for (const [name, usage] of tools.usage) expect([name, usage.includes(`egi-cdktf ${name}`)]).toEqual([name, true]);
  });

  test.each(pages)("GIVEN %s WHEN the commands, flags and npm scripts it shows are checked THEN each exists", (page) => {
    expect(shownCommandProblems(page, read(page), tools)).toEqual([]);
  });

  test("GIVEN the README and docs/ WHEN the commands they show are collected THEN every registered command is shown, with flags", () => {
    const uses = pages.flatMap((page) => shownUses(page, read(page)));
    const shown = new Set(uses.filter((u) => u.tool === "egi-cdktf").map((u) => u.name));
    expect([...tools.usage.keys()].filter((name) => !shown.has(name))).toEqual([]);
    expect(uses.filter((u) => u.flags.length > 0).length).toBeGreaterThan(10);
    expect(uses.filter((u) => u.tool === "npm").map((u) => u.name)).toEqual(expect.arrayContaining(["synth", "test", "test:site"]));
  });

  test("GIVEN the CLI reference WHEN read THEN every registered command has its own heading and its synopsis, as its usage text says it", () => {
    const page = read("docs/cli-reference.md");
    const headings = page.split("\n").filter((l) => /^#{2,3} /.test(l)).map((l) => headingText(l.replace(/^#+ /, "")));
    const blocks = shownCode(page)
      .filter((c) => c.kind === "block")
      .map((c) => c.text.trim());
    const missing = [...tools.usage].flatMap(([name, usage]) => [
      ...(headings.some((h) => h.includes(`egi-cdktf ${name}`)) ? [] : [`${name}: no heading`]),
      ...synopsis(usage)
        .filter((line) => !blocks.includes(line))
        .map((line) => `${name}: synopsis line not shown: ${line}`),
    ]);
    expect(missing).toEqual([]);
    expect(anchors(page)).toContain("egi-cdktf-token");
  });
});
