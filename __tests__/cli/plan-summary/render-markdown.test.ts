/** Summary -> Markdown for a pull request comment, from real plans. */
import { summarizePlan } from "../../../cli/plan-summary/plan-json";
import { overQuotaLine, quotaRows, type SiteQuota } from "../../../cli/plan-summary/quota";
import { quotaNeeds } from "../../../cli/plan-summary/quota-needs";
import type { PlanSummaryReport, SiteReport } from "../../../cli/plan-summary/report";
import { redact } from "../../../cli/plan-summary/report";
import { fingerprintBlock } from "../../../cli/plan-summary/fingerprint";
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

test("GIVEN every plan succeeded within quota WHEN rendered THEN a success line, the stack table, the addresses to add and outputs in a folded section, and the quota table", () => {
  const md = renderMarkdown(report(50, false));

  expect(md).toMatch(/^<!-- egi-cdktf:plan-summary app=\. -->\n## egi-cdktf plan summary\n\n:white_check_mark: \*\*1 of 1 plans succeeded; nothing is over quota\.\*\*/);
  expect(md).toContain("| `workers` | 8 | 0 | 0 | 0 | 7 |");
  expect(md).toContain("<details><summary>Stack <code>workers</code>: 8 to add, 0 to change, 0 to replace, 0 to destroy; 1 warning</summary>\n\n");
  expect(md).toContain("**To add (8):** 1 × openstack_blockstorage_volume_v3, 2 × openstack_compute_instance_v2,");
  expect(md).toContain("- `openstack_compute_instance_v2.worker-1_server_626296C2`\n- `openstack_compute_instance_v2.worker-2_server_2E69F8E8`\n");
  expect(md).toContain("**Outputs that change (7):**\n\n- `volume_id` (add)\n- `worker-1_addresses` (add)\n");
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

const DIAGRAM = ["flowchart LR", '  s1["server worker-1 (add)"] --> n1["network"]', '  s1 --> g1["group ssh"]'].join("\n");

/** Every part a summary can have: a destroy and replacements, hints (one silenced), an unchanged stack, a removed one, a failed review, a diagram. */
function fullReport(diagram = DIAGRAM): PlanSummaryReport {
  const base = report(50, false);
  const mixed = {
    name: "mixed",
    status: "planned" as const,
    changes: summarizePlan(planFixture("mixed")),
    hints: [
      { hint: "open-to-the-world" as const, address: "openstack_networking_secgroup_rule_v2.ssh", message: "opens port 22 (SSH) to 0.0.0.0/0" },
      { hint: "floating-ip-without-key-pair" as const, address: "openstack_compute_instance_v2.bfv", message: "has a floating IP and no key pair", silenced: "a kiosk: no login at all" },
    ],
    diagram,
    warnings: [],
    durationMs: 500,
  };
  const difference = { stack: "mixed", action: "destroy" as const, address: "openstack_networking_secgroup_v2.old", message: "stack mixed: openstack_networking_secgroup_v2.old would be destroyed, not in the reviewed plan" };
  return {
    ...base,
    ok: false,
    failures: [difference.message],
    stacks: [...base.stacks, mixed, { name: "db", status: "unchanged", warnings: [], durationMs: 0 }],
    changedSince: { ref: "origin/main", base: "0123456789abcdef0123456789abcdef01234567", unchanged: ["db"], added: [], removed: ["legacy"] },
    reviewed: { file: "reviewed.md", ok: false, differences: [difference] },
  };
}

test("GIVEN every part a summary can have WHEN rendered THEN marker, title, result, banner, hints, totals, review, quota, the folded stacks and the fingerprint come in that order", () => {
  const r = fullReport();
  const md = renderMarkdown(r);
  const at = (s: string) => {
    const i = md.indexOf(s);
    expect({ s, found: i >= 0 }).toEqual({ s, found: true });
    return i;
  };

  const order = [
    "<!-- egi-cdktf:plan-summary app=. -->",
    "## egi-cdktf plan summary",
    ":x: **1 problem: fix before deploying.** (1 stack unchanged since `origin/main`, not planned)",
    "- :x: stack mixed: openstack_networking_secgroup_v2.old would be destroyed, not in the reviewed plan",
    "### :warning: Destroys and replacements",
    "### :mag: Review hints (1, 1 silenced)",
    "### Totals",
    "### Reviewed plan",
    "### Quota",
    "### Changes per stack",
    "<details><summary>Stack <code>workers</code>",
    "<details><summary>Stack <code>mixed</code>",
    "<details><summary>Diagram of the servers</summary>",
    "<sub>terraform 1.11.4, 2.5 s</sub>",
  ].map(at);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(md.startsWith("<!-- egi-cdktf:plan-summary app=. -->\n")).toBe(true);
  const fingerprint = fingerprintBlock(r.stacks);
  expect(fingerprint.length).toBeGreaterThan(0);
  expect(md).toContain(`\n${fingerprint}\n\n<sub>`);
});

test("GIVEN --changed-since skipped a stack and another was removed WHEN rendered THEN the table says since which ref it is unchanged, and a note names the removed stack", () => {
  const md = renderMarkdown(fullReport());

  expect(md).toContain("Planned only the stacks whose synthesized folder differs from `origin/main` (`0123456789ab`).");
  expect(md).toContain("| `db` | unchanged since `origin/main` | | | | |");
  expect(md).toContain("| **all stacks** | 14 | 2 | 2 | 1 | 11 |");
  expect(md).toContain("No longer in the app since `origin/main`: `legacy`. Removing a stack from the app does not destroy its resources: `cdktf destroy` it first.");
  expect(md).not.toContain("<details><summary>Stack <code>db</code>");
});

test("GIVEN review hints, one silenced in code WHEN rendered THEN the open one is a warning with how to silence it, the silenced one is folded apart with its reason", () => {
  const md = renderMarkdown(fullReport());
  const hints = md.slice(md.indexOf("### :mag: Review hints"), md.indexOf("### Totals"));

  expect(hints).toContain("- :warning: `openstack_networking_secgroup_rule_v2.ssh` in stack `mixed`: opens port 22 (SSH) to 0.0.0.0/0 (`open-to-the-world`)\n");
  expect(hints).toContain('`ReviewHints.of(scope).silence(ReviewHint.OPEN_TO_THE_WORLD, "why")`');
  expect(hints).toContain("<details><summary>Silenced in code (1)</summary>\n\n- `openstack_compute_instance_v2.bfv` in stack `mixed`: has a floating IP and no key pair (`floating-ip-without-key-pair`); silenced: a kiosk: no login at all\n\n</details>");
  expect(hints).not.toMatch(/:warning: `openstack_compute_instance_v2\.bfv`/);
});

test("GIVEN a failed review WHEN rendered THEN its section lists what the plans do beyond the reviewed summary", () => {
  expect(renderMarkdown(fullReport())).toContain(
    "### Reviewed plan\n\n:x: **1 change beyond the reviewed summary `reviewed.md`:**\n\n- stack mixed: openstack_networking_secgroup_v2.old would be destroyed, not in the reviewed plan\n",
  );
});

test("GIVEN a stack's diagram WHEN rendered THEN it is a mermaid block folded in its own <details> inside the stack's, with blank lines around it", () => {
  const md = renderMarkdown(fullReport());

  expect(md).toContain(`<details><summary>Diagram of the servers</summary>\n\n\`\`\`mermaid\n${DIAGRAM}\n\`\`\`\n\n</details>\n\n</details>`);
});

test("GIVEN a large diagram and a limit a little under the full text WHEN rendered THEN the diagram is dropped first, saying where it is, and no list is cut", () => {
  const big = ["flowchart LR", ...Array.from({ length: 150 }, (_, i) => `  s${i}["server worker-${i} (add)"] --> n["network"]`)].join("\n");
  const r = fullReport(big);
  const full = renderMarkdown(r);
  const md = renderMarkdown(r, { maxChars: full.length - 100, fullTextAt: "`full.md`" });

  expect(md.length).toBeLessThanOrEqual(full.length - 100);
  expect(md).not.toContain("```mermaid");
  expect(md).toContain("The diagram of the servers is left out (comment size limit); it is in `full.md`.");
  expect(md).not.toContain("more ");
});

test("GIVEN any limit from 4000 characters up WHEN rendered THEN it is never exceeded, <details> stay balanced, and the failing line, the banner, the totals and the quota table stay", () => {
  const r = fullReport();
  const full = renderMarkdown(r).length;
  for (let max = 4000; max < full + 500; max += 97) {
    const md = renderMarkdown(r, { maxChars: max });
    expect(md.length).toBeLessThanOrEqual(max);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    expect(md).toContain("| `workers` | 8 | 0 | 0 | 0 | 7 |");
    expect(md).toContain("| instances | 2 | 50 | 0 | 50 | ok |");
    // Room for them is there from 4000 on: the banner and the failing line stay whole.
    expect(md).toContain("- :wastebasket: **destroy** `openstack_networking_secgroup_v2.old` in stack `mixed`: its resource is no longer in the app\n");
    expect(md).toContain("- :recycle: **replace** (destroy before create) `openstack_compute_instance_v2.rebuild` in stack `mixed`: forced by `user_data`\n");
    expect(md).toContain("- :x: stack mixed: openstack_networking_secgroup_v2.old would be destroyed, not in the reviewed plan\n");
    // The fingerprint, smaller under a small limit, is still there for --reviewed.
    expect(md).toMatch(/\n<!-- egi-cdktf:reviewed [^\n]*\n[\s\S]*\n-->\n\n<sub>terraform 1\.11\.4, 2\.5 s<\/sub>\n$/);
  }
});
