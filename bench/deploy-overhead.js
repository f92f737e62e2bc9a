#!/usr/bin/env node
/**
 * Deploy overhead on the local site (issue 12, item 3): `cdktf deploy` of one machine through the
 * hook with a warm token (synth + terraform init + apply + outputs) against `terraform apply` of
 * the same synthesized JSON in an initialized copy of the stack folder (same clouds.yaml link, same
 * tfvars; only the local backend path differs, so the two keep separate states). Each timed run is
 * followed by a destroy (not timed). Candidates run round-robin after one warm-up round; we report
 * the median (min-max) and the ratio to `terraform apply`, then where cdktf's extra time goes,
 * from a terraform wrapper and an app wrapper that log each child's start and end.
 *
 *   node bench/deploy-overhead.js [--runs 5]      (site up: site/up.sh)
 */
const fs = require("node:fs");
const path = require("node:path");
const b = require("./fixtures/site-bench");

const runs = Number(b.args().get("--runs", 5));
const STACK = "bench-overhead";
const PREFIX = "bench-ovh";

(async () => {
  const env = await b.userEnv(0);
  const tfEnv = { ...env };
  delete tfEnv.TERRAFORM_BINARY_NAME;
  const dir = b.project("overhead", { BENCH_STACK: STACK, BENCH_MACHINES: 1, BENCH_PREFIX: PREFIX });
  const stackDir = path.join(dir, "cdktf.out", "stacks", STACK);
  const copyDir = path.join(b.root, "tf-copy", STACK);
  const destroy = (where) => b.terraform(where, ["destroy", "-auto-approve", "-input=false"], tfEnv);

  const candidates = [
    { name: "terraform apply (same JSON, initialized copy)", run: () => b.terraform(copyDir, ["apply", "-auto-approve", "-input=false"], tfEnv), after: () => destroy(copyDir) },
    { name: "cdktf deploy (hook, warm token)", run: () => b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env), after: () => destroy(stackDir), phases: true },
  ];

  try {
    // warm-up: fills the token cache, initializes the stack folder; then the copy for terraform alone
    await b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env);
    b.takePhases();
    await destroy(stackDir);
    fs.cpSync(stackDir, copyDir, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== "plan" });
    const json = JSON.parse(fs.readFileSync(path.join(copyDir, "cdk.tf.json"), "utf8"));
    json.terraform.backend = { local: { path: path.join(copyDir, "terraform.tfstate") } };
    fs.writeFileSync(path.join(copyDir, "cdk.tf.json"), JSON.stringify(json, null, 2));
    await b.terraform(copyDir, ["init", "-input=false", "-reconfigure"], tfEnv);
    await candidates[0].run();
    await candidates[0].after();
    if (!fs.lstatSync(path.join(copyDir, "clouds.yaml")).isSymbolicLink()) throw new Error("the copy's clouds.yaml is not the hook's link");

    const { samples, phaseRuns } = await b.roundRobin(candidates, runs);

    const base = b.median(samples[0]);
    console.log(`\n${b.header(`${runs} runs each, round-robin after a warm-up round, 1 server (m1.medium, AppDB image)`)}\n`);
    console.log("| command | median (min-max) | ratio |");
    console.log("| --- | --- | --- |");
    candidates.forEach((c, i) => console.log(`| ${c.name} | ${b.fmt(samples[i])} | ${(b.median(samples[i]) / base).toFixed(2)} |`));

    const names = [...new Set(phaseRuns.flatMap((p) => Object.keys(p)))];
    const order = ["cdktf CLI start-up", "app", "terraform-init", "terraform-apply", "terraform-output", "cdktf CLI"];
    names.sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
    console.log(`\ncdktf deploy by phase (median of ${runs}; "cdktf CLI" = wall time minus its children, start-up included):\n`);
    console.log("| phase | median (min-max) |");
    console.log("| --- | --- |");
    for (const n of names) {
      const xs = phaseRuns.map((p) => p[n] ?? 0);
      const label = n === "app" ? "synth: the app (node, constructs, hook with warm token, Nova flavor check)" : n === "cdktf CLI start-up" ? "cdktf CLI start-up (spawn to its first child; part of cdktf CLI)" : n.replace(/^terraform-/, "terraform ");
      console.log(`| ${label} | ${b.fmt(xs)} |`);
    }
    console.log(`| baseline terraform apply alone | ${b.fmt(samples[0])} |`);
  } finally {
    const left = await b.sweepServers(PREFIX).catch((e) => (console.error(`sweep: ${e.message}`), -1));
    if (left > 0) console.error(`cleanup: deleted ${left} leftover server(s) named ${PREFIX}-*`);
    b.cleanup();
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
