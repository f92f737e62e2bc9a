/**
 * The servers of a stack, recognised in its outputs by the names every VirtualMachine writes:
 * `<prefix>_id` and `<prefix>_addresses` (the server's network blocks), plus `<prefix>_floating_ip`
 * when it has one. `<prefix>` is the VirtualMachine's path in its stack (`vm`, `cluster_worker-1`):
 * unique in the stack and made of letters, digits, `_` and `-`, so it is the host's name as is.
 * Only addresses are taken from the outputs; nothing else in them is ever shown.
 */
import type { Outputs } from "./read-outputs";

export interface Server {
  /** The output prefix: the host's name in the inventory. */
  readonly name: string;
  readonly floatingIp?: string;
  /** The fixed IPv4 of the server's access network (else its first network); IPv6 when it has no IPv4. */
  readonly fixedIp?: string;
}

/** Which address becomes `ansible_host`: `auto` is the floating IP when there is one, else the fixed IP. */
export type AddressChoice = "auto" | "floating" | "fixed";

interface NetworkBlock {
  readonly fixed_ip_v4?: unknown;
  readonly fixed_ip_v6?: unknown;
  readonly access_network?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** Some provider versions write IPv6 in URL brackets (`[fd00::5]`): Ansible wants the bare address. */
const bare = (ip: string | undefined): string | undefined => ip?.replace(/^\[(.*)\]$/, "$1");

/** The address to reach the server at inside the site: the access network's, else the first network's. */
function fixedIp(blocks: readonly NetworkBlock[]): string | undefined {
  const ordered = [...blocks.filter((b) => b.access_network === true), ...blocks.filter((b) => b.access_network !== true)];
  const v4 = ordered.map((b) => text(b.fixed_ip_v4)).find(Boolean);
  return v4 ?? bare(ordered.map((b) => text(b.fixed_ip_v6)).find(Boolean));
}

/** Every VirtualMachine's server in `outputs`, sorted by name. */
export function serversFromOutputs(outputs: Outputs): Server[] {
  const servers: Server[] = [];
  for (const [key, output] of Object.entries(outputs)) {
    const match = /^(.+)_addresses$/.exec(key);
    if (!match || !(`${match[1]}_id` in outputs)) continue;
    const blocks = Array.isArray(output?.value) ? (output.value as unknown[]).filter((b): b is NetworkBlock => !!b && typeof b === "object") : undefined;
    if (!blocks) continue; // an output of the user's own that happens to end in _addresses
    const floating = text(outputs[`${match[1]}_floating_ip`]?.value);
    servers.push({ name: match[1], ...(floating ? { floatingIp: floating } : {}), ...(fixedIp(blocks) ? { fixedIp: fixedIp(blocks) } : {}) });
  }
  return servers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The `ansible_host` of `server` as `choice` says; an Error naming the server when it has no such address. */
export function hostAddress(server: Server, choice: AddressChoice, stack: string): string {
  if (choice === "floating") {
    if (server.floatingIp) return server.floatingIp;
    throw new Error(`--address floating: server ${server.name} of stack ${stack} has no floating IP (${server.name}_floating_ip); give it floatingIpPool, or use --address fixed`);
  }
  if (choice === "auto" && server.floatingIp) return server.floatingIp;
  if (server.fixedIp) return server.fixedIp;
  throw new Error(`server ${server.name} of stack ${stack} has no fixed IP in its output ${server.name}_addresses${choice === "auto" ? " and no floating IP" : ""}; run cdktf deploy ${stack} again to refresh it`);
}
