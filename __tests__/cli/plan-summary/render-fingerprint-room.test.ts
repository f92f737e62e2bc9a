/**
 * The room kept for the reviewed-plan fingerprint at its largest. The real fingerprintBlock stays
 * far below its 16,000-character promise on the plans a unit test can hold, so a stand-in returns
 * a block of exactly that size: the summary must keep it whole and still fit the comment.
 */
import { summarizePlan } from "../../../cli/plan-summary/plan-json";
import type { PlanSummaryReport } from "../../../cli/plan-summary/report";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";
import { planFixture } from "./fixtures";

/** 16,000 characters in lines of 100, as an HTML comment. */
const BLOCK = `${["<!-- egi-cdktf:reviewed stand-in", ...Array.from({ length: 161 }, (_, i) => `${i}`.padEnd(99, "x"))].join("\n").slice(0, 16_000 - 4)}\n-->`;

jest.mock("../../../cli/plan-summary/fingerprint", () => ({ FINGERPRINT_MAX_CHARS: 16_000, fingerprintBlock: () => BLOCK }));

function report(copies: number): PlanSummaryReport {
  const changes = summarizePlan(planFixture("workers"));
  const stacks = Array.from({ length: copies }, (_, i) => ({ name: `workers-${i + 1}`, status: "planned" as const, changes, warnings: [], durationMs: 1 }));
  return { mode: "plan", app: ".", ok: true, failures: [], stacks, quota: [], terraform: { binary: "terraform" }, durationMs: 1 };
}

test("GIVEN a stand-in fingerprint of 16,000 characters and 300 stacks WHEN rendered for GitHub THEN the block is whole at the end, before the footer, and the summary fits", () => {
  expect(BLOCK).toHaveLength(16_000);

  const md = renderMarkdown(report(300), { maxChars: 65_536 });

  expect(md.length).toBeLessThanOrEqual(65_536);
  expect(md).toContain(`\n${BLOCK}\n\n<sub>terraform, 0.0 s</sub>\n`);
  expect(md).toContain("| `workers-300` | 8 | 0 | 0 | 0 | 7 |");
});

test("GIVEN a stand-in fingerprint of 16,000 characters whatever the limit asks and a limit it cannot fit in WHEN rendered THEN it gives way to a line saying --reviewed cannot use this summary, within the limit", () => {
  const md = renderMarkdown(report(1), { maxChars: 10_000 });

  expect(md.length).toBeLessThanOrEqual(10_000);
  expect(md).not.toContain("egi-cdktf:reviewed");
  expect(md).toContain(":warning: The reviewed-plan fingerprint (16,000 characters) does not fit in this summary's limit of 10,000: `--reviewed` cannot check against it. Raise --max-chars.");
});
