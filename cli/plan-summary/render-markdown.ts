/**
 * The Markdown of a plan summary, for a pull request comment (GitHub/GitLab flavored), within a
 * size budget. Top to bottom: the hidden marker, the result (and each failing line), a banner of
 * every destroy and replacement with its cause, the review hints, the totals per stack, the
 * --reviewed check, the quota tables, then per stack a folded section (warnings, addresses per
 * action, outputs, a Mermaid diagram), and last the reviewed-plan fingerprint. Pure.
 *
 * Over budget, in this order: the diagrams are dropped (the biggest first), then the per-stack
 * lists and the review hints are cut (the biggest first: a hint found on every server is a sample
 * and a count, not a list that leaves no room for the addresses), then the other lists (amounts
 * known only after apply, differences from the review), then the failing lines, and the banner
 * last; each cut list ends with a line saying how many were left out and where the full text is.
 * Should that leave the banner short, the sections below the totals become one line each first.
 * The totals and quota tables and the fingerprint are never cut (render-budget.ts).
 */
import { FINGERPRINT_MAX_CHARS, fingerprintBlock } from "./fingerprint";
import { markerLine } from "./marker";
import { naturalCompare } from "./natural-sort";
import { bannerChunks } from "./render-banner";
import { type Chunk, fitToBudget, fixed } from "./render-budget";
import { renderDrift } from "./render-drift";
import { quotaChunks } from "./render-quota";
import { cutLine, stackChunks } from "./render-stack";
import { clip, code, count, joinBounded, plural, text } from "./render-text";
import type { PlanSummaryReport, StackReport } from "./report";
import type { ReviewHintFinding } from "./review-hints";

export interface RenderOptions {
  /**
   * The longest text to produce, in characters as JavaScript counts them (GitHub refuses a comment
   * over 65,536). The totals, the quota table and the destroys/replacements always show in full;
   * address lists are folded and cut with a line saying how many were left out and where.
   * @default no limit
   */
  readonly maxChars?: number;
  /** Where the full text is, for that line (Markdown), e.g. "the run's step summary (https://...)". */
  readonly fullTextAt?: string;
}

/** Where a cut line points when the caller did not say. */
export const DEFAULT_FULL_TEXT_AT = "the output of `egi-cdktf plan-summary --max-chars 0`";

/** The cut order: lower tiers go first. */
export const TIERS = { diagrams: 0, lists: 1, otherLists: 2, failures: 3, banner: 4 } as const;

/** Room the head of a summary needs at the least (marker, title, result, a cut note) besides the fingerprint. */
const MIN_HEAD = 1200;

function headChunks(report: PlanSummaryReport, fullTextAt: string): Chunk[] {
  const head = [markerLine({ kind: "plan-summary", app: report.app }), "## egi-cdktf plan summary", ""];
  const planned = report.stacks.filter((s) => s.status === "planned").length;
  const tried = report.stacks.filter((s) => s.status !== "unchanged").length;
  const unchanged = report.stacks.length - tried;
  const since = report.changedSince ? ` (${plural(unchanged, "stack")} unchanged since ${code(report.changedSince.ref, 100)}, not planned)` : "";
  if (report.ok) {
    return [fixed(...head, `:white_check_mark: **${planned} of ${tried} plans succeeded; nothing is over quota.**${since}`, "")];
  }
  const n = report.failures.length;
  return [
    fixed(...head, `:x: **${plural(n, "problem")}: fix before deploying.**${since}`, ""),
    { kind: "list", tier: TIERS.failures, items: report.failures.map((f) => `- :x: ${text(f)}`), cutLine: cutLine(["problem", "problems"], fullTextAt) },
    fixed(""),
  ];
}

/** A finding, and the reason its silence gives when the code silences it (review-hints.ts). */
type Hint = ReviewHintFinding & { readonly silenced?: string };

/** A stack's hints: in the order found (by hint), each hint's resources in natural order. */
function sortedHints(s: StackReport): Array<Hint & { stack: string }> {
  const hints = [...((s.hints ?? []) as readonly Hint[])];
  const firstSeen = new Map<string, number>();
  hints.forEach((h, i) => firstSeen.has(h.hint) || firstSeen.set(h.hint, i));
  return hints.sort((a, b) => firstSeen.get(a.hint)! - firstSeen.get(b.hint)! || naturalCompare(a.address, b.address)).map((h) => ({ ...h, stack: s.name }));
}

/** `ReviewHint.OPEN_TO_THE_WORLD` for "open-to-the-world": the constant the code silences it with. */
const hintConstant = (id: string): string => `ReviewHint.${id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;

/**
 * The hints to look at, as warnings, then those the code silences (folded, with their reasons):
 * a silence is reviewed code, and the reviewer still sees what no longer warns.
 */
function hintsChunks(stacks: readonly StackReport[], fullTextAt: string, compact: boolean): Chunk[] {
  const all = stacks.flatMap(sortedHints);
  if (all.length === 0) return [];
  const open = all.filter((h) => !h.silenced);
  const silenced = all.filter((h) => h.silenced);
  const line = (h: Hint & { stack: string }) => `${code(h.address)} in stack ${code(h.stack, 100)}: ${text(h.message, 400)} (${code(h.hint, 60)})`;
  const chunks: Chunk[] = [fixed(`### :mag: Review hints (${count(open.length)}${silenced.length ? `, ${count(silenced.length)} silenced` : ""})`, "")];
  if (compact) return [...chunks, fixed(clip(`Left out (comment size limit); they are in ${fullTextAt}.`), "")];
  if (open.length) {
    // A list per hint, cut like the address lists: each hint keeps some resources on show.
    for (const id of [...new Set(open.map((h) => h.hint))]) {
      const of = open.filter((h) => h.hint === id);
      chunks.push({ kind: "list", tier: TIERS.lists, items: of.map((h) => clip(`- :warning: ${line(h)}`)), cutLine: cutLine([`${code(id, 60)} hint`, `${code(id, 60)} hints`], fullTextAt) });
    }
    chunks.push(
      fixed("", `Each names one resource. When it is intended, silence it in code, with the reason, e.g. \`ReviewHints.of(scope).silence(${hintConstant(open[0].hint)}, "why")\`: it then shows as silenced, not as a warning.`, ""),
    );
  } else {
    chunks.push(fixed("None to look at: the code silences each one.", ""));
  }
  if (silenced.length) {
    chunks.push(
      fixed(`<details><summary>Silenced in code (${count(silenced.length)})</summary>`, ""),
      { kind: "list", tier: TIERS.lists, items: silenced.map((h) => clip(`- ${line(h)}; silenced: ${text(h.silenced ?? "", 300)}`)), cutLine: cutLine(["silenced hint", "silenced hints"], fullTextAt) },
      fixed("", "</details>", ""),
    );
  }
  return chunks;
}

function totalsRow(s: StackReport, report: PlanSummaryReport): string {
  const c = s.changes?.counts;
  if (s.status === "unchanged") return `| ${code(s.name, 100)} | unchanged since ${code(report.changedSince?.ref ?? "the base", 100)} | | | | |`;
  if (!c) return `| ${code(s.name, 100)} | :x: ${s.failure?.phase ?? "plan"} failed | | | | |`;
  const mark = s.failure ? ":x: " : "";
  return `| ${mark}${code(s.name, 100)} | ${count(c.add)} | ${count(c.change)} | ${count(c.replace)} | ${count(c.destroy)} | ${count(s.changes!.outputs.length)} |`;
}

function totalsChunks(report: PlanSummaryReport): Chunk[] {
  const lines = ["### Totals", ""];
  const since = report.changedSince;
  if (since) lines.push(`Planned only the stacks whose synthesized folder differs from ${code(since.ref, 100)} (${code(since.base.slice(0, 12), 20)}).`, "");
  lines.push("| Stack | Add | Change | Replace | Destroy | Outputs changing |", "| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const s of report.stacks) lines.push(totalsRow(s, report));
  const planned = report.stacks.filter((s) => s.changes);
  if (planned.length > 1) {
    const sum = (f: (s: StackReport) => number) => count(planned.reduce((n, s) => n + f(s), 0));
    const c = (a: "add" | "change" | "replace" | "destroy") => sum((s) => s.changes!.counts[a]);
    lines.push(`| **all stacks** | ${c("add")} | ${c("change")} | ${c("replace")} | ${c("destroy")} | ${sum((s) => s.changes!.outputs.length)} |`);
  }
  lines.push("");
  if (since?.removed.length) {
    const names = joinBounded(since.removed.map((n) => code(n, 100)));
    lines.push(`No longer in the app since ${code(since.ref, 100)}: ${names}. Removing a stack from the app does not destroy its resources: \`cdktf destroy\` it first.`, "");
  }
  return [fixed(...lines)];
}

function reviewedChunks(report: PlanSummaryReport, fullTextAt: string, compact: boolean): Chunk[] {
  const r = report.reviewed;
  if (!r) return [];
  const head = ["### Reviewed plan", ""];
  if (r.ok) return [fixed(...head, `:white_check_mark: The plans do nothing beyond the reviewed summary ${code(r.file, 200)}.`, "")];
  // The differences are among the failing lines too: compact, the section only counts them.
  if (r.differences.length === 0 || compact) return [fixed(...head, `:x: The plans do ${plural(r.differences.length, "thing")} beyond the reviewed summary ${code(r.file, 200)}.`, "")];
  return [
    fixed(...head, `:x: **${plural(r.differences.length, "change")} beyond the reviewed summary ${code(r.file, 200)}:**`, ""),
    { kind: "list", tier: TIERS.otherLists, items: r.differences.map((d) => `- ${text(d.message)}`), cutLine: cutLine(["difference from the review", "differences from the review"], fullTextAt) },
    fixed(""),
  ];
}

/** The fingerprint and the footer, never cut; the fingerprint gives way only when it alone would not fit. */
function tailLines(report: PlanSummaryReport, max: number): string[] {
  const footer = `<sub>${report.terraform.binary}${report.terraform.version ? ` ${report.terraform.version}` : ""}, ${(report.durationMs / 1000).toFixed(1)} s</sub>`;
  // Under a small limit (--max-chars 4000 is allowed), a smaller block: hashes and counts, fewer lists.
  const fingerprint = fingerprintBlock(report.stacks, max < 4 * FINGERPRINT_MAX_CHARS ? { maxChars: Math.floor(max / 4) } : {});
  if (!fingerprint) return [footer, ""];
  if (fingerprint.length + footer.length + MIN_HEAD <= max) return [fingerprint, "", footer, ""];
  const warning = `:warning: The reviewed-plan fingerprint (${count(fingerprint.length)} characters) does not fit in this summary's limit of ${count(max)}: \`--reviewed\` cannot check against it. Raise --max-chars.`;
  return [warning, "", footer, ""];
}

export function renderMarkdown(report: PlanSummaryReport, options: RenderOptions = {}): string {
  if (report.mode === "drift") return renderDrift(report, options);
  const max = options.maxChars && options.maxChars > 0 ? options.maxChars : Number.POSITIVE_INFINITY;
  const fullTextAt = clip(options.fullTextAt ?? DEFAULT_FULL_TEXT_AT, 400);

  const stackOptions = { listTier: TIERS.lists, diagramTier: TIERS.diagrams, fullTextAt };
  const perStack = report.stacks.flatMap((s) => stackChunks(s, stackOptions));
  const chunks = (compact: boolean): Chunk[] => [
    ...headChunks(report, fullTextAt),
    ...bannerChunks(report.stacks, TIERS.banner, fullTextAt),
    ...hintsChunks(report.stacks, fullTextAt, compact),
    ...totalsChunks(report),
    ...reviewedChunks(report, fullTextAt, compact),
    ...quotaChunks(report, TIERS.otherLists, fullTextAt),
    ...(perStack.length === 0 ? [] : compact ? [fixed("### Changes per stack", "", clip(`Left out (comment size limit); they are in ${fullTextAt}.`), "")] : [fixed("### Changes per stack", ""), ...perStack]),
  ];
  const tail = tailLines(report, max).join("\n");
  const note = clip(`**… the summary is cut here (comment size limit): the rest is in ${fullTextAt}.**`);
  const budget = max - tail.length - 1;
  let fitted = fitToBudget(chunks(false), budget, note);
  if (fitted.hardCut || fitted.cut.has(TIERS.failures) || fitted.cut.has(TIERS.banner)) {
    // Even with their lists cut to nothing, the sections below the totals (their headings, tags and
    // prose) left too little room: as one line each, the failing lines and the banner keep theirs.
    fitted = fitToBudget(chunks(true), budget, note);
  }
  const { lines } = fitted;
  const out = `${lines.join("\n")}\n${tail}`;
  // Unreachable for any limit plan-summary accepts (4000 and up); a guarantee all the same.
  return out.length <= max ? out : out.slice(0, max);
}
