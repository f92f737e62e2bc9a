/**
 * {{name}}: one virtual machine at an EGI Cloud site.
 *
 * `npx {{framework}} deploy` compiles this file (the app command of cdktf.json), runs it, and deploys. The
 * site is the one OS_AUTH_URL and OS_PROJECT_ID name; with a Check-in credential set
 * (CHECKIN_CLIENT_ID + CHECKIN_REFRESH_TOKEN), the app gets its Keystone token by itself.
 */
import { App, TerraformOutput, TerraformStack } from "{{framework}}";
import type { Construct } from "constructs";
import { EgiSite, Flavor, MachineImage, VirtualMachine } from "{{package}}";
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

    const vm = new VirtualMachine(this, "vm", {
      name: "{{name}}",
      // The newest Ubuntu 22.04 of the EGI Artefact Registry at the site.
      image: MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "22.04" }),
      // The smallest flavor with at least 1 vCPU, 2 GB RAM and 20 GB disk (looked up once, pinned
      // in egi-cdktf.context.json: commit that file).
      flavor: Flavor.bestFit({ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 }),
    });

    new TerraformOutput(this, "server_id", { value: vm.instanceId });
    new TerraformOutput(this, "server_ip", { value: vm.privateIpv4 });
  }
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
