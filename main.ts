import { App } from "cdktf";
import { runApp, synthWithEgiTokens } from "./auth/hook";
import { AuthScopeStack } from "./stacks/auth-scope";
import { EgiVmStack } from "./stacks/egi-vm";
import { TerraformExampleStack } from "./stacks/terraform-example";

runApp(async () => {
  const app = new App();
  new EgiVmStack(app, "egi-vm"); // the richest example: cdktf deploy egi-vm
  new TerraformExampleStack(app, "terraform-example"); // the docs page's Terraform section as written
  new AuthScopeStack(app, "auth-scope"); // which project and roles you deploy as
  // Instead of app.synth(): gets Keystone tokens from Check-in first when CHECKIN_* is set.
  await synthWithEgiTokens(app);
});
