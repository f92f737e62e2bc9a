import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TokenCache } from "../../auth/cache";
import { isDiscoveryEntry, isIdentityEntry, isScopedTokenEntry } from "../../auth/cache-entries";
import { credentialId, sha256 } from "../../auth/checkin";
import type { Fetch } from "../../auth/http";
import { scopedToken } from "../../auth/session";
import { type AuthSettings, settingsFromEnv } from "../../auth/settings";

const KEY = "0123456789abcdef0123456789abcdef";
const FAR = Math.floor(Date.now() / 1000) + 86_400;
const SCOPED = { token: "gAAAA-scoped", expiresAt: FAR, project: { id: "p1", name: "vo.example" }, roles: ["member"], user: { id: "u1", name: "alice" }, catalog: [] };
const IDENTITY = { subject: "alice@egi.eu", accessToken: "at", accessExpiresAt: FAR, refreshToken: "rt" };
const DISCOVERY = { fetchedAt: 1, metadata: { issuer: "https://aai.example.org/auth/realms/egi", token_endpoint: "https://aai.example.org/token" } };
const without = <T extends object>(value: T, key: keyof T) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));

/** Valid JSON that is not an entry of any kind, as a torn hand edit or another version may leave. */
const NOT_AN_ENTRY: Array<[string, unknown]> = [
  ["{}", {}],
  ["[]", []],
  ["null", null],
  ['"x"', "x"],
  ["5", 5],
  ['{"token": 5}', { token: 5 }],
];

const KEYSTONE_WRONG: Array<[string, unknown]> = [
  ...NOT_AN_ENTRY,
  ["missing expiresAt", without(SCOPED, "expiresAt")],
  ["missing token", without(SCOPED, "token")],
  ["empty token", { ...SCOPED, token: "" }],
  ["token a number", { ...SCOPED, token: 5 }],
  ["expiresAt a string", { ...SCOPED, expiresAt: String(FAR) }],
  ["project without name", { ...SCOPED, project: { id: "p1" } }],
  ["project null", { ...SCOPED, project: null }],
  ["roles a string", { ...SCOPED, roles: "member" }],
  ["roles of objects", { ...SCOPED, roles: [{ name: "member" }] }],
  ["user missing", without(SCOPED, "user")],
  ["catalog an object", { ...SCOPED, catalog: {} }],
];

const IDENTITY_WRONG: Array<[string, unknown]> = [
  ...NOT_AN_ENTRY,
  ["subject missing", without(IDENTITY, "subject")],
  ["subject a number", { ...IDENTITY, subject: 5 }],
  ["subject empty", { ...IDENTITY, subject: "" }],
  ["accessToken a number", { ...IDENTITY, accessToken: 5 }],
  ["accessExpiresAt a string", { ...IDENTITY, accessExpiresAt: "soon" }],
  ["refreshToken null", { ...IDENTITY, refreshToken: null }],
];

const DISCOVERY_WRONG: Array<[string, unknown]> = [
  ...NOT_AN_ENTRY,
  ["fetchedAt missing", without(DISCOVERY, "fetchedAt")],
  ["metadata missing", without(DISCOVERY, "metadata")],
  ["metadata an array", { ...DISCOVERY, metadata: [] }],
  ["metadata without issuer", { ...DISCOVERY, metadata: { token_endpoint: "https://aai.example.org/token" } }],
  ["issuer a number", { ...DISCOVERY, metadata: { issuer: 5 } }],
];

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-entries-"));
  tempDirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Put `value` in the cache file as is (JSON.stringify), the way a stray writer would. */
function plant(cache: TokenCache, kind: string, key: string, value: unknown): void {
  fs.mkdirSync(path.join(cache.dir, kind), { recursive: true });
  fs.writeFileSync(path.join(cache.dir, kind, `${key}.json`), JSON.stringify(value));
}

describe("cache entry guards", () => {
  test("GIVEN well-formed entries WHEN checked THEN each kind accepts its own", () => {
    expect(isScopedTokenEntry(SCOPED)).toBe(true);
    expect(isIdentityEntry(IDENTITY)).toBe(true);
    expect(isIdentityEntry({ subject: "alice@egi.eu" })).toBe(true); // a given access token: nothing else kept
    expect(isDiscoveryEntry(DISCOVERY)).toBe(true);
  });

  test.each(KEYSTONE_WRONG)("GIVEN a keystone entry that is %s WHEN read THEN it is a miss", (_name, value) => {
    const cache = new TokenCache(tempDir());
    plant(cache, "keystone", KEY, value);
    expect(isScopedTokenEntry(value)).toBe(false);
    expect(cache.read("keystone", KEY, isScopedTokenEntry)).toBeUndefined();
  });

  test.each(IDENTITY_WRONG)("GIVEN an identity entry that is %s WHEN read THEN it is a miss", (_name, value) => {
    const cache = new TokenCache(tempDir());
    plant(cache, "identity", KEY, value);
    expect(isIdentityEntry(value)).toBe(false);
    expect(cache.read("identity", KEY, isIdentityEntry)).toBeUndefined();
  });

  test.each(DISCOVERY_WRONG)("GIVEN a discovery entry that is %s WHEN read THEN it is a miss", (_name, value) => {
    const cache = new TokenCache(tempDir());
    plant(cache, "discovery", KEY, value);
    expect(isDiscoveryEntry(value)).toBe(false);
    expect(cache.read("discovery", KEY, isDiscoveryEntry)).toBeUndefined();
  });
});

describe("scopedToken with a wrong-shape cache entry", () => {
  const settingsIn = (cacheDir: string): AuthSettings =>
    settingsFromEnv({}, {
      CHECKIN_URL: "https://aai.example.org/auth/realms/egi",
      CHECKIN_ACCESS_TOKEN: "opaque-access-token",
      OS_AUTH_URL: "https://keystone.example.org:5000/v3",
      OS_PROJECT_ID: "p1",
      OS_PROTOCOL: "openid",
      EGI_CDKTF_CACHE_DIR: cacheDir,
    });

  /** A Keystone that logs every call and issues `new-scoped`. */
  function keystone(): { fetch: Fetch; calls: string[] } {
    const calls: string[] = [];
    const fetch: Fetch = async (url, init) => {
      calls.push(`${init?.method ?? "GET"} ${new URL(String(url)).pathname}`);
      if (String(url).includes("/OS-FEDERATION/")) return new Response(null, { status: 201, headers: { "x-subject-token": "unscoped" } });
      const token = { expires_at: new Date(FAR * 1000).toISOString(), project: { id: "p1", name: "vo.example" }, roles: [{ name: "member" }], user: { id: "u1", name: "alice" }, catalog: [] };
      return new Response(JSON.stringify({ token }), { status: 201, headers: { "x-subject-token": "new-scoped", "content-type": "application/json" } });
    };
    return { fetch, calls };
  }

  // Every row would pass today's freshness check (expiresAt far ahead) if its shape went unchecked.
  const WRONG: Array<[string, unknown]> = [
    ["no token", without(SCOPED, "token")],
    ['{"token": 5}', { token: 5, expiresAt: FAR }],
    ["an empty token", { ...SCOPED, token: "" }],
    ["roles a string", { ...SCOPED, roles: "member" }],
    ["no project", without(SCOPED, "project")],
    ["only expiresAt", { expiresAt: FAR }],
  ];

  /** A cache holding `value` where scopedToken looks for the scoped token of project p1. */
  function cacheWith(value: unknown) {
    const settings = settingsIn(tempDir());
    const cache = new TokenCache(settings.cacheDir);
    const subject = `token:${sha256("opaque-access-token").slice(0, 16)}`; // what obtainAccessToken derives for an opaque token
    const scopedKey = sha256([settings.checkin.issuer, "", subject, settings.keystone.baseUrl, "p1"].join("\n"));
    plant(cache, "identity", credentialId(settings.checkin.issuer, settings.checkin.credential), { subject });
    plant(cache, "keystone", scopedKey, value);
    return { settings, cache, scopedKey };
  }

  test("GIVEN a well-formed cached keystone entry WHEN a scoped token is asked for THEN it is returned with no HTTP call", async () => {
    const { settings } = cacheWith(SCOPED);
    const { fetch, calls } = keystone();

    await expect(scopedToken(settings, { fetch })).resolves.toMatchObject({ fromCache: true, token: SCOPED.token });
    expect(calls).toEqual([]);
  });

  test.each(WRONG)("GIVEN a cached keystone entry with %s WHEN a scoped token is asked for THEN Keystone is called and the entry replaced", async (_name, value) => {
    const { settings, cache, scopedKey } = cacheWith(value);
    const { fetch, calls } = keystone();

    const session = await scopedToken(settings, { fetch });

    expect(session).toMatchObject({ fromCache: false, token: "new-scoped", project: { id: "p1", name: "vo.example" } });
    expect(calls).toEqual(["POST /v3/OS-FEDERATION/identity_providers/egi.eu/protocols/openid/auth", "POST /v3/auth/tokens"]);
    expect(cache.read("keystone", scopedKey, isScopedTokenEntry)).toMatchObject({ token: "new-scoped", expiresAt: FAR });
  });
});
