import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { type ExampleVmProps, exampleVm } from "./example-vm";

/**
 * Docs page, "Create a VM": the image and flavor hunt (`openstack image list`, `openstack flavor
 * list`) and `openstack server create --image ... --flavor ... --key-name ...`. Ubuntu 22.04 from
 * the Artefact Registry, the smallest flavor with 1 vCPU / 2 GB / 20 GB, the project's network.
 */
export class CreateVmStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ExampleVmProps = {}) {
    super(scope, id);
    exampleVm(this, props);
  }
}
