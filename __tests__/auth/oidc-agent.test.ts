/**
 * OIDC_AGENT_ACCOUNT: which settings choose it, how the cache key is made, and every way asking the
 * agent can fail, against a stand-in Unix socket server that answers what each test scripts. The
 * success path is proven against Debian's real oidc-agent in __tests__/site/oidc-agent.site.test.ts.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { credentialId } from "../../auth/checkin";
import { EgiAuthError } from "../../auth/errors";
import { type AgentRequest, agentAccessToken, agentAccessTokenFor, agentErrorText, sameIssuer } from "../../auth/oidc-agent";
import { CHECKIN_PRODUCTION, hasCheckinCredential, settingsFromEnv } from "../../auth/settings";

const SITE = { OS_AUTH_URL: "https://keystone.example.org:5000/v3", OS_PROJECT_ID: "p1", HOME: "/home/u" };
/** Token-shaped, so a leak would show. */
const TOKEN = ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify({ sub: "u@egi.eu", exp: 2e9 })).toString("base64url"), "c2lnbmF0dXJlLW9mLXRoZS1zdGFuZC1pbi10b2tlbg"].join(".");

async function errorOf(promise: Promise<unknown>): Promise<EgiAuthError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EgiAuthError) return err;
    throw err;
  }
  throw new Error("expected an EgiAuthError");
}

/** What the stand-in does with a request: answer this text, keep silent, or hang up. */
type Reply = { text: string } | { silent: true } | { hangUp: true };

interface StandIn {
  readonly socketPath: string;
  /** The parsed requests it received. */
  readonly requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const dirs: string[] = [];
const standIns: StandIn[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oidc-agent-"));
  dirs.push(dir);
  return dir;
};

async function standIn(reply: Reply): Promise<StandIn> {
  const socketPath = path.join(tempDir(), "agent.sock");
  const requests: Array<Record<string, unknown>> = [];
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.on("close", () => connections.delete(socket));
    socket.once("data", (data) => {
      requests.push(JSON.parse(data.toString("utf8")));
      if ("text" in reply) socket.end(reply.text);
      else if ("hangUp" in reply) socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const s: StandIn = {
    socketPath,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.destroy();
        server.close(() => resolve());
      }),
  };
  standIns.push(s);
  return s;
}

const failure = (error: string, extra: object = {}): Reply => ({ text: JSON.stringify({ status: "failure", error, ...extra }) });
const ask = (socketPath: string | undefined, extra: Partial<AgentRequest> = {}) => agentAccessToken({ account: "egi", socketPath, timeoutMs: 2000, ...extra });

afterEach(async () => {
  await Promise.all(standIns.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("agentAccessToken against a stand-in socket server, not oidc-agent", () => {
  test("GIVEN a failing agent WHEN asked THEN one request went out: access_token for the account, 60 s min validity, the egi-cdktf hint, and a scope only when set", async () => {
    const agent = await standIn(failure("account not loaded"));
    await errorOf(ask(agent.socketPath));
    await errorOf(ask(agent.socketPath, { scope: "openid eduperson_entitlement" }));
    expect(agent.requests).toEqual([
      { request: "access_token", account: "egi", min_valid_period: 60, application_hint: "egi-cdktf" },
      { request: "access_token", account: "egi", min_valid_period: 60, application_hint: "egi-cdktf", scope: "openid eduperson_entitlement" },
    ]);
  });

  test.each([
    ["an unknown account", "No account configured with that short name", [/oidc-agent has no account "egi" \(OIDC_AGENT_ACCOUNT\)/, /oidc-gen egi/, /oidc-add -l/]],
    ["an account not loaded", "account not loaded", [/has not loaded account "egi" \(OIDC_AGENT_ACCOUNT\)/, /oidc-add egi/, /oidc-gen egi/]],
    ["a locked agent", "Agent locked", [/oidc-agent at OIDC_SOCK=\S+ is locked/, /oidc-add -X/]],
    ["a cancelled password prompt", "user cancelled password prompt", [/did not give a token for account "egi" \(OIDC_AGENT_ACCOUNT\) \(user cancelled password prompt\)/, /oidc-add egi \(without --confirm\)$/]],
    ["a denied confirmation", "operation forbidden", [/did not give a token for account "egi" \(OIDC_AGENT_ACCOUNT\) \(operation forbidden\): answer its password or confirmation prompt/]],
    ["a refresh token the IdP refused", "invalid_grant: grant request is invalid", [/the IdP refused the refresh token oidc-agent holds for account "egi" \(OIDC_AGENT_ACCOUNT\) \(invalid_grant: grant request is invalid\)/, /oidc-gen --reauthenticate egi$/]],
    ["any other agent error", "Could not connect to url", [/could not get an access token for account "egi" \(OIDC_AGENT_ACCOUNT\) \(Could not connect to url\); check it with oidc-token egi$/]],
  ])("GIVEN %s WHEN asked THEN OIDC_AGENT_ERROR in one line naming the fix", async (_what, error, mentions) => {
    const agent = await standIn(failure(error));
    const err = await errorOf(ask(agent.socketPath));
    expect(err.code).toBe("OIDC_AGENT_ERROR");
    expect(err.message).not.toContain("\n");
    for (const m of mentions) expect(err.message).toMatch(m);
  });

  test("GIVEN CHECKIN_SCOPE asks for a scope the account cannot get WHEN asked THEN the error names CHECKIN_SCOPE and oidc-gen -m, not the agent's multi-line info", async () => {
    const agent = await standIn(failure("invalid_scope: refresh token missing requested scope", { info: "We cannot get these scopes\n\t$ oidc-gen -m egi\n" }));
    const err = await errorOf(ask(agent.socketPath, { scope: "openid bogus" }));
    expect(err.message).toMatch(/invalid_scope: refresh token missing requested scope\); CHECKIN_SCOPE="openid bogus" asks for scopes the account cannot get: unset it, or extend the account with oidc-gen -m egi$/);
  });

  test("GIVEN an agent error that echoes a token over several lines WHEN asked THEN the message keeps the first line and cuts the token out", async () => {
    const agent = await standIn(failure(`bad token ${TOKEN} seen\nsecond line`));
    const err = await errorOf(ask(agent.socketPath));
    expect(err.message).toContain("(bad token [redacted] seen)");
    expect(err.message).not.toContain(TOKEN.split(".")[1]);
    expect(err.message).not.toContain("second line");
  });

  test("GIVEN an agent that never answers WHEN asked with a 200 ms timeout THEN OIDC_AGENT_UNAVAILABLE names the prompt it may wait on and EGI_HTTP_TIMEOUT", async () => {
    const agent = await standIn({ silent: true });
    const started = Date.now();
    const err = await errorOf(ask(agent.socketPath, { timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.code).toBe("OIDC_AGENT_UNAVAILABLE");
    expect(err.message).toBe(`oidc-agent at OIDC_SOCK=${agent.socketPath} did not answer within 0.2 s (it may be waiting for a password or confirmation prompt, or for the IdP); check the agent, or raise EGI_HTTP_TIMEOUT`);
  });

  test.each([
    ["hangs up without a reply", { hangUp: true } as Reply, /unusable answer \(closed without a reply\)/],
    ["answers something that is not JSON", { text: "SSH-2.0-OpenSSH_9.2\r\n" } as Reply, /unusable answer \(the reply is not JSON\)/],
    ["answers success without a token", { text: JSON.stringify({ status: "success", issuer: CHECKIN_PRODUCTION }) } as Reply, /answered success without an access token or issuer/],
  ])("GIVEN a socket server that %s WHEN asked THEN OIDC_AGENT_UNAVAILABLE says OIDC_SOCK may not be oidc-agent", async (_what, reply, message) => {
    const agent = await standIn(reply);
    const err = await errorOf(ask(agent.socketPath));
    expect(err.code).toBe("OIDC_AGENT_UNAVAILABLE");
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/check OIDC_SOCK points at oidc-agent$/);
  });

  test("GIVEN the agent's account is of another issuer WHEN asked for the configured one THEN the error names both issuers, CHECKIN_URL and OIDC_AGENT_ACCOUNT, and not the token", async () => {
    const agent = await standIn({ text: JSON.stringify({ status: "success", access_token: TOKEN, issuer: "https://aai-demo.egi.eu/auth/realms/egi/", expires_at: 2e9 }) });
    const err = await errorOf(agentAccessTokenFor(CHECKIN_PRODUCTION, { account: "egi", socketPath: agent.socketPath, timeoutMs: 2000 }));
    expect(err.code).toBe("OIDC_AGENT_ERROR");
    expect(err.message).toBe(
      `oidc-agent account "egi" (OIDC_AGENT_ACCOUNT) is for issuer https://aai-demo.egi.eu/auth/realms/egi/, not ${CHECKIN_PRODUCTION} (CHECKIN_URL, default EGI production); set CHECKIN_URL=https://aai-demo.egi.eu/auth/realms/egi/ if the site accepts that issuer, or set OIDC_AGENT_ACCOUNT to an account of ${CHECKIN_PRODUCTION}`,
    );
    expect(err.message).not.toContain(TOKEN.split(".")[1]);
  });
});

describe("agentAccessToken with no agent to ask", () => {
  test("GIVEN OIDC_SOCK is unset WHEN asked THEN the error says how to start oidc-agent", async () => {
    const err = await errorOf(ask(undefined));
    expect(err.code).toBe("OIDC_AGENT_UNAVAILABLE");
    expect(err.message).toBe('OIDC_AGENT_ACCOUNT=egi needs a running oidc-agent, but OIDC_SOCK is not set; start oidc-agent: eval "$(oidc-agent-service use)", then oidc-add ACCOUNT (or unset OIDC_AGENT_ACCOUNT)');
  });

  test("GIVEN OIDC_SOCK names a missing path or a regular file WHEN asked THEN the error names OIDC_SOCK and the path", async () => {
    const dir = tempDir();
    const missing = path.join(dir, "gone.sock");
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    expect((await errorOf(ask(missing))).message).toMatch(new RegExp(`^OIDC_SOCK=${missing} does not exist \\(ENOENT\\): oidc-agent is not running or has exited; start oidc-agent: eval`));
    expect((await errorOf(ask(file))).message).toMatch(new RegExp(`^OIDC_SOCK=${file} is not a socket`));
  });

  test("GIVEN a socket no agent listens on any more WHEN asked THEN the error is ECONNREFUSED and says the agent has exited", async () => {
    // A second name for a listening socket outlives the server: connecting to it is refused.
    const agent = await standIn({ silent: true });
    const stale = path.join(path.dirname(agent.socketPath), "stale.sock");
    fs.linkSync(agent.socketPath, stale);
    await agent.close();
    const err = await errorOf(ask(stale));
    expect(err.code).toBe("OIDC_AGENT_UNAVAILABLE");
    expect(err.message).toMatch(new RegExp(`^no oidc-agent listens at OIDC_SOCK=${stale} \\(ECONNREFUSED\\): the agent has exited; start oidc-agent`));
  });
});

describe("helpers", () => {
  test("GIVEN issuers with and without the trailing slash oidc-agent adds WHEN compared THEN only the slash is ignored", () => {
    expect(sameIssuer("https://aai.egi.eu/auth/realms/egi/", CHECKIN_PRODUCTION)).toBe(true);
    expect(sameIssuer("https://aai-demo.egi.eu/auth/realms/egi/", CHECKIN_PRODUCTION)).toBe(false);
  });

  test("GIVEN no error text or a very long one WHEN shown THEN there is a reason and at most 200 characters", () => {
    expect(agentErrorText(undefined)).toBe("no reason given");
    expect(agentErrorText("x ".repeat(300))).toHaveLength(203);
  });
});

describe("settings with OIDC_AGENT_ACCOUNT", () => {
  test("GIVEN only OIDC_AGENT_ACCOUNT and OIDC_SOCK WHEN read THEN the credential is the agent account, with no scope so the account's own is used", () => {
    const s = settingsFromEnv({}, { ...SITE, OIDC_AGENT_ACCOUNT: "egi", OIDC_SOCK: "/tmp/oidc-x/agent.sock" });
    expect(s.checkin.credential).toEqual({ kind: "oidc_agent", account: "egi", socketPath: "/tmp/oidc-x/agent.sock" });
    expect(s.checkin.issuer).toBe(CHECKIN_PRODUCTION);
  });

  test("GIVEN OIDC_AGENT_ACCOUNT without OIDC_SOCK WHEN read THEN settings still load (a warm run needs no agent), and CHECKIN_SCOPE or --scope is passed on", () => {
    expect(settingsFromEnv({}, { ...SITE, OIDC_AGENT_ACCOUNT: "egi", CHECKIN_SCOPE: "openid email" }).checkin.credential).toEqual({ kind: "oidc_agent", account: "egi", socketPath: undefined, scope: "openid email" });
    expect(settingsFromEnv({ scope: "openid" }, { ...SITE, OIDC_AGENT_ACCOUNT: "egi" }).checkin.credential).toMatchObject({ scope: "openid" });
  });

  test.each([
    ["CHECKIN_ACCESS_TOKEN", { CHECKIN_ACCESS_TOKEN: "at" }, "access_token"],
    ["OIDC_REFRESH_TOKEN", { OIDC_REFRESH_TOKEN: "rt", OIDC_CLIENT_ID: "c" }, "refresh_token"],
    ["a service account", { CHECKIN_CLIENT_ID: "svc", CHECKIN_CLIENT_SECRET: "s" }, "client_credentials"],
  ])("GIVEN OIDC_AGENT_ACCOUNT and %s WHEN read THEN the secret in the environment wins", (_what, secret, kind) => {
    expect(settingsFromEnv({}, { ...SITE, OIDC_AGENT_ACCOUNT: "egi", OIDC_SOCK: "/s", ...secret }).checkin.credential.kind).toBe(kind);
  });

  test("GIVEN OIDC_AGENT_ACCOUNT that cannot be a short name (a pasted token) WHEN read THEN SETTING_INVALID without its value", () => {
    let err: unknown;
    try {
      settingsFromEnv({}, { ...SITE, OIDC_AGENT_ACCOUNT: `Bearer ${TOKEN}` });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EgiAuthError);
    expect((err as EgiAuthError).code).toBe("SETTING_INVALID");
    expect((err as EgiAuthError).message).toMatch(/^OIDC_AGENT_ACCOUNT \(\d+ characters, not shown\) is not an oidc-agent account short name/);
    expect((err as EgiAuthError).message).not.toContain(TOKEN.slice(0, 20));
  });

  test("GIVEN only OIDC_AGENT_ACCOUNT, or only OIDC_SOCK WHEN hasCheckinCredential THEN the account counts (the hook activates), the socket alone does not", () => {
    expect(hasCheckinCredential({ OIDC_AGENT_ACCOUNT: "egi" })).toBe(true);
    expect(hasCheckinCredential({ OIDC_SOCK: "/s" })).toBe(false);
  });

  test("GIVEN agent credentials WHEN keyed for the cache THEN the key follows account and issuer, not the socket path or the scope", () => {
    const key = (account: string, issuer = CHECKIN_PRODUCTION, socketPath = "/a", scope?: string) => credentialId(issuer, { kind: "oidc_agent", account, socketPath, scope });
    expect(key("egi")).toBe(key("egi", CHECKIN_PRODUCTION, "/tmp/oidc-other/agent.1", "openid"));
    expect(key("egi")).not.toBe(key("egi-demo"));
    expect(key("egi")).not.toBe(key("egi", "https://aai-demo.egi.eu/auth/realms/egi"));
    expect(key("egi")).not.toBe(credentialId(CHECKIN_PRODUCTION, { kind: "access_token", accessToken: "egi" }));
  });
});
