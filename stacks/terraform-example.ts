import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { EgiSite } from "../constructs/egi-site";
import { type ExactFlavorSpec, Flavor } from "../constructs/flavor";
import { MachineImage } from "../constructs/machine-image";
import { VirtualMachine } from "../constructs/virtual-machine";

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
  readonly flavor?: ExactFlavorSpec;
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
 * Written with the construct library, not raw resources: `MachineImage.fromApplianceMpuri` puts a
 * postcondition on the image found, `Flavor.exact` has the hook name the flavors when two have the
 * example's size (the raw data source only says "more than one result"), and `VirtualMachine`
 * checks the server's name and stops `terraform plan` on an unanswered lookup.
 *
 * As on the docs page, `OS_AUTH_URL` and `OS_PROJECT_ID` come from the environment when Terraform
 * runs, and synth needs no credentials. The token comes from Check-in through the hook when a
 * Check-in credential is set, else from `OS_TOKEN` as on the page.
 */
export class TerraformExampleStack extends TerraformStack {
  public readonly server: VirtualMachine;

  constructor(scope: Construct, id: string, props: TerraformExampleStackProps = {}) {
    super(scope, id);

    new EgiSite(this, "site");

    this.server = new VirtualMachine(this, "testvm", {
      name: props.serverName ?? "testvm",
      image: MachineImage.fromApplianceMpuri(props.applianceMpuri ?? SEED_APPLIANCE_MPURI),
      flavor: Flavor.exact(props.flavor ?? { vcpus: 1, ramMb: 2048, diskGb: 20 }),
      // no securityGroups: the project's "default" group, as the page's security_groups = ["default"]
    });

    // Earlier versions of this stack wrote the server at the page's address; a server deployed then
    // is moved to the construct's address at the next plan, not replaced.
    this.server.instance.moveFromId("openstack_compute_instance_v2.testvm");

    new TerraformOutput(this, "server_id", { value: this.server.instanceId });
    new TerraformOutput(this, "access_ip_v4", { value: this.server.privateIpv4 });
  }
}
