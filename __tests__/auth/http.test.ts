/**
 * The retry policy of auth/http.ts against a real HTTP server on 127.0.0.1 (port 0) that answers
 * what each test scripts: which faults are repeated, how often, and what the error then says.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { EgiAuthError } from "../../auth/errors";
import { createHttpClient, type HttpClientOptions, HttpFault, httpOptionsFromEnv, parseRetryAfter } from "../../auth/http";
import { federatedLogin } from "../../auth/keystone";

/** What the server does with the n-th request (0-based); the last entry repeats. */
type Reply = { status: number; headers?: Record<string, string>; body?: string } | { hang: true } | { reset: true };

interface FakeServer {
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; body: string }>;
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

const servers: FakeServer[] = [];

async function fakeServer(): Promise<FakeServer> {
  let replies: Reply[] = [{ status: 200, body: "ok" }];
  const requests: FakeServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const reply = replies[Math.min(requests.length, replies.length - 1)];
      requests.push({ method: req.method ?? "", path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      if ("hang" in reply) return; // never answers; the client's timeout ends it
      if ("reset" in reply) return void req.socket.destroy();
      res.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script: (...r) => {
      replies = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const delays: number[] = [];
const FAST: HttpClientOptions = {
  timeoutMs: 500,
  env: {},
  retry: {
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
  },
};
beforeEach(() => {
  delays.length = 0;
});

async function faultOf(promise: Promise<unknown>): Promise<HttpFault> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpFault) return err;
    throw err;
  }
  throw new Error("expected an HttpFault");
}

describe("createHttpClient retry policy", () => {
  test("GIVEN 503 twice then 200 WHEN a POST is sent THEN it succeeds on the 3rd attempt with the same body, after 250 and 500 ms of backoff", async () => {
    const server = await fakeServer();
    server.script({ status: 503 }, { status: 503 }, { status: 200, body: "done" });
    const client = createHttpClient(FAST);

    const res = await client.fetch(`${server.url}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token" }) });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe("done");
    expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill("grant_type=refresh_token"));
    expect(delays).toEqual([250, 500]);
    expect([...client.calls.values()]).toEqual([3]);
  });

  test.each([502, 503, 504])("GIVEN HTTP %i on every attempt WHEN a GET is sent THEN exactly 3 attempts and an HttpFault saying so", async (status) => {
    const server = await fakeServer();
    server.script({ status });

    const fault = await faultOf(createHttpClient(FAST).fetch(`${server.url}/v3/auth/projects?x=secret`));

    expect(server.requests).toHaveLength(3);
    expect(fault.stop).toBe("exhausted");
    expect(fault.unreachable).toBe(false);
    expect(fault.summary()).toMatch(new RegExp(`^HTTP ${status} 3 times \\(GET /v3/auth/projects, [\\d.]+ s in all\\)$`));
    expect(fault.message).toMatch(/^127\.0\.0\.1:\d+: /);
    expect(fault.message).not.toContain("secret");
  });

  test.each([400, 401, 404, 500, 501])("GIVEN HTTP %i WHEN a request is sent THEN it is returned after 1 attempt, not repeated", async (status) => {
    const server = await fakeServer();
    server.script({ status, body: "no" });

    const res = await createHttpClient(FAST).fetch(server.url, { method: "POST", body: "x", idempotent: true });

    expect(res.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  test("GIVEN 429 with Retry-After: 1 WHEN a request is sent THEN it waits the second asked for and repeats", async () => {
    const server = await fakeServer();
    server.script({ status: 429, headers: { "retry-after": "1" } }, { status: 200 });

    const res = await createHttpClient(FAST).fetch(server.url);

    expect(res.status).toBe(200);
    expect(delays).toEqual([1000]);
  });

  test("GIVEN 429 with a Retry-After longer than 5 s WHEN a request is sent THEN it stops at once and says how long the server asked to wait", async () => {
    const server = await fakeServer();
    server.script({ status: 429, headers: { "retry-after": "120" } });

    const fault = await faultOf(createHttpClient(FAST).fetch(server.url));

    expect(server.requests).toHaveLength(1);
    expect(fault.stop).toBe("retry-after-too-long");
    expect(fault.summary()).toMatch(/^HTTP 429 asking to retry after 120 s \(GET \/\)$/);
  });

  test("GIVEN no answer within the timeout WHEN a GET is sent THEN 3 attempts and the fault says no answer within the timeout, 3 times", async () => {
    const server = await fakeServer();
    server.script({ hang: true });

    const fault = await faultOf(createHttpClient(FAST).fetch(`${server.url}/.well-known/openid-configuration`));

    expect(server.requests).toHaveLength(3);
    expect(fault.unreachable).toBe(true);
    expect(fault.timeoutMs).toBe(500);
    expect(fault.summary()).toMatch(/^no answer within 0\.5 s, 3 times \(GET \/\.well-known\/openid-configuration, [\d.]+ s in all\)$/);
  });

  test("GIVEN no answer within the timeout WHEN a POST not marked idempotent is sent THEN exactly 1 attempt: it may have been processed", async () => {
    const server = await fakeServer();
    server.script({ hang: true });

    const fault = await faultOf(createHttpClient(FAST).fetch(`${server.url}/token`, { method: "POST", body: "grant_type=refresh_token" }));

    expect(server.requests).toHaveLength(1);
    expect(fault.stop).toBe("not-repeatable");
    expect(fault.summary()).toBe("no answer within 0.5 s (POST /token), not repeated: the server may have processed it");
  });

  test("GIVEN no answer within the timeout WHEN a POST marked idempotent is sent THEN 3 attempts", async () => {
    const server = await fakeServer();
    server.script({ hang: true });

    const fault = await faultOf(createHttpClient(FAST).fetch(server.url, { method: "POST", body: "{}", idempotent: true }));

    expect(server.requests).toHaveLength(3);
    expect(fault.stop).toBe("exhausted");
  });

  test("GIVEN the server resets the connection WHEN a GET is sent THEN 3 attempts; WHEN a plain POST is sent THEN 1", async () => {
    const server = await fakeServer();
    server.script({ reset: true });
    const client = createHttpClient(FAST);

    const get = await faultOf(client.fetch(server.url));
    expect(server.requests).toHaveLength(3);
    expect(get.summary()).toMatch(/^connection reset \((ECONNRESET|UND_ERR_SOCKET)\), 3 times/);

    const post = await faultOf(client.fetch(server.url, { method: "POST", body: "x" }));
    expect(server.requests).toHaveLength(4);
    expect(post.stop).toBe("not-repeatable");
  });

  test("GIVEN nothing listens WHEN a POST is sent THEN 3 attempts (a refused connection sent nothing) and the fault says connection refused", async () => {
    const port = await closedPort();
    const client = createHttpClient(FAST);

    const fault = await faultOf(client.fetch(`http://127.0.0.1:${port}/token`, { method: "POST", body: "x" }));

    expect(client.calls.get(`127.0.0.1:${port}`)).toBe(3);
    expect(fault.summary()).toMatch(/^connection refused \(ECONNREFUSED\), 3 times \(POST \/token, /);
  });

  test("GIVEN 503 then a timeout then 503 WHEN a GET is sent THEN the fault lists each attempt", async () => {
    const server = await fakeServer();
    server.script({ status: 503 }, { hang: true }, { status: 503 });

    const fault = await faultOf(createHttpClient(FAST).fetch(server.url));

    expect(fault.summary()).toMatch(/^HTTP 503, then no answer within 0\.5 s, then HTTP 503 \(GET \/, /);
  });

  test("GIVEN a streamed body WHEN the server answers 503 THEN it is not repeated (the body cannot be sent twice)", async () => {
    const server = await fakeServer();
    server.script({ status: 503 });
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("x"));
        c.close();
      },
    });

    const fault = await faultOf(createHttpClient(FAST).fetch(server.url, { method: "POST", body, duplex: "half" } as RequestInit));

    expect(server.requests).toHaveLength(1);
    expect(fault.stop).toBe("body-not-replayable");
  });

  test("GIVEN the caller's own signal aborts WHEN the server does not answer THEN no retry: the caller's abort is thrown", async () => {
    const server = await fakeServer();
    server.script({ hang: true });
    const client = createHttpClient({ ...FAST, timeoutMs: 5000 });

    await expect(client.fetch(server.url, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(server.requests).toHaveLength(1);
  });

  test("GIVEN real backoff WHEN 503 on every attempt THEN the whole call stays well under a second (250 + 500 ms +/- 25 %)", async () => {
    const server = await fakeServer();
    server.script({ status: 503 });
    const started = Date.now();

    await faultOf(createHttpClient({ timeoutMs: 1000, env: {} }).fetch(server.url));

    const elapsed = Date.now() - started;
    expect(server.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3000);
  });

  test("GIVEN EGI_HTTP_TIMEOUT=0.2 in the client's env WHEN the server does not answer THEN each attempt ends after 0.2 s", async () => {
    const server = await fakeServer();
    server.script({ hang: true });

    const fault = await faultOf(createHttpClient({ env: { EGI_HTTP_TIMEOUT: "0.2" }, retry: FAST.retry }).fetch(server.url));

    expect(fault.timeoutMs).toBe(200);
  });
});

describe("httpOptionsFromEnv", () => {
  test.each([
    [undefined, undefined],
    ["", undefined],
    ["2", 2000],
    [" 1.5 ", 1500],
  ])("GIVEN EGI_HTTP_TIMEOUT=%p THEN timeoutMs is %p", (value, timeoutMs) => {
    expect(httpOptionsFromEnv({ EGI_HTTP_TIMEOUT: value }).timeoutMs).toBe(timeoutMs);
  });

  test.each(["0", "-1", "abc", "1e3", "7200"])("GIVEN EGI_HTTP_TIMEOUT=%p THEN a SETTING_INVALID error names the variable", (value) => {
    expect(() => httpOptionsFromEnv({ EGI_HTTP_TIMEOUT: value })).toThrow(expect.objectContaining({ code: "SETTING_INVALID", message: expect.stringMatching(/^EGI_HTTP_TIMEOUT=/) }));
  });

  test("GIVEN a malformed EGI_HTTP_TIMEOUT WHEN a client is created THEN it fails with that error", () => {
    expect(() => createHttpClient({ env: { EGI_HTTP_TIMEOUT: "soon" } })).toThrow(EgiAuthError);
  });
});

describe("parseRetryAfter", () => {
  test("GIVEN seconds or an HTTP date THEN milliseconds to wait", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 8_000)).toBe(2000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("Keystone calls under the policy", () => {
  const settings = (baseUrl: string) => ({ baseUrl, identityProvider: "egi.eu", protocols: ["openid", "oidc"] });

  test("GIVEN Keystone answers 503 every time WHEN federatedLogin runs THEN 3 requests, not one more protocol, and a one-line KEYSTONE_ERROR naming OS_AUTH_URL", async () => {
    const server = await fakeServer();
    server.script({ status: 503 });

    const err = await federatedLogin(settings(server.url), "at", createHttpClient(FAST).fetch).catch((e) => e);

    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.path.endsWith("/protocols/openid/auth"))).toBe(true);
    expect(err).toBeInstanceOf(EgiAuthError);
    expect(err.code).toBe("KEYSTONE_ERROR");
    expect(err.message).toMatch(new RegExp(`^Keystone at ${server.url} is unavailable: HTTP 503 3 times \\(POST /v3/OS-FEDERATION/identity_providers/egi\\.eu/protocols/openid/auth, [\\d.]+ s in all\\); try again later, or check OS_AUTH_URL$`));
    expect(err.message).not.toContain("\n");
  });

  test("GIVEN Keystone never answers WHEN federatedLogin runs THEN its POST is repeated (marked idempotent) and the error names EGI_HTTP_TIMEOUT", async () => {
    const server = await fakeServer();
    server.script({ hang: true });

    const err = await federatedLogin(settings(server.url), "at", createHttpClient(FAST).fetch).catch((e) => e);

    expect(server.requests).toHaveLength(3);
    expect(err.code).toBe("KEYSTONE_UNREACHABLE");
    expect(err.message).toMatch(/^cannot reach Keystone at http:\/\/127\.0\.0\.1:\d+: no answer within 0\.5 s, 3 times \(POST .*\); check OS_AUTH_URL and the network, or raise EGI_HTTP_TIMEOUT \(seconds, now 0\.5\)$/);
  });

  test("GIVEN Keystone answers 401 without a Bearer challenge WHEN federatedLogin runs THEN exactly 1 request per protocol", async () => {
    const server = await fakeServer();
    server.script({ status: 401, headers: { "www-authenticate": 'Keystone uri="x"' }, body: '{"error":{"message":"nope"}}' });

    const err = await federatedLogin(settings(server.url), "at", createHttpClient(FAST).fetch).catch((e) => e);

    expect(server.requests.map((r) => r.path.split("/")[6])).toEqual(["openid", "oidc"]);
    expect(err.code).toBe("KEYSTONE_UNAUTHORIZED");
  });
});
