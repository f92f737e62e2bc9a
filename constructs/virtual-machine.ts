import { Construct, type IConstruct } from "constructs";
import { Aspects, type IAspect, TerraformOutput, TerraformStack, Token } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import type { ComputeVolumeAttachV2 } from "../.gen/providers/openstack/compute-volume-attach-v2";
import { DataOpenstackNetworkingPortV2 } from "../.gen/providers/openstack/data-openstack-networking-port-v2";
import { EgiSite } from "./egi-site";
import type { Flavor } from "./flavor";
import { FloatingIp } from "./floating-ip";
import type { IKeyPair } from "./key-pair";
import type { MachineImage } from "./machine-image";
import type { INetwork } from "./network";
import type { ISecurityGroup } from "./security-group";
import { lookupPrecondition, resolvedIdentity } from "./lookups/site-lookups";
import { checkArg, checkMember, checkProps, type PropsShape } from "./props-check";
import { claimSiteName, type SiteNameKind } from "./site-names";
import type { UserData } from "./user-data";
import { type AttachOptions, NEW_VOLUME_PROPS, type NewVolumeProps, Volume } from "./volume";

/** A server: what to boot, how big, where, and how to reach it. */
export interface VirtualMachineProps {
  /** What to boot: `MachineImage.fromApplianceMpuri(...)`, `.fromRegistry(...)`, `.fromName(...)`, ... */
  readonly image: MachineImage;
  /** How big: `Flavor.exact(...)`, `Flavor.bestFit(...)`, `Flavor.fromName(...)`, ... */
  readonly flavor: Flavor;
  /**
   * Server name.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Site to create it at (its provider). The key pair, security groups, network and volumes must
   * be at the same site: synth fails naming the one that is not.
   * @default `EgiSite.of(this)`: the stack's site without alias (its default `openstack` provider)
   */
  readonly site?: EgiSite;
  /**
   * Network to attach (`Network.fromName`, `Network.fromId`).
   * @default the site's `defaultNetwork` (site list), else at a site from the site list the network
   *   `fedcloud select network` picks (a synth-time lookup), else none named: Nova attaches the
   *   project's only network
   */
  readonly network?: INetwork;
  /**
   * Security groups (by name, as Nova takes them).
   * @default the project's `default` group only: no ingress from outside the group
   */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * SSH key pair to install for the image's default user.
   * @default none: the images EGI distributes then allow no login
   */
  readonly keyPair?: IKeyPair;
  /**
   * cloud-init user data.
   * @default none
   */
  readonly userData?: UserData;
  /**
   * Floating IP pool (external network name) to take a public address from, e.g. `public`.
   * @default none: the server is reachable only inside the site
   */
  readonly floatingIpPool?: string;
  /**
   * Availability zone.
   * @default the site's default
   */
  readonly availabilityZone?: string;
  /**
   * Server metadata (`openstack server set --property`).
   * @default none
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const SERVER_NAMES: SiteNameKind = {
  className: "VirtualMachine",
  object: "server",
  scope: "project",
  where: "at the same site (Nova allows it, but `egi-cdktf snapshot NAME` and anything else that finds a server by name then refuses)",
  warnOnly: true,
};

/** What `new VirtualMachine` takes, checked at run time for JavaScript and jsii callers. */
const VM_PROPS: PropsShape = {
  required: { image: "any", flavor: "any" },
  optional: {
    name: "string",
    site: "object",
    network: "any",
    securityGroups: "list",
    keyPair: "any",
    userData: "any",
    floatingIpPool: "string",
    availabilityZone: "non-empty string",
    metadata: "object",
  },
};

/** A volume made and attached by `VirtualMachine.attachNewVolume`. */
export interface AttachedVolume {
  /** The new volume. */
  readonly volume: Volume;
  /** Its attachment to the server. */
  readonly attachment: ComputeVolumeAttachV2;
}

/** Where a key pair, group, network or volume is, for messages: its path, else its name. */
const label = (kind: string, thing: unknown, name: string | undefined): string => `${kind} ${Construct.isConstruct(thing) ? thing.node.path : name}`;

/** Refuses an image, flavor, network, group, key pair or user data that is not one (JavaScript callers). */
function checkParts(what: string, props: VirtualMachineProps): void {
  checkMember(what, "prop image", props.image, "bind", "function", "a MachineImage (MachineImage.fromId, .fromRegistry, .fromName, ...)");
  checkMember(what, "prop flavor", props.flavor, "bind", "function", "a Flavor (Flavor.fromId, .fromName, .exact, .bestFit)");
  checkMember(what, "prop network", props.network, "networkId", "string", "an INetwork (Network.fromName, Network.fromId)");
  checkMember(what, "prop keyPair", props.keyPair, "keyPairName", "string", "an IKeyPair (new KeyPair, KeyPair.fromKeyPairName)");
  checkMember(what, "prop userData", props.userData, "render", "function", "a UserData (UserData.forShellScript, .forCloudConfig, ...)");
  props.securityGroups?.forEach((group, i) => checkMember(what, `prop securityGroups[${i}]`, group, "securityGroupName", "string", "an ISecurityGroup (new SecurityGroup, SecurityGroup.fromName)"));
}

/**
 * Throws when a key pair, group, network or volume is at another site than the server: another
 * EgiSite of the same stack, or an EgiSite of another stack that names another Keystone, project
 * or region.
 */
function checkSameSite(vm: Construct, vmSite: EgiSite | undefined, what: string, thingSite: EgiSite | undefined): void {
  if (!thingSite || !vmSite || thingSite === vmSite) return;
  const sameStack = TerraformStack.of(thingSite) === TerraformStack.of(vmSite);
  if (!sameStack && JSON.stringify(resolvedIdentity(thingSite._lookups.identity)) === JSON.stringify(resolvedIdentity(vmSite._lookups.identity))) return;
  throw new Error(`VirtualMachine ${vm.node.path}: ${what} is at site ${thingSite.node.path}, the server at site ${vmSite.node.path}; create or import it with the server's site (site: ...), one per site`);
}

/**
 * A server on an EGI site, with its image, flavor, network, security groups, key pair, cloud-init
 * and optionally a floating IP and volumes: the docs page's `openstack server create` and the
 * steps after it. `addOutputs()` makes the stack outputs `egi-cdktf inventory` reads.
 *
 * When the image or flavor comes from a synth-time lookup still unanswered (no pin in
 * egi-cdktf.context.json, no Check-in credential), the server carries a precondition that stops
 * `terraform plan`, before anything is created, with an error naming the lookup and the fix.
 */
export class VirtualMachine extends Construct {
  /** The underlying `openstack_compute_instance_v2`, for what the construct does not expose (`addOverride`). */
  public readonly instance: ComputeInstanceV2;
  /** The server's id. */
  public readonly instanceId: string;
  /** The server's fixed IPv4 address. */
  public readonly privateIpv4: string;
  /** The site the server is at: `site`, else the stack's site without alias (undefined without one). */
  public readonly site?: EgiSite;
  private floating?: FloatingIp;
  /** The given `site`: whose provider resources of this server name (none: the stack's default). */
  private readonly givenSite?: EgiSite;
  private outputPrefix?: string;
  private portId?: string;

  constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    super(scope, id);
    checkProps(`VirtualMachine ${this.node.path}`, props, VM_PROPS);
    checkParts(`VirtualMachine ${this.node.path}`, props);
    const name = props.name ?? id;
    if (!Token.isUnresolved(name) && !NAME.test(name)) {
      throw new Error(`VirtualMachine ${this.node.path}: name "${name}" must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (props.floatingIpPool !== undefined && !props.floatingIpPool.trim()) {
      throw new Error(`VirtualMachine ${this.node.path}: floatingIpPool is empty; give the external network's name (\`openstack network list --external\`)`);
    }
    if (props.userData) {
      try {
        props.userData.validate();
      } catch (err) {
        throw new Error(`VirtualMachine ${this.node.path}: userData: ${(err as Error).message}`);
      }
    }
    this.givenSite = props.site;
    claimSiteName(this, name, props.site, SERVER_NAMES);
    const site = props.site ?? EgiSite.tryOf(this);
    this.site = site;
    checkSameSite(this, site, label("keyPair", props.keyPair, props.keyPair?.keyPairName), props.keyPair?.site);
    for (const group of props.securityGroups ?? []) checkSameSite(this, site, label("security group", group, group.securityGroupName), group.site);
    checkSameSite(this, site, label("network", props.network, props.network?.networkId), props.network?.site);
    const imageId = props.image.bind(this, props.site).imageId;
    const flavorId = props.flavor.bind(this, props.site).flavorId;
    // A synth-time lookup left unanswered gives a placeholder id: stop terraform plan on it, before
    // the key pair, groups or volumes are created, rather than let Nova reject the server at apply.
    const defaultNetwork = props.network ? undefined : site?.defaultNetworkFor(this);
    const precondition = [imageId, flavorId, defaultNetwork].flatMap((value) => (value === undefined ? [] : (lookupPrecondition(this, value) ?? [])));

    this.instance = new ComputeInstanceV2(this, "server", {
      name,
      imageId,
      flavorId,
      securityGroups: props.securityGroups?.map((g) => g.securityGroupName) ?? ["default"],
      keyPair: props.keyPair?.keyPairName,
      userData: props.userData?.render(),
      availabilityZone: props.availabilityZone,
      metadata: props.metadata ? { ...props.metadata } : undefined,
      network: props.network ? [{ uuid: props.network.networkId }] : defaultNetwork ? [{ name: defaultNetwork }] : undefined,
      provider: props.site?.provider,
      lifecycle: precondition.length > 0 ? { precondition } : undefined,
    });
    this.instanceId = this.instance.id;
    this.privateIpv4 = this.instance.accessIpV4;

    if (props.floatingIpPool) this.addFloatingIp(props.floatingIpPool);
  }

  /**
   * The server's port on its first network, looked up once the server exists: by device id AND
   * network id, so the lookup still finds one port when the server has ports on other networks.
   */
  private port(): string {
    if (!this.portId) {
      const port = new DataOpenstackNetworkingPortV2(this, "port", {
        deviceId: this.instanceId,
        networkId: this.instance.network.get(0).uuid,
        provider: this.givenSite?.provider,
      });
      this.portId = port.id;
    }
    return this.portId;
  }

  /**
   * Give the server a public address from `pool`. Equivalent to `openstack floating ip create POOL`
   * then `openstack server add floating ip SERVER IP`. One per server.
   * @param pool the external network's name; by default the site's `floatingIpPool` (the site
   *   list's publicNetwork), else at a site from the site list its one external network (a
   *   synth-time lookup)
   */
  public addFloatingIp(pool?: string): FloatingIp {
    if (pool !== undefined) checkArg(`VirtualMachine ${this.node.path}: addFloatingIp`, "pool", pool, "non-empty string");
    pool = pool ?? this.site?.floatingIpPoolFor(this);
    if (!pool) {
      throw new Error(`VirtualMachine ${this.node.path}: addFloatingIp needs a pool here (the site names none); give the external network's name, as \`openstack network list --external\` shows`);
    }
    if (this.floating) throw new Error(`VirtualMachine ${this.node.path}: already has a floating IP; addFloatingIp is called once (floatingIpPool calls it too)`);
    this.floating = new FloatingIp(this, "floating-ip", { pool, portId: this.port(), site: this.givenSite });
    const poolLookup = lookupPrecondition(this, pool);
    if (poolLookup) this.floating.resource.lifecycle = { ...this.floating.resource.lifecycle, precondition: [...(this.floating.resource.lifecycle?.precondition ?? []), poolLookup] };
    if (this.outputPrefix) this.addFloatingIpOutput();
    return this.floating;
  }

  /** The floating IP address, when the server has one. */
  public get floatingIpAddress(): string | undefined {
    return this.floating?.address;
  }

  /**
   * Create a volume and attach it. Equivalent to `openstack volume create --size N NAME` then
   * `openstack server add volume SERVER VOLUME`.
   */
  public attachNewVolume(id: string, props: NewVolumeProps): AttachedVolume {
    checkProps(`VirtualMachine ${this.node.path}: attachNewVolume ${id}`, props, NEW_VOLUME_PROPS);
    const volume = new Volume(this, id, { ...props, site: this.givenSite });
    return { volume, attachment: volume.attachTo(this.instanceId) };
  }

  /**
   * Attach an existing `Volume` (at the server's site). Equivalent to
   * `openstack server add volume [--device DEVICE] SERVER VOLUME`.
   * @param options the device to ask for; by default Nova picks the next free one
   */
  public attachVolume(volume: Volume, options: AttachOptions = {}): ComputeVolumeAttachV2 {
    checkArg(`VirtualMachine ${this.node.path}: attachVolume`, "volume", volume, "object");
    checkMember(`VirtualMachine ${this.node.path}: attachVolume`, "argument volume", volume, "attachTo", "function", "a Volume");
    checkSameSite(this, this.site, `volume ${volume.node.path}`, volume.site);
    return volume.attachTo(this.instanceId, options);
  }

  /**
   * Add the stack outputs `<prefix>_id`, `<prefix>_addresses` and, with a floating IP (now or
   * added later), `<prefix>_floating_ip`: what `egi-cdktf inventory` reads, what
   * `openstack server show -c id -c addresses` prints. Once per server.
   * @param prefix the outputs' name prefix (letters, digits, `_`, `-`; not starting with a
   *   digit); by default the construct's path in its stack, e.g. `vm` or `cluster_worker-1`
   */
  public addOutputs(prefix?: string): void {
    if (prefix !== undefined) checkArg(`VirtualMachine ${this.node.path}: addOutputs`, "prefix", prefix, "string");
    if (this.outputPrefix) throw new Error(`VirtualMachine ${this.node.path}: addOutputs is called once per server`);
    const stack = TerraformStack.of(this);
    const name = prefix ?? this.node.path.slice(stack.node.path.length + 1).replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=[^A-Za-z_])/, "_");
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      throw new Error(`VirtualMachine ${this.node.path}: addOutputs prefix "${name}" is not a Terraform name; use letters, digits, "_" and "-", starting with a letter or "_"`);
    }
    // Two outputs of one name would overwrite each other in cdk.tf.json: checked once per synth.
    if (!Aspects.of(stack).all.some((a) => a instanceof UniqueOutputNames)) Aspects.of(stack).add(new UniqueOutputNames(stack));
    this.outputPrefix = name;
    this.output("id", this.instanceId);
    this.output("addresses", this.instance.network);
    if (this.floating) this.addFloatingIpOutput();
  }

  private addFloatingIpOutput(): void {
    this.output("floating_ip", this.floating!.address);
  }

  /** The stack output `<prefix>_<suffix>`, below this construct (`cdktf deploy --outputs-file` nests it under the server). */
  private output(suffix: string, value: unknown): void {
    new TerraformOutput(this, suffix, { value }).overrideLogicalId(`${this.outputPrefix}_${suffix}`);
  }
}

/**
 * Run by cdktf at synth in a stack where a server called `addOutputs`: fails naming both outputs
 * when two have one name (construct paths that sanitise alike, or a prefix given twice). One pass
 * over the stack per synth, however many servers it has.
 */
class UniqueOutputNames implements IAspect {
  private seen = new Map<string, TerraformOutput>();

  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node === this.stack) this.seen = new Map();
    if (!(node instanceof TerraformOutput)) return;
    const other = this.seen.get(node.friendlyUniqueId);
    if (other) {
      throw new Error(`${other.node.path} and ${node.node.path} are both output ${node.friendlyUniqueId} of stack ${this.stack.node.id}; give addOutputs another prefix`);
    }
    this.seen.set(node.friendlyUniqueId, node);
  }
}
