/**
 * egi-cdktf: EGI Check-in -> Keystone tokens from the command line, replacing the docs page's
 * get-token.py / get-projects.py scripts. Usage errors and auth errors print one line, no stack.
 */
import { EgiAuthError } from "../auth/errors";
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
];

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
      return 2;
    }
    if (err instanceof EgiAuthError) {
      io.stderr(`egi-cdktf: ${err.message}\n`);
      if (io.env.EGI_CDKTF_DEBUG) io.stderr(`${err.code}\n`);
      return 1;
    }
    // A plain Error is an expected failure with a message for the user; anything else is a bug.
    const bug = !(err instanceof Error) || err.constructor !== Error;
    io.stderr(`egi-cdktf: ${bug ? "unexpected error: " : ""}${err instanceof Error ? err.message : String(err)}\n`);
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
