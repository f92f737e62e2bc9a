import { Testing } from "cdktf";
import { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
import { SnapshotVmStack } from "../../stacks/snapshot-vm";

test("GIVEN a snapshot name WHEN the snapshot example is synthesized THEN the image is found by exactly that name", () => {
  expect(Testing.synth(new SnapshotVmStack(Testing.app(), "snap", { snapshotName: "my-snapshot-2026" }))).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { name: "my-snapshot-2026" });
});
