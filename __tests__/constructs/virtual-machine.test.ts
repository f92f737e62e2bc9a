import { TerraformStack, Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { EgiSite } from "../../constructs/egi-site";
import { Flavor } from "../../constructs/flavor";
import { KeyPair } from "../../constructs/key-pair";
import { MachineImage } from "../../constructs/machine-image";
import { Network } from "../../constructs/network";
import { SecurityGroup } from "../../constructs/security-group";
import { UserData } from "../../constructs/user-data";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { resolved } from "../support/resolve";
import { ED25519, fixed, useTempContextFile } from "../support/construct-fixtures";

const MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";
const NETWORK_ID = "3f1c2a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b";
const SERVER = "openstack_compute_instance_v2.vm_server_A6B9FEC7";

useTempContextFile();

const newStack = () => new TerraformStack(Testing.app(), "s");

function synthJson(build: (stack: TerraformStack) => void): any {
  const stack = newStack();
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

/** The only `openstack_compute_instance_v2` of the synthesized stack. */
function server(build: (stack: TerraformStack) => void): Record<string, unknown> {
  const servers = Object.values(synthJson(build).resource.openstack_compute_instance_v2) as Array<Record<string, unknown>>;
  expect(servers).toHaveLength(1);
  return servers[0];
}

describe("VirtualMachine", () => {
  test("GIVEN an image id and a flavor id only WHEN synthesized THEN one server is named after the construct id, boots them and is in the default group only", () => {
    expect(server((s) => new VirtualMachine(s, "vm", fixed()))).toEqual({
      name: "vm",
      image_id: "img-1",
      flavor_id: "flavor-1",
      security_groups: ["default"],
    });
  });

  test("GIVEN no network, key pair or user data WHEN synthesized THEN the server has no network, key_pair or user_data key", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", fixed()));
    expect(vm).not.toHaveProperty("network");
    expect(vm).not.toHaveProperty("key_pair");
    expect(vm).not.toHaveProperty("user_data");
  });

  test("GIVEN a name WHEN synthesized THEN the server has that name", () => {
    expect(server((s) => new VirtualMachine(s, "vm", { ...fixed(), name: "web-01.test" }))).toMatchObject({ name: "web-01.test" });
  });

  test.each([["my vm!"], [""], ["-web"], ["x".repeat(64)]])("GIVEN the name %j WHEN constructed THEN the error names the VM's path and the rule", (name) => {
    expect(() => new VirtualMachine(newStack(), "vm", { ...fixed(), name })).toThrow(
      `VirtualMachine s/vm: name "${name}" must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  });

  test("GIVEN a construct id that is not a valid server name WHEN constructed THEN the error names the id", () => {
    expect(() => new VirtualMachine(newStack(), "my vm!", fixed())).toThrow(`VirtualMachine s/my vm!: name "my vm!" must be 1-63 letters`);
  });

  test("GIVEN Network.fromId WHEN synthesized THEN the server has one network block with that uuid", () => {
    expect(server((s) => new VirtualMachine(s, "vm", { ...fixed(), network: Network.fromId(NETWORK_ID) }))).toMatchObject({
      network: [{ uuid: "3f1c2a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b" }],
    });
  });

  test("GIVEN no network and a site that names none WHEN synthesized THEN the server has no network block (Nova picks)", () => {
    expect(server((s) => new VirtualMachine(s, "vm", fixed()))).not.toHaveProperty("network");
  });

  test("GIVEN Network.fromName WHEN synthesized THEN the network block references the looked-up network's id", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), network: Network.fromName(s, "net", { name: "private" }) }));
    expect(vm.network).toEqual([{ uuid: "${data.openstack_networking_network_v2.net_Lookup_6740067B.id}" }]);
  });

  test("GIVEN an existing key pair by name WHEN synthesized THEN key_pair is that name", () => {
    expect(server((s) => new VirtualMachine(s, "vm", { ...fixed(), keyPair: KeyPair.fromKeyPairName(s, "key", { name: "laptop" }) }))).toMatchObject({ key_pair: "laptop" });
  });

  test("GIVEN a new key pair WHEN synthesized THEN key_pair references the key pair resource's name", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), keyPair: new KeyPair(s, "key", { publicKey: ED25519 }) }));
    expect(vm.key_pair).toBe("${openstack_compute_keypair_v2.key_FEDD6EC0.name}");
  });

  test("GIVEN security groups WHEN synthesized THEN security_groups lists their names in order, without default", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", {
      ...fixed(),
      securityGroups: [SecurityGroup.fromName(s, "ssh", { name: "ssh-from-anywhere" }), SecurityGroup.fromName(s, "web", { name: "web" })],
    }));
    expect(vm.security_groups).toEqual(["ssh-from-anywhere", "web"]);
  });

  test("GIVEN a new security group WHEN synthesized THEN security_groups references the group resource's name", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), securityGroups: [new SecurityGroup(s, "web", { name: "web" })] }));
    expect(vm.security_groups).toEqual(["${openstack_networking_secgroup_v2.web_08B6E5F3.name}"]);
  });

  test("GIVEN a typed cloud-config WHEN synthesized THEN user_data is its #cloud-config YAML", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), userData: UserData.forCloudConfig({ hostname: "web", packages: ["htop", "git"] }) }));
    expect(vm.user_data).toBe("#cloud-config\nhostname: web\npackages:\n  - htop\n  - git\n");
  });

  test("GIVEN a shell script WHEN synthesized THEN user_data is the script with its shebang", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), userData: UserData.forShellScript("apt-get install -y htop\n") }));
    expect(vm.user_data).toBe("#!/bin/bash\napt-get install -y htop\n");
  });

  test("GIVEN cloud-config that is a YAML list WHEN constructed THEN the user data error is prefixed with the VM's path and userData", () => {
    expect(() => new VirtualMachine(newStack(), "vm", { ...fixed(), userData: UserData.custom("#cloud-config\n- a list") })).toThrow(
      'VirtualMachine s/vm: userData: cloud-config must be a YAML mapping of module keys (e.g. "packages: [htop]"), got a list',
    );
  });

  test("GIVEN user data without a header cloud-init knows WHEN constructed THEN the error is prefixed with the VM's path and userData", () => {
    expect(() => new VirtualMachine(newStack(), "vm", { ...fixed(), userData: UserData.custom("echo hi\n") })).toThrow(
      'VirtualMachine s/vm: userData: custom content starts with "echo hi", which cloud-init does not recognise',
    );
  });

  test("GIVEN an availability zone and metadata WHEN synthesized THEN the server carries both", () => {
    const vm = server((s) => new VirtualMachine(s, "vm", { ...fixed(), availabilityZone: "nova", metadata: { owner: "team-a" } }));
    expect(vm).toMatchObject({ availability_zone: "nova", metadata: { owner: "team-a" } });
  });

  test("GIVEN floatingIpPool public WHEN synthesized THEN a floating IP is allocated from public", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), floatingIpPool: "public" }));
    expect(Object.values(json.resource.openstack_networking_floatingip_v2)).toEqual([{ pool: "public" }]);
  });

  test.each([
    ["the site's default network", {}],
    ["a network by id", { network: Network.fromId(NETWORK_ID) }],
  ])("GIVEN floatingIpPool and %s WHEN synthesized THEN the port is looked up by the server's id AND its first network, so a second port cannot match", (_what, props) => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), ...props, floatingIpPool: "public" }));
    expect(json.data.openstack_networking_port_v2).toEqual({
      vm_port_BD6AF154: { device_id: `\${${SERVER}.id}`, network_id: `\${${SERVER}.network[0].uuid}` },
    });
  });

  test("GIVEN floatingIpPool WHEN synthesized THEN the address is associated with the looked-up port", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), floatingIpPool: "public" }));
    expect(Object.values(json.resource.openstack_networking_floatingip_associate_v2)).toEqual([
      {
        floating_ip: "${openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C.address}",
        port_id: "${data.openstack_networking_port_v2.vm_port_BD6AF154.id}",
      },
    ]);
  });

  test("GIVEN no floatingIpPool WHEN synthesized THEN there is no floating IP, port lookup or floating IP output", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).addOutputs());
    expect(json.resource.openstack_networking_floatingip_v2).toBeUndefined();
    expect(json.data).toBeUndefined();
    expect(Object.keys(json.output).sort()).toEqual(["vm_addresses", "vm_id"]);
  });

  test("GIVEN a floating IP WHEN floatingIpAddress is read THEN it is the floating IP's address", () => {
    const stack = newStack();
    const vm = new VirtualMachine(stack, "vm", { ...fixed(), floatingIpPool: "public" });
    expect(resolved(stack, vm.floatingIpAddress)).toBe("${openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C.address}");
  });

  test("GIVEN no floating IP WHEN floatingIpAddress is read THEN it is undefined", () => {
    expect(new VirtualMachine(newStack(), "vm", fixed()).floatingIpAddress).toBeUndefined();
  });

  test("GIVEN an empty floatingIpPool WHEN constructed THEN the error asks for the external network's name", () => {
    expect(() => new VirtualMachine(newStack(), "vm", { ...fixed(), floatingIpPool: " " })).toThrow(
      "VirtualMachine s/vm: floatingIpPool is empty; give the external network's name (`openstack network list --external`)",
    );
  });

  test("GIVEN addFloatingIp WHEN synthesized THEN the floating IP comes from the given pool", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).addFloatingIp("ext-net"));
    expect(Object.values(json.resource.openstack_networking_floatingip_v2)).toEqual([{ pool: "ext-net" }]);
  });

  test("GIVEN addFloatingIp called once WHEN called again THEN the error says it is called once", () => {
    const vm = new VirtualMachine(newStack(), "vm", fixed());
    vm.addFloatingIp("public");
    expect(() => vm.addFloatingIp("public")).toThrow("VirtualMachine s/vm: already has a floating IP; addFloatingIp is called once (floatingIpPool calls it too)");
  });

  test("GIVEN floatingIpPool WHEN addFloatingIp is called THEN the error says floatingIpPool calls it too", () => {
    const vm = new VirtualMachine(newStack(), "vm", { ...fixed(), floatingIpPool: "public" });
    expect(() => vm.addFloatingIp("public")).toThrow("VirtualMachine s/vm: already has a floating IP; addFloatingIp is called once (floatingIpPool calls it too)");
  });

  test("GIVEN a VM WHEN instanceId and privateIpv4 are read THEN they reference the server's id and access_ip_v4", () => {
    const stack = newStack();
    const vm = new VirtualMachine(stack, "vm", fixed());
    expect(resolved(stack, vm.instanceId)).toBe("${openstack_compute_instance_v2.vm_server_A6B9FEC7.id}");
    expect(resolved(stack, vm.privateIpv4)).toBe("${openstack_compute_instance_v2.vm_server_A6B9FEC7.access_ip_v4}");
  });

  test("GIVEN attachNewVolume data of 10 GB WHEN synthesized THEN a 10 GB volume is created", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).attachNewVolume("data", { sizeGb: 10 }));
    expect(Object.values(json.resource.openstack_blockstorage_volume_v3)).toEqual([{ name: "s-vm-data", size: 10 }]);
  });

  test("GIVEN attachNewVolume WHEN synthesized THEN the volume is attached to the server", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).attachNewVolume("data", { sizeGb: 10 }));
    expect(Object.values(json.resource.openstack_compute_volume_attach_v2)).toEqual([
      { instance_id: `\${${SERVER}.id}`, volume_id: "${openstack_blockstorage_volume_v3.vm_data_19FB9BE1.id}" },
    ]);
  });

  test("GIVEN attachNewVolume with volume props WHEN synthesized THEN they reach the volume", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).attachNewVolume("data", { sizeGb: 50, name: "scratch", volumeType: "ssd" }));
    expect(Object.values(json.resource.openstack_blockstorage_volume_v3)).toEqual([{ name: "scratch", size: 50, volume_type: "ssd" }]);
  });

  test("GIVEN two volumes WHEN attached THEN each gets its own volume and attachment", () => {
    const json = synthJson((s) => {
      const vm = new VirtualMachine(s, "vm", fixed());
      vm.attachNewVolume("data", { sizeGb: 10 });
      vm.attachNewVolume("logs", { sizeGb: 5 });
    });
    expect(Object.keys(json.resource.openstack_blockstorage_volume_v3)).toHaveLength(2);
    expect(Object.keys(json.resource.openstack_compute_volume_attach_v2)).toHaveLength(2);
  });
});

describe("VirtualMachine on a site with an alias", () => {
  /** A VM on site alias "k" with a data-source image and flavor, a floating IP and a volume. */
  function onSite(): string {
    const stack = newStack();
    const site = new EgiSite(stack, "site", { alias: "k" });
    const vm = new VirtualMachine(stack, "vm", {
      site,
      image: MachineImage.fromApplianceMpuri(MPURI),
      flavor: Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 20 }),
      floatingIpPool: "public",
    });
    vm.attachNewVolume("data", { sizeGb: 10 });
    return Testing.synth(stack);
  }

  test.each([
    ["the server", "resource", "openstack_compute_instance_v2"],
    ["the port lookup", "data", "openstack_networking_port_v2"],
    ["the floating IP", "resource", "openstack_networking_floatingip_v2"],
    ["the floating IP association", "resource", "openstack_networking_floatingip_associate_v2"],
    ["the volume", "resource", "openstack_blockstorage_volume_v3"],
    ["the volume attachment", "resource", "openstack_compute_volume_attach_v2"],
    ["the image data source", "data", "openstack_images_image_v2"],
    ["the flavor data source", "data", "openstack_compute_flavor_v2"],
  ])("GIVEN site alias k WHEN synthesized THEN %s uses provider openstack.k", (_what, block, type) => {
    const blocks = Object.values(JSON.parse(onSite())[block][type]) as Array<{ provider?: string }>;
    expect(blocks.map((b) => b.provider)).toEqual(["openstack.k"]);
  });

  test("GIVEN site alias k WHEN synthesized THEN the server boots the image and flavor data sources' ids", () => {
    expect(onSite()).toHaveResourceWithProperties(ComputeInstanceV2, {
      image_id: "${data.openstack_images_image_v2.image-e466d405.id}",
      flavor_id: "${data.openstack_compute_flavor_v2.flavor-44648647.id}",
    });
  });

  test("GIVEN no site WHEN synthesized THEN no block names a provider", () => {
    const json = synthJson((s) => {
      const vm = new VirtualMachine(s, "vm", { ...fixed(), floatingIpPool: "public" });
      vm.attachNewVolume("data", { sizeGb: 10 });
    });
    const blocks = [...Object.values(json.resource), ...Object.values(json.data)].flatMap((byName) => Object.values(byName as object));
    expect(blocks.filter((b) => "provider" in b)).toEqual([]);
  });
});

describe("VirtualMachine sharing lookups", () => {
  test("GIVEN two VMs with the same appliance and flavor spec WHEN synthesized THEN they share one image and one flavor data source", () => {
    const json = synthJson((s) => {
      new EgiSite(s, "site");
      for (const id of ["a", "b"]) {
        new VirtualMachine(s, id, { image: MachineImage.fromApplianceMpuri(MPURI), flavor: Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }) });
      }
    });
    expect(Object.keys(json.data.openstack_images_image_v2)).toHaveLength(1);
    expect(Object.keys(json.data.openstack_compute_flavor_v2)).toHaveLength(1);
  });

  test("GIVEN two VMs with the same appliance and flavor spec WHEN synthesized THEN both servers boot the shared data sources' ids", () => {
    const json = synthJson((s) => {
      new EgiSite(s, "site");
      for (const id of ["a", "b"]) {
        new VirtualMachine(s, id, { image: MachineImage.fromApplianceMpuri(MPURI), flavor: Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }) });
      }
    });
    const servers = Object.values(json.resource.openstack_compute_instance_v2) as Array<{ image_id: string; flavor_id: string }>;
    expect(servers.map((v) => [v.image_id, v.flavor_id])).toEqual([
      ["${data.openstack_images_image_v2.image-61a4dbfc.id}", "${data.openstack_compute_flavor_v2.flavor-f7d1ca90.id}"],
      ["${data.openstack_images_image_v2.image-61a4dbfc.id}", "${data.openstack_compute_flavor_v2.flavor-f7d1ca90.id}"],
    ]);
  });
});
