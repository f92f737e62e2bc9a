/**
 * GitLab's REST API (v4, at CI_API_V4_URL) for the forge commands: a merge request's comments are
 * its notes (`/projects/:id/merge_requests/:iid/notes`, paged by x-next-page; system notes left
 * out), the merge request merged as a commit is among
 * `/projects/:id/repository/commits/:sha/merge_requests`, the drift issue is a project issue with a
 * label. The token is GITLAB_NOTE_TOKEN (a project access token with the api scope), sent as
 * PRIVATE-TOKEN: the job's own CI_JOB_TOKEN may not write notes.
 */
import type { Fetch } from "../../auth/http";
import { type Env, required, requiredUrl } from "./env";
import type { Forge, ForgeIdentity, ForgeNote, ForgeUser, MergedRequest } from "./forge";
import { type CallHints, type RestAnswer, RestClient } from "./rest";

/** GitLab refuses a note or description over this many characters. */
export const GITLAB_BODY_LIMIT = 1_000_000;

interface GitLabUser {
  readonly id: number;
  readonly username: string;
  readonly bot?: boolean;
}

interface GitLabNote {
  readonly id: number;
  readonly body?: string | null;
  readonly author?: GitLabUser | null;
  readonly system?: boolean;
}

interface GitLabIssue {
  readonly iid: number;
  readonly description?: string | null;
  readonly author?: GitLabUser | null;
  readonly web_url?: string;
}

interface GitLabMergeRequest {
  readonly iid: number;
  readonly state: string;
  readonly web_url: string;
  readonly merged_at?: string | null;
  readonly merge_commit_sha?: string | null;
  readonly squash_commit_sha?: string | null;
  readonly sha?: string | null;
}

/** The next page, from GitLab's x-next-page header (empty on the last page). */
export function nextPage(a: RestAnswer<unknown[]>, current: URL): URL | undefined {
  const next = a.headers.get("x-next-page")?.trim();
  if (!next || !/^\d+$/.test(next)) return undefined;
  const url = new URL(current.href);
  url.searchParams.set("page", next);
  return url;
}

const userOf = (u: GitLabUser | null | undefined): ForgeUser => ({ login: u?.username ?? "", id: u?.id, bot: Boolean(u?.bot) });

export class GitLabForge implements Forge {
  readonly name = "GitLab" as const;
  readonly bodyLimit = GITLAB_BODY_LIMIT;
  private readonly rest: RestClient;
  private readonly project: string;
  private readonly hints: CallHints;

  static fromEnv(env: Env, fetch: Fetch): GitLabForge {
    const apiUrl = requiredUrl(env, "CI_API_V4_URL", "GitLab CI sets it (e.g. https://gitlab.com/api/v4)");
    const project = required(env, "CI_PROJECT_ID", "GitLab CI sets it (the project's numeric id)");
    const token = required(env, "GITLAB_NOTE_TOKEN", "a project access token with the api scope, as a masked CI/CD variable (the job token may not write notes)");
    return new GitLabForge(apiUrl, project, token, fetch, env.CI_PROJECT_URL?.trim() || undefined);
  }

  /** @param projectUrl CI_PROJECT_URL, for a note's link (the notes API gives none) */
  constructor(apiUrl: string, project: string, token: string, fetch: Fetch, private readonly projectUrl?: string) {
    this.project = encodeURIComponent(project);
    this.rest = new RestClient({
      service: "GitLab API",
      baseUrl: apiUrl,
      baseUrlVar: "CI_API_V4_URL",
      token,
      fetch,
      headers: { "PRIVATE-TOKEN": token, Accept: "application/json", "User-Agent": "egi-cdktf" },
    });
    const unauthorized = "GITLAB_NOTE_TOKEN is not valid, has expired or was revoked (make a new project access token with the api scope)";
    const notFound = "CI_PROJECT_ID and the merge request or issue number (--pr)";
    const forbidden = "GITLAB_NOTE_TOKEN needs the api scope and the Reporter role or above in the project";
    this.hints = { unauthorized, notFound, forbidden };
  }

  requestName(n: number): string {
    return `merge request !${n}`;
  }

  issueName(n: number): string {
    return `issue #${n}`;
  }

  async whoAmI(): Promise<ForgeIdentity> {
    const me = await this.rest.call<GitLabUser>({ path: "/user", what: "ask who GITLAB_NOTE_TOKEN is", hints: this.hints });
    const id = me.data.id;
    return { describe: me.data.username ?? `user ${id}`, mine: (a) => a.id === id };
  }

  private mr(request: number): string {
    return `/projects/${this.project}/merge_requests/${request}`;
  }

  private noteUrl(request: number, id: number): string {
    return this.projectUrl ? `${this.projectUrl}/-/merge_requests/${request}#note_${id}` : `note ${id} on ${this.requestName(request)}`;
  }

  async listComments(request: number): Promise<ForgeNote[]> {
    const notes = await this.rest.all<GitLabNote>(
      { path: `${this.mr(request)}/notes?sort=asc&order_by=created_at&per_page=100`, what: `list the notes of ${this.requestName(request)}`, hints: this.hints },
      nextPage,
    );
    return notes.filter((n) => !n.system).map((n) => ({ id: n.id, body: n.body ?? "", author: userOf(n.author), url: this.noteUrl(request, n.id) }));
  }

  async createComment(request: number, body: string): Promise<string> {
    const a = await this.rest.call<GitLabNote>({ method: "POST", path: `${this.mr(request)}/notes`, body: { body }, what: `add a note to ${this.requestName(request)}`, hints: this.hints });
    return this.noteUrl(request, a.data.id);
  }

  async updateComment(request: number, id: number, body: string): Promise<string> {
    await this.rest.call({ method: "PUT", path: `${this.mr(request)}/notes/${id}`, body: { body }, what: `update note ${id} on ${this.requestName(request)}`, hints: this.hints, idempotent: true });
    return this.noteUrl(request, id);
  }

  async mergedRequestOf(sha: string): Promise<MergedRequest | undefined> {
    const mrs = await this.rest.all<GitLabMergeRequest>(
      { path: `/projects/${this.project}/repository/commits/${encodeURIComponent(sha)}/merge_requests?per_page=100`, what: `list the merge requests of commit ${sha}`, hints: { ...this.hints, notFound: "CI_PROJECT_ID and --sha (or CI_COMMIT_SHA)" }, invalid: "--sha (a commit of this repository)" },
      nextPage,
    );
    const merged = mrs.filter((m) => m.state === "merged");
    const chosen =
      merged.find((m) => m.merge_commit_sha === sha || m.squash_commit_sha === sha) ??
      merged.find((m) => m.sha === sha) ??
      merged.sort((a, b) => String(b.merged_at ?? "").localeCompare(String(a.merged_at ?? "")))[0];
    return chosen ? { number: chosen.iid, url: chosen.web_url } : undefined;
  }

  async openIssues(label: string): Promise<ForgeNote[]> {
    const issues = await this.rest.all<GitLabIssue>(
      {
        path: `/projects/${this.project}/issues?labels=${encodeURIComponent(label)}&state=opened&sort=asc&order_by=created_at&per_page=100`,
        what: `list the open issues labelled ${label}`,
        hints: this.hints,
      },
      nextPage,
    );
    return issues.map((i) => ({ id: i.iid, body: i.description ?? "", author: userOf(i.author), url: i.web_url }));
  }

  async createIssue(title: string, body: string, label: string): Promise<string> {
    const a = await this.rest.call<GitLabIssue>({ method: "POST", path: `/projects/${this.project}/issues`, body: { title, description: body, labels: label }, what: "open an issue", hints: this.hints });
    return a.data.web_url ?? this.issueName(a.data.iid);
  }

  async updateIssue(number: number, body: string): Promise<string> {
    const a = await this.rest.call<GitLabIssue>({
      method: "PUT",
      path: `/projects/${this.project}/issues/${number}`,
      body: { description: body },
      what: `update ${this.issueName(number)}`,
      hints: this.hints,
      idempotent: true,
    });
    return a.data?.web_url ?? this.issueName(number);
  }

  async closeIssue(number: number, comment: string): Promise<string> {
    await this.rest.call({ method: "POST", path: `/projects/${this.project}/issues/${number}/notes`, body: { body: comment }, what: `add a note to ${this.issueName(number)}`, hints: this.hints });
    const a = await this.rest.call<GitLabIssue>({
      method: "PUT",
      path: `/projects/${this.project}/issues/${number}`,
      body: { state_event: "close" },
      what: `close ${this.issueName(number)}`,
      hints: this.hints,
      idempotent: true,
    });
    return a.data?.web_url ?? this.issueName(number);
  }
}
