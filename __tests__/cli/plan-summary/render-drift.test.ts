/** renderDrift: the Markdown of the drift issue, on hand-made reports (the site test renders real ones). */
import { driftFoundIn } from "../../../cli/forge/drift-found";
import type { DriftedResource } from "../../../cli/plan-summary/drift";
import { readMarker } from "../../../cli/plan-summary/marker";
import type { PlanSummaryReport, StackReport } from "../../../cli/plan-summary/report";
import { renderDrift } from "../../../cli/plan-summary/render-drift";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";

const NOW = new Date("2026-12-07T23:41:09.123Z");
const NONE = { counts: { add: 0, change: 0, replace: 0, destroy: 0 }, resources: [], outputs: [] };

const stack = (name: string, drift: DriftedResource[]): StackReport => ({ name, status: "planned", changes: NONE, drift, warnings: [], durationMs: 1200 });
const failed = (name: string, message: string): StackReport => ({ name, status: "failed", failure: { phase: "plan", message }, warnings: [], durationMs: 800 });

function report(stacks: StackReport[], binary = "terraform"): PlanSummaryReport {
  const failures = stacks.filter((s) => s.failure).map((s) => `stack ${s.name}: ${s.failure!.message}`);
  return {
    mode: "drift",
    app: "infra/site-a",
    ok: failures.length === 0,
    failures,
    stacks,
    quota: [],
    terraform: { binary, version: "1.11.4" },
    driftFound: stacks.some((s) => (s.drift?.length ?? 0) > 0),
    durationMs: 4321,
  };
}

const RULE: DriftedResource = { address: "openstack_networking_secgroup_rule_v2.ssh_in_1", type: "openstack_networking_secgroup_rule_v2", kind: "deleted", attributes: [] };
const ASSOC: DriftedResource = { address: "openstack_networking_floatingip_associate_v2.ip_assoc", type: "openstack_networking_floatingip_associate_v2", kind: "changed", attributes: ["fixed_ip", "port_id"] };

test("GIVEN a stack with a deleted rule and a changed association WHEN rendered THEN the drift marker, drift-found yes, the table, the advice naming the stack, the engine and the time", () => {
  const md = renderDrift(report([stack("web", [ASSOC, RULE]), stack("db", [])]), { now: NOW });
  const lines = md.split("\n");

  expect(readMarker(md)).toEqual({ kind: "drift", app: "infra/site-a" });
  expect(lines[0]).toBe("<!-- egi-cdktf:drift app=infra%2Fsite-a -->");
  expect(lines[1]).toBe("<!-- egi-cdktf:drift-found yes -->");
  expect(md).toContain(":warning: **Drift: 2 resources in 1 of 2 stacks differ from the state");
  expect(md).toContain("### Stack `web`: 2 resources drifted\n\n| Resource | Drift | Attributes that differ |\n| --- | --- | --- |\n");
  expect(lines).toContain("| `openstack_networking_floatingip_associate_v2.ip_assoc` | changed | `fixed_ip`, `port_id` |");
  expect(lines).toContain("| `openstack_networking_secgroup_rule_v2.ssh_in_1` | **deleted** |  |");
  expect(md).toContain("### Stack `db`\n\nNo drift.");
  expect(md).toContain("`cdktf deploy web`");
  expect(md).toContain("`terraform apply -refresh-only`");
  expect(lines).toContain("<sub>checked with terraform 1.11.4 (refresh-only plans), 2026-12-07 23:41 UTC, 4.3 s</sub>");
});

test("GIVEN no stack drifted WHEN rendered THEN drift-found no, 'No drift' for the whole app and per stack, and no advice", () => {
  const md = renderDrift(report([stack("web", []), stack("db", [])]), { now: NOW });

  expect(md.split("\n").slice(0, 3)).toEqual(["<!-- egi-cdktf:drift app=infra%2Fsite-a -->", "<!-- egi-cdktf:drift-found no -->", "## egi-cdktf drift report"]);
  expect(md).toContain(":white_check_mark: **No drift: the resources of every stack are as the state says.**");
  expect(md.match(/^No drift\.$/gm)).toHaveLength(2);
  expect(md).not.toContain("What to do");
  expect(md).not.toContain("Drift:");
});

test("GIVEN OpenTofu named by its path WHEN rendered THEN the advice and the footer say tofu, not the path", () => {
  const md = renderDrift(report([stack("web", [RULE])], "/opt/mirror/bin/tofu"), { now: NOW });
  expect(md).toContain("`tofu apply -refresh-only`");
  expect(md).toContain("checked with tofu 1.11.4");
  expect(md).not.toContain("/opt/mirror");
});

test("GIVEN one stack that failed to plan and no drift in the other WHEN rendered THEN its failure at the top and in its section, as not checked; drift-found unknown (no issue may be closed on it)", () => {
  const md = renderDrift(report([failed("broken", "terraform plan failed: Your query returned <no> results"), stack("web", [])]), { now: NOW });

  expect(md.split("\n")[1]).toBe("<!-- egi-cdktf:drift-found unknown -->");
  expect(md).toContain(":x: **1 problem: this stack was not checked for drift.**\n\n- :x: stack broken: terraform plan failed: Your query returned &lt;no&gt; results");
  expect(md).toContain("### Stack `broken`\n\n:x: not checked: terraform plan failed: Your query returned &lt;no&gt; results");
  expect(md).toContain(":white_check_mark: **No drift: the resources of 1 stack of 2 are as the state says.**");
});

test("GIVEN an address with a pipe and a resource with 25 changed attributes WHEN rendered THEN the cell stays one cell and names 20 attributes and '5 more'", () => {
  const attributes = Array.from({ length: 25 }, (_, i) => `attr_${i + 1}`);
  const md = renderDrift(report([stack("web", [{ address: 'openstack_x.y["a|b"]', type: "openstack_x", kind: "changed", attributes }])]), { now: NOW });
  const row = md.split("\n").find((l) => l.startsWith("| `openstack_x"))!;

  expect(row).toContain('`openstack_x.y["a\\|b"]`');
  expect(row.split(/(?<!\\)\|/)).toHaveLength(5); // 3 cells between 4 unescaped pipes
  expect(row).toContain("`attr_20` and 5 more |");
  expect(row).not.toContain("attr_21");
});

test("GIVEN 5000 drifted resources over two stacks and --max-chars 8000 WHEN rendered THEN at most 8000 characters, both stacks show the same number of rows, each one's cut line counts what it left out, and the head, advice and footer all show", () => {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i): DriftedResource => ({ address: `openstack_compute_instance_v2.${prefix}-${i + 1}`, type: "openstack_compute_instance_v2", kind: "deleted", attributes: [] }));
  const md = renderDrift(report([stack("a", many("a", 3000)), stack("b", many("b", 2000))]), { now: NOW, maxChars: 8000, fullTextAt: "the job's artifact drift-full.md" });

  expect(md.length).toBeLessThanOrEqual(8000);
  expect(md.length).toBeGreaterThan(6000); // the budget is used, not wasted
  const shownA = md.match(/^\| `openstack_compute_instance_v2\.a-\d+`/gm)?.length ?? 0;
  const shownB = md.match(/^\| `openstack_compute_instance_v2\.b-\d+`/gm)?.length ?? 0;
  expect(shownA).toBeGreaterThan(10);
  expect(shownB).toBe(shownA);
  expect(md).toContain(`… and ${3000 - shownA} more drifted resources of this stack, not shown to keep within 8000 characters: the full list is in the job's artifact drift-full.md.`);
  expect(md).toContain(`… and ${2000 - shownB} more drifted resources of this stack`);
  expect(md.split("\n")[1]).toBe("<!-- egi-cdktf:drift-found yes -->");
  expect(md).toContain(":warning: **Drift: 5000 resources in 2 of 2 stacks");
  expect(md).toContain("`cdktf deploy a b`");
  expect(md).toContain("<sub>checked with terraform 1.11.4");
});

test("GIVEN 300 failed stacks whose lines alone exceed --max-chars 4000 WHEN rendered THEN the text is cut at a line within 4000 characters, saying so, and starts with both hidden lines", () => {
  const stacks = Array.from({ length: 300 }, (_, i) => failed(`s${i}`, "terraform init failed: " + "x".repeat(100)));
  const md = renderDrift(report(stacks), { now: NOW, maxChars: 4000 });

  expect(md.length).toBeLessThanOrEqual(4000);
  expect(md.split("\n").slice(0, 2)).toEqual(["<!-- egi-cdktf:drift app=infra%2Fsite-a -->", "<!-- egi-cdktf:drift-found unknown -->"]);
  expect(md).toMatch(/\n… cut at 4000 characters: the full report is in the output of `egi-cdktf plan-summary --drift --max-chars 0`\.\n$/);
});

test("GIVEN a drift report WHEN renderMarkdown (what plan-summary calls) renders it THEN it is the drift report, not a plan summary", () => {
  const r = report([stack("web", [RULE])]);
  expect(readMarker(renderMarkdown(r))).toEqual({ kind: "drift", app: "infra/site-a" });
  expect(renderMarkdown(r)).not.toContain("### Quota");
});

test("GIVEN reports with and without drift WHEN drift-issue's reader (driftFoundIn) reads the rendered text THEN it finds yes and no", () => {
  expect(driftFoundIn(renderDrift(report([stack("web", [RULE])]), { now: NOW }))).toBe(true);
  expect(driftFoundIn(renderDrift(report([stack("web", [])]), { now: NOW }))).toBe(false);
});
