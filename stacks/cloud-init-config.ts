import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { UserData } from "../constructs/user-data";
import { type ExampleVmProps, exampleVm } from "./example-vm";

/**
 * Docs page, "cloud-init" with a cloud-config file: a user with sudo, packages and commands,
 * typed instead of hand-written YAML (`openstack server create --user-data cloud-config.yaml`).
 */
export class CloudInitConfigStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ExampleVmProps = {}) {
    super(scope, id);
    exampleVm(this, props, {
      userData: UserData.forCloudConfig({
        hostname: id,
        manageEtcHosts: true,
        users: ["default", { name: "scientist", groups: ["users"], sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash" }],
        packageUpdate: true,
        packages: ["python3-pip", "htop"],
        runcmd: [["pip3", "install", "jupyterlab"]],
      }),
    });
  }
}
