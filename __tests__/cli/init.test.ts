/**
 * `egi-cdktf init [DIR]` through main(argv, io), no network: the files of a new app, pinned to this
 * package's version and its cdktf, the refusal of a folder in use (one line, exit 2, nothing
 * touched), usage errors (exit 2), and no half-written app when a write fails.
 * (The app itself installs, builds, tests and synthesizes in __tests__/package/consumer.test.ts.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { main } from "../../cli/egi-cdktf";
import { githubJobs, RECIPES, REPO } from "../examples/ci-recipes";

const ours = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
/** The cdktn toolchain egi-fedcloud-cdktn is built and tested with (scripts/build-cdktn.sh). */
const cdktnToolchain = JSON.parse(fs.readFileSync(path.join(REPO, "frameworks", "cdktn", "package.json"), "utf8"));
/** The framework this unit run is on (jest.cdktn.config.js sets EGI_FRAMEWORK): init's default. */
const runFramework: "cdktf" | "cdktn" = (globalThis as { EGI_FRAMEWORK?: "cdktn" }).EGI_FRAMEWORK ?? "cdktf";
const EXPECTED_FILES = [".github/workflows/deploy.yml", ".gitignore", "README.md", "cdktf.json", "main.test.ts", "main.ts", "package.json", "tsconfig.json"];

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { status, stdout, stderr };
}

/** A fresh parent folder under the run's temp root (removed with it, pass or fail). */
const parentDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "egi-init-"));

function filesBelow(dir: string, prefix = ""): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesBelow(dir, rel) : [rel];
  });
}

/** The fs module itself (an `import * as` binding is read-only): what init.ts calls, for spying. */
const realFs: typeof fs = require("node:fs");

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

function expectOneErrorLine(r: { status: number; stdout: string; stderr: string }, status: number): string {
  expect(r.status).toBe(status);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  return r.stderr;
}

describe("egi-cdktf init into a new folder", () => {
  let dir: string;
  let result: { status: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = path.join(parentDir(), "My App");
    result = await run(["init", dir, "--framework", "cdktf"]);
  });

  test("GIVEN a folder that does not exist WHEN init runs THEN exit 0 and exactly the app's files are written, no placeholder left", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(filesBelow(dir).sort()).toEqual(EXPECTED_FILES);
    for (const file of EXPECTED_FILES) expect([file, read(dir, file)]).not.toEqual([file, expect.stringMatching(/\{\{\w+\}\}/)]);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(["My App"]); // no staging folder left
    expect(fs.statSync(dir).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  test("GIVEN the new app WHEN its package.json is read THEN it pins this package's exact version and the cdktf, constructs, cdktf-cli, typescript and @types/node we pin", () => {
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(pkg.name).toBe("my-app");
    expect(pkg.dependencies).toEqual({ "egi-fedcloud-cdktf": ours.version, cdktf: "0.21.0", constructs: "10.4.2" });
    expect(pkg.dependencies.cdktf).toBe(ours.devDependencies.cdktf);
    expect(pkg.devDependencies).toEqual({ "@types/node": ours.devDependencies["@types/node"], "cdktf-cli": "0.21.0", typescript: "5.9.3" });
    expect(pkg.devDependencies["@types/node"]).toMatch(/^22\./);
    expect(pkg.allowScripts).toEqual(ours.allowScripts);
    expect(pkg.scripts.test).toBe("tsc && node --test dist/main.test.js");
    expect(pkg.engines).toEqual(ours.engines);
    expect(pkg.scripts.deploy).toBe("cdktf deploy");
    // cdktf-cli's node-pty for Node 24/26, built at install, never failing the install
    expect(pkg.scripts.postinstall).toBe("egi-cdktf doctor --fix || true");
  });

  test("GIVEN the new app WHEN cdktf.json and tsconfig.json are read THEN the app command compiles with tsc and runs dist/main.js, a project id is set", () => {
    const cdktf = JSON.parse(read(dir, "cdktf.json"));
    expect(cdktf.app).toBe("node_modules/.bin/tsc && node dist/main.js");
    expect(cdktf.language).toBe("typescript");
    expect(cdktf.projectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const tsconfig = JSON.parse(read(dir, "tsconfig.json"));
    expect(tsconfig.compilerOptions).toMatchObject({ outDir: "dist", rootDir: ".", strict: true });
  });

  test("GIVEN the new main.ts WHEN read THEN it imports the library and the hook by package name, runs the app through runApp and synthWithEgiTokens, and names its outputs server_id, server_ip, floating_ip and ssh_command", () => {
    const main = read(dir, "main.ts");
    expect(main).toMatch(/import \{ EgiSite, Flavor, KeyPair, MachineImage, SecurityGroup, VirtualMachine \} from "egi-fedcloud-cdktf";/);
    expect(main).toMatch(/import \{ runApp, synthWithEgiTokens \} from "egi-fedcloud-cdktf\/hook";/);
    expect(main).not.toMatch(/from "\.\.?\//); // nothing from this repository's folders
    expect(main).toMatch(/new EgiSite\(this, "site"\)/);
    expect(main).toMatch(/MachineImage\.fromRegistry\(\{ osDistro: "ubuntu", osVersion: "22\.04" \}\)/);
    expect(main).toMatch(/Flavor\.bestFit\(\{ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 \}\)/);
    expect([...main.matchAll(/new TerraformOutput\(this, "(\w+)"/g)].map((m) => m[1])).toEqual(["server_id", "server_ip", "floating_ip", "ssh_command"]);
    expect(main).toMatch(/runApp\(async \(\) => \{[\s\S]*await synthWithEgiTokens\(app\);[\s\S]*\}\);/);
    expect(main).toMatch(/new VmStack\(app, "my-app"\)/);
  });

  test("GIVEN the new .gitignore WHEN read THEN it ignores node_modules, dist, cdktf.out, .terraform and local state", () => {
    const lines = read(dir, ".gitignore").split("\n");
    for (const entry of ["node_modules/", "dist/", "cdktf.out/", ".terraform/", "*.tfstate", "*.tfstate.*"]) expect([entry, lines.includes(entry)]).toEqual([entry, true]);
  });

  test("GIVEN the new workflow WHEN parsed as GitHub reads it THEN it runs the example recipe's commands, after a check that each stack keeps team state, with the committed ssh-key.pub as the SSH key", () => {
    const example = githubJobs(RECIPES.github);
    const app = githubJobs(path.join(dir, ".github", "workflows", "deploy.yml"));
    expect(app.map((j) => j.name)).toEqual(example.map((j) => j.name));
    for (const job of app) {
      const fromExample = example.find((j) => j.name === job.name)!;
      const guard = job.commands.find((c) => c.startsWith("npx cdktf synth"));
      expect(guard).toMatch(/grep -L '"pg"' cdktf\.out\/stacks\/\*\/cdk\.tf\.json/);
      expect(job.commands.filter((c) => c !== guard)).toEqual(fromExample.commands);
      expect(job.env).toEqual({ ...fromExample.env, SSH_PUBLIC_KEY_FILE: "ssh-key.pub" });
    }
    expect(parse(read(dir, ".github/workflows/deploy.yml")).on).toEqual(parse(fs.readFileSync(RECIPES.github, "utf8")).on);
  });

  test("GIVEN init succeeded WHEN its output is read THEN it prints the next steps: cd, npm install, npx cdktf deploy", () => {
    const rel = path.relative(process.cwd(), dir);
    expect(result.stdout).toContain(`cd '${rel}' && npm install\n`);
    expect(result.stdout).toContain("npx cdktf deploy\n");
    expect(result.stdout).toContain(`a CDK for Terraform app (cdktf 0.21.0, egi-fedcloud-cdktf ${ours.version})`);
  });
});

test(`GIVEN no --framework WHEN init runs on ${runFramework} THEN the app is for ${runFramework}, the framework of the egi-cdktf that ran`, async () => {
  const dir = path.join(parentDir(), "default");
  const r = await run(["init", dir]);
  expect(r.status).toBe(0);
  const pkg = JSON.parse(read(dir, "package.json"));
  expect(Object.keys(pkg.dependencies).sort()).toEqual([runFramework, "constructs", `egi-fedcloud-${runFramework}`].sort());
  expect(r.stdout).toContain(`npx ${runFramework} deploy\n`);
});

describe("egi-cdktf init --framework cdktn: a CDK Terrain app", () => {
  let dir: string;
  let result: { status: number; stdout: string; stderr: string };
  beforeAll(async () => {
    dir = path.join(parentDir(), "terrain");
    result = await run(["init", dir, "--framework", "cdktn"]);
  });

  test("GIVEN --framework cdktn WHEN init runs THEN exit 0, the same files, and it says it made a CDK Terrain app", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(filesBelow(dir).sort()).toEqual(EXPECTED_FILES);
    expect(result.stdout).toContain(`a CDK Terrain app (cdktn 0.24.0, egi-fedcloud-cdktn ${ours.version})`);
    expect(result.stdout).toContain("npx cdktn deploy\n");
  });

  test("GIVEN the cdktn app's package.json WHEN read THEN it pins egi-fedcloud-cdktn at this version and cdktn, constructs, cdktn-cli as the cdktn toolchain does, and runs the cdktn CLI", () => {
    const pkg = JSON.parse(read(dir, "package.json"));
    const pins = cdktnToolchain.devDependencies;
    expect(pkg.dependencies).toEqual({ "egi-fedcloud-cdktn": ours.version, cdktn: pins.cdktn, constructs: pins.constructs });
    expect(pkg.devDependencies).toEqual({ "@types/node": pins["@types/node"], "cdktn-cli": pins["cdktn-cli"], typescript: pins.typescript });
    expect(pkg.dependencies.constructs).toMatch(/^10\.[67]\./); // cdktn 0.24's peer range
    expect(pkg.scripts).toMatchObject({ synth: "cdktn synth", deploy: "cdktn deploy", destroy: "cdktn destroy" });
    expect(pkg.allowScripts).toBeUndefined(); // no node-pty in cdktn-cli
    expect(pkg.scripts.postinstall).toBeUndefined();
    expect(pkg.engines).toEqual(ours.engines);
  });

  test("GIVEN the cdktn app's sources WHEN read THEN every import is from cdktn and egi-fedcloud-cdktn, none from cdktf", () => {
    const main = read(dir, "main.ts");
    expect(main).toContain('import { App, TerraformOutput, TerraformStack } from "cdktn";');
    expect(main).toContain('import { EgiSite, Flavor, KeyPair, MachineImage, SecurityGroup, VirtualMachine } from "egi-fedcloud-cdktn";');
    expect(main).toContain('import { runApp, synthWithEgiTokens } from "egi-fedcloud-cdktn/hook";');
    expect(read(dir, "main.test.ts")).toContain('import { Testing } from "cdktn";');
    for (const file of ["main.ts", "main.test.ts"]) expect([file, read(dir, file)]).not.toEqual([file, expect.stringMatching(/from "(cdktf|egi-fedcloud-cdktf)/)]);
    // cdktn keeps cdktf's project file and output folder
    expect(JSON.parse(read(dir, "cdktf.json")).app).toBe("node_modules/.bin/tsc && node dist/main.js");
    expect(read(dir, ".gitignore").split("\n")).toContain("cdktf.out/");
  });

  test("GIVEN the cdktn app's README and workflow WHEN read THEN they run npx cdktn, never npx cdktf", () => {
    const readme = read(dir, "README.md");
    expect(readme).toContain("A [CDK Terrain]");
    expect(readme).toContain("npx cdktn deploy");
    const workflow = read(dir, ".github/workflows/deploy.yml");
    expect(workflow).toContain("npx cdktn synth");
    expect(workflow).toContain("npx cdktn deploy '*' --auto-approve");
    for (const [file, text] of [["README.md", readme], ["deploy.yml", workflow]]) expect([file, /npx cdktf\b/.test(text)]).toEqual([file, false]);
  });
});

describe("egi-cdktf init into an existing folder", () => {
  test("GIVEN an empty folder, or one with only .git and a LICENSE WHEN init runs THEN the app is written beside them, which are left as they were", async () => {
    const empty = fs.mkdtempSync(path.join(parentDir(), "app-"));
    expect((await run(["init", empty])).status).toBe(0);
    expect(filesBelow(empty).sort()).toEqual(EXPECTED_FILES);

    const repo = fs.mkdtempSync(path.join(parentDir(), "app-"));
    fs.mkdirSync(path.join(repo, ".git"));
    fs.writeFileSync(path.join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(repo, "LICENSE"), "Apache-2.0\n");
    const r = await run(["init", repo]);
    expect(r.status).toBe(0);
    expect(filesBelow(repo).sort()).toEqual([".git/HEAD", "LICENSE", ...EXPECTED_FILES].sort());
    expect(read(repo, "LICENSE")).toBe("Apache-2.0\n");
    expect(fs.readdirSync(path.dirname(repo))).toEqual([path.basename(repo)]);
  });

  test.each`
    given                                      | entries
    ${"a file of the user's"}                  | ${["notes.txt"]}
    ${"a .gitignore init would overwrite"}     | ${[".gitignore"]}
    ${"a package.json and a LICENSE"}          | ${["LICENSE", "package.json"]}
  `("GIVEN a folder with $given WHEN init runs THEN exit 2, one line naming the folder and what is in the way, and nothing is written", async ({ entries }) => {
    const parent = parentDir();
    const dir = path.join(parent, "app");
    fs.mkdirSync(dir);
    for (const e of entries) fs.writeFileSync(path.join(dir, e), `mine: ${e}\n`);

    const line = expectOneErrorLine(await run(["init", dir]), 2);

    expect(line).toContain(`${dir} is not empty`);
    for (const e of entries.filter((x: string) => x !== "LICENSE")) expect(line).toContain(e);
    expect(fs.readdirSync(dir).sort()).toEqual([...entries].sort());
    for (const e of entries) expect(read(dir, e)).toBe(`mine: ${e}\n`);
    expect(fs.readdirSync(parent)).toEqual(["app"]);
  });

  test("GIVEN DIR is a file WHEN init runs THEN exit 2 with one line, the file unchanged", async () => {
    const file = path.join(parentDir(), "app");
    fs.writeFileSync(file, "x");
    const line = expectOneErrorLine(await run(["init", file]), 2);
    expect(line).toContain(`${file} exists and is not a folder`);
    expect(fs.readFileSync(file, "utf8")).toBe("x");
  });

  test("GIVEN DIR's parent folder does not exist WHEN init runs THEN exit 2 with one line, and no folder is created", async () => {
    const parent = parentDir();
    const line = expectOneErrorLine(await run(["init", path.join(parent, "missing", "app")]), 2);
    expect(line).toContain(`${path.join(parent, "missing")} does not exist`);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe("egi-cdktf init never leaves half an app", () => {
  afterEach(() => jest.restoreAllMocks());

  test("GIVEN a write that fails halfway WHEN init runs into a new folder THEN the error is one line and neither the folder nor a staging folder exists", async () => {
    const parent = parentDir();
    const real = fs.writeFileSync;
    let writes = 0;
    jest.spyOn(realFs, "writeFileSync").mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++writes === 4) throw new Error("ENOSPC: no space left on device, write");
      return real(...args);
    });

    const line = expectOneErrorLine(await run(["init", path.join(parent, "app")]), 1);

    expect(writes).toBe(4);
    expect(line).toContain("ENOSPC");
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test("GIVEN an existing empty folder and a move that fails after some entries WHEN init runs THEN the entries already moved are taken back and the folder is empty again", async () => {
    const parent = parentDir();
    const dir = path.join(parent, "app");
    fs.mkdirSync(dir);
    const real = fs.renameSync;
    let renames = 0;
    jest.spyOn(realFs, "renameSync").mockImplementation((from: fs.PathLike, to: fs.PathLike) => {
      if (++renames === 3) throw new Error("EXDEV: cross-device link not permitted, rename");
      return real(from, to);
    });

    const line = expectOneErrorLine(await run(["init", dir]), 1);

    expect(line).toContain("EXDEV");
    expect(renames).toBeGreaterThan(3); // two moved, one failed, two taken back
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual(["app"]);
  });
});

describe("egi-cdktf init usage", () => {
  test.each`
    given                     | args                              | message
    ${"two folders"}          | ${["init", "a", "b"]}             | ${"init takes one DIR, got 2 arguments"}
    ${"a settings flag"}      | ${["init", "--auth-url", "x"]}    | ${"--auth-url does not apply to init"}
    ${"an unknown flag"}      | ${["init", "--force"]}            | ${"Unknown option '--force'"}
    ${"an unknown framework"} | ${["init", "--framework", "cdk"]} | ${"--framework cdk is not a framework egi-cdktf knows; use cdktf (CDK for Terraform 0.21) or cdktn (CDK Terrain 0.24)"}
  `("GIVEN $given WHEN init runs THEN exit 2 with one usage line", async ({ args, message }) => {
    const line = expectOneErrorLine(await run(args), 2);
    expect(line).toContain(message);
    expect(line).toContain("(see egi-cdktf init --help)");
  });

  test("GIVEN --help WHEN run THEN the usage names DIR and the next steps; egi-cdktf --help lists init with the module's summary", async () => {
    const help = await run(["init", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: egi-cdktf init \[DIR\]/);
    expect(help.stdout).toContain(`npx ${runFramework} deploy`);
    // The entry's summary (shown without loading the module) is the module's own.
    const { initCommand } = require("../../cli/commands/init");
    const summary = initCommand.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect((await run(["--help"])).stdout).toMatch(new RegExp(`^ {2}init +${summary}$`, "m"));
  });
});
