import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { DataOpenstackNetworkingPortV2 } from "../../.gen/providers/openstack/data-openstack-networking-port-v2";
import { NetworkingFloatingipAssociateV2 } from "../../.gen/providers/openstack/networking-floatingip-associate-v2";
import { NetworkingFloatingipV2 } from "../../.gen/providers/openstack/networking-floatingip-v2";
import { EgiSite } from "../../constructs/egi-site";
import { FloatingIp, FloatingIpProps } from "../../constructs/floating-ip";

const PORT = "0f4c6d2e-8a1b-4c3d-9e5f-1a2b3c4d5e6f";

function synthJson(props: FloatingIpProps): any {
  const stack = new TerraformStack(Testing.app(), "s");
  new FloatingIp(stack, "ip", props);
  return JSON.parse(Testing.synth(stack));
}

describe("FloatingIp", () => {
  test("GIVEN a pool WHEN synthesized THEN one floating IP is allocated from it", () => {
    const json = synthJson({ pool: "public", portId: PORT });
    expect(Object.values(json.resource.openstack_networking_floatingip_v2)).toEqual([{ pool: "public" }]);
  });

  test("GIVEN a port WHEN synthesized THEN the address is associated with that port", () => {
    const json = synthJson({ pool: "public", portId: PORT });
    expect(Object.values(json.resource.openstack_networking_floatingip_associate_v2)).toEqual([
      { floating_ip: "${openstack_networking_floatingip_v2.ip_101C3A8E.address}", port_id: "0f4c6d2e-8a1b-4c3d-9e5f-1a2b3c4d5e6f" },
    ]);
  });

  test("GIVEN a server's port found as the doc says (port data source by device_id and network_id) WHEN synthesized THEN the association references that port", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const server = new ComputeInstanceV2(stack, "vm", { name: "vm" });
    const port = new DataOpenstackNetworkingPortV2(stack, "port", { deviceId: server.id, networkId: server.network.get(0).uuid });
    new FloatingIp(stack, "ip", { pool: "public", portId: port.id });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(NetworkingFloatingipAssociateV2, { port_id: "${data.openstack_networking_port_v2.port.id}" });
  });

  test("GIVEN a floating IP WHEN its attributes are output THEN address and floatingIpId reference the floating IP", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const ip = new FloatingIp(stack, "ip", { pool: "public", portId: PORT });
    new TerraformOutput(stack, "address", { value: ip.address });
    new TerraformOutput(stack, "id", { value: ip.floatingIpId });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.address.value).toBe("${openstack_networking_floatingip_v2.ip_101C3A8E.address}");
    expect(json.output.id.value).toBe("${openstack_networking_floatingip_v2.ip_101C3A8E.id}");
  });

  test("GIVEN a site with an alias WHEN synthesized THEN both resources use that site's provider", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new FloatingIp(stack, "ip", { pool: "public", portId: PORT, site: new EgiSite(stack, "site", { alias: "k" }) });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(NetworkingFloatingipV2, { provider: "openstack.k" });
    expect(out).toHaveResourceWithProperties(NetworkingFloatingipAssociateV2, { provider: "openstack.k" });
  });

  test.each([
    [{ pool: "", portId: PORT }, 'FloatingIp s/ip: pool is empty; give the external network\'s name, as `openstack network list --external` shows (e.g. "public")'],
    [{ pool: "public", portId: " " }, "FloatingIp s/ip: portId is empty; give the server's port id, e.g. the id of an openstack_networking_port_v2 data source with device_id = the server's id and network_id = its network's id (VirtualMachine.addFloatingIp does this)"],
  ])("GIVEN props %j WHEN constructed THEN the error names the empty prop", (props, message) => {
    expect(() => new FloatingIp(new TerraformStack(Testing.app(), "s"), "ip", props)).toThrow(message);
  });
});
