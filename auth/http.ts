/**
 * The HTTP client of the auth chain: undici's fetch with the system CAs plus an optional extra CA
 * bundle (IGTF CAs for EGI sites, the seed's "append the CA to the store"), a timeout, and a count
 * of calls per host so the CLI can say how many requests a run made. Injectable everywhere:
 * pass your own `fetch` to any function of this folder.
 *
 * The retry policy of the whole chain (IdP and Keystone) lives here, in `fetchWithRetries`:
 * - Repeated for ANY request, because the server did not process it or says it did not:
 *   connection refused (ECONNREFUSED), HTTP 502, 503, 504 and 429 (a Retry-After up to
 *   `maxRetryAfterMs` is honoured; a longer one ends the attempts at once).
 * - Repeated only for requests that are safe to repeat (GET/HEAD, or marked `idempotent: true` by
 *   the caller, as the Keystone POSTs are): no answer within the timeout, connection reset. The
 *   server may have processed such a request before the answer was lost.
 * - Never repeated: any other answer (4xx but 429, 500, 501, ...), returned to the caller as is;
 *   TLS and DNS errors, thrown as is.
 * - Bounded: `attempts` (3) in all, exponential backoff with jitter between them (about 250 ms,
 *   500 ms), so a call takes at most attempts x timeout + about 1 s (+ the Retry-After waits).
 * When the attempts end on a transient fault, an `HttpFault` is thrown that says what happened on
 * each attempt; callers turn it into a one-line EgiAuthError with `faultMessage`.
 */
import * as fs from "node:fs";
import * as tls from "node:tls";
import type * as Undici from "undici";
import { EgiAuthError } from "./errors";

/** undici, loaded at the first request: a run answered from the token cache never needs it (~40 modules). */
let undiciModule: typeof Undici | undefined;
const undici = (): typeof Undici => (undiciModule ??= require("undici") as typeof Undici);

/** `fetch` options plus the caller's word that a non-GET request is safe to repeat. */
export interface HttpRequestInit extends RequestInit {
  /**
   * The request may be sent again after a timeout or a connection reset although the server may
   * have processed it already (GET and HEAD are, by default; any other method is not).
   */
  readonly idempotent?: boolean;
}

export type Fetch = (url: string | URL, init?: HttpRequestInit) => Promise<Response>;

/** Env var with the per-request timeout, in seconds. */
export const HTTP_TIMEOUT_ENV = "EGI_HTTP_TIMEOUT";
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RetryOptions {
  /** Attempts in all, the first one included. @default 3 */
  readonly attempts?: number;
  /** Backoff before the 2nd attempt; doubles for each next one, +/-25 % jitter. @default 250 */
  readonly baseDelayMs?: number;
  /** Longest Retry-After honoured; a longer one ends the attempts. @default 5000 */
  readonly maxRetryAfterMs?: number;
  /** For tests. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** For tests: [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface HttpClientOptions {
  /** PEM file with CAs to trust in addition to the system ones. @default none */
  readonly caFile?: string;
  /** Per-request (per-attempt) timeout. @default EGI_HTTP_TIMEOUT of `env`, else 30000 */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Where EGI_HTTP_TIMEOUT is read when `timeoutMs` is not given. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface HttpClient {
  readonly fetch: Fetch;
  /** Requests made so far (each attempt counts), by `host:port`. */
  readonly calls: ReadonlyMap<string, number>;
}

/**
 * HTTP options from the environment: EGI_HTTP_TIMEOUT (seconds, decimals allowed) -> timeoutMs.
 * Unset or empty: no timeoutMs (the default applies). Malformed: SETTING_INVALID.
 */
export function httpOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Pick<HttpClientOptions, "timeoutMs"> {
  const raw = env[HTTP_TIMEOUT_ENV]?.trim();
  if (!raw) return {};
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(seconds > 0) || seconds > 3600) {
    throw new EgiAuthError("SETTING_INVALID", `${HTTP_TIMEOUT_ENV}="${raw}" must be a number of seconds between 0 and 3600, e.g. 30`);
  }
  return { timeoutMs: Math.round(seconds * 1000) };
}

/** What one attempt ended with, when it ended with a transient fault. */
export type AttemptOutcome =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterMs?: number }
  | { readonly kind: "refused"; readonly code: string }
  | { readonly kind: "reset"; readonly code: string }
  | { readonly kind: "timeout"; readonly timeoutMs: number };

/** Why no further attempt was made. */
export type StopReason =
  /** All attempts were used. */
  | "exhausted"
  /** A timeout or reset of a request that is not safe to repeat (e.g. a refresh_token grant). */
  | "not-repeatable"
  /** The body is a stream and cannot be sent twice. */
  | "body-not-replayable"
  /** The server asked to wait longer than `maxRetryAfterMs`. */
  | "retry-after-too-long";

/** Statuses that say "not processed, try again": repeated for any method. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Socket errors after the request may have been sent: repeated only when safe. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function label(o: AttemptOutcome): string {
  switch (o.kind) {
    case "status":
      return `HTTP ${o.status}`;
    case "refused":
      return `connection refused (${o.code})`;
    case "reset":
      return `connection reset (${o.code})`;
    case "timeout":
      return `no answer within ${seconds(o.timeoutMs)}`;
  }
}

/** A request whose attempts ended on a transient fault (see the policy at the top of this file). */
export class HttpFault extends Error {
  constructor(
    /** `host:port` */
    readonly host: string,
    readonly method: string,
    /** Path only: no query string, nothing secret. */
    readonly path: string,
    readonly attempts: readonly AttemptOutcome[],
    readonly stop: StopReason,
    readonly elapsedMs: number,
    options?: { cause?: unknown },
  ) {
    super("", options);
    this.name = "HttpFault";
    this.message = `${host}: ${this.summary()}`;
  }

  get last(): AttemptOutcome {
    return this.attempts[this.attempts.length - 1];
  }

  /** True when the server never answered (refused, reset, timeout), false when it said 5xx/429. */
  get unreachable(): boolean {
    return this.last.kind !== "status";
  }

  get timedOut(): boolean {
    return this.attempts.some((a) => a.kind === "timeout");
  }

  /** The timeout of the attempts that timed out, for the EGI_HTTP_TIMEOUT hint. */
  get timeoutMs(): number | undefined {
    const t = this.attempts.find((a) => a.kind === "timeout");
    return t?.kind === "timeout" ? t.timeoutMs : undefined;
  }

  /**
   * e.g. "HTTP 503 3 times (POST /v3/auth/tokens, 0.8 s in all)", "no answer within 2 s (POST /token),
   * not repeated: the server may have processed it".
   */
  summary(notRepeatedBecause = "the server may have processed it"): string {
    const labels = this.attempts.map(label);
    const n = labels.length;
    const same = labels.every((l) => l === labels[0]);
    let what = same ? (n === 1 ? labels[0] : `${labels[0]}${this.last.kind === "status" ? "" : ","} ${n} times`) : labels.join(", then ");
    const last = this.last;
    if (this.stop === "retry-after-too-long" && last.kind === "status" && last.retryAfterMs !== undefined) {
      what += ` asking to retry after ${seconds(last.retryAfterMs)}`;
    }
    const where = `${this.method} ${this.path}${n > 1 ? `, ${seconds(Math.round(this.elapsedMs / 100) * 100)} in all` : ""}`;
    const note =
      this.stop === "not-repeatable"
        ? `, not repeated: ${notRepeatedBecause}`
        : this.stop === "body-not-replayable"
          ? ", not repeated: the request body cannot be sent twice"
          : "";
    return `${what} (${where})${note}`;
  }
}

/** The HttpFault in `err` or its causes (openid-client wraps what fetch throws), if any. */
export function findHttpFault(err: unknown): HttpFault | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof HttpFault) return e;
  }
  return undefined;
}

/**
 * One line for an HttpFault: "cannot reach Keystone at URL: <what happened>; check OS_AUTH_URL and the
 * network, or raise EGI_HTTP_TIMEOUT (now 2 s)", or "<service> is unavailable: HTTP 503 3 times ...".
 * @param service e.g. `Keystone at http://127.0.0.1:5000`
 * @param urlVar the setting naming the server, e.g. OS_AUTH_URL
 */
export function faultMessage(fault: HttpFault, service: string, urlVar: string, notRepeatedBecause?: string): string {
  const summary = fault.summary(notRepeatedBecause);
  if (!fault.unreachable) {
    return `${service} is unavailable: ${summary}; try again later, or check ${urlVar}`;
  }
  const timeoutHint = fault.timedOut ? `, or raise ${HTTP_TIMEOUT_ENV} (seconds, now ${fault.timeoutMs! / 1000})` : "";
  return `cannot reach ${service}: ${summary}; check ${urlVar} and the network${timeoutHint}`;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function replayable(body: RequestInit["body"]): boolean {
  if (body === undefined || body === null || typeof body === "string") return true;
  if (body instanceof URLSearchParams || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (typeof Blob !== "undefined" && body instanceof Blob) return true;
  if (typeof FormData !== "undefined" && body instanceof FormData) return true;
  return false; // a stream or an iterable: consumed by the first attempt
}

/** Retry-After in ms (delta-seconds or an HTTP date), undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface RetryContext {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

/**
 * `send` once per attempt under the retry policy above. `send` gets a signal that combines the
 * caller's (which, when it fires, ends everything at once) with this attempt's timeout.
 */
async function fetchWithRetries(
  ctx: RetryContext,
  url: URL,
  init: HttpRequestInit,
  send: (init: RequestInit) => Promise<Response>,
): Promise<Response> {
  const { idempotent, ...request } = init;
  const method = (request.method ?? "GET").toUpperCase();
  const repeatable = idempotent ?? (method === "GET" || method === "HEAD");
  const callerSignal = request.signal ?? undefined;
  const outcomes: AttemptOutcome[] = [];
  const started = Date.now();

  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(ctx.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let outcome: AttemptOutcome;
    let response: Response | undefined;
    let error: unknown;
    try {
      response = await send({ ...request, signal });
      if (!RETRY_STATUSES.has(response.status)) return response;
      outcome = { kind: "status", status: response.status, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
    } catch (err) {
      if (callerSignal?.aborted) throw err; // the caller gave up: not ours to repeat
      const code = errorCode(err);
      if (timeout.aborted) outcome = { kind: "timeout", timeoutMs: ctx.timeoutMs };
      else if (code === "ECONNREFUSED") outcome = { kind: "refused", code };
      else if (code && RESET_CODES.has(code)) outcome = { kind: "reset", code };
      else throw err; // TLS, DNS, a bad URL, ...: not transient, the caller maps it as before
      error = err;
    }
    outcomes.push(outcome);

    let stop: StopReason | undefined;
    if ((outcome.kind === "timeout" || outcome.kind === "reset") && !repeatable) stop = "not-repeatable";
    else if (!replayable(request.body)) stop = "body-not-replayable";
    else if (attempt >= ctx.attempts) stop = "exhausted";
    else if (outcome.kind === "status" && (outcome.retryAfterMs ?? 0) > ctx.maxRetryAfterMs) stop = "retry-after-too-long";

    await response?.body?.cancel().catch(() => undefined); // frees the connection for the next attempt
    const path = url.pathname;
    if (stop) throw new HttpFault(url.host, method, path, outcomes, stop, Date.now() - started, { cause: error });

    const backoff = ctx.baseDelayMs * 2 ** (attempt - 1) * (0.75 + 0.5 * ctx.random());
    const retryAfter = outcome.kind === "status" ? (outcome.retryAfterMs ?? 0) : 0;
    await ctx.sleep(Math.max(backoff, retryAfter), callerSignal);
  }
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  let ca: string[] | undefined;
  if (options.caFile) {
    let pem: string;
    try {
      pem = fs.readFileSync(options.caFile, "utf8");
    } catch (err) {
      throw new EgiAuthError("SETTING_INVALID", `CA bundle ${options.caFile} (OS_CACERT) cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new EgiAuthError("SETTING_INVALID", `CA bundle ${options.caFile} (OS_CACERT) holds no PEM certificate`);
    }
    ca = [...tls.rootCertificates, pem];
  }
  // Made at the first request, not here, so that creating a client does not load undici.
  let dispatcher: Undici.Agent | undefined;
  const retry = options.retry ?? {};
  const ctx: RetryContext = {
    timeoutMs: options.timeoutMs ?? httpOptionsFromEnv(options.env ?? process.env).timeoutMs ?? DEFAULT_TIMEOUT_MS,
    attempts: Math.max(1, retry.attempts ?? 3),
    baseDelayMs: retry.baseDelayMs ?? 250,
    maxRetryAfterMs: retry.maxRetryAfterMs ?? 5000,
    sleep: retry.sleep ?? defaultSleep,
    random: retry.random ?? Math.random,
  };
  const calls = new Map<string, number>();

  const fetch: Fetch = async (url, init = {}) => {
    const target = new URL(String(url));
    return fetchWithRetries(ctx, target, init, async (attemptInit) => {
      calls.set(target.host, (calls.get(target.host) ?? 0) + 1);
      const { Agent, fetch: undiciFetch } = undici();
      dispatcher ??= new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 1000 });
      const response = await undiciFetch(target.href, { ...(attemptInit as object), dispatcher } as Parameters<typeof undiciFetch>[1]);
      return response as unknown as Response;
    });
  };
  return { fetch, calls };
}
