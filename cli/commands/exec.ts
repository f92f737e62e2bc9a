import { spawn } from "node:child_process";
import { scopedToken } from "../../auth/session";
import { settingsFromEnv } from "../../auth/settings";
import { CHECKIN_SECRET_VARS, clientVariables, CONFLICTING_VARS } from "../client-env";
import { type Command, parseFlags, SETTINGS_HELP, UsageError } from "../command";

/** Run one client with the token in its environment: `egi-cdktf exec -- terraform plan`. */
export const execCommand: Command = {
  name: "exec",
  summary: "run a command (terraform, tofu, openstack, ...) with OS_TOKEN and friends set",
  usage: `Usage: egi-cdktf exec [settings] -- COMMAND [ARGS...]

Runs COMMAND with OS_AUTH_URL, OS_PROJECT_ID, OS_TOKEN, OS_AUTH_TYPE=v3token and
OS_IDENTITY_API_VERSION=3 set, competing credentials unset, and the Check-in secrets removed
(the command gets the Keystone token only). Exits with the command's exit code.
  e.g. egi-cdktf exec -- openstack server list
       egi-cdktf exec -- terraform -chdir=cdktf.out/stacks/terraform-example plan

${SETTINGS_HELP}`,
  async run(argv, io) {
    const dash = argv.indexOf("--");
    const { overrides } = parseFlags(dash >= 0 ? argv.slice(0, dash) : argv);
    const command = dash >= 0 ? argv.slice(dash + 1) : [];
    if (command.length === 0) throw new UsageError("exec needs a command after --, e.g. egi-cdktf exec -- openstack server list");

    const settings = settingsFromEnv(overrides, io.env);
    const env: Record<string, string | undefined> = { ...io.env, ...clientVariables(await scopedToken(settings), settings) };
    for (const name of [...CONFLICTING_VARS, ...CHECKIN_SECRET_VARS]) delete env[name];

    return new Promise<number>((resolve, reject) => {
      const child = spawn(command[0], command.slice(1), { stdio: "inherit", env });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on("SIGINT", forward).on("SIGTERM", forward);
      child.on("error", (err: NodeJS.ErrnoException) =>
        reject(new UsageError(err.code === "ENOENT" ? `${command[0]}: command not found` : `${command[0]}: ${err.message}`)),
      );
      child.on("exit", (code, signal) => {
        process.off("SIGINT", forward).off("SIGTERM", forward);
        resolve(code ?? (signal ? 128 + (({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }) as Record<string, number>)[signal] || 1 : 1));
      });
    });
  },
};
