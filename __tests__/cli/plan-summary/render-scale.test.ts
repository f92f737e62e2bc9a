/**
 * The summary of an app with 20, 200 and 2000 servers within a comment's size: plans in the shape
 * terraform writes them (`terraform show -json`, as __tests__/fixtures/plans/workers.show.json:
 * per server the resources our constructs make, the port lookup a data source read), made into a
 * report by the real summarizePlan, quotaNeeds and quotaRows. What a reviewer must see stays; the
 * counts left out are counted here from the generated plan, not by the code under test.
 */
import { createHash } from "node:crypto";
import { fingerprintBlock } from "../../../cli/plan-summary/fingerprint";
import { type PlanJson, type ResourceChange, summarizePlan } from "../../../cli/plan-summary/plan-json";
import { overQuotaLine, quotaRows, type SiteQuota } from "../../../cli/plan-summary/quota";
import { quotaNeeds } from "../../../cli/plan-summary/quota-needs";
import type { PlanSummaryReport, SiteReport, StackReport } from "../../../cli/plan-summary/report";
import { renderMarkdown } from "../../../cli/plan-summary/render-markdown";
import { FLAVORS, MEDIUM } from "./fixtures";

const GITHUB = 65_536;
const GITLAB = 1_000_000;
const FULL_AT = "the run's summary (https://github.example/o/r/actions/runs/1)";
const LABEL = "project vo.example (p1) at https://keystone.example.org:5000/v3, region RegionOne";
const PROVIDER = "registry.terraform.io/terraform-provider-openstack/openstack";

/** The construct id's hash suffix cdktf appends: 8 hex digits, stable per name. */
const hash = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 8).toUpperCase();
const managed = (type: string, name: string, actions: string[], after: object | null, extra: Partial<ResourceChange> = {}): ResourceChange => ({
  address: `${type}.${name}_${hash(name)}`,
  mode: "managed",
  type,
  name: `${name}_${hash(name)}`,
  provider_name: PROVIDER,
  change: { actions, before: actions[0] === "create" && actions.length === 1 ? null : { name }, after, after_unknown: { id: true } },
  ...extra,
});

/** Everything one VirtualMachine with a floating IP, a volume and its own SSH group plans. */
function server(i: number): ResourceChange[] {
  const w = `worker${i}`;
  return [
    { address: `data.openstack_networking_port_v2.${w}_port_${hash(w)}`, mode: "data", type: "openstack_networking_port_v2", name: `${w}_port_${hash(w)}`, provider_name: PROVIDER, action_reason: "read_because_config_unknown", change: { actions: ["read"], before: null, after: {}, after_unknown: { id: true } } },
    managed("openstack_compute_instance_v2", `${w}_server`, ["create"], { name: `scale-${w}`, flavor_id: MEDIUM, block_device: [], security_groups: ["default", `scale-${w}-ssh`] }),
    managed("openstack_networking_secgroup_v2", `${w}-ssh`, ["create"], { name: `scale-${w}-ssh`, description: "Managed by egi-cdktf" }),
    managed("openstack_networking_secgroup_rule_v2", `${w}-ssh_ingress-tcp-22-from-192-0-2-0-24`, ["create"], { direction: "ingress", protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "192.0.2.0/24" }),
    managed("openstack_networking_floatingip_v2", `${w}_floating-ip`, ["create"], { pool: "public" }),
    managed("openstack_networking_floatingip_associate_v2", `${w}_floating-ip_Association`, ["create"], {}),
    managed("openstack_blockstorage_volume_v3", `${w}_data`, ["create"], { name: `scale-${w}-data`, size: 10 }),
    managed("openstack_compute_volume_attach_v2", `${w}_data_Attachment`, ["create"], {}),
  ];
}

/** Besides the new servers: two servers gone from the app, one whose user_data changed (replace), one tainted. */
const CHANGES_TO_REVIEW: ResourceChange[] = [
  managed("openstack_compute_instance_v2", "old2_server", ["delete"], null, { action_reason: "delete_because_no_resource_config" }),
  managed("openstack_compute_instance_v2", "old10_server", ["delete"], null, { action_reason: "delete_because_no_resource_config" }),
  { ...managed("openstack_compute_instance_v2", "db_server", ["delete", "create"], { name: "scale-db", flavor_id: MEDIUM, block_device: [] }, { action_reason: "replace_because_cannot_update" }), change: { actions: ["delete", "create"], before: { name: "scale-db", flavor_id: MEDIUM }, after: { name: "scale-db", flavor_id: MEDIUM, block_device: [] }, after_unknown: { id: true }, replace_paths: [["user_data"]] } },
  managed("openstack_blockstorage_volume_v3", "db_data", ["create", "delete"], { size: 50 }, { action_reason: "replace_because_tainted" }),
];

function plan(n: number): PlanJson {
  const resource_changes = [...Array.from({ length: n }, (_, k) => server(k + 1)).flat(), ...CHANGES_TO_REVIEW];
  const output_changes: Record<string, { actions: string[] }> = {};
  for (let i = 1; i <= n; i++) for (const o of ["addresses", "id", "floating_ip"]) output_changes[`worker${i}_${o}`] = { actions: ["create"] };
  const resources = resource_changes.filter((r) => r.mode === "managed").map((r) => ({ address: r.address, provider_config_key: "openstack" }));
  return { format_version: "1.2", terraform_version: "1.5.7", resource_changes, output_changes, configuration: { provider_config: { openstack: { name: "openstack" } }, root_module: { resources } } };
}

/** What the plan does, counted from the plan itself. */
function expected(p: PlanJson) {
  const of = (actions: string) => p.resource_changes!.filter((r) => r.mode === "managed" && r.change.actions.join() === actions).map((r) => r.address);
  return { add: of("create"), destroy: of("delete"), replace: [...of("delete,create"), ...of("create,delete")], outputs: Object.keys(p.output_changes!) };
}

function report(n: number): PlanSummaryReport {
  const p = plan(n);
  // A project with room for 100 servers: from 200 on, over quota.
  const quota: SiteQuota = { flavors: FLAVORS, unavailable: {}, limits: { instances: { limit: 100, used: 3 }, cores: { limit: -1, used: 6 }, volumes: { limit: 5000, used: 0 }, floatingip: { limit: 5000, used: 1 } } };
  const rows = quotaRows(quotaNeeds(p).map((need) => ({ ...need, stack: "workers" })), quota);
  const site: SiteReport = { site: {}, label: LABEL, stacks: ["workers"], checked: true, notes: [], rows };
  const stacks: StackReport[] = [
    {
      name: "workers",
      status: "planned",
      changes: summarizePlan(p),
      warnings: [{ source: "synth", where: "workers", message: "a synth warning" }],
      // As review-hints.ts finds them on such an app: every server with a floating IP and no key pair.
      hints: [
        { hint: "volume-destroyed", address: "openstack_blockstorage_volume_v3.db_data_X", message: "destroys a volume and the data on it" },
        ...p.resource_changes!.filter((rc) => rc.type === "openstack_compute_instance_v2" && rc.name.startsWith("worker")).map((rc) => ({
          hint: "floating-ip-without-key-pair" as const,
          address: rc.address,
          message: `reachable from outside through ${rc.address.replace(/.*\.(worker\d+)_server_\w+$/, "openstack_networking_floatingip_associate_v2.$1_floating-ip_Association")} with no key_pair: no SSH key is installed`,
        })),
      ],
      durationMs: 1000,
    },
  ];
  const failures = rows.filter((r) => r.status === "over").map((r) => overQuotaLine(LABEL, r));
  return { mode: "plan", app: ".", ok: failures.length === 0, failures, stacks, quota: [site], terraform: { binary: "terraform", version: "1.5.7" }, durationMs: 60_000 };
}

/** One action's list in the stack's section: the addresses shown and the sum of its cut lines (one per type). */
function listOf(md: string, heading: RegExp): { addresses: string[]; cut?: number } {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return { addresses: [] };
  const addresses: string[] = [];
  let cut: number | undefined;
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith("- ")) break;
    const m = /^- `([^`]+)`/.exec(l);
    if (m) addresses.push(m[1]);
    const c = /^- … ([\d,]+) more .* left out \(comment size limit\); the full list is in (.*)$/.exec(l);
    if (c) {
      cut = (cut ?? 0) + Number(c[1].replace(/,/g, ""));
      expect(c[2]).toBe(FULL_AT);
    }
  }
  return { addresses, cut };
}

/** `<details>` opened and closed in order, a blank line after each `</summary>`. */
function expectBalancedDetails(md: string): void {
  const lines = md.split("\n");
  let depth = 0;
  lines.forEach((l, i) => {
    depth += (l.match(/<details>/g) ?? []).length;
    if (l.includes("</summary>")) expect(lines[i + 1]).toBe("");
    depth -= (l.match(/<\/details>/g) ?? []).length;
    expect(depth).toBeGreaterThanOrEqual(0);
  });
  expect(depth).toBe(0);
}

const workerNumber = (address: string) => Number(/\.worker(\d+)_server_/.exec(address)?.[1]);

/** Every line but those of the fingerprint (a hidden comment) within ~1000 characters. */
function expectShortLines(md: string, stacks: readonly StackReport[]): void {
  const fp = fingerprintBlock(stacks);
  const body = fp ? md.replace(fp, "") : md;
  expect(Math.max(...body.split("\n").map((l) => l.length))).toBeLessThanOrEqual(1000);
}

describe.each([20, 200, 2000])("%i servers", (n) => {
  const r = report(n);
  const want = expected(plan(n));
  const md = renderMarkdown(r, { maxChars: GITHUB, fullTextAt: FULL_AT });

  test(`GIVEN ${n} servers WHEN rendered for GitHub THEN at most 65,536 characters, balanced <details>, no line over 1000 characters`, () => {
    expect(md.length).toBeLessThanOrEqual(GITHUB);
    expectBalancedDetails(md);
    expectShortLines(md, r.stacks);
  });

  test(`GIVEN ${n} servers WHEN rendered for GitHub THEN the totals, every destroy and replacement with its cause, the quota table and the fingerprint are there`, () => {
    expect(md).toContain(`| \`workers\` | ${(want.add.length).toLocaleString("en-US")} | 0 | ${want.replace.length} | ${want.destroy.length} | ${(want.outputs.length).toLocaleString("en-US")} |`);
    const banner = md.slice(md.indexOf("### :warning: Destroys and replacements"), md.indexOf("### Totals"));
    for (const a of want.destroy) expect(banner).toContain(`- :wastebasket: **destroy** \`${a}\` in stack \`workers\`: its resource is no longer in the app`);
    expect(banner).toMatch(/- :recycle: \*\*replace\*\* \(destroy before create\) `openstack_compute_instance_v2\.db_server_\w+` in stack `workers`: forced by `user_data`/);
    expect(banner).toMatch(/- :recycle: \*\*replace\*\* \(create before destroy\) `openstack_blockstorage_volume_v3\.db_data_\w+` in stack `workers`: it is tainted/);
    // db's replacement destroys first: only growth counts (none, same flavor)
    expect(md).toContain(`| instances | ${n} | 100 | 3 | 97 | ${n > 97 ? `:x: **over by ${n - 97}**` : "ok"} |`);
    expect(md).toContain(`| floating IPs | ${n} | 5000 | 1 | 4999 | ok |`);
    expect(md).toContain(`| security group rules | ${n * 3} | n/a | n/a | n/a | :warning: not checked: the site reported no limit for it |`);
    expect(md).toContain(fingerprintBlock(r.stacks));
    expect(md).toContain("- :warning: `openstack_blockstorage_volume_v3.db_data_X` in stack `workers`: destroys a volume and the data on it (`volume-destroyed`)");
  });

  test(`GIVEN ${n} servers WHEN rendered for GitHub THEN the addresses to add are in natural order and the cut line counts exactly those left out`, () => {
    const add = listOf(md, /^\*\*To add \(/);
    const shown = add.addresses;
    for (const a of shown) expect(want.add).toContain(a);
    expect(new Set(shown).size).toBe(shown.length);
    const servers = shown.filter((a) => a.startsWith("openstack_compute_instance_v2.worker")).map(workerNumber);
    expect(servers).toEqual([...servers].sort((a, b) => a - b));
    if (n === 20) {
      expect(add.cut).toBeUndefined();
      expect(md).not.toContain("left out");
      for (const a of [...want.add, ...want.destroy, ...want.replace]) expect(md).toContain(`\`${a}\``);
      for (const o of want.outputs) expect(md).toContain(`- \`${o}\` (add)`);
    } else {
      expect(add.cut).toBe(want.add.length - shown.length);
      expect(shown.length).toBeGreaterThan(0);
    }
  });

  test(`GIVEN ${n} servers with a review hint each WHEN rendered for GitHub THEN the hints are in natural order, and cut like the lists, the cut line counting those not shown`, () => {
    const hints = md.split("\n").filter((l) => l.includes("(`floating-ip-without-key-pair`)"));
    const numbers = hints.map((l) => Number(/^- :warning: `openstack_compute_instance_v2\.worker(\d+)_server_\w+` in stack `workers`: reachable/.exec(l)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const cut = /^- … ([\d,]+) more `floating-ip-without-key-pair` hints? left out \(comment size limit\); the full list is in /m.exec(md);
    if (n === 20) expect([hints.length, cut]).toEqual([20, null]);
    else expect(Number(cut?.[1].replace(/,/g, ""))).toBe(n - hints.length);
  });
});

test("GIVEN 2000 servers WHEN rendered with GitLab's 1,000,000 characters THEN more addresses show than in a GitHub comment, still within the limit", () => {
  const r = report(2000);
  const github = listOf(renderMarkdown(r, { maxChars: GITHUB, fullTextAt: FULL_AT }), /^\*\*To add \(/).addresses.length;
  const md = renderMarkdown(r, { maxChars: GITLAB, fullTextAt: FULL_AT });
  const gitlab = listOf(md, /^\*\*To add \(/);

  expect(md.length).toBeLessThanOrEqual(GITLAB);
  expect(gitlab.addresses.length).toBeGreaterThan(github * 5);
  expect(gitlab.cut).toBe(expected(plan(2000)).add.length - gitlab.addresses.length);
  expectBalancedDetails(md);
});

test("GIVEN 200 servers WHEN rendered with GitLab's limit THEN nothing is cut", () => {
  const md = renderMarkdown(report(200), { maxChars: GITLAB, fullTextAt: FULL_AT });

  expect(md).not.toContain("left out");
  for (const a of expected(plan(200)).add) expect(md).toContain(`- \`${a}\`\n`);
});

test("GIVEN 2000 servers WHEN rendered with no limit THEN every address and output is there, and lines are still bounded", () => {
  const r = report(2000);
  const md = renderMarkdown(r);
  const want = expected(plan(2000));

  expect(md.length).toBeGreaterThan(GITLAB);
  expect(md).not.toContain("left out");
  expect(listOf(md, /^\*\*To add \(/).addresses).toHaveLength(want.add.length);
  expect(listOf(md, /^\*\*Outputs that change \(/).addresses).toHaveLength(want.outputs.length);
  expectShortLines(md, r.stacks);
});
