/**
 * The commands a page shows in its code, checked against what exists: each `egi-cdktf COMMAND` a
 * registered command, each of its `--flags` in that command's usage text, each `npm run SCRIPT` (and
 * `npm test`) a script of package.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";
import { REPO, shownCode } from "./markdown";

/** What the docs may show: the CLI's commands with their usage texts, and package.json's scripts. */
export interface ToolRegistry {
  readonly usage: ReadonlyMap<string, string>;
  readonly scripts: ReadonlySet<string>;
}

async function printed(argv: string[]): Promise<string> {
  let out = "";
  await main(argv, { stdout: (t) => void (out += t), stderr: () => undefined, env: {} });
  return out;
}

/** The commands `egi-cdktf --help` lists (the CLI's own table), each with the text `egi-cdktf COMMAND --help` prints; run in this process, nothing spawned. */
export async function cliUsage(): Promise<Map<string, string>> {
  const help = await printed(["--help"]);
  const section = help.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? "";
  const names = [...section.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error(`egi-cdktf --help lists no commands:\n${help}`);
  const usage = new Map<string, string>();
  for (const name of names) usage.set(name, await printed([name, "--help"]));
  return usage;
}

export async function repositoryRegistry(): Promise<ToolRegistry> {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return { usage: await cliUsage(), scripts: new Set(Object.keys(pkg.scripts)) };
}

/** The lines of a usage text before its first blank line, without `Usage: `: the command's synopsis. */
export function synopsis(usage: string): string[] {
  return usage
    .split(/\n\s*\n/)[0]
    .split("\n")
    .map((l) => l.replace(/^Usage:\s*/, "").trim());
}

/** A shell word as written, with the brackets, quotes and parentheses of usage and `$(...)` syntax around it removed. */
const bare = (word: string) => word.replace(/^[[("'$]+/, "").replace(/[\])"',;]+$/, "");
/** A shell operator, or `--` (the end of the options): the words after it are not the command's. */
const OPERATOR = /^(\||\|\||&&|;|>|>>|<|2>|&|--)$/;
/** A word that closes the `$(...)` the command is in. */
const closes = (word: string) => /\)["']?;?$/.test(word);
const FLAG = /^--?[a-z][a-z0-9-]*$/;

/** Whether `usage` names `flag` as an option (at a word boundary, not inside a longer flag). */
const inUsage = (usage: string, flag: string) => new RegExp(`(^|[\\s\\[(|,])${flag.replace(/[-]/g, "\\-")}(?![a-z0-9-])`, "m").test(usage);

/** A command a page shows: `egi-cdktf COMMAND` with the flags written after it, or `npm run SCRIPT` / `npm test`. */
export interface ShownUse {
  readonly at: string;
  readonly tool: "egi-cdktf" | "npm";
  readonly name: string;
  readonly flags: readonly string[];
}

/** The commands shown in `markdown`'s code blocks and spans (shell comments in blocks left out), each with `page:line`. */
export function shownUses(page: string, markdown: string): ShownUse[] {
  const uses: ShownUse[] = [];
  for (const { line, text, kind } of shownCode(markdown)) {
    const code = kind === "block" ? text.replace(/(^|\s)#.*$/, "") : text;
    const words = code.split(/\s+/).filter(Boolean);
    const at = `${page}:${line}`;
    words.forEach((word, i) => {
      if (bare(word) === "egi-cdktf" && !word.includes(".")) {
        const use = egiCdktfUse(words.slice(i + 1));
        if (use) uses.push({ at, tool: "egi-cdktf", ...use });
      }
      if (word === "npm" && (words[i + 1] === "run" || words[i + 1] === "run-script") && words[i + 2]) uses.push({ at, tool: "npm", name: bare(words[i + 2]), flags: [] });
      if (word === "npm" && words[i + 1] === "test") uses.push({ at, tool: "npm", name: "test", flags: [] });
    });
  }
  return uses;
}

function egiCdktfUse(args: string[]): { name: string; flags: string[] } | undefined {
  const [first, ...rest] = args;
  if (first === undefined || OPERATOR.test(first)) return undefined;
  const name = bare(first);
  // COMMAND, SERVER, ...: a placeholder in prose, not a command; --help: the top-level help
  if (/^[A-Z][A-Z_.]*$/.test(name) || name === "" || name === "--help" || name === "-h") return undefined;
  const flags: string[] = [];
  for (const word of closes(first) ? [] : rest) {
    if (OPERATOR.test(word)) break;
    const flag = bare(word).split("=")[0];
    if (FLAG.test(flag)) flags.push(flag);
    if (closes(word)) break;
  }
  return { name, flags };
}

/** One problem per command, flag or script shown in `markdown` that does not exist, as `page:line: what`. */
export function shownCommandProblems(page: string, markdown: string, tools: ToolRegistry): string[] {
  return shownUses(page, markdown).flatMap(({ at, tool, name, flags }): string[] => {
    if (tool === "npm") return tools.scripts.has(name) ? [] : [`${at}: npm run ${name}: package.json has no script "${name}"`];
    const usage = tools.usage.get(name);
    if (usage === undefined) return [`${at}: egi-cdktf ${name}: no such command (commands: ${[...tools.usage.keys()].join(", ")})`];
    return flags
      .filter((flag) => flag !== "--help" && flag !== "-h" && !inUsage(usage, flag))
      .map((flag) => `${at}: egi-cdktf ${name} ${flag}: not in egi-cdktf ${name} --help`);
  });
}
