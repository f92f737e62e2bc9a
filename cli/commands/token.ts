import { scopedToken } from "../../auth/session";
import { settingsFromEnv } from "../../auth/settings";
import { type Command, parseFlags, SETTINGS_HELP } from "../command";

/** Equivalent to the docs page's `python get-token.py`: prints a project-scoped Keystone token. */
export const tokenCommand: Command = {
  name: "token",
  summary: "print a Keystone token scoped to OS_PROJECT_ID (like get-token.py)",
  usage: `Usage: egi-cdktf token [--verbose] [settings]

Trades the Check-in credential for a Keystone token scoped to the project and prints it, for
export OS_TOKEN=$(egi-cdktf token). Cached until it is about to expire.
  --verbose   also say on stderr where the token came from and when it expires

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, overrides } = parseFlags(argv, { verbose: { type: "boolean", short: "v" } });
    const token = await scopedToken(settingsFromEnv(overrides, io.env));
    io.stdout(`${token.token}\n`);
    if (values.verbose) {
      const expires = new Date(token.expiresAt * 1000).toISOString();
      io.stderr(`project ${token.project.name} (${token.project.id}) at ${token.authUrl}, roles ${token.roles.join(",")}, expires ${expires}, ${token.fromCache ? "from cache, no request made" : "new"}\n`);
    }
    return 0;
  },
};
