/**
 * The JSON calls of the forge commands (pr-comment, reviewed-summary, drift-issue) to GitHub's or
 * GitLab's REST API: the auth chain's HTTP client (timeout, retries of what is safe to repeat),
 * pagination, and every failure as one line with the HTTP status and what to check. The token goes
 * in a header only, to the API's own origin only (a next-page link elsewhere is not followed), and
 * never into a message: a server's error text is cut short and cleaned of it.
 */
import { type Fetch, findHttpFault, faultMessage } from "../../auth/http";

/** What a failed call should tell the user to check, by HTTP status (401 and 403 have their own). */
export interface CallHints {
  /** Why a 401: the token's variable, e.g. "GITHUB_TOKEN (or GH_TOKEN) is not valid or has expired". */
  readonly unauthorized: string;
  /** Why a 403: the permission the call needs, e.g. "the workflow's permissions: pull-requests: write". */
  readonly forbidden: string;
  /** Why a 404: what names the thing asked for, e.g. "GITHUB_REPOSITORY and the pull request number (--pr)". */
  readonly notFound: string;
}

export interface RestOptions {
  /** e.g. "GitHub API": how messages name the service. */
  readonly service: string;
  /** The API's root, e.g. https://api.github.com or https://gitlab.example.org/api/v4. */
  readonly baseUrl: string;
  /** The setting that names `baseUrl`, e.g. GITHUB_API_URL. */
  readonly baseUrlVar: string;
  /** The token: sent in `headers` only; cleaned out of every message. */
  readonly token: string;
  /** The headers of every call (auth, Accept, API version). */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: Fetch;
}

export interface RestCall {
  readonly method?: "GET" | "POST" | "PUT" | "PATCH";
  /** A path below the base URL (`/repos/o/r/issues/1/comments?per_page=100`). */
  readonly path: string;
  readonly body?: unknown;
  /** For messages: "list the comments of pull request #12". */
  readonly what: string;
  /** The scope the call needs, for a 403: "pull-requests: write". */
  readonly hints: CallHints;
  /** Safe to send again after a timeout (a PATCH or PUT of the same body is). @default GET only */
  readonly idempotent?: boolean;
  /** What to check on a 422 (or GitLab's 400): what the forge found invalid. @default the body's size (plan-summary --max-chars) */
  readonly invalid?: string;
  /** Statuses returned to the caller instead of thrown (e.g. 403 of GitHub's GET /user). @default none */
  readonly allow?: readonly number[];
}

export interface RestAnswer<T> {
  readonly status: number;
  readonly data: T;
  readonly headers: Headers;
}

/** At most this many pages (of 100): a server that always says "next" must not loop forever. */
export const MAX_PAGES = 200;

export class RestClient {
  constructor(private readonly o: RestOptions) {}

  get baseUrl(): string {
    return this.o.baseUrl;
  }

  /** One call; a status outside 2xx (and `allow`) or no answer at all is thrown as one line. */
  async call<T>(c: RestCall): Promise<RestAnswer<T>> {
    return this.send<T>(c, this.url(c.path));
  }

  /**
   * Every item of a paged list: `first` (with per_page=100 in it), then each next page as `nextOf`
   * says (GitHub: the Link header's rel="next"; GitLab: x-next-page), to MAX_PAGES.
   */
  async all<T>(c: RestCall, nextOf: (answer: RestAnswer<T[]>, current: URL) => URL | undefined): Promise<T[]> {
    const items: T[] = [];
    let url: URL | undefined = this.url(c.path);
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const answer: RestAnswer<T[]> = await this.send<T[]>(c, url);
      if (!Array.isArray(answer.data)) throw new Error(`${this.o.service}: ${c.what}: the answer of ${this.where(c, url)} is not a list; check ${this.o.baseUrlVar}`);
      items.push(...answer.data);
      const next = nextOf(answer, url);
      // The token goes to the API's own origin only, whatever a header says.
      url = next && next.origin === new URL(this.o.baseUrl).origin ? next : undefined;
    }
    return items;
  }

  private url(p: string): URL {
    return new URL(this.o.baseUrl.replace(/\/+$/, "") + p);
  }

  /** `GET /repos/o/r/issues/1/comments`: method and path, no query string. */
  private where(c: RestCall, url: URL): string {
    return `${c.method ?? "GET"} ${url.pathname}`;
  }

  private clean(text: string): string {
    // A token is long; a short test value would blot out ordinary words.
    return this.o.token.length >= 8 ? text.split(this.o.token).join("***") : text;
  }

  private async send<T>(c: RestCall, url: URL): Promise<RestAnswer<T>> {
    const method = c.method ?? "GET";
    const headers: Record<string, string> = { ...this.o.headers };
    if (c.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await this.o.fetch(url, {
        method,
        headers,
        ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
        ...(c.idempotent ? { idempotent: true } : {}),
      });
    } catch (err) {
      const fault = findHttpFault(err);
      const service = `the ${this.o.service} at ${this.o.baseUrl}`;
      if (fault) throw new Error(this.clean(`${c.what}: ${faultMessage(fault, service, this.o.baseUrlVar, "a comment or issue may have been written all the same")}`));
      throw new Error(this.clean(`${c.what}: cannot reach ${service} (${causeOf(err)}); check ${this.o.baseUrlVar} and the network`));
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if ((response.status >= 200 && response.status < 300) || c.allow?.includes(response.status)) {
      if (response.status < 300 && data === undefined && method === "GET") {
        throw new Error(`${this.o.service}: ${c.what}: ${this.where(c, url)} answered HTTP ${response.status} without JSON; check ${this.o.baseUrlVar} (the API's root)`);
      }
      return { status: response.status, data: data as T, headers: response.headers };
    }
    throw new Error(this.clean(this.failure(c, url, response, data)));
  }

  /** One line: the service, what failed, the status and the server's word, and what to check. */
  private failure(c: RestCall, url: URL, response: Response, data: unknown): string {
    const { status } = response;
    const said = serverMessage(data);
    const head = `${this.o.service}: cannot ${c.what}: HTTP ${status} on ${this.where(c, url)}${said ? ` (${said})` : ""}`;
    // GitHub says a used-up rate limit with 403 (or 429) and x-ratelimit-remaining: 0, not a missing permission.
    if ((status === 403 || status === 429) && response.headers.get("x-ratelimit-remaining") === "0") {
      const reset = Number(response.headers.get("x-ratelimit-reset"));
      return `${head}; the token's rate limit is used up${Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ""}: try again then`;
    }
    switch (status) {
      case 401:
        return `${head}; ${c.hints.unauthorized}`;
      case 403:
        return `${head}; check that the token may do it: ${c.hints.forbidden}`;
      case 404:
        return `${head}; check ${c.hints.notFound}, and that the token can see it`;
      case 400:
      case 413:
      case 422:
        return `${head}; check ${c.invalid ?? "the text's size (egi-cdktf plan-summary --max-chars)"}`;
      default:
        return status >= 500 || status === 429 ? `${head}; try again later` : `${head}; check ${this.o.baseUrlVar}`;
    }
  }
}

/** The innermost cause's code or message: undici's "fetch failed" says nothing; its cause does (ENOTFOUND, a certificate error). */
function causeOf(err: unknown): string {
  let said = String((err as Error)?.message ?? err);
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string") return code;
    if (typeof message === "string" && message) said = message;
  }
  return said.split("\n")[0];
}

/** GitHub's `message` (and its first error), GitLab's `message` or `error`: short, one line. */
function serverMessage(data: unknown): string | undefined {
  if (!data || typeof data !== "object") return undefined;
  const d = data as { message?: unknown; error?: unknown; errors?: unknown };
  const parts: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === "string") parts.push(v);
    else if (v && typeof v === "object") parts.push(JSON.stringify(v));
  };
  add(d.message ?? d.error);
  if (Array.isArray(d.errors) && d.errors.length) {
    const first = d.errors[0] as { message?: unknown } | string;
    add(typeof first === "object" && first && "message" in first ? first.message : first);
  }
  const line = parts.join(": ").replace(/\s+/g, " ").trim();
  return line ? (line.length > 160 ? `${line.slice(0, 157)}...` : line) : undefined;
}
