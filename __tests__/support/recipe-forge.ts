/**
 * GitHub's side of a recipe job (examples/ci/github-actions.yml) run against the stand-in forge
 * (forge-stand-in.ts): the event a job runs on and its event file, the variables GitHub sets in a
 * step, and the recipe's step conditions (`if:`) decided as GitHub decides them for that event, so
 * that a job runs the steps it would run on GitHub, no more. A condition this file does not know
 * throws: a recipe change shows in the test instead of a step silently run or skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ForgeStandIn, GITHUB_REPO, githubEnv } from "./forge-stand-in";

/** The recipe's steps that talk to the forge: they get the step's GITHUB_TOKEN, and GITHUB_ACTIONS=true to find the forge. */
export const FORGE_STEP = /^npx egi-cdktf (pr-comment|reviewed-summary|drift-issue) /;

/** What triggered a run: GITHUB_EVENT_NAME, the payload GitHub writes to GITHUB_EVENT_PATH, and GITHUB_SHA. */
export interface GithubEvent {
  readonly name: "pull_request" | "push" | "schedule";
  readonly payload: Readonly<Record<string, unknown>>;
  readonly sha: string;
}

/** A pull_request event (`opened`, `labeled` with `label`): its number and labels are what the recipe reads. */
export function pullRequestEvent(number: number, sha: string, action: "opened" | "labeled", labels: readonly string[], label?: string): GithubEvent {
  const pullRequest = { number, labels: labels.map((name) => ({ name })), head: { sha } };
  return { name: "pull_request", sha, payload: { action, number, pull_request: pullRequest, ...(label ? { label: { name: label } } : {}), repository: { full_name: GITHUB_REPO } } };
}

/** A push to main (a merge): GITHUB_SHA is the merge commit. */
export function pushEvent(sha: string): GithubEvent {
  return { name: "push", sha, payload: { ref: "refs/heads/main", after: sha, repository: { full_name: GITHUB_REPO } } };
}

/** The recipe's daily drift job. */
export function scheduleEvent(sha: string): GithubEvent {
  return { name: "schedule", sha, payload: { schedule: "23 5 * * *", repository: { full_name: GITHUB_REPO } } };
}

/** Writes the event's payload under `folder` as GitHub does before a job (a file per run); its path. */
export function writeEventFile(folder: string, event: GithubEvent): string {
  const file = path.join(folder, `event-${fs.readdirSync(folder).length + 1}.json`);
  fs.writeFileSync(file, JSON.stringify(event.payload));
  return file;
}

/**
 * The variables GitHub sets in a step, pointing at the stand-in. GITHUB_TOKEN only in a forge step
 * (the recipe gives it in those steps' env), and GITHUB_ACTIONS=true only there too: with it set,
 * egi-cdktf writes each token it derives in an `::add-mask::` line, which the secret scans would
 * take for a leak (the recipe site test checks those lines with it set everywhere).
 */
export function githubStepEnv(standIn: ForgeStandIn, event: GithubEvent, eventFile: string, forgeStep: boolean): Record<string, string> {
  const own = { GITHUB_EVENT_NAME: event.name, GITHUB_EVENT_PATH: eventFile, GITHUB_SHA: event.sha };
  if (forgeStep) return Object.fromEntries(Object.entries(githubEnv(standIn, own)).filter((e): e is [string, string] => e[1] !== undefined));
  return { GITHUB_API_URL: standIn.githubApiUrl, GITHUB_REPOSITORY: GITHUB_REPO, ...own };
}

/** What a step's condition may read besides the event: the job's folder (hashFiles) and earlier steps' outcomes (by id). */
export interface StepContext {
  readonly event: GithubEvent;
  readonly cwd: string;
  readonly outcomes: Readonly<Record<string, "success" | "failure" | "skipped">>;
}

/**
 * Whether GitHub runs a step whose `if:` is `condition` ("" for none), the job having gone well so
 * far (each earlier step passed, or the test stops): `&&` of always(), hashFiles('F') != '',
 * steps.ID.outcome == 'success' and [!]contains(github.event.pull_request.labels.*.name, 'L').
 */
export function stepRuns(condition: string, ctx: StepContext): boolean {
  if (!condition.trim()) return true;
  return condition.split(/\s*&&\s*/).every((part) => {
    let m: RegExpExecArray | null;
    if (part === "always()") return true;
    if ((m = /^hashFiles\('([^']+)'\) != ''$/.exec(part))) return fs.existsSync(path.join(ctx.cwd, m[1]));
    if ((m = /^steps\.([\w-]+)\.outcome == '(\w+)'$/.exec(part))) return ctx.outcomes[m[1]] === m[2];
    if ((m = /^(!?)contains\(github\.event\.pull_request\.labels\.\*\.name, '([^']+)'\)$/.exec(part))) {
      const labels = ((ctx.event.payload.pull_request as { labels?: Array<{ name: string }> } | undefined)?.labels ?? []).map((l) => l.name);
      return labels.includes(m[2]) !== (m[1] === "!");
    }
    throw new Error(`recipe-forge: the step condition ${JSON.stringify(part)} (of ${JSON.stringify(condition)}) is not one this test decides; add it to stepRuns`);
  });
}
