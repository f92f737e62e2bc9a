import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import { DataOpenstackComputeFlavorV2 } from "../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { EgiSite } from "../constructs/egi-site";

/** The AppDB marketplace URI the EGI docs' Terraform example selects its image by. */
export const SEED_APPLIANCE_MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";

export interface TerraformExampleStackProps {
  /**
   * `APPLIANCE_MPURI` property of the image to boot; the most recent image carrying it wins.
   * @default SEED_APPLIANCE_MPURI
   */
  readonly applianceMpuri?: string;
  /**
   * Exact flavor size.
   * @default 1 vCPU, 2048 MB RAM, 20 GB disk, as on the docs page
   */
  readonly flavor?: { readonly vcpus: number; readonly ramMb: number; readonly diskGb: number };
  /**
   * Name of the server.
   * @default "testvm"
   */
  readonly serverName?: string;
}

/**
 * The "Terraform" section of the EGI docs page, as written there: an image found by
 * `APPLIANCE_MPURI` (most recent), the flavor with exactly 1 vCPU / 2048 MB RAM / 20 GB disk, and a
 * server `testvm` in security group `default`.
 *
 * As on the docs page, `OS_AUTH_URL` and `OS_PROJECT_ID` come from the environment when Terraform
 * runs, and synth needs no credentials. The token comes from Check-in through the hook when a
 * Check-in credential is set, else from `OS_TOKEN` as on the page.
 */
export class TerraformExampleStack extends TerraformStack {
  public readonly server: ComputeInstanceV2;

  constructor(scope: Construct, id: string, props: TerraformExampleStackProps = {}) {
    super(scope, id);

    new EgiSite(this, "site");

    const image = new DataOpenstackImagesImageV2(this, "image", {
      mostRecent: true,
      properties: { APPLIANCE_MPURI: props.applianceMpuri ?? SEED_APPLIANCE_MPURI },
    });
    const size = props.flavor ?? { vcpus: 1, ramMb: 2048, diskGb: 20 };
    const flavor = new DataOpenstackComputeFlavorV2(this, "flavor", { vcpus: size.vcpus, ram: size.ramMb, disk: size.diskGb });

    this.server = new ComputeInstanceV2(this, "testvm", {
      name: props.serverName ?? "testvm",
      imageId: image.id,
      flavorId: flavor.id,
      securityGroups: ["default"],
    });

    new TerraformOutput(this, "server_id", { value: this.server.id });
    new TerraformOutput(this, "access_ip_v4", { value: this.server.accessIpV4 });
  }
}
