/**
 * The Markdown of a --drift report (for the drift issue): per stack the resources changed outside
 * terraform and how, within the same size budget as a plan summary.
 *
 * Its first line is the drift marker (how `egi-cdktf pr-comment` and `drift-issue` find the issue
 * again); its second a hidden `<!-- egi-cdktf:drift-found yes|no -->` that `drift-issue` reads to
 * open or close the issue, so that it never has to parse the prose. No attribute value is shown:
 * only names (values can be secrets, and the issue is often public).
 */
import * as path from "node:path";
import { driftFoundLine } from "../forge/drift-found";
import { markerLine } from "./marker";
import type { RenderOptions } from "./render-markdown";
import type { DriftedResource } from "./drift";
import type { PlanSummaryReport, StackReport } from "./report";

/** What only a drift report shows. */
export interface DriftRenderOptions extends RenderOptions {
  /** When the check ran, shown at the end (the issue is updated in place: when did it last look?). @default now */
  readonly now?: Date;
}

/** The longest line taken from terraform or the site (one error must not fill the issue). */
const MAX_TEXT = 900;
/** Attributes named per resource before "and N more". */
const MAX_ATTRIBUTES = 20;
/** Stacks named in the advice's commands before falling back to every stack. */
const MAX_NAMED_STACKS = 10;

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** Text from terraform or the site as one line that renders as written (no HTML, no table breaks). */
const text = (s: string): string => clip(s.replace(/\s+/g, " ").trim(), MAX_TEXT).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const code = (s: string): string => `\`${clip(s.replace(/\s+/g, " "), 300).replace(/`/g, "'")}\``;
/** Inside a table cell a pipe ends the cell, also inside a code span. */
const cellCode = (s: string): string => code(s).replace(/\|/g, "\\|");
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function attributesCell(r: DriftedResource): string {
  if (r.kind === "deleted") return "";
  const shown = r.attributes.slice(0, MAX_ATTRIBUTES).map(cellCode).join(", ");
  return r.attributes.length > MAX_ATTRIBUTES ? `${shown} and ${r.attributes.length - MAX_ATTRIBUTES} more` : shown;
}

const row = (r: DriftedResource): string => `| ${cellCode(r.address)} | ${r.kind === "deleted" ? "**deleted**" : "changed"} | ${attributesCell(r)} |`;

/** The engine's own name for the commands (TERRAFORM_BINARY_NAME may be a path, e.g. .../bin/tofu). */
const engineName = (binary: string): string => path.basename(binary) || "terraform";

/**
 * The report's lines, with at most `rowsShown` table rows per stack: every stack cut to the same
 * length cuts the longest tables first and leaves the short ones whole.
 */
function lines(report: PlanSummaryReport, rowsShown: number, options: DriftRenderOptions): string[] {
  const found = report.driftFound === true;
  const drifted = report.stacks.filter((s) => (s.drift?.length ?? 0) > 0);
  const checked = report.stacks.filter((s) => s.status === "planned" && s.drift !== undefined);
  const total = drifted.reduce((n, s) => n + s.drift!.length, 0);
  // No drift seen but a stack not checked: not a verdict drift-issue may close an issue on.
  const verdict = found ? true : report.failures.length ? "unknown" : false;
  const out = [markerLine({ kind: "drift", app: report.app }), driftFoundLine(verdict), "## egi-cdktf drift report", ""];

  if (found) {
    out.push(`:warning: **Drift: ${plural(total, "resource")} in ${drifted.length} of ${plural(report.stacks.length, "stack")} differ from the state: changed or deleted outside terraform.**`, "");
  } else if (checked.length) {
    out.push(`:white_check_mark: **No drift: the resources of ${checked.length === report.stacks.length ? "every stack" : `${plural(checked.length, "stack")} of ${report.stacks.length}`} are as the state says.**`, "");
  }
  if (report.failures.length) {
    out.push(`:x: **${plural(report.failures.length, "problem")}: ${report.failures.length === 1 ? "this stack was" : "these stacks were"} not checked for drift.**`, "");
    for (const f of report.failures) out.push(`- :x: ${text(f)}`);
    out.push("");
  }

  for (const s of report.stacks) out.push(...stackLines(s, rowsShown, options), "");

  if (found) {
    const names = drifted.map((s) => s.name);
    const stacks = names.length <= MAX_NAMED_STACKS ? names.join(" ") : "'*'";
    out.push(
      "### What to do",
      "",
      `- **Put the site back** as the code says: \`cdktf deploy ${stacks}\` creates what was deleted and sets changed attributes back.`,
      `- **Keep a change made by hand**: change the code to match it (then a deploy changes nothing), or accept it into the state as is: \`${engineName(report.terraform.binary)} apply -refresh-only\` in the stack's folder (\`cdktf.out/stacks/STACK\`, after \`cdktf synth\`). A deleted resource that should stay deleted is removed from the code.`,
      "",
    );
  }
  const engine = `${engineName(report.terraform.binary)}${report.terraform.version ? ` ${report.terraform.version}` : ""}`;
  const when = (options.now ?? new Date()).toISOString().replace(/:\d\d\.\d+Z$/, " UTC").replace("T", " ");
  out.push(`<sub>checked with ${engine} (refresh-only plans), ${when}, ${(report.durationMs / 1000).toFixed(1)} s</sub>`, "");
  return out;
}

/** One stack's section: its drift table (at most `rowsShown` rows), or why it was not checked. */
function stackLines(s: StackReport, rowsShown: number, options: DriftRenderOptions): string[] {
  const drift = s.drift ?? [];
  const out = [`### Stack ${code(s.name)}${drift.length ? `: ${plural(drift.length, "resource")} drifted` : ""}`, ""];
  if (s.failure) return [...out, `:x: not checked: ${text(s.failure.message)}`];
  if (s.status === "unchanged" || s.drift === undefined) return [...out, "Not checked."];
  if (drift.length === 0) return [...out, "No drift."];
  const shown = drift.slice(0, rowsShown);
  if (shown.length) out.push("| Resource | Drift | Attributes that differ |", "| --- | --- | --- |", ...shown.map(row));
  const left = drift.length - shown.length;
  if (left > 0) {
    const where = options.fullTextAt ?? "the output of `egi-cdktf plan-summary --drift --max-chars 0`";
    out.push(...(shown.length ? [""] : []), `… and ${plural(left, "more drifted resource")} of this stack, not shown to keep within ${options.maxChars} characters: the full list is in ${where}.`);
  }
  return out;
}

export function renderDrift(report: PlanSummaryReport, options: DriftRenderOptions = {}): string {
  const now = options.now ?? new Date(); // one time for every attempt below
  const opts = { ...options, now };
  const all = Math.max(0, ...report.stacks.map((s) => s.drift?.length ?? 0));
  const render = (rows: number) => lines(report, rows, opts).join("\n");
  const full = render(all);
  const max = options.maxChars;
  if (!max || full.length <= max) return full;
  // The most rows per stack that fit (binary search: rendering 20,000 rows a few times costs milliseconds).
  let lo = 0;
  let hi = all;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  const fitted = render(lo);
  if (fitted.length <= max) return fitted;
  // Even without a single row the fixed lines (failures of many stacks) do not fit: cut at a line.
  const tail = `\n… cut at ${max} characters: the full report is in ${options.fullTextAt ?? "the output of `egi-cdktf plan-summary --drift --max-chars 0`"}.\n`;
  const kept: string[] = [];
  let size = tail.length;
  for (const line of fitted.split("\n")) {
    if (size + line.length + 1 > max) break;
    kept.push(line);
    size += line.length + 1;
  }
  return kept.join("\n") + tail;
}
