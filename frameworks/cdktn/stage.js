#!/usr/bin/env node
/**
 * Stages the egi-fedcloud-cdktn package sources in frameworks/cdktn/pkg (called by
 * scripts/build-cdktn.sh, which then generates .gen/, compiles and documents it):
 *  - constructs/, auth/, cli/ (with init's templates) and bin/ of the tree, with the module
 *    specifier "cdktf" (and "cdktf/<subpath>") of import / import type / export from / require /
 *    import() rewritten to "cdktn", and nothing else: "cdktf.json", "cdktf.out", CDKTF_* names and
 *    Symbol.for("cdktf/...") are the same in both frameworks;
 *  - package.json derived from the root's (name, description, peers, the toolchain pins that
 *    `egi-cdktf init` copies into a new app, engines, the Python target);
 *  - the tsconfig files of the root's package build, a short README.md, and the bundled runtime
 *    dependencies (with what they need) in node_modules/, copied from the root's node_modules.
 * Usage: node frameworks/cdktn/stage.js   (pkg/ must not exist: the build script removes it first)
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const HERE = __dirname;
const REPO = path.resolve(HERE, "..", "..");
const PKG = path.join(HERE, "pkg");
/** Folders of the tree the package is compiled from (as in tsconfig.jsii.json), plus bin/. */
const SOURCE_DIRS = ["constructs", "auth", "cli", "bin"];
const TSCONFIGS = ["tsconfig.json", "tsconfig.gen.json", "tsconfig.jsii.json"];
/**
 * The runtime dependencies the package bundles (the root's bundledDependencies), and what they depend
 * on, as npm installed them at the top of the root's node_modules (a copy keeps any nested ones).
 */
function bundledClosure(root) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const manifest = path.join(REPO, "node_modules", name, "package.json");
    if (!fs.existsSync(manifest)) throw new Error(`${manifest} is missing: run npm ci in ${REPO}`);
    for (const dep of Object.keys(JSON.parse(fs.readFileSync(manifest, "utf8")).dependencies ?? {})) {
      if (fs.existsSync(path.join(REPO, "node_modules", name, "node_modules", dep))) continue;
      visit(dep);
    }
  };
  for (const name of root.bundledDependencies) visit(name);
  return [...seen].sort();
}
/** Toolchain pins a new app gets from `egi-cdktf init` (it reads this package's devDependencies). */
const APP_PINS = ["cdktn", "cdktn-cli", "constructs", "typescript", "@types/node"];

/** `from "cdktf"`, `import "cdktf/x"`, `require("cdktf")`, `import("cdktf")`: the specifier only. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])cdktf((?:\/[^"'\n]*)?)\2/g;

/** The text with every cdktf module specifier made cdktn's; returns [text, how many]. */
function rewriteModuleSpecifiers(text) {
  let count = 0;
  const out = text.replace(SPECIFIER, (_m, lead, quote, subpath) => {
    count++;
    return `${lead}${quote}cdktn${subpath}${quote}`;
  });
  return [out, count];
}

function listFiles(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

function stageSources() {
  let files = 0;
  let rewritten = 0;
  for (const dir of SOURCE_DIRS) {
    for (const rel of listFiles(path.join(REPO, dir))) {
      const from = path.join(REPO, dir, rel);
      const to = path.join(PKG, dir, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      const [text, count] = rewriteModuleSpecifiers(fs.readFileSync(from, "utf8"));
      fs.writeFileSync(to, text, { mode: fs.statSync(from).mode });
      files++;
      rewritten += count;
    }
  }
  return { files, rewritten };
}

function stagedPackageJson(root, toolchain) {
  const pins = Object.fromEntries(
    APP_PINS.map((n) => {
      const v = toolchain.devDependencies[n];
      if (!v) throw new Error(`frameworks/cdktn/package.json pins no ${n}`);
      return [n, v];
    }),
  );
  const pkg = {
    name: "egi-fedcloud-cdktn",
    version: root.version,
    description: root.description.replace("CDK for Terraform", "CDK Terrain (cdktn)") + ": egi-fedcloud-cdktf built for cdktn",
    license: root.license,
    author: root.author,
    repository: root.repository,
    main: root.main,
    types: root.types,
    exports: root.exports,
    typesVersions: root.typesVersions,
    files: root.files,
    // cdktn-cli 0.24 declares (and needs) Node >= 22.19; init copies this into a new app.
    engines: { node: ">=22.19" },
    dependencies: root.dependencies,
    peerDependencies: { cdktn: `^${pins.cdktn}`, constructs: ">=10.6.0 <10.8.0" },
    devDependencies: pins,
    bin: root.bin,
    bundledDependencies: root.bundledDependencies,
    jsii: {
      ...root.jsii,
      targets: { ...root.jsii.targets, python: { distName: "egi-fedcloud-cdktn", module: "egi_fedcloud_cdktn" } },
    },
  };
  if (pkg.description === root.description) throw new Error("the root description no longer names CDK for Terraform: update stage.js");
  return pkg;
}

const README = (pkg) => `# ${pkg.name}

${pkg.description}.

The same constructs, token hook, CLI and OpenStack provider bindings as
[egi-fedcloud-cdktf](https://www.npmjs.com/package/egi-fedcloud-cdktf) ${pkg.version}, compiled
against [CDK Terrain](https://cdktn.io) (\`cdktn\` ${pkg.devDependencies.cdktn}, the maintained fork
of cdktf) instead of cdktf 0.21: import \`App\`, \`TerraformStack\`, ... from \`"cdktn"\`, run
\`npx cdktn synth\` / \`deploy\` (cdktn-cli, Node >= 22.19). Its API reference is API.md; it is
egi-fedcloud-cdktf's with cdktn in place of cdktf.
`;

function copyBundled(closure) {
  for (const name of closure) {
    const from = path.join(REPO, "node_modules", name);
    fs.cpSync(from, path.join(PKG, "node_modules", name), { recursive: true, dereference: true });
  }
}

function main() {
  if (fs.existsSync(PKG)) throw new Error(`${PKG} exists: the build starts from an empty folder (rm -rf it)`);
  fs.mkdirSync(PKG);
  const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  const toolchain = JSON.parse(fs.readFileSync(path.join(HERE, "package.json"), "utf8"));
  const { files, rewritten } = stageSources();
  if (rewritten === 0) throw new Error("no cdktf module specifier found to rewrite: is the pattern out of date?");
  for (const t of TSCONFIGS) fs.copyFileSync(path.join(REPO, t), path.join(PKG, t));
  const pkg = stagedPackageJson(root, toolchain);
  fs.writeFileSync(path.join(PKG, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(PKG, "README.md"), README(pkg));
  const closure = bundledClosure(root);
  copyBundled(closure);
  console.log(`stage: ${files} files of ${SOURCE_DIRS.join("/, ")}/ (${rewritten} module specifiers cdktf -> cdktn), package.json, ${TSCONFIGS.length} tsconfigs, ${closure.length} bundled modules`);
}

module.exports = { rewriteModuleSpecifiers, SOURCE_DIRS, PKG };

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`stage: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
