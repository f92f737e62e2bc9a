import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { SecurityGroup } from "../constructs/security-group";
import { type ExampleVmProps, exampleVm } from "./example-vm";

export interface FloatingIpStackProps extends ExampleVmProps {
  /** External network to take the address from. @default "public" */
  readonly pool?: string;
  /** Who may SSH in. @default "0.0.0.0/0": restrict it to your own network when you can */
  readonly sshFrom?: string;
}

/**
 * Docs page, "Floating IP": a VM reachable from outside, `openstack floating ip create public`,
 * `openstack server add floating ip`, and a security group rule for SSH.
 */
export class FloatingIpStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: FloatingIpStackProps = {}) {
    super(scope, id);
    const ssh = new SecurityGroup(this, "ssh", { name: `${id}-ssh` }).allowSshFrom(props.sshFrom ?? "0.0.0.0/0");
    exampleVm(this, props, { floatingIpPool: props.pool ?? "public", securityGroups: [SecurityGroup.fromName(this, "default", { name: "default" }), ssh] });
  }
}
