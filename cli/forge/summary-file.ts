/**
 * The summary file pr-comment and drift-issue post: read whole, its first line the marker that
 * finds its comment again, and short enough for the forge (a body over the limit would be refused
 * after the lookups, or worse, cut): each refusal one usage line naming what to change.
 */
import * as fs from "node:fs";
import { UsageError } from "../command";
import { markerLine, type SummaryKind, type SummaryMarker } from "../plan-summary/marker";
import type { Forge } from "./forge";
import { firstLineMarker } from "./sticky";

export interface SummaryFile {
  readonly body: string;
  readonly marker: SummaryMarker;
}

/** FILE's text and marker; a usage error when it cannot be read or has no marker (of `kind`, when given). */
export function readSummaryFile(file: string, kind?: SummaryKind): SummaryFile {
  const writer = kind === "drift" ? "egi-cdktf plan-summary --drift --out FILE" : "egi-cdktf plan-summary --out FILE";
  let body: string;
  try {
    body = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "it does not exist" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : (code ?? (err as Error).message);
    throw new UsageError(`FILE ${file}: cannot read it (${why}); give the summary ${writer} wrote`);
  }
  const marker = firstLineMarker(body);
  if (!marker) {
    const example = markerLine({ kind: kind ?? "plan-summary", app: "." });
    throw new UsageError(`FILE ${file} has no egi-cdktf marker on its first line (${example}), which finds its comment again: give the summary ${writer} wrote`);
  }
  if (kind && marker.kind !== kind) throw new UsageError(`FILE ${file} is a ${marker.kind} report, not a ${kind} report: give the file ${writer} wrote`);
  return { body, marker };
}

/** Characters as the forges count them (code points, not UTF-16 units). */
export const charCount = (text: string): number => [...text].length;

/** A usage error when `body` is longer than `forge` takes. */
export function checkBodyLength(file: string, body: string, forge: Forge): void {
  const n = charCount(body);
  if (n > forge.bodyLimit) {
    throw new UsageError(`FILE ${file} has ${n} characters, over the ${forge.bodyLimit} a ${forge.name} comment takes: write it with egi-cdktf plan-summary --max-chars ${forge.bodyLimit} (or less)`);
  }
}
