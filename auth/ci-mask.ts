/**
 * Masking the secrets egi-cdktf derives in GitHub Actions logs: each Check-in access token (and a
 * rotated refresh token), Keystone token and application credential secret, whether fetched or read
 * from the token cache, is registered with the workflow command `::add-mask::VALUE` before anything
 * could print it, once per value per process. Outside GitHub Actions (GITHUB_ACTIONS is not `true`)
 * nothing is written. egi-cdktf never prints these values itself (plan-summary also redacts them);
 * the mask covers what it cannot control: terraform's or a provider's debug log (TF_LOG), a user's
 * `echo "$OS_TOKEN"` after `egi-cdktf token`, a later step of the same job.
 *
 * What this relies on, and where it was checked (actions/runner and cdktf-cli 0.21 sources):
 * - The runner honours workflow commands on stderr as well as stdout. GitHub's docs say commands
 *   "are sent to the runner over stdout" (docs.github.com, "Workflow commands for GitHub Actions"),
 *   but the runner reads both: src/Runner.Worker/Handlers/ScriptHandler.cs hands
 *   StepHost.OutputDataReceived and StepHost.ErrorDataReceived each to an OutputManager, whose
 *   OnDataReceived (OutputManager.cs) passes every line to ActionCommandManager.TryProcessCommand.
 * - A `::` command counts only at the start of a line (leading spaces allowed):
 *   ActionCommand.TryParseV2 (src/Runner.Common/ActionCommand.cs) does `message.TrimStart()` then
 *   `StartsWith("::")`. Its data is unescaped (%25, %0D, %0A), so we escape it the same way.
 *   AddMaskCommandExtension (ActionCommandManager.cs) adds the value to the job's SecretMasker: every
 *   later line of the job, in any step, shows `***` instead. The command line itself is not echoed.
 * - The runner reads stdout and stderr on separate readers: no order between the two streams is
 *   promised. A mask line and a later line holding the value must go to the same stream to be
 *   sure the mask comes first.
 * - cdktf-cli runs the app (where the hook, auth/hook.ts, derives the credentials) through
 *   @cdktf/commons `shell()` (cli-core src/lib/synth-stack.js, for synth, diff, deploy, destroy):
 *   each stdout chunk of the app is printed at once with console.log, unchanged (checked with
 *   `cdktf deploy` 0.21.0: the app's `::add-mask::` line reached cdktf's stdout as is). That needs
 *   CI set (GitHub sets CI=true in every step): without it, or with CI=false, cdktf's terminal UI
 *   (ink) writes cursor codes before the line, and the runner no longer sees a command in it;
 *   the app's stderr is kept for the error message and printed by cdktf's logger as
 *   `[<time>] [ERROR] default - <line>`, which is no longer a command (and would show the value).
 *   So inside the app the mask goes to stdout.
 * - `egi-cdktf plan-summary` runs the app itself (cli/plan-summary/synth.ts) with its output piped:
 *   it forwards the app's mask lines at once, to its own stderr (its stdout may be the summary).
 * - In egi-cdktf's own commands stdout is data (`$(egi-cdktf token)`, `eval "$(egi-cdktf env)"`,
 *   `plan-summary --json`): the mask goes to stderr, which the runner reads too. A command that
 *   prints the token itself (token, env) may show it before the runner has read the mask from the
 *   other stream: capture it, do not print it, in CI.
 *
 * Where it runs is told by CDKTF_OUTDIR, which cdktf-cli (and plan-summary's synth) set for the app.
 * GitLab CI has no run-time masking command: there only CI/CD variables marked "masked" are masked.
 */

/** GitHub Actions sets GITHUB_ACTIONS=true in every step. */
export const inGitHubActions = (env: Readonly<Record<string, string | undefined>> = process.env): boolean => env.GITHUB_ACTIONS === "true";

/** The workflow command's prefix: a line that starts with it registers a mask. */
export const ADD_MASK = "::add-mask::";

/** `::add-mask::VALUE` as the runner unescapes it (ActionCommand's data escapes: %, CR, LF). */
export function addMaskCommand(value: string): string {
  return `${ADD_MASK}${value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}`;
}

/** True for a line the runner takes as an add-mask command. */
export const isAddMaskLine = (line: string): boolean => line.trimStart().startsWith(ADD_MASK);

export interface MaskOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the command line goes.
   * @default stdout inside a cdktf app (CDKTF_OUTDIR set), else stderr
   */
  readonly write?: (line: string) => void;
}

const masked = new Set<string>();

function defaultWrite(env: Readonly<Record<string, string | undefined>>): (line: string) => void {
  // process.stdout/stderr writes to pipes and files are synchronous on Linux and macOS: the line is
  // out before the caller goes on to use the value.
  return env.CDKTF_OUTDIR ? (line) => process.stdout.write(line) : (line) => process.stderr.write(line);
}

/**
 * Register `value` with the GitHub Actions runner's log masking, once per process; a no-op outside
 * GitHub Actions and for an empty value. Call it as soon as a secret is in hand, before it is used.
 */
export function maskSecret(value: string | undefined, options: MaskOptions = {}): void {
  const env = options.env ?? process.env;
  if (!value || !value.trim() || !inGitHubActions(env) || masked.has(value)) return;
  masked.add(value);
  (options.write ?? defaultWrite(env))(`${addMaskCommand(value)}\n`);
}

/** The fields of a token cache entry that hold secrets (identity, keystone and appcred entries). */
const SECRET_FIELDS = ["accessToken", "refreshToken", "token", "secret"] as const;

/** Mask the secret fields of an entry read from the token cache (see cache-entries.ts). */
export function maskCacheEntry(entry: unknown, options: MaskOptions = {}): void {
  if (!entry || typeof entry !== "object") return;
  for (const field of SECRET_FIELDS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === "string") maskSecret(value, options);
  }
}
