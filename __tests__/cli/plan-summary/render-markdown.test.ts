/** Summary -> Markdown for a pull request comment, from real plans. */
import { summarizePlan } from "../../../cli/plan-summary/plan-json";
import { overQuotaLine, quotaRows, type SiteQuota } from "../../../cli/plan-summary/quota";
import { quotaNeeds } from "../../../cli/plan-summary/quota-needs";
import type { PlanSummaryReport, SiteReport } from "../../../cli/plan-summary/report";
import { redact } from "../../../cli/plan-summary/report";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";
import { diagnosticLine, parseDiagnostics } from "../../../cli/plan-summary/run-terraform";
import { FLAVORS, planFixture, planLog } from "./fixtures";

const LABEL = "project vo.example-2 (p2) at http://127.0.0.1:35357/v3, region RegionOne";

function report(instancesLimit: number, withBroken: boolean): PlanSummaryReport {
  const quota: SiteQuota = { flavors: FLAVORS, unavailable: {}, limits: { instances: { limit: instancesLimit, used: 0 }, cores: { limit: -1, used: 3 } } };
  const rows = quotaRows(quotaNeeds(planFixture("workers")).map((n) => ({ ...n, stack: "workers" })), quota);
  const site: SiteReport = { site: {}, label: LABEL, stacks: ["workers"], checked: true, notes: [], rows };
  const brokenMessage = `terraform plan failed: ${parseDiagnostics(planLog("broken")).map(diagnosticLine).join("; ")}`;
  const stacks = [
    { name: "workers", status: "planned" as const, changes: summarizePlan(planFixture("workers")), warnings: [{ source: "synth" as const, where: "workers", message: "a <b>synth</b> warning | with a pipe" }], durationMs: 900 },
    ...(withBroken ? [{ name: "broken", status: "failed" as const, failure: { phase: "plan" as const, message: brokenMessage }, warnings: [], durationMs: 700 }] : []),
  ];
  const failures = [...(withBroken ? [`stack broken: ${brokenMessage}`] : []), ...rows.filter((r) => r.status === "over").map((r) => overQuotaLine(LABEL, r))];
  return { mode: "plan", app: ".", ok: failures.length === 0, failures, stacks, quota: [site], terraform: { binary: "terraform", version: "1.11.4" }, durationMs: 2500 };
}

test("GIVEN every plan succeeded within quota WHEN rendered THEN a success line, the stack table, the addresses to add and the quota table", () => {
  const md = renderMarkdown(report(50, false));

  expect(md).toMatch(/^<!-- egi-cdktf:plan-summary app=\. -->\n## egi-cdktf plan summary\n\n:white_check_mark: \*\*1 of 1 plans succeeded; nothing is over quota\.\*\*/);
  expect(md).toContain("| `workers` | 8 | 0 | 0 | 0 | 7 |");
  expect(md).toContain("**To add (8):** 1 × openstack_blockstorage_volume_v3, 2 × openstack_compute_instance_v2,");
  expect(md).toContain("- `openstack_compute_instance_v2.worker-1_server_626296C2`\n");
  expect(md).toContain(`#### ${LABEL}`);
  expect(md).toContain("| instances | 2 | 50 | 0 | 50 | ok |");
  expect(md).toContain("| vCPUs | 3 | unlimited | 3 | unlimited | ok |");
  // Limits the site did not give are not checked, not passed.
  expect(md).toMatch(/\| volumes \| 1 \| n\/a \| n\/a \| n\/a \| :warning: not checked: the site reported no limit for it \|/);
  expect(md).toContain("<sub>terraform 1.11.4, 2.5 s</sub>");
});

test("GIVEN a failed plan and an over-quota row WHEN rendered THEN both failing lines come first, the failed stack is marked in the table and the row says by how much", () => {
  const md = renderMarkdown(report(1, true));
  const [head] = md.split("| Stack |");

  expect(head).toContain(":x: **2 problems: fix before deploying.**");
  expect(head).toMatch(/- :x: stack broken: terraform plan failed: Your query returned no results\..*\(data\.openstack_images_image_v2\.image-[0-9a-f]+\)\n/);
  expect(head).toContain(`- :x: over quota at ${LABEL}: instances: the plans add 2 (workers: openstack_compute_instance_v2.worker-1_server_626296C2, workers: openstack_compute_instance_v2.worker-2_server_2E69F8E8) but the project has 1 left (limit 1, used 0)`);
  expect(md).toContain("| `broken` | :x: plan failed | | | | |");
  expect(md).toContain("| instances | 2 | 1 | 0 | 1 | :x: **over by 1** |");
});

test("GIVEN text from terraform or an annotation with HTML and a pipe WHEN rendered THEN it shows as written and breaks no table", () => {
  expect(renderMarkdown(report(50, false))).toContain("- synth `workers`: a &lt;b&gt;synth&lt;/b&gt; warning | with a pipe");
});

test("GIVEN a report holding a token WHEN redacted THEN the token is gone wherever it was", () => {
  const token = "gAAAAABpLk-a-keystone-token-0123456789";

  expect(redact(`x ${token} y ${token}`, [token])).toBe("x [redacted] y [redacted]");
});
