/**
 * The loopback Check-in-like IdP and federated Keystone started by site/identity/up.sh, as the tests
 * see them: site.json, the IdP's test endpoints (mint/revoke refresh tokens, request counts), the
 * Keystone access log (request counts), and the CLI run as a user would.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHttpClient } from "../../auth/http";

export const REPO = path.resolve(__dirname, "..", "..");
const STATE = path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "identity");

export interface SiteClient {
  readonly id: string;
  readonly secret?: string;
  readonly authMethod?: string;
}

export interface IdentitySite {
  readonly issuer: string;
  readonly caFile: string;
  readonly idpAdminUrl: string;
  readonly keystoneAccessLog: string;
  readonly keystone: {
    readonly authUrl: string;
    readonly projects: ReadonlyArray<{ readonly id: string; readonly name: string }>;
    /** An identity provider with only protocol `oidc` (some EGI sites), for the openid -> oidc fallback. */
    readonly identityProviderOidcOnly: string;
    /** The same Keystone on another port issuing short-lived tokens (a site with a short `[token] expiration`). */
    readonly shortLived: { readonly authUrl: string; readonly tokenTtlSeconds: number; readonly authorizationTtlMinutes: number };
  };
  readonly clients: { readonly basic: SiteClient; readonly post: SiteClient; readonly public: SiteClient; readonly service: SiteClient };
  readonly user: { readonly sub: string };
}

export function identitySite(): IdentitySite {
  const file = path.join(STATE, "site.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: start the site with site/identity/up.sh (npm run test:site does)`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

const SCOPE = "openid email profile eduperson_entitlement offline_access";

async function admin(site: IdentitySite, method: string, route: string, body?: unknown): Promise<any> {
  const { fetch } = createHttpClient({ caFile: site.caFile });
  const res = await fetch(`${site.idpAdminUrl}${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`IdP ${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

export async function mintRefreshToken(site: IdentitySite, client: SiteClient): Promise<string> {
  return (await admin(site, "POST", "/refresh-token", { client_id: client.id, scope: SCOPE })).refresh_token;
}

export async function revokeRefreshToken(site: IdentitySite, refreshToken: string): Promise<void> {
  await admin(site, "POST", "/revoke", { refresh_token: refreshToken });
}

/** Requests the IdP served since the last reset, not counting the /__test/ endpoints. */
export async function idpRequests(site: IdentitySite): Promise<{ token: number; discovery: number; total: number }> {
  const stats = await admin(site, "GET", "/stats");
  const total = Object.entries(stats.paths as Record<string, number>)
    .filter(([p]) => !p.startsWith("/__test/"))
    .reduce((sum, [, n]) => sum + n, 0);
  return { token: stats.token, discovery: stats.discovery, total };
}

export async function resetIdpRequests(site: IdentitySite): Promise<void> {
  await admin(site, "POST", "/stats/reset");
}

/**
 * The cloud's own services (nova, neutron, glance, cinder, placement) validate tokens and renew their
 * service tokens at this Keystone whenever their periodic tasks run, so they are not counted; the
 * access log ends each line with the User-Agent (site/identity/keystone/httpd.conf.in).
 */
const OPENSTACK_SERVICE_AGENT = /"[^"]*(keystonemiddleware|keystoneauth1|python-keystoneclient)[^"]*"$/;

/** Requests Keystone served so far to anything but the cloud's own services: our CLI, hook, terraform. */
export function keystoneRequests(site: IdentitySite): number {
  return fs
    .readFileSync(site.keystoneAccessLog, "utf8")
    .split("\n")
    .filter((line) => line && !OPENSTACK_SERVICE_AGENT.test(line)).length;
}

/** A user's environment for `client`: nothing inherited but PATH, a fresh HOME and token cache. */
export function userEnv(site: IdentitySite, client: SiteClient, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "egi-home-"));
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    // The run's temp root (see temp-root.js): terraform's provider plugins put their sockets there.
    TMPDIR: process.env.TMPDIR,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, ".cache"),
    CHECKIN_URL: site.issuer,
    CHECKIN_CLIENT_ID: client.id,
    CHECKIN_CLIENT_SECRET: client.secret,
    CHECKIN_CLIENT_AUTH: client.authMethod === "client_secret_post" ? "post" : undefined,
    OS_AUTH_URL: site.keystone.authUrl,
    OS_PROJECT_ID: site.keystone.projects[0].id,
    OS_CACERT: site.caFile,
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly argv: readonly string[];
}

const BIN = path.join(REPO, "bin", "egi-cdktf");

export function cli(args: string[], env: Record<string, string>): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, argv: [process.execPath, BIN, ...args] };
}

export function cliAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr, argv: [process.execPath, BIN, ...args] }));
  });
}
