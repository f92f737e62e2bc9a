/**
 * A Mermaid flowchart of a stack's servers (network, floating IP, volumes, security groups), marked
 * added / replaced / destroyed, for the summary (GitHub and GitLab render `mermaid` code blocks).
 * STUB: filled in by the diagram work.
 */
import type { PlanJson, StackChanges } from "./plan-json";

export interface DiagramOptions {
  /** Servers drawn one by one; past this, summarised. @default 30 */
  readonly maxServers?: number;
}

/** The diagram's Mermaid source, or undefined when the plan adds, replaces and destroys no server. */
export function serverDiagram(_plan: PlanJson, _changes: StackChanges, _options: DiagramOptions = {}): string | undefined {
  return undefined;
}
