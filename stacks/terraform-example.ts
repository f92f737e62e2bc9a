import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import { EgiSite } from "../constructs/egi-site";
import { Flavor } from "../constructs/flavor";
import { MachineImage } from "../constructs/machine-image";

/** The AppDB marketplace URI the EGI docs' Terraform example selects its image by. */
export const SEED_APPLIANCE_MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";

export interface TerraformExampleStackProps {
  /**
   * `APPLIANCE_MPURI` property of the image to boot; the most recent image carrying it wins.
   * Checked as `MachineImage.fromApplianceMpuri` checks it (https, `/store/vo/image/<uuid>:<version>/`).
   * @default SEED_APPLIANCE_MPURI
   */
  readonly applianceMpuri?: string;
  /**
   * Exact flavor size, as `Flavor.exact` takes it (RAM in MB).
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
 * The "Terraform" section of the EGI docs page, in its shape: an image found by `APPLIANCE_MPURI`
 * (most recent), the flavor with exactly 1 vCPU / 2048 MB RAM / 20 GB disk, a server `testvm` in
 * security group `default`, and the outputs `server_id` and `access_ip_v4`.
 *
 * The image and flavor come from the construct library (`MachineImage.fromApplianceMpuri`,
 * `Flavor.exact`), not raw data sources: a postcondition checks the image found, and with a
 * Check-in credential the hook names the flavors when two have the example's size (the raw data
 * source only says "more than one result").
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

    const image = MachineImage.fromApplianceMpuri(props.applianceMpuri ?? SEED_APPLIANCE_MPURI).bind(this);
    const flavor = Flavor.exact(props.flavor ?? { vcpus: 1, ramMb: 2048, diskGb: 20 }).bind(this);

    this.server = new ComputeInstanceV2(this, "testvm", {
      name: props.serverName ?? "testvm",
      imageId: image.imageId,
      flavorId: flavor.flavorId,
      securityGroups: ["default"],
    });

    new TerraformOutput(this, "server_id", { value: this.server.id });
    new TerraformOutput(this, "access_ip_v4", { value: this.server.accessIpV4 });
  }
}
