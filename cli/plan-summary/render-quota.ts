/**
 * The quota part of the summary: one table per site and project, always in full (a few rows per
 * project whatever the app's size). What grows with the app, the list of amounts known only after
 * apply (one per server whose flavor is not known yet), is a cuttable list.
 */
import { type Chunk, fixed } from "./render-budget";
import type { QuotaRow } from "./quota";
import type { PlanSummaryReport, SiteReport } from "./report";
import { cell, clip, code, count, joinBounded, text } from "./render-text";
import { cutLine } from "./render-stack";

const num = (n: number | null | undefined): string => (n === null ? "unlimited" : n === undefined ? "n/a" : String(n));

function statusCell(row: QuotaRow): string {
  switch (row.status) {
    case "over":
      return `:x: **over by ${row.adds - (row.left ?? 0)}**`;
    case "unknown":
      return ":grey_question: fits, but some amounts are known only after apply";
    case "not checked":
      return `:warning: not checked: ${cell(row.note ?? "", 400)}`;
    default:
      return "ok";
  }
}

function siteChunks(site: SiteReport, tier: number, fullTextAt: string): Chunk[] {
  const lines = [`#### ${text(site.label, 400)}`, "", `Stacks: ${joinBounded(site.stacks.map((s) => code(s, 100)))}`, ""];
  for (const note of site.notes) lines.push(`:warning: ${text(note)}`, "");
  if (site.rows.length) {
    lines.push("| Resource | Plan adds | Limit | Used | Left | Status |", "| --- | ---: | ---: | ---: | ---: | --- |");
    for (const r of site.rows) {
      const adds = `${r.adds}${r.unknown.length ? ` + ${count(r.unknown.length)} unknown` : ""}`;
      lines.push(`| ${r.label} | ${adds} | ${num(r.limit)} | ${num(r.used)} | ${num(r.left)} | ${statusCell(r)} |`);
    }
    lines.push("");
  }
  const chunks: Chunk[] = [fixed(...lines)];
  const unknown = site.rows.flatMap((r) => r.unknown.map((u) => clip(`- ${r.label}: ${text(u)}`)));
  if (unknown.length) {
    chunks.push(fixed("Known only after apply (not counted above):", ""));
    chunks.push({ kind: "list", tier, items: unknown, cutLine: cutLine(["amount known only after apply", "amounts known only after apply"], fullTextAt) });
    chunks.push(fixed(""));
  }
  return chunks;
}

/** `### Quota` and a table per site; `tier` is that of the lists of unknown amounts. */
export function quotaChunks(report: PlanSummaryReport, tier: number, fullTextAt: string): Chunk[] {
  const planned = report.stacks.filter((s) => s.status === "planned").length;
  const chunks: Chunk[] = [fixed("### Quota", "")];
  if (report.quota.length === 0) {
    const none = report.stacks.some((s) => s.status === "failed") ? "No plan succeeded: nothing to check." : "No stack was planned: nothing to check.";
    chunks.push(fixed(planned ? "The plans add nothing that counts against a quota." : none, ""));
  }
  for (const site of report.quota) chunks.push(...siteChunks(site, tier, fullTextAt));
  return chunks;
}
