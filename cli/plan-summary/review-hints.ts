/**
 * Review hints: what a reviewer should look at twice in a plan (not a policy engine), each naming
 * the resource, each silenced per resource in code (see constructs/review-hints.ts).
 *
 * Read from `terraform show -json`: what each resource will be (`resource_changes[].change.after`)
 * and, to link a floating IP to its server, the references between resources in
 * `configuration.root_module.resources[].expressions`. Silences are read from the stack's
 * synthesized cdk.tf.json (`"//": {"egi-cdktf": {"silenced_hints": {...}}}`), without the network.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { changeAction, configAddress, type PlanJson, type ResourceChange } from "./plan-json";

export type ReviewHintId = "open-to-the-world" | "floating-ip-without-key-pair" | "volume-destroyed";

/** The hints in the order a summary lists them. */
export const REVIEW_HINT_IDS: readonly ReviewHintId[] = ["open-to-the-world", "floating-ip-without-key-pair", "volume-destroyed"];

export interface ReviewHintFinding {
  readonly hint: ReviewHintId;
  /** The resource's terraform address. */
  readonly address: string;
  /** One line for the summary, e.g. "opens port 22 (SSH) to 0.0.0.0/0". */
  readonly message: string;
  /**
   * Present when the code silences this hint on this resource (`ReviewHints.of(scope).silence`):
   * the reason it gives. A renderer lists these apart (or counts them), never as warnings.
   */
  readonly silenced?: string;
}

/**
 * Where constructs/review-hints.ts writes a resource's silences in cdk.tf.json. Repeated here, not
 * imported: that module loads cdktf, which the CLI does not need (the construct test's round trip,
 * synth then reviewHints, fails when the two differ).
 */
const SILENCED_HINTS_PATH = ["//", "egi-cdktf", "silenced_hints"];

const RULE = "openstack_networking_secgroup_rule_v2";
const SERVER = "openstack_compute_instance_v2";
const VOLUME = "openstack_blockstorage_volume_v3";
const PORT = "openstack_networking_port_v2";
/** The resources that give a port a floating IP, both through their `port_id`. */
const FLOATING = ["openstack_networking_floatingip_associate_v2", "openstack_networking_floatingip_v2"];

/** The hints of one stack's plan, less those its cdk.tf.json (in stackDir) silences. */
export function reviewHints(plan: PlanJson, stackDir: string): ReviewHintFinding[] {
  const config = configResources(plan);
  const found = [...openToTheWorld(plan, config), ...floatingIpWithoutKeyPair(plan, config), ...volumeDestroyed(plan)];
  const silences = silencedHints(path.join(stackDir, "cdk.tf.json"));
  const findings = found.map((f) => {
    const reason = silences.get(f.configAddress)?.[f.hint];
    return { hint: f.hint, address: f.address, message: f.message, ...(reason ? { silenced: reason } : {}) };
  });
  return findings.sort((a, b) => REVIEW_HINT_IDS.indexOf(a.hint) - REVIEW_HINT_IDS.indexOf(b.hint) || a.address.localeCompare(b.address));
}

interface Found extends ReviewHintFinding {
  /** The address the silences are keyed by: without instance keys. */
  readonly configAddress: string;
}

/** A resource of the plan's configuration, with the expressions of its arguments. */
interface ConfigResource {
  readonly address: string;
  readonly expressions?: Readonly<Record<string, unknown>>;
}

interface ConfigModuleWithExpressions {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModuleWithExpressions }>>;
}

/** Every configured resource by full address (`module.m.` prefix for modules). */
function configResources(plan: PlanJson): Map<string, ConfigResource> {
  const out = new Map<string, ConfigResource>();
  const walk = (module: ConfigModuleWithExpressions | undefined, prefix: string): void => {
    for (const r of module?.resources ?? []) out.set(`${prefix}${r.address}`, { ...r, address: `${prefix}${r.address}` });
    for (const [name, call] of Object.entries(module?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module as ConfigModuleWithExpressions | undefined, "");
  return out;
}

/** The resource addresses an expression (or a nested block's list of expressions) refers to. */
function referencedResources(expr: unknown, prefix: string): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    const refs = (value as { references?: unknown }).references;
    if (Array.isArray(refs)) {
      for (const ref of refs) {
        const parts = typeof ref === "string" ? ref.replace(/\[[^\]]*\]/g, "").split(".") : [];
        if (parts[0] === "data" && parts.length >= 3) out.add(prefix + parts.slice(0, 3).join("."));
        else if (parts.length >= 2 && !["var", "local", "module", "each", "count", "path", "terraform", "self"].includes(parts[0])) out.add(prefix + parts.slice(0, 2).join("."));
      }
    }
    for (const [key, inner] of Object.entries(value)) if (key !== "references" && key !== "constant_value") walk(inner);
  };
  walk(expr);
  return out;
}

const modulePrefix = (address: string): string => /^((?:module\.[^.]+\.)*)/.exec(address)?.[1] ?? "";
const typeOf = (address: string): string => {
  const parts = address.slice(modulePrefix(address).length).split(".");
  return parts[0] === "data" ? `data.${parts[1]}` : parts[0];
};

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * Whether argument `name` of a rule is unset after apply: null or empty in the plan, or (Neutron
 * computes remote_ip_prefix and the remote groups, so an unset one is "known after apply") with no
 * expression for it in the configuration. Undefined when it cannot be told (set from a value not
 * known yet, or no configuration to look in).
 */
function unset(rc: ResourceChange, config: ConfigResource | undefined, name: string): boolean | undefined {
  const value = rc.change.after?.[name];
  if (!isBlank(value)) return false;
  if (rc.change.after_unknown?.[name] !== true) return true;
  if (!config) return undefined;
  const expr = config.expressions?.[name] as { constant_value?: unknown; references?: unknown[] } | undefined;
  if (expr === undefined) return true;
  if (expr.references?.length) return undefined;
  return isBlank(expr.constant_value);
}

/** Who a rule lets in, when that is everyone: `0.0.0.0/0`, `::/0`, or no remote at all. */
function worldSource(rc: ResourceChange, config: ConfigResource | undefined): string | undefined {
  const prefix = rc.change.after?.remote_ip_prefix;
  if (typeof prefix === "string" && prefix.trim() !== "") return /\/0$/.test(prefix.trim()) ? prefix.trim() : undefined;
  // Neutron matches every source when a rule names no remote prefix and no remote group.
  const open = ["remote_ip_prefix", "remote_group_id", "remote_address_group_id"].map((n) => unset(rc, config, n));
  return open.every((o) => o === true) ? "any address (no remote_ip_prefix, no remote group)" : undefined;
}

const portNumber = (v: unknown): number | undefined => (typeof v === "number" && v > 0 ? v : typeof v === "string" && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

/** What a rule opens, when it is SSH or every port: "SSH (tcp 22)", "every tcp port", ... */
function openPorts(rc: ResourceChange): string | undefined {
  const after = rc.change.after ?? {};
  const unknown = rc.change.after_unknown ?? {};
  if (unknown.protocol === true || unknown.port_range_min === true || unknown.port_range_max === true) return undefined;
  const protocol = isBlank(after.protocol) ? "any" : String(after.protocol).trim().toLowerCase();
  if (protocol === "any" || protocol === "0") return "every protocol and port";
  const name = protocol === "6" ? "tcp" : protocol === "17" ? "udp" : protocol;
  if (name !== "tcp" && name !== "udp") return undefined;
  // The provider takes 0 (or nothing) for both ends as the whole range.
  const min = portNumber(after.port_range_min) ?? 1;
  const max = portNumber(after.port_range_max) ?? 65535;
  if (min <= 1 && max >= 65535) return `every ${name} port`;
  if (name === "tcp" && min <= 22 && max >= 22) return min === max ? "SSH (tcp 22)" : `tcp ${min}-${max} (SSH included)`;
  return undefined;
}

const creates = (rc: ResourceChange): boolean => rc.mode === "managed" && rc.change.actions.includes("create");

/** 1. Ingress rules added or changed that open SSH or every port to any address. */
function openToTheWorld(plan: PlanJson, config: Map<string, ConfigResource>): Found[] {
  const out: Found[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== RULE || rc.mode !== "managed" || rc.deposed) continue;
    const action = changeAction(rc.change.actions);
    if (action !== "add" && action !== "change" && action !== "replace") continue;
    if (String(rc.change.after?.direction ?? "").toLowerCase() !== "ingress") continue;
    const source = worldSource(rc, config.get(configAddress(rc)));
    const ports = source && openPorts(rc);
    if (source && ports) out.push({ hint: "open-to-the-world", address: rc.address, configAddress: configAddress(rc), message: `opens ${ports} to ${source}` });
  }
  return out;
}

/**
 * The floating IP resource that reaches each server, by the server's configuration address: an
 * association (or floating IP) whose port_id refers to the server itself, to a port data source
 * whose device_id refers to it (what `VirtualMachine.addFloatingIp` writes), or to a port resource
 * the server's network block uses.
 */
function floatingIpsByServer(config: Map<string, ConfigResource>): Map<string, string> {
  const out = new Map<string, string>();
  const serversUsingPort = (port: string): string[] =>
    [...config.values()].filter((r) => typeOf(r.address) === SERVER && referencedResources(r.expressions?.network, modulePrefix(r.address)).has(port)).map((r) => r.address);
  for (const fip of config.values()) {
    if (!FLOATING.includes(typeOf(fip.address))) continue;
    for (const ref of referencedResources(fip.expressions?.port_id, modulePrefix(fip.address))) {
      const servers = typeOf(ref) === SERVER
        ? [ref]
        : typeOf(ref) === `data.${PORT}`
          ? [...referencedResources(config.get(ref)?.expressions?.device_id, modulePrefix(ref))].filter((a) => typeOf(a) === SERVER)
          : typeOf(ref) === PORT
            ? serversUsingPort(ref)
            : [];
      for (const server of servers) if (!out.has(server)) out.set(server, fip.address);
    }
  }
  return out;
}

/** 2. Servers added or replaced (or given a new floating IP) that get a floating IP and no key pair. */
function floatingIpWithoutKeyPair(plan: PlanJson, config: Map<string, ConfigResource>): Found[] {
  const fips = floatingIpsByServer(config);
  if (fips.size === 0) return [];
  const changes = plan.resource_changes ?? [];
  const newFip = new Set(changes.filter((rc) => FLOATING.includes(rc.type) && creates(rc)).map(configAddress));
  const out: Found[] = [];
  for (const rc of changes) {
    if (rc.type !== SERVER || rc.mode !== "managed" || rc.deposed) continue;
    const fip = fips.get(configAddress(rc));
    if (!fip || !(creates(rc) || newFip.has(fip))) continue;
    // A key pair created in the same apply is known only then: it is set.
    if (!isBlank(rc.change.after?.key_pair) || rc.change.after_unknown?.key_pair === true) continue;
    out.push({
      hint: "floating-ip-without-key-pair",
      address: rc.address,
      configAddress: configAddress(rc),
      message: `reachable from outside through ${fip} with no key_pair: no SSH key is installed, so who can log in depends on the image and user data`,
    });
  }
  return out;
}

const pathText = (p: ReadonlyArray<string | number>): string => p.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");

/** 3. Volumes destroyed or replaced: their data goes. */
function volumeDestroyed(plan: PlanJson): Found[] {
  const out: Found[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== VOLUME || rc.mode !== "managed" || !rc.change.actions.includes("delete")) continue;
    const replaced = rc.change.actions.includes("create");
    const forcedBy = (rc.change.replace_paths ?? []).map(pathText);
    const why = replaced
      ? forcedBy.length ? `replaced (${forcedBy.join(", ")} forces it)` : "replaced"
      : rc.action_reason === "delete_because_no_resource_config" ? "destroyed (no longer in the code)" : "destroyed";
    out.push({
      hint: "volume-destroyed",
      address: rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address,
      configAddress: configAddress(rc),
      message: `${why}: the volume and the data on it are deleted`,
    });
  }
  return out;
}

/**
 * The silences the code wrote into cdk.tf.json, by resource address (`type.name`): hint id ->
 * reason. None when the file is missing or not JSON (the plan would have failed on it anyway).
 */
export function silencedHints(cdkTfJson: string): Map<string, Readonly<Record<string, string>>> {
  const out = new Map<string, Readonly<Record<string, string>>>();
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(cdkTfJson, "utf8"));
  } catch {
    return out;
  }
  const resources = (doc as { resource?: unknown })?.resource;
  if (!resources || typeof resources !== "object") return out;
  for (const [type, byName] of Object.entries(resources as Record<string, unknown>)) {
    if (!byName || typeof byName !== "object") continue;
    for (const [name, body] of Object.entries(byName as Record<string, unknown>)) {
      let node: unknown = body;
      for (const key of SILENCED_HINTS_PATH) node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
      if (!node || typeof node !== "object") continue;
      const reasons = Object.fromEntries(Object.entries(node as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""));
      if (Object.keys(reasons).length) out.set(`${type}.${name}`, reasons);
    }
  }
  return out;
}
