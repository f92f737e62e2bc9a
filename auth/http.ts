/**
 * The HTTP client of the auth chain: undici's fetch with the system CAs plus an optional extra CA
 * bundle (IGTF CAs for EGI sites, the seed's "append the CA to the store"), a timeout, and a count
 * of calls per host so the CLI can say how many requests a run made. Injectable everywhere:
 * pass your own `fetch` to any function of this folder.
 */
import * as fs from "node:fs";
import * as tls from "node:tls";
import { Agent, fetch as undiciFetch } from "undici";
import { EgiAuthError } from "./errors";

export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  /** PEM file with CAs to trust in addition to the system ones. @default none */
  readonly caFile?: string;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
}

export interface HttpClient {
  readonly fetch: Fetch;
  /** Requests made so far, by `host:port`. */
  readonly calls: ReadonlyMap<string, number>;
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
  const dispatcher = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 1000 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const calls = new Map<string, number>();

  const fetch: Fetch = async (url, init) => {
    const host = new URL(String(url)).host;
    calls.set(host, (calls.get(host) ?? 0) + 1);
    const signal = init?.signal ?? AbortSignal.timeout(timeoutMs);
    const response = await undiciFetch(String(url), { ...(init as object), signal, dispatcher } as Parameters<typeof undiciFetch>[1]);
    return response as unknown as Response;
  };
  return { fetch, calls };
}
