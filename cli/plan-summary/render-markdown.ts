/**
 * The Markdown of a plan summary, for a pull request comment (GitHub/GitLab flavored): the result
 * first (failing lines, if any), a table of stacks, per stack its warnings, changed resources and
 * outputs, then one quota table per site and project. Pure.
 */
import { CHANGE_ACTIONS, type ChangeAction, type ChangedResource, type StackChanges } from "./plan-json";
import type { QuotaRow } from "./quota";
import { fingerprintBlock } from "./fingerprint";
import { markerLine } from "./marker";
import { renderDrift } from "./render-drift";
import type { PlanSummaryReport, SiteReport, StackReport } from "./report";

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

const HEADINGS: Readonly<Record<ChangeAction, string>> = { add: "To add", change: "To change", replace: "To replace", destroy: "To destroy" };

/** Text from terraform or the site as one line that renders as written (no HTML, no table breaks). */
const text = (s: string): string => s.replace(/\s+/g, " ").trim().replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cell = (s: string): string => text(s).replace(/\|/g, "\\|");
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const num = (n: number | null | undefined): string => (n === null ? "unlimited" : n === undefined ? "n/a" : String(n));

function byType(resources: readonly ChangedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} × ${type}`).join(", ");
}

function resourceLine(r: ChangedResource): string {
  if (r.action !== "replace") return `- ${code(r.address)}`;
  const order = r.replaceOrder === "create-before-destroy" ? "create before destroy" : "destroy before create";
  return `- ${code(r.address)} (${order}${r.forcedBy?.length ? `; forced by ${r.forcedBy.map(code).join(", ")}` : ""})`;
}

function changesSection(changes: StackChanges): string[] {
  const lines: string[] = [];
  for (const action of CHANGE_ACTIONS) {
    const list = changes.resources.filter((r) => r.action === action);
    if (list.length === 0) continue;
    lines.push(`**${HEADINGS[action]} (${list.length}):** ${byType(list)}`, "", ...list.map(resourceLine), "");
  }
  if (changes.resources.length === 0) lines.push("No resource changes.", "");
  if (changes.outputs.length) {
    const outs = changes.outputs.map((o) => `${code(o.name)} (${o.action}${o.sensitive ? ", sensitive" : ""})`);
    lines.push(`**Outputs that change (${outs.length}):** ${outs.join(", ")}`, "");
  }
  return lines;
}

function stackSection(s: StackReport): string[] {
  const lines = [`### Stack ${code(s.name)}`, ""];
  if (s.failure) lines.push(`:x: ${text(s.failure.message)}`, "");
  if (s.warnings.length) {
    lines.push("Warnings:", "");
    for (const w of s.warnings) lines.push(`- ${w.source}${w.where ? ` ${code(w.where)}` : ""}: ${text(w.message)}`);
    lines.push("");
  }
  if (s.changes) lines.push(...changesSection(s.changes));
  return lines;
}

function statusCell(row: QuotaRow): string {
  switch (row.status) {
    case "over":
      return `:x: **over by ${row.adds - (row.left ?? 0)}**`;
    case "unknown":
      return ":grey_question: fits, but some amounts are known only after apply";
    case "not checked":
      return `:warning: not checked: ${cell(row.note ?? "")}`;
    default:
      return "ok";
  }
}

function siteSection(site: SiteReport): string[] {
  const lines = [`#### ${text(site.label)}`, "", `Stacks: ${site.stacks.map(code).join(", ")}`, ""];
  for (const note of site.notes) lines.push(`:warning: ${text(note)}`, "");
  if (site.rows.length) {
    lines.push("| Resource | Plan adds | Limit | Used | Left | Status |", "| --- | ---: | ---: | ---: | ---: | --- |");
    for (const r of site.rows) {
      const adds = `${r.adds}${r.unknown.length ? ` + ${r.unknown.length} unknown` : ""}`;
      lines.push(`| ${r.label} | ${adds} | ${num(r.limit)} | ${num(r.used)} | ${num(r.left)} | ${statusCell(r)} |`);
    }
    lines.push("");
  }
  const unknown = site.rows.flatMap((r) => r.unknown.map((u) => `${r.label}: ${u}`));
  if (unknown.length) lines.push("Known only after apply (not counted above):", "", ...unknown.map((u) => `- ${text(u)}`), "");
  return lines;
}

export function renderMarkdown(report: PlanSummaryReport, _options: RenderOptions = {}): string {
  if (report.mode === "drift") return renderDrift(report, _options);
  const lines = [markerLine({ kind: "plan-summary", app: report.app }), "## egi-cdktf plan summary", ""];
  const planned = report.stacks.filter((s) => s.status === "planned").length;
  if (report.ok) {
    lines.push(`:white_check_mark: **${planned} of ${report.stacks.length} plans succeeded; nothing is over quota.**`, "");
  } else {
    lines.push(`:x: **${report.failures.length} problem${report.failures.length === 1 ? "" : "s"}: fix before deploying.**`, "");
    for (const f of report.failures) lines.push(`- :x: ${text(f)}`);
    lines.push("");
  }

  lines.push("| Stack | Add | Change | Replace | Destroy | Outputs changing |", "| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const s of report.stacks) {
    const c = s.changes?.counts;
    const mark = s.failure ? ":x: " : "";
    lines.push(c ? `| ${mark}${code(s.name)} | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy} | ${s.changes!.outputs.length} |` : `| ${code(s.name)} | :x: ${s.failure?.phase} failed | | | | |`);
  }
  lines.push("");

  for (const s of report.stacks) lines.push(...stackSection(s));

  lines.push("### Quota", "");
  if (report.quota.length === 0) lines.push(planned ? "The plans add nothing that counts against a quota." : "No plan succeeded: nothing to check.", "");
  for (const site of report.quota) lines.push(...siteSection(site));

  const fingerprint = fingerprintBlock(report.stacks);
  if (fingerprint) lines.push(fingerprint, "");
  lines.push(`<sub>${report.terraform.binary}${report.terraform.version ? ` ${report.terraform.version}` : ""}, ${(report.durationMs / 1000).toFixed(1)} s</sub>`, "");
  return lines.join("\n");
}
