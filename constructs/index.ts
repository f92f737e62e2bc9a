/**
 * The construct library's public entry point: `import { VirtualMachine, MachineImage, ... } from "./constructs"`.
 *
 * Every export is named. Left out on purpose, so they can change without breaking apps: the helpers
 * marked `@internal` (`renderCloudConfig`, `validateCloudConfig`, `decodeUtf8Text`, `YAML_OPTIONS`),
 * the synth-time lookups (`lookups/`, one file per kind of question, behind `lookups/context-provider.ts`)
 * and the checks behind one-line errors (`site-names.ts`, `describe-value.ts`).
 *
 * ESCAPE HATCH: anything not wrapped here (server groups, routers, load balancers, DNS, ...) is
 * written with the generated provider classes, one module per resource. From the package:
 *
 *     import { ComputeServergroupV2 } from "egi-fedcloud-cdktf/providers/openstack/compute-servergroup-v2";
 *
 * (inside this repository: `../.gen/providers/openstack/<resource>`). The generated barrel, with all
 * ~170 resources and data sources, should not be imported: loading and type-checking one resource
 * module is fast, the whole provider is not. Pass `provider: site.provider` to such a resource
 * when its `EgiSite` has an `alias`. For an attribute a construct does not expose, reach its
 * generated resource instead (`vm.instance`, `volume.resource`, ...) and use `addOverride`.
 *
 * The binding modules whose classes the constructs expose (`site.provider`, `vm.instance`, ...) are
 * exported below as namespaces, as jsii requires, so that Python and other languages can name them.
 */

// Sites: the provider, authenticated with a Check-in or OS_TOKEN Keystone token.
export { EgiSite, type EgiSiteProps, type EgiSiteFromNameProps } from "./egi-site";

// Servers.
export { VirtualMachine, type VirtualMachineProps, type AttachedVolume } from "./virtual-machine";
export { MachineImage, type IImage, type RegistryImageQuery } from "./machine-image";
export { Flavor, type IFlavor, type ExactFlavorSpec, type FlavorRequirements } from "./flavor";

// Networking.
export { Network, type INetwork, type NetworkFromNameProps } from "./network";
export { SecurityGroup, type ISecurityGroup, type SecurityGroupProps, type SecurityGroupFromNameProps, type PortRange } from "./security-group";
export { FloatingIp, type FloatingIpProps } from "./floating-ip";

// Access and storage.
export { KeyPair, type IKeyPair, type KeyPairProps, type KeyPairFromNameProps, type GeneratedKeyPairProps } from "./key-pair";
export { Volume, type VolumeProps, type NewVolumeProps, type AttachOptions } from "./volume";

// cloud-init.
export { UserData, type ShellScriptOptions } from "./user-data";
export {
  WriteFiles,
  type CloudConfig,
  type CloudConfigUser,
  type WriteFile,
  type WriteFileEncoding,
  type LocalWriteFileOptions,
} from "./cloud-config";

// Team state: the stack's Terraform state in PostgreSQL, with locking (connection from PG_CONN_STR).
export { TeamState, type PostgresTeamStateProps } from "./team-state";

// Synth-time lookups pinned in egi-cdktf.context.json.
export { ContextFile } from "./lookups/context-file";
export { ReviewHint, ReviewHints } from "./review-hints"; // plan-summary review hints, silenced per resource in code

// The generated bindings of the resources the constructs expose (`site.provider`, `vm.instance`, ...).
export * as provider from "../.gen/providers/openstack/provider";
export * as blockstorageVolumeV3 from "../.gen/providers/openstack/blockstorage-volume-v3";
export * as computeInstanceV2 from "../.gen/providers/openstack/compute-instance-v2";
export * as computeKeypairV2 from "../.gen/providers/openstack/compute-keypair-v2";
export * as computeVolumeAttachV2 from "../.gen/providers/openstack/compute-volume-attach-v2";
export * as networkingFloatingipV2 from "../.gen/providers/openstack/networking-floatingip-v2";
export * as networkingFloatingipAssociateV2 from "../.gen/providers/openstack/networking-floatingip-associate-v2";
export * as networkingSecgroupV2 from "../.gen/providers/openstack/networking-secgroup-v2";
