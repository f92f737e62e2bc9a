import { Construct } from "constructs";
import { Token } from "cdktf";
import { NetworkingFloatingipAssociateV2 } from "../.gen/providers/openstack/networking-floatingip-associate-v2";
import { NetworkingFloatingipV2 } from "../.gen/providers/openstack/networking-floatingip-v2";
import { EgiSite } from "./egi-site";
import { checkProps } from "./props-check";

/** A floating IP: its pool, the port it goes to, and the site. */
export interface FloatingIpProps {
  /**
   * The external network the address comes from, by name, e.g. "public"
   * (`openstack network list --external` shows the site's pools).
   */
  readonly pool: string;
  /**
   * The Neutron port to associate the address with: the server's port on its network (a token is
   * fine). `server.network.get(0).port` is empty unless the server was created with a port, so look
   * the port up as `VirtualMachine.addFloatingIp` does, with the networking port data source:
   *
   *     const port = new DataOpenstackNetworkingPortV2(scope, "port", {
   *       deviceId: server.id,                      // the port belongs to the server
   *       networkId: server.network.get(0).uuid,    // on this network, should it have several ports
   *     });
   *     new FloatingIp(scope, "ip", { pool: "public", portId: port.id });
   */
  readonly portId: string;
  /**
   * The site whose provider allocates and associates the address.
   * @default the stack's default `openstack` provider
   */
  readonly site?: EgiSite;
}

/**
 * A public IPv4 address from `pool`, associated with a server's port, so the server can be reached
 * from outside the site (most EGI sites give VMs private addresses only).
 *
 * Equivalent to `openstack floating ip create POOL` then `openstack server add floating ip SERVER IP`.
 * Uses the Neutron resources (`openstack_networking_floatingip_v2` and
 * `openstack_networking_floatingip_associate_v2`): provider v3 removed the `compute_floatingip*` ones.
 */
export class FloatingIp extends Construct {
  /** The allocated address, e.g. "192.0.2.10" (known after apply). */
  public readonly address: string;
  /** The floating IP's id. */
  public readonly floatingIpId: string;
  /** The underlying `openstack_networking_floatingip_v2`. */
  public readonly resource: NetworkingFloatingipV2;
  /** The underlying `openstack_networking_floatingip_associate_v2`. */
  public readonly association: NetworkingFloatingipAssociateV2;

  constructor(scope: Construct, id: string, props: FloatingIpProps) {
    super(scope, id);
    checkProps(`FloatingIp ${this.node.path}`, props, { required: { pool: "string", portId: "string" }, optional: { site: "object" } });
    if (!Token.isUnresolved(props.pool) && (props.pool ?? "").trim() === "") {
      throw new Error(`FloatingIp ${this.node.path}: pool is empty; give the external network's name, as \`openstack network list --external\` shows (e.g. "public")`);
    }
    if (!Token.isUnresolved(props.portId) && (props.portId ?? "").trim() === "") {
      throw new Error(`FloatingIp ${this.node.path}: portId is empty; give the server's port id, e.g. the id of an openstack_networking_port_v2 data source with device_id = the server's id and network_id = its network's id (VirtualMachine.addFloatingIp does this)`);
    }
    this.resource = new NetworkingFloatingipV2(this, "Resource", { pool: props.pool, provider: props.site?.provider });
    this.address = this.resource.address; // one token, also used by the association
    this.association = new NetworkingFloatingipAssociateV2(this, "Association", {
      floatingIp: this.address,
      portId: props.portId,
      provider: props.site?.provider,
    });
    this.floatingIpId = this.resource.id;
  }
}
