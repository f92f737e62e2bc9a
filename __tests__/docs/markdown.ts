/**
 * Markdown as GitHub renders it, as far as the docs tests need: headings and their anchors
 * (github-slugger's rules), relative links, and the code (fenced blocks and `spans`) a page shows.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");

/** The pages whose links and commands must stay true, relative to `root`: README.md, docs/*.md, bench/README.md, examples/**\/*.md. */
export function documentedPages(root = REPO): string[] {
  const exists = (rel: string) => fs.existsSync(path.join(root, rel));
  const mdIn = (dir: string, recursive: boolean) =>
    exists(dir)
      ? (fs.readdirSync(path.join(root, dir), { recursive }) as string[])
          .filter((f) => f.endsWith(".md"))
          .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
      : [];
  return [...["README.md", "bench/README.md"].filter(exists), ...mdIn("docs", false), ...mdIn("examples", true)].sort();
}

/** github-slugger's slug of a heading's text: lower case, everything but letters, marks, digits, `_`, `-` and spaces dropped, each space a `-`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The text GitHub slugs for a heading's source: code spans, emphasis and links reduced to their text. */
export function headingText(source: string): string {
  return source
    .replace(/\s+#+\s*$/, "") // closing sequence
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/(`+)(.+?)\1/g, "$2") // code spans: their content
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, "$1$2")
    .trim();
}

/** Each line of `markdown`, `true` where it is inside a fenced code block (the fences included). */
function fencedLines(lines: readonly string[]): boolean[] {
  const inside: boolean[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && m) {
      fence = m[1];
      inside.push(true);
    } else if (fence !== undefined) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
      inside.push(true);
    } else inside.push(false);
  }
  return inside;
}

/** The anchors of a page's headings (ATX headings outside code blocks), duplicates numbered `-1`, `-2` as GitHub does. */
export function anchors(markdown: string): string[] {
  const lines = markdown.split("\n");
  const fenced = fencedLines(lines);
  const seen = new Map<string, number>();
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = /^ {0,3}#{1,6}\s+(.*)$/.exec(line);
    if (fenced[i] || !m) return;
    const base = slug(headingText(m[1]));
    let anchor = base;
    while (seen.has(anchor)) {
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      anchor = `${base}-${n}`;
    }
    seen.set(anchor, 0);
    out.push(anchor);
  });
  return out;
}

/** A piece of code a page shows: one line of a fenced block, or one inline code span. */
export interface ShownCode {
  readonly line: number;
  readonly text: string;
  readonly kind: "block" | "span";
}

/** The page with fenced blocks and code spans blanked (newlines kept, so offsets still give line numbers), and the code itself. */
function splitCode(markdown: string): { prose: string; code: ShownCode[] } {
  const lines = markdown.split("\n");
  const fenced = fencedLines(lines);
  const code: ShownCode[] = [];
  lines.forEach((text, i) => {
    if (fenced[i] && !/^\s*(`{3,}|~{3,})/.test(text)) code.push({ line: i + 1, text, kind: "block" });
  });
  const outside = lines.map((l, i) => (fenced[i] ? "" : l)).join("\n");
  const lineAt = (offset: number) => outside.slice(0, offset).split("\n").length;
  const prose = outside.replace(/(`+)((?:(?!\n[ \t]*\n)[\s\S])+?)\1(?!`)/g, (whole, _ticks: string, inner: string, offset: number) => {
    code.push({ line: lineAt(offset), text: inner.replace(/\s*\n\s*/g, " ").trim(), kind: "span" });
    return whole.replace(/[^\n]/g, " ");
  });
  return { prose, code: code.sort((a, b) => a.line - b.line) };
}

/** Every fenced-block line and code span of a page. */
export function shownCode(markdown: string): ShownCode[] {
  return splitCode(markdown).code;
}

/** A link written in a page's prose (inline `[text](target)`, image, or `[ref]: target` definition). */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

export function links(markdown: string): MarkdownLink[] {
  const { prose } = splitCode(markdown);
  const lineAt = (offset: number) => prose.slice(0, offset).split("\n").length;
  const out: MarkdownLink[] = [];
  for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) out.push({ line: lineAt(m.index), target: m[1] });
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push({ line: lineAt(m.index), target: m[1] });
  return out.sort((a, b) => a.line - b.line);
}

/**
 * The relative links of `page` (a path under `root`) that do not resolve: a file or folder that does
 * not exist, or a `#anchor` that no heading of the target Markdown page has. One line each,
 * `page:line: target: what is wrong`. External links (any scheme, `//host`) are not followed.
 */
export function brokenLinks(root: string, page: string): string[] {
  const text = fs.readFileSync(path.join(root, page), "utf8");
  const problems: string[] = [];
  for (const { line, target } of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
    const hash = target.indexOf("#");
    const file = decodeURIComponent(hash >= 0 ? target.slice(0, hash) : target);
    const anchor = hash >= 0 ? decodeURIComponent(target.slice(hash + 1)) : undefined;
    const where = `${page}:${line}: ${target}`;
    const resolved = file === "" ? path.join(root, page) : path.resolve(path.join(root, path.dirname(page)), file);
    if (file === "" && anchor === undefined) problems.push(`${where}: empty link`);
    else if (!resolved.startsWith(root + path.sep) && resolved !== root) problems.push(`${where}: leaves the repository`);
    else if (!fs.existsSync(resolved)) problems.push(`${where}: no such file ${path.relative(root, resolved)}`);
    else if (anchor !== undefined) {
      if (!resolved.endsWith(".md")) problems.push(`${where}: an anchor into a file that is not Markdown`);
      else if (!anchors(fs.readFileSync(resolved, "utf8")).includes(anchor)) {
        problems.push(`${where}: no heading of ${path.relative(root, resolved)} has the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** Folders whose code and texts may point at a docs page (`docs/team-state.md#waiting-for-the-lock`) in messages and comments. */
const POINTING_FOLDERS = ["auth", "cli", "constructs", "stacks", "examples", "scripts", "site", "bench", "frameworks/cdktn", "__tests__", ".ci"];
const SKIPPED = new Set(["node_modules", "pkg", "docs"]);

/**
 * The `docs/PAGE.md` and `docs/PAGE.md#anchor` pointers written in the repository's code and texts
 * outside docs/ (not in __tests__/docs, whose fixtures name missing pages on purpose) that do not
 * resolve, one line each as `file:line: pointer: what is wrong`.
 */
export function brokenDocPointers(root = REPO): string[] {
  const problems: string[] = [];
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      if (rel === path.join("__tests__", "docs")) return;
      for (const entry of fs.readdirSync(abs)) if (!SKIPPED.has(entry)) visit(path.join(rel, entry));
      return;
    }
    if (!/\.(ts|js|sh|ya?ml|md|tpl|json)$|^run$/.test(path.basename(rel)) || fs.statSync(abs).size > 1_000_000) return;
    fs.readFileSync(abs, "utf8")
      .split("\n")
      .forEach((text, i) => {
        for (const m of text.matchAll(/\bdocs\/([a-z0-9-]+\.md)(?:#([\w-]+))?/g)) {
          const page = path.join(root, "docs", m[1]);
          const at = `${rel}:${i + 1}: ${m[0]}`;
          if (!fs.existsSync(page)) problems.push(`${at}: no such page`);
          else if (m[2] !== undefined && !anchors(fs.readFileSync(page, "utf8")).includes(m[2])) problems.push(`${at}: no heading has the anchor #${m[2]}`);
        }
      });
  };
  for (const folder of POINTING_FOLDERS) visit(folder);
  return problems;
}
