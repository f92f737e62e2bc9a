/**
 * Faults on the token chain (issue 8): the real CLI against the loopback IdP and Keystone, with
 * faults made at the servers (IdP: /__test/faults; Keystone: a proxy in front of it). Transient
 * faults are repeated a bounded number of times, everything else fails at once, and each failure is
 * one line on stderr. Request counts are read at the servers, so a retry storm cannot hide.
 */
import { IdpFaults, type IdpFaultSpec, type KeystoneProxy, type ProxyFaultSpec, removeHome, startKeystoneProxy } from "../support/faults";
import { cliAsync, identitySite, idpRequests, mintRefreshToken, revokeRefreshToken, userEnv } from "../support/identity-site";
import { expectOneLineError } from "../support/cli-output";

const site = identitySite();
/** EGI_HTTP_TIMEOUT of every case, seconds. */
const TIMEOUT = 2;
/** Longer than TIMEOUT: an answer that comes too late. */
const SLOW_MS = 4500;

const ISSUER = site.issuer.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const TOKEN_PATH = new URL(site.issuer).pathname + "/protocol/openid-connect/token";
const DISCOVERY_PATH = new URL(site.issuer).pathname + "/.well-known/openid-configuration";
const FED = (idp: string, protocol: string) => `POST /v3/OS-FEDERATION/identity_providers/${idp}/protocols/${protocol}/auth`;
const SCOPE = "POST /v3/auth/tokens";
const LOGIN_OK = { [FED("egi.eu", "openid")]: 1, [SCOPE]: 1 };

interface Case {
  readonly name: string;
  /** Faults at the IdP; those on the token endpoint are scoped to this case's refresh token. */
  readonly idp?: IdpFaultSpec[];
  /** Faults at the Keystone proxy. */
  readonly keystone?: ProxyFaultSpec[];
  /** The proxy stops listening before the run. */
  readonly keystoneRefuses?: boolean;
  /** Extra env; a function gets the case's refresh token and proxy. */
  readonly env?: (ctx: { refreshToken: string; proxy: KeystoneProxy }) => Promise<Record<string, string | undefined>> | Record<string, string | undefined>;
  readonly status: 0 | 1;
  /** The one stderr line must match all of these (failures only). */
  readonly stderr?: RegExp[];
  /** Token endpoint requests carrying this case's refresh token. */
  readonly tokenRequests?: number;
  /** Discovery requests while the case's discovery fault was armed. */
  readonly discoveryRequests?: number;
  /** Every request the Keystone proxy received, per "METHOD /path". */
  readonly keystoneRequests?: Record<string, number>;
  readonly seconds?: { readonly min?: number; readonly max: number };
}

const CASES: Case[] = [
  // ---- IdP ----------------------------------------------------------------------------------
  {
    name: "the IdP token endpoint answers 503 twice, then OK: success with exactly 3 token requests",
    idp: [{ path: "token", status: 503, count: 2 }],
    status: 0,
    tokenRequests: 3,
    keystoneRequests: LOGIN_OK,
    seconds: { max: 10 },
  },
  {
    name: "the IdP token endpoint answers 503 every time: exit 1 after exactly 3 token requests, nothing sent to Keystone",
    idp: [{ path: "token", status: 503 }],
    status: 1,
    stderr: [new RegExp(`^egi-cdktf: Check-in at ${ISSUER} is unavailable: HTTP 503 3 times \\(POST ${TOKEN_PATH}, [\\d.]+ s in all\\); try again later, or check CHECKIN_URL$`)],
    tokenRequests: 3,
    keystoneRequests: {},
    seconds: { max: 10 },
  },
  {
    name: "the IdP token endpoint answers 429 with Retry-After: 1 once: it waits a second and succeeds with 2 token requests",
    idp: [{ path: "token", status: 429, retryAfter: 1, count: 1 }],
    status: 0,
    tokenRequests: 2,
    keystoneRequests: LOGIN_OK,
    seconds: { min: 1, max: 10 },
  },
  {
    name: "the IdP token endpoint answers later than the timeout: exactly 1 token request (a refresh is never repeated) and the error says why",
    idp: [{ path: "token", delayMs: SLOW_MS, count: 1 }],
    status: 1,
    stderr: [
      new RegExp(`^egi-cdktf: cannot reach Check-in at ${ISSUER}: no answer within ${TIMEOUT} s \\(POST ${TOKEN_PATH}\\), not repeated: Check-in may have used the refresh token and rotated it`),
      /if the next run fails with invalid_grant, get a new refresh token; check CHECKIN_URL and the network, or raise EGI_HTTP_TIMEOUT \(seconds, now 2\)$/,
    ],
    tokenRequests: 1,
    keystoneRequests: {},
    seconds: { min: TIMEOUT, max: TIMEOUT + 6 },
  },
  {
    name: "the IdP token endpoint drops the connection: exactly 1 token request, connection reset",
    idp: [{ path: "token", reset: true }],
    status: 1,
    stderr: [new RegExp(`^egi-cdktf: cannot reach Check-in at ${ISSUER}: connection reset \\((ECONNRESET|UND_ERR_SOCKET)\\) \\(POST ${TOKEN_PATH}\\), not repeated: `), /check CHECKIN_URL and the network$/],
    tokenRequests: 1,
    keystoneRequests: {},
  },
  {
    name: "the IdP token endpoint answers 500: not transient, exactly 1 token request",
    idp: [{ path: "token", status: 500 }],
    status: 1,
    stderr: [new RegExp(`^egi-cdktf: Check-in \\(${ISSUER}\\) answered HTTP 500 \\(a server error, not repeated\\); try again later, or check CHECKIN_URL$`)],
    tokenRequests: 1,
    keystoneRequests: {},
  },
  {
    name: "the refresh token was revoked (400 invalid_grant): exactly 1 token request, no retry",
    env: async ({ refreshToken }) => {
      await revokeRefreshToken(site, refreshToken);
      return {};
    },
    status: 1,
    stderr: [/invalid_grant/, /CHECKIN_REFRESH_TOKEN/],
    tokenRequests: 1,
    keystoneRequests: {},
  },
  {
    name: "IdP discovery answers 503 once: success after 2 discovery requests",
    idp: [{ path: "discovery", status: 503, count: 1 }],
    status: 0,
    discoveryRequests: 2,
    tokenRequests: 1,
    keystoneRequests: LOGIN_OK,
  },
  {
    name: "IdP discovery answers later than the timeout: a GET, so exactly 3 discovery requests, then the error says no answer within 2 s",
    // Until cleared, not `count: 3`: discovery faults cannot be scoped to this case, and another
    // run's discovery taking one of 3 would let this run through.
    idp: [{ path: "discovery", delayMs: SLOW_MS }],
    status: 1,
    stderr: [
      new RegExp(
        `^egi-cdktf: cannot reach Check-in at ${ISSUER}: no answer within ${TIMEOUT} s, 3 times \\(GET ${DISCOVERY_PATH}, [\\d.]+ s in all\\); check CHECKIN_URL and the network, or raise EGI_HTTP_TIMEOUT \\(seconds, now 2\\)$`,
      ),
    ],
    discoveryRequests: 3,
    tokenRequests: 0,
    keystoneRequests: {},
    seconds: { min: 3 * TIMEOUT, max: 3 * TIMEOUT + 6 },
  },
  {
    name: "the IdP refuses connections: exit 1 after 3 attempts, in bounded time",
    env: () => ({ CHECKIN_URL: "https://127.0.0.1:2/auth/realms/egi" }),
    status: 1,
    stderr: [/^egi-cdktf: cannot reach Check-in at https:\/\/127\.0\.0\.1:2\/auth\/realms\/egi: connection refused \(ECONNREFUSED\), 3 times \(GET /, /check CHECKIN_URL and the network$/],
    tokenRequests: 0,
    keystoneRequests: {},
    seconds: { max: 8 },
  },
  // ---- Keystone -------------------------------------------------------------------------------
  {
    name: "Keystone's federated login answers 503 twice, then OK: success with exactly 3 login requests",
    keystone: [{ pathIncludes: "/OS-FEDERATION/", status: 503, count: 2 }],
    status: 0,
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 3, [SCOPE]: 1 },
  },
  {
    name: "Keystone answers 503 every time: exit 1 after exactly 3 requests (no other protocol tried)",
    keystone: [{ status: 503 }],
    status: 1,
    stderr: [/^egi-cdktf: Keystone at http:\/\/127\.0\.0\.1:\d+ is unavailable: HTTP 503 3 times \(POST \/v3\/OS-FEDERATION\/identity_providers\/egi\.eu\/protocols\/openid\/auth, [\d.]+ s in all\); try again later, or check OS_AUTH_URL$/],
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 3 },
    seconds: { max: 10 },
  },
  {
    name: "Keystone answers later than the timeout: its POSTs are safe to repeat, so exactly 3 requests, and the error says no answer within 2 s",
    keystone: [{ delayMs: SLOW_MS }],
    status: 1,
    stderr: [
      /^egi-cdktf: cannot reach Keystone at http:\/\/127\.0\.0\.1:\d+: no answer within 2 s, 3 times \(POST \/v3\/OS-FEDERATION\/identity_providers\/egi\.eu\/protocols\/openid\/auth, [\d.]+ s in all\); check OS_AUTH_URL and the network, or raise EGI_HTTP_TIMEOUT \(seconds, now 2\)$/,
    ],
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 3 },
    seconds: { min: 3 * TIMEOUT, max: 3 * TIMEOUT + 6 },
  },
  {
    name: "Keystone drops the connection when scoping: exactly 3 scope requests, connection reset",
    keystone: [{ pathIncludes: "/v3/auth/tokens", reset: true }],
    status: 1,
    stderr: [/^egi-cdktf: cannot reach Keystone at http:\/\/127\.0\.0\.1:\d+: connection reset \((ECONNRESET|UND_ERR_SOCKET)\), 3 times \(POST \/v3\/auth\/tokens, /],
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 1, [SCOPE]: 3 },
  },
  {
    name: "Keystone's scope answers 503 once: success with 2 scope requests",
    keystone: [{ pathIncludes: "/v3/auth/tokens", status: 503, count: 1 }],
    status: 0,
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 1, [SCOPE]: 2 },
  },
  {
    name: "Keystone answers 500 when scoping: not transient, exactly 1 scope request, Keystone's error as before",
    keystone: [{ pathIncludes: "/v3/auth/tokens", status: 500 }],
    status: 1,
    stderr: [/^egi-cdktf: Keystone at http:\/\/127\.0\.0\.1:\d+ did not scope the token to \w+ \(HTTP 500: fault injected by the test proxy\)$/],
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "openid")]: 1, [SCOPE]: 1 },
  },
  {
    name: "Keystone refuses connections: exit 1 after 3 attempts, in bounded time",
    keystoneRefuses: true,
    status: 1,
    stderr: [/^egi-cdktf: cannot reach Keystone at http:\/\/127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\), 3 times \(POST .*\); check OS_AUTH_URL and the network$/],
    tokenRequests: 1,
    keystoneRequests: {},
    seconds: { max: 8 },
  },
  {
    name: "OS_PROTOCOL names a protocol Keystone does not have (401 from Keystone itself): exactly 1 request",
    env: () => ({ OS_PROTOCOL: "nope" }),
    status: 1,
    stderr: [/Keystone at http:\/\/127\.0\.0\.1:\d+ /, /nope: HTTP 401/],
    tokenRequests: 1,
    keystoneRequests: { [FED("egi.eu", "nope")]: 1 },
  },
  {
    name: "an identity provider with neither protocol (404 from Keystone): exactly 1 request per protocol tried",
    env: () => ({ OS_IDENTITY_PROVIDER: "nowhere" }),
    status: 1,
    stderr: [/no federation protocol openid or oidc for identity provider nowhere/, /OS_PROTOCOL/],
    tokenRequests: 1,
    keystoneRequests: { [FED("nowhere", "openid")]: 1, [FED("nowhere", "oidc")]: 1 },
  },
  {
    name: "a forged access token (401 Bearer challenge from Keystone's OIDC module): exactly 1 request, no other protocol",
    env: () => {
      const forged = ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify({ sub: "x", exp: 9999999999 })).toString("base64url"), "c2ln"].join(".");
      return { CHECKIN_REFRESH_TOKEN: undefined, CHECKIN_CLIENT_ID: undefined, CHECKIN_CLIENT_SECRET: undefined, CHECKIN_ACCESS_TOKEN: forged };
    },
    status: 1,
    stderr: [/rejected the Check-in access token for protocol openid \(HTTP 401/],
    tokenRequests: 0,
    keystoneRequests: { [FED("egi.eu", "openid")]: 1 },
  },
];

describe("egi-cdktf token when the chain has faults", () => {
  const idpFaults = new IdpFaults(site);
  let proxy: KeystoneProxy | undefined;
  let env: Record<string, string> | undefined;

  afterEach(async () => {
    try {
      await idpFaults.clear();
    } finally {
      await proxy?.close();
      proxy = undefined;
      removeHome(env);
      env = undefined;
    }
  });

  test.each(CASES.map((c) => [c.name, c] as const))("GIVEN %s", async (_name, c) => {
    const refreshToken = await mintRefreshToken(site, site.clients.basic);
    proxy = await startKeystoneProxy(site.keystone.authUrl);
    for (const f of c.keystone ?? []) proxy.arm(f);
    // Counts the token requests of this case only (count 0: never applied), even with no fault.
    const probe = await idpFaults.arm({ path: "token", count: 0, match: { refresh_token: refreshToken } });
    const armed = [];
    for (const f of c.idp ?? []) armed.push(await idpFaults.arm(f.path === "token" ? { ...f, match: { refresh_token: refreshToken } } : f));
    const extra = (await c.env?.({ refreshToken, proxy })) ?? {};
    env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: refreshToken, OS_AUTH_URL: proxy.authUrl, EGI_HTTP_TIMEOUT: String(TIMEOUT), ...extra });
    if (c.keystoneRefuses) await proxy.refuse();

    const started = Date.now();
    const r = await cliAsync(["token"], env);
    const seconds = (Date.now() - started) / 1000;

    const tokenRequests = (await idpFaults.get(probe)).hits;
    const discovery = armed.find((f) => f.path.endsWith("/.well-known/openid-configuration"));
    const observed = {
      status: r.status,
      tokenRequests,
      discoveryRequests: discovery ? (await idpFaults.get(discovery)).hits : undefined,
      keystoneRequests: proxy.counts(),
    };
    const expected = {
      status: c.status,
      tokenRequests: c.tokenRequests ?? tokenRequests,
      discoveryRequests: c.discoveryRequests ?? observed.discoveryRequests,
      keystoneRequests: c.keystoneRequests ?? observed.keystoneRequests,
    };
    expect({ ...observed, stderr: r.stderr }).toEqual({ ...expected, stderr: c.status === 0 ? "" : expect.any(String) });
    if (c.status === 0) expect(r.stdout.trim()).toMatch(/^\S{20,}$/);
    else expectOneLineError(r, c.stderr ?? [], [refreshToken, site.clients.basic.secret!, ...(extra.CHECKIN_ACCESS_TOKEN ? [extra.CHECKIN_ACCESS_TOKEN] : [])]);
    if (c.seconds?.min !== undefined) expect(seconds).toBeGreaterThanOrEqual(c.seconds.min);
    expect(seconds).toBeLessThan(c.seconds?.max ?? 15);
  });

  test("GIVEN a faulted token request THEN the IdP's /__test/stats counts it like any other", async () => {
    const refreshToken = await mintRefreshToken(site, site.clients.basic);
    await idpFaults.arm({ path: "token", status: 503, match: { refresh_token: refreshToken } });
    env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: refreshToken, EGI_HTTP_TIMEOUT: String(TIMEOUT) });
    const before = (await idpRequests(site)).token;

    const r = await cliAsync(["token"], env);

    expect(r.status).toBe(1);
    // >=: the IdP is shared, other tests may refresh meanwhile (but nobody should reset the stats).
    expect((await idpRequests(site)).token - before).toBeGreaterThanOrEqual(3);
  });
});
