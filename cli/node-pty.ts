/**
 * cdktf-cli 0.21 loads `@cdktf/node-pty-prebuilt-multiarch` 0.10.2 at start. That package ships
 * prebuilt binaries up to Node 22 (ABI 127) only, so on Node 24 (ABI 137) and 26 (ABI 147) every
 * `cdktf` command dies with `Cannot find module '../build/Release/pty.node'` (npm 11 also skips its
 * install script, which would try GitHub, then compile).
 *
 * Its loader (lib/prebuild-file-path.js) first takes `prebuilds/<platform>-<arch>/node.abi<N>[.musl].node`
 * for the running Node's ABI, then `build/Release/pty.node`. So a binary built here is written as that
 * prebuild file: one per ABI, and several Node versions can share one node_modules. The build is
 * offline: npm's own node-gyp, against the Node install's headers (`<prefix>/include/node`), in a temp
 * copy of the package; the binary is checked to load, then renamed into place (never half-written).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const PTY_PACKAGE = "@cdktf/node-pty-prebuilt-multiarch";

/** What the loader's file name depends on: the Node that will load the binary. */
export interface NodeTarget {
  /** The node executable. */
  readonly execPath: string;
  /** e.g. "24.22.3" */
  readonly version: string;
  /** process.versions.modules, e.g. "137" */
  readonly abi: string;
  readonly platform: string;
  readonly arch: string;
  /** Alpine (musl libc): the loader adds `.musl` to the name there. */
  readonly musl: boolean;
}

/** The running Node. */
export function currentNode(): NodeTarget {
  return {
    execPath: process.execPath,
    version: process.versions.node,
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    musl: process.platform === "linux" && fs.existsSync("/etc/alpine-release"),
  };
}

/** Another Node (say one from .node/), asked for its versions. */
export function nodeAt(execPath: string): NodeTarget {
  const script = "process.stdout.write(JSON.stringify({v:process.versions.node,abi:process.versions.modules,p:process.platform,a:process.arch,musl:process.platform==='linux'&&require('fs').existsSync('/etc/alpine-release')}))";
  const r = spawnSync(execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${execPath} does not run: ${(r.error?.message ?? r.stderr).trim().split("\n")[0]}`);
  const o = JSON.parse(r.stdout) as { v: string; abi: string; p: string; a: string; musl: boolean };
  return { execPath, version: o.v, abi: o.abi, platform: o.p, arch: o.a, musl: o.musl };
}

/** The file the package's loader looks for first, relative to the package: prebuilds/linux-x64/node.abi137.node. */
export function prebuildRelPath(target: NodeTarget): string {
  return path.join("prebuilds", `${target.platform}-${target.arch}`, `node.abi${target.abi}${target.musl ? ".musl" : ""}.node`);
}

/**
 * `<dir>/node_modules/<name>` for `dir` and each parent, the first that has a package.json: Node's
 * own lookup for a bare name (without the `exports` map, which may hide package.json).
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = path.resolve(fromDir);
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const packageVersion = (dir: string): string => (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version?: string }).version ?? "?";

export interface CdktfPty {
  /** cdktf-cli's folder and version. */
  readonly cliDir: string;
  readonly cliVersion: string;
  /** The node-pty package cdktf-cli loads (resolved the way Node does: cdktf-cli -> @cdktf/cli-core -> it), if any. */
  readonly ptyDir?: string;
}

/** cdktf-cli as the app in `appDir` runs it (`npx cdktf`), and the node-pty package it loads; undefined without cdktf-cli. */
export function findCdktfPty(appDir: string): CdktfPty | undefined {
  const cliDir = findPackageDir("cdktf-cli", appDir);
  if (!cliDir) return undefined;
  // cdktf-cli's bundle requires it from its own folder; today through @cdktf/cli-core, maybe directly later.
  const coreDir = findPackageDir("@cdktf/cli-core", cliDir);
  const ptyDir = (coreDir && findPackageDir(PTY_PACKAGE, coreDir)) ?? findPackageDir(PTY_PACKAGE, cliDir);
  return { cliDir, cliVersion: packageVersion(cliDir), ptyDir };
}

export type PtyBinary =
  /** The loader takes this file for the target's ABI (shipped, or built here before). */
  | { readonly kind: "prebuild"; readonly file: string }
  /** No prebuild for the ABI: the loader falls back to build/Release/pty.node, which may be for another ABI. */
  | { readonly kind: "build"; readonly file: string }
  | { readonly kind: "missing"; readonly file: string };

/** Which binary the package's loader would pick for `target` (file checks only, the loader's order). */
export function ptyBinary(ptyDir: string, target: NodeTarget = currentNode()): PtyBinary {
  const prebuild = path.join(ptyDir, prebuildRelPath(target));
  if (fs.existsSync(prebuild)) return { kind: "prebuild", file: prebuild };
  const release = path.join(ptyDir, "build", "Release", "pty.node");
  if (fs.existsSync(release)) return { kind: "build", file: release };
  return { kind: "missing", file: prebuild };
}

/** Whether `target`'s node loads the package's native part, as cdktf-cli will (a child process: a failed dlopen stays there). */
export function ptyLoads(ptyDir: string, target: NodeTarget = currentNode()): { ok: true } | { ok: false; reason: string } {
  const loader = path.join(ptyDir, "lib", "prebuild-loader.js");
  const r = spawnSync(target.execPath, ["-e", `require(${JSON.stringify(loader)})`], { encoding: "utf8", timeout: 60_000 });
  if (r.status === 0) return { ok: true };
  const lines = `${r.error?.message ?? ""}\n${r.stderr}`.split("\n").map((l) => l.trim());
  const reason = lines.find((l) => /^Error:/.test(l)) ?? lines.find((l) => /NODE_MODULE_VERSION|Cannot find module/.test(l)) ?? lines.find((l) => l) ?? `exit ${r.status}`;
  return { ok: false, reason: reason.replace(/^Error: /, "") };
}

/** Whether cdktf-cli's node-pty works on `target`: the loader's pick exists and loads. */
export function ptyReady(ptyDir: string, target: NodeTarget = currentNode()): boolean {
  return ptyBinary(ptyDir, target).kind !== "missing" && ptyLoads(ptyDir, target).ok;
}

/** A build that could not happen or failed; `message` says what is missing, in one line. */
export class PtyBuildError extends Error {}

const isFile = (file: string | undefined): file is string => Boolean(file) && fs.existsSync(file as string) && fs.statSync(file as string).isFile();

/** The first `name` on PATH, or undefined. */
export function onPath(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * node-gyp's bin/node-gyp.js: the one npm itself uses. In order: EGI_CDKTF_NODE_GYP; npm's pick
 * under `npm run` (npm_config_node_gyp); beside the npm running us (npm_execpath); beside the `npm`
 * on PATH (its real path is npm's bin/npm-cli.js); beside `node` (an official tarball's
 * lib/node_modules/npm); `$(npm prefix -g)/lib/node_modules/npm`; one installed in the app.
 */
export function findNodeGyp(appDir: string, env: Readonly<Record<string, string | undefined>> = process.env, execPath = process.execPath): string | undefined {
  const inNpm = (npmDir: string) => path.join(npmDir, "node_modules", "node-gyp", "bin", "node-gyp.js");
  const candidates: Array<() => string | undefined> = [
    () => env.EGI_CDKTF_NODE_GYP,
    () => env.npm_config_node_gyp,
    () => env.npm_execpath && inNpm(path.dirname(path.dirname(fs.realpathSync(env.npm_execpath)))),
    () => {
      const npm = onPath("npm", env);
      return npm && inNpm(path.dirname(path.dirname(fs.realpathSync(npm))));
    },
    () => inNpm(path.join(path.dirname(path.dirname(execPath)), "lib", "node_modules", "npm")),
    () => {
      const r = spawnSync("npm", ["prefix", "-g"], { encoding: "utf8", env: env as NodeJS.ProcessEnv, timeout: 30_000 });
      const prefix = r.status === 0 ? r.stdout.trim() : "";
      return prefix ? inNpm(path.join(prefix, "lib", "node_modules", "npm")) : undefined;
    },
    () => {
      const dir = findPackageDir("node-gyp", appDir);
      return dir && path.join(dir, "bin", "node-gyp.js");
    },
  ];
  for (const candidate of candidates) {
    try {
      const file = candidate();
      if (isFile(file)) return file;
    } catch {
      // a broken link or npm that does not run: the next one
    }
  }
  return undefined;
}

/** `<prefix>` of a Node install whose `<prefix>/include/node/node.h` exists (official package, distro with headers). */
export function nodeHeadersDir(target: NodeTarget): string | undefined {
  const prefix = path.dirname(path.dirname(fs.realpathSync(target.execPath)));
  return fs.existsSync(path.join(prefix, "include", "node", "node.h")) ? prefix : undefined;
}

export interface BuildOptions {
  /** The node-pty package to build for (its folder). */
  readonly ptyDir: string;
  /** The Node that will load it [the running one]. */
  readonly target?: NodeTarget;
  /** Where to look for an app-installed node-gyp and nan [ptyDir]. */
  readonly appDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface BuildResult {
  /** The binary, in place for the loader. */
  readonly file: string;
  readonly seconds: number;
  readonly target: NodeTarget;
  readonly nodeGyp: string;
  /** --nodedir given to node-gyp, when the install has headers. */
  readonly nodedir?: string;
}

/** What a native build needs on PATH besides node-gyp: one line per missing tool, empty when all are there. */
export function missingBuildTools(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const missing: string[] = [];
  const cxx = env.CXX?.split(/\s+/)[0];
  if (!(cxx ? onPath(cxx, env) ?? (isFile(cxx) ? cxx : undefined) : onPath("g++", env) ?? onPath("c++", env) ?? onPath("clang++", env))) {
    missing.push(cxx ? `C++ compiler CXX=${cxx}` : "C++ compiler (g++)");
  }
  if (!onPath("make", env)) missing.push("make");
  if (!(env.PYTHON ? isFile(env.PYTHON) || onPath(env.PYTHON, env) : onPath("python3", env) ?? onPath("python", env))) missing.push("python3");
  return missing;
}

/**
 * Build node-pty's pty.node for `target` offline and put it where the loader finds it for that ABI
 * (prebuilds/<platform>-<arch>/node.abi<N>.node). Throws PtyBuildError saying what is missing.
 */
export function buildPty(options: BuildOptions): BuildResult {
  const started = Date.now();
  const env = options.env ?? process.env;
  const target = options.target ?? currentNode();
  const ptyDir = fs.realpathSync(options.ptyDir);
  const appDir = options.appDir ?? ptyDir;
  const missing = missingBuildTools(env);
  if (missing.length > 0) throw new PtyBuildError(`no ${missing.join(", no ")} on PATH`);
  const nodeGyp = findNodeGyp(appDir, env, target.execPath);
  if (!nodeGyp) throw new PtyBuildError("no node-gyp found (npm's own copy, under $(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp)");
  const nanDir = findPackageDir("nan", ptyDir) ?? findPackageDir("nan", appDir);
  if (!nanDir) throw new PtyBuildError(`no nan package beside ${PTY_PACKAGE} (run npm install)`);
  const nodedir = nodeHeadersDir(target);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "egi-node-pty-"));
  try {
    // The package's sources only: not its prebuilds (megabytes) nor an old build/.
    const copy = path.join(work, "pkg");
    fs.cpSync(ptyDir, copy, {
      recursive: true,
      filter: (src) => !["prebuilds", "build", "node_modules"].includes(path.relative(ptyDir, src).split(path.sep)[0]),
    });
    fs.mkdirSync(path.join(copy, "node_modules"));
    fs.symlinkSync(nanDir, path.join(copy, "node_modules", "nan"), "dir");
    // node-gyp reads npm_config_* (target, nodedir, arch, ...) set by a surrounding `npm run`: not ours.
    const buildEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined && !/^npm_config_/i.test(k)) buildEnv[k] = v;
    // binding.gyp runs `node -e "require('nan')"`: the target's node first on PATH.
    buildEnv.PATH = [path.dirname(target.execPath), env.PATH ?? ""].join(path.delimiter);
    const args = [nodeGyp, "rebuild", "--release", `--jobs=${Math.max(1, Math.min(os.cpus().length, 4))}`];
    if (nodedir) args.push(`--nodedir=${nodedir}`);
    const r = spawnSync(target.execPath, args, { cwd: copy, env: buildEnv, encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    const built = path.join(copy, "build", "Release", "pty.node");
    if (r.status !== 0 || !fs.existsSync(built)) {
      const output = `${r.error?.message ?? ""}\n${r.stdout}\n${r.stderr}`;
      if (!nodedir && /getaddrinfo|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|download|tarball/i.test(output)) {
        throw new PtyBuildError(`no Node ${target.version} headers (${path.dirname(path.dirname(target.execPath))}/include/node/node.h) and node-gyp could not download them`);
      }
      const line = output.split("\n").map((l) => l.trim()).find((l) => /error|not found|No such file/i.test(l) && !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
      throw new PtyBuildError(`node-gyp failed${line ? `: ${line}` : ` (exit ${r.status})`}`);
    }
    // Copied beside its final name, checked to load there under the target node (right ABI, links;
    // not from the temp dir, which may be noexec), then renamed: the loader never sees a bad file.
    const dest = path.join(ptyDir, prebuildRelPath(target));
    const temp = path.join(path.dirname(dest), `.${path.basename(dest, ".node")}.${process.pid}.tmp.node`);
    try {
      try {
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.copyFileSync(built, temp);
      } catch (err) {
        throw new PtyBuildError(`cannot write ${dest}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const check = spawnSync(target.execPath, ["-e", `require(${JSON.stringify(temp)})`], { encoding: "utf8", timeout: 60_000 });
      if (check.status !== 0) {
        throw new PtyBuildError(`the built pty.node does not load in Node ${target.version}: ${check.stderr.trim().split("\n").find((l) => /Error/.test(l)) ?? `exit ${check.status}`}`);
      }
      fs.renameSync(temp, dest);
    } finally {
      fs.rmSync(temp, { force: true });
    }
    return { file: dest, seconds: (Date.now() - started) / 1000, target, nodeGyp, nodedir };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
