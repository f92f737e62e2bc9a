/**
 * cli/node-pty.ts: finding the node-pty package cdktf-cli loads, the loader's pick of a binary for a
 * Node ABI, what a build needs, and a real offline build (npm's node-gyp, the Node install's headers)
 * into a temp copy of the package, then a pty spawned with it. The build targets the running Node
 * when the package ships no binary for its ABI, else the pinned Node 24 from scripts/setup-node.sh.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDirsRemovedAfterAll, writeJson } from "../support/temp-dirs";
import {
  buildPty,
  currentNode,
  findCdktfPty,
  findNodeGyp,
  findPackageDir,
  missingBuildTools,
  nodeAt,
  type NodeTarget,
  PTY_PACKAGE,
  prebuildRelPath,
  PtyBuildError,
  ptyBinary,
  ptyLoads,
  ptyReady,
} from "../../cli/node-pty";

const REPO = path.resolve(__dirname, "..", "..");
const REAL_PTY = findPackageDir(PTY_PACKAGE, path.join(REPO, "node_modules", "@cdktf", "cli-core")) as string;
const REAL_NAN = findPackageDir("nan", REAL_PTY) as string;
/** The ABIs node-pty 0.10.2 ships for linux-x64 (a build here adds others: not counted). */
const SHIPPED_ABIS = ["102", "108", "111", "115", "120", "127"];

const tempDir = tempDirsRemovedAfterAll();
const fakePackage = (dir: string, name: string, version = "1.0.0") => writeJson(path.join(dir, "package.json"), { name, version });

/**
 * An app with cdktf-cli (0.21.0) -> @cdktf/cli-core -> a copy of the real node-pty package (its
 * sources and shipped prebuilds, none built here) and nan beside it, as npm lays them out.
 */
function ptyApp(prefix: string): { app: string; ptyDir: string } {
  const app = tempDir(prefix);
  fakePackage(app, "app");
  fakePackage(path.join(app, "node_modules", "cdktf-cli"), "cdktf-cli", "0.21.0");
  fakePackage(path.join(app, "node_modules", "@cdktf", "cli-core"), "@cdktf/cli-core", "0.21.0");
  const ptyDir = path.join(app, "node_modules", PTY_PACKAGE);
  fs.cpSync(REAL_PTY, ptyDir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(REAL_PTY, src);
      if (rel.split(path.sep)[0] === "build") return false;
      const abi = /node\.abi(\d+)\./.exec(path.basename(src));
      return !abi || SHIPPED_ABIS.includes(abi[1]);
    },
  });
  fs.symlinkSync(REAL_NAN, path.join(app, "node_modules", "nan"), "dir");
  return { app, ptyDir };
}

const target = (over: Partial<NodeTarget> = {}): NodeTarget => ({ ...currentNode(), platform: "linux", arch: "x64", musl: false, abi: "137", ...over });

describe("node-pty: the binary the loader picks", () => {
  test("GIVEN a Node ABI on glibc and on musl WHEN prebuildRelPath is asked THEN it names the loader's file for that ABI", () => {
    expect(prebuildRelPath(target())).toBe(path.join("prebuilds", "linux-x64", "node.abi137.node"));
    expect(prebuildRelPath(target({ abi: "147", musl: true, arch: "arm64" }))).toBe(path.join("prebuilds", "linux-arm64", "node.abi147.musl.node"));
  });

  test("GIVEN a package with a prebuild for ABI 127 only WHEN ptyBinary is asked for 127 and 137 THEN 127 is a prebuild, 137 missing (the file to build named)", () => {
    const dir = tempDir("egi-node-pty-pick-");
    fs.mkdirSync(path.join(dir, "prebuilds", "linux-x64"), { recursive: true });
    fs.writeFileSync(path.join(dir, "prebuilds", "linux-x64", "node.abi127.node"), "");
    expect(ptyBinary(dir, target({ abi: "127" }))).toEqual({ kind: "prebuild", file: path.join(dir, "prebuilds", "linux-x64", "node.abi127.node") });
    expect(ptyBinary(dir, target())).toEqual({ kind: "missing", file: path.join(dir, "prebuilds", "linux-x64", "node.abi137.node") });
  });

  test("GIVEN no prebuild for the ABI but a build/Release/pty.node WHEN ptyBinary is asked THEN the loader's fallback is named, and a prebuild still wins over it", () => {
    const dir = tempDir("egi-node-pty-pick-");
    fs.mkdirSync(path.join(dir, "build", "Release"), { recursive: true });
    fs.writeFileSync(path.join(dir, "build", "Release", "pty.node"), "");
    expect(ptyBinary(dir, target())).toEqual({ kind: "build", file: path.join(dir, "build", "Release", "pty.node") });
    fs.mkdirSync(path.join(dir, "prebuilds", "linux-x64"), { recursive: true });
    fs.writeFileSync(path.join(dir, "prebuilds", "linux-x64", "node.abi137.node"), "");
    expect(ptyBinary(dir, target()).kind).toBe("prebuild");
  });
});

describe("node-pty: the package cdktf-cli loads", () => {
  test("GIVEN node-pty nested under @cdktf/cli-core and another hoisted WHEN findCdktfPty runs from a subfolder of the app THEN it names cdktf-cli's version and the nested one", () => {
    const app = tempDir("egi-node-pty-find-");
    fakePackage(path.join(app, "node_modules", "cdktf-cli"), "cdktf-cli", "0.21.0");
    const core = path.join(app, "node_modules", "cdktf-cli", "node_modules", "@cdktf", "cli-core");
    fakePackage(core, "@cdktf/cli-core");
    fakePackage(path.join(core, "node_modules", PTY_PACKAGE), PTY_PACKAGE, "0.10.2");
    fakePackage(path.join(app, "node_modules", PTY_PACKAGE), PTY_PACKAGE, "0.9.0");
    fs.mkdirSync(path.join(app, "src", "deep"), { recursive: true });
    const found = findCdktfPty(path.join(app, "src", "deep"));
    expect(found).toEqual({
      cliDir: fs.realpathSync(path.join(app, "node_modules", "cdktf-cli")),
      cliVersion: "0.21.0",
      ptyDir: fs.realpathSync(path.join(core, "node_modules", PTY_PACKAGE)),
    });
  });

  test("GIVEN an app without cdktf-cli, and one whose cdktf-cli has no node-pty WHEN findCdktfPty runs THEN undefined, and no ptyDir", () => {
    const bare = tempDir("egi-node-pty-find-");
    expect(findCdktfPty(bare)).toBeUndefined();
    fakePackage(path.join(bare, "node_modules", "cdktf-cli"), "cdktf-cli", "0.22.0");
    expect(findCdktfPty(bare)).toEqual({ cliDir: fs.realpathSync(path.join(bare, "node_modules", "cdktf-cli")), cliVersion: "0.22.0", ptyDir: undefined });
  });

  test("GIVEN this repo WHEN findCdktfPty runs THEN it finds the installed cdktf-cli 0.21 and node-pty 0.10.2", () => {
    const found = findCdktfPty(REPO);
    expect(found?.cliVersion).toMatch(/^0\.21\./);
    expect(JSON.parse(fs.readFileSync(path.join(found?.ptyDir as string, "package.json"), "utf8")).version).toBe("0.10.2");
  });
});

describe("node-pty: what a build needs", () => {
  test("GIVEN EGI_CDKTF_NODE_GYP, npm's npm_config_node_gyp, or only an npm on PATH WHEN findNodeGyp runs THEN it takes them in that order, skipping a path that does not exist", () => {
    const dir = tempDir("egi-node-pty-gyp-");
    const mine = path.join(dir, "mine.js");
    const npms = path.join(dir, "npm-run.js");
    fs.writeFileSync(mine, "");
    fs.writeFileSync(npms, "");
    // An npm install: bin/npm (a link to bin/npm-cli.js) beside node_modules/node-gyp.
    const npmDir = path.join(dir, "lib", "node_modules", "npm");
    fs.mkdirSync(path.join(npmDir, "bin"), { recursive: true });
    fs.writeFileSync(path.join(npmDir, "bin", "npm-cli.js"), "", { mode: 0o755 });
    const gyp = path.join(npmDir, "node_modules", "node-gyp", "bin", "node-gyp.js");
    fs.mkdirSync(path.dirname(gyp), { recursive: true });
    fs.writeFileSync(gyp, "");
    fs.mkdirSync(path.join(dir, "bin"));
    fs.symlinkSync(path.join(npmDir, "bin", "npm-cli.js"), path.join(dir, "bin", "npm"));
    const PATH = path.join(dir, "bin");
    const noExec = path.join(dir, "none", "bin", "node");

    expect(findNodeGyp(dir, { EGI_CDKTF_NODE_GYP: mine, npm_config_node_gyp: npms, PATH }, noExec)).toBe(mine);
    expect(findNodeGyp(dir, { EGI_CDKTF_NODE_GYP: path.join(dir, "gone.js"), npm_config_node_gyp: npms, PATH }, noExec)).toBe(npms);
    expect(findNodeGyp(dir, { PATH }, noExec)).toBe(gyp);
  });

  test("GIVEN this machine's npm WHEN findNodeGyp runs with the real environment THEN it finds npm's own node-gyp", () => {
    const gyp = findNodeGyp(REPO) as string;
    expect(gyp).toMatch(/node-gyp[/\\]bin[/\\]node-gyp\.js$/);
    expect(fs.existsSync(gyp)).toBe(true);
  });

  test("GIVEN a PATH without compiler, make or python WHEN missingBuildTools and buildPty run THEN all three are named and the build refuses in one line, writing nothing", () => {
    const empty = tempDir("egi-node-pty-nopath-");
    expect(missingBuildTools({ PATH: empty })).toEqual(["C++ compiler (g++)", "make", "python3"]);
    expect(missingBuildTools({ PATH: empty, CXX: "clang++-99" })[0]).toBe("C++ compiler CXX=clang++-99");
    const { ptyDir } = ptyApp("egi-node-pty-nopath-");
    const before = fs.readdirSync(path.join(ptyDir, "prebuilds", "linux-x64")).sort();
    let error: unknown;
    try {
      buildPty({ ptyDir, target: target(), env: { PATH: empty } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PtyBuildError);
    expect((error as Error).message).toBe("no C++ compiler (g++), no make, no python3 on PATH");
    expect(fs.readdirSync(path.join(ptyDir, "prebuilds", "linux-x64")).sort()).toEqual(before);
  });
});

describe("node-pty: a real offline build", () => {
  let node: NodeTarget;
  let ptyDir: string;
  let loadsBefore: ReturnType<typeof ptyLoads>;
  let pickBefore: ReturnType<typeof ptyBinary>;

  beforeAll(() => {
    const running = currentNode();
    if (running.platform !== "linux" || running.arch !== "x64" || SHIPPED_ABIS.includes(running.abi)) {
      // The package has a binary for the running Node: build for the pinned Node 24 (ABI 137) instead.
      const setup = spawnSync(path.join(REPO, "scripts", "setup-node.sh"), ["24"], { encoding: "utf8" });
      if (setup.status !== 0) throw new Error(`scripts/setup-node.sh 24 failed: ${setup.stderr}`);
      node = nodeAt(path.join(setup.stdout.trim(), "node"));
    } else {
      node = running;
    }
    ({ ptyDir } = ptyApp("egi-node-pty-build-"));
    pickBefore = ptyBinary(ptyDir, node);
    loadsBefore = ptyLoads(ptyDir, node);
  }, 120_000);

  test("GIVEN a copy of node-pty 0.10.2 WHEN Node 24+ loads it before any build THEN nothing for its ABI: it fails as cdktf-cli does", () => {
    expect(pickBefore.kind).toBe("missing");
    expect(loadsBefore).toEqual({ ok: false, reason: expect.stringMatching(/Cannot find module '\.\.\/build\/Release\/pty\.node'/) });
  });

  test("GIVEN that copy and the Node's headers WHEN buildPty runs THEN the ABI's prebuild file is written, loads in that Node and spawns a pty", () => {
    const result = buildPty({ ptyDir, target: node });
    const file = path.join(ptyDir, "prebuilds", "linux-x64", `node.abi${node.abi}.node`);
    expect(result.file).toBe(file);
    expect(result.nodedir).toBe(path.dirname(path.dirname(fs.realpathSync(node.execPath))));
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(fs.existsSync(path.join(ptyDir, "build"))).toBe(false); // per ABI, not the shared build/ fallback
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith("."))).toEqual([]); // no temp file left
    expect(ptyBinary(ptyDir, node)).toEqual({ kind: "prebuild", file });
    expect(ptyReady(ptyDir, node)).toBe(true);
    // The package's own API, as cdktf-cli uses it: a process in a pseudo-terminal, its output read back.
    const script = `const pty = require(${JSON.stringify(ptyDir)});
      const p = pty.spawn("/bin/sh", ["-c", "echo pty-ok-$((6*7))"], { cols: 80, rows: 24 });
      let out = ""; p.onData((d) => (out += d));
      p.onExit(({ exitCode }) => { process.stdout.write(JSON.stringify({ exitCode, out, tty: true })); process.exit(0); });`;
    const run = spawnSync(node.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ exitCode: 0, out: expect.stringContaining("pty-ok-42"), tty: true });
  }, 180_000);

  test("GIVEN that build WHEN the shipped ABI 127 binary is looked up THEN it is still the package's own (one file per ABI, side by side)", () => {
    expect(ptyBinary(ptyDir, { ...node, abi: "127" })).toEqual({ kind: "prebuild", file: path.join(ptyDir, "prebuilds", "linux-x64", "node.abi127.node") });
    const ours = fs.readFileSync(path.join(ptyDir, "prebuilds", "linux-x64", "node.abi127.node"));
    expect(ours.equals(fs.readFileSync(path.join(REAL_PTY, "prebuilds", "linux-x64", "node.abi127.node")))).toBe(true);
  });
});
