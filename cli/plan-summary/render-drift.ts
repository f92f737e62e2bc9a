/**
 * The Markdown of a --drift report (for the drift issue): per stack the resources changed outside
 * terraform and how, within the same size budget as a plan summary.
 * STUB: filled in by the drift work.
 */
import type { PlanSummaryReport } from "./report";
import type { RenderOptions } from "./render-markdown";

export function renderDrift(report: PlanSummaryReport, _options: RenderOptions = {}): string {
  return `## egi-cdktf drift report\n\n${report.driftFound ? "Drift found." : "No drift."}\n`;
}
