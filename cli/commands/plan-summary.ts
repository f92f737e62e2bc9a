import { writeFileAtomic } from "../../auth/write-file";
import { type Command, parseFlags, SETTING_FLAGS, SETTINGS_HELP } from "../command";
import { checkOutputFile, checkTempFolder } from "../path-checks";
import { runPlanSummary } from "../plan-summary/plan-summary";
import { redact } from "../plan-summary/report";
import { renderMarkdown } from "../plan-summary/render-markdown";
import { contextFromEnv } from "../plan-summary/synth";

/** Synth, plan every stack, and summarize the changes and the quota they need, for a pull request comment. */
export const planSummaryCommand: Command = {
  name: "plan-summary",
  summary: "plan every stack; Markdown summary of changes and a quota check, for a PR comment",
  usage: `Usage: egi-cdktf plan-summary [STACK...] [--json] [--out FILE] [--skip-synth] [settings]

In a cdktf project folder: synthesizes the app (its cdktf.json "app", as cdktf synth does), then for
each stack (or the STACKs named) runs terraform init, validate and plan, and prints a Markdown
summary: per stack the resources to add, change, replace and destroy, the outputs that change and
the warnings of synth and terraform. Then the quota check: what the plans add (instances, vCPUs,
RAM, volumes, volume GB, floating IPs, security groups and rules) against what each project has
left, from the site's own APIs (Nova limits, Cinder limits, Neutron quotas), with the credential
terraform uses (the hook's clouds.yaml, else OS_TOKEN). Nothing is created.
  --json         the summary as JSON instead of Markdown
  --out FILE     write the summary to FILE instead of stdout; checked before anything runs (its
                 folder exists and is writable, FILE is not a folder). Should writing fail all the
                 same, the summary goes to stdout
  --skip-synth   plan the stacks already synthesized in the output folder
Exit status: 0 when every plan succeeds and nothing is over quota; 1 otherwise, with one line per
failed stack and per resource over quota on stderr (and at the top of the summary); 2 for usage
errors. Saved plans go to a private temp folder, removed before exit. The terraform binary is
TERRAFORM_BINARY_NAME (e.g. tofu), else terraform.

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { json: { type: "boolean" }, out: { type: "string" }, "skip-synth": { type: "boolean" } }, true, planSummaryCommand.usage);
    const out = values.out as string | undefined;
    // Before synth and the plans (minutes): a summary with nowhere to go would be lost.
    if (out !== undefined) checkOutputFile({ flag: "--out", file: out, what: "summary", example: values.json ? "plan-summary.json" : "plan-summary.md" });
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
      env,
      secrets,
      log: (line) => io.stderr(`${redact(line, secrets)}\n`),
    });
    const rendered = redact(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report), secrets);
    const lost = out !== undefined && !writeSummary(out, rendered, io.stderr);
    if (out === undefined || lost) io.stdout(rendered);
    for (const line of report.failures) io.stderr(`egi-cdktf: ${redact(line, secrets)}\n`);
    return report.ok && !lost ? 0 : 1;
  },
};

/**
 * Write the summary to --out, atomically (a reviewer never gets half of it); when that fails all the
 * same (the disk filled, the folder went), say so in one line and return false: it goes to stdout instead.
 */
function writeSummary(out: string, text: string, stderr: (line: string) => void): boolean {
  try {
    writeFileAtomic(out, text, { setting: "--out" });
    return true;
  } catch (err) {
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    stderr(`egi-cdktf: --out ${out}: cannot write it (${cause?.code ?? (err as Error).message}); the summary follows on stdout\n`);
    return false;
  }
}
