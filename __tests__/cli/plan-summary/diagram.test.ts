/**
 * The Mermaid diagram of a stack's servers, from real plans: the captured fixtures, a plan terraform
 * makes here from our constructs (offline: `-refresh=false` against a hand-written prior state, so
 * the provider is never asked anything), and crafted plans for what those cannot show.
 *
 * No Mermaid parser runs here (the mermaid package is not a dependency): `parseFlowchart` below
 * checks the subset of flowchart syntax the diagram uses, strictly: every line is a header, a class
 * definition, a legend line, a node with a quoted, escaped label and a declared class, or an edge
 * between declared nodes. Set DIAGRAM_DUMP_DIR to write each diagram there for a real parser.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { OpenstackProvider } from "../../../.gen/providers/openstack/provider";
import { serverDiagram } from "../../../cli/plan-summary/diagram";
import { type PlanJson, summarizePlan } from "../../../cli/plan-summary/plan-json";
import { Network } from "../../../constructs/network";
import { SecurityGroup } from "../../../constructs/security-group";
import { VirtualMachine } from "../../../constructs/virtual-machine";
import { fixed } from "../../support/construct-fixtures";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";
import { terraform } from "../../support/terraform";
import { planFixture } from "./fixtures";

const tempDir = tempDirsRemovedAfterAll();
const NET_ID = "6d552d04-99de-4735-87ac-9613d0103798";

interface Flowchart {
  readonly nodes: Map<string, { readonly label: string; readonly shape: string; readonly cls?: string }>;
  readonly edges: Array<[string, string]>;
  readonly classes: Set<string>;
}

const SHAPES: ReadonlyArray<[string, string, string]> = [
  ["{{", "}}", "hexagon"],
  ["([", "])", "stadium"],
  ["[(", ")]", "cylinder"],
  ["[[", "]]", "subroutine"],
  ["[", "]", "box"],
];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const NODE = new RegExp(`^ {2,4}([A-Za-z][A-Za-z0-9_]*)(${SHAPES.map(([o]) => esc(o)).join("|")})"([^"]*)"(${SHAPES.map(([, c]) => esc(c)).join("|")})(?::::([A-Za-z][A-Za-z0-9_]*))?$`);

/** The diagram's flowchart, checked line by line; throws naming the first line that is not as it must be. */
function parseFlowchart(src: string): Flowchart {
  const lines = src.split("\n");
  if (lines[0] !== "flowchart LR") throw new Error(`first line: ${lines[0]}`);
  const nodes: Flowchart["nodes"] = new Map();
  const edges: Flowchart["edges"] = [];
  const classes = new Set<string>();
  let open = 0;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^ {2}classDef ([a-z]+) [a-z-]+:[#0-9a-z ]+(,[a-z-]+:[#0-9a-z ]+)*$/.exec(line))) classes.add(m[1]);
    else if (/^ {2}subgraph legend\["Legend"\]$/.test(line)) open++;
    else if (line === "  end") open--;
    else if ((m = /^ {2}([A-Za-z][A-Za-z0-9_]*) --- ([A-Za-z][A-Za-z0-9_]*)$/.exec(line))) edges.push([m[1], m[2]]);
    else if ((m = NODE.exec(line))) {
      const [, id, o, raw, c, cls] = m;
      const shape = SHAPES.find(([so, sc]) => so === o && sc === c);
      if (!shape) throw new Error(`mismatched shape brackets: ${line}`);
      if (nodes.has(id)) throw new Error(`node ${id} declared twice`);
      // Outside entities `#NNN;`, a label holds nothing Mermaid could read as syntax or markup.
      const bare = raw.replace(/#\d+;/g, "");
      if (/["#<>[\](){}`|;&\\]/.test(bare)) throw new Error(`unescaped character in label: ${line}`);
      nodes.set(id, { label: raw.replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))), shape: shape[2], cls });
    } else throw new Error(`not a line the diagram writes: ${JSON.stringify(line)}`);
  }
  if (open !== 0) throw new Error("subgraph not closed");
  for (const [a, b] of edges) if (!nodes.has(a) || !nodes.has(b)) throw new Error(`edge ${a} --- ${b} names an undeclared node`);
  for (const [id, n] of nodes) if (n.cls && !classes.has(n.cls)) throw new Error(`node ${id} has class ${n.cls}, never defined`);
  return { nodes, edges, classes };
}

let dumped = 0;
/** The diagram of `plan`, its flowchart checked, and the labels of each node's neighbours. */
function draw(plan: PlanJson, options?: Parameters<typeof serverDiagram>[2]) {
  const src = serverDiagram(plan, summarizePlan(plan), options);
  if (src === undefined) throw new Error("no diagram");
  if (process.env.DIAGRAM_DUMP_DIR) fs.writeFileSync(path.join(process.env.DIAGRAM_DUMP_DIR, `diagram-${process.pid}-${++dumped}.mmd`), src);
  const chart = parseFlowchart(src);
  const idOf = (label: string): string => {
    const ids = [...chart.nodes].filter(([, n]) => n.label === label).map(([id]) => id);
    if (ids.length !== 1) throw new Error(`${ids.length} nodes labelled ${label}: ${[...chart.nodes.values()].map((n) => n.label).join(" | ")}`);
    return ids[0];
  };
  const linked = (label: string): string[] => {
    const id = idOf(label);
    return chart.edges.flatMap(([a, b]) => (a === id ? [b] : b === id ? [a] : [])).map((o) => chart.nodes.get(o)!.label).sort();
  };
  const classOf = (label: string) => chart.nodes.get(idOf(label))!.cls;
  const labels = [...chart.nodes.values()].map((n) => n.label);
  return { src, chart, linked, classOf, labels };
}

describe("the captured plans", () => {
  test("GIVEN workers.show.json (2 servers added, trimmed of expressions) WHEN drawn THEN both servers are added, share one default group, and only worker-1 has the new ssh group", () => {
    const d = draw(planFixture("workers"));
    expect(d.linked("+ plan-summary-worker-1")).toEqual(["+ security group plan-summary-ssh", "security group default"]);
    expect(d.linked("+ plan-summary-worker-2")).toEqual(["security group default"]);
    expect(d.classOf("+ plan-summary-worker-1")).toBe("added");
    expect(d.classOf("+ security group plan-summary-ssh")).toBe("added");
    expect(d.classOf("security group default")).toBe("unchanged");
    expect(d.labels.filter((l) => l === "security group default")).toHaveLength(1);
    expect(d.labels).toEqual(expect.arrayContaining(["+ added", "unchanged"]));
    expect(d.chart.classes).toEqual(new Set(["added", "unchanged"]));
  });

  test("GIVEN mixed.show.json WHEN drawn THEN the replaced servers come first, the resized one is changed, the boot-from-volume server has its 5 GB boot volume, and the destroyed group of no server is not drawn", () => {
    const d = draw(planFixture("mixed"));
    const servers = [...d.chart.nodes.values()].filter((n) => n.shape === "box" && !["+ added", "-/+ replaced", "~ changed in place"].includes(n.label)).map((n) => n.label);
    expect(servers).toEqual(["-/+ ps-fx-blue", "-/+ ps-fx-rebuild", "+ ps-fx-bfv", "+ ps-fx-pending", "~ ps-fx-keep"]);
    expect(d.classOf("-/+ ps-fx-rebuild")).toBe("replaced");
    expect(d.classOf("~ ps-fx-keep")).toBe("changed");
    expect(d.linked("+ ps-fx-bfv")).toEqual(["+ boot volume, 5 GB"]);
    expect(d.labels.some((l) => l.includes("ps-fx-old"))).toBe(false);
  });
});

describe("a plan terraform makes from our constructs", () => {
  const NET = "b97993bb-7676-4e03-bbe0-c62fc99ef135";
  const PROVIDER = 'provider["registry.terraform.io/terraform-provider-openstack/openstack"]';
  let plan: PlanJson;

  beforeAll(() => {
    const stack = new TerraformStack(Testing.app(), "diagram");
    // Never contacted: -refresh=false, and the one data source waits for a server not yet created.
    new OpenstackProvider(stack, "openstack", { authUrl: "http://127.0.0.1:9/v3", tenantId: "offline-stand-in" });
    const ssh = new SecurityGroup(stack, "ssh", { name: "ps-ssh" }).allowSshFrom("192.0.2.0/24");
    const web = new VirtualMachine(stack, "web", { ...fixed(), name: "ps-web", network: Network.fromId(NET), securityGroups: [ssh], floatingIpPool: "public" });
    web.attachNewVolume("data", { sizeGb: 2, name: "ps-web-data" });
    const db = new VirtualMachine(stack, "db", { ...fixed(), name: "ps-db", network: Network.fromId(NET) });
    db.attachNewVolume("disk", { sizeGb: 5, name: "ps-db-disk" });
    const json = JSON.parse(Testing.synth(stack));
    const address = (type: string, pick: (r: any) => boolean) => Object.entries(json.resource[type]).find(([, r]) => pick(r))![0];
    const dbName = address("openstack_compute_instance_v2", (r) => r.name === "ps-db");
    const diskName = address("openstack_blockstorage_volume_v3", (r) => r.name === "ps-db-disk");
    const attachName = address("openstack_compute_volume_attach_v2", (r) => r.volume_id.includes(diskName));

    // The state before: ps-db with a key pair the code no longer gives (a forced replacement), its disk attached; ps-old, removed
    // from the code, with a volume, a floating IP and a group of its own (so destroyed, linked only by values).
    const res = (type: string, name: string, attributes: Record<string, unknown>) => ({ mode: "managed", type, name, provider: PROVIDER, instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }] });
    const nic = (ip: string) => [{ uuid: NET, name: "vo-net", fixed_ip_v4: ip, fixed_ip_v6: "", mac: "", port: "", access_network: false }];
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "9b0c1f6e-0d7e-4c55-9d4c-5a1f2d3e4b5c",
      outputs: {},
      resources: [
        res("openstack_compute_instance_v2", dbName, { id: "srv-db", name: "ps-db", image_id: "img-1", key_pair: "ps-old-key", flavor_id: "flavor-1", network: nic("10.0.0.7"), security_groups: ["default"], access_ip_v4: "10.0.0.7" }),
        res("openstack_blockstorage_volume_v3", diskName, { id: "vol-db", name: "ps-db-disk", size: 5 }),
        res("openstack_compute_volume_attach_v2", attachName, { id: "srv-db/vol-db", instance_id: "srv-db", volume_id: "vol-db" }),
        res("openstack_compute_instance_v2", "old", { id: "srv-old", name: "ps-old", image_id: "img-1", flavor_id: "flavor-1", network: nic("10.0.0.9"), security_groups: ["default", "ps-legacy"], access_ip_v4: "10.0.0.9" }),
        res("openstack_networking_secgroup_v2", "legacy", { id: "sg-legacy", name: "ps-legacy" }),
        res("openstack_blockstorage_volume_v3", "old_data", { id: "vol-old", name: "ps-old-data", size: 4 }),
        res("openstack_compute_volume_attach_v2", "old_data", { id: "srv-old/vol-old", instance_id: "srv-old", volume_id: "vol-old" }),
        res("openstack_networking_floatingip_v2", "old_ip", { id: "fip-old", address: "172.24.4.50", pool: "public", port_id: "port-old", fixed_ip: "10.0.0.9" }),
        res("openstack_networking_floatingip_associate_v2", "old_ip", { id: "fip-old", floating_ip: "172.24.4.50", port_id: "port-old", fixed_ip: "10.0.0.9" }),
      ],
    };
    const dir = tempDir("diagram-plan-");
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
    for (const args of [["init", "-no-color", "-input=false"], ["plan", "-no-color", "-input=false", "-lock=false", "-refresh=false", "-out=diagram.tfplan"]]) {
      const r = terraform(dir, args);
      if (r.status !== 0) throw new Error(`terraform ${args[0]}: ${r.stderr}${r.stdout}`);
    }
    plan = JSON.parse(terraform(dir, ["show", "-json", "diagram.tfplan"]).stdout);
  }, 120_000);

  const actionOf = (pick: (rc: any) => boolean) => plan.resource_changes!.find(pick)!.change.actions.join(",");

  test("GIVEN the plan WHEN summarized by terraform THEN it adds web, replaces db and destroys old (what the diagram must show)", () => {
    const server = (name: string) => actionOf((rc) => rc.type === "openstack_compute_instance_v2" && (rc.change.after ?? rc.change.before).name === name);
    expect([server("ps-web"), server("ps-db"), server("ps-old")]).toEqual(["create", "delete,create", "delete"]);
  });

  test("GIVEN an added server with a floating IP, a volume and a new group WHEN drawn THEN it is linked to each, by the configuration's references", () => {
    const d = draw(plan);
    expect(d.linked("+ ps-web")).toEqual(["+ floating IP from public", "+ security group ps-ssh", "+ volume ps-web-data, 2 GB", "network vo-net"]);
    expect(d.classOf("+ ps-web")).toBe("added");
    expect(d.classOf("+ floating IP from public")).toBe("added");
  });

  test("GIVEN a replaced server with its kept disk WHEN drawn THEN it is replaced, with the disk marked as terraform plans it", () => {
    const d = draw(plan);
    const disk = actionOf((rc) => rc.type === "openstack_blockstorage_volume_v3" && (rc.change.after ?? rc.change.before).name === "ps-db-disk");
    const label = disk === "no-op" ? "volume ps-db-disk, 5 GB" : disk === "update" ? "~ volume ps-db-disk, 5 GB" : `unexpected ${disk}`;
    expect(d.linked("-/+ ps-db")).toEqual([label, "network vo-net", "security group default"].sort());
    expect(d.classOf("-/+ ps-db")).toBe("replaced");
  });

  test("GIVEN a server removed from the code WHEN drawn THEN it is destroyed, with its floating IP, volume and own group found by their values", () => {
    const d = draw(plan);
    expect(d.linked("- ps-old")).toEqual(["- floating IP 172.24.4.50", "- security group ps-legacy", "- volume ps-old-data, 4 GB", "network vo-net", "security group default"]);
    for (const l of ["- ps-old", "- floating IP 172.24.4.50", "- volume ps-old-data, 4 GB"]) expect(d.classOf(l)).toBe("destroyed");
  });

  test("GIVEN three servers on one network and two in group default WHEN drawn THEN each neighbour is drawn once, destroyed servers first, with a legend of the marks used", () => {
    const d = draw(plan);
    expect(d.labels.filter((l) => l === "network vo-net")).toHaveLength(1);
    expect(d.linked("network vo-net")).toEqual(["+ ps-web", "- ps-old", "-/+ ps-db"]);
    expect(d.linked("security group default")).toEqual(["- ps-old", "-/+ ps-db"]);
    const order = ["- ps-old", "-/+ ps-db", "+ ps-web"].map((l) => d.src.indexOf(`"${l}"`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(d.labels).toEqual(expect.arrayContaining(["+ added", "-/+ replaced", "- destroyed", "unchanged"]));
  });
});

/** A configuration reference as terraform writes one for cdktf's JSON: a `${...}` template and what it names. */
const ref = (...refs: string[]) => ({ constant_value: `\${${refs[0]}}`, references: refs });
const constant = (value: unknown) => ({ constant_value: value });

interface Crafted {
  readonly address: string;
  readonly actions?: string[];
  readonly index?: number | string;
  readonly before?: Record<string, unknown> | null;
  readonly after?: Record<string, unknown> | null;
}

/** A plan as `terraform show -json` writes it: resource_changes and the configuration's resources. */
function craftedPlan(changes: Crafted[], config: Array<{ address: string; expressions?: Record<string, unknown>; count?: number; forEach?: string[] }> = []): PlanJson {
  const split = (address: string) => {
    const base = address.replace(/\[[^\]]*\]$/, "");
    const parts = base.split(".");
    return { mode: parts[0] === "data" ? "data" : "managed", type: parts[parts.length - 2], name: parts[parts.length - 1] };
  };
  return {
    format_version: "1.2",
    resource_changes: changes.map((c) => ({ address: c.address, ...split(c.address), ...(c.index !== undefined ? { index: c.index } : {}), change: { actions: c.actions ?? ["create"], before: c.before ?? null, after: c.after ?? null } })),
    configuration: {
      root_module: {
        resources: config.map((r) => ({
          address: r.address,
          ...split(r.address),
          provider_config_key: "openstack",
          expressions: r.expressions ?? {},
          ...(r.count ? { count_expression: constant(r.count) } : {}),
          ...(r.forEach ? { for_each_expression: constant(Object.fromEntries(r.forEach.map((k) => [k, k]))) } : {}),
        })),
      },
    },
  } as PlanJson;
}

const server = (address: string, name: string, extra: Partial<Crafted> = {}): Crafted => ({ address, after: { name }, ...extra });

describe("crafted plans", () => {
  test("GIVEN count and for_each servers WHEN drawn THEN each instance is linked to its own floating IP (count.index through the port data source) and volume (each.key), and no node id holds an address", () => {
    const plan = craftedPlan(
      [
        server("openstack_compute_instance_v2.pool[0]", "w-0", { index: 0 }),
        server("openstack_compute_instance_v2.pool[1]", "w-1", { index: 1 }),
        server('openstack_compute_instance_v2.named["a"]', "n-a", { index: "a" }),
        server('openstack_compute_instance_v2.named["b"]', "n-b", { index: "b" }),
        ...[0, 1].map((i) => ({ address: `openstack_networking_floatingip_v2.ip[${i}]`, index: i, after: { pool: "public", address: `172.24.4.1${i}` } })),
        ...[0, 1].map((i) => ({ address: `openstack_networking_floatingip_associate_v2.assoc[${i}]`, index: i, after: {} })),
        ...["a", "b"].map((k, i) => ({ address: `openstack_blockstorage_volume_v3.vol["${k}"]`, index: k, after: { name: `data-${k}`, size: i + 1 } })),
        ...["a", "b"].map((k) => ({ address: `openstack_compute_volume_attach_v2.att["${k}"]`, index: k, after: {} })),
      ],
      [
        { address: "openstack_compute_instance_v2.pool", count: 2, expressions: { name: ref("count.index"), network: [{ name: constant("vo-net") }], security_groups: constant(["default"]) } },
        { address: "openstack_compute_instance_v2.named", forEach: ["a", "b"], expressions: { name: ref("each.key") } },
        { address: "data.openstack_networking_port_v2.port", count: 2, expressions: { device_id: ref("openstack_compute_instance_v2.pool", "count.index") } },
        { address: "openstack_networking_floatingip_v2.ip", count: 2, expressions: { pool: constant("public") } },
        { address: "openstack_networking_floatingip_associate_v2.assoc", count: 2, expressions: { floating_ip: ref("openstack_networking_floatingip_v2.ip", "count.index"), port_id: ref("data.openstack_networking_port_v2.port", "count.index") } },
        { address: "openstack_blockstorage_volume_v3.vol", forEach: ["a", "b"], expressions: { size: constant(1) } },
        { address: "openstack_compute_volume_attach_v2.att", forEach: ["a", "b"], expressions: { instance_id: ref("openstack_compute_instance_v2.named", "each.key"), volume_id: ref("openstack_blockstorage_volume_v3.vol", "each.key") } },
      ],
    );
    const d = draw(plan);
    expect(d.linked("+ w-0")).toEqual(["+ floating IP 172.24.4.10", "network vo-net", "security group default"]);
    expect(d.linked("+ w-1")).toEqual(["+ floating IP 172.24.4.11", "network vo-net", "security group default"]);
    expect(d.linked("+ n-a")).toEqual(["+ volume data-a, 1 GB", "network chosen by Nova"]);
    expect(d.linked("+ n-b")).toEqual(["+ volume data-b, 2 GB", "network chosen by Nova"]);
    for (const id of d.chart.nodes.keys()) expect(id).toMatch(/^[a-z]+_?[a-z]*\d*$/);
    expect(d.src).not.toMatch(/openstack_|pool\[|named\[/);
  });

  test("GIVEN names with quotes, brackets, #, <, >, backticks, a newline and 100 characters WHEN drawn THEN the labels say them exactly (the long one cut to 60 with …) and the source holds none of them raw", () => {
    const nasty = 'web "prod" [1] #2 <b>x</b> `q` a|b;c&d';
    const plan = craftedPlan(
      [
        server("openstack_compute_instance_v2.a", nasty, { after: { name: nasty, security_groups: ["ops's {team}"] } }),
        server("openstack_compute_instance_v2.b", "x".repeat(100)),
        server("openstack_compute_instance_v2.c", "two\nlines"),
      ],
    );
    const d = draw(plan);
    expect(d.linked(`+ ${nasty}`)).toEqual(["security group ops's {team}"]);
    expect(d.labels).toContain(`+ ${"x".repeat(57)}…`);
    expect(d.labels).toContain("+ two lines");
    expect(d.src).not.toContain('"prod"');
    expect(d.src).not.toContain("<b>");
    expect(d.src).not.toContain("`q`");
    expect(d.src).not.toContain("{team}");
  });

  test("GIVEN 2000 servers each with a volume and its own group WHEN drawn THEN the source stays under 6,000 characters: the first servers drawn (destroyed first), the rest counted in one node", () => {
    const changes: Crafted[] = [];
    const config: Parameters<typeof craftedPlan>[1] = [];
    const actions = (i: number) => (i < 600 ? ["delete"] : i < 1000 ? ["delete", "create"] : ["create"]);
    for (let i = 0; i < 2000; i++) {
      const values = { name: `srv-${i}`, security_groups: ["default", `group-${i}-with-a-rather-long-name-for-the-bound`], network: [{ name: "vo-net", uuid: NET_ID }] };
      const a = actions(i);
      changes.push({ address: `openstack_compute_instance_v2.s${i}`, actions: a, before: a[0] === "create" ? null : { ...values, id: `srv-id-${i}` }, after: a[0] === "delete" && a.length === 1 ? null : values });
      changes.push({ address: `openstack_blockstorage_volume_v3.v${i}`, after: { name: `a-volume-with-a-long-name-number-${i}`, size: 100 } });
      changes.push({ address: `openstack_compute_volume_attach_v2.a${i}`, after: {} });
      config.push({ address: `openstack_compute_volume_attach_v2.a${i}`, expressions: { instance_id: ref(`openstack_compute_instance_v2.s${i}.id`, `openstack_compute_instance_v2.s${i}`), volume_id: ref(`openstack_blockstorage_volume_v3.v${i}.id`) } });
    }
    const started = Date.now();
    const d = draw(craftedPlan(changes, config));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(d.src.length).toBeLessThanOrEqual(6000);
    const drawn = d.labels.filter((l) => /^(\+|-|-\/\+) srv-\d+$/.test(l));
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    expect(drawn.every((l) => l.startsWith("- "))).toBe(true);
    expect(d.linked(drawn[0])).toHaveLength(4);
    expect(d.labels).toContain(`and ${2000 - drawn.length} more servers (${600 - drawn.length} destroyed, 400 replaced, 1000 added)`);
  });

  test("GIVEN 10 added servers and maxServers 3 WHEN drawn THEN 3 are drawn and 7 counted", () => {
    const plan = craftedPlan(Array.from({ length: 10 }, (_, i) => server(`openstack_compute_instance_v2.s${i}`, `srv-${i}`)));
    const d = draw(plan, { maxServers: 3 });
    expect(d.labels.filter((l) => /^\+ srv-\d+$/.test(l))).toEqual(["+ srv-0", "+ srv-1", "+ srv-2"]);
    expect(d.labels).toContain("and 7 more servers (7 added)");
    expect(draw(plan, { maxServers: 0 }).labels).toContain("10 servers (10 added)");
  });

  test("GIVEN 10 added servers and maxChars 1500 WHEN drawn THEN the source is at most 1500 characters and counts the servers it leaves out", () => {
    const plan = craftedPlan(Array.from({ length: 10 }, (_, i) => server(`openstack_compute_instance_v2.s${i}`, `srv-${i}-${"n".repeat(40)}`, { after: { name: `srv-${i}-${"n".repeat(40)}`, security_groups: [`g-${i}-${"n".repeat(40)}`] } })));
    const d = draw(plan, { maxChars: 1500 });
    expect(d.src.length).toBeLessThanOrEqual(1500);
    const drawn = d.labels.filter((l) => /^\+ srv-\d+-n+$/.test(l)).length;
    expect(drawn).toBeGreaterThan(0);
    expect(d.labels).toContain(`and ${10 - drawn} more servers (${10 - drawn} added)`);
  });

  test("GIVEN a counted attachment whose server is a single one WHEN drawn THEN count.index does not stop the link", () => {
    const plan = craftedPlan(
      [server("openstack_compute_instance_v2.one", "one"), ...[0, 1].map((i) => ({ address: `openstack_blockstorage_volume_v3.v[${i}]`, index: i, after: { name: `v-${i}`, size: 1 } })), ...[0, 1].map((i) => ({ address: `openstack_compute_volume_attach_v2.a[${i}]`, index: i, after: {} }))],
      [{ address: "openstack_compute_volume_attach_v2.a", count: 2, expressions: { instance_id: ref("openstack_compute_instance_v2.one.id", "openstack_compute_instance_v2.one", "count.index"), volume_id: ref("openstack_blockstorage_volume_v3.v", "count.index") } }],
    );
    expect(draw(plan).linked("+ one")).toEqual(["+ volume v-0, 1 GB", "+ volume v-1, 1 GB"]);
  });

  test("GIVEN plans that add, replace and destroy no server WHEN drawn THEN there is no diagram", () => {
    const none = (plan: PlanJson) => serverDiagram(plan, summarizePlan(plan));
    expect(none(craftedPlan([]))).toBeUndefined();
    expect(none(craftedPlan([{ address: "openstack_blockstorage_volume_v3.v", after: { name: "v", size: 1 } }]))).toBeUndefined();
    expect(none(craftedPlan([server("openstack_compute_instance_v2.s", "s", { actions: ["update"], before: { name: "s", flavor_name: "m1.small" } })]))).toBeUndefined();
    expect(none(craftedPlan([server("openstack_compute_instance_v2.s", "s", { actions: ["no-op"], before: { name: "s" } })]))).toBeUndefined();
  });
});
