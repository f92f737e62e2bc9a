/**
 * The EGI site list: which Keystone serves a site, and which project a VO has there. The format is
 * EGI's fedcloud-catchall-operations `sites/<SITE>.yaml` (what `fedcloud site env` reads):
 *
 *     gocdb: IFCA-LCG2
 *     endpoint: https://api.cloud.ifca.es:5000/v3/
 *     protocol: openid            # optional, some sites use oidc
 *     region: RegionOne           # optional
 *     vos:
 *     - name: vo.access.egi.eu
 *       auth:
 *         project_id: 999f045cb1ff4684a15ebb338af69460
 *       defaultNetwork: private   # optional: the network servers attach to
 *       publicNetwork: public     # optional: the floating IP pool
 *
 * (older files write `vos` as a map from VO name to the rest; both are read). An app pins the list
 * it uses in `egi-cdktf.sites.json` (see site-list-file.ts), so synth needs no network. This module
 * only reads and answers; it makes no request.
 */
import { EgiAuthError } from "./errors";
import { normaliseAuthUrl } from "./settings";

export interface VoEntry {
  /** The VO's name, e.g. `vo.access.egi.eu`. */
  readonly name: string;
  /** The VO's project at the site; absent when the list does not say (then found by name). */
  readonly projectId?: string;
  /** The network servers attach to, by name. */
  readonly defaultNetwork?: string;
  /** The external network floating IPs come from, by name. */
  readonly publicNetwork?: string;
}

export interface SiteEntry {
  /** The site's GOCDB name, e.g. `IFCA-LCG2`: what users call it. */
  readonly name: string;
  /** Keystone v3 URL as the list gives it. */
  readonly endpoint: string;
  /** Federation protocol, when the site names one (`openid` or `oidc`). */
  readonly protocol?: string;
  readonly region?: string;
  readonly vos: readonly VoEntry[];
}

/** A site and one of its VOs: everything a token request and a provider need. */
export interface SiteVo {
  readonly site: SiteEntry;
  readonly vo: VoEntry;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw new Error(`${where} must be a non-empty string`);
  return value.trim();
}

function voEntry(name: unknown, body: unknown, where: string): VoEntry {
  const vo = optionalString(name, `${where}: name`);
  if (!vo) throw new Error(`${where}: a VO without a name`);
  const b = isObject(body) ? body : {};
  const auth = isObject(b.auth) ? b.auth : {};
  const projectId = optionalString(auth.project_id, `${where} ${vo}: auth.project_id`);
  if (projectId !== undefined && !/^[A-Za-z0-9_-]+$/.test(projectId)) throw new Error(`${where} ${vo}: auth.project_id "${projectId}" is not a project id`);
  return {
    name: vo,
    projectId,
    defaultNetwork: optionalString(b.defaultNetwork, `${where} ${vo}: defaultNetwork`),
    publicNetwork: optionalString(b.publicNetwork, `${where} ${vo}: publicNetwork`),
  };
}

/**
 * One site from a parsed `sites/<SITE>.yaml` document (or a pinned entry, which has the same
 * shape). Throws an Error naming `where` and the field on anything it cannot use.
 */
export function parseSiteEntry(doc: unknown, where: string): SiteEntry {
  if (!isObject(doc)) throw new Error(`${where}: not a site (a mapping with gocdb, endpoint and vos)`);
  const name = optionalString(doc.gocdb, `${where}: gocdb`);
  if (!name) throw new Error(`${where}: gocdb (the site's name) is missing`);
  const endpoint = optionalString(doc.endpoint, `${where}: endpoint`);
  if (!endpoint) throw new Error(`${where}: endpoint (the site's Keystone v3 URL) is missing`);
  normaliseAuthUrl(endpoint, `${where}: endpoint`);
  const vos = Array.isArray(doc.vos)
    ? doc.vos.map((v, i) => voEntry(isObject(v) ? v.name : undefined, v, `${where}: vos[${i}]`))
    : isObject(doc.vos)
      ? Object.entries(doc.vos).map(([vo, body]) => voEntry(vo, body, `${where}: vos`))
      : [];
  return { name, endpoint, protocol: optionalString(doc.protocol, `${where}: protocol`), region: optionalString(doc.region, `${where}: region`), vos };
}

/** The site entry as the catchall format writes it: what the pin file stores. */
export function siteDocument(site: SiteEntry): Record<string, unknown> {
  return {
    gocdb: site.name,
    endpoint: site.endpoint,
    ...(site.protocol ? { protocol: site.protocol } : {}),
    ...(site.region ? { region: site.region } : {}),
    vos: site.vos.map((vo) => ({
      name: vo.name,
      ...(vo.projectId ? { auth: { project_id: vo.projectId } } : {}),
      ...(vo.defaultNetwork ? { defaultNetwork: vo.defaultNetwork } : {}),
      ...(vo.publicNetwork ? { publicNetwork: vo.publicNetwork } : {}),
    })),
  };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Up to three of `names` close to `wanted` (same letters ignoring case, a part of it, or a typo away). */
export function closeMatches(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const scored = names
    .map((n) => ({ n, l: n.toLowerCase() }))
    .map(({ n, l }) => ({ n, score: l === w ? 0 : l.includes(w) || w.includes(l) ? 1 : distance(l, w) <= Math.max(2, Math.floor(w.length / 4)) ? 2 + distance(l, w) : Infinity }))
    .filter((s) => s.score < Infinity)
    .sort((a, b) => a.score - b.score || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map((s) => s.n);
}

const didYouMean = (close: readonly string[]): string => (close.length ? `; close: ${close.join(", ")}` : "");

export class SiteList {
  private readonly byName: ReadonlyMap<string, SiteEntry>;

  /** @param source where the list came from, for messages (the pin file's path) */
  constructor(public readonly sites: readonly SiteEntry[], public readonly source: string) {
    const byName = new Map<string, SiteEntry>();
    for (const site of sites) {
      if (byName.has(site.name.toLowerCase())) throw new Error(`${source}: site ${site.name} is listed twice`);
      byName.set(site.name.toLowerCase(), site);
    }
    this.byName = byName;
  }

  /** The site named `name` (GOCDB name, any case). Throws one line with the close matches. */
  site(name: string): SiteEntry {
    const site = this.byName.get(name.trim().toLowerCase());
    if (site) return site;
    throw new EgiAuthError(
      "UNKNOWN_SITE",
      `site "${name}" is not in ${this.source}${didYouMean(closeMatches(name, this.sites.map((s) => s.name)))}; \`egi-cdktf sites\` lists them, \`egi-cdktf sites refresh\` updates the list`,
    );
  }

  /** The VO `vo` at site `site`. Throws one line naming the site's VOs close to it, or the sites that have it. */
  siteVo(siteName: string, voName: string): SiteVo {
    const site = this.site(siteName);
    const vo = site.vos.find((v) => v.name === voName.trim()) ?? site.vos.find((v) => v.name.toLowerCase() === voName.trim().toLowerCase());
    if (vo) return { site, vo };
    const elsewhere = this.sitesFor(voName).map((s) => s.name);
    throw new EgiAuthError(
      "UNKNOWN_VO",
      `VO "${voName}" is not supported at site ${site.name} (per ${this.source})${didYouMean(closeMatches(voName, site.vos.map((v) => v.name)))}${elsewhere.length ? `; sites with it: ${elsewhere.slice(0, 5).join(", ")}${elsewhere.length > 5 ? ", ..." : ""}` : ""}`,
    );
  }

  /** The sites that support `vo` (any case), by name. */
  sitesFor(vo: string): SiteEntry[] {
    const v = vo.trim().toLowerCase();
    return this.sites.filter((s) => s.vos.some((x) => x.name.toLowerCase() === v)).sort((a, b) => a.name.localeCompare(b.name));
  }
}

/**
 * The project of `vo` among the projects a federated user can use, by the names sites give them:
 * `<vo>`, `VO:<vo>`, `vo_<vo>` with dots as underscores, ... Exact names win over looser ones
 * (prefix and separators ignored). Returns the one match; throws one line when none or several match.
 */
export function projectForVo(vo: string, projects: ReadonlyArray<{ readonly id: string; readonly name: string }>, where: string): { id: string; name: string } {
  const v = vo.toLowerCase();
  const squash = (s: string) => s.toLowerCase().replace(/^(vo[:_]|egi[:_])/, "").replace(/[^a-z0-9]/g, "");
  const exact = [v, `vo:${v}`, `vo_${v}`, `vo_${v.replace(/\./g, "_")}`, v.replace(/\./g, "_")];
  const tiers = [
    projects.filter((p) => exact.includes(p.name.toLowerCase())),
    projects.filter((p) => squash(p.name) === squash(vo)),
  ];
  for (const tier of tiers) {
    const distinct = [...new Map(tier.map((p) => [p.id, p])).values()];
    if (distinct.length === 1) return distinct[0];
    if (distinct.length > 1) {
      throw new EgiAuthError("UNKNOWN_PROJECT", `${where}: several of your projects could be VO ${vo}'s (${distinct.map((p) => `${p.name} ${p.id}`).join(", ")}); give its project id (auth.project_id in the site list, or OS_PROJECT_ID)`);
    }
  }
  throw new EgiAuthError(
    "UNKNOWN_PROJECT",
    `${where}: none of your projects is named like VO ${vo} (${projects.map((p) => p.name).join(", ") || "you have none"}); check your VO membership, or give its project id (auth.project_id in the site list, or OS_PROJECT_ID)`,
  );
}
