import { isIPv6 } from "node:net";
import { Construct, type IConstruct } from "constructs";
import { Token } from "cdktf";
import { DataOpenstackNetworkingSecgroupV2 } from "../.gen/providers/openstack/data-openstack-networking-secgroup-v2";
import { NetworkingSecgroupRuleV2 } from "../.gen/providers/openstack/networking-secgroup-rule-v2";
import { NetworkingSecgroupV2 } from "../.gen/providers/openstack/networking-secgroup-v2";
import { EgiSite } from "./egi-site";
import { checkArg, checkProps } from "./props-check";
import { claimSiteName, type SiteNameKind } from "./site-names";

/**
 * A Neutron security group: what `openstack server create --security-group` takes. Ingress rules
 * are added by intent, on groups made here and on groups found by name alike.
 */
export interface ISecurityGroup extends IConstruct {
  /** The group's id. */
  readonly securityGroupId: string;
  /** The group's name. */
  readonly securityGroupName: string;
  /**
   * The site the group is at; a server at another site cannot use it.
   * @default the stack's site without alias
   */
  readonly site?: EgiSite;
  /**
   * Allows SSH (TCP 22) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol tcp --dst-port 22 --remote-ip <cidr> <group>`.
   */
  allowSshFrom(cidr: string): ISecurityGroup;
  /**
   * Allows TCP `port` (or a `PortRange`, inclusive) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol tcp --dst-port <from>:<to> --remote-ip <cidr> <group>`.
   */
  allowTcpFrom(cidr: string, port: number | PortRange): ISecurityGroup;
  /**
   * Allows UDP `port` (or a `PortRange`, inclusive) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol udp --dst-port <from>:<to> --remote-ip <cidr> <group>`.
   */
  allowUdpFrom(cidr: string, port: number | PortRange): ISecurityGroup;
  /**
   * Allows every ICMP type in (ping, ...) from `cidr` (ICMPv6 for an IPv6 CIDR).
   * Equivalent to `openstack security group rule create --protocol icmp --remote-ip <cidr> <group>`.
   */
  allowIcmpFrom(cidr: string): ISecurityGroup;
}

/** An existing security group, by name. */
export interface SecurityGroupFromNameProps {
  /** The group's name, as `openstack security group list` shows it, e.g. "default". */
  readonly name: string;
  /**
   * The site to look it up at.
   * @default `EgiSite.of(scope)`: the stack's site without alias
   */
  readonly site?: EgiSite;
}

/** A new security group: its name, description, site and whether it allows all egress. */
export interface SecurityGroupProps {
  /**
   * The group's name (`openstack security group list` shows it). Servers name their groups, so
   * synth fails when two SecurityGroups of the app create the same name in the same project.
   * @default derived from the construct path, e.g. "mystack-web-sg"
   */
  readonly name?: string;
  /**
   * The group's description.
   * @default "Managed by egi-cdktf"
   */
  readonly description?: string;
  /**
   * The site whose provider creates the group and its rules.
   * @default the stack's default `openstack` provider
   */
  readonly site?: EgiSite;
  /**
   * Whether the group allows all outbound traffic, as aws-ec2's `SecurityGroup` says it. Neutron
   * gives every new group two egress rules allowing everything (IPv4 and IPv6); `false` deletes
   * them right after the group is created (the provider's `delete_default_rules`), so the group
   * allows no egress of its own. Equivalent to `openstack security group rule delete <rule>` for
   * each rule `openstack security group rule list --egress <group>` lists after
   * `openstack security group create`. A server's other groups (e.g. `default`) still allow theirs.
   * @default true: Neutron's two allow-all egress rules are kept
   */
  readonly allowAllOutbound?: boolean;
}

const GROUP_NAMES: SiteNameKind = {
  className: "SecurityGroup",
  object: "security group",
  scope: "project",
  where: "in the same project (servers name their groups, and Nova refuses a name two groups have)",
};

/** An inclusive range of ports, e.g. `{ from: 8000, to: 8080 }`. */
export interface PortRange {
  /** The first port, 1 to 65535. */
  readonly from: number;
  /** The last port, `from` to 65535. */
  readonly to: number;
}

/**
 * The ingress-rule methods shared by `SecurityGroup` and groups imported with `SecurityGroup.fromName`.
 *
 * Adding the same rule twice (same protocol, ports and CIDR, whichever method added it, e.g.
 * `allowSshFrom(c)` and `allowTcpFrom(c, 22)`) creates it once: Neutron refuses duplicate rules,
 * so the second call is a no-op, as `addIngressRule` is in aws-cdk.
 */
abstract class SecurityGroupBase extends Construct implements ISecurityGroup {
  public abstract readonly securityGroupId: string;
  public abstract readonly securityGroupName: string;
  /** The rules added so far, by construct id. */
  private readonly rules = new Map<string, NetworkingSecgroupRuleV2>();

  protected constructor(scope: Construct, id: string, private readonly className: string, private readonly givenSite?: EgiSite) {
    super(scope, id);
  }

  public get site(): EgiSite | undefined {
    return this.givenSite ?? EgiSite.tryOf(this);
  }

  /**
   * Allows SSH (TCP 22) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol tcp --dst-port 22 --remote-ip <cidr> <group>`.
   */
  public allowSshFrom(cidr: string): ISecurityGroup {
    return this.addIngress("allowSshFrom", "tcp", cidr, 22, false);
  }

  /**
   * Allows TCP `port` (or `{ from, to }`, inclusive) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol tcp --dst-port <from>:<to> --remote-ip <cidr> <group>`.
   */
  public allowTcpFrom(cidr: string, port: number | PortRange): ISecurityGroup {
    return this.addIngress("allowTcpFrom", "tcp", cidr, port, true);
  }

  /**
   * Allows UDP `port` (or `{ from, to }`, inclusive) in from `cidr`.
   * Equivalent to `openstack security group rule create --protocol udp --dst-port <from>:<to> --remote-ip <cidr> <group>`.
   */
  public allowUdpFrom(cidr: string, port: number | PortRange): ISecurityGroup {
    return this.addIngress("allowUdpFrom", "udp", cidr, port, true);
  }

  /**
   * Allows every ICMP type in (ping, ...) from `cidr` (ICMPv6 for an IPv6 CIDR).
   * Equivalent to `openstack security group rule create --protocol icmp --remote-ip <cidr> <group>`.
   */
  public allowIcmpFrom(cidr: string): ISecurityGroup {
    return this.addIngress("allowIcmpFrom", "icmp", cidr, undefined, false);
  }

  private addIngress(method: string, protocol: "tcp" | "udp" | "icmp", cidr: string, port: number | PortRange | undefined, portArg: boolean): ISecurityGroup {
    const where = `${this.className} ${this.node.path}: ${method}`;
    checkArg(where, "cidr", cidr, "string");
    if (portArg) {
      checkArg(where, "port", port, "any");
      if (typeof port === "object") checkProps(`${where}: port`, port, { required: { from: "any", to: "any" } });
    }
    const net = parseCidr(cidr, where);
    const ports = port === undefined ? undefined : parsePorts(port, where);
    const ipProtocol = protocol === "icmp" && net.version === 6 ? "ipv6-icmp" : protocol;
    const portPart = ports ? (ports.from === ports.to ? `-${ports.from}` : `-${ports.from}-${ports.to}`) : "";
    const id = `ingress-${ipProtocol}${portPart}-from-${net.cidr.replace(/[.:/]/g, "-")}`;
    if (this.rules.has(id)) return this;
    this.rules.set(id, new NetworkingSecgroupRuleV2(this, id, {
      securityGroupId: this.securityGroupId,
      direction: "ingress",
      ethertype: net.version === 4 ? "IPv4" : "IPv6",
      protocol: ipProtocol,
      portRangeMin: ports?.from,
      portRangeMax: ports?.to,
      remoteIpPrefix: net.cidr,
      provider: this.givenSite?.provider,
    }));
    return this;
  }
}

/**
 * A Neutron security group with ingress rules added by intent (`allowSshFrom`, ...). Neutron gives
 * every new group rules allowing all egress (IPv4 and IPv6), kept unless `allowAllOutbound` is
 * false; ingress is closed until allowed.
 *
 * Equivalent to `openstack security group create --description <description> <name>` (then, with
 * `allowAllOutbound: false`, `openstack security group rule delete` of its two egress rules).
 */
export class SecurityGroup extends SecurityGroupBase {
  /**
   * An existing group, found by name in the project, e.g. `"default"`; rules can still be added to
   * it. Equivalent to `openstack security group show <name>`. The lookup fails at plan time when no
   * group, or more than one, has that name.
   */
  public static fromName(scope: Construct, id: string, props: SecurityGroupFromNameProps): ISecurityGroup {
    return new ImportedSecurityGroup(scope, id, props);
  }

  public readonly securityGroupId: string;
  public readonly securityGroupName: string;
  /** The underlying `openstack_networking_secgroup_v2`. */
  public readonly resource: NetworkingSecgroupV2;

  /**
   * @param props name, description, site, egress; by default (`{}`) the group is named after the construct path, at `EgiSite.of(this)`, and allows all egress
   */
  constructor(scope: Construct, id: string, props: SecurityGroupProps = {}) {
    super(scope, id, "SecurityGroup", props?.site);
    checkProps(`SecurityGroup ${this.node.path}`, props, {
      optional: { name: "string", description: "string", site: "object", allowAllOutbound: "boolean" },
    });
    const name = props.name ?? this.node.path.replace(/[^A-Za-z0-9_.-]+/g, "-");
    if (!Token.isUnresolved(name) && (name.trim() === "" || name.length > 255)) {
      throw new Error(`SecurityGroup ${this.node.path}: name "${name}" must be 1 to 255 characters; give another name`);
    }
    if (!Token.isUnresolved(name) && name === "default") {
      throw new Error(`SecurityGroup ${this.node.path}: name "default" is the project's own group; use SecurityGroup.fromName(scope, id, { name: "default" }) to add rules to it`);
    }
    claimSiteName(this, name, props.site, GROUP_NAMES);
    this.resource = new NetworkingSecgroupV2(this, "Resource", {
      name,
      description: props.description ?? "Managed by egi-cdktf",
      // Left out when true: the provider's default (false) keeps Neutron's egress rules.
      deleteDefaultRules: props.allowAllOutbound === false ? true : undefined,
      provider: props.site?.provider,
    });
    this.securityGroupId = this.resource.id;
    this.securityGroupName = this.resource.name;
  }
}

/** `SecurityGroup.fromName`: a data source lookup. */
class ImportedSecurityGroup extends SecurityGroupBase {
  public readonly securityGroupId: string;
  public readonly securityGroupName: string;

  constructor(scope: Construct, id: string, props: SecurityGroupFromNameProps) {
    super(scope, id, "SecurityGroup", props?.site);
    checkProps(`SecurityGroup.fromName ${this.node.path}`, props, { required: { name: "string" }, optional: { site: "object" } });
    const { name, site } = props;
    if (!Token.isUnresolved(name) && (typeof name !== "string" || name.trim() === "")) {
      throw new Error(`SecurityGroup ${this.node.path}: name is empty; give the name \`openstack security group list\` shows, e.g. "default"`);
    }
    const lookup = new DataOpenstackNetworkingSecgroupV2(this, "Lookup", { name, provider: site?.provider });
    this.securityGroupId = lookup.id;
    this.securityGroupName = name;
  }
}

interface Cidr {
  readonly version: 4 | 6;
  /** Canonical form (RFC 5952 for IPv6), as Neutron stores it, so plans show no drift. */
  readonly cidr: string;
}

/** Parses an IPv4 or IPv6 CIDR; throws naming `where` when it is not one or has host bits set. */
function parseCidr(text: string, where: string): Cidr {
  const bad = (problem: string) => new Error(`${where}: "${text}" ${problem}`);
  const fix = 'write a network in CIDR form, e.g. "0.0.0.0/0", "192.0.2.10/32" or "2001:db8::/32"';
  if (Token.isUnresolved(text)) throw bad("is a token; give a literal CIDR (it decides the rule's ethertype)");
  const match = /^([^/%]+)\/(\d{1,3})$/.exec(text);
  if (!match) throw bad(`is not a CIDR; ${fix}`);
  const prefix = Number(match[2]);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(match[1]);
  let bits: number[];
  let version: 4 | 6;
  if (v4) {
    version = 4;
    bits = v4.slice(1).map((o) => (/^0\d/.test(o) ? NaN : Number(o)));
    if (bits.some((b) => !(b <= 255))) throw bad(`has an IPv4 address out of range (each part 0 to 255, no leading zeros); ${fix}`);
  } else if (isIPv6(match[1])) {
    version = 6;
    bits = ipv6Bytes(match[1]);
  } else {
    throw bad(`is not an IPv4 or IPv6 CIDR; ${fix}`);
  }
  const width = bits.length * 8;
  if (prefix > width) throw bad(`has a prefix length over ${width}; use /0 to /${width}`);
  const masked = bits.map((b, i) => b & (0xff << (8 - Math.min(8, Math.max(0, prefix - i * 8)))) & 0xff);
  const address = version === 4 ? masked.join(".") : formatIpv6(masked);
  if (masked.some((b, i) => b !== bits[i])) throw bad(`has host bits set; use "${address}/${prefix}"`);
  return { version, cidr: `${address}/${prefix}` };
}

/** The 16 bytes of a valid IPv6 address (`isIPv6` already checked it). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(":").map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
function formatIpv6(bytes: number[]): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

function parsePorts(port: number | PortRange, where: string): { from: number; to: number } {
  const range = typeof port === "number" ? { from: port, to: port } : port;
  for (const [name, value] of [["from", range.from], ["to", range.to]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      const label = typeof port === "number" ? "port" : `port.${name}`;
      throw new Error(`${where}: ${label} ${value} is not a port; use an integer from 1 to 65535`);
    }
  }
  if (range.from > range.to) {
    throw new Error(`${where}: port range ${range.from}-${range.to} is reversed; give { from: ${range.to}, to: ${range.from} }`);
  }
  return range;
}
