/** A user's cdktf project folder outside the repo, and the real cdktf CLI run in it against the provider mirror. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "./identity-site";
import { terraformEnv } from "./terraform";

/** A temporary folder whose cdktf.json runs `node <app>`, so state and cdktf.out stay out of the repo. */
export function cdktfProject(app: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-deploy-"));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `node ${app}`, sendCrashReports: "false" }));
  return dir;
}

/** `cdktf ARGS` in `dir` with `env` plus the offline terraform setup; never throws on a non-zero exit. */
export function runCdktf(dir: string, args: string[], env: Record<string, string>, timeoutMs = 180_000): { status: number | null; output: string } {
  const tf = terraformEnv();
  const r = spawnSync(path.join(REPO, "node_modules", ".bin", "cdktf"), args, {
    cwd: dir,
    env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", CI: "1" },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
