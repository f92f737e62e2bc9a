/**
 * GitHub Actions log masking of derived secrets (auth/ci-mask.ts): the `::add-mask::` line, once per
 * value, only in GitHub Actions, on the stream the runner gets it from (stdout inside a cdktf app,
 * stderr in egi-cdktf's commands), for cached secrets as for fetched ones; and plan-summary's synth
 * passing the app's mask lines on as soon as they are read.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { addMaskCommand, maskSecret } from "../../auth/ci-mask";
import { readProject, synthesize } from "../../cli/plan-summary/synth";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const REPO = path.resolve(__dirname, "..", "..");
const tempDir = tempDirsRemovedAfterAll();
const unique = (what: string) => `${what}-${process.pid}-${Math.random().toString(36).slice(2)}`;

/** Run `code` (TypeScript importing the repo's sources) in a fresh node process with `env`. */
function runTs(code: string, env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("maskSecret", () => {
  test("GIVEN GitHub Actions WHEN one secret is masked twice and another once THEN one ::add-mask:: line per value, in that order", () => {
    const lines: string[] = [];
    const [a, b] = [unique("tokenA"), unique("tokenB")];
    const options = { env: { GITHUB_ACTIONS: "true" }, write: (l: string) => lines.push(l) };
    maskSecret(a, options);
    maskSecret(a, options);
    maskSecret(b, options);
    expect(lines).toEqual([`::add-mask::${a}\n`, `::add-mask::${b}\n`]);
  });

  test.each([["unset", {}], ["false", { GITHUB_ACTIONS: "false" }], ["1", { GITHUB_ACTIONS: "1" }], ["GitLab CI", { GITLAB_CI: "true" }]])(
    "GIVEN GITHUB_ACTIONS %s WHEN a secret is masked THEN nothing is written",
    (_what, env) => {
      const lines: string[] = [];
      maskSecret(unique("token"), { env, write: (l) => lines.push(l) });
      expect(lines).toEqual([]);
    },
  );

  test("GIVEN an empty or blank value WHEN masked THEN nothing is written (the runner warns on an empty mask)", () => {
    const lines: string[] = [];
    for (const v of [undefined, "", "  "]) maskSecret(v, { env: { GITHUB_ACTIONS: "true" }, write: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });

  test("GIVEN a value with %, CR and LF WHEN turned into the command THEN they are escaped as the runner unescapes command data", () => {
    expect(addMaskCommand("a%0Ab\nc\rd")).toBe("::add-mask::a%250Ab%0Ac%0Dd");
  });

  test("GIVEN an egi-cdktf command in GitHub Actions WHEN a secret is masked THEN the line goes to stderr, leaving stdout to the command's data", () => {
    const secret = unique("keystone");
    const r = runTs(`require("./auth/ci-mask").maskSecret(${JSON.stringify(secret)}); process.stdout.write("data\\n");`, { GITHUB_ACTIONS: "true" });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "data\n", `::add-mask::${secret}\n`]);
  });

  test("GIVEN a cdktf app (CDKTF_OUTDIR set) in GitHub Actions WHEN a secret is masked THEN the line goes to stdout, which cdktf passes on as is", () => {
    const secret = unique("keystone");
    const r = runTs(`require("./auth/ci-mask").maskSecret(${JSON.stringify(secret)});`, { GITHUB_ACTIONS: "true", CDKTF_OUTDIR: tempDir("ci-mask-out-") });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `::add-mask::${secret}\n`, ""]);
  });
});

describe("the token cache in GitHub Actions", () => {
  test("GIVEN cached tokens and an application credential WHEN a new process reads them (twice) THEN each secret is masked once, when first read, and nothing else is", () => {
    const cacheDir = path.join(tempDir("ci-mask-cache-"), "egi-cdktf");
    const s = { access: unique("access"), refresh: unique("refresh"), keystone: unique("keystone"), appcred: unique("appsecret") };
    const key = "0123456789abcdef0123456789abcdef";
    const code = `
      const { TokenCache } = require("./auth/cache");
      const cache = new TokenCache(${JSON.stringify(cacheDir)});
      const any = (v) => true;
      cache.write("identity", "${key}", { subject: "u", accessToken: ${JSON.stringify(s.access)}, refreshToken: ${JSON.stringify(s.refresh)} });
      cache.write("keystone", "${key}", { token: ${JSON.stringify(s.keystone)}, expiresAt: 1, project: { id: "p", name: "p" } });
      cache.write("appcred", "${key}", { id: "i", name: "egi-cdktf-x", secret: ${JSON.stringify(s.appcred)} });
      cache.write("discovery", "${key}", { fetchedAt: 1, metadata: { issuer: "https://issuer.example" } });
      process.stderr.write("written\\n");
      for (const round of [1, 2]) for (const kind of ["identity", "keystone", "appcred", "discovery"]) cache.read(kind, "${key}", any);
    `;
    const r = runTs(code, { GITHUB_ACTIONS: "true" });
    expect([r.status, r.stdout]).toEqual([0, ""]);
    expect(r.stderr.split("\n")).toEqual(["written", ...[s.access, s.refresh, s.keystone, s.appcred].map((v) => `::add-mask::${v}`), ""]);
  });
});

describe("plan-summary's synth in GitHub Actions", () => {
  /** A cdktf project whose app is `node app.js`. */
  function project(app: string): string {
    const dir = tempDir("ci-mask-synth-");
    fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: "node app.js" }));
    fs.writeFileSync(path.join(dir, "app.js"), app);
    return dir;
  }

  test("GIVEN an app that prints a mask line and waits WHEN synth runs it THEN the line is passed on while the app still runs, and kept out of the failure message", async () => {
    const secret = unique("keystone");
    const dir = project(`
      const fs = require("node:fs");
      console.log("starting");
      process.stdout.write("::add-mask::${secret}\\n");
      console.error("the app failed after its mask line");
      // exit 1 once the line was passed on (the flag file), 3 if it never was
      const t = setInterval(() => { if (fs.existsSync("forwarded")) { clearInterval(t); process.exit(1); } }, 20);
      setTimeout(() => process.exit(3), 20000);
    `);
    const forwarded: string[] = [];
    const err = await synthesize(readProject(dir), { PATH: process.env.PATH, GITHUB_ACTIONS: "true" }, {
      forwardMask: (line) => {
        forwarded.push(line);
        fs.writeFileSync(path.join(dir, "forwarded"), "");
      },
    }).catch((e: Error) => e);
    expect(forwarded).toEqual([`::add-mask::${secret}\n`]);
    expect(String(err)).toMatch(/exited with 1: starting \| the app failed after its mask line$/);
    expect(String(err)).not.toContain(secret);
  }, 30_000);

  test("GIVEN a mask line split across two writes WHEN synth reads it THEN it is passed on whole", async () => {
    const secret = unique("keystone");
    const dir = project(`
      process.stdout.write("::add-mask::${secret.slice(0, 5)}");
      setTimeout(() => process.stdout.write("${secret.slice(5)}\\nafter\\n"), 200);
    `);
    const forwarded: string[] = [];
    await synthesize(readProject(dir), { PATH: process.env.PATH }, { forwardMask: (line) => forwarded.push(line) });
    expect(forwarded).toEqual([`::add-mask::${secret}\n`]);
  });
});
