/**
 * Faults on the token chain, made at the real servers of the identity site:
 * - at the IdP, through its test-only endpoint /__test/faults (site/identity/idp/server.mjs): the
 *   next N requests to the token endpoint or discovery answer a status, answer late or are reset;
 * - at Keystone, through a loopback HTTP proxy in this process placed in front of the real Keystone
 *   (point OS_AUTH_URL at `proxy.authUrl`): it answers a status N times, answers late, resets the
 *   connection or stops listening, and counts the requests it received per method and path.
 * The IdP is shared by everyone running tests: scope token faults to a test's own refresh token
 * (`match`), keep discovery faults short (`count`), and always `clear()` in afterEach.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import type { IdentitySite } from "./identity-site";

// ---- IdP ------------------------------------------------------------------------------------

export interface IdpFaultSpec {
  /** token | discovery | jwks | userinfo | introspection, or a full path. */
  readonly path: string;
  readonly method?: string;
  /** Answer this status instead of handling the request. */
  readonly status?: number;
  /** Wait first; without status/reset the request is then handled (too late for the client). */
  readonly delayMs?: number;
  /** Drop the connection without an answer. */
  readonly reset?: boolean;
  /** Retry-After (seconds) sent with `status`. */
  readonly retryAfter?: number;
  /** Apply to the next `count` matching requests (default: all until cleared); 0 only counts them. */
  readonly count?: number;
  /** Form fields a token request must carry, e.g. { refresh_token } (so other tests are not hit). */
  readonly match?: Readonly<Record<string, string>>;
}

export interface IdpFault extends IdpFaultSpec {
  readonly id: string;
  /** Matching requests the IdP received while the fault was armed (applied or not). */
  readonly hits: number;
  readonly applied: number;
}

async function idpAdmin<T>(site: IdentitySite, method: string, route: string, body?: unknown): Promise<T> {
  // No retry and no EGI_HTTP_TIMEOUT from the test's environment: the admin API is local and quick.
  const { fetch } = createHttpClient({ caFile: site.caFile, timeoutMs: 10_000, env: {}, retry: { attempts: 1 } });
  const res = await fetch(`${site.idpAdminUrl}${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`IdP ${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The faults a test armed at the IdP; `clear()` removes them (call it in afterEach). */
export class IdpFaults {
  private readonly ids = new Set<string>();

  constructor(private readonly site: IdentitySite) {}

  async arm(spec: IdpFaultSpec): Promise<IdpFault> {
    const fault = await idpAdmin<IdpFault>(this.site, "POST", "/faults", spec);
    this.ids.add(fault.id);
    return fault;
  }

  /** The fault's counters now. */
  async get(fault: IdpFault | string): Promise<IdpFault> {
    const id = typeof fault === "string" ? fault : fault.id;
    const { faults } = await idpAdmin<{ faults: IdpFault[] }>(this.site, "GET", "/faults");
    const found = faults.find((f) => f.id === id);
    if (!found) throw new Error(`IdP fault ${id} is not armed`);
    return found;
  }

  /** Remove the faults this object armed (not other tests' faults). */
  async clear(): Promise<void> {
    const ids = [...this.ids];
    this.ids.clear();
    await Promise.all(ids.map((id) => idpAdmin(this.site, "DELETE", `/faults/${id}`)));
  }
}

// ---- Keystone proxy -------------------------------------------------------------------------

export interface ProxyFaultSpec {
  /** Only requests whose path contains this (default: all). */
  readonly pathIncludes?: string;
  readonly method?: string;
  /** Answer this status (a Keystone-like JSON error) instead of forwarding. */
  readonly status?: number;
  readonly retryAfter?: number;
  /** Hold the request this long first; without status/reset it is then forwarded. */
  readonly delayMs?: number;
  /** Drop the connection without an answer. */
  readonly reset?: boolean;
  /** Apply to the next `count` matching requests. @default every one */
  readonly count?: number;
}

interface ArmedProxyFault extends ProxyFaultSpec {
  applied: number;
}

export interface KeystoneProxy {
  /** Use as OS_AUTH_URL. */
  readonly authUrl: string;
  /** Requests received, as "METHOD /path" (no query string), in order. */
  readonly requests: readonly string[];
  /** Requests received per "METHOD /path". */
  counts(): Record<string, number>;
  arm(spec: ProxyFaultSpec): void;
  /** Stop listening: new connections are refused (the port stays in authUrl). */
  refuse(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback proxy to the real Keystone at `target` (e.g. site.keystone.authUrl). */
export async function startKeystoneProxy(target: string): Promise<KeystoneProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const faults: ArmedProxyFault[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const take = (method: string, pathname: string): ArmedProxyFault | undefined =>
    faults.find(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.pathIncludes || pathname.includes(f.pathIncludes)) &&
        (f.count === undefined || f.applied < f.count),
    );

  const forward = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    res.on("close", () => out.destroy());
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? "GET";
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(`${method} ${pathname}`);
    const fault = take(method, pathname);
    if (fault) fault.applied++;
    let gone = false;
    res.on("close", () => {
      gone = true;
    });
    const act = (): void => {
      if (gone) return; // the client gave up while the answer was held back
      if (fault?.reset) return void req.socket.destroy();
      if (fault?.status !== undefined) {
        const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ error: { code: fault.status, title: http.STATUS_CODES[fault.status], message: "fault injected by the test proxy" } }));
        return;
      }
      forward(req, res);
    };
    if (fault?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        act();
      }, fault.delayMs);
      timers.add(timer);
    } else {
      act();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stop = async (): Promise<void> => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (!listening) return;
    listening = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    authUrl: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/+$/, "")}`,
    requests,
    counts: () => requests.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {}),
    arm: (spec) => {
      faults.push({ ...spec, applied: 0 });
    },
    refuse: stop,
    close: stop,
  };
}

// ---- clean-up -------------------------------------------------------------------------------

/** Remove the fresh HOME that userEnv() made (only an egi-home-* dir under the temp dir). */
export function removeHome(env: Record<string, string> | undefined): void {
  const home = env?.HOME;
  if (!home) return;
  const resolved = path.resolve(home);
  if (path.dirname(resolved) !== path.resolve(os.tmpdir()) || !path.basename(resolved).startsWith("egi-home-")) {
    throw new Error(`refusing to remove ${home}: not a userEnv() home`);
  }
  fs.rmSync(resolved, { recursive: true, force: true });
}
