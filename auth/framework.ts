/**
 * Which CDK framework this build of the package runs on: `cdktf` (HashiCorp's CDK for Terraform
 * 0.21, archived) or `cdktn` (CDK Terrain, its maintained fork). The same source builds both
 * packages: egi-fedcloud-cdktn's build imports `cdktn` where this file imports `cdktf`, and cdktn
 * exports what cdktf 0.21 never got (ephemeral resources), which tells them apart at run time.
 */
import * as framework from "cdktf";

export type FrameworkName = "cdktf" | "cdktn";

/** The framework the library, the hook and the CLI of this build are running on. */
export const FRAMEWORK: FrameworkName = "TerraformEphemeralResource" in framework ? "cdktn" : "cdktf";

/**
 * cdktn 0.24 captures a full stack trace for every token unless this is `1` or `true`; the capture
 * only serves the error message of a token that fails to resolve, and costs most of a big synth.
 */
export const CREATION_STACK_VAR = "CDKTN_DISABLE_CREATION_STACK";

/**
 * On cdktn, switch the creation-stack capture off for this process unless the user chose (set the
 * variable to `0` to keep the stacks in the error of a token that fails to resolve). cdktf 0.21 has
 * no such switch; there nothing is set.
 */
export function disableCreationStackUnlessChosen(env: NodeJS.ProcessEnv = process.env, on: FrameworkName = FRAMEWORK): void {
  if (on === "cdktn" && env[CREATION_STACK_VAR] === undefined) env[CREATION_STACK_VAR] = "1";
}
