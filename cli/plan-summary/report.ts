/** The result of `egi-cdktf plan-summary`, as `--json` prints it and the Markdown renders it. */
import type { ChangedSince } from "./changed-stacks";
import type { DriftedResource } from "./drift";
import type { ReviewedCheck } from "./fingerprint";
import type { StackChanges } from "./plan-json";
import type { ReviewHintFinding } from "./review-hints";
import type { QuotaRow } from "./quota";
import type { Phase } from "./run-terraform";

export interface Warning {
  /** synth: a cdktf annotation; terraform: a validate or plan warning. */
  readonly source: "synth" | "terraform";
  /** The construct path, or terraform's address when it names one. */
  readonly where?: string;
  readonly message: string;
}

export interface StackReport {
  readonly name: string;
  /** unchanged: --changed-since found its synthesized folder as at the base, so it was not planned. */
  readonly status: "planned" | "failed" | "unchanged";
  readonly failure?: { readonly phase: Phase | "synth"; readonly message: string };
  readonly warnings: readonly Warning[];
  /** Present when the plan succeeded. */
  readonly changes?: StackChanges;
  /**
   * What a reviewer should look at twice; present when the plan succeeded. Findings with `silenced`
   * were silenced in code (ReviewHints.silence) with that reason: listed, not counted as warnings.
   */
  readonly hints?: readonly ReviewHintFinding[];
  /** Mermaid source of the stack's servers when the plan adds, replaces or destroys any. */
  readonly diagram?: string;
  /** --drift: the resources whose real state differs from the state file (refresh-only plan). */
  readonly drift?: readonly DriftedResource[];
  readonly durationMs: number;
}

export interface SiteReport {
  readonly site: { readonly authUrl?: string; readonly projectId?: string; readonly projectName?: string; readonly region?: string };
  /** How lines name the site: `project NAME (ID) at URL, region R`. */
  readonly label: string;
  /** The stacks whose resources count here. */
  readonly stacks: readonly string[];
  /** False when the limits could not be read at all (see notes). */
  readonly checked: boolean;
  readonly notes: readonly string[];
  readonly rows: readonly QuotaRow[];
}

export interface PlanSummaryReport {
  /** plan: what applying the app would change; drift: what changed on the site outside terraform. */
  readonly mode: "plan" | "drift";
  /** The app's id in the hidden marker that finds its comment again (one per app folder). */
  readonly app: string;
  /** Every plan succeeded and nothing is over quota (and, with --reviewed, nothing beyond the review). */
  readonly ok: boolean;
  /** One line per failed stack and per over-quota resource. */
  readonly failures: readonly string[];
  readonly stacks: readonly StackReport[];
  readonly quota: readonly SiteReport[];
  readonly terraform: { readonly binary: string; readonly version?: string };
  /** --changed-since: the base and the stacks skipped or gone. */
  readonly changedSince?: ChangedSince;
  /** --reviewed: the new plans against the reviewed summary's fingerprint. */
  readonly reviewed?: ReviewedCheck;
  /** --drift: some stack's resources differ from its state. */
  readonly driftFound?: boolean;
  readonly durationMs: number;
}

/** `text` with each of `secrets` replaced: a last guard on everything plan-summary prints or writes. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("[redacted]");
  return out;
}
