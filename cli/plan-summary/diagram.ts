/**
 * A Mermaid flowchart of a stack's servers (network, floating IP, volumes, security groups), marked
 * added / replaced / destroyed, for the summary (GitHub and GitLab render `mermaid` code blocks).
 *
 * Which servers: those the plan adds, replaces, destroys or changes in place, each with its
 * neighbours. Unchanged servers are left out: the picture answers "what does this pull request do
 * to the site", and a stack of 200 servers where 2 change would otherwise draw 198 that do not.
 * A neighbour shared by several servers (the project's network, group `default`) is drawn once.
 *
 * How servers and neighbours are linked: first by the plan's configuration references, as our
 * constructs write them (an attachment's `instance_id` and `volume_id`; a floating IP association's
 * `floating_ip` and `port_id`, whose port data source names the server in `device_id`; a server's
 * `network[].uuid` and `security_groups`), with count/for_each keys followed through `count.index`
 * and `each.key`; then by planned or prior values (a group's name, an attachment's `instance_id`
 * equal to a server's id, a floating IP's `fixed_ip` equal to a server's address), which is all a
 * destroy has left when its resources were removed from the code.
 */
import { chrome, type Kind, type Mark, mermaidText, SHAPE, STYLES, SYMBOL } from "./diagram-mermaid";
import { changeAction, type ChangeAction, type PlanJson, type ResourceChange, type StackChanges } from "./plan-json";

export interface DiagramOptions {
  /** Servers drawn one by one; past this, summarised. @default 30 */
  readonly maxServers?: number;
  /**
   * Longest Mermaid source: servers past what fits are summarised too, so the comment's diagram
   * stays small whatever the servers' neighbours and names. @default 6000
   */
  readonly maxChars?: number;
}

const SERVER = "openstack_compute_instance_v2";
const ATTACH = "openstack_compute_volume_attach_v2";
const ASSOCIATE = "openstack_networking_floatingip_associate_v2";
const FLOATING_IP = "openstack_networking_floatingip_v2";
const SECGROUP = "openstack_networking_secgroup_v2";

const MARK_OF: Readonly<Record<ChangeAction, Mark>> = { add: "added", replace: "replaced", destroy: "destroyed", change: "changed" };
/** Drawn first: what a reviewer must not miss when the rest is summarised. */
const SERVER_ORDER: readonly ChangeAction[] = ["destroy", "replace", "add", "change"];

/** A configuration expression: a constant (cdktf's `${...}` templates included) and what it references. */
interface ConfigExpression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}
interface ConfigResource {
  readonly address: string;
  readonly expressions?: Readonly<Record<string, any>>;
}
interface ConfigModuleFull {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModuleFull }>>;
}

/** One resource instance of the plan: its change, its configuration and its values. */
interface Instance {
  readonly address: string;
  /** Its configuration's address (no instance key), and the prefix of references inside its module. */
  readonly base: string;
  readonly modulePrefix: string;
  readonly key?: string | number;
  readonly type: string;
  readonly action?: ChangeAction;
  readonly config?: ConfigResource;
  /** Planned values where known, else prior ones (a destroy has only those). */
  readonly value: Readonly<Record<string, any>>;
  readonly before: Readonly<Record<string, any>>;
}

/** A node to draw: `key` says when two servers share it. */
interface Neighbour {
  readonly key: string;
  readonly kind: Kind;
  readonly label: string;
  readonly mark: Mark;
}

/** The diagram's Mermaid source, or undefined when the plan adds, replaces and destroys no server. */
export function serverDiagram(plan: PlanJson, changes: StackChanges, options: DiagramOptions = {}): string | undefined {
  const maxServers = Math.max(0, options.maxServers ?? 30);
  const maxChars = options.maxChars ?? 6000;
  const changed = changes.resources.filter((r) => r.type === SERVER);
  if (!changed.some((r) => r.action !== "change")) return undefined;

  const graph = new PlanGraph(plan);
  const servers = changed
    .map((r) => graph.byAddress.get(r.address) ?? graph.standIn(r.address, r.action))
    .sort((a, b) => SERVER_ORDER.indexOf(a.action!) - SERVER_ORDER.indexOf(b.action!));

  // Room kept for the header, the legend and the summary node at their largest, so that adding
  // them never crosses maxChars.
  const reserve = chrome(Object.keys(STYLES) as Mark[]).join("\n").length + 200;
  const ids = new Map<string, string>();
  const marks = new Set<Mark>();
  const body: string[] = [];
  let size = 0;
  let drawn = 0;
  for (const server of servers) {
    if (drawn >= maxServers) break;
    // One server's block: its node, the neighbours not drawn yet, its edges; kept only if it fits.
    const fresh = new Map<string, { readonly id: string; readonly mark: Mark }>();
    const lines: string[] = [];
    const idOf = (n: Neighbour): string => {
      const known = ids.get(n.key) ?? fresh.get(n.key)?.id;
      if (known) return known;
      const id = `${n.kind[0]}${ids.size + fresh.size + 1}`;
      fresh.set(n.key, { id, mark: n.mark });
      const [open, close] = SHAPE[n.kind];
      lines.push(`  ${id}${open}"${mermaidText(SYMBOL[n.mark] + n.label)}"${close}:::${n.mark}`);
      return id;
    };
    const sid = idOf({ key: `server:${server.address}`, kind: "server", label: serverLabel(server), mark: MARK_OF[server.action!] });
    for (const id of new Set(graph.neighbours(server).map(idOf))) lines.push(`  ${sid} --- ${id}`);
    const block = lines.join("\n").length + 1;
    if (size + block + reserve > maxChars) break;
    for (const [key, { id, mark }] of fresh) {
      ids.set(key, id);
      marks.add(mark);
    }
    body.push(...lines);
    size += block;
    drawn++;
  }

  const rest = servers.slice(drawn);
  if (rest.length) {
    const by = (a: ChangeAction) => rest.filter((s) => s.action === a).length;
    const parts = SERVER_ORDER.filter((a) => by(a) > 0).map((a) => `${by(a)} ${MARK_OF[a]}`);
    const what = drawn ? `and ${rest.length} more server${rest.length === 1 ? "" : "s"}` : `${rest.length} server${rest.length === 1 ? "" : "s"}`;
    body.push(`  more${ids.size + 1}["${mermaidText(`${what} (${parts.join(", ")})`, Infinity)}"]`);
  }
  return [...chrome((Object.keys(STYLES) as Mark[]).filter((m) => marks.has(m))), ...body].join("\n");
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const keyText = (key: string | number | undefined): string => (key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`);

function serverLabel(s: Instance): string {
  const name = str(s.value.name) ?? str(s.before.name) ?? constantOf(s.config?.expressions?.name);
  return name ?? `${s.base.split(".").pop()}${keyText(s.key)}`;
}

/** A configuration expression's plain constant string (not a `${...}` template). */
function constantOf(expr: ConfigExpression | undefined): string | undefined {
  const c = str(expr?.constant_value);
  return c && !c.includes("${") ? c : undefined;
}

/** The plan's resource instances and configuration, indexed for following references and values. */
class PlanGraph {
  public readonly byAddress = new Map<string, Instance>();
  private readonly byBase = new Map<string, Instance[]>();
  private readonly byType = new Map<string, Instance[]>();
  private readonly configs = new Map<string, { readonly config: ConfigResource; readonly prefix: string }>();
  /** Network names by id, from every server's values and the network data sources read at plan. */
  private readonly networkNames = new Map<string, string>();
  /** The plan's security groups by name (servers name their groups). */
  private groupsByName?: Map<string, Instance>;

  constructor(plan: PlanJson) {
    const walk = (module: ConfigModuleFull | undefined, prefix: string): void => {
      for (const r of module?.resources ?? []) this.configs.set(`${prefix}${r.address}`, { config: r, prefix });
      for (const [name, call] of Object.entries(module?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
    };
    walk(plan.configuration?.root_module as ConfigModuleFull | undefined, "");
    this.readPriorNetworks(plan);
    for (const rc of plan.resource_changes ?? []) {
      if (rc.mode !== "managed") continue;
      const inst = this.instance(rc);
      this.byAddress.set(inst.address, inst);
      for (const v of [inst.before, inst.value]) {
        if (inst.type === SERVER) for (const n of Array.isArray(v.network) ? v.network : []) if (str(n?.uuid) && str(n?.name)) this.networkNames.set(n.uuid, n.name);
      }
      for (const [index, k] of [[this.byBase, inst.base], [this.byType, inst.type]] as const) {
        const list = index.get(k);
        if (list) list.push(inst);
        else index.set(k, [inst]);
      }
    }
  }

  /** Network data sources read at plan time are in prior_state only (not in resource_changes). */
  private readPriorNetworks(plan: PlanJson): void {
    const walk = (module: any): void => {
      for (const r of module?.resources ?? []) {
        if (r?.type === "openstack_networking_network_v2" && str(r.values?.id) && str(r.values?.name)) this.networkNames.set(r.values.id, r.values.name);
      }
      for (const child of module?.child_modules ?? []) walk(child);
    };
    walk((plan as { prior_state?: { values?: { root_module?: unknown } } }).prior_state?.values?.root_module);
  }

  /** A changed server the plan's resource_changes do not hold (it always should): drawn by its address alone. */
  public standIn(address: string, action: ChangeAction): Instance {
    return { address, base: address, modulePrefix: "", type: SERVER, action, value: {}, before: {} };
  }

  private instance(rc: ResourceChange): Instance {
    const base = rc.address.replace(/\[[^\]]*\]$/, "");
    const address = rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
    const before = (rc.change.before ?? {}) as Record<string, any>;
    const after = (rc.change.after ?? {}) as Record<string, any>;
    const value: Record<string, any> = { ...before };
    for (const [k, v] of Object.entries(after)) if (v !== null && v !== undefined) value[k] = v;
    const found = this.configs.get(base);
    const key = typeof rc.index === "number" || typeof rc.index === "string" ? rc.index : undefined;
    return { address, base, modulePrefix: found?.prefix ?? modulePrefixOf(base), key, type: rc.type, action: changeAction(rc.change.actions), config: found?.config, value, before };
  }

  /** The network, groups, floating IPs and volumes of `server`, in that order. */
  public neighbours(server: Instance): Neighbour[] {
    return [...this.networks(server), ...this.groups(server), ...this.floatingIps(server), ...this.volumes(server)];
  }

  /**
   * The instances (managed or data) a reference list names, seen from an instance with `key`:
   * `x.y[0].id` -> x.y[0]; `x.y` with `count.index` or `each.key` -> x.y[key]; `x.y` alone -> all.
   */
  private targets(refs: readonly string[] | undefined, from: { modulePrefix: string; key?: string | number }, type?: string): Array<{ base: string; key?: string | number; all?: boolean }> {
    const out = new Map<string, { base: string; key?: string | number; all?: boolean }>();
    const keyed = (refs ?? []).some((r) => r === "count.index" || r === "each.key");
    for (const ref of refs ?? []) {
      const m = /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?/.exec(ref);
      if (!m || /^(var|local|module|count|each|self|path|terraform)\./.test(ref)) continue;
      const base = `${from.modulePrefix}${m[1]}`;
      if (type && base.replace(/^(module\.[^.]+\.)*(data\.)?/, "").split(".")[0] !== type) continue;
      const key = m[2] === undefined ? undefined : m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]);
      // `count.index` in the expression picks the same key of a counted target, not of a single one.
      const single = this.byBase.get(base)?.every((i) => i.key === undefined) ?? false;
      const t = key !== undefined ? { base, key } : keyed && from.key !== undefined && !single ? { base, key: from.key } : { base, all: true };
      const id = `${t.base}${keyText(t.key)}${t.all ? "*" : ""}`;
      if (!out.has(id) || key !== undefined) out.set(id, t);
    }
    return [...out.values()];
  }

  /** Does a reference target (from `targets`) name `inst`? */
  private names(t: { base: string; key?: string | number; all?: boolean }, inst: Instance): boolean {
    return t.base === inst.base && (t.all || t.key === inst.key || (t.key === undefined && inst.key === undefined));
  }

  private configOf(base: string): ConfigResource | undefined {
    return this.configs.get(base)?.config;
  }

  private instancesOf(type: string): Instance[] {
    return this.byType.get(type) ?? [];
  }

  private markOf(inst: Instance | undefined): Mark {
    return inst?.action ? MARK_OF[inst.action] : "unchanged";
  }

  private networks(server: Instance): Neighbour[] {
    const blocks = (server.config?.expressions?.network ?? []) as ReadonlyArray<Record<string, ConfigExpression>>;
    const values = (Array.isArray(server.value.network) ? server.value.network : []) as ReadonlyArray<Record<string, unknown>>;
    const n = Math.max(blocks.length, values.length);
    if (n === 0) {
      // Configuration without a network block: Nova attaches the project's network. Without any
      // configuration to tell (a trimmed plan) and no planned value, nothing is drawn.
      return server.config?.expressions ? [{ key: "network:default", kind: "network", label: "network chosen by Nova", mark: "unchanged" }] : [];
    }
    const out: Neighbour[] = [];
    for (let i = 0; i < n; i++) {
      const block = blocks[i] ?? {};
      const value = values[i] ?? {};
      const uuid = str(value.uuid) ?? constantOf(block.uuid);
      let name = str(value.name) ?? constantOf(block.name) ?? (uuid ? this.networkNames.get(uuid) : undefined);
      let mark: Mark = "unchanged";
      const ref = this.targets(block.uuid?.references ?? block.name?.references, server)[0];
      if (ref) {
        const inst = this.byAddress.get(`${ref.base}${keyText(ref.key)}`);
        name = name ?? str(inst?.value.name) ?? constantOf(this.configOf(ref.base)?.expressions?.name);
        mark = this.markOf(inst);
      }
      const label = name ? `network ${name}` : uuid ? `network ${uuid.slice(0, 8)}` : "network";
      out.push({ key: `network:${name ?? uuid ?? ref?.base ?? `${server.address}#${i}`}`, kind: "network", label, mark });
    }
    return out;
  }

  private groups(server: Instance): Neighbour[] {
    const out = new Map<string, Neighbour>();
    if (!this.groupsByName) {
      this.groupsByName = new Map();
      for (const g of this.instancesOf(SECGROUP)) if (str(g.value.name)) this.groupsByName.set(g.value.name, g);
    }
    const byName = this.groupsByName;
    const add = (name: string | undefined, inst: Instance | undefined, fallbackKey: string): void => {
      const found = inst ?? (name ? byName.get(name) : undefined);
      const key = name ? `group:${name}` : `group:${fallbackKey}`;
      if (!out.has(key)) out.set(key, { key, kind: "group", label: `security group ${name ?? fallbackKey.split(".").pop()}`, mark: this.markOf(found) });
    };
    const expr = server.config?.expressions?.security_groups as ConfigExpression | undefined;
    const constants = Array.isArray(expr?.constant_value) ? (expr!.constant_value as unknown[]) : [];
    for (const c of constants) if (typeof c === "string" && !c.includes("${")) add(c, undefined, c);
    for (const t of this.targets(expr?.references, server)) {
      const inst = this.byAddress.get(`${t.base}${keyText(t.key)}`) ?? (this.byBase.get(t.base) ?? [])[0];
      add(str(inst?.value.name) ?? constantOf(this.configOf(t.base)?.expressions?.name), inst, t.base);
    }
    const values = Array.isArray(server.value.security_groups) ? (server.value.security_groups as unknown[]) : [];
    for (const v of values) if (typeof v === "string" && v) add(v, undefined, v);
    return [...out.values()];
  }

  /** Does a port (data source or resource) belong to `server` by its `device_id` reference? */
  private portOf(portRefs: readonly string[] | undefined, from: Instance, server: Instance): boolean {
    for (const p of this.targets(portRefs, from)) {
      const port = this.configs.get(p.base);
      if (!port) continue;
      const via = { modulePrefix: port.prefix, key: p.key ?? from.key };
      if (this.targets(port.config.expressions?.device_id?.references, via, SERVER).some((t) => this.names(t, server))) return true;
    }
    return false;
  }

  /** The server's fixed addresses (a floating IP's `fixed_ip` matches one of them). */
  private fixedIps(server: Instance): Set<string> {
    const ips = new Set<string>();
    for (const v of [server.value, server.before]) {
      for (const n of Array.isArray(v.network) ? v.network : []) if (str(n?.fixed_ip_v4)) ips.add(n.fixed_ip_v4);
      if (str(v.access_ip_v4)) ips.add(v.access_ip_v4);
    }
    return ips;
  }

  private floatingIps(server: Instance): Neighbour[] {
    const ips = this.fixedIps(server);
    const fips = this.instancesOf(FLOATING_IP);
    const mine = new Set<Instance>();
    const fipOf = (assoc: Instance): Instance[] => {
      const refs = assoc.config?.expressions?.floating_ip?.references;
      const byRef = fips.filter((f) => this.targets(refs, assoc, FLOATING_IP).some((t) => this.names(t, f)));
      const address = str(assoc.value.floating_ip);
      return byRef.length ? byRef : fips.filter((f) => address !== undefined && f.value.address === address);
    };
    for (const assoc of this.instancesOf(ASSOCIATE)) {
      const linked = this.portOf(assoc.config?.expressions?.port_id?.references, assoc, server) || (str(assoc.value.fixed_ip) !== undefined && ips.has(assoc.value.fixed_ip));
      if (linked) for (const f of fipOf(assoc)) mine.add(f);
    }
    for (const f of fips) {
      if (this.portOf(f.config?.expressions?.port_id?.references, f, server) || (str(f.value.fixed_ip) !== undefined && ips.has(f.value.fixed_ip))) mine.add(f);
    }
    return [...mine].map((f) => {
      const where = str(f.value.address) ?? (str(f.value.pool) ? `from ${f.value.pool}` : undefined);
      return { key: `fip:${f.address}`, kind: "fip", label: `floating IP${where ? ` ${where}` : ""}`, mark: this.markOf(f) };
    });
  }

  private volumes(server: Instance): Neighbour[] {
    const out: Neighbour[] = [];
    const id = str(server.before.id) ?? str(server.value.id);
    const seen = new Set<string>();
    for (const attach of this.instancesOf(ATTACH)) {
      const ex = attach.config?.expressions;
      const byRef = this.targets(ex?.instance_id?.references, attach, SERVER).some((t) => this.names(t, server));
      if (!byRef && !(id !== undefined && (attach.value.instance_id === id || attach.before.instance_id === id))) continue;
      const refs = this.targets(ex?.volume_id?.references, attach);
      const volumeId = str(attach.value.volume_id);
      const volumes = this.instancesOf("openstack_blockstorage_volume_v3").filter((v) => (refs.some((t) => this.names(t, v)) || (volumeId !== undefined && v.value.id === volumeId)));
      for (const v of volumes) {
        if (seen.has(v.address)) continue;
        seen.add(v.address);
        const name = str(v.value.name) ?? constantOf(v.config?.expressions?.name);
        const size = typeof v.value.size === "number" ? `, ${v.value.size} GB` : "";
        out.push({ key: `volume:${v.address}`, kind: "volume", label: `volume ${name ?? v.base.split(".").pop()}${size}`, mark: this.markOf(v) });
      }
      if (volumes.length === 0 && volumeId) out.push({ key: `volume:${volumeId}`, kind: "volume", label: `volume ${volumeId.slice(0, 8)}`, mark: "unchanged" });
    }
    // A boot-from-volume disk: made with the server, gone with it, so it shares its mark.
    const disks = Array.isArray(server.value.block_device) ? (server.value.block_device as Array<Record<string, unknown>>) : [];
    disks.forEach((d, i) => {
      if (d.destination_type !== "volume" || d.source_type === "volume") return;
      const size = typeof d.volume_size === "number" ? `, ${d.volume_size} GB` : "";
      out.push({ key: `boot:${server.address}#${i}`, kind: "volume", label: `boot volume${size}`, mark: MARK_OF[server.action ?? "change"] });
    });
    return out;
  }
}

const modulePrefixOf = (base: string): string => /^((?:module\.[^.]+\.)*)/.exec(base)![1];
