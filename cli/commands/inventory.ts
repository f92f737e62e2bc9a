import * as path from "node:path";
import { type Command, parseFlags, showArg, UsageError } from "../command";
import { runInventory } from "../inventory/inventory";
import { ansibleGroupName, type InventoryFormat } from "../inventory/render-inventory";
import type { AddressChoice } from "../inventory/servers";
import { checkOutputFile, checkTempFolder } from "../path-checks";
import { writeFileAtomic } from "../../auth/write-file";

/** What the ansible_user of an EGI image looks like: a portable POSIX user name (useradd's default rule). */
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;

/** Ansible's yaml plugin reads only these names (YAML_FILENAME_EXTENSIONS, or none): any other is parsed as INI and fails. */
const YAML_NAME = /(\.ya?ml|\.json|^[^.]+)$/;

/**
 * An Ansible inventory of a deployed stack's servers from its terraform outputs: the EGI tutorial's
 * `local_file` + `templatefile()` hosts template, without adding anything to the stack.
 */
export const inventoryCommand: Command = {
  name: "inventory",
  summary: "write an Ansible inventory of a deployed stack's servers, from its outputs",
  usage: `Usage: egi-cdktf inventory STACK [--user USER] [--format ini|yaml] [--output FILE] [--address floating|fixed]

In a cdktf project folder, after cdktf deploy STACK: writes an Ansible inventory of the stack's
servers. It replaces the EGI tutorial's local_file resource rendering a hosts template with
templatefile(): nothing to add to the stack, and no inventory file for terraform to manage.

It reads the outputs every VirtualMachine leaves in the deployed state (<name>_id, <name>_addresses,
<name>_floating_ip) with terraform output -json. One host per VirtualMachine, named <name> (its
construct path in the stack: vm, cluster_worker-1), all in one group named after the stack, with
characters other than letters, digits and _ made _ (stack floating-ip: group floating_ip).
  --user USER        ansible_user of every host. Default: none written, and Ansible uses its own
                     default (your local user name, or ~/.ssh/config); EGI images log in as their
                     distribution's user (ubuntu, almalinux, centos, ...): set it
  --format ini|yaml  default: yaml when --output ends in .yml or .yaml, else ini (the tutorial's)
  --output FILE      write FILE instead of stdout: a temp file beside it, renamed over it, so a
                     running ansible never reads half an inventory
  --address floating|fixed
                     ansible_host of each server. Default: its floating IP when it has one, else its
                     fixed IPv4. floating: fail when a server has none; fixed: always the fixed IPv4
                     (from inside the site, a VPN or a bastion)
No Check-in credential or token is needed: terraform runs in a private temp folder (removed after)
with only the stack's backend settings, and reads the state where the stack keeps it: the local
state file, or TeamState.postgres with PG_CONN_STR or PG* set as for cdktf deploy. Only addresses and
server names are shown. The terraform binary is TERRAFORM_BINARY_NAME (e.g. tofu), else terraform.
Exit status: 0 written; 1 when the stack is unknown, not deployed or has no servers (the message
lists the stacks in cdktf.out), a server lacks the address asked for, or terraform fails; 2 for
usage errors.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { user: { type: "string" }, format: { type: "string" }, output: { type: "string" }, address: { type: "string" } },
      true,
      inventoryCommand.usage,
    );
    if (positionals.length === 0) throw new UsageError("name the stack: egi-cdktf inventory STACK (a folder in cdktf.out/stacks)");
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${showArg(positionals[1])}: inventory takes one STACK`);
    if (!positionals[0].trim()) throw new UsageError("STACK is empty; name the stack: egi-cdktf inventory STACK (a folder in cdktf.out/stacks)");

    const user = values.user as string | undefined;
    if (user !== undefined && !USER_NAME.test(user)) {
      throw new UsageError(`--user ${showArg(user)} is not a user name: lower-case letters, digits, _, . and -, starting with a letter or _`);
    }
    const address = values.address as string | undefined;
    if (address !== undefined && address !== "floating" && address !== "fixed") throw new UsageError(`--address must be floating or fixed, not ${showArg(address)}`);
    const output = values.output as string | undefined;
    const format = inventoryFormat(values.format as string | undefined, output);
    checkTempFolder();

    const { text, hosts } = await runInventory({
      dir: process.cwd(),
      stack: positionals[0],
      format,
      address: (address ?? "auto") as AddressChoice,
      user,
      env: io.env,
    });
    if (output === undefined) {
      io.stdout(text);
      return 0;
    }
    writeFileAtomic(output, text, { setting: "--output" });
    io.stderr(`${output}: ${hosts.length} host${hosts.length === 1 ? "" : "s"} in group ${ansibleGroupName(positionals[0])}\n`);
    return 0;
  },
};

/** --format as given, else from --output's name; checks --output's folder and that Ansible will read the file. */
function inventoryFormat(given: string | undefined, output: string | undefined): InventoryFormat {
  if (given !== undefined && given !== "ini" && given !== "yaml") throw new UsageError(`--format must be ini or yaml, not ${showArg(given)}`);
  if (output === undefined) return (given ?? "ini") as InventoryFormat;
  // Before terraform runs: the folder exists and takes the temp file renamed over FILE, FILE is no folder.
  checkOutputFile({ flag: "--output", file: output, what: "inventory", example: given === "yaml" ? "hosts.yml" : "hosts.ini", replaceByRename: true });
  const format = (given ?? (/\.ya?ml$/.test(output) ? "yaml" : "ini")) as InventoryFormat;
  if (format === "yaml" && !YAML_NAME.test(path.basename(output))) {
    throw new UsageError(`--output ${output}: Ansible reads a YAML inventory only from a file ending in .yml or .yaml (or with no extension); rename it or use --format ini`);
  }
  return format;
}
