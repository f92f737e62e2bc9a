import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { FRAMEWORK } from "../../auth/framework";
import { type AppFramework, appFramework } from "../init/app-frameworks";
import { removingOnSignal } from "../plan-summary/run-terraform";
import { type Command, parseFlags, UsageError } from "../command";
import { nameFromFolder, npmNameProblems, suggestNpmName } from "../package-name";
import { pathState, unwritableFolder } from "../path-checks";

/** Entries a folder may hold and still count as empty: version control and editor leftovers, a licence. */
const HARMLESS = new Set([".git", ".hg", ".svn", ".DS_Store", "Thumbs.db", ".idea", ".vscode", "LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"]);

/** This package: where its templates are, its version (the app pins it), and what its install allows. */
interface OurPackage {
  readonly root: string;
  readonly name: string;
  readonly version: string;
  readonly allowScripts?: Record<string, boolean>;
}

/**
 * `egi-cdktf init [DIR] [--framework cdktf|cdktn]`: a new app using this package, like
 * `cdktf init --template typescript` (or `cdktn init`) but with the EGI site, a VirtualMachine and
 * the token hook already in place.
 */
export const initCommand: Command = {
  name: "init",
  summary: "create a new app (a stack with one VM) for cdktf or cdktn, ready to deploy",
  usage: `Usage: egi-cdktf init [DIR] [--name NAME] [--framework cdktf|cdktn]

Creates an app in DIR (default: the current folder), which must be new or empty (a .git folder or a
LICENSE may be there): package.json pinned to this version of our library and its framework,
cdktf.json, tsconfig.json, main.ts (an EgiSite, your SSH public key as a key pair, a security group for SSH, one
VirtualMachine with a floating IP; outputs server_id, server_ip, floating_ip and ssh_command),
main.test.ts (npm test), .gitignore, README.md and .github/workflows/deploy.yml (plan on
pull requests, deploy on main). Nothing is written unless all of it is.
  --name NAME         the app's npm package name (also its stack's and server's), checked as npm
                      checks a new package's name [default: DIR's name in lower case, spaces made -]
  --framework cdktf   CDK for Terraform 0.21 (archived) with egi-fedcloud-cdktf
  --framework cdktn   CDK Terrain 0.24, its maintained fork, with egi-fedcloud-cdktn
                      [default: the framework of the egi-cdktf you run, ${FRAMEWORK} here]
Then:
  cd DIR && npm install
  npx ${FRAMEWORK} deploy      (with CHECKIN_CLIENT_ID, CHECKIN_REFRESH_TOKEN, OS_AUTH_URL, OS_PROJECT_ID set)`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { framework: { type: "string" }, name: { type: "string" } }, true, initCommand.usage);
    const stray = Object.keys(values).find((k) => !["help", "framework", "name"].includes(k) && values[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} does not apply to init, which takes DIR, --name and --framework`);
    if (positionals.length > 1) throw new UsageError(`init takes one DIR, got ${positionals.length} arguments`);
    let framework: AppFramework;
    try {
      framework = appFramework(typeof values.framework === "string" ? values.framework : FRAMEWORK, "--framework");
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const dir = path.resolve(positionals[0] ?? ".");
    const ours = ourPackage();
    const name = appName(path.basename(dir), values.name as string | undefined);
    const files = appFiles(ours, framework, name);
    checkTarget(dir, Object.keys(files));
    writeAll(dir, files);
    const cd = path.relative(process.cwd(), dir);
    const derived = values.name === undefined && name !== path.basename(dir) ? ` (the npm package name for folder ${JSON.stringify(path.basename(dir))}; --name NAME to choose another)` : "";
    io.stdout(
      `Created ${name}${derived} in ${dir}: a ${framework.title} app (${framework.name} ${framework.dependencies[framework.name]}, ${framework.ourPackage} ${ours.version}).\n` +
        `Next:\n` +
        `  ${cd ? `cd ${quoteForShell(cd)} && ` : ""}npm install\n` +
        `  export CHECKIN_CLIENT_ID=... CHECKIN_REFRESH_TOKEN=... OS_AUTH_URL=https://<site keystone>:5000/v3 OS_PROJECT_ID=...\n` +
        `  npx ${framework.name} deploy\n` +
        `(The VM gets your SSH public key: SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub; its ssh_command output says how to log in.\n` +
        ` npx egi-cdktf projects lists the projects you may use at OS_AUTH_URL; see README.md.)\n`,
    );
    return 0;
  },
};

/** Our package.json (egi-fedcloud-cdktf or egi-fedcloud-cdktn), found from this module (src, dist or lib). */
function ourPackage(): OurPackage {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (/^egi-fedcloud-cdkt[fn]$/.test(pkg.name)) return { root: dir, ...pkg };
    }
    if (path.dirname(dir) === dir) throw new Error(`init: the egi-fedcloud-cdktf package.json above ${__dirname} is missing; reinstall the package`);
  }
}

/** A folder name for a message: quoted, a long one shortened. */
const shownFolder = (folder: string): string => JSON.stringify(folder.length > 40 ? `${folder.slice(0, 30)}...` : folder);

/**
 * The app's npm package name: --name as given, else the folder's name as `npm init` derives it (lower
 * case, spaces made -). One npm would refuse is a usage error suggesting a valid --name.
 */
export function appName(folder: string, given?: string): string {
  const name = given ?? nameFromFolder(folder);
  // The app is private (never published), and the name also names files and the server: no scope.
  const scoped = /^@[^/]*\/(.*)$/.exec(name);
  if (scoped) throw new UsageError(`--name ${shownFolder(name)}: init makes a private app, which needs no npm scope (the name also names its stack and server); e.g. --name ${suggestNpmName(scoped[1])}`);
  const problems = npmNameProblems(name);
  if (problems.length === 0) return name;
  const suggestion = `--name ${suggestNpmName(name)}`;
  if (given !== undefined) throw new UsageError(`--name ${shownFolder(given)} is not a valid npm package name (${problems.join("; ")}); e.g. ${suggestion}`);
  const why = `${problems.join("; ")}${name !== folder ? `, as ${shownFolder(name)}` : ""}`;
  throw new UsageError(`the folder name ${shownFolder(folder)} cannot be the app's npm package name (${why}); name the package with ${suggestion}, or give DIR another name`);
}

function templateDir(ours: OurPackage): string {
  return path.join(ours.root, "cli", "init", "template");
}

/** Template path -> app path: `_x` -> `.x` in each segment, `.tpl` dropped. */
const appPath = (templatePath: string): string =>
  templatePath
    .split(path.sep)
    .map((segment) => segment.replace(/^_/, "."))
    .join("/")
    .replace(/\.tpl$/, "");

function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

/** App path -> content: the templates with their placeholders filled in, plus package.json. */
function appFiles(ours: OurPackage, framework: AppFramework, name: string): Record<string, string> {
  const vars: Record<string, string> = {
    name,
    stack: name,
    version: ours.version,
    projectId: randomUUID(),
    framework: framework.name,
    frameworkTitle: framework.title,
    frameworkDocs: framework.docsUrl,
    package: framework.ourPackage,
    nodeVersions: framework.nodeVersions,
  };
  const files: Record<string, string> = {};
  const templates = templateDir(ours);
  for (const rel of listFiles(templates)) {
    files[appPath(rel)] = fs.readFileSync(path.join(templates, rel), "utf8").replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
      if (!(key in vars)) throw new Error(`init: template ${rel} uses an unknown placeholder ${match}`);
      return vars[key];
    });
  }
  files["package.json"] = `${JSON.stringify(appPackageJson(ours, framework, name), null, 2)}\n`;
  return files;
}

function appPackageJson(ours: OurPackage, framework: AppFramework, name: string) {
  const cli = framework.name;
  return {
    name,
    version: "0.1.0",
    private: true,
    description: `Virtual machines on an EGI Cloud site, with ${framework.ourPackage}`,
    scripts: {
      build: "tsc",
      test: "tsc && node --test dist/main.test.js",
      synth: `${cli} synth`,
      deploy: `${cli} deploy`,
      destroy: `${cli} destroy`,
      // cdktf-cli 0.21 has no node-pty for Node 24/26: build it at install, so `npx cdktf` works
      // (never fatal: on a machine that cannot build it, doctor's one line says what to do)
      ...(cli === "cdktf" ? { postinstall: "egi-cdktf doctor --fix || true" } : {}),
    },
    engines: { node: framework.nodeEngines },
    dependencies: { [framework.ourPackage]: ours.version, ...framework.dependencies },
    devDependencies: { ...framework.devDependencies },
    // cdktf-cli's node-pty install script would download or compile; egi-cdktf doctor --fix builds it instead
    ...(cli === "cdktf" && ours.allowScripts ? { allowScripts: ours.allowScripts } : {}),
  };
}

/**
 * Refuse, before writing anything, a DIR that cannot be made (its parent missing or a file, a name
 * longer than the file system allows, a folder not writable), that is a file, or that holds anything
 * but harmless entries: usage errors naming DIR.
 */
function checkTarget(dir: string, appPaths: string[]): void {
  const state = pathState(dir);
  if (state.kind === "blocked") {
    throw new UsageError(`init: DIR ${dir} cannot be made: ${state.why}; ${/does not exist$/.test(state.why) ? "create it first, or give another DIR" : "give another DIR"}`);
  }
  if (state.kind === "file") throw new UsageError(`init: ${dir} exists and is not a folder; give a new folder name`);
  const unwritable = unwritableFolder(state.kind === "absent" ? path.dirname(dir) : dir);
  if (unwritable) throw new UsageError(`init: DIR ${dir} cannot be written: ${unwritable}; give another DIR`);
  if (state.kind === "absent") return;
  const topLevel = new Set(appPaths.map((p) => p.split("/")[0]));
  const entries = fs.readdirSync(dir);
  const inTheWay = entries.filter((e) => !HARMLESS.has(e) || topLevel.has(e));
  if (inTheWay.length > 0) {
    const shown = inTheWay.sort().slice(0, 5).join(", ") + (inTheWay.length > 5 ? `, ... (${inTheWay.length} entries)` : "");
    throw new UsageError(`init: ${dir} is not empty (${shown}); give a new folder name, or empty it`);
  }
}

/**
 * Write every file into a temp folder next to `dir`, then move it into place: `dir` itself when it
 * does not exist (one rename), else each top-level entry, undone if one fails. An interrupt while
 * writing removes the temp folder; `dir` never holds half an app.
 */
function writeAll(dir: string, files: Record<string, string>): void {
  const parent = path.dirname(dir);
  // A short name of its own: one made from DIR's could pass the file system's limit when DIR's is near it.
  const staging = fs.mkdtempSync(path.join(parent, ".egi-cdktf-init-"));
  const stopRemoving = removingOnSignal(staging);
  try {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(staging, ...rel.split("/"));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    if (!fs.existsSync(dir)) {
      fs.chmodSync(staging, 0o777 & ~process.umask());
      fs.renameSync(staging, dir);
      return;
    }
    const moved: string[] = [];
    try {
      for (const entry of fs.readdirSync(staging)) {
        if (fs.existsSync(path.join(dir, entry))) throw new Error(`init: ${path.join(dir, entry)} appeared while writing; nothing was written`);
        fs.renameSync(path.join(staging, entry), path.join(dir, entry));
        moved.push(entry);
      }
    } catch (err) {
      for (const entry of moved) fs.renameSync(path.join(dir, entry), path.join(staging, entry));
      throw err;
    }
  } finally {
    stopRemoving();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A path as typed in a POSIX shell: quoted when it holds anything but plain characters. */
function quoteForShell(p: string): string {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}
