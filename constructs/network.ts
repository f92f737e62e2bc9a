import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { EgiSite } from "./egi-site";
import { checkArg, checkProps } from "./props-check";

/** A Neutron network: what `openstack server create --network` takes. */
export interface INetwork {
  /** The network's id (a UUID, or a token resolved at apply time). */
  readonly networkId: string;
  /**
   * The site the network was looked up at; a server at another site cannot use it.
   * @default unknown (`Network.fromId`): not checked
   */
  readonly site?: EgiSite;
}

/** A network of the project, by name. */
export interface NetworkFromNameProps {
  /** The network's name, as `openstack network list` shows it. */
  readonly name: string;
  /**
   * The site to look it up at.
   * @default `EgiSite.of(scope)`: the stack's site without alias
   */
  readonly site?: EgiSite;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ways to name the network a VM attaches to. Networks themselves are not created here: EGI sites
 * give each project its network(s); `openstack network list` shows them. A VM given no network
 * attaches to its site's default (see `VirtualMachineProps.network`).
 */
export abstract class Network {
  /**
   * A network of the project, looked up by name. Equivalent to `openstack network show <name>`;
   * the lookup fails at plan time when no network, or more than one, has that name.
   */
  public static fromName(scope: Construct, id: string, props: NetworkFromNameProps): INetwork {
    return new NetworkLookup(scope, id, props, false);
  }

  /**
   * An external network, looked up by name: the pool floating IPs come from (`openstack network
   * list --external`, e.g. "public"). Equivalent to `openstack network show <name>` on such a network.
   */
  public static external(scope: Construct, id: string, props: NetworkFromNameProps): INetwork {
    return new NetworkLookup(scope, id, props, true);
  }

  /**
   * A network by id, as `openstack network list` shows it; creates nothing and looks nothing up.
   * @throws Error when `networkId` is not a UUID (for a name, use `Network.fromName`)
   */
  public static fromId(networkId: string): INetwork {
    checkArg("Network.fromId", "networkId", networkId, "string");
    if (!Token.isUnresolved(networkId) && !UUID.test(networkId)) {
      throw new Error(`Network.fromId: networkId "${networkId}" is not a network id (a UUID); give the ID column of \`openstack network list\`, or use Network.fromName for a name`);
    }
    return { networkId };
  }

  private constructor() {}
}

/** `Network.fromName` and `Network.external`: a data source lookup by name. */
class NetworkLookup extends Construct implements INetwork {
  public readonly networkId: string;
  private readonly givenSite?: EgiSite;

  constructor(scope: Construct, id: string, props: NetworkFromNameProps, external: boolean) {
    super(scope, id);
    checkProps(`Network.${external ? "external" : "fromName"} ${this.node.path}`, props, { required: { name: "string" }, optional: { site: "object" } });
    const name = props.name;
    if (!Token.isUnresolved(name) && (typeof name !== "string" || name.trim() === "")) {
      throw new Error(`Network ${this.node.path}: name is empty; give a name \`openstack network list${external ? " --external" : ""}\` shows`);
    }
    this.givenSite = props.site;
    const lookup = new DataOpenstackNetworkingNetworkV2(this, "Lookup", {
      name,
      external: external ? true : undefined,
      provider: props.site?.provider,
    });
    this.networkId = lookup.id;
  }

  public get site(): EgiSite | undefined {
    return this.givenSite ?? EgiSite.tryOf(this);
  }
}
