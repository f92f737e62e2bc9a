/**
 * --changed-since REF: synthesize the app as it was at REF too (a temporary git worktree), compare
 * each stack's synthesized folder (cdk.tf.json and its assets), and plan only the stacks that differ.
 *
 * What a stack's plan depends on, and which of it the comparison sees:
 * - its folder: cdk.tf.json (resources, providers and their versions, backend, variables' defaults)
 *   and the assets cdktf copies there: compared;
 * - what the app reads at synth: the context file (egi-cdktf.context.json, the lookups' pinned
 *   answers), the pinned EGI site list, the hook's synth-time lookups (a flavor's best fit, a VO's
 *   project), files read by UserData.fromFile: their effect is in cdk.tf.json, so compared through
 *   it. The base is synthesized with the same environment (credential, settings) as the head, so a
 *   difference there is a difference in the code or in those files at REF. A context file that is
 *   not committed is absent at the base: its stacks may come out changed (planned), never wrongly
 *   skipped;
 * - local modules outside the stack folder (a module `source` of ../..): their folders are compared
 *   too (see moduleFolders);
 * - what is not in the app at all: the state, the site (a new image a "most recent" lookup now finds
 *   at plan time, drift), TF_VAR_* and terraform's own CLI config. A stack unchanged here can still
 *   have a non-empty plan; `plan-summary --drift` is the job that watches for that.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLOUD_TFVARS_FILE, CLOUDS_FILE } from "../../auth/stack-files";
import { plainArg, showArg, UsageError } from "../command";
import type { Env } from "./credentials";
import { onEndingSignal } from "./on-signal";
import { type CdktfProject, readManifest, readProject, type SynthesizedStack, synthesize } from "./synth";

export interface ChangedSince {
  /** The ref as given. */
  readonly ref: string;
  /** The commit it resolved to. */
  readonly base: string;
  /** Stacks whose synthesized folder is as at the base: not planned. */
  readonly unchanged: readonly string[];
  /** Stacks that are new since the base (planned). */
  readonly added: readonly string[];
  /** Stacks at the base that the app no longer has (their resources are not destroyed by that). */
  readonly removed: readonly string[];
  /**
   * Why every stack is planned although --changed-since was given (the app could not be
   * synthesized at the base), for the summary.
   * @default none: the comparison was made
   */
  readonly note?: string;
}

export interface ChangedSinceOptions {
  readonly project: CdktfProject;
  /** The stacks synthesized now (the head). */
  readonly head: readonly SynthesizedStack[];
  readonly ref: string;
  readonly env: Env;
  readonly log: (line: string) => void;
}

/**
 * What is in a stack folder but is not its configuration: terraform's working files, state, saved
 * plans, and what the hook leaves there (auth/stack-files.ts: the clouds.yaml link to the token
 * cache, the cloud names; and the token tfvars file of earlier versions). They differ from run to
 * run and from the head's to the fresh base's folder without the plan's inputs differing.
 */
const IGNORED_DIRS = new Set([".terraform"]);
const IGNORED_FILES = new Set([".terraform.lock.hcl", CLOUDS_FILE, CLOUD_TFVARS_FILE, "egi-token.auto.tfvars.json", "plan"]);
const ignoredFile = (name: string) => IGNORED_FILES.has(name) || /\.tfstate(\.|$)/.test(name) || name.endsWith(".tfplan");

function git(args: readonly string[], cwd: string, env: Env): { ok: boolean; out: string; err: string } {
  // core.hooksPath: a post-checkout hook (husky, LFS) must not run in our temporary worktree.
  const r = spawnSync("git", ["-c", "core.hooksPath=/dev/null", ...args], { cwd, env: { ...env, GIT_TERMINAL_PROMPT: "0" }, encoding: "utf8" });
  const err = (r.error?.message ?? r.stderr ?? "").trim().split("\n").filter(Boolean).pop() ?? "";
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err };
}

/**
 * The commit `ref` names in the git repository holding `dir`; a usage error naming --changed-since
 * when there is none. Cheap: plan-summary may call it before synth, to fail in a second, not after it.
 */
export function resolveRef(dir: string, ref: string, env: Env): string {
  const top = git(["rev-parse", "--show-toplevel"], dir, env);
  if (!top.ok) throw new UsageError(`--changed-since needs a git repository: ${dir} is not in one (${top.err || "git failed"})`);
  const r = git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], dir, env);
  if (r.ok && /^[0-9a-f]{40,64}$/.test(r.out)) return r.out;
  const shallow = git(["rev-parse", "--is-shallow-repository"], dir, env).out === "true";
  // HEAD~1, main^2: a ref's ~ and ^ are no sign of a pasted secret.
  const shown = plainArg(ref.replace(/[~^]/g, "")) ? `"${ref}"` : showArg(ref);
  throw new UsageError(
    `--changed-since ${shown}: no such commit in this clone; fetch it first (e.g. git fetch origin main, then --changed-since origin/main)` +
      `${shallow ? "; this clone is shallow" : ""}: CI checkouts often are, so fetch the history (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0)`,
  );
}

/** Synthesize at `ref` and compare; the worktree is removed before returning, pass or fail. */
export async function changedSince(o: ChangedSinceOptions): Promise<ChangedSince> {
  const started = Date.now();
  const base = resolveRef(o.project.dir, o.ref, o.env);
  const short = `${o.ref} (${base.slice(0, 12)})`;
  const headTop = fs.realpathSync(git(["rev-parse", "--show-toplevel"], o.project.dir, o.env).out);
  const rel = path.relative(headTop, fs.realpathSync(o.project.dir));
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "egi-cdktf-base-"));
  const tree = path.join(temp, "tree");
  const links: string[] = [];
  const cleanup = () => {
    // The head's node_modules are linked in: unlink them before anything removes the tree.
    for (const link of links) fs.rmSync(link, { force: true });
    git(["worktree", "remove", "--force", tree], o.project.dir, o.env);
    fs.rmSync(temp, { recursive: true, force: true });
    git(["worktree", "prune"], o.project.dir, o.env);
  };
  const stopSignals = onEndingSignal(cleanup);
  let baseStacks: SynthesizedStack[];
  const baseOut: { outdir?: string } = {};
  try {
    const added = git(["worktree", "add", "--detach", tree, base], o.project.dir, o.env);
    if (!added.ok) return everyStack(o, base, `git worktree add failed (${added.err})`);
    try {
      baseStacks = await synthesizeBase(o, { headTop, tree, rel }, baseOut, links);
    } catch (err) {
      return everyStack(o, base, `the app does not synthesize at ${short}: ${(err as Error).message}`);
    } finally {
      if (baseOut.outdir) forgetBaseCredentials(baseOut.outdir);
    }
    const compareWith = (head: SynthesizedStack, at: SynthesizedStack) => sameFolder(head.dir, at.dir, { from: fs.realpathSync(tree), to: headTop });
    const unchanged: string[] = [];
    const changed: string[] = [];
    const addedStacks: string[] = [];
    for (const stack of o.head) {
      const at = baseStacks.find((s) => s.name === stack.name);
      if (!at) addedStacks.push(stack.name);
      // A stack synth reported errors for is never skipped: planning it is what shows the errors.
      else (!stack.annotations.some((a) => a.level === "error") && compareWith(stack, at) ? unchanged : changed).push(stack.name);
    }
    const headNames = new Set(allHeadStacks(o).map((s) => s.name));
    const removed = baseStacks.map((s) => s.name).filter((name) => !headNames.has(name));
    const list = (label: string, names: readonly string[]) => (names.length ? [`${label}: ${names.join(", ")}`] : []);
    const parts = [...list("changed", changed), ...list("unchanged", unchanged), ...list("added", addedStacks), ...list("removed", removed)];
    o.log(`plan-summary: --changed-since ${short}: base synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s; ${parts.join("; ") || "no stacks"}`);
    return { ref: o.ref, base, unchanged, added: addedStacks, removed };
  } finally {
    stopSignals();
    cleanup();
  }
}

/** The base could not be synthesized (or checked out): plan every stack, and say why. */
function everyStack(o: ChangedSinceOptions, base: string, why: string): ChangedSince {
  const note = `${why}; planning every stack`;
  o.log(`plan-summary: --changed-since ${o.ref}: ${note}`);
  return { ref: o.ref, base, unchanged: [], added: [], removed: [], note };
}

/** Every stack of the head's app (o.head may be a selection): "removed" means gone from the app. */
function allHeadStacks(o: ChangedSinceOptions): readonly SynthesizedStack[] {
  try {
    return readManifest(o.project);
  } catch {
    return o.head;
  }
}

/**
 * Synthesize the app folder `baseDir` of the worktree with the head's environment. The base is
 * synthesized with the head's dependencies: its own node_modules are not installed (minutes, and the
 * network), the head's are linked in, at each folder from the app up to the repository's top that
 * has one. A dependency bumped in the change (cdktf, this library) therefore shows only through the
 * head's synth output, which is what gets planned anyway.
 */
async function synthesizeBase(o: ChangedSinceOptions, at: { headTop: string; tree: string; rel: string }, out: { outdir?: string }, links: string[]): Promise<SynthesizedStack[]> {
  const baseDir = path.join(at.tree, at.rel);
  if (!fs.existsSync(path.join(baseDir, "cdktf.json"))) throw new Error(`it has no ${path.join(at.rel, "cdktf.json")} there`);
  const parts = at.rel ? at.rel.split(path.sep) : [];
  for (let i = parts.length; i >= 0; i--) {
    const sub = parts.slice(0, i).join(path.sep);
    const from = path.join(at.headTop, sub, "node_modules");
    const to = path.join(at.tree, sub, "node_modules");
    if (fs.existsSync(from) && !fs.lstatSync(to, { throwIfNoEntry: false })) {
      fs.symlinkSync(from, to, "dir");
      links.push(to);
    }
  }
  const project = readProject(baseDir);
  // An output folder outside the app folder (../out, an absolute path) would be the head's own.
  const rel = path.relative(baseDir, project.outdir);
  const inside = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  const base: CdktfProject = inside ? project : { ...project, outdir: path.join(baseDir, "cdktf.out") };
  out.outdir = base.outdir;
  await synthesize(base, o.env);
  return readManifest(base);
}

/**
 * The base's hook left a clouds.yaml link to a credential file in the token cache, keyed by the
 * (temporary) stack folder: remove that file too, no later synth will refresh or use it.
 */
function forgetBaseCredentials(outdir: string): void {
  const stacks = path.join(outdir, "stacks");
  const dirs = fs.existsSync(stacks) ? fs.readdirSync(stacks).map((n) => path.join(stacks, n)) : [];
  for (const dir of dirs) {
    const link = path.join(dir, CLOUDS_FILE);
    if (!fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) continue;
    const target = path.resolve(dir, fs.readlinkSync(link));
    const key = createHash("sha256").update(path.resolve(dir)).digest("hex");
    if (path.basename(target) === `${key}.json` && path.basename(path.dirname(target)) === "clouds") fs.rmSync(target, { force: true });
  }
}

/** Rewrites the base's checkout path into the head's, in cdk.tf.json strings (see sameFolder). */
interface PathMap {
  readonly from: string;
  readonly to: string;
}

/** The configuration files below a stack folder, relative, sorted. */
function configFiles(dir: string, sub = ""): string[] {
  const here = path.join(dir, sub);
  if (!fs.existsSync(here)) return [];
  return fs
    .readdirSync(here, { withFileTypes: true })
    .flatMap((e) => {
      const rel = path.join(sub, e.name);
      if (e.isDirectory()) return IGNORED_DIRS.has(e.name) ? [] : configFiles(dir, rel);
      return e.isFile() && !ignoredFile(e.name) ? [rel] : [];
    })
    .sort();
}

/**
 * JSON with its object keys sorted, and the base checkout's path replaced by the head's: cdktf's
 * default local backend writes the state's absolute path (process.cwd()), which is the worktree's
 * at the base.
 */
function canonical(value: unknown, paths: PathMap): unknown {
  if (typeof value === "string") return value.split(paths.from).join(paths.to);
  if (Array.isArray(value)) return value.map((v) => canonical(v, paths));
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.split(paths.from).join(paths.to), canonical(v, paths)] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return value;
}

function sameJson(a: Buffer, b: Buffer, paths: PathMap): boolean {
  try {
    const identity = { from: paths.to, to: paths.to };
    return JSON.stringify(canonical(JSON.parse(a.toString("utf8")), identity)) === JSON.stringify(canonical(JSON.parse(b.toString("utf8")), paths));
  } catch {
    return a.equals(b);
  }
}

/**
 * Local modules a cdk.tf.json uses from outside its folder (`"source": "../../modules/net"`):
 * terraform reads them at plan time, so they are part of the stack's configuration.
 */
function moduleFolders(stackDir: string, tfJson: Buffer | undefined): string[] {
  if (!tfJson) return [];
  let modules: Record<string, { source?: unknown }> = {};
  try {
    modules = JSON.parse(tfJson.toString("utf8")).module ?? {};
  } catch {
    return [];
  }
  return Object.values(modules)
    .map((m) => m?.source)
    .filter((s): s is string => typeof s === "string" && /^\.\.?\//.test(s))
    .map((s) => path.relative(stackDir, path.resolve(stackDir, s)))
    .filter((rel) => rel.startsWith(".."))
    .sort();
}

/** Same configuration files with the same content (cdk.tf.json as JSON; the rest byte for byte). */
function sameFolder(headDir: string, baseDir: string, paths: PathMap, depth = 0): boolean {
  const files = configFiles(headDir);
  if (files.join("\n") !== configFiles(baseDir).join("\n")) return false;
  for (const file of files) {
    const a = fs.readFileSync(path.join(headDir, file));
    const b = fs.readFileSync(path.join(baseDir, file));
    if (!(file.endsWith(".tf.json") ? sameJson(a, b, paths) : a.equals(b))) return false;
  }
  if (depth > 0) return true; // a module's own modules: compared as files of its folder only
  const tfJson = (dir: string) => (files.includes("cdk.tf.json") ? fs.readFileSync(path.join(dir, "cdk.tf.json")) : undefined);
  const headModules = moduleFolders(headDir, tfJson(headDir));
  if (headModules.join("\n") !== moduleFolders(baseDir, tfJson(baseDir)).join("\n")) return false;
  return headModules.every((rel) => sameFolder(path.resolve(headDir, rel), path.resolve(baseDir, rel), paths, depth + 1));
}
