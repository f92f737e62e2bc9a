import { App } from "cdktf";
import { runApp, synthWithEgiTokens } from "./auth/hook";
import { AuthScopeStack } from "./stacks/auth-scope";
import { TerraformExampleStack } from "./stacks/terraform-example";

runApp(async () => {
  const app = new App();
  new TerraformExampleStack(app, "terraform-example");
  new AuthScopeStack(app, "auth-scope");
  // Instead of app.synth(): gets Keystone tokens from Check-in first when CHECKIN_* is set.
  await synthWithEgiTokens(app, { log: (line) => console.error(line) });
});
