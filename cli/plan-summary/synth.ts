/**
 * Synth the way `cdktf synth` does, without the cdktf CLI: read the project's cdktf.json, run its
 * `app` command through a shell in the project folder with the environment cdktf-cli gives it
 * (cli-core's synth-stack: CDKTF_OUTDIR, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, CDKTF_CONTEXT_JSON
 * from cdktf.json's `context`, no TF_VAR_*, NODE_OPTIONS with a larger heap), then read
 * `<outdir>/manifest.json`. Its per-stack `annotations` are what cdktf prints after synth as
 * `WARN [path]: ...`: the summary's synth warnings. An error annotation fails synth as in cdktf.
 *
 * Running the app directly, not `npx cdktf synth`: the same output, in a second less, with no
 * terminal emulation (cdktf-cli's node-pty), no telemetry and a plain exit code. The app's own
 * hook (synthWithEgiTokens) runs as under cdktf and links each stack's clouds.yaml.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isAddMaskLine } from "../../auth/ci-mask";
import { UsageError } from "../command";

export interface CdktfProject {
  readonly dir: string;
  readonly app: string;
  /** Absolute. */
  readonly outdir: string;
  readonly context: Readonly<Record<string, unknown>>;
}

export interface Annotation {
  readonly level: "info" | "warning" | "error";
  readonly constructPath: string;
  readonly message: string;
}

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute: terraform's working directory. */
  readonly dir: string;
  readonly annotations: readonly Annotation[];
}

/** The cdktf project in `dir` (its cdktf.json). */
export function readProject(dir: string): CdktfProject {
  const file = path.join(dir, "cdktf.json");
  let config: { app?: unknown; output?: unknown; context?: unknown };
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no cdktf.json in ${dir}: run egi-cdktf plan-summary in the cdktf project's folder` : `${file} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof config.app !== "string" || !config.app.trim()) throw new Error(`${file} has no "app" command to synthesize with`);
  const output = typeof config.output === "string" && config.output ? config.output : "cdktf.out";
  const context = config.context && typeof config.context === "object" ? (config.context as Record<string, unknown>) : {};
  return { dir, app: config.app, outdir: path.resolve(dir, output), context };
}

/**
 * CDKTF_CONTEXT_JSON, the context cdktf-cli adds to cdktf.json's: a JSON object, else a usage error
 * naming it (without its text, which could hold anything).
 */
export function contextFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const raw = env.CDKTF_CONTEXT_JSON;
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`CDKTF_CONTEXT_JSON is not valid JSON; set it to an object such as '{"key":"value"}', or unset it`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`CDKTF_CONTEXT_JSON must be a JSON object such as '{"key":"value"}', not ${Array.isArray(parsed) ? "an array" : parsed === null ? "null" : `a ${typeof parsed}`}`);
  }
  return parsed as Record<string, unknown>;
}

/** The environment cdktf-cli runs the app with. */
export function appEnv(project: CdktfProject, env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith("TF_VAR_")) out[k] = v;
  if (!out.NODE_OPTIONS) out.NODE_OPTIONS = "--max-old-space-size=4096";
  out.CDKTF_OUTDIR = project.outdir;
  out.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
  out.CDKTF_CONTEXT_JSON = JSON.stringify({ ...project.context, ...contextFromEnv(env), cdktfRelativeModules: [] });
  out.SYNTH_HCL_OUTPUT = "false";
  return out;
}

export interface SynthesizeOptions {
  /**
   * Where the app's `::add-mask::` lines go (GitHub Actions, see auth/ci-mask.ts): each is passed on
   * as soon as it is read, and kept out of the failure message.
   * @default egi-cdktf's stderr (its stdout may be the summary)
   */
  readonly forwardMask?: (line: string) => void;
}

/** Run the app; a failure is an Error with the app's last lines of output. */
export function synthesize(project: CdktfProject, env: Readonly<Record<string, string | undefined>>, options: SynthesizeOptions = {}): Promise<void> {
  // A manifest left by an earlier synth must not pass for this one's if the app forgets to synth.
  fs.rmSync(path.join(project.outdir, "manifest.json"), { force: true });
  const forwardMask = options.forwardMask ?? ((line: string) => process.stderr.write(line));
  return new Promise((resolve, reject) => {
    const child = spawn(project.app, { shell: true, cwd: project.dir, env: appEnv(project, env), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (text: string) => {
      output = (output + text).slice(-4000);
    };
    // ci-mask: the app's output read line by line, so that a mask line is forwarded whole and at once.
    const lines = (stream: NodeJS.ReadableStream) => {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        const parts = (partial + d).split("\n");
        partial = parts.pop()!;
        // A line too long to be a mask command need not be held whole.
        if (partial.length > 65536 && !isAddMaskLine(partial)) {
          keep(partial);
          partial = "";
        }
        for (const line of parts) {
          if (isAddMaskLine(line)) forwardMask(`${line.trimStart()}\n`);
          else keep(`${line}\n`);
        }
      });
      stream.on("end", () => {
        if (partial && !isAddMaskLine(partial)) keep(partial);
      });
    };
    lines(child.stdout);
    lines(child.stderr);
    child.on("error", (e) => reject(new Error(`synth: cannot run the app command "${project.app}": ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      const tail = output.split("\n").map((l) => l.trim()).filter(Boolean).slice(-3).join(" | ");
      reject(new Error(`synth failed: the app command "${project.app}" exited with ${code}${tail ? `: ${tail}` : ""}`));
    });
  });
}

const LEVELS: Readonly<Record<string, Annotation["level"]>> = { "@cdktf/info": "info", "@cdktf/warn": "warning", "@cdktf/error": "error" };

/** The stacks of the last synth, in the manifest's order. */
export function readManifest(project: CdktfProject): SynthesizedStack[] {
  const file = path.join(project.outdir, "manifest.json");
  let manifest: { stacks?: Record<string, { name?: string; workingDirectory: string; annotations?: Array<{ level: string; constructPath: string; message: string }> }> };
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the app did not synthesize; does it call app.synth() or synthWithEgiTokens(app)?`);
  }
  return Object.entries(manifest.stacks ?? {}).map(([name, s]) => ({
    name: s.name ?? name,
    dir: path.resolve(project.outdir, s.workingDirectory),
    annotations: (s.annotations ?? []).map((a) => ({ level: LEVELS[a.level] ?? "info", constructPath: a.constructPath, message: a.message })),
  }));
}
