import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { WriteFiles } from "../constructs/cloud-config";
import { UserData } from "../constructs/user-data";
import { assetPath, type ExampleVmProps, exampleVm } from "./example-vm";

export interface FileInjectionStackProps extends ExampleVmProps {
  /** Local file to put on the server. @default stacks/assets/motd */
  readonly localFile?: string;
  /** Where. @default "/etc/motd" */
  readonly remotePath?: string;
}

/**
 * Docs page, "file injection": `openstack server create --file /etc/motd=./motd`. Nova's file
 * injection is gone from most sites; cloud-init's write_files does the same at first boot.
 */
export class FileInjectionStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: FileInjectionStackProps = {}) {
    super(scope, id);
    const file = WriteFiles.fromLocalFile(props.localFile ?? assetPath("motd"), props.remotePath ?? "/etc/motd", { permissions: "0644" });
    exampleVm(this, props, { userData: UserData.forCloudConfig({ writeFiles: [file] }) });
  }
}
