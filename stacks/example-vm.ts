import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Annotations, type TerraformStack } from "cdktf";
import { EgiSite, type EgiSiteProps } from "../constructs/egi-site";
import { Flavor } from "../constructs/flavor";
import { type IKeyPair, KeyPair } from "../constructs/key-pair";
import { MachineImage } from "../constructs/machine-image";
import { VirtualMachine, type VirtualMachineProps } from "../constructs/virtual-machine";

/** What every example VM stack takes; each prop has a default that works on a typical EGI site. */
export interface ExampleVmProps {
  /** The site (auth URL, project, region, CA file). @default OS_AUTH_URL, OS_PROJECT_ID, ... */
  readonly site?: EgiSiteProps;
  /** @default Ubuntu 22.04 from the EGI Artefact Registry (`MachineImage.fromRegistry`) */
  readonly image?: MachineImage;
  /** @default the smallest flavor with 1 vCPU, 2 GB RAM, 20 GB disk (`Flavor.bestFit`) */
  readonly flavor?: Flavor;
  /**
   * Public key to register for the image's default user.
   * @default SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_rsa.pub as on the docs page; when that default file
   * does not exist the VM gets no key and synth warns
   */
  readonly publicKeyFile?: string;
  /** Server name. @default the stack id */
  readonly serverName?: string;
}

/** A file in stacks/assets, from the sources (ts-node, jest) or from the build in dist/. */
export function assetPath(name: string): string {
  const candidates = [path.join(__dirname, "assets", name), path.join(__dirname, "..", "..", "stacks", "assets", name)];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

export const DEFAULT_IMAGE = (): MachineImage => MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "22.04" });
export const DEFAULT_FLAVOR = (): Flavor => Flavor.bestFit({ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 });

/** SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_rsa.pub as on the docs page. */
export const defaultPublicKeyFile = (): string => process.env.SSH_PUBLIC_KEY_FILE || "~/.ssh/id_rsa.pub";

/** The key pair for `props`: from the given file, else from the default file when it exists. */
export function exampleKeyPair(stack: TerraformStack, props: ExampleVmProps, site: EgiSite): IKeyPair | undefined {
  if (props.publicKeyFile) return new KeyPair(stack, "key", { publicKeyFile: props.publicKeyFile, site });
  const file = defaultPublicKeyFile();
  if (fs.existsSync(file.replace(/^~(?=\/)/, os.homedir()))) return new KeyPair(stack, "key", { publicKeyFile: file, site });
  Annotations.of(stack).addWarning(`no ${file}: the server gets no SSH key; create one with ssh-keygen or set publicKeyFile / SSH_PUBLIC_KEY_FILE`);
  return undefined;
}

/** An EgiSite plus a VirtualMachine built from the example props and `extra`. */
export function exampleVm(stack: TerraformStack, props: ExampleVmProps, extra: Partial<VirtualMachineProps> = {}): { site: EgiSite; vm: VirtualMachine } {
  const site = new EgiSite(stack, "site", props.site);
  const vm = new VirtualMachine(stack, "vm", {
    name: props.serverName ?? stack.node.id,
    image: props.image ?? DEFAULT_IMAGE(),
    flavor: props.flavor ?? DEFAULT_FLAVOR(),
    keyPair: exampleKeyPair(stack, props, site),
    ...extra,
  });
  vm.addOutputs(); // vm_id, vm_addresses, vm_floating_ip: what the docs page reads with openstack server show
  return { site, vm };
}
