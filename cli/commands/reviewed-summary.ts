import { writeFileAtomic } from "../../auth/write-file";
import { type Command, parseFlags, UsageError } from "../command";
import { forgeFromEnv } from "../forge/forge";
import { markerName, stickyNotes } from "../forge/sticky";
import { checkOutputFile } from "../path-checks";
import { appIdFor, type SummaryMarker } from "../plan-summary/marker";

/** A commit id as git writes it: 7 to 64 hex digits (SHA-1 or SHA-256). */
const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * On the main branch after a merge: the plan summary the reviewers saw on the pull (merge) request
 * merged as this commit, for `plan-summary --reviewed FILE` to hold the deploy to it. A direct push
 * was reviewed by nobody: that is a failure, not an empty summary.
 */
export const reviewedSummaryCommand: Command = {
  name: "reviewed-summary",
  summary: "write the plan summary reviewed on the pull (merge) request merged as this commit, for plan-summary --reviewed",
  usage: `Usage: egi-cdktf reviewed-summary --out FILE [--app NAME] [--sha SHA]

On the main branch after a merge: finds the pull request (GitHub) or merge request (GitLab) merged
as commit SHA, and writes its plan summary comment for this app (the one egi-cdktf pr-comment
posted, by the same token) to FILE, for egi-cdktf plan-summary --reviewed FILE.
  --out FILE   where to write the summary (checked before anything is asked)
  --app NAME   the app of the summary [default: this folder relative to the git top, as
               plan-summary names it]
  --sha SHA    the merged commit [default GITHUB_SHA on GitHub, CI_COMMIT_SHA on GitLab]
GitHub Actions (GITHUB_ACTIONS=true): GITHUB_API_URL, GITHUB_REPOSITORY, and the token in
  GITHUB_TOKEN (or GH_TOKEN), with the job's permissions: pull-requests: read, contents: read
GitLab CI (GITLAB_CI=true): CI_API_V4_URL, CI_PROJECT_ID, and GITLAB_NOTE_TOKEN (api scope)
Exit status: 0 when written; 1 when the commit was merged by no pull request (a direct push:
nothing was reviewed), the pull request has no summary of this app, or the forge refused (one line,
never the token); 2 for usage errors. EGI_HTTP_TIMEOUT: seconds per request [30].`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { out: { type: "string" }, app: { type: "string" }, sha: { type: "string" } }, false, reviewedSummaryCommand.usage);
    if (values.out === undefined) throw new UsageError("--out FILE is missing: egi-cdktf reviewed-summary --out reviewed.md");
    const out = values.out as string;
    checkOutputFile({ flag: "--out", file: out, what: "reviewed summary", example: "reviewed.md", replaceByRename: true });
    const app = values.app as string | undefined;
    if (app !== undefined && !app.trim()) throw new UsageError("--app is empty; give a name, e.g. --app infra/site-a");
    const forge = forgeFromEnv(io.env);
    const shaVar = forge.name === "GitHub" ? "GITHUB_SHA" : "CI_COMMIT_SHA";
    const sha = ((values.sha as string | undefined) ?? io.env[shaVar] ?? "").trim();
    if (!sha) throw new UsageError(`${shaVar} is not set: give --sha SHA, the merged commit`);
    if (!SHA.test(sha)) throw new UsageError(`${values.sha !== undefined ? "--sha" : shaVar} must be a commit id (hex), e.g. --sha 3f2a9c1`);
    const marker: SummaryMarker = { kind: "plan-summary", app: app ?? appIdFor(process.cwd()) };

    const merged = await forge.mergedRequestOf(sha);
    if (!merged) throw new Error(`commit ${sha} was merged by no ${forge.name === "GitHub" ? "pull request" : "merge request"}: a direct push, reviewed by nobody, so there is no reviewed summary`);
    const where = forge.requestName(merged.number);
    const me = await forge.whoAmI();
    const { newest, older } = stickyNotes(await forge.listComments(merged.number), marker, me);
    if (!newest) throw new Error(`${where} (${merged.url}) has no comment with the ${markerName(marker)} by ${me.describe}; egi-cdktf pr-comment posts it (is --app the app's name there?)`);
    if (older.length) io.stderr(`${older.length + 1} comments of the ${markerName(marker)} on ${where}: using the newest (${newest.id})\n`);
    writeFileAtomic(out, newest.body, { setting: "--out" });
    io.stdout(`wrote the ${markerName(marker)} reviewed on ${where} (${newest.url ?? merged.url}) to ${out}\n`);
    return 0;
  },
};
