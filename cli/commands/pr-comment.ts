import { type Command, parseFlags, showArg, UsageError } from "../command";
import { forgeFromEnv, requestNumberFromEnv } from "../forge/forge";
import { markerName, stickyNotes } from "../forge/sticky";
import { checkBodyLength, readSummaryFile } from "../forge/summary-file";

/**
 * One comment per app and kind on a pull (merge) request, updated on every push instead of a new
 * one each time: the reviewers read the summary of the code they review, and the page is not
 * buried under old summaries. Found again by the marker on the summary's first line.
 */
export const prCommentCommand: Command = {
  name: "pr-comment",
  summary: "post a summary as the pull (merge) request's one egi-cdktf comment, updating it on every push",
  usage: `Usage: egi-cdktf pr-comment FILE [--pr N]

Posts FILE (a summary of egi-cdktf plan-summary --out FILE) as a comment on this job's pull request
(GitHub) or merge request (GitLab), or updates the comment posted before for the same app and kind:
the one whose first line is the same hidden marker (<!-- egi-cdktf:plan-summary app=... -->) and
that the same token wrote. Comments of people, of other bots, of other apps in the same repository
and of the other kind (a drift report) are left alone. When several match, the newest is updated and
the others are named. Prints the comment's URL.
--pr N   the pull (merge) request [default: GitHub: the pull_request of the event file at
         GITHUB_EVENT_PATH; GitLab: CI_MERGE_REQUEST_IID]
GitHub Actions (GITHUB_ACTIONS=true): GITHUB_API_URL, GITHUB_REPOSITORY, and the token in
GITHUB_TOKEN (or GH_TOKEN), with the job's permissions: pull-requests: write
GitLab CI (GITLAB_CI=true): CI_API_V4_URL, CI_PROJECT_ID, and GITLAB_NOTE_TOKEN: a project access
token with the api scope (Reporter role or above), sent as PRIVATE-TOKEN
FILE must fit a comment: 65536 characters on GitHub, 1000000 on GitLab (plan-summary --max-chars).
Exit status: 0 when posted; 1 when the forge refused or was unreachable (one line with the HTTP
status and what to check, never the token); 2 for usage errors (FILE missing or without a marker,
too long, a variable not set). EGI_HTTP_TIMEOUT: seconds per request [30].`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { pr: { type: "string" } }, true, prCommentCommand.usage);
    if (positionals.length === 0) throw new UsageError("FILE is missing: egi-cdktf pr-comment plan-summary.md");
    if (positionals.length > 1) throw new UsageError(`one FILE only; unexpected argument ${showArg(positionals[1])}`);
    const file = positionals[0];
    const { body, marker } = readSummaryFile(file);
    const forge = forgeFromEnv(io.env);
    checkBodyLength(file, body, forge);
    const request = requestNumberFromEnv(forge, io.env, values.pr as string | undefined);
    const where = forge.requestName(request);

    const me = await forge.whoAmI();
    const { newest, older } = stickyNotes(await forge.listComments(request), marker, me);
    if (older.length) {
      io.stderr(`${older.length + 1} comments of the ${markerName(marker)} by ${me.describe} on ${where}: updating the newest (${newest!.id}), leaving ${older.map((n) => n.id).join(", ")} as they are\n`);
    }
    if (newest && newest.body === body) {
      io.stderr(`the ${markerName(marker)} on ${where} is up to date\n`);
      io.stdout(`${newest.url ?? `comment ${newest.id}`}\n`);
      return 0;
    }
    const url = newest ? await forge.updateComment(request, newest.id, body) : await forge.createComment(request, body);
    io.stderr(`${newest ? "updated" : "posted"} the ${markerName(marker)} on ${where}\n`);
    io.stdout(`${url}\n`);
    return 0;
  },
};
