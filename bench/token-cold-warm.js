#!/usr/bin/env node
/**
 * Wall time and HTTP requests of `egi-cdktf token` cold (empty cache: discovery, refresh,
 * federated login, scope) against warm (cached token still valid), round-robin, against the local
 * site (npm run site:up). Requests are counted at the servers: the IdP's /__test/stats and
 * Keystone's access log.
 *
 *   node bench/token-cold-warm.js [--runs 5]
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const https = require("node:https");
const os = require("node:os");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const site = JSON.parse(fs.readFileSync(path.join(process.env.SITE_DIR ?? path.join(repo, ".site"), "identity", "site.json"), "utf8"));
const ca = fs.readFileSync(site.caFile);

function admin(method, route, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${site.idpAdminUrl}${route}`, { method, ca, headers: { "content-type": "application/json" } }, (res) => {
      let data = "";
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve(JSON.parse(data)));
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

// Not counting the cloud's own services, which call Keystone on their own schedule (see
// __tests__/support/identity-site.ts keystoneRequests).
const SERVICE_AGENT = /"[^"]*(keystonemiddleware|keystoneauth1|python-keystoneclient)[^"]*"$/;
const keystoneLines = () =>
  fs.readFileSync(site.keystoneAccessLog, "utf8").split("\n").filter((l) => l && !SERVICE_AGENT.test(l)).length;
const idpRequests = async () => {
  const s = await admin("GET", "/stats");
  return Object.entries(s.paths).filter(([p]) => !p.startsWith("/__test/")).reduce((n, [, c]) => n + c, 0);
};

function envWithCache(refreshToken) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "bench-token-"));
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, ".cache"),
    CHECKIN_URL: site.issuer,
    CHECKIN_CLIENT_ID: site.clients.basic.id,
    CHECKIN_CLIENT_SECRET: site.clients.basic.secret,
    CHECKIN_REFRESH_TOKEN: refreshToken,
    OS_AUTH_URL: site.keystone.authUrl,
    OS_PROJECT_ID: site.keystone.projects[0].id,
    OS_CACERT: site.caFile,
  };
}

async function timeRun(env) {
  await admin("POST", "/stats/reset");
  const ks = keystoneLines();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(repo, "bin", "egi-cdktf"), "token"], { env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`egi-cdktf token failed: ${r.stderr}`);
  return { seconds, idp: await idpRequests(), keystone: keystoneLines() - ks };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const refreshToken = (await admin("POST", "/refresh-token", { client_id: site.clients.basic.id, scope: "openid email profile eduperson_entitlement offline_access" })).refresh_token;
  const warmEnv = envWithCache(refreshToken);
  await timeRun(warmEnv); // fills the warm cache; also warms the OS file cache for node and the CLI
  const samples = { cold: [], warm: [] };
  for (let i = 0; i < runs; i++) {
    samples.cold.push(await timeRun(envWithCache(refreshToken)));
    samples.warm.push(await timeRun(warmEnv));
  }
  const base = median(samples.cold.map((s) => s.seconds));
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}, ${runs} runs each, round-robin`);
  for (const [name, xs] of Object.entries(samples)) {
    const t = xs.map((s) => s.seconds);
    console.log(
      `  ${name.padEnd(5)} ${median(t).toFixed(3)} s (${Math.min(...t).toFixed(3)}-${Math.max(...t).toFixed(3)})  x${(median(t) / base).toFixed(2)}` +
        `  IdP requests/run ${[...new Set(xs.map((s) => s.idp))].join("|")}, Keystone requests/run ${[...new Set(xs.map((s) => s.keystone))].join("|")}`,
    );
  }
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
