/**
 * Review hints: what a reviewer should look at twice in a plan (not a policy engine), each naming
 * the resource, each silenced per resource in code (see constructs/review-hints.ts).
 * STUB: filled in by the review hints work.
 */
import type { PlanJson } from "./plan-json";

export type ReviewHintId = "open-to-the-world" | "floating-ip-without-key-pair" | "volume-destroyed";

export interface ReviewHintFinding {
  readonly hint: ReviewHintId;
  /** The resource's terraform address. */
  readonly address: string;
  /** One line for the summary, e.g. "opens port 22 (SSH) to 0.0.0.0/0". */
  readonly message: string;
}

/** The hints of one stack's plan, less those its cdk.tf.json (in stackDir) silences. */
export function reviewHints(_plan: PlanJson, _stackDir: string): ReviewHintFinding[] {
  return [];
}
