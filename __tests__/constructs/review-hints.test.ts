/**
 * ReviewHints: silences written by a real synth into each resource's "//" comment in cdk.tf.json,
 * accepted by the real terraform and tofu (`validate` of the synthesized stack), and read back by
 * plan-summary's `reviewHints` from that file. The plan reviewHints reads is made from the same
 * cdk.tf.json as `terraform show -json` makes it: constants as planned values, "${...}" as values
 * known after apply with their references in `configuration`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import type { PlanJson, ResourceChange } from "../../cli/plan-summary/plan-json";
import { reviewHints } from "../../cli/plan-summary/review-hints";
import { EgiSite, ReviewHint, ReviewHints, SecurityGroup, VirtualMachine } from "../../constructs";
import { fixed, useTempContextFile } from "../support/construct-fixtures";
import { ENGINES, initAndValidate } from "../support/terraform";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";
import { messageOf } from "../support/thrown";

useTempContextFile();
const tempDir = tempDirsRemovedAfterAll();

const RULE = "openstack_networking_secgroup_rule_v2";
const SERVER = "openstack_compute_instance_v2";
const VOLUME = "openstack_blockstorage_volume_v3";

/**
 * A stack with one thing for each hint twice, once silenced: `web` and `bastion` open SSH to the
 * world (bastion silenced, a rule added after the silence included), servers `open` and `quiet`
 * with floating IPs and no key pair (quiet silenced), each with a volume (quiet's silenced).
 */
function hintedStack(stack: TerraformStack): void {
  new EgiSite(stack, "site");
  new SecurityGroup(stack, "web").allowSshFrom("0.0.0.0/0").allowTcpFrom("0.0.0.0/0", 443);
  const bastion = new SecurityGroup(stack, "bastion").allowSshFrom("0.0.0.0/0");
  ReviewHints.of(bastion).silence(ReviewHint.OPEN_TO_THE_WORLD, "bastion host, SSH by key only");
  bastion.allowSshFrom("::/0");
  const open = new VirtualMachine(stack, "open", { ...fixed(), floatingIpPool: "public" });
  open.attachNewVolume("data", { sizeGb: 1 });
  const quiet = new VirtualMachine(stack, "quiet", { ...fixed(), floatingIpPool: "public" });
  quiet.attachNewVolume("data", { sizeGb: 1 });
  ReviewHints.of(quiet).silence(ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR, "keys come from the user data");
  ReviewHints.of(quiet).silence(ReviewHint.VOLUME_DESTROYED, "scratch space");
}

/** `app.synth()` of the stack into a temp folder: the folder holding its cdk.tf.json. */
function synthesize(build: (stack: TerraformStack) => void): string {
  const outdir = tempDir(`review-hints-${process.pid}-`);
  const app = new App({ outdir, skipValidation: false });
  build(new TerraformStack(app, "hinted"));
  app.synth();
  return path.join(outdir, "stacks", "hinted");
}

type Json = Record<string, any>;
const INTERPOLATION = /\$\{([^}]*)\}/g;
const ADDRESS = /\b(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|openstack_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;

/** The plan of a first apply of `config` (cdk.tf.json), in `terraform show -json`'s shape. */
function firstApplyPlan(config: Json, actionsOf: (address: string) => string[] = () => ["create"]): PlanJson {
  const changes: ResourceChange[] = [];
  const configured: Json[] = [];
  const add = (prefix: string, type: string, name: string, body: Json) => {
    const expressions: Json = {};
    const after: Json = {};
    const unknown: Json = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === "//" || key === "provider" || key === "lifecycle" || key === "depends_on") continue;
      const text = JSON.stringify(value);
      const refs = [...text.matchAll(INTERPOLATION)].flatMap((m) => [...m[1].matchAll(ADDRESS)].map((a) => a[1]));
      // As terraform 1.11 wrote it for this stack at the local site: a "${...}" string keeps its text as constant_value.
      expressions[key] = refs.length ? { ...(typeof value === "string" ? { constant_value: value } : {}), references: refs.flatMap((r) => [`${r}.id`, r]) } : { constant_value: value };
      if (refs.length) unknown[key] = true;
      else after[key] = value;
    }
    const address = `${prefix}${type}.${name}`;
    configured.push({ address, mode: prefix ? "data" : "managed", type, name, expressions });
    if (!prefix) {
      const actions = actionsOf(address);
      changes.push({ address, mode: "managed", type, name, change: { actions, before: null, after: actions.includes("create") ? after : null, after_unknown: unknown } });
    }
  };
  for (const [type, byName] of Object.entries(config.resource ?? {})) for (const [name, body] of Object.entries(byName as Json)) add("", type, name, body as Json);
  for (const [type, byName] of Object.entries(config.data ?? {})) for (const [name, body] of Object.entries(byName as Json)) add("data.", type, name, body as Json);
  return { format_version: "1.2", resource_changes: changes, configuration: { root_module: { resources: configured } } } as unknown as PlanJson;
}

describe("silenced in code, read by plan-summary", () => {
  const dir = synthesize(hintedStack);
  const config: Json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const names = (type: string, part: string) => Object.keys(config.resource[type]).filter((n) => n.startsWith(part)).sort();

  test("GIVEN silences on a security group and a server WHEN synthesized THEN each resource of the hint's type under them carries the reason in its \"//\" comment, beside cdktf's metadata", () => {
    const comment = (type: string, name: string) => config.resource[type][name]["//"];
    const bastionRules = names(RULE, "bastion_");
    expect(bastionRules).toHaveLength(2); // the rule added after the silence too
    for (const name of bastionRules) {
      expect(comment(RULE, name)["egi-cdktf"]).toEqual({ silenced_hints: { "open-to-the-world": "bastion host, SSH by key only" } });
      expect(comment(RULE, name).metadata.path).toMatch(/^hinted\/bastion\//);
    }
    for (const name of names(RULE, "web_")) expect(comment(RULE, name)["egi-cdktf"]).toBeUndefined();
    expect(comment(SERVER, names(SERVER, "quiet_")[0])["egi-cdktf"]).toEqual({ silenced_hints: { "floating-ip-without-key-pair": "keys come from the user data" } });
    expect(comment(VOLUME, names(VOLUME, "quiet_")[0])["egi-cdktf"]).toEqual({ silenced_hints: { "volume-destroyed": "scratch space" } });
    expect(comment(SERVER, names(SERVER, "open_")[0])["egi-cdktf"]).toBeUndefined();
    // Only the hint's resource types: not the floating IP, the association or the attachment under the server.
    const others = Object.entries(config.resource).filter(([type]) => ![RULE, SERVER, VOLUME].includes(type));
    for (const [, byName] of others) for (const body of Object.values(byName as Json)) expect((body as Json)["//"]["egi-cdktf"]).toBeUndefined();
  });

  test.each(ENGINES)("GIVEN the synthesized stack with silences WHEN %s init and validate run THEN it is valid: the \"//\" comment is ignored", (engine) => {
    const report = initAndValidate(dir, engine);
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });

  test("GIVEN a first apply of that stack WHEN hinted THEN the open web rule and the open server warn; the bastion rules and the quiet server carry their reasons", () => {
    const hints = reviewHints(firstApplyPlan(config), dir);
    const byAddress = (h: { address: string }) => h.address;
    expect(hints.filter((h) => !h.silenced).map((h) => [h.hint, h.address, h.message])).toEqual([
      ["open-to-the-world", `${RULE}.${names(RULE, "web_ingress-tcp-22")[0]}`, "opens SSH (tcp 22) to 0.0.0.0/0"],
      ["floating-ip-without-key-pair", `${SERVER}.${names(SERVER, "open_")[0]}`, expect.stringContaining(`through openstack_networking_floatingip_associate_v2.open_floating-ip_Association_`)],
    ]);
    expect(hints.filter((h) => h.silenced).map((h) => [h.hint, byAddress(h), h.silenced])).toEqual([
      ...names(RULE, "bastion_").map((n) => ["open-to-the-world", `${RULE}.${n}`, "bastion host, SSH by key only"]),
      ["floating-ip-without-key-pair", `${SERVER}.${names(SERVER, "quiet_")[0]}`, "keys come from the user data"],
    ]);
  });

  test("GIVEN both volumes destroyed WHEN hinted THEN the open server's volume warns, the quiet one's carries its reason", () => {
    const hints = reviewHints(firstApplyPlan(config, (a) => (a.startsWith(`${VOLUME}.`) ? ["delete"] : ["no-op"])), dir);
    expect(hints.map((h) => [h.hint, h.address, h.silenced])).toEqual([
      ["volume-destroyed", `${VOLUME}.${names(VOLUME, "open_")[0]}`, undefined],
      ["volume-destroyed", `${VOLUME}.${names(VOLUME, "quiet_")[0]}`, "scratch space"],
    ]);
  });
});

describe("ReviewHints.silence", () => {
  const stack = () => new TerraformStack(Testing.app(), "s");
  const js = (x: unknown) => x as never;

  test.each`
    what                        | hint                                 | reason                | expected
    ${"an empty reason"}        | ${ReviewHint.OPEN_TO_THE_WORLD}      | ${""}                 | ${"ReviewHints s/sg: silence: argument reason must be a non-empty string, got an empty string"}
    ${"a blank reason"}         | ${ReviewHint.VOLUME_DESTROYED}       | ${"  "}               | ${"ReviewHints s/sg: silence: argument reason must be a non-empty string, got an empty string"}
    ${"no reason"}              | ${ReviewHint.VOLUME_DESTROYED}       | ${undefined}          | ${"ReviewHints s/sg: silence: argument reason must be a non-empty string, got undefined"}
    ${"a two-line reason"}      | ${ReviewHint.VOLUME_DESTROYED}       | ${"scratch\nspace"}   | ${"ReviewHints s/sg: silence: argument reason has a line break; give one line (it is shown in the plan summary's list)"}
    ${"a hint id as a string"}  | ${"open-to-the-world"}               | ${"why"}              | ${'ReviewHints s/sg: silence: argument hint must be ReviewHint.OPEN_TO_THE_WORLD, ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR or ReviewHint.VOLUME_DESTROYED, got the string "open-to-the-world"'}
    ${"an unknown hint object"} | ${{ id: "no-such-hint" }}            | ${"why"}              | ${"ReviewHints s/sg: silence: argument hint must be ReviewHint.OPEN_TO_THE_WORLD, ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR or ReviewHint.VOLUME_DESTROYED, got an object"}
    ${"no hint"}                | ${undefined}                         | ${"why"}              | ${"ReviewHints s/sg: silence: argument hint must be ReviewHint.OPEN_TO_THE_WORLD, ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR or ReviewHint.VOLUME_DESTROYED, got undefined"}
  `("GIVEN $what WHEN silence is called THEN one line names the argument", ({ hint, reason, expected }) => {
    const sg = new SecurityGroup(stack(), "sg");
    const message = messageOf(() => ReviewHints.of(sg).silence(js(hint), js(reason)));
    expect(message).toBe(expected);
    expect(message).not.toContain("\n");
  });

  test("GIVEN ReviewHints.of without a construct WHEN called THEN one line names the argument scope", () => {
    expect(messageOf(() => ReviewHints.of(js(undefined)))).toBe("ReviewHints.of: argument scope must be an object, got undefined");
    expect(messageOf(() => ReviewHints.of(js({ id: "x" })))).toBe("ReviewHints.of: argument scope must be a construct (a stack, a VirtualMachine, a SecurityGroup, ...), got an object");
  });

  test("GIVEN open-to-the-world silenced on a server (its security groups live elsewhere) WHEN synthesized THEN a warning says it silences nothing and where to put it", () => {
    const s = stack();
    new EgiSite(s, "site");
    const vm = new VirtualMachine(s, "vm", fixed());
    ReviewHints.of(vm).silence(ReviewHint.OPEN_TO_THE_WORLD, "why");
    Testing.synth(s);
    const warnings = vm.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([
      "ReviewHints: silence(open-to-the-world) at s/vm matches no openstack_networking_secgroup_rule_v2 under it; call it on the construct that holds one (for a rule: its SecurityGroup)",
    ]);
  });

  test("GIVEN a silence on a group and another on one of its rules WHEN synthesized THEN the rule's own reason wins there", () => {
    // app.synth, not Testing.synth: Testing.synth leaves every "//" comment out.
    const dir = synthesize((s) => {
      new EgiSite(s, "site");
      const sg = new SecurityGroup(s, "sg").allowSshFrom("0.0.0.0/0").allowTcpFrom("0.0.0.0/0", { from: 1, to: 65535 });
      ReviewHints.of(sg).silence(ReviewHint.OPEN_TO_THE_WORLD, "group reason");
      ReviewHints.of(sg.node.findChild("ingress-tcp-22-from-0-0-0-0-0")).silence(ReviewHint.OPEN_TO_THE_WORLD, "rule reason");
    });
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const reasons = Object.entries(json.resource[RULE]).map(([name, body]) => [name.replace(/_[0-9A-F]{8}$/, ""), (body as Json)["//"]["egi-cdktf"].silenced_hints["open-to-the-world"]]);
    expect(reasons.sort()).toEqual([
      ["sg_ingress-tcp-1-65535-from-0-0-0-0-0", "group reason"],
      ["sg_ingress-tcp-22-from-0-0-0-0-0", "rule reason"],
    ]);
  });

  test("GIVEN the construct's hints WHEN listed THEN their ids are the ones plan-summary reports", () => {
    const { REVIEW_HINT_IDS } = require("../../cli/plan-summary/review-hints");
    expect([ReviewHint.OPEN_TO_THE_WORLD, ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR, ReviewHint.VOLUME_DESTROYED].map((h) => h.id)).toEqual(REVIEW_HINT_IDS);
  });
});
