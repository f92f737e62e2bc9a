/**
 * `egi-cdktf doctor [--fix]`: the Node line check, whether the app's cdktf-cli can start on this
 * Node (node-pty binary for its ABI), one line per problem with what to run, exit codes, and --fix
 * building node-pty for real (pinned Node 24 from scripts/setup-node.sh, into a temp copy of the
 * package), idempotent.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDirsRemovedAfterAll, writeJson } from "../support/temp-dirs";
import type { Io } from "../../cli/command";
import { UsageError } from "../../cli/command";
import { doctorCommand, runDoctor, SUPPORTED_NODE_MAJORS } from "../../cli/commands/doctor";
import { currentNode, findPackageDir, nodeAt, type NodeTarget, PTY_PACKAGE } from "../../cli/node-pty";

const REPO = path.resolve(__dirname, "..", "..");
const REAL_PTY = findPackageDir(PTY_PACKAGE, path.join(REPO, "node_modules", "@cdktf", "cli-core")) as string;
const SHIPPED_ABIS = ["102", "108", "111", "115", "120", "127"];

const tempDirIn = tempDirsRemovedAfterAll();
const tempDir = (prefix = "egi-doctor-") => tempDirIn(prefix);

/** An app whose cdktf-cli 0.21.0 loads a copy of the real node-pty (shipped binaries only), nan beside it. */
function cdktfApp(): { app: string; ptyDir: string } {
  const app = tempDir();
  writeJson(path.join(app, "package.json"), { name: "app", devDependencies: { "cdktf-cli": "0.21.0" } });
  writeJson(path.join(app, "node_modules", "cdktf-cli", "package.json"), { name: "cdktf-cli", version: "0.21.0" });
  writeJson(path.join(app, "node_modules", "@cdktf", "cli-core", "package.json"), { name: "@cdktf/cli-core", version: "0.21.0" });
  const ptyDir = path.join(app, "node_modules", PTY_PACKAGE);
  fs.cpSync(REAL_PTY, ptyDir, {
    recursive: true,
    filter: (src) => {
      if (path.relative(REAL_PTY, src).split(path.sep)[0] === "build") return false;
      const abi = /node\.abi(\d+)\./.exec(path.basename(src));
      return !abi || SHIPPED_ABIS.includes(abi[1]);
    },
  });
  fs.symlinkSync(findPackageDir("nan", REAL_PTY) as string, path.join(app, "node_modules", "nan"), "dir");
  return { app, ptyDir };
}

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

async function doctor(dir: string, node: NodeTarget, fix = false, env: Io["env"] = process.env): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const status = await runDoctor({ dir, fix, node }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { status, stdout, stderr };
}

/** A Node of another version, for the version check only (the executable is the running one). */
const aged = (version: string): NodeTarget => ({ ...currentNode(), version });

describe("egi-cdktf doctor: the Node line", () => {
  test("GIVEN Node 20 in a folder without cdktf WHEN doctor runs THEN exit 1 and one line: end-of-life, which lines to install", async () => {
    const r = await doctor(tempDir(), aged("20.20.2"));
    expect(r).toEqual({ status: 1, stdout: "", stderr: expect.stringMatching(/^egi-cdktf: [^\n]+\n$/) });
    expect(r.stderr).toContain("Node 20.20.2 is end-of-life: install Node 22, 24 or 26");
  });

  test("GIVEN Node 25 (an odd line) WHEN doctor runs THEN exit 1 and one line naming the tested lines", async () => {
    const r = await doctor(tempDir(), aged("25.1.0"));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("egi-cdktf: Node 25.1.0 is not a line egi-fedcloud-cdktf is tested on: use Node 22, 24 or 26\n");
  });

  test.each(SUPPORTED_NODE_MAJORS.map((m) => [`${m}.0.0`]))("GIVEN Node %s and no cdktf-cli WHEN doctor runs THEN exit 0 and one line on stdout", async (version) => {
    const dir = tempDir();
    const r = await doctor(dir, aged(version));
    expect(r).toEqual({ status: 0, stdout: `egi-cdktf doctor: Node ${version} ready in ${dir}\n`, stderr: "" });
  });

  test("GIVEN a package.json listing cdktf-cli that is not installed WHEN doctor runs THEN exit 1 and one line: run npm install", async () => {
    const dir = tempDir();
    writeJson(path.join(dir, "package.json"), { devDependencies: { "cdktf-cli": "0.21.0" } });
    const r = await doctor(dir, aged("24.22.3"));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`egi-cdktf: cdktf-cli is in package.json but not installed in ${dir}: run npm install\n`);
  });
});

describe("egi-cdktf doctor: cdktf-cli on a Node without a node-pty binary", () => {
  let node24: NodeTarget;
  let app: string;
  let ptyDir: string;
  let file: string;

  beforeAll(() => {
    const setup = spawnSync(path.join(REPO, "scripts", "setup-node.sh"), ["24"], { encoding: "utf8" });
    if (setup.status !== 0) throw new Error(`scripts/setup-node.sh 24 failed: ${setup.stderr}`);
    node24 = nodeAt(path.join(setup.stdout.trim(), "node"));
    ({ app, ptyDir } = cdktfApp());
    file = path.join(ptyDir, "prebuilds", "linux-x64", `node.abi${node24.abi}.node`);
  }, 120_000);

  test("GIVEN Node 24 and cdktf-cli 0.21 WHEN doctor runs without --fix THEN exit 1, one line with both ways out, nothing built", async () => {
    const r = await doctor(app, node24);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
    expect(r.stderr).toContain("cdktf-cli 0.21.0 cannot start on Node 24.22.3");
    expect(r.stderr).toContain("run npx egi-cdktf doctor --fix, or use the cdktn target: egi-cdktf init --framework cdktn");
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN no compiler on PATH WHEN doctor --fix runs THEN exit 1, one line saying what is missing and the two ways out", async () => {
    const r = await doctor(app, node24, true, { PATH: tempDir("egi-doctor-nopath-") });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "egi-cdktf: cannot build node-pty for Node 24.22.3 (cdktf-cli 0.21.0 needs it): no C++ compiler (g++), no make, no python3 on PATH; " +
        "install what is missing and run npx egi-cdktf doctor --fix again, or use the cdktn target: egi-cdktf init --framework cdktn\n",
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN Node 24 WHEN doctor --fix runs twice THEN the first builds the ABI's binary (exit 0, says what it did), the second only confirms", async () => {
    const first = await doctor(app, node24, true);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const lines = first.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^built node-pty for Node 24\\.22\\.3 \\(ABI 137\\) in [\\d.]+ s: node_modules/@cdktf/node-pty-prebuilt-multiarch/prebuilds/linux-x64/node\\.abi137\\.node; cdktf-cli 0\\.21\\.0 can start now$`));
    expect(lines[1]).toBe(`egi-cdktf doctor: Node 24.22.3 and cdktf-cli 0.21.0 ready in ${app}`);
    const built = fs.statSync(file);

    const second = await doctor(app, node24, true);
    expect(second).toEqual({ status: 0, stdout: `egi-cdktf doctor: Node 24.22.3 and cdktf-cli 0.21.0 ready in ${app}\n`, stderr: "" });
    expect(fs.statSync(file).mtimeMs).toBe(built.mtimeMs);
    // And without --fix, the same Node is now fine.
    expect((await doctor(app, node24)).status).toBe(0);
  }, 180_000);

  test("GIVEN a binary for the ABI that does not load (corrupt) WHEN doctor runs THEN it is a problem, and --fix replaces it", async () => {
    const { app: other, ptyDir: otherPty } = cdktfApp();
    const bad = path.join(otherPty, "prebuilds", "linux-x64", `node.abi${node24.abi}.node`);
    fs.writeFileSync(bad, "not an ELF file");
    const r = await doctor(other, node24);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^egi-cdktf: cdktf-cli 0\.21\.0 cannot start on Node 24\.22\.3 \(node-pty does not load: [^\n]+\): run npx egi-cdktf doctor --fix[^\n]+\n$/);
    const fixed = await doctor(other, node24, true);
    expect(fixed.status).toBe(0);
    expect(fs.statSync(bad).size).toBeGreaterThan(10_000);
  }, 180_000);
});

describe("egi-cdktf doctor: the command", () => {
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
  });
  afterEach(() => process.chdir(cwd));

  test("GIVEN an unknown flag WHEN doctor runs THEN a usage error naming it", async () => {
    const io: Io = { stdout: () => undefined, stderr: () => undefined, env: {} };
    await expect(doctorCommand.run(["--frobnicate"], io)).rejects.toThrow(UsageError);
    await expect(doctorCommand.run(["extra"], io)).rejects.toThrow(/unexpected argument "extra"/);
  });

  test("GIVEN the current folder is an app with cdktf-cli whose node-pty loads here WHEN doctor runs THEN it checks that folder with the running Node", async () => {
    const { app } = cdktfApp();
    process.chdir(app);
    let stdout = "";
    let stderr = "";
    const status = await doctorCommand.run([], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env });
    const running = currentNode();
    const supported = (SUPPORTED_NODE_MAJORS as readonly number[]).includes(Number(running.version.split(".")[0]));
    const hasBinary = SHIPPED_ABIS.includes(running.abi);
    expect(status).toBe(supported && hasBinary ? 0 : 1);
    if (status === 0) expect(stdout).toBe(`egi-cdktf doctor: Node ${running.version} and cdktf-cli 0.21.0 ready in ${fs.realpathSync(app)}\n`);
    else expect(stderr).toMatch(supported ? /cdktf-cli 0\.21\.0 cannot start/ : new RegExp(`Node ${running.version} is`));
  }, 60_000);
});
