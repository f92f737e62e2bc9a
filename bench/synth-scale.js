#!/usr/bin/env node
/**
 * Synth time and peak memory of a generated stack of N virtual machines (each with a key pair, a
 * security group with one SSH rule, a floating IP and a volume; one shared image and flavor), for:
 *
 *   - ours: the constructs of constructs/ (dist/), synthesized through synthWithEgiTokens (no
 *     credential set, so no request), as main.ts does;
 *   - direct (baseline): the same resources written with the generated classes of
 *     .gen/providers/openstack/* (dist/.gen), app.synth();
 *   - ours / direct with `new App({ stackTraces: false })`: cdktf's only public switch about stack
 *     traces (it sets the DISABLE_STACK_TRACE_IN_METADATA context);
 *   - floor: a node process that requires cdktf and writes a JSON file as large as ours;
 *   - on CDK Terrain (cdktn 0.24, the maintained fork; issue 17 item 4), from the egi-fedcloud-cdktn
 *     package build (frameworks/cdktn/pkg: lib/constructs, lib/auth and lib/.gen, the bindings of
 *     cdktn's generator), with the cdktn of frameworks/cdktn/node_modules:
 *       tn-ours:           ours through the package's runApp, which switches off cdktn's per-token
 *                          creation-stack capture (CDKTN_DISABLE_CREATION_STACK=1) as it does for a
 *                          user who has not set the variable (the child starts with it unset);
 *       tn-ours-capture:   the same with CDKTN_DISABLE_CREATION_STACK=0 (the capture kept);
 *       tn-direct:         the generated classes of the package's lib/.gen, app.synth(), with
 *                          CDKTN_DISABLE_CREATION_STACK=1; tn-direct-capture: with 0.
 *     Each child reports the variable's value when it synthesized and the framework it ran on; the
 *     parent fails unless they are what the candidate says. After the warm-up round the cdk.tf.json
 *     of ours on cdktn is compared with ours on cdktf (and direct with direct, capture with none):
 *     everything but the top-level "//" metadata version must be equal, else the bench fails.
 *     cdktn-cli needs Node >= 22.19; run the bench with Node 24 (PATH=.node/24.22.3/bin:$PATH).
 *
 * Candidates run round-robin per N (one run of each per round) after a warm-up round; each run is
 * a fresh `node` process timed from spawn to exit. Peak RSS is the child's own
 * process.resourceUsage().maxRSS at exit.
 *
 *   npm run build:app && node bench/synth-scale.js [--runs 5] [--n 20,200,2000] [--only ours,direct]
 *   node bench/synth-scale.js --child ours 200 OUTDIR      # one run, e.g. under node --cpu-prof
 *
 * `--before DIR` adds "ours, before": the same app against DIR/dist, a built copy of the code before
 * a change (same node_modules), for before/after figures from one invocation.
 * `--runs-at 2000=3` sets another number of rounds for one N (several: 200=5,2000=3).
 * dist/ and frameworks/cdktn/pkg are copied to a temporary folder at the start (their dependencies
 * linked), so a rebuild by someone else during the bench cannot break or change a run.
 *   node bench/synth-scale.js --child tn-ours 2000 OUTDIR   # needs EGI_BENCH_TN_PKG=<pkg dir>, or uses frameworks/cdktn/pkg
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
// A child for "ours-before" gets the dist/ of another checkout (--before DIR) in EGI_BENCH_DIST.
const dist = process.env.EGI_BENCH_DIST ?? path.join(repo, "dist");
// The egi-fedcloud-cdktn package (or the parent's copy of it); inside it require("cdktn") resolves to
// the toolchain's cdktn (frameworks/cdktn/node_modules), as in an app that installed the package.
const tnPkg = process.env.EGI_BENCH_TN_PKG ?? path.join(repo, "frameworks", "cdktn", "pkg");
const CREATION_STACK_VAR = "CDKTN_DISABLE_CREATION_STACK";

/** Where one framework's candidates take the CDK, our library (constructs, hook) and the generated bindings from. */
function framework(name) {
  if (name === "cdktf") return { name, cdk: require("cdktf"), lib: dist, gen: path.join(dist, ".gen") };
  const lib = path.join(tnPkg, "lib");
  return { name, cdk: require(require.resolve("cdktn", { paths: [lib] })), lib, gen: path.join(lib, ".gen") };
}
const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHf0uQ9R1tT1m0nq1o8T1FJ0Qx6yYQp5r9b8c3vYk0aD bench@example";

// ---------------------------------------------------------------------------------------- child
/** The framework a child's App came from: cdktn exports what cdktf 0.21 never got (as auth/framework.ts tells them apart). */
let ranOn = null;
const frameworkOf = (cdk) => ("TerraformEphemeralResource" in cdk ? "cdktn" : "cdktf");

function childOurs(n, outdir, appProps, fw = framework("cdktf")) {
  const { App, TerraformStack } = fw.cdk;
  ranOn = frameworkOf(fw.cdk);
  const c = require(path.join(fw.lib, "constructs"));
  const { synthWithEgiTokens } = require(path.join(fw.lib, "auth", "hook"));
  const app = new App({ outdir, ...appProps });
  const stack = new TerraformStack(app, "scale");
  new c.EgiSite(stack, "site");
  const image = c.MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "22.04" });
  const flavor = c.Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 });
  for (let i = 0; i < n; i++) {
    const keyPair = new c.KeyPair(stack, `key-${i}`, { publicKey: PUBLIC_KEY });
    const group = new c.SecurityGroup(stack, `sg-${i}`).allowSshFrom("0.0.0.0/0");
    const vm = new c.VirtualMachine(stack, `vm-${i}`, { image, flavor, keyPair, securityGroups: [group], floatingIpPool: "public" });
    vm.attachNewVolume("data", { sizeGb: 10 });
    if (vm.addOutputs) vm.addOutputs(); // the outputs the direct baseline writes (before 0.2 a server made them itself)
  }
  return synthWithEgiTokens(app);
}

function childDirect(n, outdir, appProps, fw = framework("cdktf")) {
  const { App, TerraformStack, TerraformVariable, TerraformOutput } = fw.cdk;
  ranOn = frameworkOf(fw.cdk);
  const gen = (m) => require(path.join(fw.gen, "providers", "openstack", m));
  const { OpenstackProvider } = gen("provider");
  const { DataOpenstackImagesImageV2 } = gen("data-openstack-images-image-v2");
  const { DataOpenstackComputeFlavorV2 } = gen("data-openstack-compute-flavor-v2");
  const { ComputeKeypairV2 } = gen("compute-keypair-v2");
  const { NetworkingSecgroupV2 } = gen("networking-secgroup-v2");
  const { NetworkingSecgroupRuleV2 } = gen("networking-secgroup-rule-v2");
  const { ComputeInstanceV2 } = gen("compute-instance-v2");
  const { DataOpenstackNetworkingPortV2 } = gen("data-openstack-networking-port-v2");
  const { NetworkingFloatingipV2 } = gen("networking-floatingip-v2");
  const { NetworkingFloatingipAssociateV2 } = gen("networking-floatingip-associate-v2");
  const { BlockstorageVolumeV3 } = gen("blockstorage-volume-v3");
  const { ComputeVolumeAttachV2 } = gen("compute-volume-attach-v2");

  const app = new App({ outdir, ...appProps });
  const stack = new TerraformStack(app, "scale");
  const cloud = new TerraformVariable(stack, "site_cloud", { type: "string", nullable: true, description: "clouds.yaml entry" });
  cloud.addOverride("default", null);
  new OpenstackProvider(stack, "provider", { cloud: cloud.stringValue });
  const image = new DataOpenstackImagesImageV2(stack, "image", {
    mostRecent: true,
    properties: { os_distro: "ubuntu", image_list: "egi_vm_images", os_version: "22.04" },
    lifecycle: {
      postcondition: [{ condition: '${lookup(self.properties, "os_distro", "") == "ubuntu"}', errorMessage: "The image found (${self.id}) does not match" }],
    },
  });
  const flavor = new DataOpenstackComputeFlavorV2(stack, "flavor", { vcpus: 2, ram: 4096, disk: 40 });
  for (let i = 0; i < n; i++) {
    const key = new ComputeKeypairV2(stack, `key-${i}`, { name: `scale-key-${i}`, publicKey: PUBLIC_KEY });
    const group = new NetworkingSecgroupV2(stack, `sg-${i}`, { name: `scale-sg-${i}`, description: "Managed by egi-cdktf" });
    new NetworkingSecgroupRuleV2(stack, `sg-${i}-ssh`, {
      securityGroupId: group.id,
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      portRangeMin: 22,
      portRangeMax: 22,
      remoteIpPrefix: "0.0.0.0/0",
    });
    const server = new ComputeInstanceV2(stack, `vm-${i}`, {
      name: `vm-${i}`,
      imageId: image.id,
      flavorId: flavor.id,
      securityGroups: [group.name],
      keyPair: key.name,
    });
    new TerraformOutput(stack, `vm-${i}_id`, { value: server.id });
    new TerraformOutput(stack, `vm-${i}_addresses`, { value: server.network });
    const port = new DataOpenstackNetworkingPortV2(stack, `vm-${i}-port`, { deviceId: server.id, networkId: server.network.get(0).uuid });
    const fip = new NetworkingFloatingipV2(stack, `vm-${i}-fip`, { pool: "public" });
    new NetworkingFloatingipAssociateV2(stack, `vm-${i}-fip-assoc`, { floatingIp: fip.address, portId: port.id });
    new TerraformOutput(stack, `vm-${i}_floating_ip`, { value: fip.address });
    const volume = new BlockstorageVolumeV3(stack, `vm-${i}-data`, { size: 10, name: `scale-vm-${i}-data` });
    new ComputeVolumeAttachV2(stack, `vm-${i}-data-attach`, { instanceId: server.id, volumeId: volume.id });
  }
  app.synth();
}

function childFloor(bytes, outdir) {
  require("cdktf");
  const dir = path.join(outdir, "stacks", "scale");
  fs.mkdirSync(dir, { recursive: true });
  const resource = {};
  let i = 0;
  let text = "";
  while (text.length < bytes) {
    for (let k = 0; k < 1000; k++, i++) resource[`r${i}`] = { name: `resource-${i}`, value: "x".repeat(40) };
    text = JSON.stringify({ resource }, null, 2);
  }
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), text.slice(0, bytes));
  fs.writeFileSync(path.join(outdir, "manifest.json"), "{}");
}

if (process.argv[2] === "--child") {
  const [, , , kind, arg, outdir] = process.argv;
  const n = Number(arg);
  let packageFramework = null; // what the package's auth/framework.js says (tn-ours)
  const done = () => {
    const report = { maxRssKb: process.resourceUsage().maxRSS, framework: ranOn, packageFramework, creationStackVar: process.env[CREATION_STACK_VAR] ?? null };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  };
  const fail = (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  };
  // On cdktn the app runs as a user's main.ts does: through the package's runApp, which calls the
  // package's disableCreationStackUnlessChosen before the app's code (the parent leaves the variable
  // unset for tn-ours, sets it to 0 for tn-ours-capture); then the framework the package says it runs on.
  const throughRunApp = (fw, body) => {
    const { runApp } = require(path.join(fw.lib, "auth", "hook"));
    packageFramework = require(path.join(fw.lib, "auth", "framework")).FRAMEWORK;
    runApp(async () => {
      await body(fw);
      done();
    });
  };
  const tn = () => framework("cdktn");
  const run = {
    ours: () => childOurs(n, outdir, {}),
    "ours-before": () => childOurs(n, outdir, {}),
    "ours-nostack": () => childOurs(n, outdir, { stackTraces: false }),
    direct: () => childDirect(n, outdir, {}),
    "direct-nostack": () => childDirect(n, outdir, { stackTraces: false }),
    floor: () => childFloor(n, outdir),
    "tn-ours": () => throughRunApp(tn(), (fw) => childOurs(n, outdir, {}, fw)),
    "tn-ours-capture": () => throughRunApp(tn(), (fw) => childOurs(n, outdir, {}, fw)),
    "tn-direct": () => childDirect(n, outdir, {}, tn()),
    "tn-direct-capture": () => childDirect(n, outdir, {}, tn()),
  }[kind];
  if (!run) fail(new Error(`unknown candidate ${kind}`));
  if (kind.startsWith("tn-ours")) {
    try {
      run(); // runApp: done() at the end of the app, exit 1 on failure
    } catch (err) {
      fail(err);
    }
  } else Promise.resolve(run()).then(done, fail);
  return;
}

// --------------------------------------------------------------------------------------- parent
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt("--runs", "5"));
const sizes = opt("--n", "20,200,2000").split(",").map(Number);
// --runs-at 2000=3[,200=5]: another number of rounds for some N (a round at N = 2000 takes minutes)
const runsAt = new Map((opt("--runs-at", "") || "").split(",").filter(Boolean).map((kv) => kv.split("=").map(Number)));
// env: what the candidate's child gets in CDKTN_DISABLE_CREATION_STACK (undefined = unset, as for a
// user who did not choose); expect: the value the child must report at the end of its synth.
const CANDIDATES = [
  { kind: "direct", name: "direct on cdktf: generated classes (baseline)" },
  { kind: "ours", name: "ours on cdktf: constructs + synthWithEgiTokens" },
  { kind: "direct-nostack", name: "direct on cdktf, App({ stackTraces: false })" },
  { kind: "ours-nostack", name: "ours on cdktf, App({ stackTraces: false })" },
  { kind: "tn-direct", name: "direct on cdktn, creation stack off (=1)", env: "1", expect: "1" },
  { kind: "tn-direct-capture", name: "direct on cdktn, creation stack kept (=0)", env: "0", expect: "0" },
  { kind: "tn-ours", name: "**ours on cdktn, runApp (sets =1)**", env: undefined, expect: "1" },
  { kind: "tn-ours-capture", name: "ours on cdktn, runApp, capture kept (=0)", env: "0", expect: "0" },
  { kind: "floor", name: "floor: require cdktf + write the JSON" },
];
const before = opt("--before", undefined);
if (before) CANDIDATES.splice(2, 0, { kind: "ours-before", name: `ours, before (${before})` });
const only = opt("--only", undefined)?.split(",");
const candidates = CANDIDATES.filter((c) => !only || only.includes(c.kind) || c.kind === "direct");
const usesTn = candidates.some((c) => c.kind.startsWith("tn-"));

if (!fs.existsSync(path.join(dist, "constructs", "index.js"))) {
  console.error("bench: dist/ is missing; run npm run build:app first");
  process.exit(1);
}
if (usesTn) {
  const need = ["constructs/index.js", "auth/hook.js", "auth/framework.js", ".gen/providers/openstack/provider/index.js"];
  let missing = need.filter((f) => !fs.existsSync(path.join(tnPkg, "lib", f)));
  // scripts/build-package.sh cdktn rebuilds the package from scratch (about a minute): wait for one under way
  for (let waited = 0; missing.length && waited < 180; waited += 5) {
    if (waited === 0) process.stderr.write(`bench: waiting for ${tnPkg}/lib (a package build under way?)\n`);
    spawnSync("sleep", ["5"]);
    missing = need.filter((f) => !fs.existsSync(path.join(tnPkg, "lib", f)));
  }
  if (missing.length) {
    console.error(`bench: ${tnPkg}/lib lacks ${missing.join(", ")}; run scripts/build-package.sh cdktn first`);
    process.exit(1);
  }
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    console.error(`bench: cdktn needs Node >= 22.19 (this is ${process.version}); PATH=${path.join(repo, ".node", "24.22.3", "bin")}:$PATH`);
    process.exit(1);
  }
}

const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
for (const k of Object.keys(env)) if (/^(CHECKIN_|OIDC_|EGI_ACCESS)/.test(k)) delete env[k];
delete env[CREATION_STACK_VAR]; // each candidate sets its own (or leaves it unset)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-"));
env.EGI_CDKTF_CACHE_DIR = path.join(tmp, "cache");
// removed however the bench ends (Ctrl-C included), not only after the last round
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
process.on("SIGINT", () => process.exit(130));

// Copies of dist/ and of the cdktn package with their dependencies linked beside them (require
// follows the link to the real folder, so cdktf, cdktn and constructs load from where they are).
const copyTree = (from, to) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
};
if (!process.env.EGI_BENCH_DIST) {
  copyTree(dist, path.join(tmp, "cdktf", "dist"));
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(tmp, "cdktf", "node_modules"));
  env.EGI_BENCH_DIST = path.join(tmp, "cdktf", "dist");
}
if (usesTn && !process.env.EGI_BENCH_TN_PKG) {
  const copy = path.join(tmp, "cdktn", "pkg");
  for (const f of ["lib", "node_modules", "package.json"]) copyTree(path.join(tnPkg, f), path.join(copy, f));
  fs.symlinkSync(path.join(repo, "frameworks", "cdktn", "node_modules"), path.join(tmp, "cdktn", "node_modules"));
  env.EGI_BENCH_TN_PKG = copy;
}

function once(c, n, floorBytes, keep = false) {
  const { kind } = c;
  const outdir = fs.mkdtempSync(path.join(tmp, "out-"));
  const childEnv = { ...env };
  if (kind === "ours-before") childEnv.EGI_BENCH_DIST = path.join(path.resolve(before), "dist");
  if (c.env !== undefined) childEnv[CREATION_STACK_VAR] = c.env;
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [__filename, "--child", kind, String(kind === "floor" ? floorBytes : n), outdir], {
    cwd: repo,
    env: childEnv,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const file = path.join(outdir, "stacks", "scale", "cdk.tf.json");
  const bytes = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
  if (r.status !== 0 || !bytes) throw new Error(`${kind} N=${n} failed (exit ${r.status}):\n${r.stderr}`);
  const report = JSON.parse(r.stdout.trim().split("\n").pop());
  // the child must have run on the framework its name says, with the creation-stack setting it says
  if (kind !== "floor") {
    const want = kind.startsWith("tn-") ? "cdktn" : "cdktf";
    if (report.framework !== want) throw new Error(`${kind} N=${n} ran on ${report.framework}, not ${want}`);
    if (kind.startsWith("tn-ours") && report.packageFramework !== "cdktn") throw new Error(`${kind}: the package's FRAMEWORK is ${report.packageFramework}`);
    if (c.expect !== undefined && report.creationStackVar !== c.expect) {
      throw new Error(`${kind} N=${n}: ${CREATION_STACK_VAR} was ${JSON.stringify(report.creationStackVar)} at synth, not "${c.expect}"`);
    }
  }
  return { seconds, rssMb: report.maxRssKb / 1024, bytes, file: keep ? file : undefined };
}

/** Paths (a.b["c"]) where two JSON values differ, at most `max` of them. */
function jsonDiff(a, b, at = [], out = [], max = 20) {
  if (out.length >= max) return out;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) jsonDiff(a[k], b[k], [...at, k], out, max);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ at, a, b });
  return out;
}
/** The differences the frameworks may have: the top-level "//" metadata's version and backend fields. */
const allowed = ({ at }) => at[0] === "//" && at[1] === "metadata" && ["version", "backend"].includes(at[2]);

/** Compare the kept cdk.tf.json files of the warm-up round; throws (the bench fails) on any other difference. */
function checkSame(warm, n) {
  const pairs = [
    ["tn-ours", "ours", "ours on cdktn = ours on cdktf"],
    ["tn-direct", "direct", "direct on cdktn = direct on cdktf"],
    ["tn-ours-capture", "tn-ours", "ours on cdktn, capture kept = off"],
    ["tn-direct-capture", "tn-direct", "direct on cdktn, capture kept = off"],
  ].filter(([x, y]) => warm[x] && warm[y]);
  const lines = [];
  for (const [x, y, label] of pairs) {
    const [jx, jy] = [warm[x], warm[y]].map((w) => JSON.parse(fs.readFileSync(w.file, "utf8")));
    const diffs = jsonDiff(jy, jx);
    const bad = diffs.filter((d) => !allowed(d));
    const show = (d) => `${d.at.map((k) => JSON.stringify(k)).join(".")}: ${JSON.stringify(d.a)} -> ${JSON.stringify(d.b)}`;
    if (bad.length) throw new Error(`check N=${n}: ${label} FAILED, ${bad.length}${bad.length >= 20 ? "+" : ""} differences outside the "//" metadata:\n  ${bad.map(show).join("\n  ")}`);
    const count = (j) => Object.values(j.resource ?? {}).reduce((t, r) => t + Object.keys(r).length, 0);
    lines.push(
      `check N=${n}: ${label}: same JSON (${count(jx)} resources, ${Object.keys(jx.data ?? {}).length} data source types, ${Object.keys(jx.output ?? {}).length} outputs, ` +
        `${(warm[x].bytes / 1024).toFixed(0)} KiB)${diffs.length ? `, except ${diffs.map(show).join("; ")}` : ", identical"}`,
    );
  }
  return lines;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const checks = [];
const goals = [];
for (const n of sizes) {
  const rounds = runsAt.get(n) ?? runs;
  const warm = {};
  // Warm-up round; floor comes last and writes as many bytes as ours (else direct) did. Its outputs are kept for the check.
  for (const c of candidates) warm[c.kind] = once(c, n, c.kind === "floor" ? (warm.ours ?? warm.direct).bytes : 0, c.kind !== "floor");
  for (const line of checkSame(warm, n)) {
    checks.push(line);
    process.stderr.write(`${line}\n`);
  }
  const floorBytes = (warm.ours ?? warm.direct).bytes;
  const samples = Object.fromEntries(candidates.map((c) => [c.kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of candidates) samples[c.kind].push(once(c, n, floorBytes));
    process.stderr.write(`N=${n} round ${round + 1}/${rounds}: ${candidates.map((c) => `${c.kind} ${samples[c.kind][round].seconds.toFixed(2)}`).join(", ")}\n`);
  }
  const med = (kind) => median(samples[kind].map((s) => s.seconds));
  const base = med("direct");
  const oursBase = samples.ours ? med("ours") : undefined;
  for (const c of candidates) {
    const t = samples[c.kind].map((s) => s.seconds);
    const rss = samples[c.kind].map((s) => s.rssMb);
    rows.push(
      `| ${n} | ${c.name} | ${median(t).toFixed(2)} s (${Math.min(...t).toFixed(2)}-${Math.max(...t).toFixed(2)}) | ` +
        `${(median(t) / base).toFixed(2)} | ${oursBase ? (median(t) / oursBase).toFixed(2) : "-"} | ` +
        `${median(rss).toFixed(0)} MB (${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)}) | ` +
        `${(samples[c.kind][0].bytes / 1024).toFixed(0)} KiB | ${rounds} |`,
    );
  }
  if (samples["tn-ours"] && oursBase) {
    const toOurs = med("tn-ours") / oursBase;
    const toDirect = med("tn-ours") / base;
    const mark = (ok) => (ok ? "met" : "MISSED");
    goals.push(
      `goal N=${n}${n >= 200 ? "" : " (not a goal size)"}: ours on cdktn / ours on cdktf = ${toOurs.toFixed(2)} (<= 0.75: ${mark(toOurs <= 0.75)}); ` +
        `ours on cdktn / direct on cdktf = ${toDirect.toFixed(2)} (<= 0.90: ${mark(toDirect <= 0.9)})`,
    );
  }
  process.stderr.write(`N=${n} done\n`);
}
const load = os.loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0].model}, ${new Date().toISOString()}, load average at the end ${load}; rounds per N in the last column, round-robin after a warm-up round\n`);
console.log("| N | candidate | median (min-max) | ratio to direct on cdktf | ratio to ours on cdktf | peak RSS, median (min-max) | cdk.tf.json | runs |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
if (checks.length) console.log(`\n${checks.join("\n")}`);
if (goals.length) console.log(`\n${goals.join("\n")}`);
