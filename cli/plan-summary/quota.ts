/**
 * Quota arithmetic, pure: the needs of every planned stack at one site (project) against what the
 * site's own APIs say the project has left. `left = limit - used` (used includes what Neutron
 * reports as reserved); a limit of -1 is unlimited. A row is over quota when the plan adds more
 * than is left; values terraform knows only after apply (a flavor from a resource being created)
 * are listed as unknown, never guessed.
 */
import type { FlavorInfo } from "../../constructs/lookups/site-api";
import { type Amounts, type FlavorRef, QUOTA_RESOURCES, type QuotaNeed, type QuotaResource } from "./quota-needs";
import { naturalCompare } from "./natural-sort";

export interface Limit {
  /** -1: unlimited. */
  readonly limit: number;
  readonly used: number;
}

/** What a site answered for one project. */
export interface SiteQuota {
  readonly limits: Partial<Record<QuotaResource, Limit>>;
  /** Why a resource has no limit (its service's call failed or is not in the catalog). */
  readonly unavailable: Partial<Record<QuotaResource, string>>;
  /** The flavors the project can use; undefined when the list could not be read. */
  readonly flavors?: readonly FlavorInfo[];
}

export interface StackNeed extends QuotaNeed {
  readonly stack: string;
}

export type QuotaStatus = "ok" | "over" | "unknown" | "not checked";

export interface QuotaRow {
  readonly resource: QuotaResource;
  readonly label: string;
  /** What the plan adds, not counting the unknown amounts. */
  readonly adds: number;
  /** `stack: address` of the objects that add to it. */
  readonly addedBy: readonly string[];
  /** `stack: address (why)` of objects whose amount is known only after apply. */
  readonly unknown: readonly string[];
  /** null: unlimited; undefined: not available. */
  readonly limit?: number | null;
  readonly used?: number;
  /** null: unlimited. */
  readonly left?: number | null;
  readonly status: QuotaStatus;
  /** Why the row is "not checked". */
  readonly note?: string;
}

export const QUOTA_LABELS: Readonly<Record<QuotaResource, string>> = {
  instances: "instances",
  cores: "vCPUs",
  ram: "RAM (MB)",
  volumes: "volumes",
  gigabytes: "volume GB",
  floatingip: "floating IPs",
  security_group: "security groups",
  security_group_rule: "security group rules",
};

type Amount = number | { readonly unknown: string };

const describeRef = (ref: FlavorRef): string => (ref.id ? `flavor id ${ref.id}` : `flavor ${ref.name}`);

function flavorAmount(amounts: Amounts, key: "vcpus" | "ram", flavors: readonly FlavorInfo[] | undefined): Amount | undefined {
  const flavor = amounts.flavor;
  if (flavor === undefined) return undefined;
  if (flavor === "unknown") return { unknown: "flavor known only after apply" };
  if (!flavors) return { unknown: "the site's flavor list could not be read" };
  const found = flavors.find((f) => (flavor.id ? f.id === flavor.id : f.name === flavor.name));
  return found ? found[key] : { unknown: `${describeRef(flavor)} is not among the project's flavors` };
}

function amountOf(amounts: Amounts | undefined, resource: QuotaResource, flavors: readonly FlavorInfo[] | undefined): Amount | undefined {
  if (!amounts) return undefined;
  if (resource === "cores") return flavorAmount(amounts, "vcpus", flavors);
  if (resource === "ram") return flavorAmount(amounts, "ram", flavors);
  const v = amounts.counts[resource];
  return v === "unknown" ? { unknown: "size known only after apply" } : v;
}

/** One need's share of `resource`: the new amount, or for "growth" only what exceeds the old one. */
export function contribution(need: QuotaNeed, resource: QuotaResource, flavors?: readonly FlavorInfo[]): Amount {
  const after = amountOf(need.after, resource, flavors) ?? 0;
  if (need.mode === "full" || typeof after !== "number") return after;
  const before = amountOf(need.before, resource, flavors) ?? 0;
  // An old amount we cannot resolve (a flavor deleted since): count the new amount in full.
  return typeof before === "number" ? Math.max(0, after - before) : after;
}

/** The quota table of one site: a row for each resource the plan adds to (or may add to). */
export function quotaRows(needs: readonly StackNeed[], quota: SiteQuota): QuotaRow[] {
  const rows: QuotaRow[] = [];
  for (const resource of QUOTA_RESOURCES) {
    let adds = 0;
    const addedBy: string[] = [];
    const unknown: string[] = [];
    for (const need of needs) {
      const c = contribution(need, resource, quota.flavors);
      if (typeof c !== "number") unknown.push(`${need.stack}: ${need.address} (${c.unknown})`);
      else if (c > 0) {
        adds += c;
        addedBy.push(`${need.stack}: ${need.address}`);
      }
    }
    if (adds === 0 && unknown.length === 0) continue;
    // terraform lists resources sorted as text (worker10 before worker2); a reader expects worker1, worker2, ...
    addedBy.sort(naturalCompare);
    unknown.sort(naturalCompare);
    const base = { resource, label: QUOTA_LABELS[resource], adds, addedBy, unknown };
    const limit = quota.limits[resource];
    if (!limit) {
      rows.push({ ...base, status: "not checked", note: quota.unavailable[resource] ?? "the site reported no limit for it" });
      continue;
    }
    if (limit.limit < 0) {
      rows.push({ ...base, limit: null, used: limit.used, left: null, status: "ok" });
      continue;
    }
    const left = Math.max(0, limit.limit - limit.used);
    const status: QuotaStatus = adds > left ? "over" : unknown.length ? "unknown" : "ok";
    rows.push({ ...base, limit: limit.limit, used: limit.used, left, status });
  }
  return rows;
}

/** The failing line of an over-quota row, naming the resource, the numbers and what adds to it. */
export function overQuotaLine(site: string, row: QuotaRow): string {
  const shown = row.addedBy.slice(0, 5).join(", ") + (row.addedBy.length > 5 ? `, and ${row.addedBy.length - 5} more` : "");
  return `over quota at ${site}: ${row.label}: the plans add ${row.adds} (${shown}) but the project has ${row.left} left (limit ${row.limit}, used ${row.used})`;
}
