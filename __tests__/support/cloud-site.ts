/**
 * The local site's OpenStack APIs as the deploy tests check them: an admin token (password login,
 * from the site's own description) for servers' user data and all projects' objects, and the
 * federated user's token for what only the owner sees (key pairs).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";
import { REPO } from "./identity-site";

const STATE = process.env.SITE_DIR ?? path.join(REPO, ".site");

export interface CloudSite {
  readonly endpoints: { readonly compute: string; readonly image: string; readonly network: string; readonly volumev3: string };
  readonly flavorIds: Readonly<Record<string, string>>;
  readonly appdb: { readonly baseMpuri: string; readonly older: string; readonly newer: string };
  readonly images: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly networks: { readonly public: { readonly id: string; readonly cidr: string } };
  readonly project: { readonly id: string; readonly name: string };
}

export function cloudSite(): CloudSite {
  const file = path.join(STATE, "cloud", "site.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: start the site with site/up.sh (npm run test:site does)`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/**
 * A new connection per request: the tests block the event loop in spawnSync for minutes (a deploy),
 * so a pooled keep-alive socket would be reused after Apache closed it ("other side closed").
 */
const fetch: typeof globalThis.fetch = (url, init) => createHttpClient().fetch(url as string, init);

export async function adminToken(): Promise<string> {
  const identity = JSON.parse(fs.readFileSync(path.join(STATE, "identity", "site.json"), "utf8"));
  const a = identity.keystone.admin;
  const res = await fetch(`${identity.keystone.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: a.username, domain: { name: a.userDomainName }, password: a.password } } },
        scope: { project: { name: a.projectName, domain: { name: a.projectDomainName } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`admin login failed: HTTP ${res.status}`);
  return res.headers.get("x-subject-token")!;
}

/** GET `url` with `token`; 404 gives undefined. */
export async function api(token: string, url: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { headers: { "X-Auth-Token": token, Accept: "application/json", ...headers } });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Servers of every project with this exact name (admin). */
export async function serversNamed(token: string, site: CloudSite, name: string): Promise<any[]> {
  const body = await api(token, `${site.endpoints.compute}/servers/detail?all_tenants=1&name=${encodeURIComponent(`^${name}$`)}`, { "OpenStack-API-Version": "compute 2.3" });
  return body.servers;
}

/** The user data Nova stored for a server, decoded (admin, compute API >= 2.3). */
export function userDataOf(server: any): string | undefined {
  const encoded = server["OS-EXT-SRV-ATTR:user_data"];
  return encoded ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

export async function portsOf(token: string, site: CloudSite, deviceId: string): Promise<any[]> {
  return (await api(token, `${site.endpoints.network}/v2.0/ports?device_id=${deviceId}`)).ports;
}

export async function floatingIps(token: string, site: CloudSite, query: string): Promise<any[]> {
  return (await api(token, `${site.endpoints.network}/v2.0/floatingips?${query}`)).floatingips;
}

export async function securityGroupsNamed(token: string, site: CloudSite, name: string): Promise<any[]> {
  return (await api(token, `${site.endpoints.network}/v2.0/security-groups?name=${encodeURIComponent(name)}`)).security_groups;
}

export async function keyPair(userToken: string, site: CloudSite, name: string): Promise<any | undefined> {
  return (await api(userToken, `${site.endpoints.compute}/os-keypairs/${encodeURIComponent(name)}`))?.keypair;
}

/** A volume of the site's project, read with that project's (the user's) token: Cinder refuses other projects' URLs. */
export async function volume(token: string, site: CloudSite, id: string): Promise<any | undefined> {
  return (await api(token, `${site.endpoints.volumev3.replace("%(project_id)s", site.project.id)}/volumes/${id}`))?.volume;
}

/** Nova's MD5 fingerprint of an OpenSSH public key line, computed here from the key bytes. */
export function md5Fingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1], "base64");
  const hex = createHash("md5").update(blob).digest("hex");
  return hex.match(/../g)!.join(":");
}
