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
 *   - floor: a node process that requires cdktf and writes a JSON file as large as ours.
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
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
// A child for "ours-before" gets the dist/ of another checkout (--before DIR) in EGI_BENCH_DIST.
const dist = process.env.EGI_BENCH_DIST ?? path.join(repo, "dist");
const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHf0uQ9R1tT1m0nq1o8T1FJ0Qx6yYQp5r9b8c3vYk0aD bench@example";

// ---------------------------------------------------------------------------------------- child
function childOurs(n, outdir, appProps) {
  const { App, TerraformStack } = require("cdktf");
  const c = require(path.join(dist, "constructs"));
  const { synthWithEgiTokens } = require(path.join(dist, "auth", "hook"));
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

function childDirect(n, outdir, appProps) {
  const { App, TerraformStack, TerraformVariable, TerraformOutput } = require("cdktf");
  const gen = (m) => require(path.join(dist, ".gen", "providers", "openstack", m));
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
  const done = () => {
    process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
  };
  const run = {
    ours: () => childOurs(n, outdir, {}),
    "ours-before": () => childOurs(n, outdir, {}),
    "ours-nostack": () => childOurs(n, outdir, { stackTraces: false }),
    direct: () => childDirect(n, outdir, {}),
    "direct-nostack": () => childDirect(n, outdir, { stackTraces: false }),
    floor: () => childFloor(n, outdir),
  }[kind];
  Promise.resolve(run()).then(done, (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
  return;
}

// --------------------------------------------------------------------------------------- parent
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt("--runs", "5"));
const sizes = opt("--n", "20,200,2000").split(",").map(Number);
const CANDIDATES = [
  { kind: "direct", name: "direct: generated classes (baseline)" },
  { kind: "ours", name: "ours: constructs + synthWithEgiTokens" },
  { kind: "direct-nostack", name: "direct, App({ stackTraces: false })" },
  { kind: "ours-nostack", name: "ours, App({ stackTraces: false })" },
  { kind: "floor", name: "floor: require cdktf + write the JSON" },
];
const before = opt("--before", undefined);
if (before) CANDIDATES.splice(2, 0, { kind: "ours-before", name: `ours, before (${before})` });
const only = opt("--only", undefined)?.split(",");
const candidates = CANDIDATES.filter((c) => !only || only.includes(c.kind) || c.kind === "direct");

if (!fs.existsSync(path.join(dist, "constructs", "index.js"))) {
  console.error("bench: dist/ is missing; run npm run build:app first");
  process.exit(1);
}

const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
for (const k of Object.keys(env)) if (/^(CHECKIN_|OIDC_|EGI_ACCESS)/.test(k)) delete env[k];
env.EGI_CDKTF_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-cache-"));
// removed however the bench ends (Ctrl-C included), not only after the last round
process.on("exit", () => fs.rmSync(env.EGI_CDKTF_CACHE_DIR, { recursive: true, force: true }));
process.on("SIGINT", () => process.exit(130));

function once(kind, n, floorBytes) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-"));
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [__filename, "--child", kind, String(kind === "floor" ? floorBytes : n), outdir], {
    cwd: repo,
    env: kind === "ours-before" ? { ...env, EGI_BENCH_DIST: path.join(path.resolve(before), "dist") } : env,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const file = path.join(outdir, "stacks", "scale", "cdk.tf.json");
  const bytes = fs.existsSync(file) ? fs.statSync(file).size : 0;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (r.status !== 0 || !bytes) throw new Error(`${kind} N=${n} failed (exit ${r.status}):\n${r.stderr}`);
  const { maxRssKb } = JSON.parse(r.stdout.trim().split("\n").pop());
  return { seconds, rssMb: maxRssKb / 1024, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const n of sizes) {
  const warm = {};
  // Warm-up round; floor comes last and writes as many bytes as ours (else direct) did.
  for (const c of candidates) warm[c.kind] = once(c.kind, n, c.kind === "floor" ? (warm.ours ?? warm.direct).bytes : 0);
  const floorBytes = (warm.ours ?? warm.direct).bytes;
  const samples = Object.fromEntries(candidates.map((c) => [c.kind, []]));
  for (let round = 0; round < runs; round++) {
    for (const c of candidates) samples[c.kind].push(once(c.kind, n, floorBytes));
  }
  const base = median(samples.direct.map((s) => s.seconds));
  for (const c of candidates) {
    const t = samples[c.kind].map((s) => s.seconds);
    const rss = samples[c.kind].map((s) => s.rssMb);
    rows.push(
      `| ${n} | ${c.name} | ${median(t).toFixed(2)} s (${Math.min(...t).toFixed(2)}-${Math.max(...t).toFixed(2)}) | ` +
        `${(median(t) / base).toFixed(2)} | ${median(rss).toFixed(0)} MB (${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)}) | ` +
        `${(samples[c.kind][0].bytes / 1024).toFixed(0)} KiB |`,
    );
  }
  process.stderr.write(`N=${n} done\n`);
}
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0].model}, ${new Date().toISOString()}, ${runs} runs per candidate and N, round-robin after a warm-up round\n`);
console.log("| N | candidate | median (min-max) | ratio to direct | peak RSS, median (min-max) | cdk.tf.json |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
