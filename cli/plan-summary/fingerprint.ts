/**
 * Apply what was reviewed: the summary carries a fingerprint of each stack's planned changes
 * (resource actions by address, not values: a plan whose values always differ can still pass), and
 * `plan-summary --reviewed FILE` on main plans again and refuses, naming the stacks and resources,
 * when the new plan does more than the reviewed one.
 * STUB: filled in by the reviewed-plan work.
 */
import type { ChangeAction } from "./plan-json";
import type { StackReport } from "./report";

export interface ReviewedDifference {
  readonly stack: string;
  readonly action?: ChangeAction;
  /** The resource, when known (the reviewed list may be summarised as counts and hashes). */
  readonly address?: string;
  /** One line, e.g. "stack web: openstack_compute_instance_v2.vm would be added, not in the reviewed plan". */
  readonly message: string;
}

export interface ReviewedCheck {
  /** The reviewed summary's file. */
  readonly file: string;
  /** The new plans do nothing beyond the reviewed ones. */
  readonly ok: boolean;
  readonly differences: readonly ReviewedDifference[];
}

/** The hidden block (an HTML comment, bounded in size) that records the planned stacks' changes. */
export function fingerprintBlock(_stacks: readonly StackReport[]): string {
  return "";
}

/** Compare the new plans with the fingerprint in the reviewed summary's Markdown (UsageError when it has none). */
export function checkAgainstReviewed(_markdown: string, _file: string, _stacks: readonly StackReport[]): ReviewedCheck {
  return { file: _file, ok: true, differences: [] };
}
