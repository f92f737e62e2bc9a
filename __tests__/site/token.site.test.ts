/**
 * `egi-cdktf token` against the real chain: oidc-provider (Check-in stand-in) -> Keystone 22 behind
 * Apache + mod_auth_openidc. Request counts are read at the servers, not from the client.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import { cli, cliAsync, identitySite, idpRequests, keystoneRequests, mintRefreshToken, resetIdpRequests, userEnv } from "../support/identity-site";

const site = identitySite();

async function keystoneValidates(token: string): Promise<{ project: string; roles: string[] }> {
  const { fetch } = createHttpClient();
  const res = await fetch(`${site.keystone.authUrl}/auth/tokens`, { headers: { "X-Auth-Token": token, "X-Subject-Token": token } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: { project: { id: string }; roles: Array<{ name: string }> } };
  return { project: body.token.project.id, roles: body.token.roles.map((r) => r.name).sort() };
}

function cacheFiles(env: Record<string, string>, kind: string): string[] {
  const dir = path.join(env.XDG_CACHE_HOME, "egi-cdktf", kind);
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}

describe("egi-cdktf token (the docs page's get-token.py)", () => {
  test("GIVEN a refresh token of a confidential client (basic) WHEN token runs THEN Keystone validates the printed token as scoped to OS_PROJECT_ID", async () => {
    const env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });

    const r = cli(["token"], env);

    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const validated = await keystoneValidates(r.stdout.trim());
    expect(validated.project).toBe(site.keystone.projects[0].id);
    expect(validated.roles).toContain("member");
  });

  test("GIVEN a token cached by a first run WHEN token runs again THEN it makes 0 IdP and 0 Keystone requests and prints the same token", async () => {
    const env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
    const coldBefore = keystoneRequests(site);
    const first = cli(["token"], env);
    expect(first.status).toBe(0);
    // The count (which leaves out the cloud's own services) does see our CLI: federated login + scoping.
    expect(keystoneRequests(site) - coldBefore).toBeGreaterThanOrEqual(2);
    await resetIdpRequests(site);
    const keystoneBefore = keystoneRequests(site);

    const second = cli(["token", "--verbose"], env);

    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/from cache, no request made/);
    expect(await idpRequests(site)).toEqual({ token: 0, discovery: 0, total: 0 });
    expect(keystoneRequests(site)).toBe(keystoneBefore);
  });

  test("GIVEN an empty cache WHEN 8 processes run token at once THEN the IdP sees exactly 1 refresh and all print the same token", async () => {
    const env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
    await resetIdpRequests(site);

    const runs = await Promise.all(Array.from({ length: 8 }, () => cliAsync(["token"], env)));

    expect(runs.map((r) => r.status)).toEqual(Array(8).fill(0));
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect((await idpRequests(site)).token).toBe(1);
  });

  test("GIVEN a confidential client that authenticates with client_secret_post WHEN token runs THEN it succeeds", async () => {
    const env = userEnv(site, site.clients.post, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.post) });

    const r = cli(["token"], env);

    expect(r.stderr).toBe("");
    expect((await keystoneValidates(r.stdout.trim())).project).toBe(site.keystone.projects[0].id);
  });

  test("GIVEN a public client whose refresh tokens rotate WHEN two runs each must refresh THEN both succeed and the cache keeps the newest refresh token", async () => {
    const original = await mintRefreshToken(site, site.clients.public);
    // A huge minimum validity makes every cached token stale, so each run refreshes at the IdP.
    const env = userEnv(site, site.clients.public, { CHECKIN_REFRESH_TOKEN: original, EGI_TOKEN_MIN_VALIDITY: "86400" });
    await resetIdpRequests(site);

    const first = cli(["token"], env);
    const second = cli(["token"], env);

    expect([first.stderr, second.stderr]).toEqual(["", ""]);
    expect((await idpRequests(site)).token).toBe(2);
    const [identity] = cacheFiles(env, "identity");
    const cached = JSON.parse(fs.readFileSync(identity, "utf8"));
    expect(cached.refreshToken).toEqual(expect.any(String));
    expect(cached.refreshToken).not.toBe(original);
    expect(fs.statSync(identity).mode & 0o777).toBe(0o600);
  });

  test("GIVEN a service account (client id + secret, no refresh token) WHEN token runs THEN client_credentials gets a scoped token", async () => {
    const env = userEnv(site, site.clients.service);
    await resetIdpRequests(site);

    const r = cli(["token"], env);

    expect(r.stderr).toBe("");
    expect((await keystoneValidates(r.stdout.trim())).project).toBe(site.keystone.projects[0].id);
    expect((await idpRequests(site)).token).toBe(1);
  });

  test("GIVEN only a Check-in access token WHEN token runs THEN it makes no IdP request and gets a scoped token", async () => {
    const seeded = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
    expect(cli(["token"], seeded).status).toBe(0);
    const accessToken = JSON.parse(fs.readFileSync(cacheFiles(seeded, "identity")[0], "utf8")).accessToken;
    const env = userEnv(site, { id: "" }, { CHECKIN_CLIENT_ID: undefined, CHECKIN_ACCESS_TOKEN: accessToken });
    await resetIdpRequests(site);

    const r = cli(["token"], env);

    expect(r.stderr).toBe("");
    expect((await keystoneValidates(r.stdout.trim())).project).toBe(site.keystone.projects[0].id);
    expect((await idpRequests(site)).total).toBe(0);
  });

  test("GIVEN OS_PROJECT_ID names the second project WHEN token runs THEN the token is scoped to it", async () => {
    const second = site.keystone.projects[1].id;
    const env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic), OS_PROJECT_ID: second });

    const r = cli(["token"], env);

    expect((await keystoneValidates(r.stdout.trim())).project).toBe(second);
  });

  test("GIVEN a site whose identity provider has only protocol oidc WHEN token runs with the default protocols THEN openid fails at Keystone and oidc is used", async () => {
    const env = userEnv(site, site.clients.basic, {
      CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic),
      OS_IDENTITY_PROVIDER: site.keystone.identityProviderOidcOnly,
    });
    const before = fs.readFileSync(site.keystoneAccessLog, "utf8").split("\n").length;

    const r = cli(["token"], env);

    expect(r.stderr).toBe("");
    expect((await keystoneValidates(r.stdout.trim())).project).toBe(site.keystone.projects[0].id);
    const federation = fs.readFileSync(site.keystoneAccessLog, "utf8").split("\n").slice(before - 1).filter((l) => l.includes("/OS-FEDERATION/"));
    expect(federation.map((l) => / "POST \S+\/protocols\/(\w+)\/auth HTTP\/1\.1" (\d+)/.exec(l)?.slice(1).join(" "))).toEqual(["openid 404", "oidc 201"]);
  });
});
