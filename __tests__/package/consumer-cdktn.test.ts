/**
 * egi-fedcloud-cdktn as a CDK Terrain user gets it, with no site and no credential: `npm pack` of
 * the staged cdktn build (scripts/build-package.sh cdktn, in frameworks/cdktn/pkg; packed with
 * --ignore-scripts), then
 *  (i)  the tarball: the compiled library, hook, every binding (made by cdktn's generator, importing
 *       cdktn and never cdktf), the CLI, the assembly and API.md, the bundled runtime dependencies;
 *  (ii) a fresh app with cdktn, constructs, cdktn-cli and typescript at the toolchain's pins installs
 *       it, type-checks against its .d.ts (module node16, through the exports map), rejects a
 *       misspelled prop, and `npx cdktn synth` writes the server and the openstack 3.4.0 provider.
 * cdktn-cli 0.24 needs Node >= 22.19: the synth test fails on an older Node, saying so.
 * Mirrors the key parts of consumer.test.ts (the cdktf package).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readManifest, readProject, synthesize } from "../../cli/plan-summary/synth";
import { writeConsumerApp } from "../support/consumer-app";

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, "..", "..");
const PKG = path.join(REPO, "frameworks", "cdktn", "pkg");
const toolchain = JSON.parse(fs.readFileSync(path.join(REPO, "frameworks", "cdktn", "package.json"), "utf8")).devDependencies;
const CDKTN_CLI_NODE = [22, 19];

/** A user's shell: no credential (the hook stays idle), no TF_* (this machine's config file is missing), no npm_* of `npm test`. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CHECKIN_|OIDC_|OS_|EGI_|PG|TF_|npm_)/.test(k) && !/^npm_config_(cache|registry|userconfig)$/.test(k)) continue;
    env[k] = v;
  }
  // the node running this test first on PATH: npx and the app's scripts use it too
  return { ...env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ""}`, CHECKPOINT_DISABLE: "1", ...extra };
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

function run(command: string, args: string[], cwd: string, env = userEnv()): Run {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 240_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

/** Exit 0, or fail showing the end of the output. */
function expectSuccess(r: Run, what: string): void {
  expect([what, r.status, r.status === 0 ? "" : r.output.slice(-3000)]).toEqual([what, 0, ""]);
}

let root: string;
let tarball: string;
let files: string[];
let pkgJson: Record<string, any>;

beforeAll(() => {
  if (!fs.existsSync(path.join(PKG, "lib", "constructs", "index.js")) || !fs.existsSync(path.join(PKG, ".jsii"))) {
    throw new Error("no cdktn package build in frameworks/cdktn/pkg: run scripts/build-package.sh cdktn first");
  }
  pkgJson = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8"));
  root = fs.mkdtempSync(path.join(os.tmpdir(), "egi-package-cdktn-"));
  expectSuccess(run("npm", ["pack", "--ignore-scripts", "--pack-destination", root], PKG), "npm pack");
  const tgz = fs.readdirSync(root).filter((f) => f.endsWith(".tgz"));
  expect(tgz).toEqual([`egi-fedcloud-cdktn-${pkgJson.version}.tgz`]);
  tarball = path.join(root, tgz[0]);
  files = run("tar", ["-tzf", tarball], root).stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("(i) the tarball", () => {
  test("GIVEN the packed cdktn build WHEN listed THEN it holds the library, the hook, every binding, the CLI, the assembly and API.md, and only the bundled runtime dependencies", () => {
    for (const f of ["package.json", "bin/egi-cdktf", ".jsii", "API.md", "lib/constructs/index.js", "lib/constructs/index.d.ts", "lib/auth/hook.js", "lib/auth/hook.d.ts", "lib/cli/egi-cdktf.js", "cli/init/template/main.ts.tpl"]) {
      expect([f, files.includes(f)]).toEqual([f, true]);
    }
    const generated = fs.readdirSync(path.join(REPO, ".gen", "providers", "openstack"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(generated.length).toBeGreaterThan(150);
    expect(generated.flatMap((m) => ["index.js", "index.d.ts"].map((f) => `lib/.gen/providers/openstack/${m}/${f}`)).filter((f) => !files.includes(f))).toEqual([]);
    expect([...new Set(files.filter((f) => f.startsWith("node_modules/")).map((f) => f.split("/")[1]))].sort()).toEqual(["@isaacs", "jose", "minipass", "minizlib", "oauth4webapi", "openid-client", "tar", "undici", "validate-npm-package-name", "write-file-atomic", "yaml"]);
    const own = files.filter((f) => !f.startsWith("node_modules/"));
    expect(own.filter((f) => /^(constructs|auth|\.gen)\/|\.tsbuildinfo$|\.map$|^tsconfig/.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)))).toEqual([]);
  });

  test("GIVEN the compiled modules in the tarball WHEN searched THEN they load cdktn, never cdktf", () => {
    const dir = path.join(root, "unpacked");
    fs.mkdirSync(dir);
    expectSuccess(run("tar", ["-xzf", tarball, "-C", dir], root), "tar -x");
    const lib = path.join(dir, "package", "lib");
    const compiled = (fs.readdirSync(lib, { recursive: true }) as string[]).filter((f) => /\.(js|d\.ts)$/.test(f));
    const loadsCdktf = compiled.filter((f) => /require\("cdktf(\/[^"]*)?"\)|from ["']cdktf["']/.test(fs.readFileSync(path.join(lib, f), "utf8")));
    expect(loadsCdktf).toEqual([]);
    for (const f of ["constructs/virtual-machine.js", ".gen/providers/openstack/compute-instance-v2/index.js", "auth/hook.js"]) {
      expect([f, /require\("cdktn"\)/.test(fs.readFileSync(path.join(lib, f), "utf8"))]).toEqual([f, true]);
    }
  });
});

describe("(ii) a fresh CDK Terrain app", () => {
  let dir: string;
  let installed: Run;

  beforeAll(() => {
    dir = path.join(root, "consumer");
    writeConsumerApp(dir, {
      name: "consumer-cdktn",
      framework: "cdktn",
      ourPackage: "egi-fedcloud-cdktn",
      tarball,
      dependencies: { cdktn: toolchain.cdktn, constructs: toolchain.constructs },
      devDependencies: { "cdktn-cli": toolchain["cdktn-cli"], typescript: toolchain.typescript, "@types/node": toolchain["@types/node"] },
    });
    installed = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
  });

  test("GIVEN the tarball and cdktn's toolchain pins WHEN npm installs them THEN it succeeds, with one cdktn and one constructs shared by the app and the library, and no cdktf", () => {
    expectSuccess(installed, "npm install");
    const nm = path.join(dir, "node_modules");
    expect(JSON.parse(fs.readFileSync(path.join(nm, "egi-fedcloud-cdktn", "package.json"), "utf8")).version).toBe(pkgJson.version);
    expect(JSON.parse(fs.readFileSync(path.join(nm, "cdktn", "package.json"), "utf8")).version).toBe("0.24.0");
    expect(JSON.parse(fs.readFileSync(path.join(nm, "constructs", "package.json"), "utf8")).version).toBe("10.7.2");
    for (const nested of ["cdktn", "constructs", "cdktf"]) expect([nested, fs.existsSync(path.join(nm, "egi-fedcloud-cdktn", "node_modules", nested))]).toEqual([nested, false]);
    expect(fs.existsSync(path.join(nm, "cdktf"))).toBe(false);
  });

  test("GIVEN main.ts importing the library, the hook and bindings from egi-fedcloud-cdktn and App from cdktn WHEN tsc --noEmit runs (module node16, library .d.ts checked) THEN it type-checks", () => {
    expectSuccess(run(path.join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], dir), "tsc --noEmit");
  });

  test("GIVEN a typo in a VirtualMachine prop WHEN tsc --noEmit runs THEN it fails on that prop: the types are the library's, not any", () => {
    fs.writeFileSync(
      path.join(dir, "typo.ts"),
      `import { App, TerraformStack } from "cdktn";
import { Flavor, MachineImage, VirtualMachine } from "egi-fedcloud-cdktn";
new VirtualMachine(new TerraformStack(new App(), "s"), "vm", { image: MachineImage.fromId("i"), flavour: Flavor.fromId("f") });
`,
    );
    try {
      const r = run(path.join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "--strict", "--skipLibCheck", "--module", "node16", "--types", "node", "typo.ts"], dir);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/typo\.ts\(3,\d+\): error TS\d+: Object literal may only specify known properties, (and|but) 'flavour' does not exist in type 'VirtualMachineProps'/);
    } finally {
      fs.rmSync(path.join(dir, "typo.ts"));
    }
  });

  test("GIVEN the app WHEN npx cdktn synth runs (cdktn-cli, no credential) THEN cdk.tf.json has the server, the server group and the pinned provider, cdktn 0.24.0's metadata, and nothing prints ERROR", () => {
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < CDKTN_CLI_NODE[0] || (major === CDKTN_CLI_NODE[0] && minor < CDKTN_CLI_NODE[1])) {
      throw new Error(`cdktn-cli 0.24 needs Node >= ${CDKTN_CLI_NODE.join(".")}; this test runs on ${process.version}: run the suite on Node 22.19+ (scripts/setup-node.sh)`);
    }
    const r = run("npx", ["--no-install", "cdktn", "synth"], dir);
    expectSuccess(r, "cdktn synth");
    expect(r.output).not.toMatch(/ERROR/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "consumer", "cdk.tf.json"), "utf8"));
    expect(json["//"].metadata.version).toBe("0.24.0");
    expect(Object.values(json.resource.openstack_compute_instance_v2)).toEqual([expect.objectContaining({ name: "consumer-vm" })]);
    expect(json.terraform.required_providers.openstack).toEqual({ source: "terraform-provider-openstack/openstack", version: "3.4.0" });
    expect(json.output.same_binding.value).toBe("true");
    expect(Object.values(json.resource.openstack_compute_servergroup_v2)).toEqual([expect.objectContaining({ name: "workers", policies: ["anti-affinity"] })]);
  });

  test("GIVEN the cdktn app WHEN egi-cdktf plan-summary's synth step runs it (its cdktf.json app command, as cdktn-cli does) THEN the stack is found with the annotations cdktn gave", async () => {
    const project = readProject(dir);
    await synthesize(project, { PATH: process.env.PATH, HOME: process.env.HOME });
    const stacks = readManifest(project);
    expect(stacks.map((st) => st.name)).toEqual(["consumer"]);
    expect(fs.existsSync(path.join(stacks[0].dir, "cdk.tf.json"))).toBe(true);
    expect(stacks[0].annotations).toEqual([expect.objectContaining({ level: "warning", message: expect.stringContaining("the smallest flavor with at least 1 vCPUs") })]);
  });
});
