/**
 * The EGI site list: which Keystone serves a site, and which project a VO has there. The format is
 * EGI's fedcloud-catchall-operations `sites/<FILE>.yaml` (what `fedcloud site env` reads):
 *
 *     gocdb: IFCA-LCG2
 *     endpoint: https://api.cloud.ifca.es:5000/v3/
 *     protocol: openid            # optional, some sites use oidc
 *     region: RegionOne           # optional
 *     vos:
 *     - name: vo.access.egi.eu
 *       auth:
 *         project_id: 999f045cb1ff4684a15ebb338af69460
 *         region: RegionTwo       # optional: the VO's region, when not the site's
 *       defaultNetwork: private   # optional: the network servers attach to
 *       publicNetwork: public     # optional: the floating IP pool
 *
 * (older files write `vos` as a map from VO name to the rest; both are read). One file is one cloud
 * of a site: a site may publish several, each with its own endpoint and VOs (fedcloud.srce.hr runs
 * two). So the list answers for the pair (site, VO): the one endpoint of the site that serves the VO,
 * and the VO's project there. fedcloudclient's `find_endpoint_and_project_id(site, vo)` (sites.py)
 * takes the first file whose gocdb matches and fails when that file lacks the VO; here every file
 * counts, and a VO served by two endpoints of one site is an error listing both until one is chosen.
 * An app pins the list it uses in `egi-cdktf.sites.json` (see site-list-file.ts), so synth needs no
 * network. This module only reads and answers; it makes no request.
 */
import { EgiAuthError } from "./errors";
import { normaliseAuthUrl } from "./settings";

export interface VoEntry {
  /** The VO's name, e.g. `vo.access.egi.eu`. */
  readonly name: string;
  /** The VO's project at the site; absent when the list does not say (then found by name). */
  readonly projectId?: string;
  /** The VO's OpenStack region (`auth.region`), when it is not the site's. */
  readonly region?: string;
  /** The network servers attach to, by name. */
  readonly defaultNetwork?: string;
  /** The external network floating IPs come from, by name. */
  readonly publicNetwork?: string;
}

/** One cloud of a site: one file of the list, one Keystone endpoint and the VOs it serves. */
export interface SiteEntry {
  /** The site's GOCDB name, e.g. `IFCA-LCG2`: what users call it. Several entries may share it. */
  readonly name: string;
  /** Keystone v3 URL as the list gives it; unique among the entries of a site. */
  readonly endpoint: string;
  /** Federation protocol, when the site names one (`openid` or `oidc`). */
  readonly protocol?: string;
  readonly region?: string;
  readonly vos: readonly VoEntry[];
}

/**
 * A site and one of its VOs: everything a token request and a provider need. `site` is the entry
 * (endpoint) that serves the VO, its region already the VO's when the VO names one.
 */
export interface SiteVo {
  readonly site: SiteEntry;
  readonly vo: VoEntry;
}

/** How the caller lets the user choose among a site's endpoints. */
export interface EndpointChoice {
  /**
   * The endpoint wanted (its URL, with or without `/v3`, or its host name).
   * @default none: the one endpoint of the site that serves the VO
   */
  readonly endpoint?: string;
  /**
   * What the user sets to choose, for messages (e.g. `EGI_SITE_ENDPOINT`).
   * @default "the endpoint"
   */
  readonly setting?: string;
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
    region: optionalString(auth.region, `${where} ${vo}: auth.region`),
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
      ...(vo.projectId || vo.region ? { auth: { ...(vo.projectId ? { project_id: vo.projectId } : {}), ...(vo.region ? { region: vo.region } : {}) } } : {}),
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

/** The key of an endpoint: `normaliseAuthUrl` (no trailing slash or /v3, host in lower case). */
const endpointKey = (endpoint: string): string => normaliseAuthUrl(endpoint, "endpoint");

/** True when `wanted` (a URL, with or without /v3, or a host name) names `endpoint`. */
function namesEndpoint(wanted: string, endpoint: string): boolean {
  const w = wanted.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w)) {
    try {
      return endpointKey(w) === endpointKey(endpoint);
    } catch {
      return false;
    }
  }
  return new URL(endpoint).hostname === w.toLowerCase().replace(/\.$/, "");
}

const findVo = (vos: readonly VoEntry[], name: string): VoEntry | undefined => vos.find((v) => v.name === name) ?? vos.find((v) => v.name.toLowerCase() === name.toLowerCase());

/** `{site, vo}` with the VO's region, when it names one, as the site's. */
const pair = (site: SiteEntry, vo: VoEntry): SiteVo => ({ site: vo.region && vo.region !== site.region ? { ...site, region: vo.region } : site, vo });

export class SiteList {
  private readonly byName: ReadonlyMap<string, readonly SiteEntry[]>;

  /**
   * @param sites one entry per cloud: a site's name may repeat, each time with another endpoint
   * @param source where the list came from, for messages (the pin file's path)
   */
  constructor(public readonly sites: readonly SiteEntry[], public readonly source: string) {
    const byName = new Map<string, SiteEntry[]>();
    for (const site of sites) {
      const same = byName.get(site.name.toLowerCase()) ?? [];
      const key = endpointKey(site.endpoint);
      if (same.some((s) => endpointKey(s.endpoint) === key)) throw new Error(`${source}: site ${site.name} is listed twice at endpoint ${site.endpoint}`);
      byName.set(site.name.toLowerCase(), [...same, site]);
    }
    this.byName = byName;
  }

  /** The distinct site names, sorted. */
  get names(): string[] {
    return [...new Set([...this.byName.values()].map((entries) => entries[0].name))].sort((a, b) => a.localeCompare(b));
  }

  /** The entries (endpoints) of the site named `name` (GOCDB name, any case), in list order. Throws one line with the close matches. */
  endpoints(name: string): readonly SiteEntry[] {
    const entries = this.byName.get(name.trim().toLowerCase());
    if (entries) return entries;
    throw new EgiAuthError(
      "UNKNOWN_SITE",
      `site "${name}" is not in ${this.source}${didYouMean(closeMatches(name, this.names))}; \`egi-cdktf sites\` lists them, \`egi-cdktf sites refresh\` updates the list`,
    );
  }

  /**
   * The VO `vo` at site `site`: the one endpoint of the site that serves it, or the one `choice`
   * names. Throws one line: the site's VOs close to it or the sites that have it; or, when two
   * endpoints serve it and none is chosen, both endpoints and how to choose.
   */
  siteVo(siteName: string, voName: string, choice: EndpointChoice = {}): SiteVo {
    const entries = this.endpoints(siteName);
    const wanted = voName.trim();
    const serving = entries.flatMap((site) => {
      const vo = findVo(site.vos, wanted);
      return vo ? [pair(site, vo)] : [];
    });
    const site = entries[0].name;
    if (serving.length === 0) {
      const elsewhere = [...new Set(this.sitesFor(voName).map((s) => s.name))];
      const vos = [...new Set(entries.flatMap((e) => e.vos.map((v) => v.name)))];
      throw new EgiAuthError(
        "UNKNOWN_VO",
        `VO "${voName}" is not supported at site ${site} (per ${this.source})${didYouMean(closeMatches(voName, vos))}${elsewhere.length ? `; sites with it: ${elsewhere.slice(0, 5).join(", ")}${elsewhere.length > 5 ? ", ..." : ""}` : ""}`,
      );
    }
    const setting = choice.setting ?? "the endpoint";
    const endpoints = (list: readonly SiteVo[]) => list.map((p) => p.site.endpoint).join(", ");
    if (choice.endpoint?.trim()) {
      const chosen = serving.filter((p) => namesEndpoint(choice.endpoint!, p.site.endpoint));
      if (chosen.length === 1) return chosen[0];
      throw new EgiAuthError(
        "SETTING_INVALID",
        `${setting} "${choice.endpoint.trim()}" is not an endpoint of site ${site} serving VO ${serving[0].vo.name} (per ${this.source}); ${serving.length > 1 ? "those are" : "that is"}: ${endpoints(serving)}`,
      );
    }
    if (serving.length === 1) return serving[0];
    throw new EgiAuthError(
      "SETTING_MISSING",
      `site ${site} serves VO ${serving[0].vo.name} at ${serving.length} endpoints (${endpoints(serving)}; per ${this.source}): choose one with ${setting}`,
    );
  }

  /** The entries (endpoints) that serve `vo` (any case), by site name then endpoint. */
  sitesFor(vo: string): SiteEntry[] {
    const v = vo.trim().toLowerCase();
    return this.sites.filter((s) => s.vos.some((x) => x.name.toLowerCase() === v)).sort((a, b) => a.name.localeCompare(b.name) || a.endpoint.localeCompare(b.endpoint));
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
