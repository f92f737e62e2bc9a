#!/usr/bin/env node
/**
 * Deploy of 20 servers on the local site (issue 12, item 5): wall time of `cdktf deploy` (ours:
 * synth with the hook and a warm token, init, apply; terraform's default parallelism, 10) against
 * plain HCL `terraform apply -parallelism=10` of the same resources (bench/fixtures/deploy-20-hcl:
 * one image and one flavor data source, 20 servers), whose provider takes the token from the same
 * clouds.yaml (`cloud = var.cloud`, the hook's link and cloud name). Each timed run is followed by a
 * destroy (not timed) and a check that Nova had exactly 20 servers. Round-robin after one warm-up
 * round; median (min-max), ratio to the plain HCL apply; cdktf's time split by phase.
 *
 *   node bench/deploy-20.js [--runs 3] [--servers 20]      (site up: site/up.sh)
 */
const fs = require("node:fs");
const path = require("node:path");
const b = require("./fixtures/site-bench");

const a = b.args();
const runs = Number(a.get("--runs", 3));
const servers = Number(a.get("--servers", 20));
const STACK = "bench-20";
const OURS = "bench-cdktf20";
const HCL = "bench-hcl20";

(async () => {
  const env = await b.userEnv(0);
  const tfEnv = { ...env };
  delete tfEnv.TERRAFORM_BINARY_NAME;
  const dir = b.project("deploy-20", { BENCH_STACK: STACK, BENCH_MACHINES: servers, BENCH_PREFIX: OURS });
  const stackDir = path.join(dir, "cdktf.out", "stacks", STACK);
  const hclDir = path.join(b.root, "hcl");
  const destroy = (where) => b.terraform(where, ["destroy", "-auto-approve", "-input=false"], tfEnv);
  const expectServers = async (prefix) => {
    const { servers: found } = await b.serversWithPrefix(`${prefix}-`);
    if (found.length !== servers) throw new Error(`Nova has ${found.length} servers named ${prefix}-*, expected ${servers}`);
  };
  const linkToken = () => {
    // the hook's clouds.yaml link (to the token cache) and cloud name, as the cdktf stack has them
    const link = path.join(hclDir, "clouds.yaml");
    fs.rmSync(link, { force: true });
    fs.symlinkSync(fs.readlinkSync(path.join(stackDir, "clouds.yaml")), link);
    const [cloud] = Object.values(JSON.parse(fs.readFileSync(path.join(stackDir, "egi-cdktf.auto.tfvars.json"), "utf8")));
    const mpuri = `${b.cloud.appdb.baseMpuri}:7015/`;
    fs.writeFileSync(path.join(hclDir, "terraform.tfvars.json"), JSON.stringify({ cloud, mpuri, prefix: HCL, servers }));
  };

  const candidates = [
    {
      name: `plain HCL: terraform apply -parallelism=10`,
      prefix: HCL,
      run: () => (linkToken(), b.terraform(hclDir, ["apply", "-auto-approve", "-input=false", "-parallelism=10"], tfEnv)),
      after: () => destroy(hclDir),
    },
    { name: "ours: cdktf deploy (hook, warm token)", prefix: OURS, run: () => b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env), after: () => destroy(stackDir), phases: true },
  ];

  try {
    // warm-up: token cache, stack folder initialized; then the HCL folder initialized
    await b.cdktf(dir, ["deploy", STACK, "--auto-approve"], env);
    await expectServers(OURS);
    await destroy(stackDir);
    fs.mkdirSync(hclDir);
    fs.copyFileSync(path.join(__dirname, "fixtures", "deploy-20-hcl", "main.tf"), path.join(hclDir, "main.tf"));
    linkToken();
    await b.terraform(hclDir, ["init", "-input=false"], tfEnv);
    await candidates[0].run();
    await expectServers(HCL);
    await candidates[0].after();
    b.takePhases();

    const { samples, phaseRuns } = await b.roundRobin(candidates, runs, { check: (c) => expectServers(c.prefix), digits: 1 });

    const base = b.median(samples[0]);
    console.log(`\n${b.header(`${runs} runs each, round-robin after a warm-up round, ${servers} servers (m1.medium, AppDB image), destroy after each run (not timed)`)}\n`);
    console.log("| command | median (min-max) | ratio |");
    console.log("| --- | --- | --- |");
    candidates.forEach((c, i) => console.log(`| ${c.name} | ${b.fmt(samples[i], 1)} | ${(b.median(samples[i]) / base).toFixed(2)} |`));
    const names = [...new Set(phaseRuns.flatMap((p) => Object.keys(p)))];
    const order = ["cdktf CLI start-up", "app", "terraform-init", "terraform-apply", "terraform-output", "cdktf CLI"];
    names.sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
    console.log(`\ncdktf deploy by phase (median of ${runs}; "cdktf CLI" = wall time minus its children, start-up included):\n`);
    console.log("| phase | median (min-max) |");
    console.log("| --- | --- |");
    for (const n of names) console.log(`| ${n === "app" ? "synth: the app" : n.replace(/^terraform-/, "terraform ")} | ${b.fmt(phaseRuns.map((p) => p[n] ?? 0), 1)} |`);
  } finally {
    for (const prefix of [OURS, HCL]) {
      const left = await b.sweepServers(`${prefix}-`).catch((e) => (console.error(`sweep: ${e.message}`), -1));
      if (left > 0) console.error(`cleanup: deleted ${left} leftover server(s) named ${prefix}-*`);
    }
    b.cleanup();
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
