/**
 * What a plan asks of the project's quota, read from `terraform show -json`: per resource that is
 * added, changed or replaced, the amounts it takes before and after, per provider configuration
 * (each one is a site and project). Pure: the flavor's vCPUs and RAM are resolved later from the
 * site's flavor list (quota.ts).
 *
 * Counted (OpenStack provider 3.x resource types):
 * - openstack_compute_instance_v2: 1 instance; vCPUs and RAM of its flavor (`flavor_id`, else
 *   `flavor_name`); each `block_device` with destination_type "volume" made from an image, a
 *   snapshot or blank is a new volume of `volume_size` GB;
 * - openstack_blockstorage_volume_v3: 1 volume, `size` GB;
 * - openstack_networking_floatingip_v2: 1 floating IP;
 * - openstack_networking_secgroup_v2: 1 security group and 2 rules (Neutron adds an IPv4 and an
 *   IPv6 egress rule to every new group; `delete_default_rules` removes them only afterwards);
 * - openstack_networking_secgroup_rule_v2: 1 rule.
 *
 * How an action counts (`mode`): an add, and a create-before-destroy replacement (both objects
 * exist for a while), take the full new amounts; an update and a destroy-before-create replacement
 * take only what grows (a resize to a larger flavor, a volume extended). Destroys are not credited:
 * terraform runs unrelated destroys and creates in parallel, so the freed quota may come too late.
 */
import { changeAction, configAddress, type PlanJson, providerKeys, type ResourceChange } from "./plan-json";

export type QuotaResource = "instances" | "cores" | "ram" | "volumes" | "gigabytes" | "floatingip" | "security_group" | "security_group_rule";

export const QUOTA_RESOURCES: readonly QuotaResource[] = ["instances", "cores", "ram", "volumes", "gigabytes", "floatingip", "security_group", "security_group_rule"];

export interface FlavorRef {
  readonly id?: string;
  readonly name?: string;
}

/** Counted amounts of one object; "unknown" where terraform knows the value only after apply. */
export interface Amounts {
  readonly counts: Partial<Record<Exclude<QuotaResource, "cores" | "ram">, number | "unknown">>;
  /** For servers: the flavor that gives vCPUs and RAM. */
  readonly flavor?: FlavorRef | "unknown";
}

export interface QuotaNeed {
  readonly address: string;
  readonly type: string;
  /** `openstack`, `openstack.<alias>`: which site and project the object is counted at. */
  readonly providerKey: string;
  /** "full": the new amounts count; "growth": only what exceeds the old amounts. */
  readonly mode: "full" | "growth";
  readonly after: Amounts;
  readonly before?: Amounts;
}

const isUnknown = (unknown: any, key: string): boolean => unknown === true || unknown?.[key] === true;

function sizeOf(values: any, unknown: any, key: string): number | "unknown" | undefined {
  if (isUnknown(unknown, key)) return "unknown";
  const v = values?.[key];
  return typeof v === "number" ? v : undefined;
}

/**
 * The flavor of a server. Both attributes are optional and computed: when only one is set, the
 * other keeps its old (state) value in the plan, so on an update the one that changed wins.
 */
function flavorOf(values: any, unknown: any, before?: any): FlavorRef | "unknown" {
  const id = isUnknown(unknown, "flavor_id") ? undefined : values?.flavor_id || undefined;
  const name = isUnknown(unknown, "flavor_name") ? undefined : values?.flavor_name || undefined;
  if (before && name && name !== before.flavor_name && id === before.flavor_id) return { name };
  if (id) return { id };
  if (name) return { name };
  return "unknown";
}

function serverAmounts(values: any, unknown: any, before?: any): Amounts {
  let volumes = 0;
  let gigabytes: number | "unknown" = 0;
  const devices: any[] = Array.isArray(values?.block_device) ? values.block_device : [];
  devices.forEach((d, i) => {
    const u = unknown?.block_device?.[i];
    const newVolume = d?.destination_type === "volume" && ["image", "snapshot", "blank"].includes(d?.source_type);
    if (!newVolume) return;
    volumes++;
    const size = sizeOf(d, u, "volume_size");
    gigabytes = gigabytes === "unknown" || size === "unknown" ? "unknown" : gigabytes + (size ?? 0);
  });
  return { counts: { instances: 1, ...(volumes ? { volumes, gigabytes } : {}) }, flavor: flavorOf(values, unknown, before) };
}

/** The amounts one object of `type` takes, or undefined for types that count against no quota we check. */
export function amountsOf(type: string, values: any, unknown: any, before?: any): Amounts | undefined {
  switch (type) {
    case "openstack_compute_instance_v2":
      return serverAmounts(values, unknown, before);
    case "openstack_blockstorage_volume_v3":
      return { counts: { volumes: 1, gigabytes: sizeOf(values, unknown, "size") ?? "unknown" } };
    case "openstack_networking_floatingip_v2":
      return { counts: { floatingip: 1 } };
    case "openstack_networking_secgroup_v2":
      return { counts: { security_group: 1, security_group_rule: 2 } };
    case "openstack_networking_secgroup_rule_v2":
      return { counts: { security_group_rule: 1 } };
    default:
      return undefined;
  }
}

function needOf(rc: ResourceChange, providerKey: string): QuotaNeed | undefined {
  const action = changeAction(rc.change.actions);
  if (rc.mode !== "managed" || !action || action === "destroy") return undefined;
  const { before, after, after_unknown: unknown } = rc.change;
  const afterAmounts = amountsOf(rc.type, after, unknown, action === "change" ? before : undefined);
  if (!afterAmounts) return undefined;
  const full = action === "add" || (action === "replace" && rc.change.actions[0] === "create");
  const need = { address: rc.address, type: rc.type, providerKey, after: afterAmounts };
  if (full) return { ...need, mode: "full" };
  return { ...need, mode: "growth", before: amountsOf(rc.type, before, undefined) };
}

/**
 * The quota needs of a plan. Resources whose provider configuration cannot be found (in a nested
 * module without its own provider block) count at the default `<provider>` configuration.
 */
export function quotaNeeds(plan: PlanJson): QuotaNeed[] {
  const keys = providerKeys(plan);
  const needs: QuotaNeed[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const fallback = (rc.provider_name ?? "openstack").split("/").pop() ?? "openstack";
    const need = needOf(rc, keys.get(configAddress(rc)) ?? fallback);
    if (need) needs.push(need);
  }
  return needs;
}
