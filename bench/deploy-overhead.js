#!/usr/bin/env node
/**
 * Deploy overhead on the local site (issue 12, item 3; cdktn: issue 17, item 4): `cdktf deploy` and
 * `cdktn deploy` (CDK Terrain, the maintained fork) of one machine through the hook with a warm token
 * (synth + terraform init + apply + outputs) against `terraform apply` of the same synthesized JSON in
 * an initialized copy of the stack folder (same clouds.yaml link, same tfvars; only the local backend
 * path differs, so each keeps its own state). Each timed run is followed by a destroy (not timed).
 * Candidates run round-robin after one warm-up round; we report the median (min-max) and the ratio
 * to `terraform apply`, then where each CLI's extra time goes, from a terraform wrapper and an app
 * wrapper that log each child's start and end.
 *
 * cdktf: bench/fixtures/machines-app.js with dist/ (npm run build:app), the repo's cdktf-cli 0.21.
 * cdktn: bench/fixtures/machines-app.js with BENCH_FRAMEWORK=cdktn, the same app with the egi-fedcloud-cdktn package
 *   (frameworks/cdktn/pkg, copied first so that a rebuild during the bench cannot break a run) through
 *   its runApp (creation stack off unless chosen; the app logs the value it synthesized with), and
 *   frameworks/cdktn/node_modules/.bin/cdktn (cdktn-cli 0.24, Node >= 22.19: run the bench with
 *   PATH=.node/24.22.3/bin:$PATH; both CLIs then run on that Node). The warm-up checks that its
 *   cdk.tf.json equals cdktf's but for the "//" metadata version/backend.
 * At the end: every state is listed (must be empty), leftover servers named bench-ovh-* are swept,
 * and the server list is checked to be empty.
 *
 *   node bench/deploy-overhead.js [--runs 5] [--frameworks cdktf,cdktn]      (site up: site/up.sh)
 */
const fs = require("node:fs");
const path = require("node:path");
const b = require("./fixtures/site-bench");

const runs = Number(b.args().get("--runs", 5));
const frameworks = b.args().get("--frameworks", "cdktf,cdktn").split(",");
const STACK = "bench-overhead";
const PREFIX = "bench-ovh";
const cdktnBin = path.join(b.repo, "frameworks", "cdktn", "node_modules", ".bin", "cdktn");

/** A project folder like b.project's, for the cdktn app (its own app wrapper logging the "app" phase). */
function tnProject(name, appEnv) {
  const dir = path.join(b.root, name);
  fs.mkdirSync(dir);
  const vars = Object.entries(appEnv).map(([k, v]) => `${k}=${JSON.stringify(String(v))}`).join(" ");
  const app = `s=$(date +%s%N); BENCH_FRAMEWORK=cdktn ${vars} node ${JSON.stringify(path.join(__dirname, "fixtures", "machines-app.js"))}; rc=$?; echo "$s $(date +%s%N) $rc app" >> "$BENCH_PHASE_LOG"; exit $rc`;
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app, sendCrashReports: "false" }));
  return dir;
}

/** A copy of the cdktn package with the toolchain's node_modules linked beside it (require follows the link). */
function snapshotTnPkg() {
  const src = path.join(b.repo, "frameworks", "cdktn", "pkg");
  const copy = path.join(b.root, "cdktn", "pkg");
  for (const f of ["lib", "node_modules", "package.json"]) {
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.cpSync(path.join(src, f), path.join(copy, f), { recursive: true, verbatimSymlinks: true });
  }
  fs.symlinkSync(path.join(b.repo, "frameworks", "cdktn", "node_modules"), path.join(b.root, "cdktn", "node_modules"));
  if (!fs.existsSync(path.join(copy, "lib", ".gen", "providers", "openstack", "provider", "index.js"))) throw new Error(`${src}/lib/.gen is missing: scripts/build-package.sh cdktn`);
  return copy;
}

/** Paths where two JSON values differ. */
function jsonDiff(a, x, at = [], out = []) {
  if (a && x && typeof a === "object" && typeof x === "object" && Array.isArray(a) === Array.isArray(x)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(x)])) jsonDiff(a[k], x[k], [...at, k], out);
  } else if (JSON.stringify(a) !== JSON.stringify(x)) out.push({ at, a, b: x });
  return out;
}

(async () => {
  if (frameworks.includes("cdktn")) {
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 19)) throw new Error(`cdktn-cli needs Node >= 22.19 (this is ${process.version}): PATH=${path.join(b.repo, ".node", "24.22.3", "bin")}:$PATH`);
  }
  const env = await b.userEnv(0);
  delete env.CDKTN_DISABLE_CREATION_STACK; // the app's runApp decides, as for a user who did not set it
  const tfEnv = { ...env };
  delete tfEnv.TERRAFORM_BINARY_NAME;
  const dir = b.project("overhead", { BENCH_STACK: STACK, BENCH_MACHINES: 1, BENCH_PREFIX: PREFIX });
  const stackDir = path.join(dir, "cdktf.out", "stacks", STACK);
  const copyDir = path.join(b.root, "tf-copy", STACK);
  const destroy = (where) => b.terraform(where, ["destroy", "-auto-approve", "-input=false"], tfEnv);
  const creationStackLog = path.join(b.root, "creation-stack");
  let tnDir;
  let tnStackDir;
  let tnEnv;
  if (frameworks.includes("cdktn")) {
    tnDir = tnProject("overhead-cdktn", { BENCH_STACK: STACK, BENCH_MACHINES: 1, BENCH_PREFIX: PREFIX });
    tnStackDir = path.join(tnDir, "cdktf.out", "stacks", STACK);
    tnEnv = { ...env, EGI_BENCH_TN_PKG: snapshotTnPkg(), BENCH_CREATION_STACK_LOG: creationStackLog };
  }
  const cdktn = (args) => b.run(cdktnBin, [...args, "--skip-provider-lock"], { cwd: tnDir, env: tnEnv });

  const candidates = [{ name: "terraform apply (same JSON, initialized copy)", run: () => b.terraform(copyDir, ["apply", "-auto-approve", "-input=false"], tfEnv), after: () => destroy(copyDir) }];
  if (frameworks.includes("cdktf")) candidates.push({ name: "cdktf deploy (cdktf-cli 0.21, hook, warm token)", cli: "cdktf", run: () => b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env), after: () => destroy(stackDir), phases: true });
  if (frameworks.includes("cdktn")) candidates.push({ name: "cdktn deploy (cdktn-cli 0.24, hook, warm token, runApp: creation stack off)", cli: "cdktn", run: () => cdktn(["deploy", STACK, "--auto-approve"]), after: () => destroy(tnStackDir), phases: true });
  const checks = [];

  try {
    // warm-up: fills the token cache, initializes the stack folders; then the copy for terraform alone
    // (of the cdktf stack if measured, else of the cdktn stack)
    if (frameworks.includes("cdktf")) {
      await b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env);
      b.takePhases();
      await destroy(stackDir);
    }
    if (tnDir) {
      await cdktn(["deploy", STACK, "--auto-approve"]);
      b.takePhases();
      await destroy(tnStackDir);
      const value = fs.readFileSync(creationStackLog, "utf8");
      if (value !== "1") throw new Error(`the cdktn app synthesized with CDKTN_DISABLE_CREATION_STACK=${value}, not 1 (runApp)`);
      checks.push("check: the cdktn app synthesized with CDKTN_DISABLE_CREATION_STACK=1 (set by the package's runApp)");
    }
    const source = frameworks.includes("cdktf") ? stackDir : tnStackDir;
    if (tnDir && frameworks.includes("cdktf")) {
      // the local backend's state file is in each project's own folder: compared relative to it
      const read = (d, project) => {
        const j = JSON.parse(fs.readFileSync(path.join(d, "cdk.tf.json"), "utf8"));
        const local = j.terraform?.backend?.local;
        if (local?.path?.startsWith(`${project}${path.sep}`)) local.path = `<project>/${path.relative(project, local.path)}`;
        return j;
      };
      const [a, x] = [read(stackDir, dir), read(tnStackDir, tnDir)];
      const diffs = jsonDiff(a, x);
      const bad = diffs.filter((d) => !(d.at[0] === "//" && d.at[1] === "metadata" && ["version", "backend"].includes(d.at[2])));
      const show = (d) => `${d.at.join(".")}: ${JSON.stringify(d.a)} -> ${JSON.stringify(d.b)}`;
      if (bad.length) throw new Error(`check FAILED: the cdktn stack's cdk.tf.json differs from cdktf's outside the "//" metadata:\n  ${bad.slice(0, 20).map(show).join("\n  ")}`);
      checks.push(`check: cdk.tf.json of cdktn = cdktf's (local backend path relative to each project)${diffs.length ? `, except ${diffs.map(show).join("; ")}` : ", identical"}`);
    }
    fs.cpSync(source, copyDir, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== "plan" });
    const json = JSON.parse(fs.readFileSync(path.join(copyDir, "cdk.tf.json"), "utf8"));
    json.terraform.backend = { local: { path: path.join(copyDir, "terraform.tfstate") } };
    fs.writeFileSync(path.join(copyDir, "cdk.tf.json"), JSON.stringify(json, null, 2));
    await b.terraform(copyDir, ["init", "-input=false", "-reconfigure"], tfEnv);
    await candidates[0].run();
    await candidates[0].after();
    if (!fs.lstatSync(path.join(copyDir, "clouds.yaml")).isSymbolicLink()) throw new Error("the copy's clouds.yaml is not the hook's link");
    for (const c of checks) process.stderr.write(`${c}\n`);

    // round-robin (as b.roundRobin, with the phase split kept per CLI)
    const samples = candidates.map(() => []);
    const phaseRuns = candidates.map(() => []);
    for (let round = 0; round < runs; round++) {
      for (const [i, c] of candidates.entries()) {
        b.takePhases();
        const r = await c.run();
        samples[i].push(r.seconds);
        if (c.phases) phaseRuns[i].push(b.splitPhases(r, b.takePhases()));
        await c.after();
        process.stderr.write(`round ${round + 1}/${runs}: ${c.name} ${r.seconds.toFixed(2)} s\n`);
      }
    }

    const base = b.median(samples[0]);
    console.log(`\n${b.header(`load average ${require("node:os").loadavg().map((x) => x.toFixed(1)).join(" ")}, ${runs} runs each, round-robin after a warm-up round, 1 server (m1.medium, AppDB image)`)}\n`);
    for (const c of checks) console.log(c);
    console.log("\n| command | median (min-max) | ratio |");
    console.log("| --- | --- | --- |");
    candidates.forEach((c, i) => console.log(`| ${c.name} | ${b.fmt(samples[i])} | ${(b.median(samples[i]) / base).toFixed(2)} |`));

    for (const [i, c] of candidates.entries()) {
      if (!c.phases) continue;
      const names = [...new Set(phaseRuns[i].flatMap((p) => Object.keys(p)))];
      const order = ["cdktf CLI start-up", "app", "terraform-version", "terraform--v", "terraform-init", "terraform-apply", "terraform-output", "cdktf CLI"];
      names.sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
      console.log(`\n${c.cli} deploy by phase (median of ${runs}; "${c.cli} CLI" = wall time minus its children, start-up included):\n`);
      console.log("| phase | median (min-max) |");
      console.log("| --- | --- |");
      for (const n of names) {
        const xs = phaseRuns[i].map((p) => p[n] ?? 0);
        const label =
          n === "app" ? "synth: the app (node, constructs, hook with warm token, Nova flavor check)"
          : n === "cdktf CLI start-up" ? `${c.cli} CLI start-up (spawn to its first child; part of ${c.cli} CLI)`
          : n === "cdktf CLI" ? `${c.cli} CLI`
          : n.replace(/^terraform-/, "terraform ");
        console.log(`| ${label} | ${b.fmt(xs)} |`);
      }
      console.log(`| baseline terraform apply alone | ${b.fmt(samples[0])} |`);
    }
  } finally {
    // everything deployed must be gone: each state empty, no server of the bench's prefix left
    for (const where of [stackDir, copyDir, tnStackDir].filter((d) => d && fs.existsSync(path.join(d, ".terraform")))) {
      const left = await b.terraform(where, ["state", "list"], tfEnv).then((r) => r.out.trim().split("\n").filter(Boolean), (e) => [`(state list failed: ${e.message.split("\n")[0]})`]);
      if (left.length) {
        console.error(`cleanup: ${where} still holds ${left.join(", ")}; destroying`);
        await destroy(where).catch((e) => console.error(`cleanup destroy: ${e.message}`));
      }
      console.log(`cleanup check: state of ${path.relative(b.root, where)}: ${left.length ? `${left.length} left before the cleanup destroy` : "empty"}`);
    }
    const swept = await b.sweepServers(PREFIX).catch((e) => (console.error(`sweep: ${e.message}`), -1));
    if (swept > 0) console.error(`cleanup: deleted ${swept} leftover server(s) named ${PREFIX}-*`);
    const still = await b.serversWithPrefix(PREFIX).then((r) => r.servers.length, () => -1);
    console.log(`cleanup check: servers named ${PREFIX}-* on the site after the sweep: ${still < 0 ? "unknown (list failed)" : still}`);
    b.cleanup();
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
