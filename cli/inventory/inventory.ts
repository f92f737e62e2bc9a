/**
 * `egi-cdktf inventory` end to end, without the flags: find the synthesized stack, read its
 * deployed outputs with terraform, pick each server's address, render the inventory. Every
 * "nothing to inventory" case (unknown stack, not deployed, no servers) lists the stacks there are.
 */
import { CHECKIN_SECRET_VARS } from "../client-env";
import type { Terraform } from "../plan-summary/run-terraform";
import { readOutputs } from "./read-outputs";
import { type InventoryFormat, type InventoryHost, renderInventory } from "./render-inventory";
import { type AddressChoice, hostAddress, serversFromOutputs } from "./servers";
import { findStack, stacksHint } from "./synthesized-stacks";

export interface InventoryOptions {
  /** The cdktf project folder. */
  readonly dir: string;
  readonly stack: string;
  readonly format: InventoryFormat;
  readonly address: AddressChoice;
  readonly user?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface InventoryResult {
  readonly text: string;
  readonly hosts: readonly InventoryHost[];
}

/** terraform as the rest of egi-cdktf runs it: TERRAFORM_BINARY_NAME (e.g. tofu), else terraform; no Check-in secret. */
export function terraformFor(env: Readonly<Record<string, string | undefined>>): Terraform {
  const tfEnv: Record<string, string | undefined> = { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  for (const name of CHECKIN_SECRET_VARS) delete tfEnv[name]; // reading state needs no Check-in credential
  return { binary: env.TERRAFORM_BINARY_NAME || "terraform", env: tfEnv };
}

export async function runInventory(o: InventoryOptions): Promise<InventoryResult> {
  const stack = findStack(o.dir, o.stack);
  const hint = stacksHint(stack.siblings, stack.outdirLabel);
  const outputs = await readOutputs(terraformFor(o.env), stack.dir, stack.config, stack.name);
  if (Object.keys(outputs).length === 0) {
    throw new Error(`stack ${stack.name} is not deployed (its state has no outputs): cdktf deploy ${stack.name} first; ${hint}`);
  }
  const servers = serversFromOutputs(outputs);
  if (servers.length === 0) {
    throw new Error(`stack ${stack.name} has no servers (no VirtualMachine outputs <name>_id and <name>_addresses in its state; cdktf deploy ${stack.name} after adding one); ${hint}`);
  }
  const hosts = servers.map((s) => ({ name: s.name, ansibleHost: hostAddress(s, o.address, stack.name) }));
  return { text: renderInventory({ stack: stack.name, hosts, user: o.user, format: o.format }), hosts };
}
