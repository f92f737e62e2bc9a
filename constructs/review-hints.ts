import { Annotations, Aspects, type IAspect, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { checkArg } from "./props-check";

/**
 * Where a silence is written in each resource of the synthesized `cdk.tf.json`:
 * `"//": { "egi-cdktf": { "silenced_hints": { "<hint id>": "<reason>" } } }`. Terraform and
 * OpenTofu ignore a `"//"` property in a block body (HCL's JSON syntax: a comment), and cdktf
 * already writes its own `"//": { "metadata": ... }` there, so nothing reaches the provider, the
 * plan or the state; `egi-cdktf plan-summary` reads it back from `cdk.tf.json` without the network.
 * @internal
 */
export const SILENCED_HINTS_PATH: readonly string[] = ["//", "egi-cdktf", "silenced_hints"];

/**
 * A review hint of `egi-cdktf plan-summary`: something in a plan that a reviewer should look at twice.
 *
 * A warning, not a policy: the plan still succeeds. `ReviewHints.of(scope).silence(hint, reason)`
 * moves it, for the resources under `scope`, to the summary's list of silenced hints.
 */
export class ReviewHint {
  /**
   * An ingress security group rule being added or changed that lets any address (`0.0.0.0/0`,
   * `::/0`, or no remote prefix and no remote group) reach SSH (TCP 22) or every port.
   * Found on `openstack_networking_secgroup_rule_v2` resources (`SecurityGroup.allowSshFrom`, ...).
   */
  public static readonly OPEN_TO_THE_WORLD = new ReviewHint("open-to-the-world", ["openstack_networking_secgroup_rule_v2"]);

  /**
   * A server being created or replaced with a floating IP (reachable from outside the site) and
   * no `keyPair`: no SSH key is installed, so who can log in depends on the image and user data.
   * Found on `openstack_compute_instance_v2` resources (`VirtualMachine`).
   */
  public static readonly FLOATING_IP_WITHOUT_KEY_PAIR = new ReviewHint("floating-ip-without-key-pair", ["openstack_compute_instance_v2"]);

  /**
   * A volume being destroyed or replaced: its data goes with it.
   * Found on `openstack_blockstorage_volume_v3` resources (`Volume`, `VirtualMachine.attachNewVolume`).
   */
  public static readonly VOLUME_DESTROYED = new ReviewHint("volume-destroyed", ["openstack_blockstorage_volume_v3"]);

  /**
   * The hint's id, as the plan summary and `cdk.tf.json` name it, e.g. "open-to-the-world".
   */
  public readonly id: string;

  /**
   * The terraform resource types the hint is found on (a silence is written on these only).
   */
  public readonly resourceTypes: string[];

  private constructor(id: string, resourceTypes: string[]) {
    this.id = id;
    this.resourceTypes = resourceTypes;
  }
}

const KNOWN_HINTS = "ReviewHint.OPEN_TO_THE_WORLD, ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR or ReviewHint.VOLUME_DESTROYED";

/** What was given instead of a ReviewHint: a hint's id as text is shown (it is no secret), anything else by kind. */
function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "string") return `the string "${value.slice(0, 40)}"`;
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Silences review hints of `egi-cdktf plan-summary` for every resource under a scope.
 *
 * In the aws-cdk style of `Tags.of(scope)`; the scope is a `VirtualMachine`, a `SecurityGroup`,
 * one rule or a whole stack:
 *
 *     ReviewHints.of(bastion).silence(ReviewHint.OPEN_TO_THE_WORLD, "bastion host, SSH by key only");
 *
 * A silence is code, reviewed in the pull request that adds it, with its reason: the summary
 * still lists the hint as silenced, with that reason, so a reviewer sees what no longer warns.
 * It is written into the resource's `"//"` comment in cdk.tf.json, which terraform ignores.
 */
export class ReviewHints {
  /**
   * The review hints that `egi-cdktf plan-summary` shows for the resources under `scope` (the scope itself included).
   * @param scope a construct: a stack, a `VirtualMachine`, a `SecurityGroup`, a single resource
   */
  public static of(scope: IConstruct): ReviewHints {
    checkArg("ReviewHints.of", "scope", scope, "object");
    const path = (scope as { node?: { path?: unknown } }).node?.path;
    if (typeof path !== "string") throw new Error("ReviewHints.of: argument scope must be a construct (a stack, a VirtualMachine, a SecurityGroup, ...), got an object");
    return new ReviewHints(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Keeps `hint` out of the warnings of `egi-cdktf plan-summary` for every resource under the scope it applies to,
   * including resources added to the scope later (applied at synth). The summary lists the
   * silenced hints apart, each with `reason`. A silence on a more specific scope (one rule) wins
   * over one on its parent (the security group) for the same hint.
   * @param hint which hint, e.g. `ReviewHint.OPEN_TO_THE_WORLD`
   * @param reason why it is fine here, one line, shown in the summary: e.g. "bastion host, SSH by key only"
   */
  public silence(hint: ReviewHint, reason: string): void {
    const what = `ReviewHints ${this.scope.node.path || "(app)"}: silence`;
    if (!(hint instanceof ReviewHint)) {
      throw new Error(`${what}: argument hint must be ${KNOWN_HINTS}, got ${describe(hint)}`);
    }
    checkArg(what, "reason", reason, "non-empty string");
    if (/[\r\n]/.test(reason)) throw new Error(`${what}: argument reason has a line break; give one line (it is shown in the plan summary's list)`);
    Aspects.of(this.scope).add(new SilenceHint(this.scope, hint, reason.trim()));
  }
}

/**
 * Writes one silence into the `"//"` comment of each resource of the hint's types under `scope`,
 * at synth, when the tree is complete; warns when there is none (a silence that silences nothing,
 * e.g. open-to-the-world on a VirtualMachine whose security group is elsewhere in the tree).
 */
class SilenceHint implements IAspect {
  constructor(private readonly scope: IConstruct, private readonly hint: ReviewHint, private readonly reason: string) {}

  public visit(node: IConstruct): void {
    if (node !== this.scope) return;
    const resources = node.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource && this.hint.resourceTypes.includes(c.terraformResourceType));
    for (const resource of resources) resource.addOverride([...SILENCED_HINTS_PATH, this.hint.id].join("."), this.reason);
    if (resources.length === 0) {
      Annotations.of(node).addWarning(
        `ReviewHints: silence(${this.hint.id}) at ${node.node.path} matches no ${this.hint.resourceTypes.join(" or ")} under it; call it on the construct that holds one (for a rule: its SecurityGroup)`,
      );
    }
  }
}
