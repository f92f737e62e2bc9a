/**
 * The hidden marker at the top of a summary: how `egi-cdktf pr-comment` finds the comment it wrote
 * before (one per app folder and kind, so two apps in one repository, or a PR summary and the drift
 * issue, never overwrite each other), and how `--reviewed` knows a summary for what it is.
 * An HTML comment: GitHub and GitLab render nothing for it.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export type SummaryKind = "plan-summary" | "drift";

export interface SummaryMarker {
  readonly kind: SummaryKind;
  /** The app folder, relative to the repository's top (`.` at the top). */
  readonly app: string;
}

/** `<!-- egi-cdktf:plan-summary app=infra%2Fsite-a -->`: the first line of every summary. */
export function markerLine(m: SummaryMarker): string {
  return `<!-- egi-cdktf:${m.kind} app=${encodeURIComponent(m.app)} -->`;
}

/** The marker of a comment body (its first marker line), or undefined when it has none. */
export function readMarker(body: string): SummaryMarker | undefined {
  const m = /<!-- egi-cdktf:(plan-summary|drift) app=(\S+) -->/.exec(body);
  if (!m) return undefined;
  try {
    return { kind: m[1] as SummaryKind, app: decodeURIComponent(m[2]) };
  } catch {
    return undefined;
  }
}

/** The app's id: its folder relative to the git repository's top, else the folder's name. */
export function appIdFor(dir: string): string {
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" });
  if (top.status === 0 && top.stdout.trim()) {
    const rel = path.relative(top.stdout.trim(), path.resolve(dir)).split(path.sep).join("/");
    return rel === "" ? "." : rel;
  }
  return path.basename(path.resolve(dir));
}
