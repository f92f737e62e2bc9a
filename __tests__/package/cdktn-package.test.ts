/**
 * egi-fedcloud-cdktn, the CDK Terrain build of this library (scripts/build-package.sh cdktn, into
 * frameworks/cdktn/pkg), against the tree and the cdktf build:
 *  (a) its staged sources are the tree's with the `cdktf` module specifiers made `cdktn`, and no
 *      other change;
 *  (b) its jsii assembly (what API.md and the Python package come from) has the cdktf build's types,
 *      members and docs, except references to cdktf's types and the package name; the bindings,
 *      made by cdktn's generator, may differ only in what that generator writes differently;
 *  (c) its package.json: name, peers on cdktn and constructs, the toolchain pins `egi-cdktf init`
 *      gives a new app, and the rest as egi-fedcloud-cdktf's.
 * Needs both builds: npm run build (the root's lib/ and .jsii) and scripts/build-package.sh cdktn.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const TOOLCHAIN = path.join(REPO, "frameworks", "cdktn");
const PKG = path.join(TOOLCHAIN, "pkg");
const SOURCE_DIRS = ["constructs", "auth", "cli", "bin"];

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(root, p) : [path.relative(root, p)];
  });
}

beforeAll(() => {
  for (const [file, fix] of [
    [path.join(REPO, ".jsii"), "npm run build"],
    [path.join(PKG, ".jsii"), "scripts/build-package.sh cdktn"],
    [path.join(PKG, "lib", "constructs", "index.js"), "scripts/build-package.sh cdktn"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: run ${fix} first`);
  }
});

/** A module specifier "cdktf" or "cdktf/<subpath>" (FW: cdktf or cdktn) of import, export from, require or import(). */
const specifiers = (fw: string) => new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\brequire\\s*\\(\\s*|\\bimport\\s+)(["'])${fw}((?:/[^"'\\n]*)?)\\2`, "g");

describe("(a) the staged sources", () => {
  const files = SOURCE_DIRS.flatMap((d) => listFiles(path.join(REPO, d)).map((f) => path.join(d, f))).sort();

  test("GIVEN the tree's constructs/, auth/, cli/ (with init's templates) and bin/ WHEN the staged package is listed THEN it has exactly these files there", () => {
    expect(files.length).toBeGreaterThan(50);
    const staged = SOURCE_DIRS.flatMap((d) => listFiles(path.join(PKG, d)).map((f) => path.join(d, f))).sort();
    expect(staged).toEqual(files);
  });

  test("GIVEN each staged file WHEN its cdktn module specifiers are turned back into cdktf THEN it is the tree's file byte for byte, and no cdktf specifier is left", () => {
    let rewritten = 0;
    const changed = files.filter((f) => {
      if (!fs.existsSync(path.join(PKG, f))) return true; // a file added since the build: rebuild (scripts/build-package.sh cdktn)
      const staged = fs.readFileSync(path.join(PKG, f), "utf8");
      const original = fs.readFileSync(path.join(REPO, f), "utf8");
      expect([f, staged.match(specifiers("cdktf"))]).toEqual([f, null]);
      const back = staged.replace(specifiers("cdktn"), (_m, lead: string, q: string, sub: string) => `${lead}${q}cdktf${sub}${q}`);
      rewritten += (staged.match(specifiers("cdktn")) ?? []).length;
      return back !== original;
    });
    expect(changed).toEqual([]);
    // every import of cdktf in the tree became one of cdktn (the library, the hook, the CLI)
    const inTree = files.reduce((n, f) => n + (fs.readFileSync(path.join(REPO, f), "utf8").match(specifiers("cdktf")) ?? []).length, 0);
    expect(inTree).toBeGreaterThan(5);
    expect(rewritten).toBe(inTree);
    expect(fs.readFileSync(path.join(PKG, "constructs", "virtual-machine.ts"), "utf8")).toMatch(/^import \{[^}]*\} from "cdktn";$/m);
  });

  test("GIVEN strings that name cdktf's files and variables WHEN staged THEN they are unchanged (cdktn keeps cdktf.json, cdktf.out, CDKTF_*), and cdktn appears only where a specifier was rewritten", () => {
    const staged = files.filter((f) => fs.existsSync(path.join(PKG, f))).map((f) => fs.readFileSync(path.join(PKG, f), "utf8")).join("\n");
    const tree = files.map((f) => fs.readFileSync(path.join(REPO, f), "utf8")).join("\n");
    for (const kept of ['"cdktf.json"', "cdktf.out", "CDKTF_"]) expect([kept, staged.split(kept).length]).toEqual([kept, tree.split(kept).length]);
    expect(staged).toContain('"cdktf.json"');
    const mentions = (text: string, word: RegExp) => (text.match(word) ?? []).length;
    expect(mentions(staged, /cdktn/g) - mentions(tree, /cdktn/g)).toBe(mentions(staged, specifiers("cdktn")));
  });
});

describe("(b) the jsii assembly, against the cdktf build's", () => {
  type Assembly = { name: string; types: Record<string, Record<string, any>>; submodules?: Record<string, unknown>; targets: any; dependencies: Record<string, string> };
  /** The assembly with its package name and its framework's FQNs made neutral: PKG.x and FW.x. */
  const neutral = (file: string, fw: string): Assembly => {
    const text = fs.readFileSync(file, "utf8");
    const pkg = `egi-fedcloud-${fw}`;
    return JSON.parse(text.split(`"${pkg}`).join('"PKG').split(`"${fw}.`).join('"FW.'));
  };
  let cdktf: Assembly;
  let cdktn: Assembly;
  let own: string[];
  let bindings: string[];

  beforeAll(() => {
    cdktf = neutral(path.join(REPO, ".jsii"), "cdktf");
    cdktn = neutral(path.join(PKG, ".jsii"), "cdktn");
    const fromGen = (fqn: string) => cdktf.types[fqn].locationInModule.filename.startsWith(".gen/");
    own = Object.keys(cdktf.types).filter((t) => !fromGen(t));
    bindings = Object.keys(cdktf.types).filter(fromGen);
  });

  test("GIVEN both assemblies WHEN their names, targets and dependencies are read THEN they are the package's and its framework's", () => {
    const raw = readJson(path.join(PKG, ".jsii"));
    expect(raw.name).toBe("egi-fedcloud-cdktn");
    expect(raw.targets.python).toEqual({ distName: "egi-fedcloud-cdktn", module: "egi_fedcloud_cdktn" });
    expect(Object.keys(cdktn.dependencies).sort()).toEqual(["cdktn", "constructs"]);
  });

  test("GIVEN both assemblies WHEN their types are listed THEN they have the same type names (the constructs, hook and CLI types and the bindings)", () => {
    expect(Object.keys(cdktn.types).sort()).toEqual(Object.keys(cdktf.types).sort());
    expect(own).toEqual(expect.arrayContaining(["PKG.EgiSite", "PKG.VirtualMachine", "PKG.SecurityGroup", "PKG.ISecurityGroup"]));
    expect(bindings.length).toBeGreaterThan(20);
    expect(cdktn.submodules).toEqual(cdktf.submodules);
  });

  test("GIVEN each type of the library's own sources WHEN compared THEN kind, base, members, signatures, docs and source lines are the same but for cdktf -> cdktn", () => {
    const differing = own.filter((t) => JSON.stringify(cdktn.types[t]) !== JSON.stringify(cdktf.types[t]));
    expect(differing).toEqual([]);
    // the public API does reach the framework's types: there is something to rename
    expect(JSON.stringify(own.map((t) => cdktf.types[t]))).toContain('"FW.');
  });

  test("GIVEN each binding type WHEN compared THEN it is the same but for the generator's wording in docs (CDKTF -> CDKTN) and the lists' protected constructor fields, which cdktn's generator no longer redeclares", () => {
    const REDECLARED = ["terraformResource", "terraformAttribute", "wrapsSet"];
    const json = (t: unknown, fw: RegExp) => JSON.stringify(t, (k, v) => (k === "locationInModule" ? undefined : v)).replace(fw, "FW");
    const differing = bindings.filter((t) => {
      const before = JSON.parse(JSON.stringify(cdktf.types[t]));
      if (before.properties) before.properties = before.properties.filter((p: { name: string; protected?: boolean }) => !(p.protected && REDECLARED.includes(p.name)));
      if (before.properties?.length === 0) delete before.properties;
      return json(before, /cdktf|CDKTF/g) !== json(cdktn.types[t], /cdktn|CDKTN/g);
    });
    expect(differing).toEqual([]);
    // what was dropped: exactly those three fields, of the *List classes only
    const dropped = bindings.flatMap((t) => (cdktf.types[t].properties ?? []).filter((p: { name: string }) => !(cdktn.types[t].properties ?? []).some((q: { name: string }) => q.name === p.name)).map((p: { name: string }) => `${t.split(".").pop()}.${p.name}`));
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.filter((d) => !/List\.(terraformResource|terraformAttribute|wrapsSet)$/.test(d))).toEqual([]);
  });
});

describe("(c) package.json", () => {
  const root = readJson(path.join(REPO, "package.json"));
  const toolchain = readJson(path.join(TOOLCHAIN, "package.json"));
  const pkg = readJson(path.join(PKG, "package.json"));

  test("GIVEN the cdktn toolchain WHEN read THEN it pins cdktn 0.24.0, its CLI and generator, and constructs within cdktn's peer range", () => {
    expect(toolchain.private).toBe(true);
    expect(toolchain.devDependencies).toEqual(
      expect.objectContaining({ cdktn: "0.24.0", "cdktn-cli": "0.24.0", "@cdktn/provider-generator": "0.24.0", constructs: "10.7.2", "jsii-pacmak": "1.128.0" }),
    );
    expect(toolchain.devDependencies.jsii).toBe(root.devDependencies.jsii);
    expect(toolchain.devDependencies.typescript).toBe(root.devDependencies.typescript);
  });

  test("GIVEN the staged package.json WHEN read THEN it is egi-fedcloud-cdktn at the root's version, with cdktn and constructs as peers and the toolchain's pins for egi-cdktf init", () => {
    expect(pkg.name).toBe("egi-fedcloud-cdktn");
    expect(pkg.version).toBe(root.version);
    expect(pkg.private).toBeUndefined();
    expect(pkg.description).toMatch(/CDK Terrain/);
    expect(pkg.peerDependencies).toEqual({ cdktn: "^0.24.0", constructs: ">=10.6.0 <10.8.0" });
    const pins = ["cdktn", "cdktn-cli", "constructs", "typescript", "@types/node"];
    expect(pkg.devDependencies).toEqual(Object.fromEntries(pins.map((n) => [n, toolchain.devDependencies[n]])));
    expect(pkg.engines).toEqual({ node: ">=22.19" });
    expect(pkg.jsii.targets.python).toEqual({ distName: "egi-fedcloud-cdktn", module: "egi_fedcloud_cdktn" });
    // no build scripts: installing or packing the staged folder never runs the cdktf build
    expect(pkg.scripts).toBeUndefined();
  });

  test("GIVEN the staged package.json WHEN compared with the root's THEN entry points, exports, bin, files and bundled dependencies are the same", () => {
    for (const key of ["main", "types", "exports", "typesVersions", "bin", "files", "dependencies", "bundledDependencies", "license", "repository"]) {
      expect([key, pkg[key]]).toEqual([key, root[key]]);
    }
    for (const name of ["openid-client", "undici", "yaml", "jose", "oauth4webapi", "tar", "minipass", "minizlib", "@isaacs/fs-minipass", "write-file-atomic", "validate-npm-package-name"]) {
      expect([name, fs.existsSync(path.join(PKG, "node_modules", name, "package.json"))]).toEqual([name, true]);
    }
    // the peers are not in the package's node_modules: the app's own cdktn and constructs are used
    expect(fs.existsSync(path.join(PKG, "node_modules", "cdktn"))).toBe(false);
    expect(fs.existsSync(path.join(PKG, "node_modules", "constructs"))).toBe(false);
  });
});
