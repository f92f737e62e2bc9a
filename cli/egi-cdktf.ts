/**
 * egi-cdktf: EGI Check-in -> Keystone tokens from the command line, replacing the docs page's
 * get-token.py / get-projects.py scripts. Usage errors and auth errors print one line, no stack.
 */
import { EgiAuthError, type EgiAuthErrorCode } from "../auth/errors";
import { type Command, type Io, rejectSecretFlags, showArg, UsageError } from "./command";

/**
 * The commands by name, each module loaded only when its command runs (or shows --help): a warm
 * `egi-cdktf token` then loads neither plan-summary's nor context's modules. `summary` repeats the
 * command module's own, so `egi-cdktf --help` loads none of them.
 */
interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Command;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: "init",
    summary: "create a new app (a stack with one VM) for cdktf or cdktn, ready to deploy",
    load: () => (require("./commands/init") as typeof import("./commands/init")).initCommand,
  },
  {
    name: "doctor",
    summary: "check that this Node.js (22, 24, 26) and the app's cdktf-cli work together; --fix builds node-pty",
    load: () => (require("./commands/doctor") as typeof import("./commands/doctor")).doctorCommand,
  },
  {
    name: "token",
    summary: "print a Keystone token scoped to OS_PROJECT_ID (like get-token.py)",
    load: () => (require("./commands/token") as typeof import("./commands/token")).tokenCommand,
  },
  {
    name: "end-app-credentials",
    summary: "end the hook's application credentials when a deploy is over (openstack application credential delete)",
    load: () => (require("./commands/end-app-credentials") as typeof import("./commands/end-app-credentials")).endAppCredentialsCommand,
  },
  {
    name: "projects",
    summary: "list the projects you can use at OS_AUTH_URL (like get-projects.py)",
    load: () => (require("./commands/projects") as typeof import("./commands/projects")).projectsCommand,
  },
  {
    name: "env",
    summary: "print shell exports of OS_AUTH_URL, OS_PROJECT_ID, OS_TOKEN for eval",
    load: () => (require("./commands/env") as typeof import("./commands/env")).envCommand,
  },
  {
    name: "exec",
    summary: "run a command (terraform, tofu, openstack, ...) with OS_TOKEN and friends set",
    load: () => (require("./commands/exec") as typeof import("./commands/exec")).execCommand,
  },
  {
    name: "context",
    summary: "list or reset the lookups pinned in egi-cdktf.context.json",
    load: () => (require("./commands/context") as typeof import("./commands/context")).contextCommand,
  },
  {
    name: "sites",
    summary: "list the EGI sites (and their VOs) pinned in egi-cdktf.sites.json; refresh the pin",
    load: () => (require("./commands/sites") as typeof import("./commands/sites")).sitesCommand,
  },
  {
    name: "snapshot",
    summary: "snapshot a server to an image and wait until it is active (openstack server image create)",
    load: () => (require("./commands/snapshot") as typeof import("./commands/snapshot")).snapshotCommand,
  },
  {
    name: "inventory",
    summary: "write an Ansible inventory of a deployed stack's servers, from its outputs",
    load: () => (require("./commands/inventory") as typeof import("./commands/inventory")).inventoryCommand,
  },
  {
    name: "plan-summary",
    summary: "plan every stack; Markdown summary of changes and a quota check, for a PR comment",
    load: () => (require("./commands/plan-summary") as typeof import("./commands/plan-summary")).planSummaryCommand,
  },
  {
    name: "pr-comment",
    summary: "post a summary as the pull (merge) request's one egi-cdktf comment, updating it on every push",
    load: () => (require("./commands/pr-comment") as typeof import("./commands/pr-comment")).prCommentCommand,
  },
  {
    name: "reviewed-summary",
    summary: "write the plan summary reviewed on the pull (merge) request merged as this commit, for plan-summary --reviewed",
    load: () => (require("./commands/reviewed-summary") as typeof import("./commands/reviewed-summary")).reviewedSummaryCommand,
  },
  {
    name: "drift-issue",
    summary: "open, update or close the app's drift issue from a plan-summary --drift report",
    load: () => (require("./commands/drift-issue") as typeof import("./commands/drift-issue")).driftIssueCommand,
  },
];

/**
 * Auth errors that mean the user's own setting is missing or wrong (an env var or flag to set or
 * fix, named in the message): usage errors, exit 2. The others (Check-in or Keystone unreachable or
 * refusing, the token cache) are failures of the run, exit 1.
 */
const SETTING_ERRORS: ReadonlySet<EgiAuthErrorCode> = new Set<EgiAuthErrorCode>(["SETTING_MISSING", "SETTING_INVALID", "UNKNOWN_SITE", "UNKNOWN_VO"]);

/** Exit status for a usage error: a bad or missing flag, argument or setting (as the README says). */
export const USAGE_EXIT = 2;

/** What a Node system error says, for the one-line fallback: no stack, no internal detail beyond the path. */
function systemErrorLine(err: NodeJS.ErrnoException): string | undefined {
  if (typeof err.code !== "string" || typeof err.syscall !== "string") return undefined;
  if (err.syscall === "uv_cwd") return "the current folder no longer exists (removed or moved since the shell entered it); cd into an existing folder and run it again";
  const what: Readonly<Record<string, string>> = {
    ENOENT: "it does not exist",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "it is a folder",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENAMETOOLONG: "a name in the path is too long",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EEXIST: "it exists already",
  };
  const where = err.path ? ` ${err.path}` : "";
  return `cannot ${err.syscall}${where}: ${what[err.code] ?? err.code} (${err.code})`;
}

const HELP = `Usage: egi-cdktf COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(Math.max(...COMMANDS.map((x) => x.name.length)))}  ${c.summary}`).join("\n")}

Run egi-cdktf COMMAND --help for its options.`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  let command: Command | undefined;
  try {
    if (!entry) {
      // A command's own flags are checked for secrets by parseFlags; this is `egi-cdktf --token X ...`.
      rejectSecretFlags([name]);
      throw new UsageError(`unknown command ${showArg(name)}; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    }
    command = entry.load();
    const beforeDash = rest.indexOf("--") >= 0 ? rest.slice(0, rest.indexOf("--")) : rest;
    if (beforeDash.includes("--help") || beforeDash.includes("-h")) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`egi-cdktf: ${err.message}${command ? ` (see egi-cdktf ${command.name} --help)` : ""}\n`);
      return USAGE_EXIT;
    }
    if (err instanceof EgiAuthError) {
      io.stderr(`egi-cdktf: ${err.message}\n`);
      if (io.env.EGI_CDKTF_DEBUG) io.stderr(`${err.code}\n`);
      return SETTING_ERRORS.has(err.code) ? USAGE_EXIT : 1;
    }
    // A plain Error is an expected failure with a message for the user; anything else is a bug.
    const system = err instanceof Error ? systemErrorLine(err) : undefined;
    const bug = !system && (!(err instanceof Error) || err.constructor !== Error);
    io.stderr(`egi-cdktf: ${bug ? "unexpected error: " : ""}${system ?? (err instanceof Error ? err.message : String(err))}\n`);
    if (io.env.EGI_CDKTF_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

/** Run with this process's arguments, streams and environment; sets the exit code. */
export function runCli(): void {
  const io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runCli();
