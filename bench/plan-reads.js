#!/usr/bin/env node
/**
 * Image and flavor API reads of a plan on the local site (issue 12, item 4): N servers sharing one
 * image (MachineImage.fromApplianceMpuri) and one flavor spec (Flavor.exact), with our constructs
 * (one shared data source each per stack) and in the naive layout (one image and one flavor data
 * source per server, written with the generated classes). Per layout and count: `cdktf synth`
 * (the hook, warm token) then `terraform plan` of the synthesized stack; the reads are counted in
 * the services' own logs (Glance: GET /v2/images*, Nova: GET .../flavors*), for the bench's
 * project only, between the command's start and end. Plans only: nothing is created.
 *
 *   node bench/plan-reads.js [--runs 2] [--counts 50,500] [--warm-plan] [--show-lines]      (site up: site/up.sh)
 */
const path = require("node:path");
const b = require("./fixtures/site-bench");

const a = b.args();
const runs = Number(a.get("--runs", 2));
const counts = a.get("--counts", "50,500").split(",").map(Number);
const PROJECT = 1; // the site's second project: the deploy benchmarks use the first

(async () => {
  const env = await b.userEnv(PROJECT);
  const tfEnv = { ...env };
  delete tfEnv.TERRAFORM_BINARY_NAME;
  const projectId = env.OS_PROJECT_ID;
  const configs = [];
  for (const layout of ["shared", "naive"]) {
    for (const n of counts) {
      const stack = `plan-${layout}-${n}`;
      const dir = b.project(stack, { BENCH_STACK: stack, BENCH_MACHINES: n, BENCH_LAYOUT: layout, BENCH_PREFIX: `bench-plan-${layout}` });
      configs.push({ layout, n, stack, dir, stackDir: path.join(dir, "cdktf.out", "stacks", stack), samples: [] });
    }
  }
  const once = async (c) => {
    let mark = b.logMark();
    const synth = await b.cdktf(c.dir, ["synth"], env);
    const synthReads = await b.readsSince(mark, projectId);
    mark = b.logMark();
    const plan = await b.terraform(c.stackDir, ["plan", "-input=false", "-lock=false", "-no-color"], tfEnv);
    const planReads = await b.readsSince(mark, projectId);
    if (!/Plan: (\d+) to add, 0 to change, 0 to destroy/.test(plan.out) || Number(RegExp.$1) !== c.n) throw new Error(`${c.stack}: unexpected plan:\n${plan.out.slice(-2000)}`);
    return { synth: synth.seconds, plan: plan.seconds, synthReads, planReads };
  };

  try {
    for (const c of configs) {
      // warm-up: token cache, synth, init (the provider binary read once); --warm-plan also plans once
      await b.cdktf(c.dir, ["synth"], env);
      await b.terraform(c.stackDir, ["init", "-input=false"], tfEnv);
      if (a.has("--warm-plan")) await once(c);
    }
    for (let round = 0; round < runs; round++) {
      for (const c of configs) {
        const s = await once(c);
        c.samples.push(s);
        process.stderr.write(`round ${round + 1}/${runs}: ${c.stack}: synth ${s.synth.toFixed(1)} s, plan ${s.plan.toFixed(1)} s, reads synth ${s.synthReads.images}/${s.synthReads.flavors}, plan ${s.planReads.images}/${s.planReads.flavors}\n`);
      }
    }
    b.takePhases();
    const uniq = (xs) => [...new Set(xs)].join("|");
    console.log(`\n${b.header(`${runs} run${runs === 1 ? "" : "s"} each, round-robin after a warm-up (synth, init${a.has("--warm-plan") ? ", plan" : ""}); reads counted in the Glance and Nova logs for project ${projectId}`)}\n`);
    console.log("| layout | servers | image reads: synth + plan | flavor reads: synth + plan | `cdktf synth` | `terraform plan` |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const c of configs) {
      const s = c.samples;
      const name = c.layout === "shared" ? "ours: `MachineImage.fromApplianceMpuri` + `Flavor.exact` (shared data sources)" : "naive: one image + one flavor data source per server (generated classes)";
      console.log(
        `| ${name} | ${c.n} | ${uniq(s.map((x) => x.synthReads.images))} + ${uniq(s.map((x) => x.planReads.images))} | ` +
          `${uniq(s.map((x) => x.synthReads.flavors))} + ${uniq(s.map((x) => x.planReads.flavors))} | ${b.fmt(s.map((x) => x.synth), 1)} | ${b.fmt(s.map((x) => x.plan), 1)} |`,
      );
    }
    if (a.has("--show-lines")) {
      for (const c of configs.filter((x) => x.layout === "shared")) {
        const last = c.samples[c.samples.length - 1];
        console.log(`\n${c.stack}:`);
        for (const l of [...last.synthReads.imageLines, ...last.synthReads.flavorLines]) console.log(`  synth: ${l.replace(/^.*?(\"GET [^"]*\").*$/, "$1")}`);
        for (const l of [...last.planReads.imageLines, ...last.planReads.flavorLines]) console.log(`  plan:  ${l.replace(/^.*?(\"GET [^"]*\").*$/, "$1")}`);
      }
    }
  } finally {
    b.cleanup();
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
