/**
 * What a project has left at a site, from the site's own APIs, with the credential terraform uses:
 * - Keystone: the token's catalog and project (`GET /v3/auth/tokens` with the token as both
 *   X-Auth-Token and X-Subject-Token; an application credential is exchanged with
 *   `POST /v3/auth/tokens` as the provider does);
 * - Nova `GET /limits` at microversion 2.1 (absolute maxTotalInstances/totalInstancesUsed,
 *   maxTotalCores/totalCoresUsed, maxTotalRAMSize/totalRAMUsed), and the flavor list through
 *   constructs/lookups/site-api.ts (vCPUs and RAM of the planned servers);
 * - Cinder `GET /v3/{project_id}/limits` (maxTotalVolumes/totalVolumesUsed,
 *   maxTotalVolumeGigabytes/totalGigabytesUsed);
 * - Neutron `GET /v2.0/quotas/{project_id}/details` (floatingip, security_group,
 *   security_group_rule: limit, used, reserved; reserved counts as used).
 * All reads: nothing is created. A service that fails or is missing from the catalog leaves its
 * rows "not checked" with the reason; the others are still checked.
 */
import type { SiteToken } from "../../auth/hook";
import { createHttpClient, type Fetch } from "../../auth/http";
import { type FlavorInfo, SiteApi } from "../../constructs/lookups/site-api";
import type { Env, SiteCredential } from "./credentials";
import type { QuotaResource } from "./quota-needs";
import type { Limit, SiteQuota } from "./quota";

export interface SiteAnswer {
  readonly project: { readonly id: string; readonly name: string };
  /** The region of the compute endpoint used (the provider's default: the catalog's first). */
  readonly region?: string;
  readonly quota: SiteQuota;
}

interface CatalogEntry {
  readonly type: string;
  readonly endpoints: ReadonlyArray<{ readonly interface: string; readonly region?: string; readonly region_id?: string; readonly url: string }>;
}

const NOVA: Readonly<Partial<Record<QuotaResource, readonly [string, string]>>> = {
  instances: ["maxTotalInstances", "totalInstancesUsed"],
  cores: ["maxTotalCores", "totalCoresUsed"],
  ram: ["maxTotalRAMSize", "totalRAMUsed"],
};
const CINDER: Readonly<Partial<Record<QuotaResource, readonly [string, string]>>> = {
  volumes: ["maxTotalVolumes", "totalVolumesUsed"],
  gigabytes: ["maxTotalVolumeGigabytes", "totalGigabytesUsed"],
};
const NEUTRON: readonly QuotaResource[] = ["floatingip", "security_group", "security_group_rule"];

/** The public endpoint of the first catalog type present, in `region` when given. */
function endpoint(catalog: readonly CatalogEntry[], types: readonly string[], region?: string): string {
  for (const type of types) {
    const found = catalog
      .find((e) => e.type === type)
      ?.endpoints.find((e) => e.interface === "public" && (!region || e.region === region || e.region_id === region));
    if (found) return found.url.replace(/\/+$/, "");
  }
  throw new Error(`no public ${types[0]} endpoint${region ? ` in region ${region}` : ""} in the catalog`);
}

async function getJson(fetch: Fetch, token: string, url: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { headers: { "X-Auth-Token": token, Accept: "application/json", ...headers } });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`GET ${new URL(url).pathname} answered HTTP ${res.status}`);
  }
  return res.json();
}

/** The token's (or the application credential's new token's) catalog and project. */
async function tokenInfo(fetch: Fetch, c: SiteCredential): Promise<{ token: string; body: any }> {
  const url = `${c.authUrl}/v3/auth/tokens`;
  if (c.auth.kind === "token") {
    const res = await fetch(url, { headers: { "X-Auth-Token": c.auth.token, "X-Subject-Token": c.auth.token, Accept: "application/json" } });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`Keystone at ${c.authUrl} refused the token from ${c.source} (HTTP ${res.status}); it may have expired: synth again for a new one`);
    }
    return { token: c.auth.token, body: ((await res.json()) as { token: unknown }).token };
  }
  const body = { auth: { identity: { methods: ["application_credential"], application_credential: { id: c.auth.id, secret: c.auth.secret } } } };
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body), idempotent: true });
  const token = res.headers.get("x-subject-token");
  if (res.status !== 201 || !token) {
    await res.body?.cancel();
    throw new Error(`Keystone at ${c.authUrl} refused the application credential from ${c.source} (HTTP ${res.status})`);
  }
  return { token, body: ((await res.json()) as { token: unknown }).token };
}

function absoluteLimits(body: any, keys: Readonly<Partial<Record<QuotaResource, readonly [string, string]>>>): Partial<Record<QuotaResource, Limit>> {
  const absolute = body?.limits?.absolute ?? {};
  const out: Partial<Record<QuotaResource, Limit>> = {};
  for (const [resource, [max, used]] of Object.entries(keys) as Array<[QuotaResource, readonly [string, string]]>) {
    if (typeof absolute[max] === "number") out[resource] = { limit: absolute[max], used: Number(absolute[used] ?? 0) };
  }
  return out;
}

/** One service's limits; a failure marks its resources unavailable with the reason. */
async function settle(
  service: string,
  resources: readonly QuotaResource[],
  read: () => Promise<Partial<Record<QuotaResource, Limit>>>,
  into: { limits: Partial<Record<QuotaResource, Limit>>; unavailable: Partial<Record<QuotaResource, string>> },
): Promise<void> {
  try {
    Object.assign(into.limits, await read());
  } catch (err) {
    for (const r of resources) into.unavailable[r] = `${service}: ${(err as Error).message}`;
  }
}

/** Read the project's limits and usage at the site of `c`. Throws when Keystone does not accept the credential. */
export async function readSiteQuota(c: SiteCredential, env: Env): Promise<SiteAnswer> {
  const { fetch } = createHttpClient({ caFile: c.caFile, env });
  const { token, body } = await tokenInfo(fetch, c);
  const catalog: CatalogEntry[] = body?.catalog ?? [];
  const project = { id: String(body?.project?.id ?? c.projectId ?? ""), name: String(body?.project?.name ?? "") };
  const compute = catalog.find((e) => e.type === "compute")?.endpoints.find((e) => e.interface === "public" && (!c.region || e.region === c.region || e.region_id === c.region));
  const region = c.region ?? compute?.region ?? compute?.region_id;
  const into = { limits: {} as Partial<Record<QuotaResource, Limit>>, unavailable: {} as Partial<Record<QuotaResource, string>> };
  const nova = Object.keys(NOVA) as QuotaResource[];
  const cinder = Object.keys(CINDER) as QuotaResource[];

  const siteToken: SiteToken = {
    fetch,
    session: { token, expiresAt: 0, project, roles: [], user: { id: "", name: "" }, catalog, fromCache: false, authUrl: `${c.authUrl}/v3` },
  };
  let flavors: FlavorInfo[] | undefined;
  await Promise.all([
    settle("Nova", nova, async () => {
      const url = `${endpoint(catalog, ["compute"], c.region)}/limits`;
      return absoluteLimits(await getJson(fetch, token, url, { "OpenStack-API-Version": "compute 2.1", "X-OpenStack-Nova-API-Version": "2.1" }), NOVA);
    }, into),
    settle("Cinder", cinder, async () => {
      let base = endpoint(catalog, ["volumev3", "block-storage", "volume"], c.region);
      if (/\/v3$/.test(base)) base = `${base}/${project.id}`; // a catalog URL without the project
      return absoluteLimits(await getJson(fetch, token, `${base}/limits`), CINDER);
    }, into),
    settle("Neutron", NEUTRON, async () => {
      const base = endpoint(catalog, ["network"], c.region).replace(/\/v2\.0$/, "");
      const quota = (await getJson(fetch, token, `${base}/v2.0/quotas/${project.id}/details`))?.quota ?? {};
      const out: Partial<Record<QuotaResource, Limit>> = {};
      for (const r of NEUTRON) {
        const q = quota[r];
        if (q && typeof q.limit === "number") out[r] = { limit: q.limit, used: Number(q.used ?? 0) + Number(q.reserved ?? 0) };
      }
      return out;
    }, into),
    new SiteApi(siteToken, c.region)
      .flavors()
      .then((list) => {
        flavors = list;
      })
      .catch(() => undefined),
  ]);
  return { project, ...(region ? { region } : {}), quota: { ...into, flavors } };
}
