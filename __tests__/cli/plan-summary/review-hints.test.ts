/**
 * Review hints on crafted `terraform show -json` plans, in the shapes terraform 1.11 writes for
 * cdktf stacks (see __tests__/fixtures/plans): each hint fires on what it is about, and each near
 * miss stays quiet. Silences read from a cdk.tf.json are in __tests__/constructs/review-hints.test.ts
 * (a real synth); here only the reading of a written one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlanJson, ResourceChange } from "../../../cli/plan-summary/plan-json";
import { reviewHints, silencedHints } from "../../../cli/plan-summary/review-hints";
import { tempDirsRemovedAfterAll, writeJson } from "../../support/temp-dirs";
import { planFixture } from "./fixtures";

const tempDir = tempDirsRemovedAfterAll();
/** A stack folder with no cdk.tf.json: nothing silenced. */
const NO_SILENCES = tempDir(`hints-${process.pid}-`);

type Actions = string[];
interface ConfigEntry {
  readonly address: string;
  readonly expressions?: Record<string, unknown>;
}

const change = (type: string, name: string, actions: Actions, after: Record<string, unknown> | null, afterUnknown: Record<string, unknown> = {}, extra: Partial<ResourceChange> = {}): ResourceChange => ({
  address: `${type}.${name}`,
  mode: "managed",
  type,
  name,
  change: { actions, before: actions.includes("create") && !actions.includes("delete") ? null : {}, after, after_unknown: afterUnknown },
  ...extra,
});

const plan = (changes: ResourceChange[], config: ConfigEntry[] = []): PlanJson =>
  ({ format_version: "1.2", resource_changes: changes, configuration: { root_module: { resources: config } } }) as PlanJson;

const ref = (...addresses: string[]) => ({ references: addresses.flatMap((a) => [`${a}.id`, a]) });

// ---- 1. open-to-the-world -------------------------------------------------------------------

const RULE = "openstack_networking_secgroup_rule_v2";
/** A rule as cdktf writes SecurityGroup.allowTcpFrom: Neutron computes the remote group, so it is unknown. */
const rule = (after: Record<string, unknown>, actions: Actions = ["create"], unknown: Record<string, unknown> = {}) =>
  change(RULE, "r", actions, { direction: "ingress", ethertype: "IPv4", security_group_id: "sg", ...after }, { id: true, remote_group_id: true, remote_address_group_id: true, ...unknown });
/** Its configuration: the arguments set in the code (no expression for an argument left out). */
const ruleConfig = (...args: string[]): ConfigEntry => ({ address: `${RULE}.r`, expressions: Object.fromEntries(args.map((a) => [a, { constant_value: "x" }])) });
const SET = ["direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "security_group_id"];

const OPEN: Array<[string, Record<string, unknown>, Actions, string]> = [
  ["tcp 22 from 0.0.0.0/0", { protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens SSH (tcp 22) to 0.0.0.0/0"],
  ["tcp 22 from ::/0", { ethertype: "IPv6", protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "::/0" }, ["create"], "opens SSH (tcp 22) to ::/0"],
  ["protocol 6 (tcp) port 22", { protocol: "6", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens SSH (tcp 22) to 0.0.0.0/0"],
  ["tcp 20-30, replaced", { protocol: "tcp", port_range_min: 20, port_range_max: 30, remote_ip_prefix: "0.0.0.0/0" }, ["delete", "create"], "opens tcp 20-30 (SSH included) to 0.0.0.0/0"],
  ["tcp 1-65535", { protocol: "tcp", port_range_min: 1, port_range_max: 65535, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens every tcp port to 0.0.0.0/0"],
  ["tcp 0-0 (the provider's whole range)", { protocol: "tcp", port_range_min: 0, port_range_max: 0, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens every tcp port to 0.0.0.0/0"],
  ["udp, no ports", { protocol: "udp", port_range_min: null, port_range_max: null, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens every udp port to 0.0.0.0/0"],
  ["no protocol", { protocol: null, remote_ip_prefix: "0.0.0.0/0" }, ["create"], "opens every protocol and port to 0.0.0.0/0"],
  ["protocol empty", { protocol: "", remote_ip_prefix: "::/0" }, ["create"], "opens every protocol and port to ::/0"],
  ["protocol any", { protocol: "any", remote_ip_prefix: "0.0.0.0/0" }, ["create", "delete"], "opens every protocol and port to 0.0.0.0/0"],
  ["changed in place", { protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }, ["update"], "opens SSH (tcp 22) to 0.0.0.0/0"],
];

test.each(OPEN)("GIVEN an ingress rule, %s WHEN hinted THEN open-to-the-world names it and what it opens", (_what, after, actions, message) => {
  const hints = reviewHints(plan([rule(after, actions)], [ruleConfig(...SET)]), NO_SILENCES);
  expect(hints).toEqual([{ hint: "open-to-the-world", address: `${RULE}.r`, message }]);
});

test("GIVEN an ingress tcp 22 rule with no remote prefix and no remote group in the code WHEN hinted THEN open to any address (Neutron matches every source)", () => {
  const after = { protocol: "tcp", port_range_min: 22, port_range_max: 22 };
  const hints = reviewHints(plan([rule(after, ["create"], { remote_ip_prefix: true })], [ruleConfig("direction", "ethertype", "protocol", "port_range_min", "port_range_max", "security_group_id")]), NO_SILENCES);
  expect(hints.map((h) => h.message)).toEqual(["opens SSH (tcp 22) to any address (no remote_ip_prefix, no remote group)"]);
});

const QUIET: Array<[string, ResourceChange, ConfigEntry[]]> = [
  ["ingress tcp 22 from 10.0.0.0/8", rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "10.0.0.0/8" }), [ruleConfig(...SET)]],
  ["ingress tcp 443 from 0.0.0.0/0", rule({ protocol: "tcp", port_range_min: 443, port_range_max: 443, remote_ip_prefix: "0.0.0.0/0" }), [ruleConfig(...SET)]],
  ["ingress udp 22 from 0.0.0.0/0", rule({ protocol: "udp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }), [ruleConfig(...SET)]],
  ["ingress icmp from 0.0.0.0/0", rule({ protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" }), [ruleConfig(...SET)]],
  ["egress, every protocol to 0.0.0.0/0", rule({ direction: "egress", protocol: null, remote_ip_prefix: "0.0.0.0/0" }), [ruleConfig(...SET)]],
  ["ingress tcp 22 from 0.0.0.0/0 being destroyed", rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }, ["delete"]), [ruleConfig(...SET)]],
  ["ingress tcp 22 from 0.0.0.0/0, unchanged", rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }, ["no-op"]), [ruleConfig(...SET)]],
  [
    "ingress tcp 22, no prefix, a remote group in the code",
    rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22 }, ["create"], { remote_ip_prefix: true }),
    [{ address: `${RULE}.r`, expressions: { protocol: { constant_value: "tcp" }, remote_group_id: ref("openstack_networking_secgroup_v2.other") } }],
  ],
  [
    "ingress tcp 22 from a prefix known only after apply",
    rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22 }, ["create"], { remote_ip_prefix: true }),
    [{ address: `${RULE}.r`, expressions: { protocol: { constant_value: "tcp" }, remote_ip_prefix: ref("terraform_data.cidr") } }],
  ],
  ["ingress tcp 22, no prefix, no configuration to tell unset from unknown", rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22 }, ["create"], { remote_ip_prefix: true }), []],
];

test.each(QUIET)("GIVEN a rule %s WHEN hinted THEN no hint", (_what, rc, config) => {
  expect(reviewHints(plan([rc], config), NO_SILENCES)).toEqual([]);
});

// ---- 2. floating-ip-without-key-pair --------------------------------------------------------

const SERVER = "openstack_compute_instance_v2";
const ASSOC = "openstack_networking_floatingip_associate_v2";
const PORT_DATA = "data.openstack_networking_port_v2";
const server = (name: string, keyPair: unknown, actions: Actions = ["create"], unknown: Record<string, unknown> = {}) =>
  change(SERVER, name, actions, { name, key_pair: keyPair, flavor_id: "f", image_id: "i" }, { id: true, ...unknown });
const assoc = (name: string, actions: Actions = ["create"]) => change(ASSOC, name, actions, { floating_ip: null, port_id: null }, { floating_ip: true, port_id: true });
/** What VirtualMachine.addFloatingIp writes: association -> port data source (device_id = the server) . */
const viaPortData = (serverName: string, assocName = `${serverName}_fip`): ConfigEntry[] => [
  { address: `${SERVER}.${serverName}`, expressions: { name: { constant_value: serverName }, network: [{ name: { constant_value: "private" } }] } },
  { address: `${PORT_DATA}.${serverName}_port`, expressions: { device_id: ref(`${SERVER}.${serverName}`), network_id: ref(`${SERVER}.${serverName}`) } },
  { address: `${ASSOC}.${assocName}`, expressions: { floating_ip: ref("openstack_networking_floatingip_v2.ip"), port_id: ref(`${PORT_DATA}.${serverName}_port`) } },
];
const FIP_MESSAGE = (assocName: string) => `reachable from outside through ${ASSOC}.${assocName} with no key_pair: no SSH key is installed, so who can log in depends on the image and user data`;

const NO_KEY: Array<[string, ResourceChange[], ConfigEntry[]]> = [
  ["a new server, key_pair null, floating IP through the port data source", [server("vm", null), assoc("vm_fip")], viaPortData("vm")],
  ["a replaced server, key_pair empty", [server("vm", "", ["delete", "create"]), assoc("vm_fip", ["no-op"])], viaPortData("vm")],
  ["an unchanged server getting a new floating IP", [server("vm", null, ["no-op"]), assoc("vm_fip")], viaPortData("vm")],
  [
    "a new server whose association names its network port directly",
    [server("vm", null), assoc("vm_fip")],
    [
      { address: `${SERVER}.vm`, expressions: {} },
      { address: `${ASSOC}.vm_fip`, expressions: { port_id: { references: [`${SERVER}.vm.network[0].port`, `${SERVER}.vm.network[0]`, `${SERVER}.vm.network`, `${SERVER}.vm`] } } },
    ],
  ],
  [
    "a new server on a port resource that the association uses",
    [server("vm", null), assoc("vm_fip")],
    [
      { address: `${SERVER}.vm`, expressions: { network: [{ port: ref("openstack_networking_port_v2.p") }] } },
      { address: "openstack_networking_port_v2.p", expressions: { network_id: { constant_value: "n" } } },
      { address: `${ASSOC}.vm_fip`, expressions: { port_id: ref("openstack_networking_port_v2.p") } },
    ],
  ],
];

test.each(NO_KEY)("GIVEN %s WHEN hinted THEN floating-ip-without-key-pair names the server and the floating IP", (_what, changes, config) => {
  expect(reviewHints(plan(changes, config), NO_SILENCES)).toEqual([{ hint: "floating-ip-without-key-pair", address: `${SERVER}.vm`, message: FIP_MESSAGE("vm_fip") }]);
});

const HAS_KEY_OR_NO_FIP: Array<[string, ResourceChange[], ConfigEntry[]]> = [
  ["a new server with a key pair", [server("vm", "me"), assoc("vm_fip")], viaPortData("vm")],
  ["a new server whose key pair is created in the same apply", [server("vm", null, ["create"], { key_pair: true }), assoc("vm_fip")], viaPortData("vm")],
  ["a new server without key pair and without floating IP", [server("vm", null)], viaPortData("vm").slice(0, 2)],
  ["a server changed in place, its floating IP unchanged", [server("vm", null, ["update"]), assoc("vm_fip", ["no-op"])], viaPortData("vm")],
  ["a new server without key pair, the floating IP on another server", [server("vm", null), server("other", "me"), assoc("other_fip")], [...viaPortData("other"), { address: `${SERVER}.vm`, expressions: {} }]],
];

test.each(HAS_KEY_OR_NO_FIP)("GIVEN %s WHEN hinted THEN no hint", (_what, changes, config) => {
  expect(reviewHints(plan(changes, config), NO_SILENCES)).toEqual([]);
});

// ---- 3. volume-destroyed --------------------------------------------------------------------

const VOLUME = "openstack_blockstorage_volume_v3";
const volume = (actions: Actions, extra: Partial<ResourceChange> = {}, replacePaths?: string[][]) => {
  const rc = change(VOLUME, "data", actions, actions.includes("create") ? { size: 2 } : null, {}, extra);
  return replacePaths ? { ...rc, change: { ...rc.change, replace_paths: replacePaths } } : rc;
};

test.each`
  what                             | rc                                                                          | message
  ${"destroyed"}                   | ${volume(["delete"])}                                                       | ${"destroyed: the volume and the data on it are deleted"}
  ${"removed from the code"}       | ${volume(["delete"], { action_reason: "delete_because_no_resource_config" })} | ${"destroyed (no longer in the code): the volume and the data on it are deleted"}
  ${"replaced, forced by its size"} | ${volume(["delete", "create"], {}, [["size"]])}                           | ${"replaced (size forces it): the volume and the data on it are deleted"}
  ${"replaced create-first"}       | ${volume(["create", "delete"])}                                             | ${"replaced: the volume and the data on it are deleted"}
`("GIVEN a volume $what WHEN hinted THEN volume-destroyed names it", ({ rc, message }) => {
  expect(reviewHints(plan([rc]), NO_SILENCES)).toEqual([{ hint: "volume-destroyed", address: `${VOLUME}.data`, message }]);
});

test.each`
  what               | actions
  ${"added"}         | ${["create"]}
  ${"extended"}      | ${["update"]}
  ${"unchanged"}     | ${["no-op"]}
  ${"forgotten"}     | ${["forget"]}
`("GIVEN a volume $what WHEN hinted THEN no hint", ({ actions }) => {
  expect(reviewHints(plan([volume(actions)]), NO_SILENCES)).toEqual([]);
});

// ---- real plans, several hints, silences ----------------------------------------------------

test("GIVEN the captured plans (rules from 192.0.2.0/24, no volume destroyed; configuration trimmed to addresses) WHEN hinted THEN no hint: nothing is guessed without the references", () => {
  expect(reviewHints(planFixture("workers"), NO_SILENCES)).toEqual([]);
  expect(reviewHints(planFixture("mixed"), NO_SILENCES)).toEqual([]);
});

test("GIVEN a plan with all three hints WHEN hinted THEN listed by hint, then address", () => {
  const open = (name: string) => ({ ...rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }), address: `${RULE}.${name}`, name });
  const p = plan([volume(["delete"]), open("b"), server("vm", null), assoc("vm_fip"), open("a")], [...viaPortData("vm"), { ...ruleConfig(...SET), address: `${RULE}.a` }, { ...ruleConfig(...SET), address: `${RULE}.b` }]);
  expect(reviewHints(p, NO_SILENCES).map((h) => [h.hint, h.address])).toEqual([
    ["open-to-the-world", `${RULE}.a`],
    ["open-to-the-world", `${RULE}.b`],
    ["floating-ip-without-key-pair", `${SERVER}.vm`],
    ["volume-destroyed", `${VOLUME}.data`],
  ]);
});

describe("silences written in cdk.tf.json", () => {
  const dir = tempDir(`hints-silenced-${process.pid}-`);
  writeJson(path.join(dir, "cdk.tf.json"), {
    resource: {
      [RULE]: {
        r: { direction: "ingress", "//": { metadata: { path: "s/sg/r" }, "egi-cdktf": { silenced_hints: { "open-to-the-world": "bastion, SSH by key only" } } } },
        other: { direction: "ingress", "//": { "egi-cdktf": { silenced_hints: { "volume-destroyed": "not this hint", "open-to-the-world": " " } } } },
      },
      [VOLUME]: { data: { size: 1 } },
    },
  });

  test("GIVEN a rule silenced for open-to-the-world WHEN hinted THEN its finding carries the reason; a rule silenced for another hint or with a blank reason still warns", () => {
    const open = (name: string) => ({ ...rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" }), address: `${RULE}.${name}`, name });
    const hints = reviewHints(plan([open("r"), open("other"), volume(["delete"])]), dir);
    expect(hints).toEqual([
      { hint: "open-to-the-world", address: `${RULE}.other`, message: "opens SSH (tcp 22) to 0.0.0.0/0" },
      { hint: "open-to-the-world", address: `${RULE}.r`, message: "opens SSH (tcp 22) to 0.0.0.0/0", silenced: "bastion, SSH by key only" },
      { hint: "volume-destroyed", address: `${VOLUME}.data`, message: "destroyed: the volume and the data on it are deleted" },
    ]);
  });

  test("GIVEN cdk.tf.json missing or not JSON WHEN its silences are read THEN none", () => {
    expect(silencedHints(path.join(NO_SILENCES, "cdk.tf.json")).size).toBe(0);
    const bad = path.join(tempDir(`hints-bad-${process.pid}-`), "cdk.tf.json");
    fs.writeFileSync(bad, "{ not json");
    expect(silencedHints(bad).size).toBe(0);
  });
});
