/**
 * --changed-since REF: synthesize the app as it was at REF too (a temporary git worktree), compare
 * each stack's synthesized folder (cdk.tf.json and its assets), and plan only the stacks that differ.
 * STUB: filled in by the changed-stacks work.
 */
import type { Env } from "./credentials";
import type { CdktfProject, SynthesizedStack } from "./synth";

export interface ChangedSince {
  /** The ref as given. */
  readonly ref: string;
  /** The commit it resolved to. */
  readonly base: string;
  /** Stacks whose synthesized folder is as at the base: not planned. */
  readonly unchanged: readonly string[];
  /** Stacks that are new since the base (planned). */
  readonly added: readonly string[];
  /** Stacks at the base that the app no longer has (their resources are not destroyed by that). */
  readonly removed: readonly string[];
}

export interface ChangedSinceOptions {
  readonly project: CdktfProject;
  /** The stacks synthesized now (the head). */
  readonly head: readonly SynthesizedStack[];
  readonly ref: string;
  readonly env: Env;
  readonly log: (line: string) => void;
}

/** Synthesize at `ref` and compare; the worktree is removed before returning, pass or fail. */
export async function changedSince(o: ChangedSinceOptions): Promise<ChangedSince> {
  return { ref: o.ref, base: o.ref, unchanged: [], added: o.head.map((s) => s.name), removed: [] };
}
