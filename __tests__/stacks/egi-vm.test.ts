import { Testing } from "cdktf";
import { BlockstorageVolumeV3 } from "../../.gen/providers/openstack/blockstorage-volume-v3";
import { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { NetworkingFloatingipV2 } from "../../.gen/providers/openstack/networking-floatingip-v2";
import { NetworkingSecgroupRuleV2 } from "../../.gen/providers/openstack/networking-secgroup-rule-v2";
import { EgiVmStack } from "../../stacks/egi-vm";

const synth = () => Testing.synth(new EgiVmStack(Testing.app(), "egi-vm"));

describe("EgiVmStack (every step of the docs page)", () => {
  test("GIVEN defaults WHEN synthesized THEN the flavor is exactly 2 vCPUs / 4096 MB / 40 GB and a 10 GB volume is attached", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataOpenstackComputeFlavorV2, { vcpus: 2, ram: 4096, disk: 40 });
    expect(synth()).toHaveResourceWithProperties(BlockstorageVolumeV3, { size: 10, name: "egi-vm-data" });
  });

  test("GIVEN defaults WHEN synthesized THEN SSH and ICMP are open and a floating IP comes from pool public", () => {
    expect(synth()).toHaveResourceWithProperties(NetworkingSecgroupRuleV2, { protocol: "tcp", port_range_min: 22, remote_ip_prefix: "0.0.0.0/0" });
    expect(synth()).toHaveResourceWithProperties(NetworkingSecgroupRuleV2, { protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" });
    expect(synth()).toHaveResourceWithProperties(NetworkingFloatingipV2, { pool: "public" });
  });

  test("GIVEN defaults WHEN synthesized THEN user_data is a two-part MIME: the cloud-config with /etc/motd, then the shell script", () => {
    const server = Object.values(JSON.parse(synth()).resource.openstack_compute_instance_v2)[0] as { user_data: string };
    const parts = server.user_data.split(/^--=+[0-9a-f]+==/m).slice(1, -1);
    expect(server.user_data).toMatch(/^Content-Type: multipart\/mixed; boundary="/);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toContain('Content-Type: text/cloud-config; charset="utf-8"');
    expect(parts[0]).toContain("path: /etc/motd");
    expect(parts[1]).toContain('Content-Type: text/x-shellscript; charset="utf-8"');
    expect(parts[1]).toContain("#!/bin/bash\nset -eu\nmkdir -p /data\n");
  });
});
