/** Run the real terraform binary against the offline provider mirror (scripts/setup-terraform.sh). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const MIRROR = process.env.TERRAFORM_MIRROR_DIR ?? path.join(REPO, ".terraform-mirror");

/** Environment for terraform: the mirror's CLI config and binary first on PATH; nothing from the user's TF config. */
export function terraformEnv(): NodeJS.ProcessEnv {
  const config = path.join(MIRROR, "terraformrc");
  if (!fs.existsSync(config)) {
    throw new Error(`${config} is missing: run npm run setup:terraform (builds the provider mirror) first`);
  }
  const built = path.join(MIRROR, "bin");
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: config,
    PATH: `${built}${path.delimiter}${process.env.PATH ?? ""}`,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
}

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function terraform(dir: string, args: string[]): TerraformResult {
  const r = spawnSync("terraform", args, { cwd: dir, env: terraformEnv(), encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `terraform init` then `terraform validate -json`; returns the validate report. */
export function initAndValidate(dir: string): { valid: boolean; diagnostics: Array<{ severity: string; summary: string; detail?: string }> } {
  const init = terraform(dir, ["init", "-no-color", "-backend=false"]);
  if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr}${init.stdout}`);
  const validate = terraform(dir, ["validate", "-json", "-no-color"]);
  return JSON.parse(validate.stdout);
}

/** The provider versions terraform init selected, from the lock file it wrote. */
export function lockedProviders(dir: string): Record<string, string> {
  const lock = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
  const out: Record<string, string> = {};
  for (const m of lock.matchAll(/provider "([^"]+)" \{\s*version\s*=\s*"([^"]+)"/g)) out[m[1]] = m[2];
  return out;
}
