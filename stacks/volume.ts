import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { type ExampleVmProps, exampleVm } from "./example-vm";

export interface VolumeStackProps extends ExampleVmProps {
  /** @default 10 */
  readonly sizeGb?: number;
}

/** Docs page, "Volumes": `openstack volume create --size 10 data` and `openstack server add volume`. */
export class VolumeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: VolumeStackProps = {}) {
    super(scope, id);
    const { vm } = exampleVm(this, props);
    const { volume } = vm.attachNewVolume("data", { sizeGb: props.sizeGb ?? 10, name: `${id}-data` });
    new TerraformOutput(this, "volume_id", { value: volume.volumeId });
  }
}
