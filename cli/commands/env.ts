import { scopedToken } from "../../auth/session";
import { commandSettings } from "../../auth/site-settings";
import { clientVariables, CONFLICTING_VARS, shellQuote } from "../client-env";
import { type Command, parseFlags, SETTINGS_HELP, SITE_FLAGS, SITE_HELP } from "../command";

/** The docs page's three `export` lines, for `eval "$(egi-cdktf env)"`. */
export const envCommand: Command = {
  name: "env",
  summary: "print shell exports of OS_AUTH_URL, OS_PROJECT_ID, OS_TOKEN for eval",
  usage: `Usage: eval "$(egi-cdktf env [--site NAME --vo VO] [settings])"

Prints export lines for OS_AUTH_URL, OS_PROJECT_ID, OS_TOKEN, OS_AUTH_TYPE=v3token and
OS_IDENTITY_API_VERSION=3 (and OS_CACERT when set), and unsets password and other credential
variables that would compete with the token. Then terraform, tofu and the openstack CLI use it.

${SITE_HELP}

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { overrides, site } = parseFlags(argv, SITE_FLAGS);
    const { settings, siteVo } = await commandSettings(site, overrides, io.env);
    const vars = clientVariables(await scopedToken(settings), settings, siteVo?.site.region);
    io.stdout(`unset ${CONFLICTING_VARS.join(" ")}\n`);
    for (const [name, value] of Object.entries(vars)) io.stdout(`export ${name}=${shellQuote(value)}\n`);
    return 0;
  },
};
