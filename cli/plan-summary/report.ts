/** The result of `egi-cdktf plan-summary`, as `--json` prints it and the Markdown renders it. */
import type { StackChanges } from "./plan-json";
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
  readonly status: "planned" | "failed";
  readonly failure?: { readonly phase: Phase | "synth"; readonly message: string };
  readonly warnings: readonly Warning[];
  /** Present when the plan succeeded. */
  readonly changes?: StackChanges;
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
  /** Every plan succeeded and nothing is over quota. */
  readonly ok: boolean;
  /** One line per failed stack and per over-quota resource. */
  readonly failures: readonly string[];
  readonly stacks: readonly StackReport[];
  readonly quota: readonly SiteReport[];
  readonly terraform: { readonly binary: string; readonly version?: string };
  readonly durationMs: number;
}

/** `text` with each of `secrets` replaced: a last guard on everything plan-summary prints or writes. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("[redacted]");
  return out;
}
