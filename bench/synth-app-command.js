#!/usr/bin/env node
/**
 * Wall time of the cdktf app command (what `cdktf synth` runs) and of a whole `cdktf synth`, for
 * the stock `npx ts-node main.ts` against the alternatives. Candidates run round-robin (one run of
 * each per round) so machine noise hits all of them alike; we report the median of N runs and the
 * ratio to the stock command.
 *
 *   node bench/synth-app-command.js [--runs 5] [--full]
 *
 * `--full` also times `cdktf synth --app <cmd>` end to end (adds ~10 s per run).
 * tsx is not a project dependency: it is installed into a temporary prefix for the comparison.
 */
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const full = args.includes("--full");

const tsxPrefix = fs.mkdtempSync(path.join(os.tmpdir(), "bench-tsx-"));
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", tsxPrefix, "tsx@4.21.0"], { stdio: "ignore" });
const tsx = path.join(tsxPrefix, "node_modules", ".bin", "tsx");

const candidates = [
  { name: "stock: npx ts-node main.ts", cmd: "npx ts-node main.ts", types: true },
  { name: "ts-node (no npx)", cmd: "node_modules/.bin/ts-node main.ts", types: true },
  { name: "ts-node --transpile-only", cmd: "node_modules/.bin/ts-node --transpile-only main.ts", types: false },
  { name: "tsx", cmd: `${tsx} main.ts`, types: false },
  { name: "ours: tsc -b + node (warm)", cmd: "node_modules/.bin/tsc -b tsconfig.build.json && node dist/main.js", types: true },
  {
    name: "ours: tsc -b + node (cold)",
    cmd: "rm -rf dist && node_modules/.bin/tsc -b tsconfig.build.json && node dist/main.js",
    types: true,
  },
];

function time(wrap, cmd) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  const start = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", wrap(cmd, outdir)], {
    cwd: repo,
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: path.join(repo, ".terraform-mirror", "terraformrc"),
    },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const wrote = fs.existsSync(path.join(outdir, "manifest.json"));
  fs.rmSync(outdir, { recursive: true, force: true });
  if (r.status !== 0 || !wrote) throw new Error(`'${cmd}' failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  return seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label, wrap) {
  const samples = candidates.map(() => []);
  for (const c of candidates) time(wrap, c.cmd); // warm-up round: caches, dist/, npx resolution
  for (let round = 0; round < runs; round++) {
    candidates.forEach((c, i) => samples[i].push(time(wrap, c.cmd)));
  }
  const base = median(samples[0]);
  console.log(`\n${label}: median of ${runs} (min-max), ratio to stock`);
  candidates.forEach((c, i) => {
    const m = median(samples[i]);
    const lo = Math.min(...samples[i]);
    const hi = Math.max(...samples[i]);
    console.log(
      `  ${c.name.padEnd(34)} ${m.toFixed(2)} s (${lo.toFixed(2)}-${hi.toFixed(2)})  x${(m / base).toFixed(2)}  type errors ${c.types ? "shown" : "hidden"}`,
    );
  });
}

console.log(`node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`);
measure("app command alone", (cmd) => cmd);
if (full) {
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  measure("cdktf synth --app <cmd>", (cmd, outdir) => `node_modules/.bin/cdktf synth --app ${quote(cmd)} --output ${quote(outdir)}`);
}
fs.rmSync(tsxPrefix, { recursive: true, force: true });
