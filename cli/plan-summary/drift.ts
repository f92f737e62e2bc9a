/**
 * --drift: what a refresh-only plan (`terraform plan -refresh-only`) found changed on the site
 * outside terraform, from its `resource_drift` (terraform show -json).
 *
 * `resource_drift` lists each object whose refreshed state differs from the state file, as a
 * resource change: `["delete"]` with `after: null` when the object is gone from the site,
 * `["update"]` with the whole object before (the state file) and after (the site now). Terraform
 * and OpenTofu write the same format. Only the names of the attributes that differ are kept:
 * values can be secrets (a server's admin_pass, user data), and a drift issue is often public.
 */
import { naturalCompare } from "./natural-sort";
import type { PlanJson, ResourceChange } from "./plan-json";

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** deleted: gone from the site; changed: its attributes differ from the state. */
  readonly kind: "deleted" | "changed";
  /** For changed: the top-level attributes that differ (never their values). */
  readonly attributes: readonly string[];
}

/** A configured resource's attributes, as `terraform show -json` lists them under configuration. */
interface ConfiguredModule {
  readonly resources?: ReadonlyArray<{ readonly address: string; readonly mode?: string; readonly expressions?: Readonly<Record<string, unknown>> }>;
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfiguredModule }>>;
}

/** "module.a.module.b" -> the attributes each resource there sets in configuration, by "module.a.module.b.type.name". */
function configuredAttributes(module: ConfiguredModule | undefined, prefix = "", out = new Map<string, ReadonlySet<string>>()): Map<string, ReadonlySet<string>> {
  for (const r of module?.resources ?? []) out.set(prefix + r.address, new Set(Object.keys(r.expressions ?? {})));
  for (const [name, call] of Object.entries(module?.module_calls ?? {})) configuredAttributes(call.module, `${prefix}module.${name}.`, out);
  return out;
}

/** The configuration's address of a resource instance: its module path and type.name, without instance keys. */
const configAddress = (rc: ResourceChange): string => `${rc.module_address ? `${rc.module_address.replace(/\[[^\]]*\]/g, "")}.` : ""}${rc.type}.${rc.name}`;

/** null, "", [] and {}: what the provider and the state file write interchangeably for "none". */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v as object).length === 0;
}

/**
 * Whether `before` (the state file) and `after` (the site) mean the same, deeply. Two kinds of
 * difference happen on the local site without anyone touching a resource, and are not drift:
 *
 * - "none" written two ways: every resource's `tags` is null in the state right after a deploy
 *   (the config sets none) and [] once read back from Nova or Neutron. So null, "", [] and {} are
 *   equal here.
 * - a value the state did not know yet, filled in by the read: a string that is "" in the state
 *   and set on the site. Inside a block it is always this (openstack_compute_instance_v2's
 *   `network[].uuid`, left "" at create when the server gets the project's default network, is
 *   the network's id once read); at the top level only for attributes the configuration does not
 *   set (`learned`), where it is a computed value: openstack_networking_floatingip_v2's `port_id`
 *   and `fixed_ip` are "" after create, because the construct attaches the address with a separate
 *   openstack_networking_floatingip_associate_v2, and are the port's once read. A floating IP
 *   detached or moved by hand still shows, on that association (its `port_id` and `fixed_ip`
 *   differ). What this misses: someone attaching a floating IP that terraform created unattached,
 *   with no association in the code, to a port: nothing in the code says where it should be.
 */
function same(before: unknown, after: unknown, nested: boolean): boolean {
  if (isEmpty(before) && isEmpty(after)) return true;
  if (nested && before === "" && typeof after === "string") return true;
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.length === after.length && before.every((b, i) => same(b, after[i], true));
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].every((k) => same(before[k], after[k], true));
  }
  return before === after;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The top-level attributes whose values differ, by name only; `configured`: the ones the code sets. */
function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>, configured: ReadonlySet<string> | undefined): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => {
      if (same(before[name], after[name], false)) return false;
      const learned = before[name] === "" && typeof after[name] === "string" && !(configured?.has(name) ?? false);
      return !learned;
    })
    .sort(naturalCompare);
}

/** The managed resources that drifted, sorted by address. */
export function driftOf(plan: PlanJson): DriftedResource[] {
  const configured = configuredAttributes(plan.configuration?.root_module as ConfiguredModule | undefined);
  const drifted: DriftedResource[] = [];
  for (const rc of plan.resource_drift ?? []) {
    // Data sources are read again anyway; a deposed object is one terraform already means to destroy.
    if (rc.mode !== "managed" || rc.deposed) continue;
    const { actions, before, after } = rc.change;
    if (actions.includes("delete") || after === null) {
      drifted.push({ address: rc.address, type: rc.type, kind: "deleted", attributes: [] });
      continue;
    }
    if (!isObject(before) || !isObject(after)) continue;
    const attributes = changedAttributes(before, after, configured.get(configAddress(rc)));
    if (attributes.length) drifted.push({ address: rc.address, type: rc.type, kind: "changed", attributes });
  }
  return drifted.sort((a, b) => naturalCompare(a.address, b.address));
}
