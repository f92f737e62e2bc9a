/**
 * {{name}}: one virtual machine at an EGI Cloud site, reachable by SSH.
 *
 * `npx {{framework}} deploy` compiles this file (the app command of cdktf.json), runs it, and deploys. The
 * site is the one OS_AUTH_URL and OS_PROJECT_ID name; with a Check-in credential set
 * (CHECKIN_CLIENT_ID + CHECKIN_REFRESH_TOKEN), the app gets its Keystone token by itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformOutput, TerraformStack } from "{{framework}}";
import type { Construct } from "constructs";
import { EgiSite, Flavor, KeyPair, MachineImage, SecurityGroup, VirtualMachine } from "{{package}}";
import { runApp, synthWithEgiTokens } from "{{package}}/hook";

export class VmStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // The OpenStack provider for the site, authenticated with the hook's token (or OS_TOKEN).
    new EgiSite(this, "site");

    // Terraform keeps this stack's state in terraform.<stack>.tfstate in this folder. To deploy
    // from CI (.github/workflows/deploy.yml) or as a team, keep it in PostgreSQL instead: import
    // TeamState from "{{package}}", uncomment the next line and set PG_CONN_STR.
    // TeamState.postgres(this);

    // How you log in: your SSH public key (SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_ed25519.pub, else
    // ~/.ssh/id_rsa.pub; or write a path here, e.g. "~/.ssh/egi.pub"), registered in Nova as key
    // pair "<stack>-key" and installed for the image's default user. Only the public half is read.
    const publicKeyFile = sshPublicKeyFile();
    // Where SSH may come from: anywhere, on purpose. Your address changes with the network you work
    // from (office, eduroam, home), and a narrower default would lock you out of the VM you just
    // made; the image takes keys only, no passwords. Once you know where you log in from, narrow it
    // (your institute's "192.0.2.0/24", your own "203.0.113.7/32"): scanners then cannot even try.
    const sshFrom = "0.0.0.0/0";
    // The site's external network, where the public (floating) IP comes from:
    // `openstack network list --external` shows its name, which differs between sites.
    const floatingIpPool = "public";
    // The user to log in as: the image's default user, "ubuntu" on Ubuntu images.
    const sshUser = "ubuntu";

    const key = new KeyPair(this, "key", { publicKeyFile });
    const ssh = new SecurityGroup(this, "ssh", { description: `SSH to {{name}} from ${sshFrom}` });
    ssh.allowSshFrom(sshFrom);

    const vm = new VirtualMachine(this, "vm", {
      name: "{{name}}",
      // The newest Ubuntu 22.04 of the EGI Artefact Registry at the site.
      image: MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "22.04" }),
      // The smallest flavor with at least 1 vCPU, 2 GB RAM and 20 GB disk (looked up once, pinned
      // in egi-cdktf.context.json: commit that file).
      flavor: Flavor.bestFit({ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 }),
      keyPair: key,
      // The project's default group (traffic between your servers) and the SSH group above.
      securityGroups: [SecurityGroup.fromName(this, "default", { name: "default" }), ssh],
      floatingIpPool,
    });

    new TerraformOutput(this, "server_id", { value: vm.instanceId });
    new TerraformOutput(this, "server_ip", { value: vm.privateIpv4 });
    new TerraformOutput(this, "floating_ip", { value: vm.floatingIpAddress });
    new TerraformOutput(this, "ssh_command", { value: `ssh ${sshUser}@${vm.floatingIpAddress}` });
  }
}

/** SSH_PUBLIC_KEY_FILE, else the first of ~/.ssh/id_ed25519.pub and ~/.ssh/id_rsa.pub that exists. */
function sshPublicKeyFile(): string {
  const given = process.env.SSH_PUBLIC_KEY_FILE?.replace(/^~(?=\/|$)/, os.homedir());
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`SSH_PUBLIC_KEY_FILE ${given} does not exist; set it to your SSH public key (the .pub file)`);
    return given;
  }
  const found = ["id_ed25519.pub", "id_rsa.pub"].map((f) => path.join(os.homedir(), ".ssh", f)).find((f) => fs.existsSync(f));
  if (!found) throw new Error("no ~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub to log in to the VM with; create a key with `ssh-keygen -t ed25519`, or set SSH_PUBLIC_KEY_FILE to your public key");
  return found;
}

// `node dist/main.js` runs the app; main.test.ts imports VmStack without running it.
if (require.main === module) {
  runApp(async () => {
    const app = new App();
    new VmStack(app, "{{stack}}");
    // Instead of app.synth(): with CHECKIN_* set, gets a Keystone token first.
    await synthWithEgiTokens(app);
  });
}
