#!/usr/bin/env node
/**
 * `egi-cdktf plan-summary --changed-since` on a repository of many stacks (issue 18: "big repos with
 * many stacks plan in seconds instead of minutes"), on the local site, with the real CLI. A temporary
 * git repository holds a cdktf project whose app (bench/fixtures/plan-summary-changed/app.js) makes
 * --stacks stacks of --servers servers each (security group + SSH rule, floating IP and data volume
 * per server, one key pair per stack); a first commit, then a second that changes one stack (the
 * volume size of its servers). Candidates, each in its own clone of that repository:
 *
 *   (a) baseline: `plan-summary --out summary.md`: every stack synthesized and planned;
 *   (b) `--changed-since HEAD~1`: the base synthesized in a worktree too, one stack planned;
 *   (c) `--changed-since HEAD`: nothing changed: the two synths, no plan.
 *
 * Round-robin after a warm-up round; median (min-max) and the ratio to (a) of the same invocation;
 * where the time goes, from a terraform wrapper and an app wrapper that log each child's start and
 * end (site-bench.js). Each run is checked (untimed): which stacks were planned, with how many
 * resources each, how many synths and plans ran, the summary written, no worktree or temp folder
 * left. No assertion on time. Plans only: nothing is created on the site.
 *
 * .terraform between runs: by default every run starts from a clean output folder (cdktf.out removed
 * before it, untimed), as a CI job on a fresh checkout does; --keep-terraform keeps each clone's
 * cdktf.out (and the .terraform folders of the stacks it planned) from run to run, as on a runner
 * that keeps its workspace. --plugin-cache sets TF_PLUGIN_CACHE_DIR (filled in the warm-up); without
 * it every `terraform init` copies the provider (36 MB) from the mirror into the stack's .terraform.
 *
 *   node bench/plan-summary-changed.js [--runs 3] [--stacks 12] [--servers 5] [--keep-terraform] [--plugin-cache]
 *   (site up: site/up.sh; built: npm run build && npm run build:app)
 */
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const b = require("./fixtures/site-bench");

const a = b.args();
const runs = Number(a.get("--runs", 3));
const stackCount = Number(a.get("--stacks", 12));
const servers = Number(a.get("--servers", 5));
const keepTerraform = a.has("--keep-terraform");
const pluginCache = a.has("--plugin-cache");
const PROJECT = 1; // the site's second project, as plan-reads.js: the deploy benchmarks use the first
const BUILD_LOCK = "/tmp/egi-build.lock";
/** Per server: server, security group, rule, floating IP, its association, volume, attachment; per stack: the key pair. */
const RESOURCES_PER_STACK = servers * 7 + 1;

const names = Array.from({ length: stackCount }, (_, i) => `team-${String(i + 1).padStart(2, "0")}`);
const changedStack = names[Math.floor(stackCount / 2)];

/**
 * lib/ (the CLI), bin/ and dist/ (the app's library) copied under the build lock, their dependencies
 * linked beside them: other sessions rebuild lib/ and dist/ from scratch during a run of minutes.
 */
function copyBuild() {
  const to = path.join(b.root, "build");
  fs.mkdirSync(to);
  // checked under the lock too: a build under way removes lib/ first
  const script = `for f in lib/cli/egi-cdktf.js dist/constructs/index.js; do [ -f "$f" ] || { echo "$f is missing: run npm run build && npm run build:app first" >&2; exit 1; }; done; cp -a lib bin dist "$1"`;
  const cp = spawnSync("flock", [BUILD_LOCK, "sh", "-c", script, "sh", to], { cwd: b.repo, encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`copying the build: ${cp.stderr.trim()}`);
  fs.symlinkSync(path.join(b.repo, "node_modules"), path.join(to, "node_modules"));
  return { bin: path.join(to, "bin", "egi-cdktf"), dist: path.join(to, "dist") };
}

function git(cwd, ...args) {
  const r = spawnSync("git", ["-c", "user.email=bench@example.org", "-c", "user.name=bench", "-c", "core.hooksPath=/dev/null", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The team's repository: the project, committed; then one stack's volumes resized, committed. */
function makeRepo() {
  const dir = path.join(b.root, "repo");
  fs.mkdirSync(dir);
  const app = path.join(__dirname, "fixtures", "plan-summary-changed", "app.js");
  // the app wrapped to log its start and end (the phase log), as site-bench.js's project() does
  const cmd = `s=$(date +%s%N); ${JSON.stringify(process.execPath)} ${JSON.stringify(app)}; rc=$?; echo "$s $(date +%s%N) $rc app" >> "$BENCH_PHASE_LOG"; exit $rc`;
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: cmd, sendCrashReports: "false" }, null, 2));
  fs.writeFileSync(path.join(dir, ".gitignore"), "cdktf.out/\nsummary.md\n");
  const stacks = (changed) => JSON.stringify(Object.fromEntries(names.map((n) => [n, { servers, volumeGb: changed && n === changedStack ? 20 : 10 }])), null, 2);
  fs.writeFileSync(path.join(dir, "stacks.json"), stacks(false));
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", `${stackCount} stacks of ${servers} servers`);
  fs.writeFileSync(path.join(dir, "stacks.json"), stacks(true));
  git(dir, "commit", "-q", "-am", `${changedStack}: larger data volumes`);
  return dir;
}

/** Run the CLI; resolves with wall seconds, exit code, stdout and stderr (never rejects on an exit code). */
function runCli(bin, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ seconds, startNs, endNs: startNs + BigInt(Math.round(seconds * 1e9)), code, stdout, stderr });
    });
  });
}

/**
 * What a run did, from its stderr and the phase log, checked against what the candidate should do;
 * throws on any difference. Exit 1 is accepted only when every failure line is the quota check's
 * "over quota" (12 x 5 servers are more than the site project's 10 instances): the plans themselves
 * must all succeed.
 */
function check(c, r, phases, tmp) {
  const fail = (why) => {
    throw new Error(`${c.name}: ${why}\nexit ${r.code}\n${r.stderr.slice(-3000)}`);
  };
  const failures = r.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: "));
  if (!(r.code === 0 || (r.code === 1 && failures.length > 0 && failures.every((l) => l.startsWith("egi-cdktf: over quota "))))) fail("unexpected exit or failure");
  const planned = {};
  for (const m of r.stderr.matchAll(/^plan-summary: (team-\d+): (\d+) to add, 0 to change, 0 to replace, 0 to destroy \(/gm)) planned[m[1]] = Number(m[2]);
  if (Object.keys(planned).sort().join(",") !== c.planned.join(",")) fail(`planned ${Object.keys(planned).join(",") || "nothing"}, expected ${c.planned.join(",") || "nothing"}`);
  for (const [stack, adds] of Object.entries(planned)) if (adds !== RESOURCES_PER_STACK) fail(`${stack}: ${adds} to add, expected ${RESOURCES_PER_STACK}`);
  let baseSynth;
  if (c.since) {
    const m = r.stderr.match(/^plan-summary: --changed-since (\S+) \([0-9a-f]{12}\): base synthesized in (\d+\.\d) s; (.*)$/m);
    if (!m || m[1] !== c.since) fail("no --changed-since line");
    baseSynth = Number(m[2]);
    const unchanged = names.filter((n) => !c.planned.includes(n));
    const expected = [...(c.planned.length ? [`changed: ${c.planned.join(", ")}`] : []), `unchanged: ${unchanged.join(", ")}`].join("; ");
    if (m[3] !== expected) fail(`compared: "${m[3]}", expected "${expected}"`);
  }
  const count = (name) => phases.filter((p) => p.name === name).length;
  if (count("app") !== (c.since ? 2 : 1)) fail(`${count("app")} synths`);
  if (count("terraform-plan") !== c.planned.length) fail(`${count("terraform-plan")} terraform plans`);
  if (phases.some((p) => p.rc !== 0)) fail(`a child failed: ${phases.filter((p) => p.rc !== 0).map((p) => p.name).join(", ")}`);
  const summary = fs.readFileSync(path.join(c.dir, "summary.md"), "utf8");
  if (!summary.startsWith("<!-- egi-cdktf:plan-summary app=")) fail("summary.md has no marker");
  const left = fs.readdirSync(tmp).filter((n) => n.startsWith("egi-cdktf-"));
  if (left.length) fail(`left in TMPDIR: ${left.join(", ")}`);
  if (git(c.dir, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree ")).length !== 1) fail("a worktree is left");
  const overQuota = failures.map((l) => l.match(/^egi-cdktf: over quota at .*?: (.+?): the plans add (\d+) .* \(limit (\d+), used (\d+)\)$/)).filter(Boolean).map((m) => `${m[1]} ${m[2]} (limit ${m[3]}, used ${m[4]})`);
  return { baseSynth, overQuota };
}

/** Seconds per phase of one run: synths (app), terraform by subcommand, and egi-cdktf itself (the rest). */
function phaseSplit(r, phases) {
  const by = { app: 0, "terraform-init": 0, "terraform-validate": 0, "terraform-plan": 0, "terraform-show": 0, "terraform-version": 0 };
  let children = 0;
  for (const p of phases) {
    by[p.name] = (by[p.name] ?? 0) + p.seconds;
    children += p.seconds;
  }
  by["egi-cdktf itself"] = r.seconds - children;
  return by;
}

(async () => {
  const env = await b.userEnv(PROJECT);
  const build = copyBuild();
  const repoDir = makeRepo();
  const tmp = path.join(b.root, "tmp");
  fs.mkdirSync(tmp);
  const cliEnv = { ...env, TMPDIR: tmp, BENCH_DIST: build.dist, BENCH_PREFIX: `bench-psc-${process.pid}` };
  if (pluginCache) {
    cliEnv.TF_PLUGIN_CACHE_DIR = path.join(b.root, "plugin-cache");
    fs.mkdirSync(cliEnv.TF_PLUGIN_CACHE_DIR);
  }
  const candidates = [
    { key: "all", name: "(a) `plan-summary --out summary.md` (baseline)", args: [], planned: names },
    { key: "head1", name: "(b) `--changed-since HEAD~1` (one stack changed)", args: ["--changed-since", "HEAD~1"], since: "HEAD~1", planned: [changedStack] },
    { key: "head", name: "(c) `--changed-since HEAD` (nothing changed)", args: ["--changed-since", "HEAD"], since: "HEAD", planned: [] },
  ];
  for (const c of candidates) {
    c.dir = path.join(b.root, `clone-${c.key}`);
    git(b.root, "clone", "-q", repoDir, c.dir);
    c.samples = [];
    c.phases = [];
    c.baseSynth = [];
  }
  const once = async (c) => {
    if (!keepTerraform) fs.rmSync(path.join(c.dir, "cdktf.out"), { recursive: true, force: true });
    fs.rmSync(path.join(c.dir, "summary.md"), { force: true });
    b.takePhases();
    const r = await runCli(build.bin, ["plan-summary", ...c.args, "--out", "summary.md"], c.dir, cliEnv);
    const phases = b.takePhases();
    return { r, phases, ...check(c, r, phases, tmp) };
  };

  let stopping = false;
  process.on("SIGINT", () => {
    stopping = true;
    b.cleanup();
    process.exit(130);
  });
  try {
    const started = new Date();
    for (const c of candidates) {
      const { r } = await once(c); // warm-up: token cache, file cache, and (--keep-terraform) .terraform
      process.stderr.write(`warm-up: ${c.name} ${r.seconds.toFixed(1)} s (exit ${r.code})\n`);
    }
    for (let round = 0; round < runs && !stopping; round++) {
      for (const c of candidates) {
        const { r, phases, baseSynth, overQuota } = await once(c);
        if (overQuota.length) c.overQuota = overQuota;
        c.samples.push(r.seconds);
        c.phases.push(phaseSplit(r, phases));
        if (baseSynth !== undefined) c.baseSynth.push(baseSynth);
        process.stderr.write(`round ${round + 1}/${runs}: ${c.name} ${r.seconds.toFixed(1)} s (exit ${r.code})\n`);
      }
    }
    const base = b.median(candidates[0].samples);
    const load = require("node:os").loadavg().map((x) => x.toFixed(1)).join(" ");
    const mode = keepTerraform ? "each clone keeps cdktf.out and its stacks' .terraform between runs" : "cdktf.out removed before every run (clean, as a fresh CI checkout)";
    console.log(`\n${b.header(`started ${started.toISOString()}, ${runs} rounds, round-robin after a warm-up round, ${stackCount} stacks x ${servers} servers (${RESOURCES_PER_STACK} resources a stack), ${mode}, ${pluginCache ? "TF_PLUGIN_CACHE_DIR set" : "no plugin cache"}, load average at the end ${load}`)}\n`);
    console.log("| candidate | stacks planned | median (min-max) | ratio |");
    console.log("| --- | --- | --- | --- |");
    for (const c of candidates) console.log(`| ${c.name} | ${c.planned.length} of ${stackCount} | ${b.fmt(c.samples, 1)} | ${(b.median(c.samples) / base).toFixed(2)} |`);
    for (const c of candidates) if (c.overQuota) console.log(`\n${c.name}: exit 1 from the quota check (accepted; every plan succeeded), last run: over quota: ${c.overQuota.join("; ")}`);
    const cols = ["app", "terraform-init", "terraform-validate", "terraform-plan", "terraform-show", "terraform-version", "egi-cdktf itself"];
    const label = { app: "synth (app runs)" };
    console.log(`\nWhere the time goes (median of ${runs}, seconds; terraform summed over the stacks planned; "egi-cdktf itself" = wall time minus its children: start-up, git worktree, comparison, quota check, rendering):\n`);
    console.log(`| candidate | ${cols.map((k) => label[k] ?? k.replace(/^terraform-/, "terraform ")).join(" | ")} | base synth (its own log line) |`);
    console.log(`| --- | ${cols.map(() => "---").join(" | ")} | --- |`);
    for (const c of candidates) {
      console.log(`| ${c.name} | ${cols.map((k) => b.median(c.phases.map((p) => p[k] ?? 0)).toFixed(1)).join(" | ")} | ${c.baseSynth.length ? b.fmt(c.baseSynth, 1) : "-"} |`);
    }
  } finally {
    b.cleanup();
    const left = fs.existsSync(b.root);
    if (left) console.error(`cleanup: ${b.root} is still there`);
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  b.cleanup();
  process.exit(1);
});
