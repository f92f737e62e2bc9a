import { Construct } from "constructs";
import { DataOpenstackImagesImageV2, type DataOpenstackImagesImageV2Config } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { EgiSite } from "./egi-site";
import type { ImageInfo } from "./site-api";
import { sharedDataSource, siteFor } from "./site-lookup";

/** An image bound to a stack: what a server boots. */
export interface IImage {
  readonly imageId: string;
}

/** EGI Artefact Registry image properties, as atrope sets them on Glance images. */
export interface RegistryImageQuery {
  /** `os_distro`, e.g. `ubuntu`, `alma`. */
  readonly osDistro: string;
  /** `os_version`, e.g. `22.04`, `9`. @default any */
  readonly osVersion?: string;
  /** `image_list`. @default "egi_vm_images" */
  readonly imageList?: string;
  /** `architecture`. @default any */
  readonly architecture?: string;
}

/** Placeholder id used until a looked-up image is known (never a real image). */
export const PENDING_IMAGE_ID = "00000000-0000-0000-0000-lookuppending";

const APPDB_MPURI = /\/store\/vo\/image\/([0-9a-f-]{36})(?::\d+)?\/?$/i;

/**
 * Which image a server boots. Choose with a static factory; `VirtualMachine` binds it. Images with
 * the same query in one stack share one data source or lookup. Data sources carry a postcondition
 * on the image actually returned: the provider ignores `properties` when its other filters already
 * return one image, and a wrong image must never be used silently.
 */
export abstract class MachineImage {
  /** An image id, as `openstack image list` shows it. */
  public static fromId(imageId: string): MachineImage {
    if (!imageId.trim()) throw new Error("MachineImage.fromId: imageId is empty; give an id from `openstack image list`");
    return new FixedImage(imageId);
  }

  /**
   * The most recent image whose `APPLIANCE_MPURI` is exactly this AppDB marketplace URI (plan-time
   * data source), as the docs page's Terraform example selects it. The URI names one version.
   */
  public static fromApplianceMpuri(mpuri: string): MachineImage {
    if (!APPDB_MPURI.test(mpuri)) {
      throw new Error(`MachineImage.fromApplianceMpuri: "${mpuri}" is not an AppDB image URI like https://appdb.egi.eu/store/vo/image/<uuid>:<version>/`);
    }
    return new DataImage({ mostRecent: true, properties: { APPLIANCE_MPURI: mpuri } }, [["APPLIANCE_MPURI", mpuri]]);
  }

  /**
   * The newest image of an AppDB appliance whatever its version (the `:<version>/` suffix changes
   * with each release), given as any of its MPURIs or its base uuid. Looked up in Glance at synth
   * and pinned in egi-cdktf.context.json; `egi-cdktf context reset appdb-appliance` follows a new release.
   */
  public static latestAppDbAppliance(appliance: string): MachineImage {
    const base = APPDB_MPURI.exec(appliance)?.[1] ?? (/^[0-9a-f-]{36}$/i.test(appliance) ? appliance : undefined);
    if (!base) throw new Error(`MachineImage.latestAppDbAppliance: "${appliance}" is neither an AppDB image URI nor an appliance uuid`);
    return new LookupImage("appdb-appliance", { appliance: base.toLowerCase() }, `the newest image of AppDB appliance ${base}`, (i) => {
      const mpuri = String(i.properties.APPLIANCE_MPURI ?? "");
      return APPDB_MPURI.exec(mpuri)?.[1]?.toLowerCase() === base.toLowerCase();
    });
  }

  /** The most recent EGI Artefact Registry image with these properties (plan-time data source). */
  public static fromRegistry(query: RegistryImageQuery): MachineImage {
    if (!query.osDistro?.trim()) throw new Error("MachineImage.fromRegistry: osDistro is required, e.g. ubuntu or alma");
    const properties: Record<string, string> = { os_distro: query.osDistro, image_list: query.imageList ?? "egi_vm_images" };
    if (query.osVersion) properties.os_version = query.osVersion;
    if (query.architecture) properties.architecture = query.architecture;
    return new DataImage({ mostRecent: true, properties }, Object.entries(properties));
  }

  /**
   * The newest image whose `APPLIANCE_ATTRIBUTES` carry this `eu.egi.cloud.image_ref`
   * (e.g. `egi_vm_images/ubuntu:22.04`): looked up at synth, as the ref sits inside a JSON property.
   */
  public static fromRegistryRef(imageRef: string): MachineImage {
    if (!/^[\w.-]+\/[\w.-]+:[\w.-]+$/.test(imageRef)) throw new Error(`MachineImage.fromRegistryRef: "${imageRef}" is not like egi_vm_images/ubuntu:22.04`);
    return new LookupImage("registry-ref", { imageRef }, `the newest image with eu.egi.cloud.image_ref ${imageRef}`, (i) => {
      try {
        return JSON.parse(String(i.properties.APPLIANCE_ATTRIBUTES ?? "{}"))["eu.egi.cloud.image_ref"] === imageRef;
      } catch {
        return false;
      }
    });
  }

  /** The image with exactly this name (plan-time data source; fails when several have it), e.g. a snapshot. */
  public static fromName(name: string): MachineImage {
    if (!name.trim()) throw new Error("MachineImage.fromName: name is empty");
    return new DataImage({ name }, [], `self.name == ${JSON.stringify(name)}`);
  }

  /** The most recent image whose name matches this RE2 regular expression (plan-time data source). */
  public static fromNameRegex(regex: string): MachineImage {
    return new DataImage({ nameRegex: regex, mostRecent: true }, [], `can(regex(${JSON.stringify(regex)}, self.name))`);
  }

  /** Create (or reuse) what this choice needs in `scope`'s stack. */
  public abstract bind(scope: Construct, site?: EgiSite): IImage;
}

class FixedImage extends MachineImage {
  constructor(private readonly imageId: string) {
    super();
  }
  public bind(): IImage {
    return { imageId: this.imageId };
  }
}

type ImageFilter = Pick<DataOpenstackImagesImageV2Config, "mostRecent" | "properties" | "name" | "nameRegex">;

class DataImage extends MachineImage {
  constructor(
    private readonly filter: ImageFilter,
    private readonly mustHave: Array<[string, string]>,
    private readonly extraCondition?: string,
  ) {
    super();
  }

  public bind(scope: Construct, site?: EgiSite): IImage {
    const checks = this.mustHave.map(([k, v]) => `lookup(self.properties, ${JSON.stringify(k)}, "") == ${JSON.stringify(v)}`);
    if (this.extraCondition) checks.push(this.extraCondition);
    const wanted = this.mustHave.map(([k, v]) => `${k}=${v}`).join(", ") || JSON.stringify(this.filter);
    const { dataSource } = sharedDataSource(scope, "image", { filter: this.filter, site: site?.node.path }, (stack, id) =>
      new DataOpenstackImagesImageV2(stack, id, {
        ...this.filter,
        provider: site?.provider,
        lifecycle: {
          postcondition: [{ condition: `\${${checks.join(" && ")}}`, errorMessage: `The image found (\${self.id}, \${self.name}) does not have ${wanted}: no such image is visible to the project.` }],
        },
      }),
    );
    return { imageId: dataSource.id };
  }
}

class LookupImage extends MachineImage {
  constructor(
    private readonly kind: string,
    private readonly query: Record<string, string>,
    private readonly description: string,
    private readonly matches: (image: ImageInfo) => boolean,
  ) {
    super();
  }

  public bind(scope: Construct, given?: EgiSite): IImage {
    const site = siteFor(scope, given, EgiSite.isEgiSite, "MachineImage lookup");
    const imageId = site.lookups.addString(scope, {
      kind: this.kind,
      query: this.query,
      dummy: PENDING_IMAGE_ID,
      description: this.description,
      resolve: async (api) => {
        const found = (await api.images()).filter((i) => i.status === "active" && this.matches(i));
        if (found.length === 0) throw new Error("no active image visible to the project matches; check `openstack image list --long` at the site");
        return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))[0].id;
      },
    });
    return { imageId };
  }
}
