import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { WriteFiles } from "../constructs/cloud-config";
import { Flavor } from "../constructs/flavor";
import { SecurityGroup } from "../constructs/security-group";
import { UserData } from "../constructs/user-data";
import { assetPath, type ExampleVmProps, exampleVm } from "./example-vm";

export interface EgiVmStackProps extends ExampleVmProps {
  /** External network for the public address. @default "public" */
  readonly pool?: string;
  /** Who may SSH in. @default "0.0.0.0/0": restrict it to your own network when you can */
  readonly sshFrom?: string;
  /** Data volume size. @default 10 */
  readonly volumeGb?: number;
}

/**
 * Every step of the EGI docs page in one stack, as a scientist would want it: Ubuntu 22.04 from the
 * Artefact Registry, 2 vCPUs / 4 GB / 40 GB, the SSH key, a security group open for SSH, cloud-init
 * (a cloud-config that injects /etc/motd and installs packages, plus a shell script), a floating IP
 * and a data volume. `cdktf deploy egi-vm` replaces a dozen openstack commands.
 */
export class EgiVmStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: EgiVmStackProps = {}) {
    super(scope, id);
    const ssh = new SecurityGroup(this, "ssh", { name: `${id}-ssh` }).allowSshFrom(props.sshFrom ?? "0.0.0.0/0").allowIcmpFrom(props.sshFrom ?? "0.0.0.0/0");
    const userData = UserData.multipart(
      UserData.forCloudConfig({
        hostname: id,
        manageEtcHosts: true,
        packageUpdate: true,
        packages: ["htop", "tmux"],
        writeFiles: [WriteFiles.fromLocalFile(assetPath("motd"), "/etc/motd", { permissions: "0644" })],
      }),
      UserData.forShellScript("set -eu\nmkdir -p /data\necho 'data volume: /dev/vdb' >> /etc/motd\n"),
    );
    const { vm } = exampleVm(
      this,
      { flavor: Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }), ...props },
      { securityGroups: [SecurityGroup.fromName(this, "default", { name: "default" }), ssh], userData, floatingIpPool: props.pool ?? "public" },
    );
    const { volume } = vm.attachNewVolume("data", { sizeGb: props.volumeGb ?? 10, name: `${id}-data` });
    new TerraformOutput(this, "volume_id", { value: volume.volumeId });
  }
}
