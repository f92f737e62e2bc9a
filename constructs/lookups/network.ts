/**
 * The network a server attaches to, and the pool its floating IP comes from, when neither is named
 * and the site list does not say (`defaultNetwork` / `publicNetwork`): chosen at synth as
 * `fedcloud select network` does, and pinned in egi-cdktf.context.json like any lookup.
 *
 * - default network: among the networks the project may attach to (its own and shared ones),
 *   external ("public") first, then shared, then the project's private ones; a tie at the top is
 *   an error naming the candidates, not a guess.
 * - floating IP pool: the one external network; several are an error naming them.
 */
import type { LookupSpec } from "./context-provider";
import type { NetworkInfo, SiteApi } from "./site-api";

const FIX_NETWORK = "name one with defaultNetwork in egi-cdktf.sites.json, or pass network: Network.fromName(...)";
const FIX_POOL = "name one with publicNetwork in egi-cdktf.sites.json, or pass the pool to addFloatingIp / floatingIpPool";

const rank = (n: NetworkInfo): number => (n.external ? 2 : 0) + (n.shared ? 1 : 0);
const label = (n: NetworkInfo): string => `${n.name || n.id}${n.external ? " (external)" : n.shared ? " (shared)" : ""}`;

/** fedcloud select network's order, applied to `networks` as the project `projectId` sees them. */
export function chooseDefaultNetwork(networks: readonly NetworkInfo[], projectId: string): NetworkInfo {
  const usable = networks.filter((n) => n.shared || n.projectId === projectId).sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name));
  if (usable.length === 0) throw new Error(`the project has no network of its own and none is shared with it; ${FIX_NETWORK}`);
  const top = usable.filter((n) => rank(n) === rank(usable[0]));
  if (top.length > 1) throw new Error(`${top.length} networks could be the default (${top.map(label).join(", ")}); ${FIX_NETWORK}`);
  if (!top[0].name) throw new Error(`the default network ${top[0].id} has no name; ${FIX_NETWORK}`);
  return top[0];
}

/** The site's one external network. */
export function chooseFloatingIpPool(networks: readonly NetworkInfo[]): NetworkInfo {
  const external = networks.filter((n) => n.external).sort((a, b) => a.name.localeCompare(b.name));
  if (external.length === 0) throw new Error(`the site shows no external network to take floating IPs from; ${FIX_POOL}`);
  if (external.length > 1) throw new Error(`${external.length} external networks (${external.map(label).join(", ")}); ${FIX_POOL}`);
  return external[0];
}

/** Lookup of the default network's name (a VirtualMachine without network at a listed site without defaultNetwork). */
export const defaultNetworkSpec: LookupSpec<string> = {
  kind: "network-default",
  query: {},
  dummy: "egi-cdktf-network-not-looked-up",
  description: "the default network (fedcloud select network: external, then shared, then private)",
  source: "VirtualMachine (no network)",
  resolve: async (api: SiteApi) => chooseDefaultNetwork(await api.networks(), api.projectId).name,
};

/** Lookup of the floating IP pool's name (addFloatingIp() at a listed site without publicNetwork). */
export const floatingIpPoolSpec: LookupSpec<string> = {
  kind: "network-floating-ip-pool",
  query: {},
  dummy: "egi-cdktf-pool-not-looked-up",
  description: "the floating IP pool (the site's external network)",
  source: "VirtualMachine.addFloatingIp",
  resolve: async (api: SiteApi) => chooseFloatingIpPool(await api.networks()).name,
};
