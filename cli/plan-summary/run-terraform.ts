/**
 * terraform for one synthesized stack, in its folder (`cdktf.out/stacks/<stack>`), the steps
 * `cdktf plan` takes plus a validate: `init -input=false`, `validate -json`,
 * `plan -json -input=false -lock=false -out=<file>`, `show -json <file>`.
 *
 * - The saved plan goes to `planDir`, a private temp folder outside the project that the caller
 *   removes (a plan holds variable values and all attribute values; with the hook no token is in
 *   it, but a user's own TF_VAR_* secrets may be). `-lock=false`: a summary must not block or be
 *   blocked by a deploy; it never writes state.
 * - The binary is TERRAFORM_BINARY_NAME if set (as cdktf-cli reads it, e.g. `tofu`), else
 *   `terraform` on PATH.
 * - `plan -json` streams machine-readable diagnostics: the error shown for a failed plan is
 *   terraform's own summary and the address it names, not a scraped terminal line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { onEndingSignal } from "./on-signal";
import type { PlanJson } from "./plan-json";

export type Phase = "init" | "validate" | "plan" | "show";

export interface TerraformDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

export type StackPlan =
  | { readonly ok: true; readonly plan: PlanJson; readonly warnings: readonly TerraformDiagnostic[] }
  | { readonly ok: false; readonly phase: Phase; readonly message: string; readonly warnings: readonly TerraformDiagnostic[] };

export interface Terraform {
  readonly binary: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The terraform processes running now: stopped with egi-cdktf when a signal ends it. */
const running = new Set<ChildProcess>();

/** Pass `signal` to the running terraform (a plan changes nothing and takes no lock: stopping it is safe). */
export function stopTerraform(signal: NodeJS.Signals): void {
  for (const child of running) child.kill(signal);
}

/** Run terraform in `cwd`; an unknown binary is an Error naming it and TERRAFORM_BINARY_NAME. */
export function runTerraform(tf: Terraform, args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(tf.binary, args, { cwd, env: tf.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.on("exit", () => running.delete(child));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" ? `${tf.binary}: command not found; install terraform (or set TERRAFORM_BINARY_NAME, e.g. to tofu)` : `${tf.binary}: ${e.message}`)),
    );
    child.on("close", (code, signal) => resolve({ code: code ?? 128, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + (signal ? `\nkilled by ${signal}` : "") }));
  });
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** A diagnostic as one line: `summary: detail's first sentence (address)`. */
export function diagnosticLine(d: TerraformDiagnostic): string {
  const detail = d.detail ? oneLine(d.detail).slice(0, 300) : "";
  return `${oneLine(d.summary)}${detail ? `: ${detail}` : ""}${d.address ? ` (${d.address})` : ""}`;
}

/** What a diagnostic is about: the resource's address, else the configuration block it points at. */
const where = (d: any): string | undefined => (d.address ? String(d.address) : typeof d.snippet?.context === "string" && d.snippet.context ? d.snippet.context : undefined);

/** The diagnostics of `validate -json` (one JSON document) or `plan -json` (one JSON object a line). */
export function parseDiagnostics(stdout: string): TerraformDiagnostic[] {
  const pick = (d: any): TerraformDiagnostic | undefined =>
    d && (d.severity === "error" || d.severity === "warning") && typeof d.summary === "string"
      ? { severity: d.severity, summary: d.summary, ...(d.detail ? { detail: String(d.detail) } : {}), ...(where(d) ? { address: where(d) } : {}) }
      : undefined;
  const trimmed = stdout.trim();
  try {
    const doc = JSON.parse(trimmed);
    if (Array.isArray(doc?.diagnostics)) return doc.diagnostics.map(pick).filter(Boolean) as TerraformDiagnostic[];
  } catch {
    // not one document: the streamed form
  }
  const out: TerraformDiagnostic[] = [];
  for (const line of trimmed.split("\n")) {
    try {
      const msg = JSON.parse(line);
      const d = msg?.type === "diagnostic" ? pick(msg.diagnostic) : undefined;
      if (d) out.push(d);
    } catch {
      // a line that is not JSON (a provider's stray output): skip
    }
  }
  return out;
}

/** The `Error: ...` lines of human-readable output (init has no -json), else its last line. */
function humanError(r: Result): string {
  const text = `${r.stderr}\n${r.stdout}`;
  const errors = [...text.matchAll(/^[│ ]*Error: (.+)$/gm)].map((m) => m[1].trim());
  if (errors.length) return [...new Set(errors)].join("; ");
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? `exit code ${r.code}`;
}

const failure = (phase: Phase, message: string, warnings: readonly TerraformDiagnostic[]): StackPlan => ({ ok: false, phase, message, warnings });

export interface PlanStackOptions {
  /** A refresh-only plan (`plan -refresh-only`): what changed outside terraform, for --drift. */
  readonly refreshOnly?: boolean;
}

/** init, validate, plan (saved to planDir) and show one stack; never throws for a terraform failure. */
export async function planStack(tf: Terraform, stackDir: string, planFile: string, options: PlanStackOptions = {}): Promise<StackPlan> {
  const init = await runTerraform(tf, ["init", "-input=false", "-no-color"], stackDir);
  if (init.code !== 0) return failure("init", `terraform init failed: ${humanError(init)}`, []);

  const validate = await runTerraform(tf, ["validate", "-json", "-no-color"], stackDir);
  const validation = parseDiagnostics(validate.stdout);
  const warnings = validation.filter((d) => d.severity === "warning");
  if (validate.code !== 0) {
    const errors = validation.filter((d) => d.severity === "error").map(diagnosticLine);
    return failure("validate", `terraform validate failed: ${errors.join("; ") || humanError(validate)}`, warnings);
  }

  const mode = options.refreshOnly ? ["-refresh-only"] : [];
  const plan = await runTerraform(tf, ["plan", ...mode, "-json", "-input=false", "-lock=false", `-out=${path.resolve(planFile)}`], stackDir);
  const planned = parseDiagnostics(plan.stdout);
  warnings.push(...planned.filter((d) => d.severity === "warning" && !warnings.some((w) => diagnosticLine(w) === diagnosticLine(d))));
  if (plan.code !== 0) {
    const errors = planned.filter((d) => d.severity === "error").map(diagnosticLine);
    return failure("plan", `terraform plan failed: ${errors.join("; ") || humanError(plan)}`, warnings);
  }

  const show = await runTerraform(tf, ["show", "-json", "-no-color", path.resolve(planFile)], stackDir);
  if (show.code !== 0) return failure("show", `terraform show failed: ${humanError(show)}`, warnings);
  try {
    return { ok: true, plan: JSON.parse(show.stdout) as PlanJson, warnings };
  } catch {
    return failure("show", "terraform show -json printed no JSON", warnings);
  }
}

/**
 * Until the returned function is called, an interrupt (Ctrl-C, a CI runner's SIGTERM) removes `dir`
 * before egi-cdktf dies of it (a `finally` does not run when a signal ends the process), and the
 * running terraform gets the signal too (when it came from the terminal, a second copy: harmless
 * for a plan, which changes nothing and takes no lock).
 */
export function removingOnSignal(dir: string): () => void {
  return onEndingSignal((signal) => {
    stopTerraform(signal);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
