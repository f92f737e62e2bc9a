import { Testing } from "cdktf";
import { ContextFile } from "../../constructs/lookups/context-file";
import { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";

import { CreateVmStack } from "../../stacks/create-vm";

test("GIVEN defaults WHEN the create-VM example is synthesized THEN it boots Ubuntu 22.04 from the registry with the best-fit flavor and the SSH key", () => {
  process.env.EGI_CDKTF_CONTEXT_FILE = "/nonexistent-dir/context.json"; // nothing pinned: the placeholder shows the lookup
  const out = Testing.synth(new CreateVmStack(Testing.app(), "vm1"));
  delete process.env.EGI_CDKTF_CONTEXT_FILE;
  expect(out).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { properties: { os_distro: "ubuntu", os_version: "22.04", image_list: "egi_vm_images" } });
  expect(out).toHaveResourceWithProperties(ComputeInstanceV2, { name: "vm1", flavor_id: ContextFile.PLACEHOLDER_ID, key_pair: "${openstack_compute_keypair_v2.key_FEDD6EC0.name}" });
});
