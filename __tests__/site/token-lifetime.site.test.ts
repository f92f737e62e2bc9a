/**
 * Deploys that outlive their token, on the local site's short-lived Keystone (the same Keystone on a
 * second port with `[token] expiration` = 60 s, and `[federation] default_authorization_ttl` set as
 * a site allowing application credentials sets it): server A, a pause longer than a token lives,
 * server B (__tests__/fixtures/long-deploy-app.js), through the real cdktf CLI, terraform and provider.
 *
 * - token mode refuses a token shorter than EGI_TOKEN_MIN_VALIDITY before anything is created;
 * - with the check lowered, the deploy fails at server B with a 401, and a rerun converges;
 * - application-credential mode deploys in one run: the provider re-authenticates by itself.
 * Whatever fails, afterAll leaves no server and no application credential of this file alive: the
 * hook's are ended as a CI job ends them (`egi-cdktf end-app-credentials`), the test's own deleted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { adminToken, cloudSite, serversNamed } from "../support/cloud-site";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { createHttpClient } from "../../auth/http";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const identity = identitySite();
const site = cloudSite();
const short = identity.keystone.shortLived;
const PAUSE_SECONDS = short.tokenTtlSeconds + 20;
const FLAGS = ["--auto-approve", "--skip-provider-lock"];

/** Names of servers of this run on Nova (admin view). */
async function servers(name: string): Promise<string[]> {
  const admin = await adminToken();
  const found = await Promise.all(["first", "second"].map((id) => serversNamed(admin, site, `${name}-${id}`)));
  return found.flat().map((s: { name: string }) => s.name).sort();
}

async function project(name: string, extra: Record<string, string>): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "long-deploy-app.js"));
  const env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    OS_AUTH_URL: short.authUrl,
    LONG_DEPLOY_NAME: name,
    IMAGE_ID: site.appdb.newer,
    FLAVOR_ID: site.flavorIds["m1.small"],
    PAUSE_SECONDS: String(PAUSE_SECONDS),
    ...extra,
  });
  return { dir, env };
}

const destroyLater: Array<{ dir: string; env: Record<string, string>; name: string }> = [];
/** Application credentials this file made itself, not through the hook. */
const madeHere: Array<{ userId: string; id: string }> = [];

/** The hook's credentials in a project's token cache: each entry and those it replaced. */
function hookCredentials(env: Record<string, string>): Array<{ userId: string; id: string }> {
  return filesBelow(path.join(env.XDG_CACHE_HOME, "egi-cdktf", "appcred")).flatMap((f) => {
    const c = JSON.parse(fs.readFileSync(f, "utf8")) as { userId: string; id: string; replaced?: Array<{ id: string }> };
    return [c, ...(c.replaced ?? [])].map(({ id }) => ({ userId: c.userId, id }));
  });
}

afterAll(async () => {
  // Whatever failed above: leave no server on the site (a fresh token per destroy; destroy is quick).
  for (const p of destroyLater) runCdktf(p.dir, ["destroy", p.name, ...FLAGS], { ...p.env, EGI_TOKEN_MIN_VALIDITY: "20" }, 300_000);
  const left = (await Promise.all(destroyLater.map((p) => servers(p.name)))).flat();
  // ... and no application credential: the hook's ended after the destroy (which may use them), the test's own deleted.
  const made = [...madeHere, ...destroyLater.flatMap((p) => hookCredentials(p.env))];
  const ends = destroyLater.filter((p) => p.env.EGI_CDKTF_AUTH === "application-credential").map((p) => cli(["end-app-credentials"], p.env));
  const admin = await adminToken();
  const credential = (c: { userId: string; id: string }) => `${identity.keystone.authUrl}/users/${c.userId}/application_credentials/${c.id}`;
  for (const c of madeHere) await (await fetch(credential(c), { method: "DELETE", headers: { "X-Auth-Token": admin } })).body?.cancel();
  // Still valid after the end command: a failure, named with its expiry. Expired but kept by Keystone
  // (it deletes none by itself): not live, deleted here all the same, so the site keeps nothing.
  // Read through the list, which each Keystone process reads from the database: a single credential's
  // GET may come from another process's in-memory cache (this site's Keystones use dogpile.cache.memory),
  // still showing one the short-lived Keystone has just deleted.
  const alive: string[] = [];
  for (const userId of [...new Set(made.map((c) => c.userId))]) {
    const res = await fetch(`${identity.keystone.authUrl}/users/${userId}/application_credentials`, { headers: { "X-Auth-Token": admin } });
    const listed = ((await res.json()) as { application_credentials: Array<{ id: string; name: string; expires_at: string | null }> }).application_credentials;
    for (const found of listed.filter((l) => made.some((c) => c.id === l.id))) {
      const expired = found.expires_at ? Date.parse(`${found.expires_at.replace(/Z?$/, "")}Z`) <= Date.now() : false;
      if (!expired) alive.push(`${found.id} (${found.name}, expires ${found.expires_at ?? "never"})`);
      await (await fetch(credential({ userId, id: found.id }), { method: "DELETE", headers: { "X-Auth-Token": admin } })).body?.cancel();
    }
  }
  expect(left).toEqual([]);
  expect(ends.map((r) => [r.status, r.stderr])).toEqual(ends.map(() => [0, ""]));
  expect(alive).toEqual([]);
}, 600_000);

describe("token mode on a site whose tokens live 60 s", () => {
  const name = "lt-token";
  let p: { dir: string; env: Record<string, string> };
  beforeAll(async () => {
    p = await project(name, {});
    destroyLater.push({ ...p, name });
  });

  test("GIVEN the default EGI_TOKEN_MIN_VALIDITY (30 min) WHEN cdktf deploy runs THEN the hook refuses the token in one line naming the fix, and nothing is created", async () => {
    const r = runCdktf(p.dir, ["deploy", name, ...FLAGS], p.env);

    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`Keystone at ${short.authUrl} issues tokens valid for 1 min, less than the 30 min a deploy may take (EGI_TOKEN_MIN_VALIDITY=1800); the provider cannot renew a token mid-deploy: set EGI_CDKTF_AUTH=application-credential`);
    expect(await servers(name)).toEqual([]);
  });

  test(`GIVEN EGI_TOKEN_MIN_VALIDITY lowered to 30 s WHEN a deploy pauses ${PAUSE_SECONDS} s between two servers THEN it fails at the second with a 401, and a rerun converges`, async () => {
    const env = { ...p.env, EGI_TOKEN_MIN_VALIDITY: "30" };
    fs.rmSync(path.join(p.env.XDG_CACHE_HOME, "egi-cdktf", "keystone"), { recursive: true, force: true }); // a token with its full 60 s
    const started = Date.now();
    const failed = runCdktf(p.dir, ["deploy", name, ...FLAGS], env, 600_000);
    const seconds = (Date.now() - started) / 1000;

    expect(failed.status).not.toBe(0);
    expect(failed.output).toMatch(/INFO \[lt-token\/site\]: egi-cdktf: .* new token, valid until .* \(1 min\)/);
    expect(failed.output).toMatch(/401|Authentication failed|authentication required/i);
    expect(seconds).toBeGreaterThan(PAUSE_SECONDS);
    expect(await servers(name)).toEqual([`${name}-first`]);

    const rerun = runCdktf(p.dir, ["deploy", name, ...FLAGS], env, 600_000);

    expect(rerun.status).toBe(0);
    expect(rerun.output).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
    expect(await servers(name)).toEqual([`${name}-first`, `${name}-second`]);
  });
});

describe("application-credential mode on a site whose tokens live 60 s", () => {
  const name = "lt-appcred";
  let p: { dir: string; env: Record<string, string> };
  let deploy: { status: number | null; output: string };
  beforeAll(async () => {
    p = await project(name, { EGI_CDKTF_AUTH: "application-credential" });
    destroyLater.push({ ...p, name });
    deploy = runCdktf(p.dir, ["deploy", name, ...FLAGS], p.env, 600_000);
  }, 600_000);

  test(`GIVEN EGI_CDKTF_AUTH=application-credential WHEN a deploy pauses ${PAUSE_SECONDS} s between two servers THEN it succeeds in one run`, async () => {
    expect(deploy.output).toMatch(/INFO \[lt-appcred\/site\]: egi-cdktf: .* new application credential egi-cdktf-\S+, valid until .* \((719|720) min\)/);
    expect(deploy.status).toBe(0);
    expect(await servers(name)).toEqual([`${name}-first`, `${name}-second`]);
  });

  test("GIVEN the deploy WHEN the stack folder's clouds.yaml is read THEN it holds an application credential, whose secret is in no file but the 0600 cache", () => {
    const stack = path.join(p.dir, "cdktf.out", "stacks", name);
    const entry = Object.values(JSON.parse(fs.readFileSync(path.join(stack, "clouds.yaml"), "utf8")).clouds)[0] as any;
    expect(entry.auth_type).toBe("v3applicationcredential");
    const cache = path.join(p.env.XDG_CACHE_HOME, "egi-cdktf");
    const [credential] = filesBelow(path.join(cache, "appcred")).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    expect(credential.id).toBe(entry.auth.application_credential_id);

    const report = scanForSecrets([p.dir, p.env.HOME], { "application credential secret": credential.secret }, { allowed: [cache], outputs: { "deploy output": deploy.output } });

    expect(report.leaks).toEqual([]);
    expect(report.files).toBeGreaterThan(3);
  });

  test("GIVEN a valid application credential in the cache WHEN the next synth runs THEN it is reused", () => {
    const r = runCdktf(p.dir, ["synth"], p.env);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/reused application credential egi-cdktf-/);
  });

  test("GIVEN an expired egi-cdktf credential of the user WHEN the hook makes a new one THEN Keystone no longer has the expired one", async () => {
    const { fetch } = createHttpClient();
    const token = cli(["token"], { ...p.env, OS_AUTH_URL: identity.keystone.authUrl }).stdout.trim();
    const cache = path.join(p.env.XDG_CACHE_HOME, "egi-cdktf", "appcred");
    const userId = JSON.parse(fs.readFileSync(filesBelow(cache)[0], "utf8")).userId;
    const credentials = `${identity.keystone.authUrl}/users/${userId}/application_credentials`;
    const names = async () => ((await (await fetch(credentials, { headers: { "X-Auth-Token": token } })).json()) as any).application_credentials.map((c: { name: string }) => c.name);
    const made = await fetch(credentials, {
      method: "POST",
      headers: { "X-Auth-Token": token, "Content-Type": "application/json" },
      body: JSON.stringify({ application_credential: { name: "egi-cdktf-expiring-test", expires_at: new Date(Date.now() + 3000).toISOString(), roles: [{ name: "member" }] } }),
    });
    expect(made.status).toBe(201);
    madeHere.push({ userId, id: ((await made.json()) as { application_credential: { id: string } }).application_credential.id });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const before = await names();
    expect(before).toContain("egi-cdktf-expiring-test");

    // A lifetime whose half exceeds what the cached credential has left: the hook makes a new one.
    const r = runCdktf(p.dir, ["synth"], { ...p.env, EGI_APP_CREDENTIAL_TTL: "100000" });

    expect(r.output).toMatch(/new application credential egi-cdktf-/);
    const after: string[] = await names();
    expect(after).not.toContain("egi-cdktf-expiring-test");
    expect(after.filter((n) => !before.includes(n))).toHaveLength(1); // the new one; the valid ones stay
  });
});

