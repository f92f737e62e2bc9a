/**
 * The destroy/replace banner: every resource a plan destroys or replaces, its stack and its cause
 * in words (terraform's action_reason), at the top of the summary, and cut only when nothing else
 * is left to cut.
 */
import { type PlanJson, type ResourceChange, summarizePlan } from "../../../cli/plan-summary/plan-json";
import type { PlanSummaryReport, StackReport } from "../../../cli/plan-summary/report";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";
import { planFixture } from "./fixtures";

const QUOTA_LABEL = "project vo.example (p1) at https://keystone.example.org:5000/v3, region RegionOne";

function report(stacks: StackReport[], failures: string[] = []): PlanSummaryReport {
  const rows = [{ resource: "instances" as const, label: "instances", adds: 1, addedBy: ["web: x"], unknown: [], limit: 10, used: 2, left: 8, status: "ok" as const }];
  return { mode: "plan", app: "infra", ok: failures.length === 0, failures, stacks, quota: [{ site: {}, label: QUOTA_LABEL, stacks: stacks.map((s) => s.name), checked: true, notes: [], rows }], terraform: { binary: "terraform" }, durationMs: 1000 };
}

const planned = (name: string, plan: PlanJson): StackReport => ({ name, status: "planned", changes: summarizePlan(plan), warnings: [], durationMs: 1 });

function change(address: string, actions: string[], reason?: string, replacePaths?: Array<Array<string | number>>): ResourceChange {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, ...(reason ? { action_reason: reason } : {}), change: { actions, before: {}, after: actions.includes("create") ? {} : null, ...(replacePaths ? { replace_paths: replacePaths } : {}) } };
}

/** One resource per reason terraform gives for a destroy or replacement, and what a reviewer should read for it. */
const REASONS: Array<[ResourceChange, string]> = [
  [change("openstack_compute_instance_v2.gone", ["delete"], "delete_because_no_resource_config"), "its resource is no longer in the app"],
  [change("openstack_compute_instance_v2.counted[2]", ["delete"], "delete_because_count_index"), "its count index is past the new count"],
  [change('openstack_compute_instance_v2.keyed["old"]', ["delete"], "delete_because_each_key"), "its for_each key is no longer in the app"],
  [change("openstack_compute_instance_v2.single[0]", ["delete"], "delete_because_wrong_repetition"), "its resource switched between count, for_each and neither"],
  [change("module.old.openstack_compute_instance_v2.vm", ["delete"], "delete_because_no_module"), "its module is no longer in the app"],
  [change("openstack_compute_instance_v2.moved", ["delete"], "delete_because_no_move_target"), "a moved block points it at an address the app does not have"],
  [change("openstack_compute_instance_v2.rebuilt", ["delete", "create"], "replace_because_cannot_update", [["user_data"], ["block_device", 0, "volume_size"]]), "forced by `user_data`, `block_device[0].volume_size`"],
  [change("openstack_compute_instance_v2.tainted", ["create", "delete"], "replace_because_tainted"), "it is tainted"],
  [change("openstack_compute_instance_v2.asked", ["delete", "create"], "replace_by_request"), "requested with -replace"],
  [change("openstack_compute_instance_v2.triggered", ["delete", "create"], "replace_by_triggers"), "its replace_triggered_by fired"],
  [change("openstack_compute_instance_v2.future", ["delete"], "delete_because_of_something_new"), "terraform's reason: `delete_because_of_something_new`"],
];

/** The banner: from its heading to the next heading. */
const bannerOf = (md: string): string => {
  const start = md.indexOf("### :warning: Destroys and replacements");
  return start < 0 ? "" : md.slice(start, md.indexOf("\n### ", start + 1));
};

test("GIVEN the captured plan that destroys a group and replaces two servers for user_data WHEN rendered THEN the banner names each with its stack and cause, destroys first", () => {
  const md = renderMarkdown(report([planned("mixed", planFixture("mixed"))]));
  const banner = bannerOf(md);

  expect(banner.split("\n").filter((l) => l.startsWith("- "))).toEqual([
    "- :wastebasket: **destroy** `openstack_networking_secgroup_v2.old` in stack `mixed`: its resource is no longer in the app",
    "- :recycle: **replace** (create before destroy) `openstack_compute_instance_v2.blue` in stack `mixed`: forced by `user_data`",
    "- :recycle: **replace** (destroy before create) `openstack_compute_instance_v2.rebuild` in stack `mixed`: forced by `user_data`",
  ]);
  expect(banner).toContain("**This plan destroys 1 and replaces 2 resources.**");
});

test.each(REASONS.map(([rc, cause]) => [rc.action_reason, rc.address, rc, cause] as const))("GIVEN terraform's reason %s for %s WHEN rendered THEN the banner gives the cause in words", (_reason, _address, rc, cause) => {
  const md = renderMarkdown(report([planned("web", { format_version: "1.2", resource_changes: [rc] })]));
  const line = bannerOf(md)
    .split("\n")
    .find((l) => l.includes(`\`${rc.address}\``));

  expect(line).toBeDefined();
  expect(line).toContain(` in stack \`web\`: ${cause}`);
  expect(line).toMatch(rc.change.actions.length === 1 ? /^- :wastebasket: \*\*destroy\*\* / : /^- :recycle: \*\*replace\*\* \((destroy before create|create before destroy)\) /);
});

test("GIVEN a plan that only adds and changes WHEN rendered THEN there is no banner", () => {
  const plan: PlanJson = { format_version: "1.2", resource_changes: [change("openstack_compute_instance_v2.new", ["create"]), change("openstack_compute_instance_v2.resized", ["update"])] };

  expect(renderMarkdown(report([planned("web", plan)]))).not.toContain("Destroys and replacements");
});

test("GIVEN a failure and destroys WHEN rendered THEN the banner comes after the failing lines and before the totals and the quota", () => {
  const md = renderMarkdown(report([planned("mixed", planFixture("mixed"))], ["stack other: terraform plan failed: boom"]));

  const at = (s: string) => md.indexOf(s);
  expect(at("- :x: stack other: terraform plan failed: boom")).toBeGreaterThan(0);
  expect(at("### :warning: Destroys and replacements")).toBeGreaterThan(at("- :x: stack other"));
  expect(at("### Totals")).toBeGreaterThan(at("### :warning: Destroys and replacements"));
  expect(at("### Quota")).toBeGreaterThan(at("### Totals"));
});

test("GIVEN 300 destroys in 3 stacks and a limit too small for all of them WHEN rendered THEN the lists go first, the banner is shortened last and says so, and the totals and quota stay whole", () => {
  const gone = (stack: string) => ({ format_version: "1.2", resource_changes: Array.from({ length: 100 }, (_, i) => change(`openstack_compute_instance_v2.${stack}${i + 1}_server_0123ABCD`, ["delete"], "delete_because_no_resource_config")) });
  const r = report(["alpha", "beta", "gamma"].map((s) => planned(s, gone(s))));
  const full = renderMarkdown(r);
  const md = renderMarkdown(r, { maxChars: 8000, fullTextAt: "`full.md`" });

  expect(bannerOf(full).split("\n").filter((l) => l.startsWith("- :wastebasket:"))).toHaveLength(300);
  expect(md.length).toBeLessThanOrEqual(8000);
  const shown = bannerOf(md).split("\n").filter((l) => l.startsWith("- :wastebasket:")).length;
  expect(shown).toBeGreaterThan(10);
  expect(bannerOf(md)).toContain(`- … ${300 - shown} more destroys and replacements left out: this banner is shortened, as nothing else was left to cut for the comment size limit; the full list is in \`full.md\``);
  // The stacks' own sections went before the banner lost a line.
  expect(md).toContain("### Changes per stack\n\nLeft out (comment size limit); they are in `full.md`.\n");
  expect(md).not.toContain("<details>");
  for (const s of ["alpha", "beta", "gamma"]) expect(md).toContain(`| \`${s}\` | 0 | 0 | 0 | 100 | 0 |`);
  expect(md).toContain("| instances | 1 | 10 | 2 | 8 | ok |");
});
