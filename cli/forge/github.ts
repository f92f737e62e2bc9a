/**
 * GitHub's REST API (api.github.com, or GitHub Enterprise Server's at GITHUB_API_URL) for the forge
 * commands: a pull request's comments are its issue comments (`/repos/{repo}/issues/{n}/comments`,
 * oldest first, paged by the Link header), the pull request merged as a commit is among
 * `/repos/{repo}/commits/{sha}/pulls`, the drift issue is an issue with a label.
 */
import type { Fetch } from "../../auth/http";
import { UsageError } from "../command";
import { type Env, required, requiredUrl } from "./env";
import type { Forge, ForgeIdentity, ForgeNote, ForgeUser, MergedRequest } from "./forge";
import { type CallHints, RestClient } from "./rest";

/** GitHub refuses a comment or issue body over this many characters ("Body is too long"). */
export const GITHUB_BODY_LIMIT = 65_536;

interface GitHubUser {
  readonly login: string;
  readonly id: number;
  readonly type?: string;
}

interface GitHubComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: GitHubUser | null;
  readonly html_url?: string;
  readonly number?: number;
  readonly pull_request?: unknown;
}

interface GitHubPull {
  readonly number: number;
  readonly html_url: string;
  readonly merged_at?: string | null;
  readonly merge_commit_sha?: string | null;
}

/** The URL of the Link header's rel="next", if any. */
export function linkNext(link: string | null): URL | undefined {
  for (const part of (link ?? "").split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) {
      try {
        return new URL(m[1]);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const userOf = (u: GitHubUser | null | undefined): ForgeUser => ({ login: u?.login ?? "", id: u?.id, bot: u?.type === "Bot" });

export class GitHubForge implements Forge {
  readonly name = "GitHub" as const;
  readonly bodyLimit = GITHUB_BODY_LIMIT;
  private readonly rest: RestClient;
  private readonly repo: string;
  private readonly hints: { read: CallHints; comment: CallHints; issue: CallHints };

  static fromEnv(env: Env, fetch: Fetch): GitHubForge {
    const apiUrl = requiredUrl(env, "GITHUB_API_URL", "GitHub Actions sets it (https://api.github.com, or your GitHub Enterprise Server's /api/v3)");
    const repo = required(env, "GITHUB_REPOSITORY", "GitHub Actions sets it (owner/name)");
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new UsageError(`GITHUB_REPOSITORY must be owner/name, e.g. egi-federation/infra`);
    const tokenVar = env.GITHUB_TOKEN?.trim() ? "GITHUB_TOKEN" : env.GH_TOKEN?.trim() ? "GH_TOKEN" : undefined;
    if (!tokenVar) throw new UsageError("GITHUB_TOKEN (or GH_TOKEN) is not set: give the step env: GITHUB_TOKEN: ${{ github.token }}");
    return new GitHubForge(apiUrl, repo, env[tokenVar]!.trim(), tokenVar, fetch);
  }

  constructor(apiUrl: string, repo: string, token: string, tokenVar: string, fetch: Fetch) {
    this.repo = repo;
    this.rest = new RestClient({
      service: "GitHub API",
      baseUrl: apiUrl,
      baseUrlVar: "GITHUB_API_URL",
      token,
      fetch,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "egi-cdktf",
      },
    });
    const unauthorized = `${tokenVar} is not valid or has expired (give the step ${tokenVar}: \${{ github.token }})`;
    const notFound = "GITHUB_REPOSITORY and the pull request or issue number (--pr)";
    this.hints = {
      read: { unauthorized, notFound, forbidden: "the job's permissions: pull-requests: read and contents: read" },
      comment: { unauthorized, notFound, forbidden: "the job's permissions: pull-requests: write (a pull request from a fork gets a read-only token)" },
      issue: { unauthorized, notFound, forbidden: "the job's permissions: issues: write" },
    };
  }

  requestName(n: number): string {
    return `pull request #${n}`;
  }

  issueName(n: number): string {
    return `issue #${n}`;
  }

  async whoAmI(): Promise<ForgeIdentity> {
    // A personal token answers with its user; GITHUB_TOKEN and app tokens get 403 ("Resource not
    // accessible by integration"): they write as a bot (github-actions[bot], the app's [bot]).
    const me = await this.rest.call<GitHubUser>({ path: "/user", what: "ask who the token is", hints: this.hints.read, allow: [403, 404] });
    if (me.status === 200 && me.data?.login) {
      const login = me.data.login;
      return { describe: login, mine: (a) => a.login === login };
    }
    return { describe: "a bot (the token of a workflow or an app)", mine: (a) => a.bot };
  }

  async listComments(request: number): Promise<ForgeNote[]> {
    const all = await this.rest.all<GitHubComment>(
      { path: `/repos/${this.repo}/issues/${request}/comments?per_page=100`, what: `list the comments of ${this.requestName(request)}`, hints: this.hints.read },
      (a) => linkNext(a.headers.get("link")),
    );
    return all.map((c) => ({ id: c.id, body: c.body ?? "", author: userOf(c.user), url: c.html_url }));
  }

  async createComment(request: number, body: string): Promise<string> {
    const a = await this.rest.call<GitHubComment>({
      method: "POST",
      path: `/repos/${this.repo}/issues/${request}/comments`,
      body: { body },
      what: `comment on ${this.requestName(request)}`,
      hints: this.hints.comment,
    });
    return a.data?.html_url ?? `comment ${a.data?.id} on ${this.requestName(request)}`;
  }

  async updateComment(request: number, id: number, body: string): Promise<string> {
    const a = await this.rest.call<GitHubComment>({
      method: "PATCH",
      path: `/repos/${this.repo}/issues/comments/${id}`,
      body: { body },
      what: `update comment ${id} on ${this.requestName(request)}`,
      hints: this.hints.comment,
      idempotent: true,
    });
    return a.data?.html_url ?? `comment ${id} on ${this.requestName(request)}`;
  }

  async mergedRequestOf(sha: string): Promise<MergedRequest | undefined> {
    const pulls = await this.rest.all<GitHubPull>(
      { path: `/repos/${this.repo}/commits/${encodeURIComponent(sha)}/pulls?per_page=100`, what: `list the pull requests of commit ${sha}`, hints: { ...this.hints.read, notFound: "GITHUB_REPOSITORY and --sha (or GITHUB_SHA)" }, invalid: "--sha (a commit of this repository)" },
      (a) => linkNext(a.headers.get("link")),
    );
    const merged = pulls.filter((p) => p.merged_at);
    // The one merged as this very commit (merge, squash or rebase); else the last merged that holds it.
    const chosen = merged.find((p) => p.merge_commit_sha === sha) ?? merged.sort((a, b) => String(b.merged_at).localeCompare(String(a.merged_at)))[0];
    return chosen ? { number: chosen.number, url: chosen.html_url } : undefined;
  }

  async openIssues(label: string): Promise<ForgeNote[]> {
    const all = await this.rest.all<GitHubComment>(
      {
        path: `/repos/${this.repo}/issues?labels=${encodeURIComponent(label)}&state=open&sort=created&direction=asc&per_page=100`,
        what: `list the open issues labelled ${label}`,
        hints: this.hints.issue,
      },
      (a) => linkNext(a.headers.get("link")),
    );
    // The issues list holds pull requests too.
    return all.filter((i) => !i.pull_request && typeof i.number === "number").map((i) => ({ id: i.number!, body: i.body ?? "", author: userOf(i.user), url: i.html_url }));
  }

  async createIssue(title: string, body: string, label: string): Promise<string> {
    const a = await this.rest.call<GitHubComment>({ method: "POST", path: `/repos/${this.repo}/issues`, body: { title, body, labels: [label] }, what: "open an issue", hints: this.hints.issue });
    return a.data?.html_url ?? `issue #${a.data?.number}`;
  }

  async updateIssue(number: number, body: string): Promise<string> {
    const a = await this.rest.call<GitHubComment>({
      method: "PATCH",
      path: `/repos/${this.repo}/issues/${number}`,
      body: { body },
      what: `update ${this.issueName(number)}`,
      hints: this.hints.issue,
      idempotent: true,
    });
    return a.data?.html_url ?? this.issueName(number);
  }

  async closeIssue(number: number, comment: string): Promise<string> {
    await this.rest.call({ method: "POST", path: `/repos/${this.repo}/issues/${number}/comments`, body: { body: comment }, what: `comment on ${this.issueName(number)}`, hints: this.hints.issue });
    const a = await this.rest.call<GitHubComment>({
      method: "PATCH",
      path: `/repos/${this.repo}/issues/${number}`,
      body: { state: "closed", state_reason: "completed" },
      what: `close ${this.issueName(number)}`,
      hints: this.hints.issue,
      idempotent: true,
    });
    return a.data?.html_url ?? this.issueName(number);
  }
}
