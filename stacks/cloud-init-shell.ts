import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { UserData } from "../constructs/user-data";
import { type ExampleVmProps, exampleVm } from "./example-vm";

export interface CloudInitShellStackProps extends ExampleVmProps {
  /** @default a script that installs nginx */
  readonly script?: string;
}

/** Docs page, "cloud-init" with a shell script: `openstack server create --user-data script.sh`. */
export class CloudInitShellStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CloudInitShellStackProps = {}) {
    super(scope, id);
    const script = props.script ?? "set -eu\napt-get update\napt-get install -y nginx\n";
    exampleVm(this, props, { userData: UserData.forShellScript(script) });
  }
}
