import { Construct } from "constructs";
import { Token } from "cdktf";
import { BlockstorageVolumeV3 } from "../.gen/providers/openstack/blockstorage-volume-v3";
import { ComputeVolumeAttachV2 } from "../.gen/providers/openstack/compute-volume-attach-v2";
import { EgiSite } from "./egi-site";
import { checkArg, checkProps, type PropsShape } from "./props-check";

/** A volume's size and options: what `VirtualMachine.attachNewVolume` takes (the site is the server's). */
export interface NewVolumeProps {
  /** Size in GiB: an integer, at least 1. Counts against the project's volume quota (`openstack quota show`). */
  readonly sizeGb: number;
  /**
   * The volume's name (`openstack volume list` shows it).
   * @default derived from the construct path, e.g. "mystack-data"
   */
  readonly name?: string;
  /**
   * The volume's description.
   * @default none
   */
  readonly description?: string;
  /**
   * Cinder volume type (`openstack volume type list`).
   * @default the site's default volume type
   */
  readonly volumeType?: string;
  /**
   * Cinder availability zone (`openstack availability zone list --volume`); it must be one the
   * servers you attach to can reach.
   * @default the site's default zone
   */
  readonly availabilityZone?: string;
}

/** A new volume: its size and options, and the site. */
export interface VolumeProps extends NewVolumeProps {
  /**
   * The site whose provider creates the volume and its attachment.
   * @default `EgiSite.of(scope)`: the stack's site without alias (its default `openstack` provider)
   */
  readonly site?: EgiSite;
}

/** How to attach a volume: what `Volume.attachTo` and `VirtualMachine.attachVolume` take. */
export interface AttachOptions {
  /**
   * Device name to ask for, e.g. "/dev/vdb". Only a hint: on KVM sites the guest names disks in
   * attach order whatever is asked; find the disk by `/dev/disk/by-id/virtio-<volume id prefix>`.
   * @default Nova picks the next free device
   */
  readonly device?: string;
}

/**
 * What `NewVolumeProps` holds, checked at run time for JavaScript and jsii callers.
 * @internal
 */
export const NEW_VOLUME_PROPS: PropsShape = {
  required: { sizeGb: "number" },
  optional: { name: "string", description: "string", volumeType: "non-empty string", availabilityZone: "non-empty string" },
};
const VOLUME_PROPS: PropsShape = { ...NEW_VOLUME_PROPS, optional: { ...NEW_VOLUME_PROPS.optional, site: "object" } };

/**
 * A Cinder block storage volume, empty, to attach to a server with `attachTo`.
 *
 * Equivalent to `openstack volume create --size SIZE NAME`.
 */
export class Volume extends Construct {
  /** The volume's id. */
  public readonly volumeId: string;
  /** The underlying `openstack_blockstorage_volume_v3`. */
  public readonly resource: BlockstorageVolumeV3;
  private readonly givenSite: EgiSite | undefined;
  private attachment: { instanceId: string; resource: ComputeVolumeAttachV2 } | undefined;

  constructor(scope: Construct, id: string, props: VolumeProps) {
    super(scope, id);
    checkProps(`Volume ${this.node.path}`, props, VOLUME_PROPS);
    if (!Token.isUnresolved(props.sizeGb) && !(Number.isInteger(props.sizeGb) && props.sizeGb >= 1)) {
      throw new Error(`Volume ${this.node.path}: sizeGb ${props.sizeGb} is not a size; give a whole number of GiB, at least 1`);
    }
    const name = props.name ?? this.node.path.replace(/[^A-Za-z0-9_.-]+/g, "-");
    if (!Token.isUnresolved(name) && (name.trim() === "" || name.length > 255)) {
      throw new Error(`Volume ${this.node.path}: name "${name}" must be 1 to 255 characters; give another name`);
    }
    this.givenSite = props.site;
    this.resource = new BlockstorageVolumeV3(this, "Resource", {
      size: props.sizeGb,
      name,
      description: props.description,
      volumeType: props.volumeType,
      availabilityZone: props.availabilityZone,
      provider: props.site?.provider,
    });
    this.volumeId = this.resource.id;
  }

  /** The site the volume is at: `site`, else the stack's site without alias. */
  public get site(): EgiSite | undefined {
    return this.givenSite ?? EgiSite.tryOf(this);
  }

  /**
   * Attaches the volume to a server (`instanceId`, e.g. an `openstack_compute_instance_v2`'s `id`;
   * a token is fine). A volume attaches to one server: a second call throws.
   *
   * Equivalent to `openstack server add volume [--device DEVICE] SERVER VOLUME`.
   * @param options the device to ask for; by default Nova picks the next free one
   */
  public attachTo(instanceId: string, options: AttachOptions = {}): ComputeVolumeAttachV2 {
    checkArg(`Volume ${this.node.path}: attachTo`, "instanceId", instanceId, "string");
    checkProps(`Volume ${this.node.path}: attachTo`, options, { optional: { device: "string" } });
    if (this.attachment) {
      const same = this.attachment.instanceId === instanceId ? "that server" : "another server";
      throw new Error(`Volume ${this.node.path}: attachTo: the volume is already attached to ${same}; call attachTo once per volume, create another Volume for another server`);
    }
    if (!Token.isUnresolved(instanceId) && instanceId.trim() === "") {
      throw new Error(`Volume ${this.node.path}: attachTo: instanceId is empty; give the server's id, e.g. server.id`);
    }
    const device = options.device;
    if (device !== undefined && !Token.isUnresolved(device) && !/^\/dev\/[a-z]+[a-z0-9]*$/.test(device)) {
      throw new Error(`Volume ${this.node.path}: attachTo: device "${device}" is not a device name; give one like "/dev/vdb", or leave it out`);
    }
    const resource = new ComputeVolumeAttachV2(this, "Attachment", {
      instanceId,
      volumeId: this.volumeId,
      device,
      provider: this.givenSite?.provider,
    });
    this.attachment = { instanceId, resource };
    return resource;
  }
}
