import { App } from "cdktf";
import { TerraformExampleStack } from "./stacks/terraform-example";

const app = new App();
new TerraformExampleStack(app, "terraform-example");
app.synth();
