/**
 * egi-cdktf run in the test's own process, through main(argv, io): what it printed and its exit
 * status, for the command tests that need no built CLI (forge-bin.test.ts runs the built one).
 */
import { main } from "../../cli/egi-cdktf";
import type { CliOutput } from "./cli-output";

export interface MainOutput extends CliOutput {
  readonly status: number;
}

/** `egi-cdktf ARGS` with `env` as its whole environment (nothing of the test's own leaks in). */
export async function runMain(args: string[], env: Record<string, string | undefined>): Promise<MainOutput> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { status, stdout, stderr };
}
