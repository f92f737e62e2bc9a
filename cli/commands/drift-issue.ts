import { type Command, parseFlags, showArg, UsageError } from "../command";
import { driftFoundIn, driftFoundLine } from "../forge/drift-found";
import { forgeFromEnv } from "../forge/forge";
import { stickyNotes } from "../forge/sticky";
import { checkBodyLength, readSummaryFile } from "../forge/summary-file";

/** The label of drift issues: how drift-issue finds the open one (with the marker's app). */
export const DRIFT_LABEL = "egi-cdktf-drift";

/**
 * One open issue per app while its site differs from its state, kept current by the scheduled drift
 * job and closed when the drift is gone: a place to discuss and assign it, that nobody has to
 * remember to close, and no new issue every night.
 */
export const driftIssueCommand: Command = {
  name: "drift-issue",
  summary: "open, update or close the app's drift issue from a plan-summary --drift report",
  usage: `Usage: egi-cdktf drift-issue FILE

FILE is a drift report (egi-cdktf plan-summary --drift --out FILE). While it says drift was found
(its hidden line ${driftFoundLine(true)}), keeps one open issue labelled
${DRIFT_LABEL} with FILE as its text: opens it, or updates the open one of the same app (found by
the label and the marker on its first line, written by the same token). When FILE says no drift
(${driftFoundLine(false)}), closes it (and any older one of the app) with a comment;
with none open, does nothing. Prints the issue's URL.
GitHub Actions (GITHUB_ACTIONS=true): GITHUB_API_URL, GITHUB_REPOSITORY, and the token in
  GITHUB_TOKEN (or GH_TOKEN), with the job's permissions: issues: write
GitLab CI (GITLAB_CI=true): CI_API_V4_URL, CI_PROJECT_ID, and GITLAB_NOTE_TOKEN (api scope,
  Reporter role or above)
Exit status: 0 when the issue is as FILE says; 1 when the forge refused or was unreachable (one
line with the HTTP status and what to check, never the token), or when FILE found no drift but
could not check every stack (${driftFoundLine("unknown")}: the issue is left as it is); 2 for usage errors (FILE missing,
not a drift report, too long, a variable not set). EGI_HTTP_TIMEOUT: seconds per request [30].`,
  async run(argv, io) {
    const { positionals } = parseFlags(argv, {}, true, driftIssueCommand.usage);
    if (positionals.length === 0) throw new UsageError("FILE is missing: egi-cdktf drift-issue drift.md");
    if (positionals.length > 1) throw new UsageError(`one FILE only; unexpected argument ${showArg(positionals[1])}`);
    const file = positionals[0];
    const { body, marker } = readSummaryFile(file, "drift");
    const found = driftFoundIn(body);
    if (found === "unknown") {
      // A stack could not be checked: its drift is unknown, so an open issue is neither closed nor changed.
      io.stderr(`egi-cdktf: ${file}: some stacks could not be checked for drift (plan-summary --drift exited 1); the drift issue is left as it is\n`);
      return 1;
    }
    if (found === undefined) throw new UsageError(`FILE ${file} says neither that drift was found nor that none was (${driftFoundLine(true)}): give the report egi-cdktf plan-summary --drift --out FILE wrote`);
    const forge = forgeFromEnv(io.env);
    checkBodyLength(file, body, forge);

    const me = await forge.whoAmI();
    const { newest, older } = stickyNotes(await forge.openIssues(DRIFT_LABEL), marker, me);
    const app = `app ${marker.app}`;
    if (!found) {
      if (!newest) {
        io.stderr(`no drift in ${app}, and no open drift issue: nothing to do\n`);
        return 0;
      }
      let url = "";
      for (const issue of [newest, ...older]) {
        url = await forge.closeIssue(issue.id, `No drift any more: the latest refresh-only plan of ${app} found no change outside terraform. Closed by \`egi-cdktf drift-issue\`.`);
        io.stderr(`closed ${forge.issueName(issue.id)}: no drift in ${app}\n`);
        io.stdout(`${url}\n`);
      }
      return 0;
    }
    if (older.length) io.stderr(`${older.length + 1} open drift issues of ${app}: updating the newest (${forge.issueName(newest!.id)}), leaving ${older.map((i) => forge.issueName(i.id)).join(", ")} as they are\n`);
    if (newest && newest.body === body) {
      io.stderr(`${forge.issueName(newest.id)} (drift in ${app}) is up to date\n`);
      io.stdout(`${newest.url ?? forge.issueName(newest.id)}\n`);
      return 0;
    }
    const url = newest ? await forge.updateIssue(newest.id, body) : await forge.createIssue(driftTitle(marker.app), body, DRIFT_LABEL);
    io.stderr(`${newest ? `updated ${forge.issueName(newest.id)}` : "opened an issue"}: drift in ${app}\n`);
    io.stdout(`${url}\n`);
    return 0;
  },
};

/** The issue's title: what happened, and where. */
export function driftTitle(app: string): string {
  return `Drift: resources changed outside terraform (egi-cdktf app ${app})`;
}
