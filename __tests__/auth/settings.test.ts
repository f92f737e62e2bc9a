import { CHECKIN_PRODUCTION, hasCheckinCredential, normaliseAuthUrl, normaliseIssuer, settingsFromEnv } from "../../auth/settings";
import { authErrorOf as errorOf } from "../support/thrown";

const SITE = { OS_AUTH_URL: "https://keystone.example.org:5000/v3/", OS_PROJECT_ID: "p1", HOME: "/home/u" };

describe("settingsFromEnv", () => {
  test("GIVEN the docs page's variables WHEN read THEN a confidential refresh-token credential with production Check-in and the default scope", () => {
    const s = settingsFromEnv({}, { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_CLIENT_SECRET: "s", CHECKIN_REFRESH_TOKEN: "r" });
    expect(s.checkin).toEqual({
      issuer: CHECKIN_PRODUCTION,
      scope: "openid email profile eduperson_entitlement",
      credential: { kind: "refresh_token", refreshToken: "r", clientId: "c", clientSecret: "s", clientAuth: "client_secret_basic" },
    });
    expect(s.keystone).toEqual({ baseUrl: "https://keystone.example.org:5000", projectId: "p1", identityProvider: "egi.eu", protocols: ["openid", "oidc"] });
  });

  test("GIVEN fedcloudclient's OIDC_* names WHEN read THEN they work as aliases", () => {
    const s = settingsFromEnv({}, { ...SITE, OIDC_CLIENT_ID: "token-portal", OIDC_REFRESH_TOKEN: "r", OIDC_URL: "demo" });
    expect(s.checkin.issuer).toBe("https://aai-demo.egi.eu/auth/realms/egi");
    expect(s.checkin.credential).toEqual({ kind: "refresh_token", refreshToken: "r", clientId: "token-portal", clientSecret: undefined, clientAuth: "none" });
  });

  test("GIVEN a client id and secret but no refresh token WHEN read THEN it is a client_credentials service account, post if asked", () => {
    const s = settingsFromEnv({}, { ...SITE, CHECKIN_CLIENT_ID: "svc", CHECKIN_CLIENT_SECRET: "s", CHECKIN_CLIENT_AUTH: "post" });
    expect(s.checkin.credential).toEqual({ kind: "client_credentials", clientId: "svc", clientSecret: "s", clientAuth: "client_secret_post" });
  });

  test("GIVEN only an access token WHEN read THEN it is used as is", () => {
    expect(settingsFromEnv({}, { ...SITE, OIDC_ACCESS_TOKEN: "at" }).checkin.credential).toEqual({ kind: "access_token", accessToken: "at" });
  });

  test("GIVEN flags WHEN read THEN they win over env, and OS_PROTOCOL pins one protocol", () => {
    const s = settingsFromEnv({ authUrl: "http://k:5000", projectId: "p2", protocol: "oidc" }, { ...SITE, OIDC_ACCESS_TOKEN: "at" });
    expect(s.keystone).toMatchObject({ baseUrl: "http://k:5000", projectId: "p2", protocols: ["oidc"] });
  });

  test.each([
    [{ OS_PROJECT_ID: "p", CHECKIN_ACCESS_TOKEN: "a" }, "OS_AUTH_URL is not set"],
    [{ OS_AUTH_URL: "https://k/v3", CHECKIN_ACCESS_TOKEN: "a" }, "OS_PROJECT_ID is not set"],
    [{ ...SITE }, "no Check-in credential: set CHECKIN_REFRESH_TOKEN"],
    [{ ...SITE, CHECKIN_REFRESH_TOKEN: "r" }, "CHECKIN_CLIENT_ID is not set"],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", OS_AUTH_URL: "keystone" }, 'OS_AUTH_URL="keystone" is not a URL'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", CHECKIN_URL: "nope" }, 'CHECKIN_URL="nope" is not a URL'],
    [{ ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_CLIENT_SECRET: "s", CHECKIN_CLIENT_AUTH: "jwt" }, 'CHECKIN_CLIENT_AUTH "jwt" is not supported'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_TOKEN_MIN_VALIDITY: "5m" }, 'EGI_TOKEN_MIN_VALIDITY="5m" must be a whole number'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", CHECKIN_URL: "http://aai.egi.eu/auth/realms/egi" }, 'CHECKIN_URL="http://aai.egi.eu/auth/realms/egi" must be an https:// URL: OIDC issuers (Check-in) are served over HTTPS only'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_CDKTF_AUTH: "appcred" }, 'EGI_CDKTF_AUTH="appcred" is not supported; use token (default) or application-credential'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_APP_CREDENTIAL_TTL: "60" }, 'EGI_APP_CREDENTIAL_TTL="60" must be a whole number of seconds >= 600'],
    [{ ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_TOKEN_MIN_VALIDITY: "-5" }, 'EGI_TOKEN_MIN_VALIDITY="-5" must be a whole number of seconds'],
  ])("GIVEN %j WHEN read THEN the error names the variable to fix", (env, message) => {
    expect(errorOf(() => settingsFromEnv({}, env)).message).toContain(message);
  });

  test.each([
    ["a public client (refresh token, no secret)", { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_AUTH: "weird" }, {}, 'CHECKIN_CLIENT_AUTH "weird" is not supported; use basic or post'],
    ["a confidential client", { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_CLIENT_SECRET: "s", CHECKIN_CLIENT_AUTH: "weird" }, {}, 'CHECKIN_CLIENT_AUTH "weird" is not supported; use basic or post'],
    ["the flag", { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_REFRESH_TOKEN: "r" }, { clientAuth: "weird" }, '--client-auth "weird" is not supported; use basic or post'],
    ["a pasted secret", { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_AUTH: "eyJhbGciOi.JSUzI1NiJ9.payload" }, {}, "CHECKIN_CLIENT_AUTH (29 characters, not shown) is not supported; use basic or post"],
  ])("GIVEN an unknown client auth method with %s WHEN read THEN it is refused before any request, naming the setting", (_what, env, overrides, message) => {
    const err = errorOf(() => settingsFromEnv(overrides, env));
    expect([err.message, (err as { code?: string }).code]).toEqual([message, "SETTING_INVALID"]);
  });

  test("GIVEN CHECKIN_CLIENT_AUTH=post and no secret WHEN read THEN the client sends none (a public client has nothing to send)", () => {
    expect(settingsFromEnv({}, { ...SITE, CHECKIN_CLIENT_ID: "c", CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_AUTH: "post" })).toMatchObject({ checkin: { credential: { clientAuth: "none" } } });
  });

  test("GIVEN a secret in the environment WHEN a setting error is raised THEN the message does not contain it", () => {
    const err = errorOf(() => settingsFromEnv({}, { OS_AUTH_URL: "x", CHECKIN_CLIENT_ID: "c", CHECKIN_CLIENT_SECRET: "sekrit-123", CHECKIN_REFRESH_TOKEN: "rt-456" }));
    expect(err.message).not.toMatch(/sekrit-123|rt-456/);
  });

  test("GIVEN no lifetime settings WHEN read THEN a token must stay valid 30 min for a deploy and is delivered as a token; both settable", () => {
    expect(settingsFromEnv({}, { ...SITE, CHECKIN_ACCESS_TOKEN: "a" })).toMatchObject({ minValiditySeconds: 1800, delivery: "token", applicationCredentialTtlSeconds: 43200 });
    expect(settingsFromEnv({}, { ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_TOKEN_MIN_VALIDITY: "0", EGI_CDKTF_AUTH: "application-credential", EGI_APP_CREDENTIAL_TTL: "7200" })).toMatchObject({
      minValiditySeconds: 0,
      delivery: "application-credential",
      applicationCredentialTtlSeconds: 7200,
    });
  });

  test("GIVEN XDG_CACHE_HOME or EGI_CDKTF_CACHE_DIR WHEN read THEN the cache lives there", () => {
    expect(settingsFromEnv({}, { ...SITE, CHECKIN_ACCESS_TOKEN: "a", XDG_CACHE_HOME: "/xdg" }).cacheDir).toBe("/xdg/egi-cdktf");
    expect(settingsFromEnv({}, { ...SITE, CHECKIN_ACCESS_TOKEN: "a", EGI_CDKTF_CACHE_DIR: "/c" }).cacheDir).toBe("/c");
  });
});

describe("normalisation", () => {
  test.each([
    ["https://k.example.org:5000/v3", "https://k.example.org:5000"],
    ["https://k.example.org:5000/v3/", "https://k.example.org:5000"],
    ["https://k.example.org:5000/v2.0", "https://k.example.org:5000"],
    ["https://k.example.org/identity/v3", "https://k.example.org/identity"],
    ["https://k.example.org:5000/", "https://k.example.org:5000"],
  ])("GIVEN OS_AUTH_URL %s WHEN normalised THEN the base is %s", (input, base) => {
    expect(normaliseAuthUrl(input)).toBe(base);
  });

  test.each([
    ["https://aai.egi.eu/auth/realms/egi/", CHECKIN_PRODUCTION],
    ["https://aai.egi.eu/auth/realms/egi/protocol/openid-connect/token", CHECKIN_PRODUCTION],
    ["https://aai.egi.eu/oidc/token", "https://aai.egi.eu/oidc/"],
    ["legacy", "https://aai.egi.eu/oidc/"],
    ["dev", "https://aai-dev.egi.eu/auth/realms/egi"],
  ])("GIVEN CHECKIN_URL %s WHEN normalised THEN the issuer is %s", (input, issuer) => {
    expect(normaliseIssuer(input)).toBe(issuer);
  });

  test("GIVEN env with and without a Check-in credential WHEN asked THEN hasCheckinCredential says so", () => {
    expect(hasCheckinCredential({ OS_TOKEN: "t", OS_AUTH_URL: "u" })).toBe(false);
    expect(hasCheckinCredential({ OIDC_REFRESH_TOKEN: "r" })).toBe(true);
    expect(hasCheckinCredential({ CHECKIN_CLIENT_SECRET: "s" })).toBe(true);
  });
});
