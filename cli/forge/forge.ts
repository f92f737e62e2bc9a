/**
 * The forge a CI job runs on (GitHub Actions or GitLab CI), found from the variables each sets, and
 * what the forge commands ask of it: a pull (merge) request's comments, the request a commit was
 * merged by, the issues with a label. One interface for both, so the commands hold no forge's
 * details; each is a REST client of the forge's documented API (github.ts, gitlab.ts).
 */
import * as fs from "node:fs";
import { createHttpClient, type Fetch } from "../../auth/http";
import { UsageError } from "../command";
import type { Env } from "./env";
import { GitHubForge } from "./github";
import { GitLabForge } from "./gitlab";

export interface ForgeUser {
  readonly login: string;
  /** GitLab's numeric user id; GitHub's too. */
  readonly id?: number;
  /** A bot account: GitHub's `type: "Bot"` (github-actions[bot], an app), GitLab's `bot: true` (a project or group access token). */
  readonly bot: boolean;
}

/** A comment (GitHub issue comment, GitLab note) or an issue: what the commands read of it. */
export interface ForgeNote {
  readonly id: number;
  readonly body: string;
  readonly author: ForgeUser;
  /** Where a person sees it, when the forge says. */
  readonly url?: string;
}

/** Who the token is: the comments it wrote are the ones it may edit. */
export interface ForgeIdentity {
  /** How messages name it: "github-actions[bot] (GITHUB_TOKEN)". */
  readonly describe: string;
  /** True for what this token wrote (and so can edit). */
  mine(author: ForgeUser): boolean;
}

export interface MergedRequest {
  readonly number: number;
  readonly url: string;
}

export interface Forge {
  readonly name: "GitHub" | "GitLab";
  /** The longest comment or issue body the forge takes, in characters. */
  readonly bodyLimit: number;
  /** "pull request #12", "merge request !12". */
  requestName(n: number): string;
  /** "issue #3". */
  issueName(n: number): string;
  whoAmI(): Promise<ForgeIdentity>;
  /** Every comment of a pull (merge) request, oldest first; no system notes. */
  listComments(request: number): Promise<ForgeNote[]>;
  /** The new comment's URL. */
  createComment(request: number, body: string): Promise<string>;
  /** The comment's URL. */
  updateComment(request: number, id: number, body: string): Promise<string>;
  /** The pull (merge) request merged as `sha`, or undefined when none was (a direct push). */
  mergedRequestOf(sha: string): Promise<MergedRequest | undefined>;
  /** The open issues with `label`, oldest first (`id` is the issue's number). */
  openIssues(label: string): Promise<ForgeNote[]>;
  createIssue(title: string, body: string, label: string): Promise<string>;
  updateIssue(number: number, body: string): Promise<string>;
  /** Comment on the issue, then close it; its URL. */
  closeIssue(number: number, comment: string): Promise<string>;
}

export interface ForgeFromEnvOptions {
  /** For tests. @default the auth chain's client (EGI_HTTP_TIMEOUT, retries) */
  readonly fetch?: Fetch;
}

/** The forge of this CI job; a usage error when neither GitHub Actions nor GitLab CI is. */
export function forgeFromEnv(env: Env, options: ForgeFromEnvOptions = {}): Forge {
  const fetch = options.fetch ?? createHttpClient({ env }).fetch;
  if (env.GITHUB_ACTIONS === "true") return GitHubForge.fromEnv(env, fetch);
  if (env.GITLAB_CI === "true") return GitLabForge.fromEnv(env, fetch);
  throw new UsageError("no CI forge found: run it in a GitHub Actions job (GITHUB_ACTIONS=true) or a GitLab CI job (GITLAB_CI=true)");
}

/** `--pr N` as a number, or a usage error. */
export function parseRequestNumber(raw: string, flag = "--pr"): number {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be the pull (merge) request's number, e.g. ${flag} 12`);
  return n;
}

/**
 * The pull (merge) request of this job: `--pr`, else GitLab's CI_MERGE_REQUEST_IID, else the
 * pull_request (or an issue_comment's pull request) of GitHub's event file at GITHUB_EVENT_PATH.
 */
export function requestNumberFromEnv(forge: Forge, env: Env, pr: string | undefined): number {
  if (pr !== undefined) return parseRequestNumber(pr);
  if (forge.name === "GitLab") {
    const iid = env.CI_MERGE_REQUEST_IID?.trim();
    if (!iid) throw new UsageError("CI_MERGE_REQUEST_IID is not set (a merge request pipeline sets it: rules: if: $CI_PIPELINE_SOURCE == \"merge_request_event\"); or give --pr N");
    return parseRequestNumber(iid, "CI_MERGE_REQUEST_IID");
  }
  const file = env.GITHUB_EVENT_PATH?.trim();
  if (!file) throw new UsageError("GITHUB_EVENT_PATH is not set (GitHub Actions sets it): give --pr N");
  let event: { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  try {
    event = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`GITHUB_EVENT_PATH ${file}: cannot read its JSON (${(err as NodeJS.ErrnoException).code ?? "not JSON"}); give --pr N`);
  }
  const n = event?.pull_request?.number ?? (event?.issue?.pull_request ? event.issue.number : undefined);
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError("the event at GITHUB_EVENT_PATH has no pull request (run it on: pull_request), or give --pr N");
  }
  return n;
}
