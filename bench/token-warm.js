#!/usr/bin/env node
/**
 * Wall time and loaded modules of a warm `egi-cdktf token` (the scoped token answered from the
 * cache, no request) against bare `node -e 0`, round-robin after a warm-up round.
 *
 * No site is needed: the bench writes a well-formed cache entry set for a fake refresh-token
 * credential into a temporary EGI_CDKTF_CACHE_DIR (identity entry under credentialId(...), scoped
 * token under the key Chain.scopedKey computes), with keys computed by the exported functions of
 * dist/auth. CHECKIN_URL and OS_AUTH_URL point at a closed local port, so any request would fail
 * the run (a cache miss exits 1 with "cannot reach Check-in"). Modules are counted in a separate run with a preload that hooks Module._load.
 *
 *   npm run build:app && node bench/token-warm.js [--runs 20] [--before DIR]
 *
 * `--before DIR` adds the same command from DIR/bin/egi-cdktf, a built copy of the code before a
 * change (same node_modules), for before/after figures from one invocation.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args.includes("--runs") ? args[args.indexOf("--runs") + 1] : 20);
const dist = path.join(repo, "dist", "auth");
const { settingsFromEnv } = require(path.join(dist, "settings"));
const { credentialId, sha256 } = require(path.join(dist, "checkin"));
const { TokenCache } = require(path.join(dist, "cache"));

const home = fs.mkdtempSync(path.join(os.tmpdir(), "bench-token-warm-"));
const env = {
  PATH: process.env.PATH,
  HOME: home,
  EGI_CDKTF_CACHE_DIR: path.join(home, "cache"),
  CHECKIN_URL: "https://127.0.0.1:9/auth/realms/egi", // port 9: nothing listens, fetch refuses it: a request fails
  CHECKIN_CLIENT_ID: "token-portal",
  CHECKIN_REFRESH_TOKEN: "bench-fake-refresh-token",
  OS_AUTH_URL: "https://127.0.0.1:9/v3",
  OS_PROJECT_ID: "bench0project0id",
};

// The cache a cold run would have left: what session.ts reads on the warm path.
const settings = settingsFromEnv({}, env);
const cache = new TokenCache(settings.cacheDir);
const subject = "bench-subject@egi.eu";
const credId = credentialId(settings.checkin.issuer, settings.checkin.credential);
cache.write("identity", credId, { subject });
const scopedKey = sha256([settings.checkin.issuer, settings.checkin.credential.clientId, subject, settings.keystone.baseUrl, env.OS_PROJECT_ID].join("\n"));
const TOKEN = "gAAAAAbenchwarmtoken";
cache.write("keystone", scopedKey, {
  token: TOKEN,
  expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
  project: { id: env.OS_PROJECT_ID, name: "bench" },
  roles: ["member"],
  user: { id: "bench-user", name: "bench" },
  catalog: [],
});

const bin = path.join(repo, "bin", "egi-cdktf");
const candidates = [
  { name: "`node -e 0` (baseline)", argv: ["-e", "0"] },
  { name: "`egi-cdktf token`, warm cache", argv: [bin, "token"], check: (out) => out === `${TOKEN}\n` },
  { name: "`egi-cdktf --help`", argv: [bin, "--help"] },
];
const before = args.includes("--before") ? path.resolve(args[args.indexOf("--before") + 1]) : undefined;
if (before) {
  const old = path.join(before, "bin", "egi-cdktf");
  candidates.push({ name: "`egi-cdktf token`, warm, before", argv: [old, "token"], check: (out) => out === `${TOKEN}\n` });
  candidates.push({ name: "`egi-cdktf --help`, before", argv: [old, "--help"] });
}

function once(c, extra = []) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...extra, ...c.argv], { env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 || (c.check && !c.check(r.stdout))) throw new Error(`${c.name} failed (exit ${r.status}): ${r.stderr}`);
  return { seconds, r };
}

// Module count: a preload that records every module Node loads (built-ins included) after it.
const counter = path.join(home, "count-modules.js");
fs.writeFileSync(
  counter,
  `const M = require("node:module"); const seen = new Set(); const load = M._load;
M._load = function (request, parent, isMain) { const r = load.apply(this, arguments);
  try { seen.add(M._resolveFilename(request, parent, isMain)); } catch { seen.add(request); } return r; };
process.on("exit", () => { const l = [...seen]; process.stderr.write("\\nMODULES " + JSON.stringify({ total: l.length,
  files: l.filter((f) => f.startsWith("/")).length, undici: l.some((f) => f.includes("/undici/")),
  openidClient: l.some((f) => f.includes("/openid-client/")), yaml: l.some((f) => f.includes("/node_modules/yaml/")),
  cdktf: l.some((f) => f.includes("/node_modules/cdktf/")) }) + "\\n"); });`,
);
const modules = candidates.map((c) => {
  const { r } = once(c, ["-r", counter]);
  return JSON.parse(r.stderr.split("MODULES ").pop());
});

for (const c of candidates) once(c); // warm-up round
const samples = candidates.map(() => []);
for (let round = 0; round < runs; round++) candidates.forEach((c, i) => samples[i].push(once(c).seconds));
fs.rmSync(home, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[0]);
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0].model}, ${new Date().toISOString()}, ${runs} runs each, round-robin after a warm-up round\n`);
console.log("| run | median (min-max) | ratio to `node -e 0` | modules loaded (files) | undici | openid-client | yaml | cdktf |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
candidates.forEach((c, i) => {
  const t = samples[i];
  const m = modules[i];
  const yn = (b) => (b ? "loaded" : "no");
  console.log(
    `| ${c.name} | ${(median(t) * 1000).toFixed(0)} ms (${(Math.min(...t) * 1000).toFixed(0)}-${(Math.max(...t) * 1000).toFixed(0)}) | ${(median(t) / base).toFixed(2)} | ` +
      `${m.total} (${m.files}) | ${yn(m.undici)} | ${yn(m.openidClient)} | ${yn(m.yaml)} | ${yn(m.cdktf)} |`,
  );
});
