/**
 * An Ansible inventory of one stack's hosts, as INI or YAML: one group named after the stack, one
 * host per server with `ansible_host` (and `ansible_user` when given) on the host itself, as the
 * EGI tutorial's hosts template writes them. The output depends on its inputs only (no date): a
 * regenerated inventory that did not change is byte for byte the same file, so it diffs cleanly.
 */
import { stringify } from "yaml";

export type InventoryFormat = "ini" | "yaml";

export interface InventoryHost {
  readonly name: string;
  readonly ansibleHost: string;
}

export interface InventoryInput {
  readonly stack: string;
  readonly hosts: readonly InventoryHost[];
  /** `ansible_user` of every host; none written when undefined (Ansible then uses its own default). */
  readonly user?: string;
  readonly format: InventoryFormat;
}

/** Groups Ansible reserves: a stack named like one gets a `_stack` suffix instead of merging into it. */
const RESERVED_GROUPS = new Set(["all", "ungrouped"]);

/**
 * The stack's name as an Ansible group name: Ansible warns about (and by default rewrites) any
 * character other than letters, digits and `_`, and a leading digit, so they are replaced here,
 * where the name is known to come from the stack: `floating-ip` is `floating_ip`, `2nd` is `_2nd`.
 */
export function ansibleGroupName(stack: string): string {
  const safe = stack.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=[0-9])/, "_") || "_";
  return RESERVED_GROUPS.has(safe) ? `${safe}_stack` : safe;
}

function header(stack: string, group: string): string[] {
  return [
    `# Ansible inventory of stack ${stack}'s servers (group ${group}), written by egi-cdktf inventory`,
    `# from the stack's terraform outputs. Regenerate it after each deploy: egi-cdktf inventory ${stack}`,
  ];
}

function hostVars(host: InventoryHost, user: string | undefined): Record<string, string> {
  return { ansible_host: host.ansibleHost, ...(user ? { ansible_user: user } : {}) };
}

/** The inventory as `input.format` says, ending in a newline. */
export function renderInventory(input: InventoryInput): string {
  const group = ansibleGroupName(input.stack);
  if (input.format === "yaml") {
    const hosts = Object.fromEntries(input.hosts.map((h) => [h.name, hostVars(h, input.user)]));
    return `${header(input.stack, group).join("\n")}\n${stringify({ all: { children: { [group]: { hosts } } } })}`;
  }
  // Host names are output prefixes and values are addresses and a validated user name: no quoting needed.
  const lines = input.hosts.map((h) => [h.name, ...Object.entries(hostVars(h, input.user)).map(([k, v]) => `${k}=${v}`)].join(" "));
  return [...header(input.stack, group), `[${group}]`, ...lines, ""].join("\n");
}
