#!/usr/bin/env node
/**
 * Summary of a V8 CPU profile (node --cpu-prof): the functions with the most self time, the same by
 * file (package), and the inclusive time of the functions named with --inclusive (every sample whose
 * stack holds one of them counts once for it).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/synth-scale.js --child tn-ours 2000 /tmp/out
 *   node bench/cpu-profile-top.js /tmp/prof/*.cpuprofile [--top 20] [--inclusive resolve,synth,captureStackTrace]
 */
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const file = args.find((a) => a.endsWith(".cpuprofile"));
const top = Number(opt("--top", "20"));
const inclusiveNames = (opt("--inclusive", "") || "").split(",").filter(Boolean);
const prof = JSON.parse(fs.readFileSync(file, "utf8"));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const short = (url) => {
  if (!url) return "";
  const u = url.replace(/^file:\/\//, "");
  const m = u.match(/node_modules\/(.*)$/) ?? u.match(/\/(lib\/.*|dist\/.*|bench\/.*)$/);
  return m ? m[1] : path.basename(u);
};
const key = (n) => `${n.callFrame.functionName || "(anonymous)"} ${short(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ""}`;
const area = (n) => {
  if (n.callFrame.url.startsWith("node:")) return `node:${n.callFrame.url.slice(5).split("/").slice(0, 2).join("/")}`;
  const u = short(n.callFrame.url);
  if (!u) return n.callFrame.functionName.startsWith("(") ? n.callFrame.functionName : "(native / V8 builtins)";
  const pkg = u.match(/^((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  return pkg && !u.startsWith("lib/") && !u.startsWith("dist/") ? `${pkg[1]}/${pkg[2].split("/").slice(0, -1).join("/")}` : path.dirname(u);
};

const self = new Map();
const byArea = new Map();
const incl = new Map(inclusiveNames.map((n) => [n, 0]));
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0) / 1000; // ms until the next sample
  const node = byId.get(prof.samples[i]);
  total += dt;
  self.set(key(node), (self.get(key(node)) ?? 0) + dt);
  byArea.set(area(node), (byArea.get(area(node)) ?? 0) + dt);
  if (inclusiveNames.length) {
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id).callFrame.functionName;
      if (incl.has(name) && !seen.has(name)) {
        seen.add(name);
        incl.set(name, incl.get(name) + dt);
      }
    }
  }
}
const pct = (ms) => `${((100 * ms) / total).toFixed(1)} %`;
const table = (title, m, n) => {
  console.log(`\n${title}\n\n| self time | share | function |\n| --- | --- | --- |`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`| ${ms.toFixed(0)} ms | ${pct(ms)} | ${k} |`);
};
console.log(`${path.basename(file)}: ${(total / 1000).toFixed(2)} s sampled, ${prof.samples.length} samples`);
table(`top ${top} functions by self time`, self, top);
table("self time by file's folder (package)", byArea, 12);
if (inclusiveNames.length) {
  console.log("\n| inclusive time | share | function (every frame of that name) |\n| --- | --- | --- |");
  for (const [k, ms] of [...incl].sort((a, b) => b[1] - a[1])) console.log(`| ${ms.toFixed(0)} ms | ${pct(ms)} | ${k} |`);
}
