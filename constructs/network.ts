import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { EgiSite } from "./egi-site";

/** A Neutron network: what `openstack server create --network` takes. */
export interface INetwork {
  /** The network's id (a UUID, or a token resolved at apply time). */
  readonly networkId: string;
  /** The network's name, when known. */
  readonly networkName?: string;
}

const SITE_DEFAULT_BRAND = Symbol.for("egi-cdktf.Network.siteDefault");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ways to name the network a VM attaches to. Networks themselves are not created here: EGI sites
 * give each project its network(s); `openstack network list` shows them.
 */
export abstract class Network {
  /**
   * A network of the project, looked up by name. Equivalent to `openstack network show <name>`;
   * the lookup fails at plan time when no network, or more than one, has that name.
   */
  public static fromName(scope: Construct, id: string, name: string, site?: EgiSite): INetwork {
    return new NetworkLookup(scope, id, name, false, site);
  }

  /**
   * An external network, looked up by name: the pool floating IPs come from (`openstack network
   * list --external`, e.g. "public"). Equivalent to `openstack network show <name>` on such a network.
   */
  public static external(scope: Construct, id: string, name: string, site?: EgiSite): INetwork {
    return new NetworkLookup(scope, id, name, true, site);
  }

  /**
   * A network by id, as `openstack network list` shows it; creates nothing and looks nothing up.
   * @throws Error when `networkId` is not a UUID (for a name, use `Network.fromName`)
   */
  public static fromId(networkId: string): INetwork {
    if (!Token.isUnresolved(networkId) && !UUID.test(networkId)) {
      throw new Error(`Network.fromId: networkId "${networkId}" is not a network id (a UUID); give the ID column of \`openstack network list\`, or use Network.fromName for a name`);
    }
    return { networkId };
  }

  /**
   * "No network block": the VM is created without `--network`, and Nova attaches it to the
   * project's only network. Nova refuses to create the server ("Multiple possible networks found,
   * use a Network ID to be more specific") when the project has several networks: then pick one
   * of those `openstack network list` shows with `Network.fromName` or `Network.fromId`.
   *
   * The result is a marker: test it with `Network.isSiteDefault`; reading its `networkId` throws.
   */
  public static siteDefault(): INetwork {
    return SITE_DEFAULT;
  }

  /**
   * Whether `network` means "let Nova pick": true for `Network.siteDefault()` and for `undefined`,
   * so that a VM's optional `network` prop defaults to the site default. A VM construct writes no
   * `network` block when this is true, else one with `uuid: network.networkId`.
   */
  public static isSiteDefault(network: INetwork | undefined): boolean {
    return network === undefined || (network as unknown as Record<symbol, unknown>)[SITE_DEFAULT_BRAND] === true;
  }

  private constructor() {}
}

/** The `Network.siteDefault()` marker. */
const SITE_DEFAULT: INetwork = Object.freeze({
  [SITE_DEFAULT_BRAND]: true,
  get networkId(): string {
    throw new Error("Network.siteDefault() has no networkId: it means \"no network block\"; check Network.isSiteDefault(network) before reading networkId");
  },
  toString: () => "Network.siteDefault()",
});

/** `Network.fromName` and `Network.external`: a data source lookup by name. */
class NetworkLookup extends Construct implements INetwork {
  public readonly networkId: string;
  public readonly networkName: string;

  constructor(scope: Construct, id: string, name: string, external: boolean, site: EgiSite | undefined) {
    super(scope, id);
    if (!Token.isUnresolved(name) && name.trim() === "") {
      throw new Error(`Network ${this.node.path}: name is empty; give a name \`openstack network list${external ? " --external" : ""}\` shows`);
    }
    const lookup = new DataOpenstackNetworkingNetworkV2(this, "Lookup", {
      name,
      external: external ? true : undefined,
      provider: site?.provider,
    });
    this.networkId = lookup.id;
    this.networkName = name;
  }
}
