import { availableProjects } from "../../auth/session";
import { commandSettings } from "../../auth/site-settings";
import { type Command, parseFlags, SETTINGS_HELP, SITE_FLAGS, SITE_HELP } from "../command";

/** Equivalent to the docs page's `python get-projects.py` (`openstack project list` with a federated token). */
export const projectsCommand: Command = {
  name: "projects",
  summary: "list the projects you can use at OS_AUTH_URL (like get-projects.py)",
  usage: `Usage: egi-cdktf projects [--json] [--site NAME --vo VO] [settings]

Logs in to the site's Keystone with your Check-in identity and lists the projects you may scope
to; the one in OS_PROJECT_ID is marked with *. OS_PROJECT_ID is not needed.
  --json   machine-readable output: [{"id", "name", "domainId", "enabled"}]

${SITE_HELP}

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, overrides, site } = parseFlags(argv, { json: { type: "boolean" }, ...SITE_FLAGS }, false, projectsCommand.usage);
    const { settings } = await commandSettings(site, overrides, io.env, false);
    const projects = await availableProjects(settings);
    if (values.json) {
      io.stdout(`${JSON.stringify(projects, null, 2)}\n`);
      return 0;
    }
    const current = settings.keystone.projectId;
    const rows = [["", "ID", "NAME", "ENABLED"], ...projects.map((p) => [p.id === current ? "*" : "", p.id, p.name, String(p.enabled)])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) io.stdout(`${r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()}\n`);
    if (projects.length === 0) io.stderr(`no projects: your identity is not mapped to any project at ${settings.keystone.baseUrl}\n`);
    return 0;
  },
};
