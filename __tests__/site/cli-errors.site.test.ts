/**
 * Each failure of the chain ends in one line on stderr naming the cause and the fix, no stack trace,
 * against the real servers (or a real closed port / untrusted certificate): exit 1 when the run
 * failed, 2 when a setting is missing or malformed (a usage error, found before any request).
 */
import { type CliOutput, expectOneLineError as expectOneLine } from "../support/cli-output";
import { cli, identitySite, mintRefreshToken, revokeRefreshToken, userEnv } from "../support/identity-site";

const site = identitySite();

/** Exit 1 (the run failed) and one error line mentioning each of `mentions`. */
function expectOneLineError(r: CliOutput, ...mentions: Array<string | RegExp>): void {
  expect(r.status).toBe(1);
  expectOneLine(r, mentions);
}

/** Exit 2 (a setting to fix) and one error line mentioning each of `mentions`. */
function expectSettingError(r: CliOutput, ...mentions: Array<string | RegExp>): void {
  expect(r.status).toBe(2);
  expectOneLine(r, mentions);
}

async function basicEnv(extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  return userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic), ...extra });
}

describe("egi-cdktf token errors", () => {
  test("GIVEN OS_PROJECT_ID is not set WHEN token runs THEN a usage error (exit 2) names OS_PROJECT_ID and the projects command", async () => {
    expectSettingError(cli(["token"], await basicEnv({ OS_PROJECT_ID: undefined })), /OS_PROJECT_ID is not set/, /egi-cdktf projects/);
  });

  test("GIVEN the IdP does not listen WHEN token runs THEN the error says Check-in is unreachable and names CHECKIN_URL", async () => {
    const r = cli(["token"], await basicEnv({ CHECKIN_URL: "https://127.0.0.1:2/auth/realms/egi" }));
    expectOneLineError(r, /cannot reach Check-in at https:\/\/127\.0\.0\.1:2/, /ECONNREFUSED/, /CHECKIN_URL/);
  });

  test("GIVEN a revoked refresh token WHEN token runs THEN the error is invalid_grant and names CHECKIN_REFRESH_TOKEN", async () => {
    const refreshToken = await mintRefreshToken(site, site.clients.basic);
    await revokeRefreshToken(site, refreshToken);
    expectOneLineError(cli(["token"], userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: refreshToken })), /invalid_grant/, /CHECKIN_REFRESH_TOKEN/);
  });

  test("GIVEN a wrong client secret WHEN token runs THEN the error is invalid_client and names CHECKIN_CLIENT_SECRET", async () => {
    expectOneLineError(cli(["token"], await basicEnv({ CHECKIN_CLIENT_SECRET: "not-the-secret" })), /invalid_client/, /CHECKIN_CLIENT_SECRET/);
  });

  test("GIVEN an access token Keystone's OIDC module cannot verify WHEN token runs THEN the error says Keystone rejected it (HTTP 401)", async () => {
    const forged = ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify({ sub: "x", exp: 9999999999 })).toString("base64url"), "c2ln"].join(".");
    const env = userEnv(site, { id: "" }, { CHECKIN_CLIENT_ID: undefined, CHECKIN_ACCESS_TOKEN: forged });
    expectOneLineError(cli(["token"], env), /Keystone at http:\/\/127\.0\.0\.1:\d+ rejected the Check-in access token/, /HTTP 401/);
  });

  test("GIVEN OS_PROJECT_ID is not one of the user's projects WHEN token runs THEN the error lists the available projects", async () => {
    const r = cli(["token"], await basicEnv({ OS_PROJECT_ID: "0123456789abcdef0123456789abcdef" }));
    expectOneLineError(r, /OS_PROJECT_ID=0123456789abcdef0123456789abcdef is not a project you can use/);
    for (const p of site.keystone.projects) expect(r.stderr).toContain(`${p.id} (${p.name})`);
  });

  test("GIVEN OS_PROTOCOL names a protocol the site did not configure WHEN token runs THEN the error says so and names OS_PROTOCOL", async () => {
    expectOneLineError(cli(["token"], await basicEnv({ OS_PROTOCOL: "oidc" })), /no federation protocol oidc for identity provider egi\.eu/, /OS_PROTOCOL/);
  });

  test("GIVEN no CA bundle for the IdP's self-signed CA WHEN token runs THEN the error is a TLS trust failure naming OS_CACERT", async () => {
    expectOneLineError(cli(["token"], await basicEnv({ OS_CACERT: undefined })), /TLS certificate of 127\.0\.0\.1:\d+ is not trusted/, /OS_CACERT/);
  });

  test("GIVEN OS_CACERT names a missing file WHEN token runs THEN a usage error (exit 2) names the file", async () => {
    expectSettingError(cli(["token"], await basicEnv({ OS_CACERT: "/nonexistent/ca.pem" })), /CA bundle \/nonexistent\/ca\.pem \(OS_CACERT\) cannot be read/);
  });

  test("GIVEN Keystone does not listen WHEN token runs THEN the error says Keystone is unreachable and names OS_AUTH_URL", async () => {
    expectOneLineError(cli(["token"], await basicEnv({ OS_AUTH_URL: "http://127.0.0.1:2/v3" })), /cannot reach Keystone at http:\/\/127\.0\.0\.1:2/, /ECONNREFUSED/, /OS_AUTH_URL/);
  });

  test("GIVEN an unknown flag WHEN token runs THEN it is a usage error (exit 2) pointing at --help", async () => {
    const r = cli(["token", "--frobnicate"], await basicEnv());
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("egi-cdktf: Unknown option '--frobnicate' (see egi-cdktf token --help)");
  });
});
