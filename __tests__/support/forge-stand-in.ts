/**
 * A stand-in for GitHub's and GitLab's REST APIs (no real forge can run here), for the forge
 * commands' tests: node:http on 127.0.0.1, comments, notes, issues and pull (merge) requests held in
 * memory, answering the calls egi-cdktf makes as the documented APIs do: their paths (GitHub under
 * /api/v3 as GitHub Enterprise Server, GitLab under /api/v4), their auth headers (GitHub:
 * `Authorization: Bearer`, and a User-Agent; GitLab: PRIVATE-TOKEN), their statuses and error
 * bodies (401 bad credentials, 403 a token without the permission, 404 an unknown repository or
 * project, 422 a body too long), their pagination (per_page, default 30 on GitHub and 20 on GitLab,
 * at most 100; GitHub's Link rel="next", GitLab's x-next-page) and orders (GitHub comments oldest
 * first; GitLab notes newest first unless sort=asc). Only a comment's author may edit it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInUser {
  readonly id: number;
  readonly login: string;
  /** A bot account (GitHub type Bot: github-actions[bot]; GitLab bot: a project access token's user). */
  readonly bot: boolean;
}

export interface StandInToken {
  readonly user: StandInUser;
  /** GitHub: an integration's token (GITHUB_TOKEN, an app's): GET /user answers 403. @default false */
  readonly integration?: boolean;
  /** May write (comment, edit, open issues); else 403 on writes. @default true */
  readonly write?: boolean;
}

export interface StandInNote {
  readonly id: number;
  body: string;
  readonly author: StandInUser;
  readonly createdAt: string;
  /** GitLab's system notes ("added 1 commit"). */
  readonly system?: boolean;
}

export interface StandInIssue {
  readonly number: number;
  readonly title: string;
  body: string;
  readonly labels: string[];
  state: "open" | "closed";
  readonly author: StandInUser;
  readonly comments: StandInNote[];
  /** A pull (merge) request rather than an issue (GitHub lists both as issues). */
  readonly pull?: { merged?: { sha: string; at: string }; commits: string[] };
}

export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly token?: string;
}

export interface RecordedError {
  readonly status: number;
  readonly body: unknown;
}

export const GITHUB_REPO = "egi-demo/infra";
export const GITLAB_PROJECT = "4242";
const GITHUB_LIMIT = 65_536;
const GITLAB_LIMIT = 1_000_000;

type Answer = [number, unknown, Record<string, string>?];

export class ForgeStandIn {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** GITHUB_API_URL, as on GitHub Enterprise Server. */
  readonly githubApiUrl: string;
  /** CI_API_V4_URL. */
  readonly gitlabApiUrl: string;
  /** Every request, in order. */
  readonly requests: StandInRequest[] = [];
  /** GitHub's issues and pull requests of GITHUB_REPO, by number. */
  readonly github = new Map<number, StandInIssue>();
  /** GitLab's merge requests and issues of GITLAB_PROJECT, by iid (two number spaces, as GitLab has). */
  readonly gitlabMrs = new Map<number, StandInIssue>();
  readonly gitlabIssues = new Map<number, StandInIssue>();
  /** Commits of the repository that no pull (merge) request holds: direct pushes. */
  readonly commits = new Set<string>();
  /**
   * Answers instead, once each, for the next requests matching `method path`: a status (with
   * `headers`), or no answer at all (`hang`, until the client gives up or the stand-in closes).
   */
  readonly faults: Array<{ match: RegExp; status?: number; headers?: Record<string, string>; hang?: boolean }> = [];
  private readonly tokens = new Map<string, StandInToken>();
  private nextId = 1000;
  private clock = Date.parse("2026-01-01T00:00:00Z");

  private constructor(private readonly server: http.Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.githubApiUrl = `${this.url}/api/v3`;
    this.gitlabApiUrl = `${this.url}/api/v4`;
  }

  static async start(): Promise<ForgeStandIn> {
    let standIn: ForgeStandIn | undefined;
    const server = http.createServer((req, res) => void standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standIn = new ForgeStandIn(server);
    return standIn;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addToken(token: string, t: StandInToken): void {
    this.tokens.set(token, t);
  }

  private now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  /** A pull (merge) request, or an issue, to hold comments. */
  addIssue(where: Map<number, StandInIssue>, number: number, author: StandInUser, extra: Partial<StandInIssue> = {}): StandInIssue {
    const issue: StandInIssue = { number, title: `#${number}`, body: "", labels: [], state: "open", author, comments: [], ...extra };
    where.set(number, issue);
    return issue;
  }

  addNote(issue: StandInIssue, author: StandInUser, body: string, system = false): StandInNote {
    const note: StandInNote = { id: this.nextId++, body, author, createdAt: this.now(), ...(system ? { system } : {}) };
    issue.comments.push(note);
    return note;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const gitlab = url.pathname.startsWith("/api/v4/");
    const token = gitlab ? (req.headers["private-token"] as string | undefined) : /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, token });
    let answer: Answer | undefined;
    const fault = this.faults.findIndex((f) => f.match.test(`${req.method} ${url.pathname}`));
    if (fault >= 0) {
      const [{ status = 500, headers, hang }] = this.faults.splice(fault, 1);
      if (hang) return;
      answer = [status, { message: `stand-in fault ${status}` }, headers];
    } else {
      let body: Record<string, unknown> = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        answer = [400, { message: "Problems parsing JSON" }];
      }
      answer ??= gitlab ? this.gitlab(req.method ?? "GET", url, token, body) : this.githubAnswer(req, url, token, body);
    }
    const [status, data, headers = {}] = answer;
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(data === undefined ? "" : JSON.stringify(data));
  }

  /** A page of `items` as both forges cut it, with the next page's number. */
  private page<T>(items: T[], q: URLSearchParams, defaultPerPage: number): { items: T[]; next?: number } {
    const perPage = Math.min(100, Math.max(1, Number(q.get("per_page") ?? defaultPerPage)));
    const page = Math.max(1, Number(q.get("page") ?? 1));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return { items: slice, next: page * perPage < items.length ? page + 1 : undefined };
  }

  // ---- GitHub ----

  private githubAnswer(req: http.IncomingMessage, url: URL, token: string | undefined, body: Record<string, unknown>): Answer {
    const docs = { documentation_url: "https://docs.github.com/rest" };
    if (!req.headers["user-agent"]) return [403, { message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header", ...docs }];
    const who = token ? this.tokens.get(token) : undefined;
    if (!who) return [401, { message: "Bad credentials", ...docs }];
    const method = req.method ?? "GET";
    const p = url.pathname.slice("/api/v3".length);
    const user = (u: StandInUser) => ({ login: u.login, id: u.id, type: u.bot ? "Bot" : "User" });
    const comment = (c: StandInNote, n: number) => ({ id: c.id, body: c.body, user: user(c.author), created_at: c.createdAt, html_url: `https://github.example/${GITHUB_REPO}/pull/${n}#issuecomment-${c.id}` });
    const issueJson = (i: StandInIssue) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ name })),
      user: user(i.author),
      html_url: `https://github.example/${GITHUB_REPO}/${i.pull ? "pull" : "issues"}/${i.number}`,
      ...(i.pull ? { pull_request: { url: `${this.githubApiUrl}/repos/${GITHUB_REPO}/pulls/${i.number}` } } : {}),
    });
    const paged = <T>(items: T[]): Answer => {
      const { items: slice, next } = this.page(items, url.searchParams, 30);
      if (next === undefined) return [200, slice];
      const nextUrl = new URL(url.href);
      nextUrl.searchParams.set("page", String(next));
      return [200, slice, { Link: `<${nextUrl.href}>; rel="next", <${nextUrl.href.replace(/page=\d+/, "page=999")}>; rel="last"` }];
    };
    const writeDenied = (): Answer | undefined => (who.write === false ? [403, { message: "Resource not accessible by integration", ...docs }] : undefined);
    const tooLong = (text: unknown): Answer | undefined =>
      typeof text === "string" && [...text].length > GITHUB_LIMIT
        ? [422, { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "custom", field: "body", message: `body is too long (maximum is ${GITHUB_LIMIT} characters)` }], ...docs }]
        : undefined;

    if (method === "GET" && p === "/user") return who.integration ? [403, { message: "Resource not accessible by integration", ...docs }] : [200, user(who.user)];
    const repo = /^\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(p);
    if (!repo || repo[1] !== GITHUB_REPO) return [404, { message: "Not Found", ...docs }];
    const rest = repo[2];
    let m: RegExpExecArray | null;
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.github.get(Number(m[1]));
      if (!issue) return [404, { message: "Not Found", ...docs }];
      if (method === "GET") return paged(issue.comments.map((c) => comment(c, issue.number)));
      if (method === "POST") return writeDenied() ?? tooLong(body.body) ?? [201, comment(this.addNote(issue, who.user, String(body.body)), issue.number)];
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const issue = [...this.github.values()].find((i) => i.comments.some((c) => c.id === Number(m![1])));
      const c = issue?.comments.find((x) => x.id === Number(m![1]));
      if (!issue || !c) return [404, { message: "Not Found", ...docs }];
      if (c.author.id !== who.user.id) return [403, { message: "Must have admin rights to Repository.", ...docs }];
      const bad = writeDenied() ?? tooLong(body.body);
      if (bad) return bad;
      c.body = String(body.body);
      return [200, comment(c, issue.number)];
    }
    if ((m = /^\/commits\/([0-9a-f]+)\/pulls$/.exec(rest)) && method === "GET") {
      const pulls = [...this.github.values()].filter((i) => i.pull && (i.pull.commits.includes(m![1]) || i.pull.merged?.sha === m![1]));
      if (pulls.length === 0 && !this.commits.has(m[1])) return [422, { message: `No commit found for SHA: ${m[1]}`, ...docs }];
      return paged(pulls.map((i) => ({ number: i.number, state: i.state, html_url: `https://github.example/${GITHUB_REPO}/pull/${i.number}`, merged_at: i.pull!.merged?.at ?? null, merge_commit_sha: i.pull!.merged?.sha ?? null })));
    }
    if (rest === "/issues" && method === "GET") {
      const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const state = url.searchParams.get("state") ?? "open";
      const list = [...this.github.values()].filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
      // GitHub: newest first unless direction=asc
      return paged(list.sort((a, b) => (url.searchParams.get("direction") === "asc" ? a.number - b.number : b.number - a.number)).map(issueJson));
    }
    if (rest === "/issues" && method === "POST") {
      const bad = writeDenied() ?? tooLong(body.body);
      if (bad) return bad;
      const number = Math.max(0, ...this.github.keys()) + 1;
      return [201, issueJson(this.addIssue(this.github, number, who.user, { title: String(body.title), body: String(body.body ?? ""), labels: (body.labels as string[]) ?? [] }))];
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const issue = this.github.get(Number(m[1]));
      if (!issue) return [404, { message: "Not Found", ...docs }];
      const bad = writeDenied() ?? tooLong(body.body);
      if (bad) return bad;
      if (typeof body.body === "string") issue.body = body.body;
      if (body.state === "closed" || body.state === "open") issue.state = body.state;
      return [200, issueJson(issue)];
    }
    return [404, { message: "Not Found", ...docs }];
  }

  // ---- GitLab ----

  private gitlab(method: string, url: URL, token: string | undefined, body: Record<string, unknown>): Answer {
    const who = token ? this.tokens.get(token) : undefined;
    if (!who) return [401, { message: "401 Unauthorized" }];
    const p = url.pathname.slice("/api/v4".length);
    const user = (u: StandInUser) => ({ id: u.id, username: u.login, name: u.login, state: "active" });
    const note = (n: StandInNote, noteableIid: number) => ({ id: n.id, body: n.body, author: user(n.author), created_at: n.createdAt, system: Boolean(n.system), noteable_iid: noteableIid });
    const issueJson = (i: StandInIssue) => ({ iid: i.number, title: i.title, description: i.body, state: i.state === "open" ? "opened" : "closed", labels: i.labels, author: user(i.author), web_url: `https://gitlab.example/egi-demo/infra/-/issues/${i.number}` });
    const paged = <T>(items: T[]): Answer => {
      const { items: slice, next } = this.page(items, url.searchParams, 20);
      return [200, slice, { "x-next-page": next === undefined ? "" : String(next), "x-page": url.searchParams.get("page") ?? "1", "x-per-page": String(slice.length), "x-total": String(items.length) }];
    };
    const writeDenied = (): Answer | undefined =>
      who.write === false ? [403, { error: "insufficient_scope", error_description: "The request requires higher privileges than provided by the access token.", scope: "api" }] : undefined;
    const tooLong = (text: unknown): Answer | undefined => (typeof text === "string" && [...text].length > GITLAB_LIMIT ? [400, { message: { note: [`is too long (maximum is ${GITLAB_LIMIT} characters)`] } }] : undefined);
    const sorted = (notes: StandInNote[]) => (url.searchParams.get("sort") === "asc" ? [...notes] : [...notes].reverse()); // GitLab: desc unless asked

    if (method === "GET" && p === "/user") return [200, { ...user(who.user), bot: who.user.bot }];
    const proj = /^\/projects\/([^/]+)(\/.*)$/.exec(p);
    if (!proj || decodeURIComponent(proj[1]) !== GITLAB_PROJECT) return [404, { message: "404 Project Not Found" }];
    const rest = proj[2];
    let m: RegExpExecArray | null;
    if ((m = /^\/(merge_requests|issues)\/(\d+)\/notes$/.exec(rest))) {
      const where = m[1] === "issues" ? this.gitlabIssues : this.gitlabMrs;
      const issue = where.get(Number(m[2]));
      if (!issue) return [404, { message: m[1] === "issues" ? "404 Issue Not Found" : "404 Merge Request Not Found" }];
      if (method === "GET") return paged(sorted(issue.comments).map((n) => note(n, issue.number)));
      if (method === "POST") return writeDenied() ?? tooLong(body.body) ?? [201, note(this.addNote(issue, who.user, String(body.body)), issue.number)];
    }
    if ((m = /^\/merge_requests\/(\d+)\/notes\/(\d+)$/.exec(rest)) && method === "PUT") {
      const n = this.gitlabMrs.get(Number(m[1]))?.comments.find((x) => x.id === Number(m![2]));
      if (!n) return [404, { message: "404 Note Not Found" }];
      if (n.author.id !== who.user.id) return [403, { message: "403 Forbidden" }];
      const bad = writeDenied() ?? tooLong(body.body);
      if (bad) return bad;
      n.body = String(body.body);
      return [200, note(n, Number(m[1]))];
    }
    if ((m = /^\/repository\/commits\/([0-9a-f]+)\/merge_requests$/.exec(rest)) && method === "GET") {
      const sha = m[1];
      const mrs = [...this.gitlabMrs.values()].filter((i) => i.pull && (i.pull.commits.includes(sha) || i.pull.merged?.sha === sha));
      if (mrs.length === 0 && !this.commits.has(sha)) return [404, { message: "404 Commit Not Found" }];
      return paged(mrs.map((i) => ({ iid: i.number, state: i.pull!.merged ? "merged" : "opened", web_url: `https://gitlab.example/egi-demo/infra/-/merge_requests/${i.number}`, merged_at: i.pull!.merged?.at ?? null, merge_commit_sha: i.pull!.merged?.sha ?? null, squash_commit_sha: null, sha: i.pull!.commits.at(-1) })));
    }
    if (rest === "/issues" && method === "GET") {
      const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const state = url.searchParams.get("state");
      const list = [...this.gitlabIssues.values()].filter((i) => (!state || state === "all" || (state === "opened" ? i.state === "open" : i.state === "closed")) && labels.every((l) => i.labels.includes(l)));
      return paged((url.searchParams.get("sort") === "asc" ? list.sort((a, b) => a.number - b.number) : list.sort((a, b) => b.number - a.number)).map(issueJson));
    }
    if (rest === "/issues" && method === "POST") {
      const bad = writeDenied() ?? tooLong(body.description);
      if (bad) return bad;
      const iid = Math.max(0, ...this.gitlabIssues.keys()) + 1;
      const labels = String(body.labels ?? "").split(",").filter(Boolean);
      return [201, issueJson(this.addIssue(this.gitlabIssues, iid, who.user, { title: String(body.title), body: String(body.description ?? ""), labels }))];
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest)) && method === "PUT") {
      const issue = this.gitlabIssues.get(Number(m[1]));
      if (!issue) return [404, { message: "404 Issue Not Found" }];
      const bad = writeDenied() ?? tooLong(body.description);
      if (bad) return bad;
      if (typeof body.description === "string") issue.body = body.description;
      if (body.state_event === "close") issue.state = "closed";
      if (body.state_event === "reopen") issue.state = "open";
      return [200, issueJson(issue)];
    }
    return [404, { message: "404 Not Found" }];
  }
}

/** Looks like what it stands for (a workflow's GITHUB_TOKEN, a GitLab project access token), so a leak is visible. */
export const GITHUB_BOT_TOKEN = "ghs_Q7x2Lm9PzR4tV8wK1nB6cY3dF5hJ0sA2eG4i";
export const GITLAB_BOT_TOKEN = "glpat-Xy7Zq3Rk9Lm2Pn8Tv4Wb";

export const GITHUB_BOT: StandInUser = { id: 41898282, login: "github-actions[bot]", bot: true };
export const GITLAB_BOT: StandInUser = { id: 9001, login: "project_4242_bot_1f2e", bot: true };
export const PERSON: StandInUser = { id: 583231, login: "octo-reviewer", bot: false };
export const OTHER_BOT: StandInUser = { id: 49699333, login: "dependabot[bot]", bot: true };

/** A stand-in that knows the two bots' tokens the forge commands' tests post with: GitHub's job token (an integration's) and GitLab's project access token. */
export async function standInWithBots(): Promise<ForgeStandIn> {
  const standIn = await ForgeStandIn.start();
  standIn.addToken(GITHUB_BOT_TOKEN, { user: GITHUB_BOT, integration: true });
  standIn.addToken(GITLAB_BOT_TOKEN, { user: GITLAB_BOT });
  return standIn;
}

/** The variables of a GitHub Actions job of GITHUB_REPO (GitHub Enterprise Server's API URL form). */
export function githubEnv(standIn: ForgeStandIn, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { GITHUB_ACTIONS: "true", GITHUB_API_URL: standIn.githubApiUrl, GITHUB_REPOSITORY: GITHUB_REPO, GITHUB_TOKEN: GITHUB_BOT_TOKEN, EGI_HTTP_TIMEOUT: "5", ...extra };
}

/** The variables of a GitLab CI job of GITLAB_PROJECT. */
export function gitlabEnv(standIn: ForgeStandIn, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITLAB_CI: "true",
    CI_API_V4_URL: standIn.gitlabApiUrl,
    CI_PROJECT_ID: GITLAB_PROJECT,
    CI_PROJECT_URL: "https://gitlab.example/egi-demo/infra",
    GITLAB_NOTE_TOKEN: GITLAB_BOT_TOKEN,
    EGI_HTTP_TIMEOUT: "5",
    ...extra,
  };
}

/** A summary's text as plan-summary writes it: the marker line first (written out here, not by the code under test). */
export function summaryText(kind: "plan-summary" | "drift", app: string, text: string): string {
  return `<!-- egi-cdktf:${kind} app=${encodeURIComponent(app)} -->\n## egi-cdktf ${kind === "drift" ? "drift report" : "plan summary"}\n\n${text}\n`;
}
