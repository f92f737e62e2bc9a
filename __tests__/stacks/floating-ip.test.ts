import { Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { NetworkingFloatingipV2 } from "../../.gen/providers/openstack/networking-floatingip-v2";
import { NetworkingSecgroupRuleV2 } from "../../.gen/providers/openstack/networking-secgroup-rule-v2";
import { FloatingIpStack } from "../../stacks/floating-ip";

test("GIVEN a pool and a CIDR WHEN the floating IP example is synthesized THEN it has a floating IP from the pool, SSH open to the CIDR, and both groups", () => {
  const out = Testing.synth(new FloatingIpStack(Testing.app(), "fip", { pool: "ext-net", sshFrom: "192.0.2.0/24" }));
  expect(out).toHaveResourceWithProperties(NetworkingFloatingipV2, { pool: "ext-net" });
  expect(out).toHaveResourceWithProperties(NetworkingSecgroupRuleV2, { protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "192.0.2.0/24" });
  const server = Object.values(JSON.parse(out).resource.openstack_compute_instance_v2)[0] as { security_groups: string[] };
  expect(server.security_groups).toEqual([
    "default",
    expect.stringMatching(/^\$\{openstack_networking_secgroup_v2\.[\w-]+\.name\}$/),
  ]);
  expect(out).toHaveResourceWithProperties(ComputeInstanceV2, { name: "fip" });
});
