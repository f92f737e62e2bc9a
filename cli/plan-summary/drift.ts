/**
 * --drift: what a refresh-only plan (`terraform plan -refresh-only`) found changed on the site
 * outside terraform, from its `resource_drift` (terraform show -json).
 * STUB: filled in by the drift work.
 */
import type { PlanJson } from "./plan-json";

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** deleted: gone from the site; changed: its attributes differ from the state. */
  readonly kind: "deleted" | "changed";
  /** For changed: the top-level attributes that differ (never their values). */
  readonly attributes: readonly string[];
}

/** The managed resources that drifted, sorted by address. */
export function driftOf(_plan: PlanJson): DriftedResource[] {
  return [];
}
