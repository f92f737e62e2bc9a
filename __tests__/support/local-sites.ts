/**
 * Two "sites" for the sites-by-name tests, pinned the way a user pins them: catchall-format YAML
 * files (fedcloud-catchall-operations' `sites/<SITE>.yaml`) and `egi-cdktf sites refresh --from DIR`.
 *
 * They are ONE Keystone (the local site's, federated with the local Check-in-like IdP) reached by two
 * URLs: LOCAL-A at http://127.0.0.1:35357/v3 and LOCAL-B at http://localhost:35357/v3. The toolkit
 * tells sites apart by their Keystone URL, so to it these are two sites with separate federated
 * logins, separate Keystone tokens (cached per URL), separate clouds.yaml entries and separately
 * pinned lookups; only the Check-in login is shared. Both reach the same Nova and Neutron (the
 * catalog's endpoints), so servers at both land in the same project.
 * - LOCAL-A lists everything: vo.example with auth.project_id, defaultNetwork vo.example-net and
 *   publicNetwork public; vo.example-2 without project id.
 * - LOCAL-B lists only VO names: the hook finds a VO's project by name, and the network and floating
 *   IP pool are looked up at synth as `fedcloud select network` does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { api, cloudSite } from "./cloud-site";
import { cli, type CliResult, identitySite, mintRefreshToken, userEnv } from "./identity-site";

export const identity = identitySite();
export const cloud = cloudSite();

const project = (name: string) => {
  const p = identity.keystone.projects.find((x) => x.name === name);
  if (!p) throw new Error(`${name} is not in the identity site's projects`);
  return p;
};
export const VO1 = project("vo.example");
export const VO2 = project("vo.example-2");
export const URL_A = identity.keystone.authUrl; // http://127.0.0.1:35357/v3
export const URL_B = URL_A.replace("//127.0.0.1:", "//localhost:"); // the same Keystone, another site to the toolkit
/** The project vo.example's own network (site.json's `private`; support/cloud-site.ts types only `public`). */
export const PRIVATE_NET = (cloud.networks as unknown as { private: { name: string; id: string } }).private;

const localAYaml = () => `---
gocdb: LOCAL-A
endpoint: ${URL_A}
vos:
- name: vo.example
  auth:
    project_id: ${VO1.id}
  defaultNetwork: ${PRIVATE_NET.name}
  publicNetwork: public
- name: vo.example-2
`;
const localBYaml = () => `---
gocdb: LOCAL-B
endpoint: ${URL_B}
vos:
- name: vo.example
- name: vo.example-2
`;

export interface LocalSites {
  /** The test's own folder, holding the YAML files and the pinned list; `remove()` deletes it. */
  readonly work: string;
  /** The catchall-format clone: `<catchall>/sites/LOCAL-A.yaml`, `LOCAL-B.yaml`. */
  readonly catchall: string;
  /** The pinned list (EGI_SITES_FILE). */
  readonly sitesFile: string;
  /** What `egi-cdktf sites refresh --from <catchall>` printed. */
  readonly refresh: CliResult;
  /** A user with a Check-in credential and this site list; OS_AUTH_URL/OS_PROJECT_ID as given (none by default). */
  siteUser(extra?: Record<string, string | undefined>): Promise<Record<string, string>>;
  /** The environment of a user of the list with no credential at all. */
  listUser(): Record<string, string>;
  remove(): void;
}

/** Writes the two YAML files in a fresh temp folder and pins them with the real CLI. Call in beforeAll. */
export function pinLocalSites(): LocalSites {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "egi-sites-"));
  const catchall = path.join(work, "fedcloud-catchall-operations");
  const sitesFile = path.join(work, "egi-cdktf.sites.json");
  fs.mkdirSync(path.join(catchall, "sites"), { recursive: true });
  fs.writeFileSync(path.join(catchall, "sites", "LOCAL-A.yaml"), localAYaml());
  fs.writeFileSync(path.join(catchall, "sites", "LOCAL-B.yaml"), localBYaml());
  const listUser = () => ({ PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });
  return {
    work,
    catchall,
    sitesFile,
    refresh: cli(["sites", "refresh", "--from", catchall], listUser()),
    listUser,
    siteUser: async (extra = {}) =>
      userEnv(identity, identity.clients.basic, {
        CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
        OS_AUTH_URL: undefined,
        OS_PROJECT_ID: undefined,
        EGI_SITES_FILE: sitesFile,
        ...extra,
      }),
    remove: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}

/** What Keystone says a token is: GET /v3/auth/tokens with the token as X-Auth-Token and X-Subject-Token. */
export async function tokenAtKeystone(authUrl: string, token: string): Promise<{ project: { id: string; name: string }; user: { name: string } }> {
  const body = await api(token, `${authUrl}/auth/tokens`, { "X-Subject-Token": token });
  if (!body) throw new Error(`Keystone at ${authUrl} does not know the token`);
  return body.token;
}
