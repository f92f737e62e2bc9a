/**
 * One stack's part of the summary, folded in a `<details>`: its failure, its warnings, the
 * resources to add, change, replace and destroy (by type, then in natural order: `worker2` before
 * `worker10`), the outputs that change, and its servers' diagram in a folded Mermaid block. The
 * lists are cuttable chunks (render-budget.ts), the diagram a droppable one; the tags around them
 * are fixed lines, so cutting never unbalances the HTML.
 */
import { causeOf } from "./render-banner";
import { type Chunk, fixed } from "./render-budget";
import { naturalCompare } from "./natural-sort";
import { CHANGE_ACTIONS, type ChangeAction, type ChangedResource, type StackChanges } from "./plan-json";
import type { StackReport } from "./report";
import { clip, code, count, htmlCode, joinBounded, MAX_LINE, plural, text } from "./render-text";

export const HEADINGS: Readonly<Record<ChangeAction, string>> = { add: "To add", change: "To change", replace: "To replace", destroy: "To destroy" };
const VERBS: Readonly<Record<ChangeAction, string>> = { add: "to add", change: "to change", replace: "to replace", destroy: "to destroy" };

export interface StackRenderOptions {
  /** The tier of the address, output and warning lists. */
  readonly listTier: number;
  /** The tier of the diagram (dropped before any list is cut). */
  readonly diagramTier: number;
  /** Where the full text is (Markdown), for the cut lines. */
  readonly fullTextAt: string;
}

/** The line that stands for `left` items of a list not shown; `what` as [one, more] when its noun changes. */
export const cutLine =
  (what: string | readonly [string, string], fullTextAt: string) =>
  (left: number): string =>
    clip(`- … ${count(left)} more ${typeof what === "string" ? what : what[left === 1 ? 0 : 1]} left out (comment size limit); the full list is in ${fullTextAt}`);

/** Resources by type, then address, both in natural order. */
export const byTypeThenAddress = (a: ChangedResource, b: ChangedResource): number => naturalCompare(a.type, b.type) || naturalCompare(a.address, b.address);

/** "200 × openstack_compute_instance_v2, 200 × ...", bounded. */
function typeCounts(sorted: readonly ChangedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of sorted) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return joinBounded([...counts].map(([type, n]) => `${count(n)} × ${text(type, 120)}`));
}

/** One resource: its address and, for replacements and destroys, how and why. */
export function resourceLine(r: ChangedResource): string {
  if (r.action === "replace") {
    const order = r.replaceOrder === "create-before-destroy" ? "create before destroy" : "destroy before create";
    return clip(`- ${code(r.address)} (${order}; ${causeOf(r)})`);
  }
  if (r.action === "destroy" && r.reason) return clip(`- ${code(r.address)} (${causeOf(r)})`);
  return `- ${code(r.address)}`;
}

/**
 * One action's addresses, a cuttable list per type: cut to the same length, every type keeps some
 * addresses on show, where one list sorted by type would show only the first types.
 */
function changesChunks(changes: StackChanges, o: StackRenderOptions): Chunk[] {
  const chunks: Chunk[] = [];
  for (const action of CHANGE_ACTIONS) {
    const list = changes.resources.filter((r) => r.action === action).sort(byTypeThenAddress);
    if (list.length === 0) continue;
    chunks.push(fixed(`**${HEADINGS[action]} (${count(list.length)}):** ${typeCounts(list)}`, ""));
    for (let i = 0; i < list.length; ) {
      let j = i + 1;
      while (j < list.length && list[j].type === list[i].type) j++;
      const what = `${code(list[i].type, 120)} ${VERBS[action]}`;
      chunks.push({ kind: "list", tier: o.listTier, items: list.slice(i, j).map(resourceLine), cutLine: cutLine(what, o.fullTextAt) });
      i = j;
    }
    chunks.push(fixed(""));
  }
  if (changes.resources.length === 0) chunks.push(fixed("No resource changes.", ""));
  if (changes.outputs.length) {
    const outputs = [...changes.outputs].sort((a, b) => naturalCompare(a.name, b.name));
    chunks.push(fixed(`**Outputs that change (${count(outputs.length)}):**`, ""));
    chunks.push({
      kind: "list",
      tier: o.listTier,
      items: outputs.map((out) => `- ${code(out.name)} (${out.action}${out.sensitive ? ", sensitive" : ""})`),
      cutLine: cutLine(["output that changes", "outputs that change"], o.fullTextAt),
    });
    chunks.push(fixed(""));
  }
  return chunks;
}

/** The diagram, folded; dropped when the budget is short, or when it could not render as sent. */
function diagramChunk(diagram: string, o: StackRenderOptions): Chunk {
  const source = diagram.replace(/\s+$/, "").split("\n");
  const heading = "<details><summary>Diagram of the servers</summary>";
  const unusable = source.some((l) => l.length > MAX_LINE || l.trimStart().startsWith("```") || /<\/?details/i.test(l));
  if (unusable) return fixed("The diagram of the servers is left out: its lines do not fit in a comment.", "");
  return {
    kind: "drop",
    tier: o.diagramTier,
    lines: [heading, "", "```mermaid", ...source, "```", "", "</details>", ""],
    dropped: [clip(`The diagram of the servers is left out (comment size limit); it is in ${o.fullTextAt}.`), ""],
  };
}

/** What the `<summary>` of a stack says: its counts, or that it failed. */
function summaryText(s: StackReport): string {
  const c = s.changes?.counts;
  const parts = [c ? `${count(c.add)} to add, ${count(c.change)} to change, ${count(c.replace)} to replace, ${count(c.destroy)} to destroy` : `${s.failure?.phase ?? "plan"} failed`];
  if (c && s.failure) parts.push("failed");
  if (s.warnings.length) parts.push(plural(s.warnings.length, "warning"));
  return parts.join("; ");
}

/** A stack's folded section; none for a stack --changed-since did not plan. */
export function stackChunks(s: StackReport, o: StackRenderOptions): Chunk[] {
  if (s.status === "unchanged") return [];
  const chunks: Chunk[] = [fixed(`<details><summary>Stack ${htmlCode(s.name)}: ${summaryText(s)}</summary>`, "")];
  if (s.failure) chunks.push(fixed(`:x: ${text(s.failure.message)}`, ""));
  if (s.warnings.length) {
    chunks.push(fixed("Warnings:", ""));
    chunks.push({
      kind: "list",
      tier: o.listTier,
      items: s.warnings.map((w) => clip(`- ${w.source}${w.where ? ` ${code(w.where, 200)}` : ""}: ${text(w.message)}`)),
      cutLine: cutLine(["warning", "warnings"], o.fullTextAt),
    });
    chunks.push(fixed(""));
  }
  if (s.changes) chunks.push(...changesChunks(s.changes, o));
  if (s.diagram) chunks.push(diagramChunk(s.diagram, o));
  chunks.push(fixed("</details>", ""));
  return chunks;
}
