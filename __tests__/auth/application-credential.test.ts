/**
 * Application credentials against a fake Keystone: the cache entry records its site, and ending the
 * cached ones deletes each in Keystone with the user's federated token and forgets it (and every
 * cached clouds.yaml holding its secret). Against the real Keystone: __tests__/site/app-credential-cleanup.site.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ApplicationCredential, applicationCredential, cachedApplicationCredentials, endApplicationCredentials, type EndOptions } from "../../auth/application-credential";
import { TokenCache } from "../../auth/cache";
import { sha256 } from "../../auth/checkin";
import type { Fetch } from "../../auth/http";
import type { ScopedSession } from "../../auth/session";
import { tempDirsRemovedAfterAll, writeJson } from "../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const AUTH_URL = "https://keystone.example:5000/v3";
const NOW = 1_800_000_000;
const SECRET = "s3cr3t-app-credential-secret";

function session(overrides: Partial<ScopedSession> = {}): ScopedSession {
  return {
    token: "federated-token",
    expiresAt: NOW + 3600,
    project: { id: "p1", name: "vo.example" },
    roles: ["member"],
    user: { id: "u1", name: "alice" },
    catalog: [],
    fromCache: true,
    authUrl: AUTH_URL,
    ...overrides,
  };
}

interface Call {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
}

/** A Keystone holding `ids` (application credentials of u1), answering DELETE with `deleteStatus` when given. */
function fakeKeystone(ids: string[], deleteStatus?: number) {
  const held = new Set(ids);
  const calls: Call[] = [];
  const fetch: jest.MockedFunction<Fetch> = jest.fn(async (url: string | URL, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const u = String(url);
    calls.push({ method, url: u, token: (init?.headers as Record<string, string>)["X-Auth-Token"] });
    const id = /\/application_credentials\/([^/]+)$/.exec(u)?.[1];
    if (method === "DELETE" && id) {
      if (deleteStatus) return new Response(JSON.stringify({ error: { message: "You are not authorized" } }), { status: deleteStatus });
      return new Response(null, { status: held.delete(id) ? 204 : 404 });
    }
    if (method === "GET" && u.endsWith("/application_credentials")) return Response.json({ application_credentials: [] });
    if (method === "POST") {
      held.add("new-id");
      return Response.json({ application_credential: { id: "new-id", secret: SECRET } }, { status: 201 });
    }
    return new Response(null, { status: id && held.has(id) ? 200 : 404 });
  });
  return { fetch, calls, held };
}

/** A token cache holding one credential (as the hook writes it) and a stack's clouds.yaml with its secret. */
function cacheWith(credential: Partial<ApplicationCredential> & { id: string }, key = sha256(["appcred", "https://keystone.example:5000", "p1", "u1"].join("\n"))) {
  const cache = new TokenCache(tempDir("egi-appcred-"));
  cache.write("appcred", key, { name: `egi-cdktf-${credential.id}`, secret: SECRET, expiresAt: NOW + 43200, userId: "u1", projectId: "p1", authUrl: AUTH_URL, ...credential });
  writeJson(path.join(cache.dir, "clouds", `${"a".repeat(64)}.json`), { clouds: { x: { auth_type: "v3applicationcredential", auth: { application_credential_id: credential.id, application_credential_secret: SECRET } } } });
  writeJson(path.join(cache.dir, "clouds", `${"b".repeat(64)}.json`), { clouds: { y: { auth_type: "v3token", auth: { token: "other-stack" } } } });
  return cache;
}

const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

function endOptions(cache: TokenCache, fetch: Fetch, s = session(), extra: Partial<EndOptions> = {}) {
  const sessionFor = jest.fn(async () => ({ session: s, fetch }));
  return { cache, sessionFor, ...extra };
}

describe("applicationCredential", () => {
  test("GIVEN no cached credential WHEN the hook makes one THEN the cache entry records its site, so that it can be ended without the app", async () => {
    const cache = new TokenCache(tempDir("egi-appcred-"));
    const { fetch } = fakeKeystone([]);

    await applicationCredential(session(), { cache, fetch, ttlSeconds: 7200, now: () => NOW });

    expect(cachedApplicationCredentials(cache).map((c) => c.credential)).toEqual([
      expect.objectContaining({ id: "new-id", authUrl: AUTH_URL, userId: "u1", projectId: "p1", expiresAt: NOW + 7200 }),
    ]);
  });

  test("GIVEN a cached credential with less than half its lifetime left WHEN the hook makes a new one THEN the new entry names it (still valid, maybe in use elsewhere), but not one already expired", async () => {
    const cache = cacheWith({ id: "old", expiresAt: NOW + 600, replaced: [{ id: "older", name: "egi-cdktf-older", expiresAt: NOW - 1 }] });
    const { fetch, calls } = fakeKeystone(["old"]);

    const { credential, reused } = await applicationCredential(session(), { cache, fetch, ttlSeconds: 7200, now: () => NOW });

    expect(reused).toBe(false);
    expect(credential.replaced).toEqual([{ id: "old", name: "egi-cdktf-old", expiresAt: NOW + 600 }]);
    expect(calls.filter((c) => c.method === "DELETE")).toEqual([]);
  });
});

describe("endApplicationCredentials", () => {
  test("GIVEN an empty token cache WHEN ending THEN nothing is ended and nobody is asked for a token", async () => {
    const o = endOptions(new TokenCache(tempDir("egi-appcred-")), fakeKeystone([]).fetch);

    expect(await endApplicationCredentials(o)).toEqual([]);
    expect(o.sessionFor).not.toHaveBeenCalled();
  });

  test("GIVEN a cached credential WHEN ending THEN Keystone deletes it (federated token, its user and id), the cache forgets it and the clouds.yaml holding its secret, and a second run ends nothing", async () => {
    const cache = cacheWith({ id: "ac1" });
    const keystone = fakeKeystone(["ac1", "someone-elses"]);
    const o = endOptions(cache, keystone.fetch);

    const outcomes = await endApplicationCredentials(o);

    expect(outcomes).toEqual([{ outcome: "ended", credential: expect.objectContaining({ id: "ac1", name: "egi-cdktf-ac1" }), authUrl: AUTH_URL, projectName: "vo.example", alsoEnded: [] }]);
    expect(o.sessionFor).toHaveBeenCalledWith({ authUrl: AUTH_URL, projectId: "p1" });
    expect(keystone.calls).toEqual([{ method: "DELETE", url: `${AUTH_URL}/users/u1/application_credentials/ac1`, token: "federated-token" }]);
    expect([...keystone.held]).toEqual(["someone-elses"]);
    expect(files(path.join(cache.dir, "appcred"))).toEqual([]);
    expect(files(path.join(cache.dir, "clouds"))).toEqual([`${"b".repeat(64)}.json`]);
    expect(JSON.stringify(outcomes)).not.toContain(SECRET);
    expect(await endApplicationCredentials(o)).toEqual([]);
  });

  test("GIVEN a cached credential that replaced two still valid ones WHEN ending THEN all three are deleted, the ones Keystone still had reported, and the entry is forgotten", async () => {
    const replaced = [
      { id: "r1", name: "egi-cdktf-r1", expiresAt: NOW + 100 },
      { id: "r2", name: "egi-cdktf-r2", expiresAt: NOW + 200 },
    ];
    const cache = cacheWith({ id: "ac1", replaced });
    const keystone = fakeKeystone(["ac1", "r2"]);

    const [result] = await endApplicationCredentials(endOptions(cache, keystone.fetch));

    expect(result).toMatchObject({ outcome: "ended", alsoEnded: ["egi-cdktf-r2"] });
    expect(keystone.calls.map((c) => `${c.method} ${c.url.replace(/.*\//, "")}`)).toEqual(["DELETE r1", "DELETE r2", "DELETE ac1"]);
    expect([...keystone.held]).toEqual([]);
    expect(files(path.join(cache.dir, "appcred"))).toEqual([]);
  });

  test("GIVEN Keystone refuses to delete a replaced one WHEN ending THEN it fails naming that one, and the entry stays so that a rerun tries again", async () => {
    const cache = cacheWith({ id: "ac1", replaced: [{ id: "r1", name: "egi-cdktf-r1", expiresAt: NOW + 100 }] });

    const [result] = await endApplicationCredentials(endOptions(cache, fakeKeystone(["ac1", "r1"], 403).fetch));

    expect(result).toMatchObject({ outcome: "failed", reason: "egi-cdktf-r1 (r1), which it replaced: Keystone at https://keystone.example:5000 did not delete it (HTTP 403: You are not authorized)" });
    expect(files(path.join(cache.dir, "appcred"))).toHaveLength(1);
  });

  test.each([
    ["Keystone no longer has it (404)", "gone", {}, [], undefined, undefined],
    ["Keystone refuses the DELETE (403)", "failed", {}, ["ac1"], 403, "Keystone at https://keystone.example:5000 did not delete it (HTTP 403: You are not authorized)"],
    ["the environment's Check-in credential is another user's", "failed", { user: { id: "u2", name: "bob" } }, ["ac1"], undefined, "it belongs to Keystone user u1, but this environment's Check-in credential logs in to https://keystone.example:5000 as bob; set the Check-in credential it was made with"],
  ] as ReadonlyArray<[string, string, Partial<ScopedSession>, string[], number | undefined, string | undefined]>)("GIVEN %s WHEN ending THEN the outcome is %s", async (_name, outcome, sessionOverrides, held, deleteStatus, reason) => {
    const cache = cacheWith({ id: "ac1" });
    const keystone = fakeKeystone([...held], deleteStatus);

    const [result, ...rest] = await endApplicationCredentials(endOptions(cache, keystone.fetch, session(sessionOverrides)));

    expect(rest).toEqual([]);
    expect(result.outcome).toBe(outcome);
    if (reason) expect(result).toMatchObject({ reason });
    // Forgotten only once Keystone no longer has it; else kept so that a rerun tries again.
    expect(files(path.join(cache.dir, "appcred"))).toHaveLength(outcome === "failed" ? 1 : 0);
    if (sessionOverrides.user) expect(keystone.calls).toEqual([]);
  });

  test("GIVEN no token for the site WHEN ending THEN it fails with that one-line reason and the credential stays cached", async () => {
    const cache = cacheWith({ id: "ac1" });
    const sessionFor = jest.fn(async () => {
      throw new Error("OS_CACERT: cannot read /nope.pem");
    });

    expect(await endApplicationCredentials({ cache, sessionFor })).toEqual([{ outcome: "failed", credential: expect.objectContaining({ id: "ac1" }), reason: "OS_CACERT: cannot read /nope.pem" }]);
    expect(files(path.join(cache.dir, "appcred"))).toHaveLength(1);
  });

  test.each([
    ["OS_AUTH_URL is its site", "ended", "https://keystone.example:5000/v3/", undefined],
    ["OS_AUTH_URL is another site", "failed", "https://other.example:5000/v3", /older egi-cdktf that did not record its site, and OS_AUTH_URL is not that site: .*`openstack application credential delete ac1`/],
    ["OS_AUTH_URL is not set", "failed", undefined, /did not record its site/],
  ] as const)("GIVEN an entry of an older egi-cdktf (no site recorded) and %s WHEN ending THEN the outcome is %s", async (_name, outcome, fallbackAuthUrl, reason) => {
    const cache = cacheWith({ id: "ac1", authUrl: undefined });
    const keystone = fakeKeystone(["ac1"]);

    const [result] = await endApplicationCredentials(endOptions(cache, keystone.fetch, session(), { fallbackAuthUrl }));

    expect(result.outcome).toBe(outcome);
    if (reason) expect((result as { reason: string }).reason).toMatch(reason);
    expect(keystone.calls.map((c) => c.url)).toEqual(outcome === "ended" ? [`${AUTH_URL}/users/u1/application_credentials/ac1`] : []);
  });
});
