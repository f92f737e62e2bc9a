/**
 * Run the real terraform or OpenTofu binary against the offline provider mirror
 * (scripts/setup-terraform.sh builds both and lays the provider out for both registry hostnames).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const MIRROR = process.env.TERRAFORM_MIRROR_DIR ?? path.join(REPO, ".terraform-mirror");

/** The two engines cdktf can drive: `terraform` (default) and OpenTofu's `tofu` (TERRAFORM_BINARY_NAME). */
export type Engine = "terraform" | "tofu";
export const ENGINES: readonly Engine[] = ["terraform", "tofu"];

/**
 * The full address each engine gives `terraform-provider-openstack/openstack` (the source stacks
 * write): each resolves a hostname-less source against its own registry, and writes that address
 * into `.terraform.lock.hcl`.
 */
export const OPENSTACK_PROVIDER: Readonly<Record<Engine, string>> = {
  terraform: "registry.terraform.io/terraform-provider-openstack/openstack",
  tofu: "registry.opentofu.org/terraform-provider-openstack/openstack",
};

/** The tofu the setup script built (or linked from PATH) into the mirror. */
export function tofuBinary(): string {
  const bin = path.join(MIRROR, "bin", "tofu");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm run setup:terraform (builds OpenTofu into the mirror) first`);
  return bin;
}

/** The program to run for `engine`: terraform from PATH (mirror's bin first), tofu from the mirror. */
export function engineBinary(engine: Engine = "terraform"): string {
  return engine === "tofu" ? tofuBinary() : "terraform";
}

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

/** `terraform ARGS` (or `tofu ARGS`) in `dir` with the mirror's CLI config. */
export function terraform(dir: string, args: string[], engine: Engine = "terraform"): TerraformResult {
  const r = spawnSync(engineBinary(engine), args, { cwd: dir, env: terraformEnv(), encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `<engine> init` then `<engine> validate -json`; returns the validate report. */
export function initAndValidate(dir: string, engine: Engine = "terraform", opts: { readonly backend?: boolean } = {}): { valid: boolean; diagnostics: Array<{ severity: string; summary: string; detail?: string }> } {
  // backend: true for a stack that will be planned (its own local backend, inside `dir`)
  const init = terraform(dir, ["init", "-no-color", "-input=false", ...(opts.backend ? [] : ["-backend=false"])], engine);
  if (init.status !== 0) throw new Error(`${engine} init failed in ${dir}:\n${init.stderr}${init.stdout}`);
  const validate = terraform(dir, ["validate", "-json", "-no-color"], engine);
  return JSON.parse(validate.stdout);
}

/** The provider versions init selected, from the lock file it wrote (keys are full addresses). */
export function lockedProviders(dir: string): Record<string, string> {
  const lock = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
  const out: Record<string, string> = {};
  for (const m of lock.matchAll(/provider "([^"]+)" \{\s*version\s*=\s*"([^"]+)"/g)) out[m[1]] = m[2];
  return out;
}

/** `<binary> version -json`'s version (tofu keeps terraform's key name `terraform_version`). */
export function engineVersion(engine: Engine = "terraform"): string {
  const r = spawnSync(engineBinary(engine), ["version", "-json"], { env: terraformEnv(), encoding: "utf8" });
  if (r.error) throw r.error;
  return JSON.parse(r.stdout).terraform_version;
}
