import { Testing } from "cdktf";
import { BlockstorageVolumeV3 } from "../../.gen/providers/openstack/blockstorage-volume-v3";
import { ComputeVolumeAttachV2 } from "../../.gen/providers/openstack/compute-volume-attach-v2";
import { VolumeStack } from "../../stacks/volume";

test("GIVEN a size WHEN the volume example is synthesized THEN a volume of that size is attached to the server", () => {
  const out = Testing.synth(new VolumeStack(Testing.app(), "vol", { sizeGb: 25 }));
  expect(out).toHaveResourceWithProperties(BlockstorageVolumeV3, { size: 25, name: "vol-data" });
  expect(out).toHaveResourceWithProperties(ComputeVolumeAttachV2, { instance_id: expect.stringMatching(/^\$\{openstack_compute_instance_v2\.vm_server_[A-F0-9]+\.id\}$/) });
});
