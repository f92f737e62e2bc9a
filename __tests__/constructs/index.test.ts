import { TerraformStack, Testing } from "cdktf";
import { Flavor, KeyPair, MachineImage, SecurityGroup, UserData, VirtualMachine, type VirtualMachineProps } from "../../constructs";
import { ED25519 } from "../support/construct-fixtures";

describe("constructs entry point", () => {
  test("GIVEN only imports from constructs/index WHEN a VM with a key, a group, cloud-init and a floating IP is synthesized THEN the server and its floating IP are there", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const props: VirtualMachineProps = {
      image: MachineImage.fromId("img-1"),
      flavor: Flavor.fromId("flavor-1"),
      keyPair: new KeyPair(stack, "key", { publicKey: ED25519 }),
      securityGroups: [SecurityGroup.fromName(stack, "ssh", { name: "ssh" })],
      userData: UserData.forCloudConfig({ packages: ["htop"] }),
      floatingIpPool: "public",
    };
    new VirtualMachine(stack, "vm", props).addOutputs();

    const json = JSON.parse(Testing.synth(stack));

    expect(json.resource.openstack_compute_instance_v2.vm_server_A6B9FEC7).toEqual({
      name: "vm",
      image_id: "img-1",
      flavor_id: "flavor-1",
      key_pair: "${openstack_compute_keypair_v2.key_FEDD6EC0.name}",
      security_groups: ["ssh"],
      user_data: "#cloud-config\npackages:\n  - htop\n",
    });
    expect(Object.values(json.resource.openstack_networking_floatingip_v2)).toEqual([{ pool: "public" }]);
    expect(json.output.vm_floating_ip).toEqual({ value: "${openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C.address}" });
  });
});
