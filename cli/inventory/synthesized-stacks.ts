/**
 * The stacks `cdktf synth` / `cdktf deploy` wrote into a project's output folder (cdktf.json's
 * "output", default cdktf.out): what `egi-cdktf inventory STACK` may name. Every error about the
 * stack lists them, so a typo or a stack never synthesized here is fixed from the message alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { showArg } from "../command";

export interface StackFolder {
  readonly name: string;
  /** Absolute: `<outdir>/stacks/<name>`. */
  readonly dir: string;
  /** Its cdk.tf.json; undefined when the stack was synthesized as HCL (cdk.tf). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Every stack in the output folder, for error messages. */
  readonly siblings: readonly string[];
  /** The output folder as the user knows it (relative to the project when inside it). */
  readonly outdirLabel: string;
}

/** The output folder: cdktf.json's "output" when the project has one, else cdktf.out. */
export function outputFolder(projectDir: string): string {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(projectDir, "cdktf.json"), "utf8"));
    if (typeof config?.output === "string" && config.output) return path.resolve(projectDir, config.output);
  } catch {
    // no cdktf.json, or not JSON: cdktf's default folder; a missing folder is reported below
  }
  return path.join(projectDir, "cdktf.out");
}

/** The stacks with a synthesized configuration (cdk.tf.json, or cdk.tf from `synth --hcl`), sorted. */
export function listStacks(outdir: string): string[] {
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && ["cdk.tf.json", "cdk.tf"].some((f) => fs.existsSync(path.join(stacksDir, e.name, f))))
    .map((e) => e.name)
    .sort();
}

/** `stacks in cdktf.out: a, b`, or that there are none: the tail of every "which stack?" error. */
export function stacksHint(stacks: readonly string[], outdirLabel: string): string {
  return stacks.length ? `stacks in ${outdirLabel}: ${stacks.join(", ")}` : `no stacks in ${outdirLabel}`;
}

/** The synthesized stack `name` of the project in `projectDir`; an Error listing the stacks when there is none. */
export function findStack(projectDir: string, name: string): StackFolder {
  const outdir = outputFolder(projectDir);
  const relative = path.relative(projectDir, outdir);
  const outdirLabel = relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : outdir;
  const siblings = listStacks(outdir);
  if (!siblings.includes(name)) {
    throw new Error(`no stack ${showArg(name)} in ${outdirLabel} (run cdktf deploy STACK in the cdktf project folder first); ${stacksHint(siblings, outdirLabel)}`);
  }
  const dir = path.join(outdir, "stacks", name);
  const file = path.join(dir, "cdk.tf.json");
  if (!fs.existsSync(file)) return { name, dir, siblings, outdirLabel };
  try {
    return { name, dir, config: JSON.parse(fs.readFileSync(file, "utf8")), siblings, outdirLabel };
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); run cdktf synth again`);
  }
}
