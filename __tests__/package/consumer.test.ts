/**
 * The package as a user gets it, with no site and no credential: `npm pack` once for the file, of
 * the package build in lib/ (`npm run build`, which npm test runs first; packed with
 * --ignore-scripts so that no test rebuilds files another test is reading), then
 *  (i)   the tarball's file list and package.json: the compiled library, hook, bindings and CLI,
 *        the init templates, and none of the tests, site scripts, bench, example stacks or sources;
 *  (ii)  a hand-written consumer project installs it with npm, type-checks against its .d.ts through
 *        the `exports` map (module node16), synthesizes a stack with a VirtualMachine, and runs
 *        `npx egi-cdktf --help`;
 *  (iii) `egi-cdktf init` from that installed package makes an app that installs (the tarball in
 *        place of the registry version it pins), builds, passes its own tests and `cdktf synth`s
 *        (module commonjs: the subpaths resolve through `typesVersions`).
 * Set EGI_CDKTF_TEST_TIMINGS=1 to print how long each step took.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pinToTarball, writeConsumerApp } from "../support/consumer-app";

jest.setTimeout(240_000);

const REPO = path.resolve(__dirname, "..", "..");
const ours = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const timings: Array<[string, number]> = [];

/**
 * The environment of a user's shell: no credential of any kind (so the hook stays idle and nothing
 * reaches a site), no TF_CLI_CONFIG_FILE (a user has none; this machine's points at a missing
 * file), none of the npm_* variables `npm test` would hand down.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CHECKIN_|OIDC_|OS_|EGI_|PG|TF_|npm_)/.test(k) && !/^npm_config_(cache|registry|userconfig)$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, CHECKPOINT_DISABLE: "1", ...extra };
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/** `command args` in `cwd`, timed; never throws on a non-zero exit. */
function run(step: string, command: string, args: string[], cwd: string, env = userEnv()): Run {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 180_000 });
  timings.push([step, Date.now() - started]);
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

/** Exit 0, or fail showing the end of the output. */
function expectSuccess(r: Run, what: string): void {
  expect([what, r.status, r.status === 0 ? "" : r.output.slice(-3000)]).toEqual([what, 0, ""]);
}

const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
const npm = (step: string, args: string[], cwd: string) => run(step, "npm", args, cwd);
const tarFiles = (tgz: string) => run("tar -tzf", "tar", ["-tzf", tgz], REPO).stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
const synthesized = (dir: string, stack: string) => JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8"));

let root: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "egi-package-"));
  if (!fs.existsSync(path.join(REPO, "lib", "constructs", "index.js")) || !fs.existsSync(path.join(REPO, ".jsii"))) {
    throw new Error("no package build in lib/ (or no .jsii): run npm run build first (npm test does)");
  }
  const packed = npm("npm pack --ignore-scripts (of lib/)", ["pack", "--ignore-scripts", "--pack-destination", root], REPO);
  expectSuccess(packed, "npm pack");
  const tgz = fs.readdirSync(root).filter((f) => f.endsWith(".tgz"));
  expect(tgz).toEqual([`egi-fedcloud-cdktf-${ours.version}.tgz`]);
  tarball = path.join(root, tgz[0]);
  files = tarFiles(tarball);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  if (process.env.EGI_CDKTF_TEST_TIMINGS) process.stderr.write(`consumer.test.ts timings:\n${timings.map(([s, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${s}`).join("\n")}\n`);
});

describe("(i) the tarball", () => {
  test("GIVEN the packed tarball WHEN listed THEN it holds the library, the hook, every generated binding, the CLI and its bin, init's templates, the jsii assembly and API.md", () => {
    for (const f of [
      "package.json",
      "bin/egi-cdktf",
      ".jsii",
      "API.md",
      "lib/constructs/index.js",
      "lib/constructs/index.d.ts",
      "lib/auth/hook.js",
      "lib/auth/hook.d.ts",
      "lib/cli/egi-cdktf.js",
      "lib/cli/commands/init.js",
      "cli/init/template/main.ts.tpl",
      "cli/init/template/_github/workflows/deploy.yml.tpl",
    ]) {
      expect([f, files.includes(f)]).toEqual([f, true]);
    }
    // every binding of the provider, not only those the constructs use: the escape hatch's
    // egi-fedcloud-cdktf/providers/openstack/<resource> works for any resource
    const generated = fs.readdirSync(path.join(REPO, ".gen", "providers", "openstack"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(generated.length).toBeGreaterThan(150);
    const missing = generated.flatMap((m) => ["index.js", "index.d.ts"].map((f) => `lib/.gen/providers/openstack/${m}/${f}`)).filter((f) => !files.includes(f));
    expect(missing).toEqual([]);
  });

  test("GIVEN the packed README WHEN its links into docs/ and API.md are followed THEN each page is in the tarball: the README's links work where the package is installed", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const targets = [...new Set([...readme.matchAll(/\]\(((?:docs\/[\w.-]+\.md)|API\.md)(?:#[^)]*)?\)/g)].map((m) => m[1]))];
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((t) => !files.includes(t))).toEqual([]);
  });

  test("GIVEN the packed tarball WHEN listed THEN it holds no tests, site scripts, bench, example stacks, app, build info, source maps or .ts sources; only the runtime dependencies (and what they need) are bundled", () => {
    const own = files.filter((f) => !f.startsWith("node_modules/"));
    const forbidden = own.filter(
      (f) =>
        /(^|\/)__tests__\//.test(f) ||
        /^(site|bench|stacks|scripts|examples|constructs|auth|provider-schema|\.gen|\.site|\.ci)\//.test(f) ||
        /^(dist|dist-lang)\//.test(f) ||
        /^lib\/(stacks|__tests__|scripts)\//.test(f) ||
        /^lib\/main\./.test(f) ||
        /^main\.ts$/.test(f) ||
        /\.tsbuildinfo$|\.map$/.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)),
    );
    expect(forbidden).toEqual([]);
    // jsii needs the non-jsii runtime dependencies bundled: they (and what they need) are all there is in node_modules/
    expect([...new Set(files.filter((f) => f.startsWith("node_modules/")).map((f) => f.split("/")[1]))].sort()).toEqual(["@isaacs", "jose", "minipass", "minizlib", "oauth4webapi", "openid-client", "tar", "undici", "validate-npm-package-name", "write-file-atomic", "yaml"]);
    // nothing of the repo's own project files, and the only cli/ files are init's templates
    expect(files.filter((f) => f.startsWith("cli/") && !f.startsWith("cli/init/template/"))).toEqual([]);
    for (const f of ["cdktf.json", "tsconfig.json", "jest.config.js", "package-lock.json"]) expect([f, files.includes(f)]).toEqual([f, false]);
  });

  test("GIVEN the compiled modules in the tarball WHEN matched to the sources THEN each has its .ts source (no output of a deleted or renamed module)", () => {
    const stale = files
      .filter((f) => /^lib\/.*(\.js|\.d\.ts)$/.test(f))
      .filter((f) => !fs.existsSync(path.join(REPO, f.replace(/^lib\//, "").replace(/(\.d\.ts|\.js)$/, ".ts"))));
    expect(stale).toEqual([]);
  });

  test("GIVEN the tarball's package.json WHEN read THEN it is public, has the exports map with types conditions, the bin, and cdktf and constructs as peer dependencies only", () => {
    const pkg = JSON.parse(run("tar -xO package.json", "tar", ["-xzOf", tarball, "package/package.json"], REPO).stdout);
    expect(pkg.name).toBe("egi-fedcloud-cdktf");
    expect(pkg.version).toBe(ours.version);
    expect(pkg.private).toBeUndefined();
    expect(pkg.exports).toEqual({
      ".": { types: "./lib/constructs/index.d.ts", default: "./lib/constructs/index.js" },
      "./hook": { types: "./lib/auth/hook.d.ts", default: "./lib/auth/hook.js" },
      "./providers/openstack/*": { types: "./lib/.gen/providers/openstack/*/index.d.ts", default: "./lib/.gen/providers/openstack/*/index.js" },
      "./package.json": "./package.json",
    });
    for (const target of [pkg.main, pkg.types, "lib/auth/hook.d.ts", ...Object.values(pkg.typesVersions["*"]).flat().map(String).filter((t) => !t.includes("*"))]) {
      expect([target, files.includes(target.replace(/^\.\//, ""))]).toEqual([target, true]);
    }
    expect(pkg.bin).toEqual({ "egi-cdktf": "bin/egi-cdktf" });
    expect(pkg.peerDependencies).toEqual({ cdktf: "^0.21.0", constructs: "^10.4.2" });
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["openid-client", "tar", "undici", "validate-npm-package-name", "write-file-atomic", "yaml"]);
    expect([...pkg.bundledDependencies].sort()).toEqual(["openid-client", "tar", "undici", "validate-npm-package-name", "write-file-atomic", "yaml"]);
    expect(pkg.jsii.targets.python).toEqual({ distName: "egi-fedcloud-cdktf", module: "egi_fedcloud_cdktf" });
  });
});

describe("(ii) a fresh consumer project", () => {
  let dir: string;
  let installed: Run;

  beforeAll(() => {
    dir = path.join(root, "consumer");
    writeConsumerApp(dir, {
      name: "consumer",
      framework: "cdktf",
      ourPackage: "egi-fedcloud-cdktf",
      tarball,
      dependencies: { cdktf: "0.21.0", constructs: "10.4.2" },
      devDependencies: { typescript: ours.devDependencies.typescript, "@types/node": ours.devDependencies["@types/node"] },
    });
    installed = npm("consumer: npm install (tarball + cdktf, constructs, typescript)", NPM_INSTALL, dir);
  });

  test("GIVEN the tarball as a dependency WHEN npm installs it THEN it succeeds, with one cdktf and one constructs (the peers) shared by the app and the library", () => {
    expectSuccess(installed, "npm install");
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "egi-fedcloud-cdktf", "package.json"), "utf8"));
    expect(pkg.version).toBe(ours.version);
    expect(fs.existsSync(path.join(dir, "node_modules", "egi-fedcloud-cdktf", "node_modules", "cdktf"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "node_modules", "egi-fedcloud-cdktf", "node_modules", "constructs"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "cdktf", "package.json"), "utf8")).version).toBe("0.21.0");
  });

  test("GIVEN the tarball WHEN npm installs it THEN npm asks no one to trust an install script of ours: the package declares none (its build runs at pack time)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "egi-fedcloud-cdktf", "package.json"), "utf8"));
    const installTime = ["preinstall", "install", "postinstall", "prepare"].filter((s) => pkg.scripts?.[s] !== undefined);
    expect(installTime).toEqual([]);
    expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/egi-fedcloud-cdktf@\S+ \(/);
    expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/install scripts not yet covered by allowScripts/);
  });

  test("GIVEN main.ts importing the library, the hook and a binding by package name WHEN tsc --noEmit runs (module node16, library .d.ts checked) THEN it type-checks", () => {
    expectSuccess(run("consumer: tsc --noEmit", path.join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], dir), "tsc --noEmit");
  });

  test("GIVEN a typo in a VirtualMachine prop WHEN tsc --noEmit runs THEN it fails on that prop: the types are the library's, not any", () => {
    fs.writeFileSync(
      path.join(dir, "typo.ts"),
      `import { App, TerraformStack } from "cdktf";
import { Flavor, MachineImage, VirtualMachine } from "egi-fedcloud-cdktf";
new VirtualMachine(new TerraformStack(new App(), "s"), "vm", { image: MachineImage.fromId("i"), flavour: Flavor.fromId("f") });
`,
    );
    try {
      const r = run("consumer: tsc --noEmit (typo)", path.join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "--strict", "--skipLibCheck", "--module", "node16", "--types", "node", "typo.ts"], dir);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/typo\.ts\(3,\d+\): error TS\d+: Object literal may only specify known properties, (and|but) 'flavour' does not exist in type 'VirtualMachineProps'/);
    } finally {
      fs.rmSync(path.join(dir, "typo.ts"));
    }
  });

  test("GIVEN the consumer app WHEN built and run as cdktf runs it (CDKTF_OUTDIR set, no credential) THEN cdk.tf.json has the openstack_compute_instance_v2 and the pinned provider, and it prints no error", () => {
    expectSuccess(run("consumer: tsc (build)", path.join(dir, "node_modules", ".bin", "tsc"), ["-p", ".", "--skipLibCheck"], dir), "tsc");
    const r = run("consumer: node dist/main.js (synth)", process.execPath, ["dist/main.js"], dir, userEnv({ CDKTF_OUTDIR: path.join(dir, "cdktf.out") }));
    expectSuccess(r, "synth");
    expect(r.output).not.toMatch(/ERROR|WARN|Warning/);
    const json = synthesized(dir, "consumer");
    expect(Object.values(json.resource.openstack_compute_instance_v2)).toEqual([expect.objectContaining({ name: "consumer-vm" })]);
    expect(json.terraform.required_providers.openstack).toEqual({ source: "terraform-provider-openstack/openstack", version: "3.4.0" });
    expect(json.output.same_binding.value).toBe("true");
    expect(Object.values(json.resource.openstack_compute_servergroup_v2)).toEqual([expect.objectContaining({ name: "workers", policies: ["anti-affinity"] })]);
  });

  test("GIVEN the installed package WHEN the consumer runs npx egi-cdktf --help THEN exit 0 and the commands are listed", () => {
    const r = run("consumer: npx egi-cdktf --help", "npx", ["--no-install", "egi-cdktf", "--help"], dir);
    expectSuccess(r, "egi-cdktf --help");
    expect(r.stdout).toMatch(/^Usage: egi-cdktf COMMAND/);
    for (const c of ["init", "token", "projects", "env", "exec", "sites", "plan-summary"]) expect([c, new RegExp(`^  ${c} `, "m").test(r.stdout)]).toEqual([c, true]);
    expect(r.stderr).toBe("");
  });
});

describe("(iii) egi-cdktf init from the installed package", () => {
  let consumer: string;
  let dir: string;
  let init: Run;

  beforeAll(() => {
    consumer = path.join(root, "consumer");
    dir = path.join(root, "starter");
    init = run("init: npx egi-cdktf init", "npx", ["--no-install", "egi-cdktf", "init", dir], consumer);
  });

  test("GIVEN the installed package WHEN egi-cdktf init runs THEN the app pins this version and the next steps are printed", () => {
    expectSuccess(init, "egi-cdktf init");
    expect(init.stdout).toMatch(/^Next:\n {2}cd \S+ && npm install\n/m);
    expect(init.stdout).toContain("npx cdktf deploy");
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies["egi-fedcloud-cdktf"]).toBe(ours.version);
  });

  test("GIVEN the new app WHEN npm installs it (the tarball for the version it pins), builds and runs npm test THEN all pass", () => {
    // Not published yet: the tarball stands in for the registry's egi-fedcloud-cdktf@<version>.
    pinToTarball(dir, "egi-fedcloud-cdktf", tarball);
    expectSuccess(npm("starter: npm install (the tarball, cdktf-cli, typescript; postinstall)", NPM_INSTALL, dir), "npm install");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "egi-fedcloud-cdktf", "package.json"), "utf8")).version).toBe(ours.version);
    expectSuccess(npm("starter: npm run build", ["run", "build"], dir), "npm run build");
    const test = npm("starter: npm test", ["test"], dir);
    expectSuccess(test, "npm test");
    // node --test's closing lines: TAP (`# pass 3`) through Node 22, its spec reporter (`ℹ pass 3`) from 24
    expect(test.stdout).toMatch(/^(#|ℹ) pass 3$/m);
    expect(test.stdout).toMatch(/^(#|ℹ) fail 0$/m);
  });

  test("GIVEN the installed app (its postinstall ran egi-cdktf doctor --fix) WHEN egi-cdktf doctor checks it THEN exit 0: cdktf-cli can start on this Node, on 24 and 26 too", () => {
    const r = run("starter: npx egi-cdktf doctor", "npx", ["--no-install", "egi-cdktf", "doctor"], dir);
    expectSuccess(r, "egi-cdktf doctor");
    expect(r.output).toMatch(/^egi-cdktf doctor: Node \d+\.\d+\.\d+ and cdktf-cli 0\.21\.0 ready in /m);
  });

  test("GIVEN the installed app WHEN cdktf synth runs (its cdktf-cli, no credential) THEN its stack has the server and outputs server_id and server_ip; the one warning says the flavor needs a credential", () => {
    // the app's VM takes the user's SSH public key (SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_ed25519.pub): a fixture's, as a user sets it
    const key = path.join(REPO, "__tests__", "fixtures", "id_ed25519.pub");
    const r = run("starter: npx cdktf synth", "npx", ["--no-install", "cdktf", "synth"], dir, userEnv({ SSH_PUBLIC_KEY_FILE: key }));
    expectSuccess(r, "cdktf synth");
    const name = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name;
    // True without a credential: Flavor.bestFit is looked up at synth, so its id is a placeholder.
    const flagged = r.output.split("\n").filter((l) => /ERROR|WARN/.test(l));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(new RegExp(`WARN \\[${name}/vm\\]: the smallest flavor with at least 1 vCPUs, 2048 MB RAM, 20 GB disk: not in \\S+/egi-cdktf\\.context\\.json and no Check-in credential`));
    const json = synthesized(dir, name);
    expect(Object.values(json.resource.openstack_compute_instance_v2)).toEqual([expect.objectContaining({ name })]);
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(["server_id", "server_ip"]));
  });
});
