/**
 * Flavor questions to a site: `Flavor.bestFit`'s lookup (pinned) and `Flavor.exact`'s check that
 * exactly one flavor has the size (asked before every synth with a token, nothing stored).
 */
import { type CheckSpec, type LookupSpec, PLACEHOLDER_ID } from "./context-provider";
import type { FlavorInfo } from "./site-api";

/** What `Flavor.bestFit` asks for, every field set. */
export interface BestFitQuery {
  readonly minVcpus: number;
  readonly minRamMb: number;
  readonly minDiskGb: number;
  readonly gpus: number;
}

/** What `Flavor.exact` asks for. */
export interface ExactQuery {
  readonly vcpus: number;
  readonly ramMb: number;
  readonly diskGb: number;
}

const describe = (f: FlavorInfo) => `${f.name} (${f.vcpus} vCPU, ${f.ram} MB, ${f.disk} GB${f.gpus ? `, ${f.gpus} GPU` : ""})`;

/** The smallest flavor with at least `r`, ordered as `fedcloud select flavor` orders (GPUs, vCPUs, RAM, disk; then name). */
export function bestFitFlavor(r: BestFitQuery): LookupSpec<string> {
  return {
    kind: "flavor-best-fit",
    source: "Flavor.bestFit",
    query: { ...r },
    dummy: PLACEHOLDER_ID,
    description: `the smallest flavor with at least ${r.minVcpus} vCPUs, ${r.minRamMb} MB RAM, ${r.minDiskGb} GB disk${r.gpus ? `, ${r.gpus} GPUs` : ""}`,
    resolve: async (api) => {
      const all = await api.flavors();
      const fits = all
        .filter((f) => f.vcpus >= r.minVcpus && f.ram >= r.minRamMb && f.disk >= r.minDiskGb && f.gpus >= r.gpus)
        .sort((a, b) => a.gpus - b.gpus || a.vcpus - b.vcpus || a.ram - b.ram || a.disk - b.disk || a.name.localeCompare(b.name));
      if (fits.length === 0) {
        const largest = [...all].sort((a, b) => b.vcpus - a.vcpus || b.ram - a.ram).slice(0, 3);
        throw new Error(`no flavor is large enough; the largest are ${largest.map(describe).join(", ") || "none"}`);
      }
      return fits[0].id;
    },
  };
}

/** Exactly one flavor has the size `spec` (the provider's data source fails on several without naming them). */
export function exactFlavorIsUnique(spec: ExactQuery, description: string): CheckSpec {
  return {
    kind: "flavor-exact",
    description: `the flavor ${description}`,
    check: async (api) => {
      const all = await api.flavors();
      const matches = all.filter((f) => f.vcpus === spec.vcpus && f.ram === spec.ramMb && f.disk === spec.diskGb).sort((a, b) => a.name.localeCompare(b.name));
      if (matches.length === 1) return;
      if (matches.length === 0) {
        throw new Error(`no flavor matches; the site has ${all.map(describe).join(", ") || "none"}: use Flavor.bestFit or Flavor.fromName`);
      }
      throw new Error(`${matches.length} flavors match: ${matches.map((f) => `${f.name} (${f.id})`).join(", ")}; use Flavor.fromName or Flavor.fromId to pick one`);
    },
  };
}
