/**
 * After the site suite (jest.site.config.js globalTeardown): the run's temp root goes as before, then
 * no application credential of the site's federated users may still be valid (issue 19): listed
 * through Keystone's admin API, as `openstack application credential list --user <id>` lists them.
 */
const fs = require("node:fs");
const path = require("node:path");

async function liveApplicationCredentials() {
  const file = path.join(process.env.SITE_DIR ?? path.join(__dirname, "..", "..", ".site"), "identity", "site.json");
  if (!fs.existsSync(file)) return [];
  const { keystone } = JSON.parse(fs.readFileSync(file, "utf8"));
  const a = keystone.admin;
  const login = await fetch(`${keystone.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user: { name: a.username, domain: { name: a.userDomainName }, password: a.password } } }, scope: { project: { name: a.projectName, domain: { name: a.projectDomainName } } } } }),
  });
  const headers = { "X-Auth-Token": login.headers.get("x-subject-token"), Accept: "application/json" };
  const { users } = await (await fetch(`${keystone.authUrl}/users?domain_id=${keystone.domain.id}`, { headers })).json();
  const live = [];
  for (const u of users) {
    const { application_credentials: list = [] } = await (await fetch(`${keystone.authUrl}/users/${u.id}/application_credentials`, { headers })).json();
    for (const c of list) if (!c.expires_at || Date.parse(`${c.expires_at.replace(/Z?$/, "")}Z`) > Date.now()) live.push(`${c.name} of ${u.name}`);
  }
  return live;
}

module.exports = async (globalConfig, projectConfig) => {
  await require("./global-teardown")(globalConfig, projectConfig);
  const live = await liveApplicationCredentials();
  if (live.length) throw new Error(`the site suite left ${live.length} application credential(s) valid: ${live.join(", ")}; end them in the afterAll of the test that made them (egi-cdktf end-app-credentials)`);
};
module.exports.liveApplicationCredentials = liveApplicationCredentials;
