import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import type { ComputeVolumeAttachV2 } from "../.gen/providers/openstack/compute-volume-attach-v2";
import { DataOpenstackNetworkingPortV2 } from "../.gen/providers/openstack/data-openstack-networking-port-v2";
import { EgiSite } from "./egi-site";
import type { Flavor } from "./flavor";
import { FloatingIp } from "./floating-ip";
import type { IKeyPair } from "./key-pair";
import type { MachineImage } from "./machine-image";
import { type INetwork, Network } from "./network";
import type { ISecurityGroup } from "./security-group";
import { defaultSiteOf, lookupPrecondition } from "./lookups/site-lookups";
import type { UserData } from "./user-data";
import { Volume, type VolumeProps } from "./volume";

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
   * Site to create it at (its provider).
   * @default the stack's default provider
   */
  readonly site?: EgiSite;
  /**
   * Network to attach.
   * @default `Network.siteDefault()`: the site's `defaultNetwork` (site list), else at a site from
   *   the site list the network `fedcloud select network` picks, else the project's only network,
   *   chosen by Nova
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

const outputPrefixes = new WeakMap<TerraformStack, Set<string>>();

/** Output names from the construct path in its stack: unique per stack, valid Terraform identifiers. */
function outputPrefixFor(vm: Construct): string {
  const stack = TerraformStack.of(vm);
  const prefix = vm.node.path.slice(stack.node.path.length + 1).replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=[^A-Za-z_])/, "_");
  const used = outputPrefixes.get(stack) ?? new Set<string>();
  outputPrefixes.set(stack, used);
  if (used.has(prefix)) {
    throw new Error(`VirtualMachine ${vm.node.path}: its outputs would be named ${prefix}_id, like another VirtualMachine's in stack ${stack.node.id}; give one of them another construct id`);
  }
  used.add(prefix);
  return prefix;
}

/**
 * A server on an EGI site, with its image, flavor, network, security groups, key pair, cloud-init
 * and optionally a floating IP and volumes: the docs page's `openstack server create` and the
 * steps after it. Outputs `<path>_id`, `<path>_addresses` and `<path>_floating_ip`, where `<path>`
 * is the construct's path in its stack (`vm`, or `cluster_worker-1` for a nested one).
 *
 * When the image or flavor comes from a synth-time lookup still unanswered (no pin in
 * egi-cdktf.context.json, no Check-in credential), the server carries a precondition that stops
 * `terraform plan`, before anything is created, with an error naming the lookup and the fix.
 */
export class VirtualMachine extends Construct {
  public readonly instance: ComputeInstanceV2;
  /** The server's id. */
  public readonly instanceId: string;
  /** The server's fixed IPv4 address. */
  public readonly privateIpv4: string;
  private floating?: FloatingIp;
  private readonly site?: EgiSite;
  /** `site`, else the stack's default site: where the defaults of network and pool come from. */
  private readonly defaultsSite?: EgiSite;
  private readonly outputPrefix: string;
  private portId?: string;

  constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    super(scope, id);
    const name = props.name ?? id;
    if (!NAME.test(name)) {
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
    this.site = props.site;
    this.outputPrefix = outputPrefixFor(this);
    const network = props.network ?? Network.siteDefault();
    const imageId = props.image.bind(this, props.site).imageId;
    const flavorId = props.flavor.bind(this, props.site).flavorId;
    // A synth-time lookup left unanswered gives a placeholder id: stop terraform plan on it, before
    // the key pair, groups or volumes are created, rather than let Nova reject the server at apply.
    const site = props.site ?? defaultSiteOf(TerraformStack.of(this), EgiSite.isEgiSite);
    this.defaultsSite = site;
    const defaultNetwork = Network.isSiteDefault(network) ? site?.defaultNetworkFor(this) : undefined;
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
      network: Network.isSiteDefault(network) ? (defaultNetwork ? [{ name: defaultNetwork }] : undefined) : [{ uuid: network.networkId }],
      provider: props.site?.provider,
      lifecycle: precondition.length > 0 ? { precondition } : undefined,
    });
    this.instanceId = this.instance.id;
    this.privateIpv4 = this.instance.accessIpV4;

    // One token for the server's id, reused below: each read of a generated attribute makes a new token.
    new TerraformOutput(this, "id", { value: this.instanceId }).overrideLogicalId(`${this.outputPrefix}_id`);
    new TerraformOutput(this, "addresses", { value: this.instance.network }).overrideLogicalId(`${this.outputPrefix}_addresses`);
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
        provider: this.site?.provider,
      });
      this.portId = port.id;
    }
    return this.portId;
  }

  /**
   * Give the server a public address from `pool`. Equivalent to `openstack floating ip create POOL`
   * then `openstack server add floating ip SERVER IP`. One per server.
   * @param pool the external network's name
   * @default the site's `floatingIpPool` (the site list's publicNetwork), else at a site from the
   *   site list its one external network (a synth-time lookup)
   */
  public addFloatingIp(pool?: string): FloatingIp {
    pool = pool ?? this.defaultsSite?.floatingIpPoolFor(this);
    if (!pool) {
      throw new Error(`VirtualMachine ${this.node.path}: addFloatingIp needs a pool here (the site names none); give the external network's name, as \`openstack network list --external\` shows`);
    }
    if (this.floating) throw new Error(`VirtualMachine ${this.node.path}: already has a floating IP; addFloatingIp is called once (floatingIpPool calls it too)`);
    this.floating = new FloatingIp(this, "floating-ip", { pool, portId: this.port(), site: this.site });
    const poolLookup = lookupPrecondition(this, pool);
    if (poolLookup) this.floating.resource.lifecycle = { ...this.floating.resource.lifecycle, precondition: [...(this.floating.resource.lifecycle?.precondition ?? []), poolLookup] };
    new TerraformOutput(this, "floating_ip", { value: this.floating.address }).overrideLogicalId(`${this.outputPrefix}_floating_ip`);
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
  public attachNewVolume(id: string, props: Omit<VolumeProps, "site">): { volume: Volume; attachment: ComputeVolumeAttachV2 } {
    const volume = new Volume(this, id, { ...props, site: this.site });
    return { volume, attachment: volume.attachTo(this.instanceId) };
  }
}
