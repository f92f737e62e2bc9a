import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { MachineImage } from "../constructs/machine-image";
import { type ExampleVmProps, exampleVm } from "./example-vm";

export interface SnapshotVmStackProps extends Omit<ExampleVmProps, "image"> {
  /** Name of the snapshot (or any image) to boot, exactly. @default "my-snapshot" */
  readonly snapshotName?: string;
}

/** Docs page, "VM from a snapshot": `openstack server create --image <snapshot name>`. */
export class SnapshotVmStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SnapshotVmStackProps = {}) {
    super(scope, id);
    exampleVm(this, { ...props, image: MachineImage.fromName(props.snapshotName ?? "my-snapshot") });
  }
}
