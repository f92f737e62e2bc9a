import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { EgiSite, type EgiSiteProps } from "../constructs/egi-site";
import { KeyPair } from "../constructs/key-pair";
import { defaultPublicKeyFile } from "./example-vm";

export interface SshKeyStackProps {
  readonly site?: EgiSiteProps;
  /** @default SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_rsa.pub */
  readonly publicKeyFile?: string;
  /** @default "egi-key" */
  readonly keyName?: string;
}

/** Docs page, "Register an SSH key": `openstack keypair create --public-key ~/.ssh/id_rsa.pub egi-key`. */
export class SshKeyStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SshKeyStackProps = {}) {
    super(scope, id);
    const site = new EgiSite(this, "site", props.site);
    const key = new KeyPair(this, "key", {
      name: props.keyName ?? "egi-key",
      publicKeyFile: props.publicKeyFile ?? defaultPublicKeyFile(),
      site,
    });
    new TerraformOutput(this, "key_name", { value: key.keyPairName });
    new TerraformOutput(this, "fingerprint", { value: key.fingerprint });
  }
}
