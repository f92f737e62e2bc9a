import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../auth/write-file";
import { type Command, parseFlags, SETTING_FLAGS, SETTINGS_HELP, showArg, UsageError } from "../command";
import { checkOutputFile, checkTempFolder } from "../path-checks";
import { readFingerprint } from "../plan-summary/fingerprint";
import { runPlanSummary } from "../plan-summary/plan-summary";
import { redact } from "../plan-summary/report";
import { renderMarkdown } from "../plan-summary/render-markdown";
import { contextFromEnv } from "../plan-summary/synth";

/** GitHub refuses a comment body over this many characters ("Body is too long"). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A GitHub Actions step summary holds 1 MiB; the summary is cut below it, in bytes. */
const STEP_SUMMARY_BYTES = 1_048_576;

/** Synth, plan every stack, and summarize the changes and the quota they need, for a pull request comment. */
export const planSummaryCommand: Command = {
  name: "plan-summary",
  summary: "plan every stack; Markdown summary of changes and a quota check, for a PR comment",
  usage: `Usage: egi-cdktf plan-summary [STACK...] [--json] [--out FILE] [--max-chars N] [--full-out FILE] [--step-summary] [--changed-since REF] [--reviewed FILE] [--drift] [--app NAME] [--skip-synth] [settings]

In a cdktf project folder: synthesizes the app (its cdktf.json "app", as cdktf synth does), then for
each stack (or the STACKs named) runs terraform init, validate and plan, and prints a Markdown
summary: destroys and replacements first, with their cause; review hints (rules open to the world,
a floating IP without a key pair, volumes destroyed); per stack the resources to add, change,
replace and destroy, a diagram of its servers, the outputs that change and the warnings of synth and
terraform. Then the quota check: what the plans add (instances, vCPUs, RAM, volumes, volume GB,
floating IPs, security groups and rules) against what each project has left, from the site's own
APIs (Nova limits, Cinder limits, Neutron quotas), with the credential terraform uses (the hook's
clouds.yaml, else OS_TOKEN). Nothing is created. The summary's first line is a hidden marker naming
the app (see --app) that egi-cdktf pr-comment finds its comment by.
  --json               the summary as JSON instead of Markdown
  --out FILE           write the summary to FILE instead of stdout; checked before anything runs (its
                       folder exists and is writable, FILE is not a folder). Should writing fail all
                       the same, the summary goes to stdout
  --max-chars N        the longest Markdown summary, in characters [default 65536, GitHub's comment
                       limit; GitLab notes take 1000000; 0: no limit]. Totals, quota and destroys
                       always show; address lists are folded and cut, saying where the full text is
  --full-out FILE      also write the whole summary, never cut (keep it as the job's artifact)
  --step-summary       also append the summary to $GITHUB_STEP_SUMMARY (GitHub Actions; 1 MiB), where
                       the cut comment points to
  --changed-since REF  synthesize the app at git REF too (a temporary worktree) and plan only the
                       stacks whose synthesized folder differs; the others are listed as unchanged
  --reviewed FILE      a summary reviewed before (the merged pull request's): plan again and fail,
                       naming the stacks and resources, when the plans do more than it showed
  --drift              refresh-only plans: what changed on the site outside terraform; exit 2 when
                       anything did (no quota check)
  --app NAME           the app's name in the marker [default its folder relative to the git top]
  --skip-synth         plan the stacks already synthesized in the output folder
Exit status: 0 when every plan succeeds and nothing is over quota (or beyond --reviewed); 1
otherwise, with one line per failed stack, per resource over quota and per change not reviewed on
stderr (and at the top of the summary); with --drift, 2 when something drifted; 2 also for usage
errors (they write no summary). Saved plans go to a private temp folder, removed before exit. The
terraform binary is TERRAFORM_BINARY_NAME (e.g. tofu), else terraform.

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        json: { type: "boolean" },
        out: { type: "string" },
        "max-chars": { type: "string" },
        "full-out": { type: "string" },
        "step-summary": { type: "boolean" },
        "changed-since": { type: "string" },
        reviewed: { type: "string" },
        drift: { type: "boolean" },
        app: { type: "string" },
        "skip-synth": { type: "boolean" },
      },
      true,
      planSummaryCommand.usage,
    );
    const out = values.out as string | undefined;
    const fullOut = values["full-out"] as string | undefined;
    const drift = Boolean(values.drift);
    const maxChars = parseMaxChars(values["max-chars"] as string | undefined);
    const changedSince = nonEmpty(values["changed-since"], "--changed-since", "a git ref, e.g. --changed-since origin/main");
    const app = nonEmpty(values.app, "--app", "a name, e.g. --app infra/site-a");
    if (drift && changedSince !== undefined) throw new UsageError("--drift checks every stack: leave out --changed-since");
    if (drift && values.reviewed !== undefined) throw new UsageError("--drift makes no plan to compare with a review: leave out --reviewed");
    const stepSummary = values["step-summary"] ? io.env.GITHUB_STEP_SUMMARY : undefined;
    if (values["step-summary"] && !stepSummary) throw new UsageError("--step-summary appends to $GITHUB_STEP_SUMMARY, which is not set (GitHub Actions sets it in a step)");
    // Before synth and the plans (minutes): a summary with nowhere to go would be lost.
    if (out !== undefined) checkOutputFile({ flag: "--out", file: out, what: "summary", example: values.json ? "plan-summary.json" : "plan-summary.md" });
    if (fullOut !== undefined) checkOutputFile({ flag: "--full-out", file: fullOut, what: "full summary", example: "plan-summary-full.md" });
    const reviewed = values.reviewed === undefined ? undefined : readReviewed(values.reviewed as string);
    checkTempFolder();

    // Setting flags reach the app (its hook) and terraform as the variables they stand for.
    const env: Record<string, string | undefined> = { ...io.env };
    for (const [flag, variable] of Object.entries(SETTING_FLAGS)) if (typeof values[flag] === "string") env[variable] = values[flag] as string;
    contextFromEnv(env); // a malformed CDKTF_CONTEXT_JSON is refused now, not once terraform has started

    const secrets = new Set<string>();
    const { report } = await runPlanSummary({
      dir: process.cwd(),
      stacks: positionals,
      skipSynth: Boolean(values["skip-synth"]),
      mode: drift ? "drift" : "plan",
      ...(changedSince !== undefined ? { changedSince } : {}),
      ...(reviewed ? { reviewed } : {}),
      ...(app !== undefined ? { app } : {}),
      env,
      secrets,
      log: (line) => io.stderr(`${redact(line, secrets)}\n`),
    });
    let lost = false;
    if (!values.json && fullOut !== undefined) lost = !writeSummary(fullOut, "--full-out", redact(renderMarkdown(report), secrets), io.stderr) || lost;
    if (!values.json && stepSummary) appendStepSummary(stepSummary, redact(renderMarkdown(report, { maxChars: STEP_SUMMARY_BYTES / 2, ...fullTextOptions(io.env, fullOut, false) }), secrets), io.stderr);
    const rendered = redact(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report, { ...(maxChars ? { maxChars } : {}), ...fullTextOptions(io.env, fullOut, Boolean(stepSummary)) }),
      secrets,
    );
    const lostMain = out !== undefined && !writeSummary(out, "--out", rendered, io.stderr);
    if (out === undefined || lostMain) io.stdout(rendered);
    for (const line of report.failures) io.stderr(`egi-cdktf: ${redact(line, secrets)}\n`);
    if (!report.ok || lost || lostMain) return 1;
    return drift && report.driftFound ? 2 : 0;
  },
};

function nonEmpty(value: unknown, flag: string, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !value.trim()) throw new UsageError(`${flag} is empty; give ${example}`);
  return value;
}

function parseMaxChars(raw: string | undefined): number {
  if (raw === undefined) return GITHUB_COMMENT_LIMIT;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || (n !== 0 && n < 4000)) {
    throw new UsageError(`--max-chars ${showArg(raw)} must be 0 (no limit) or a whole number of characters of at least 4000, e.g. --max-chars 65536`);
  }
  return n;
}

function readReviewed(file: string): { markdown: string; file: string } {
  if (!file.trim()) throw new UsageError("--reviewed is empty; give the reviewed summary's file, e.g. --reviewed reviewed.md");
  let markdown: string;
  try {
    markdown = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--reviewed ${file}: cannot read it (${code ?? (err as Error).message}); give the reviewed summary's file (egi-cdktf reviewed-summary writes it)`);
  }
  readFingerprint(markdown, file); // no or a damaged fingerprint: exit 2 now, before synth and the plans
  return { markdown, file };
}

/** Where the comment's cut lines point: the step summary, the full file (as a GitLab artifact link), or the flag that shows all. */
function fullTextOptions(env: Readonly<Record<string, string | undefined>>, fullOut: string | undefined, stepSummary: boolean): { fullTextAt: string } {
  if (stepSummary && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return { fullTextAt: `the run's summary (${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID})` };
  }
  if (stepSummary) return { fullTextAt: "the job's step summary" };
  if (fullOut !== undefined && env.CI_JOB_URL && env.CI_PROJECT_DIR) {
    const rel = path.relative(env.CI_PROJECT_DIR, path.resolve(fullOut)).split(path.sep).join("/");
    if (!rel.startsWith("..")) return { fullTextAt: `the job's artifact ${rel} (${env.CI_JOB_URL}/artifacts/file/${rel})` };
  }
  if (fullOut !== undefined) return { fullTextAt: `\`${fullOut}\` (--full-out)` };
  return { fullTextAt: "the output of `egi-cdktf plan-summary --max-chars 0`" };
}

/**
 * Write a summary file, atomically (a reviewer never gets half of it); when that fails all the
 * same (the disk filled, the folder went), say so in one line and return false.
 */
function writeSummary(out: string, flag: string, text: string, stderr: (line: string) => void): boolean {
  try {
    writeFileAtomic(out, text, { setting: flag });
    return true;
  } catch (err) {
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    stderr(`egi-cdktf: ${flag} ${out}: cannot write it (${cause?.code ?? (err as Error).message})${flag === "--out" ? "; the summary follows on stdout" : ""}\n`);
    return false;
  }
}

/** Append to the step summary, cut to its 1 MiB; a failure is one warning line (the comment still goes out). */
function appendStepSummary(file: string, text: string, stderr: (line: string) => void): void {
  const bytes = Buffer.from(text, "utf8");
  const fitted = bytes.length <= STEP_SUMMARY_BYTES ? text : bytes.subarray(0, STEP_SUMMARY_BYTES - 200).toString("utf8").replace(/\uFFFD$/, "") + "\n\n(cut at the step summary's 1 MiB)\n";
  try {
    fs.appendFileSync(file, fitted);
  } catch (err) {
    stderr(`egi-cdktf: --step-summary: cannot append to $GITHUB_STEP_SUMMARY (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
  }
}
