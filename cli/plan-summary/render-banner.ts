/**
 * The banner at the top of a summary whose plans destroy or replace anything: every such resource
 * with its stack and its cause, in words, from terraform's `action_reason` (and, for a replacement,
 * the attributes that force it). A destroy is what a reviewer most needs to see and what a long
 * address list hides best, so the banner comes before everything but the result, and is the last
 * thing cut for size (render-markdown.ts).
 */
import type { Chunk } from "./render-budget";
import { fixed } from "./render-budget";
import { naturalCompare } from "./natural-sort";
import type { ChangedResource } from "./plan-json";
import type { StackReport } from "./report";
import { clip, code, count, joinBounded } from "./render-text";

/**
 * terraform's action_reason values for a destroy or a replacement (terraform's
 * internal/command/jsonplan: the read_because_* ones are for data sources, never shown here), as
 * a reviewer of a cdktf app would say them.
 */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  delete_because_no_resource_config: "its resource is no longer in the app",
  delete_because_no_module: "its module is no longer in the app",
  delete_because_count_index: "its count index is past the new count",
  delete_because_each_key: "its for_each key is no longer in the app",
  delete_because_wrong_repetition: "its resource switched between count, for_each and neither",
  delete_because_no_move_target: "a moved block points it at an address the app does not have",
  replace_because_cannot_update: "an attribute that cannot change in place changed",
  replace_because_tainted: "it is tainted (a create or provisioner failed, or terraform taint)",
  replace_by_request: "requested with -replace",
  replace_by_triggers: "its replace_triggered_by fired",
};

/** Why terraform destroys or replaces `r`, in words. */
export function causeOf(r: ChangedResource): string {
  const forced = r.forcedBy?.length ? `forced by ${joinBounded(r.forcedBy.map((p) => code(p, 120)), 400)}` : undefined;
  if (r.reason === "replace_because_cannot_update" || (r.reason === undefined && r.action === "replace")) {
    return forced ?? (r.reason ? ACTION_REASONS[r.reason] : "terraform gave no reason");
  }
  if (r.reason === undefined) return "terraform gave no reason (a destroy plan, or a resource removed by hand from the app)";
  const said = ACTION_REASONS[r.reason] ?? `terraform's reason: ${code(r.reason, 80)}`;
  return forced ? `${said}; ${forced}` : said;
}

const order = (r: ChangedResource): string => (r.replaceOrder === "create-before-destroy" ? "create before destroy" : "destroy before create");

/** One banner line: what happens to which resource in which stack, and why. */
export function bannerLine(stack: string, r: ChangedResource): string {
  const what = r.action === "destroy" ? ":wastebasket: **destroy**" : `:recycle: **replace** (${order(r)})`;
  return clip(`- ${what} ${code(r.address)} in stack ${code(stack, 100)}: ${causeOf(r)}`);
}

/** The destroys and replacements of every planned stack: by stack, destroys first, then by type and address. */
export function destroysAndReplacements(stacks: readonly StackReport[]): Array<{ stack: string; resource: ChangedResource }> {
  return stacks.flatMap((s) =>
    (s.changes?.resources ?? [])
      .filter((r) => r.action === "destroy" || r.action === "replace")
      .sort((a, b) => (a.action === b.action ? 0 : a.action === "destroy" ? -1 : 1) || naturalCompare(a.type, b.type) || naturalCompare(a.address, b.address))
      .map((resource) => ({ stack: s.name, resource })),
  );
}

/**
 * The banner's chunks (none when nothing is destroyed or replaced). Its list is the last tier cut:
 * when it is, the cut line says the banner itself was shortened.
 */
export function bannerChunks(stacks: readonly StackReport[], tier: number, fullTextAt: string): Chunk[] {
  const all = destroysAndReplacements(stacks);
  if (all.length === 0) return [];
  const destroys = all.filter((d) => d.resource.action === "destroy").length;
  const replaces = all.length - destroys;
  const parts = [destroys ? `destroys ${count(destroys)}` : "", replaces ? `replaces ${count(replaces)}` : ""].filter(Boolean).join(" and ");
  const noun = all.length === 1 ? "resource" : "resources";
  return [
    fixed(`### :warning: Destroys and replacements`, "", `**This plan ${parts} ${noun}.** Check each before merging:`, ""),
    {
      kind: "list",
      tier,
      items: all.map((d) => bannerLine(d.stack, d.resource)),
      cutLine: (left) =>
        clip(`- … ${count(left)} more ${left === 1 ? "destroy or replacement" : "destroys and replacements"} left out: this banner is shortened, as nothing else was left to cut for the comment size limit; the full list is in ${fullTextAt}`),
    },
    fixed(""),
  ];
}
