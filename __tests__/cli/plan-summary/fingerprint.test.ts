/**
 * The reviewed-plan fingerprint: the hidden block a summary carries, and --reviewed's comparison of
 * new plans with it (resource actions by address; doing less than reviewed passes).
 */
import { createHash } from "node:crypto";
import { UsageError } from "../../../cli/command";
import { checkAgainstReviewed, FINGERPRINT_MAX_CHARS, fingerprintBlock, readFingerprint } from "../../../cli/plan-summary/fingerprint";
import type { ChangeAction, ChangedResource } from "../../../cli/plan-summary/plan-json";
import type { PlanSummaryReport, StackReport } from "../../../cli/plan-summary/report";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";
import { thrown } from "../../support/thrown";

type Plan = Partial<Record<ChangeAction, readonly string[]>>;

/** A stack report as plan-summary makes it from a plan: resources by action. */
function planned(name: string, plan: Plan): StackReport {
  const resources: ChangedResource[] = Object.entries(plan).flatMap(([action, list]) =>
    list!.map((address) => ({ address, type: address.replace(/^(module\.[^.]+\.)*/, "").split(".")[0], action: action as ChangeAction })),
  );
  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  for (const r of resources) counts[r.action]++;
  return { name, status: "planned", changes: { counts, resources, outputs: [] }, warnings: [], durationMs: 1 };
}
const failed = (name: string): StackReport => ({ name, status: "failed", failure: { phase: "plan", message: "terraform plan failed: boom" }, warnings: [], durationMs: 1 });
const unchanged = (name: string): StackReport => ({ name, status: "unchanged", warnings: [], durationMs: 0 });

/** The summary's Markdown, as plan-summary --out writes it (the block is placed by render-markdown). */
function summary(stacks: readonly StackReport[]): string {
  const report: PlanSummaryReport = { mode: "plan", app: ".", ok: true, failures: [], stacks, quota: [], terraform: { binary: "terraform", version: "1.5.7" }, durationMs: 1000 };
  return renderMarkdown(report);
}

const messages = (reviewed: readonly StackReport[], now: readonly StackReport[], file = "reviewed.md") => checkAgainstReviewed(summary(reviewed), file, now).differences.map((d) => d.message);

const VM = "openstack_compute_instance_v2.vm_server_2F1A9C3B";
const VM2 = "openstack_compute_instance_v2.vm-2_server_77E0D1AA";
const GROUP = "openstack_networking_secgroup_v2.ssh_3D5E7F90";
const RULE = "openstack_networking_secgroup_rule_v2.ssh_rule-0_11AA22BB";
const VOLUME = "openstack_blockstorage_volume_v3.data_5C6D7E8F";
const TODO = "plan again in a pull request and have that plan reviewed before deploying";

interface Case {
  readonly name: string;
  readonly reviewed: readonly StackReport[];
  readonly now: readonly StackReport[];
  readonly expected: readonly string[];
}

const CASES: Case[] = [
  {
    name: "the same plans",
    reviewed: [planned("web", { add: [VM, GROUP, RULE], destroy: [VOLUME] }), planned("db", { change: [VM2] })],
    now: [planned("web", { add: [VM, GROUP, RULE], destroy: [VOLUME] }), planned("db", { change: [VM2] })],
    expected: [],
  },
  {
    name: "less than reviewed (part already applied, a stack with nothing left to do)",
    reviewed: [planned("web", { add: [VM, GROUP, RULE], destroy: [VOLUME] }), planned("db", { change: [VM2] })],
    now: [planned("web", { add: [RULE] }), planned("db", {})],
    expected: [],
  },
  {
    name: "one server more to add",
    reviewed: [planned("web", { add: [VM, GROUP] })],
    now: [planned("web", { add: [VM, VM2, GROUP] })],
    expected: [`stack web: ${VM2} would be added, which the reviewed plan (reviewed.md) did not show; ${TODO}`],
  },
  {
    name: "an extra add and an extra destroy in another stack",
    reviewed: [planned("web", { add: [VM] }), planned("db", {})],
    now: [planned("web", { add: [VM, GROUP] }), planned("db", { destroy: [VOLUME] })],
    expected: [
      `stack db: ${VOLUME} would be destroyed, which the reviewed plan (reviewed.md) did not show; ${TODO}`,
      `stack web: ${GROUP} would be added, which the reviewed plan (reviewed.md) did not show; ${TODO}`,
    ],
  },
  {
    name: "a change reviewed, a replacement now",
    reviewed: [planned("web", { change: [VM], add: [GROUP] })],
    now: [planned("web", { replace: [VM], add: [GROUP] })],
    expected: [`stack web: ${VM} would be replaced, which the reviewed plan (reviewed.md) did not show; ${TODO}`],
  },
  {
    name: "a stack the review skipped as unchanged now plans",
    reviewed: [planned("web", { add: [VM] }), unchanged("db")],
    now: [planned("web", { add: [VM] }), planned("db", { add: [VM2] })],
    expected: [`stack db: ${VM2} would be added, but the reviewed plan (reviewed.md) skipped stack db as unchanged (--changed-since), so none of its changes were reviewed; ${TODO}`],
  },
  {
    name: "a stack whose plan failed in the review now plans",
    reviewed: [failed("db")],
    now: [planned("db", { add: [VM2] })],
    expected: [`stack db: ${VM2} would be added, but stack db's plan failed in the review (reviewed.md), so none of its changes were reviewed; ${TODO}`],
  },
  {
    name: "a stack the review did not have",
    reviewed: [planned("web", { add: [VM] })],
    now: [planned("web", { add: [VM] }), planned("db", { add: [VOLUME] })],
    expected: [`stack db: ${VOLUME} would be added, but the reviewed plan (reviewed.md) has no stack db; ${TODO}`],
  },
  {
    name: "a stack unchanged now (--changed-since) and one whose plan fails now",
    reviewed: [planned("web", { add: [VM] })],
    now: [unchanged("web"), failed("db")],
    expected: [], // the failed plan is a failure line of its own
  },
  {
    name: "module paths and instance keys, as they are",
    reviewed: [planned("web", { add: ['module.net.openstack_networking_port_v2.port["a b"]', "openstack_compute_instance_v2.vm[0]"] })],
    now: [planned("web", { add: ['module.net.openstack_networking_port_v2.port["a b"]', "openstack_compute_instance_v2.vm[0]", "openstack_compute_instance_v2.vm[1]"] })],
    expected: [`stack web: openstack_compute_instance_v2.vm[1] would be added, which the reviewed plan (reviewed.md) did not show; ${TODO}`],
  },
  {
    name: "stack names with a double hyphen, a space and a percent sign",
    reviewed: [planned("a--b c%", { add: [VM] })],
    now: [planned("a--b c%", { add: [VM, GROUP] })],
    expected: [`stack a--b c%: ${GROUP} would be added, which the reviewed plan (reviewed.md) did not show; ${TODO}`],
  },
];

test.each(CASES)("GIVEN a reviewed summary WHEN the new plans are $name THEN the differences are as expected", ({ reviewed, now, expected }) => {
  const check = checkAgainstReviewed(summary(reviewed), "reviewed.md", now);

  expect(check.differences.map((d) => d.message)).toEqual(expected);
  expect(check.ok).toBe(expected.length === 0);
  expect(check.file).toBe("reviewed.md");
});

test("GIVEN an extra destroy and an extra add WHEN checked THEN each difference names its stack, action and address, destroys first", () => {
  const check = checkAgainstReviewed(summary([planned("web", { add: [VM] })]), "r.md", [planned("web", { add: [VM, GROUP], destroy: [VOLUME], replace: [VM2] })]);

  expect(check.differences.map(({ stack, action, address }) => ({ stack, action, address }))).toEqual([
    { stack: "web", action: "destroy", address: VOLUME },
    { stack: "web", action: "replace", address: VM2 },
    { stack: "web", action: "add", address: GROUP },
  ]);
});

test("GIVEN 25 servers more than reviewed WHEN checked THEN 20 are named and one more line gives the rest's count", () => {
  const extra = Array.from({ length: 25 }, (_, i) => `openstack_compute_instance_v2.w-${String(i).padStart(2, "0")}`);

  const found = messages([planned("web", {})], [planned("web", { add: extra })]);

  expect(found).toHaveLength(21);
  expect(found[0]).toBe(`stack web: openstack_compute_instance_v2.w-00 would be added, which the reviewed plan (reviewed.md) did not show; ${TODO}`);
  expect(found[19]).toContain("openstack_compute_instance_v2.w-19 would be added");
  expect(found[20]).toBe(`stack web: 5 more to add that the reviewed plan (reviewed.md) did not show (listed in this summary); ${TODO}`);
});

/** A cdktf-like app: `servers` servers, 7 resources each, addresses ending in cdktf's 8-hex-digit hash. */
function servers(from: number, to: number): string[] {
  const types = ["openstack_compute_instance_v2", "openstack_networking_port_v2", "openstack_networking_floatingip_v2", "openstack_networking_floatingip_associate_v2", "openstack_blockstorage_volume_v3", "openstack_compute_volume_attach_v2", "openstack_networking_secgroup_v2"];
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    for (const t of types) out.push(`${t}.server-${i}_${t.split("_")[2]}_${createHash("md5").update(`${t}${i}`).digest("hex").slice(0, 8).toUpperCase()}`);
  }
  return out;
}

describe("GIVEN a review of 2000 servers with 7 resources each (too many addresses to list in the block)", () => {
  const big = servers(0, 2000);
  const reviewedStacks = [planned("big", { add: big }), planned("small", { add: [VM], destroy: [VOLUME] })];
  const md = summary(reviewedStacks);
  const block = fingerprintBlock(reviewedStacks);

  test("THEN the block is at most 16,000 characters and keeps the small stack's lists, the big one's count and hash", () => {
    expect(FINGERPRINT_MAX_CHARS).toBe(16_000);
    expect(block.length).toBeLessThanOrEqual(16_000);
    expect(md).toContain(block);
    const fp = readFingerprint(md, "r.md");
    expect(fp).toEqual({
      kind: "stacks",
      stacks: [
        { name: "big", status: "planned", actions: { add: { count: 14_000, hash: expect.stringMatching(/^[0-9a-f]{24}$/) } } },
        { name: "small", status: "planned", actions: { add: { count: 1, hash: expect.any(String), addresses: [VM] }, destroy: { count: 1, hash: expect.any(String), addresses: [VOLUME] } } },
      ],
    });
  });

  test.each([
    { name: "the same plans", now: [planned("big", { add: big }), planned("small", { add: [VM], destroy: [VOLUME] })], expected: [] },
    {
      name: "one server more in the big stack and one more destroy in the small one",
      now: [planned("big", { add: servers(0, 2001) }), planned("small", { add: [VM], destroy: [VOLUME, GROUP] })],
      expected: [
        `stack small: ${GROUP} would be destroyed, which the reviewed plan (r.md) did not show; ${TODO}`,
        `stack big: 14007 to add now, 14000 in the reviewed plan (r.md), which kept only a hash of those addresses (too many for the comment) and it differs, so this is not the reviewed plan; ${TODO}`,
      ],
    },
    {
      // Only a hash: whether 1999 of the reviewed servers are a part of them cannot be told.
      name: "one server fewer in the big stack",
      now: [planned("big", { add: servers(1, 2000) })],
      expected: [`stack big: 13993 to add now, 14000 in the reviewed plan (r.md), which kept only a hash of those addresses (too many for the comment) and it differs, so this is not the reviewed plan; ${TODO}`],
    },
  ])("WHEN the new plans are $name THEN the differences name stack, action and counts", ({ now, expected }) => {
    const check = checkAgainstReviewed(md, "r.md", now);

    expect(check.differences.map((d) => d.message)).toEqual(expected);
    const big = check.differences.filter((d) => d.stack === "big").map((d) => ({ action: d.action, address: d.address ?? "(none: only counts)" }));
    expect(big).toEqual(expected.filter((m) => m.startsWith("stack big")).map(() => ({ action: "add", address: "(none: only counts)" })));
  });
});

describe("GIVEN a review of 2000 stacks of one server each (too many even for a line per stack)", () => {
  const stacks = Array.from({ length: 2000 }, (_, i) => planned(`server-${i}`, { add: servers(i, i + 1) }));
  const md = summary(stacks);

  test("THEN the block is at most 16,000 characters and the same plans, or none, pass", () => {
    expect(fingerprintBlock(stacks).length).toBeLessThanOrEqual(16_000);
    expect(checkAgainstReviewed(md, "r.md", stacks).ok).toBe(true);
    expect(checkAgainstReviewed(md, "r.md", stacks.map((s) => planned(s.name, {}))).ok).toBe(true);
  });

  test("WHEN one stack adds a volume more THEN one difference for the app, with the counts", () => {
    const now = [...stacks.slice(1), planned("server-0", { add: [...servers(0, 1), VOLUME] })];

    expect(checkAgainstReviewed(md, "r.md", now).differences).toEqual([
      {
        stack: "*",
        message: `the plans: 0 to destroy, 0 to replace, 14001 to add, 0 to change now; the reviewed plan (r.md) kept only one hash for its 2000 stacks (0 to destroy, 0 to replace, 14000 to add, 0 to change), too many to list, and it differs, so this is not the reviewed plan; ${TODO}`,
      },
    ]);
  });
});

describe("GIVEN a summary with its fingerprint", () => {
  const reviewed = [planned("web", { add: [VM, GROUP], destroy: [VOLUME] }), unchanged("db"), failed("broken")];
  const md = summary(reviewed);
  const block = md.slice(md.indexOf("<!-- egi-cdktf:reviewed"), md.indexOf("-->", md.indexOf("<!-- egi-cdktf:reviewed")) + 3);

  test("THEN it is one HTML comment holding no `--`, `<`, `>` or `&` between its first and last lines", () => {
    const inner = block.slice("<!--".length, -"-->".length);
    expect(inner).not.toMatch(/--|[<>&]/);
    expect(block.split("\n")[0]).toMatch(/^<!-- egi-cdktf:reviewed v1 /);
    expect(block.split("\n").at(-1)).toBe("-->");
  });

  test("WHEN rendered by CommonMark (as GitHub's and GitLab's renderers are) THEN the block is passed on as a comment, nothing visible", () => {
    const commonmark = require("commonmark");
    const html: string = new commonmark.HtmlRenderer().render(new commonmark.Parser().parse(md));
    expect(html).toContain(block);
    expect(html.replace(block, "")).not.toContain("egi-cdktf:reviewed");
  });

  test("THEN it records the unchanged and the failed stack as such", () => {
    expect(readFingerprint(md, "r.md")).toEqual({
      kind: "stacks",
      stacks: [
        { name: "web", status: "planned", actions: { add: expect.objectContaining({ addresses: [VM, GROUP] }), destroy: expect.objectContaining({ addresses: [VOLUME] }) } },
        { name: "db", status: "unchanged", actions: {} },
        { name: "broken", status: "failed", actions: {} },
      ],
    });
  });

  test.each([
    { change: "CRLF line endings", edit: (s: string) => s.replace(/\n/g, "\r\n") },
    { change: "trailing whitespace trimmed and the text trimmed", edit: (s: string) => s.replace(/[ \t]+$/gm, "").trim() },
    { change: "trailing spaces added and CRLF", edit: (s: string) => s.replace(/\n/g, "  \r\n") },
    { change: "quoted in another comment's text", edit: (s: string) => `Deploying what was reviewed:\n\n${s}\n\nthanks` },
  ])("WHEN it went through $change THEN it reads the same and the check still works", ({ edit }) => {
    const roundTrip = edit(md);

    expect(readFingerprint(roundTrip, "r.md")).toEqual(readFingerprint(md, "r.md"));
    expect(checkAgainstReviewed(roundTrip, "r.md", [planned("web", { add: [VM] })]).ok).toBe(true);
    expect(checkAgainstReviewed(roundTrip, "r.md", [planned("web", { add: [VM, VM2] })]).differences.map((d) => d.address)).toEqual([VM2]);
  });

  /** The block with its sum line recomputed (sha-256 of the lines between header and sum, first 24 hex digits): edits a checksum cannot catch. */
  const resummed = (text: string): string => {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith("<!-- egi-cdktf:reviewed"));
    const sum = lines.findIndex((l, i) => i > start && l.startsWith("sum "));
    lines[sum] = `sum ${createHash("sha256").update(lines.slice(start + 1, sum).join("\n")).digest("hex").slice(0, 24)}`;
    return lines.join("\n");
  };

  test.each([
    { change: "a count edited", edit: (s: string) => s.replace(/^add 2 /m, "add 3 "), why: "its lines do not match their sum" },
    { change: "a stack's status edited", edit: (s: string) => s.replace("stack db unchanged", "stack db planned"), why: "its lines do not match their sum" },
    { change: "its sum line gone", edit: (s: string) => s.replace(/^sum .*\n/m, ""), why: "its last line is not its sum" },
    { change: "cut before its end", edit: (s: string) => s.slice(0, s.indexOf("\n-->")), why: 'it has no end line "-->"' },
    { change: "an unknown line, its sum made to match", edit: (s: string) => resummed(s.replace(/^sum /m, "hello world\nsum ")), why: 'unexpected line "hello world"' },
    { change: "an action before any stack line, its sum made to match", edit: (s: string) => resummed(s.replace(/^stack web planned\n/m, "")), why: 'unexpected line "add 2 ' },
  ])("WHEN it has $change THEN --reviewed is refused as a usage error naming the file and what is wrong", ({ edit, why }) => {
    const err = thrown(() => checkAgainstReviewed(edit(md), "merged/summary.md", [planned("web", { add: [VM] })]));

    expect(err).toBeInstanceOf(UsageError);
    expect(err.message.startsWith(`--reviewed merged/summary.md: its egi-cdktf fingerprint is damaged (${why}`)).toBe(true);
    expect(err.message.endsWith("): give the summary as plan-summary wrote it (egi-cdktf reviewed-summary fetches it), not an edited copy")).toBe(true);
  });

  test("WHEN a list's text is damaged and the sum made to match THEN the list is refused on its own count and hash", () => {
    const lines = block.split("\n");
    const i = lines.findIndex((l) => l.startsWith("add 2 "));
    const parts = lines[i].split(" ");
    const other = fingerprintBlock([planned("web", { add: [VM, VM2] })]).split("\n").find((l) => l.startsWith("add 2 "))!.split(" ")[3];
    lines[i] = [...parts.slice(0, 3), other].join(" ");
    const body = lines.slice(1, -2);
    lines[lines.length - 2] = `sum ${createHash("sha256").update(body.join("\n")).digest("hex").slice(0, 24)}`;

    expect(thrown(() => readFingerprint(lines.join("\n"), "r.md")).message).toContain("damaged (the address list of stack web, add does not match its count and hash)");
  });

  test("WHEN the file holds two different summaries' blocks THEN it is refused, asking for one", () => {
    const two = `${md}\n${summary([planned("db", { add: [VM] })])}`;

    expect(thrown(() => readFingerprint(two, "both.md")).message).toBe("--reviewed both.md holds 2 different egi-cdktf fingerprints: give one summary, the one of the app being deployed");
    expect(readFingerprint(`${md}\n${md}`, "twice.md")).toEqual(readFingerprint(md, "r.md"));
  });

  test("WHEN a newer version wrote it THEN the message names both versions", () => {
    expect(thrown(() => readFingerprint(md.replace("egi-cdktf:reviewed v1 ", "egi-cdktf:reviewed v2 "), "r.md")).message).toBe(
      "--reviewed r.md: its egi-cdktf fingerprint is v2, this egi-cdktf reads v1: run the egi-cdktf version that wrote the summary",
    );
  });
});

test.each([
  { what: "a README", text: "# My infrastructure\n\nSome notes.\n" },
  { what: "a drift report (its marker, no fingerprint)", text: "<!-- egi-cdktf:drift app=. -->\n## egi-cdktf drift report\n" },
  { what: "an empty file", text: "" },
])("GIVEN $what WHEN given as --reviewed THEN a usage error naming the flag and file: it has no fingerprint", ({ text }) => {
  const err = thrown(() => checkAgainstReviewed(text, "notes.md", []));

  expect(err).toBeInstanceOf(UsageError);
  expect(err.message).toBe(
    "--reviewed notes.md has no egi-cdktf fingerprint: is it a plan-summary comment? Give the summary plan-summary wrote for the reviewed pull request (egi-cdktf reviewed-summary fetches it)",
  );
});
