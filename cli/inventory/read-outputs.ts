/**
 * A deployed stack's outputs, as `terraform output -json` reads them from its state, whatever the
 * backend (the local state file, TeamState.postgres's pg, s3, ...).
 *
 * terraform runs in a private temp folder whose only configuration is the stack's `terraform`
 * block without its providers: `init` there configures the backend alone (no provider to install,
 * no registry or mirror needed, well under a second for a local state), then `output -json` reads
 * the state. The stack's own folder is never touched, so reading works whether or not it was
 * initialised, after a re-synth that changed the backend, and while a deploy holds its lock
 * (reading outputs takes none). No Check-in or Keystone credential is involved: only what the
 * backend itself needs (PG_CONN_STR or PG* for pg), from the environment as terraform reads it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { removingOnSignal, runTerraform, type Terraform } from "../plan-summary/run-terraform";

export interface OutputValue {
  readonly sensitive?: boolean;
  readonly type?: unknown;
  readonly value: unknown;
}

export type Outputs = Readonly<Record<string, OutputValue>>;

/** The settings of a `terraform` block that decide where and how the state is read. Providers are not among them. */
const STATE_SETTINGS = ["backend", "cloud", "required_version", "encryption"] as const;

/**
 * The stack's `terraform` block reduced to its state settings. A local backend's relative paths
 * are relative to the stack's folder, where terraform would run: made absolute for the temp folder.
 * Without a backend block terraform keeps `terraform.tfstate` in the stack's folder: said explicitly.
 */
export function stateOnlyConfig(config: Readonly<Record<string, unknown>>, stackDir: string): Record<string, unknown> {
  const block = (config.terraform ?? {}) as Record<string, unknown>;
  const terraform: Record<string, unknown> = {};
  for (const key of STATE_SETTINGS) if (block[key] !== undefined) terraform[key] = block[key];
  if (!terraform.backend && !terraform.cloud) terraform.backend = { local: {} };
  const backend = terraform.backend as Record<string, Record<string, unknown>> | undefined;
  if (backend?.local) {
    const local = { ...backend.local };
    local.path = path.resolve(stackDir, typeof local.path === "string" ? local.path : "terraform.tfstate");
    local.workspace_dir = path.resolve(stackDir, typeof local.workspace_dir === "string" ? local.workspace_dir : "terraform.tfstate.d");
    terraform.backend = { local };
  }
  return { terraform };
}

/** The `Error: ...` lines of terraform's human-readable output (-no-color), else its last line. */
export function terraformError(stdout: string, stderr: string, code: number): string {
  const text = `${stderr}\n${stdout}`;
  const errors = [...text.matchAll(/^[│ ]*Error: (.+)$/gm)].map((m) => m[1].trim());
  if (errors.length) return [...new Set(errors)].join("; ");
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? `exit code ${code}`;
}

function parseOutputs(stdout: string, binary: string): Outputs {
  try {
    const doc = JSON.parse(stdout);
    if (doc && typeof doc === "object" && !Array.isArray(doc)) return doc as Outputs;
  } catch {
    // reported below
  }
  throw new Error(`${binary} output -json printed no JSON object`);
}

/**
 * The outputs in the state of the stack in `stackDir`; `{}` when the stack has no state (never
 * deployed, or destroyed). `config` is its cdk.tf.json; without one (a stack synthesized as HCL)
 * terraform reads them in the stack's own folder, which `cdktf deploy` initialised.
 */
export async function readOutputs(tf: Terraform, stackDir: string, config: Readonly<Record<string, unknown>> | undefined, stack: string): Promise<Outputs> {
  // A TF_DATA_DIR of the user's would make init and output share one .terraform for every folder.
  const env: Record<string, string | undefined> = { ...tf.env };
  delete env.TF_DATA_DIR;
  const terraform: Terraform = { binary: tf.binary, env };
  const fail = (what: string, r: { stdout: string; stderr: string; code: number }) =>
    new Error(`${tf.binary} ${what} failed for stack ${stack}: ${terraformError(r.stdout, r.stderr, r.code)}`);

  if (!config) {
    const r = await runTerraform(terraform, ["output", "-json", "-no-color"], stackDir);
    if (r.code !== 0) throw fail("output", r);
    return parseOutputs(r.stdout, tf.binary);
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "egi-cdktf-inventory-"));
  const stopRemoving = removingOnSignal(work);
  try {
    fs.writeFileSync(path.join(work, "main.tf.json"), JSON.stringify(stateOnlyConfig(config, stackDir), null, 2));
    const init = await runTerraform(terraform, ["init", "-input=false", "-no-color"], work);
    if (init.code !== 0) throw fail("init (of the stack's backend only)", init);
    const r = await runTerraform(terraform, ["output", "-json", "-no-color"], work);
    if (r.code !== 0) throw fail("output", r);
    return parseOutputs(r.stdout, tf.binary);
  } finally {
    stopRemoving();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
