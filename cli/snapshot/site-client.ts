/**
 * The two services a snapshot talks to, Nova (compute) and Glance (image), found in the scoped
 * token's catalog as the openstack CLI finds them: public interface, in OS_REGION_NAME when set,
 * else the first region listed. Every failure becomes a plain one-line Error (exit 1) naming the
 * service and what it said; the token never appears in one.
 */
import { isTlsTrustError } from "../../auth/errors";
import { type Fetch, findHttpFault, HTTP_TIMEOUT_ENV, type HttpRequestInit } from "../../auth/http";

export interface SiteClient {
  readonly fetch: Fetch;
  /**
   * The scoped token for the next request. Asked each time, so a long `--wait` renews it from the
   * token cache (no HTTP call while it stays valid for EGI_TOKEN_MIN_VALIDITY) instead of expiring.
   */
  readonly token: () => Promise<string>;
  /** Nova's public endpoint as the catalog gives it (e.g. `https://nova.example.org:8774/v2.1`), no trailing `/`. */
  readonly compute: string;
  /** Glance's public endpoint without a trailing `/v2` (Glance's own links start with `/v2/`). */
  readonly image: string;
  /** For messages: `project NAME (ID) at AUTH_URL`. */
  readonly where: string;
}

interface CatalogEntry {
  readonly type: string;
  readonly endpoints: ReadonlyArray<{ readonly interface: string; readonly region?: string; readonly region_id?: string; readonly url: string }>;
}

/** What `scopedToken` returns that a client needs (a ScopedSession fits). */
export interface SessionLike {
  readonly token: string;
  readonly catalog: readonly unknown[];
  readonly authUrl: string;
  readonly project: { readonly id: string; readonly name: string };
}

/**
 * The public endpoint of `type`. Without a region, the region of the first public compute
 * endpoint is used for both services, so Nova and Glance are never taken from two regions.
 */
function endpoint(catalog: readonly CatalogEntry[], type: string, region: string | undefined, authUrl: string): { url: string; region?: string } {
  const found = catalog
    .find((e) => e.type === type)
    ?.endpoints.find((e) => e.interface === "public" && (!region || e.region === region || e.region_id === region));
  if (!found) {
    const regionHint = region ? ` in region ${region} (--region / OS_REGION_NAME)` : "";
    throw new Error(`the site at ${authUrl} has no public ${type} endpoint${regionHint} in its catalog; ask the site which region to use`);
  }
  return { url: found.url.replace(/\/+$/, ""), region: found.region ?? found.region_id };
}

/** @param renew a valid token for each request; @default the session's token */
export function siteClient(session: SessionLike, fetch: Fetch, region?: string, renew?: () => Promise<string>): SiteClient {
  const catalog = session.catalog as readonly CatalogEntry[];
  const compute = endpoint(catalog, "compute", region, session.authUrl);
  return {
    fetch,
    token: renew ?? (async () => session.token),
    compute: compute.url,
    image: endpoint(catalog, "image", region ?? compute.region, session.authUrl).url.replace(/\/v2$/, ""),
    where: `project ${session.project.name} (${session.project.id}) at ${session.authUrl}`,
  };
}

/**
 * `fetch` with the token; a request that never got an answer (refused, timed out, untrusted TLS)
 * becomes a one-line Error naming `service` (e.g. "Nova") and the host. Any answer is returned.
 */
export async function call(client: SiteClient, service: string, url: string, init: HttpRequestInit = {}): Promise<Response> {
  const headers = { "X-Auth-Token": await client.token(), Accept: "application/json", ...(init.headers as Record<string, string> | undefined) };
  try {
    return await client.fetch(url, { ...init, headers });
  } catch (err) {
    const host = new URL(url).host;
    const fault = findHttpFault(err);
    if (fault) {
      const hint = fault.timedOut ? `, or raise ${HTTP_TIMEOUT_ENV} (seconds, now ${fault.timeoutMs! / 1000})` : "";
      throw new Error(`${fault.unreachable ? "cannot reach" : "no usable answer from"} ${service} at ${host}: ${fault.summary()}; check the network and try again${hint}`, { cause: err });
    }
    if (isTlsTrustError(err)) {
      throw new Error(`${service} at ${host}: its TLS certificate is not trusted; set OS_CACERT (--ca-file) to a PEM bundle with the site's CA`, { cause: err });
    }
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    throw new Error(`cannot reach ${service} at ${host}: ${code ?? (err as Error).message.split("\n")[0]}`, { cause: err });
  }
}

const STATUS_LINE = /^\d{3} (Bad Request|Unauthorized|Forbidden|Not Found|Not Acceptable|Conflict|Gone|Request Entity Too Large|Internal Server Error|Service Unavailable)\b/;

/**
 * The message of an OpenStack error answer, on one line: Nova's `{"conflictingRequest": {"message"}}`
 * style, Glance's plain-text or HTML bodies, else nothing. Capped, as a body is the site's text.
 */
export async function errorText(res: Response): Promise<string> {
  const body = await res.text().catch(() => "");
  let text: string;
  try {
    // Nova: {"itemNotFound": {"code": 404, "message": "..."}}; others: {"message": "..."}
    const json = JSON.parse(body) as Record<string, unknown>;
    const messages = [json, ...Object.values(json)].map((v) => (v && typeof v === "object" ? (v as { message?: unknown }).message : undefined));
    text = String(messages.find((m) => typeof m === "string") ?? "");
  } catch {
    text = body.replace(/<[^>]*>/g, " ");
  }
  // Glance's plain-text bodies start with the status line ("404 Not Found"); HTTP N is said already.
  text = text.replace(/\s+/g, " ").trim().replace(STATUS_LINE, "").trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** " (Nova: the message)" or "" when the answer carried none. */
export async function saying(res: Response, service: string): Promise<string> {
  const text = await errorText(res);
  return text ? ` (${service}: ${text})` : "";
}
