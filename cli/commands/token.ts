import { scopedToken } from "../../auth/session";
import { commandSettings } from "../../auth/site-settings";
import { type Command, parseFlags, SETTINGS_HELP, SITE_FLAGS, SITE_HELP } from "../command";

/** Equivalent to the docs page's `python get-token.py`: prints a project-scoped Keystone token. */
export const tokenCommand: Command = {
  name: "token",
  summary: "print a Keystone token scoped to OS_PROJECT_ID (like get-token.py)",
  usage: `Usage: egi-cdktf token [--verbose] [--site NAME --vo VO] [settings]

Trades the Check-in credential for a Keystone token scoped to the project and prints it, for
export OS_TOKEN=$(egi-cdktf token). Cached until it is about to expire.
  --verbose   also say on stderr where the token came from and when it expires

${SITE_HELP}

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, overrides, site } = parseFlags(argv, { verbose: { type: "boolean", short: "v" }, ...SITE_FLAGS });
    const token = await scopedToken((await commandSettings(site, overrides, io.env)).settings);
    io.stdout(`${token.token}\n`);
    if (values.verbose) {
      const expires = new Date(token.expiresAt * 1000).toISOString();
      io.stderr(`project ${token.project.name} (${token.project.id}) at ${token.authUrl}, roles ${token.roles.join(",")}, expires ${expires}, ${token.fromCache ? "from cache, no request made" : "new"}\n`);
    }
    return 0;
  },
};
