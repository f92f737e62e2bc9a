import { Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
import { SEED_APPLIANCE_MPURI, TerraformExampleStack } from "../../stacks/terraform-example";

function synth(props = {}): string {
  return Testing.synth(new TerraformExampleStack(Testing.app(), "example", props));
}

describe("TerraformExampleStack (the EGI docs' Terraform section)", () => {
  test("GIVEN no props WHEN synthesized THEN the image is the most recent one carrying the seed's APPLIANCE_MPURI", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, {
      most_recent: true,
      properties: { APPLIANCE_MPURI: "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/" },
    });
  });

  test("GIVEN no props WHEN synthesized THEN the flavor is exactly 1 vCPU, 2048 MB RAM, 20 GB disk", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataOpenstackComputeFlavorV2, { vcpus: 1, ram: 2048, disk: 20 });
  });

  test("GIVEN no props WHEN synthesized THEN server testvm boots that image and flavor in security group default", () => {
    expect(synth()).toHaveResourceWithProperties(ComputeInstanceV2, {
      name: "testvm",
      image_id: "${data.openstack_images_image_v2.image.id}",
      flavor_id: "${data.openstack_compute_flavor_v2.flavor.id}",
      security_groups: ["default"],
    });
  });

  test("GIVEN another appliance and name WHEN synthesized THEN both are used", () => {
    const mpuri = "https://appdb.egi.eu/store/vo/image/00000000-0000-0000-0000-000000000000:1/";
    const out = synth({ applianceMpuri: mpuri, serverName: "other" });
    expect(out).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { properties: { APPLIANCE_MPURI: mpuri } });
    expect(out).toHaveResourceWithProperties(ComputeInstanceV2, { name: "other" });
    expect(out).not.toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, {
      properties: { APPLIANCE_MPURI: SEED_APPLIANCE_MPURI },
    });
  });

  test("GIVEN no credentials in the environment WHEN synthesized THEN the provider's only setting is a token variable and it is pinned to 3.4.0", () => {
    const json = JSON.parse(synth());
    const [variable] = Object.keys(json.variable);
    expect(json.provider.openstack).toEqual([{ token: `\${var.${variable}}` }]);
    expect(json.variable[variable]).toMatchObject({ sensitive: true, default: null });
    expect(json.terraform.required_providers.openstack).toEqual({
      source: "terraform-provider-openstack/openstack",
      version: "3.4.0",
    });
  });
});
