import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataOpenstackImagesImageV2, type DataOpenstackImagesImageV2Config } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { EgiSite } from "./egi-site";
import { checkArg, checkProps } from "./props-check";
import { re2SyntaxError } from "./re2-syntax";
import { type ImageQuery, newestImage } from "./lookups/image";
import { sharedDataSource, siteFor } from "./lookups/site-lookups";

/** An image bound to a stack: what a server boots. */
export interface IImage {
  /** The image's id (a data source's attribute, a pinned lookup answer, or a given id). */
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

/** Any AppDB image URI as Glance holds it in `APPLIANCE_MPURI`: group 1 is the appliance's uuid. */
const APPDB_MPURI = /\/store\/vo\/image\/([0-9a-f-]{36})(?::\d+)?\/?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APPDB_PATH = /^\/store\/vo\/image\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::(\d+))?\/?$/i;
const EXAMPLE_UUID = "8df7ba00-8467-57aa-bf1e-05754a2a73bf";
const EXAMPLE_MPURI = `https://appdb.egi.eu/store/vo/image/${EXAMPLE_UUID}:6428/`;

/**
 * An AppDB image URI, trimmed and with the trailing "/" EGI's APPLIANCE_MPURI values have; throws
 * `<method>: "<given>" <what is wrong>; <fix>` (`notAUri` is the problem when it is no URI at all).
 */
function parseAppDbUri(given: string, method: string, requireVersion: boolean, notAUri: string): { uri: string; uuid: string } {
  const fail = (problem: string) => new Error(`${method}: ${JSON.stringify(given)} ${problem}`);
  const text = given.trim();
  if (text === "") throw fail(`is empty; e.g. ${EXAMPLE_MPURI}`);
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/.exec(text);
  if (!parts) throw fail(text.includes("/store/vo/image/") ? `has no scheme; write it with https://, e.g. ${EXAMPLE_MPURI}` : notAUri);
  const [, scheme, host, path, rest] = parts;
  const withSlash = (p: string) => (APPDB_PATH.test(p) && !p.endsWith("/") ? `${p}/` : p);
  if (scheme.toLowerCase() === "http") throw fail(`uses http; APPLIANCE_MPURI values use https: https://${host}${withSlash(path)}`);
  if (scheme.toLowerCase() !== "https") throw fail(`has the scheme ${scheme}; AppDB image URIs use https, e.g. ${EXAMPLE_MPURI}`);
  if (host === "") throw fail(`has no host; e.g. ${EXAMPLE_MPURI}`);
  if (rest !== undefined) throw fail(`has a query or fragment (${rest}); drop it, e.g. ${EXAMPLE_MPURI}`);
  const match = APPDB_PATH.exec(path);
  if (!match) throw fail(`has the path ${path || "/"}, not /store/vo/image/<uuid>:<version>/; e.g. ${EXAMPLE_MPURI}`);
  if (requireVersion && match[2] === undefined) {
    throw fail(`names no version; add the :<version> the appliance's AppDB page shows, e.g. ${EXAMPLE_MPURI}, or use MachineImage.latestAppDbAppliance for the newest version`);
  }
  return { uri: `${scheme}://${host}${withSlash(path)}`, uuid: match[1] };
}

/**
 * Which image a server boots. Choose with a static factory; `VirtualMachine` binds it. Images with
 * the same query in one stack share one data source or lookup. Data sources carry a postcondition
 * on the image actually returned: the provider ignores `properties` when its other filters already
 * return one image, and a wrong image must never be used silently. Replaces the image hunt in
 * `openstack image list --long`.
 */
export abstract class MachineImage {
  /** An image id, as `openstack image list` shows it. */
  public static fromId(imageId: string): MachineImage {
    checkArg("MachineImage.fromId", "imageId", imageId, "string");
    if (!imageId.trim()) throw new Error("MachineImage.fromId: imageId is empty; give an id from `openstack image list`");
    return new FixedImage(imageId);
  }

  /**
   * The most recent image whose `APPLIANCE_MPURI` is exactly this AppDB marketplace URI (plan-time
   * data source), as the docs page's Terraform example selects it. The URI names one version:
   * `https://<host>/store/vo/image/<uuid>:<version>/`, as the appliance's AppDB page shows it.
   * Surrounding whitespace is trimmed, and a missing trailing "/" is added, because EGI's Glance
   * `APPLIANCE_MPURI` values end with one. Equivalent to
   * `openstack image list --property APPLIANCE_MPURI=<uri> --sort created_at:desc`, first row.
   * @throws Error naming what is wrong (no scheme, http, no host, another path, no version) with an example
   */
  public static fromApplianceMpuri(mpuri: string): MachineImage {
    checkArg("MachineImage.fromApplianceMpuri", "mpuri", mpuri, "string");
    const method = "MachineImage.fromApplianceMpuri";
    const { uri } = parseAppDbUri(String(mpuri ?? ""), method, true, `is not an AppDB image URI; give one like ${EXAMPLE_MPURI}`);
    return new DataImage({ mostRecent: true, properties: { APPLIANCE_MPURI: uri } }, [["APPLIANCE_MPURI", uri]]);
  }

  /**
   * The newest image of an AppDB appliance whatever its version (the `:<version>/` suffix changes
   * with each release), given as any of its MPURIs (with or without `:<version>`) or its uuid;
   * surrounding whitespace is trimmed. Looked up in Glance at synth and pinned in
   * egi-cdktf.context.json; `egi-cdktf context reset appdb-appliance` follows a new release.
   * While it is unknown (no pin, no Check-in credential) the id is a placeholder, and a
   * `VirtualMachine` using it fails at `terraform plan`, before anything is created.
   */
  public static latestAppDbAppliance(appliance: string): MachineImage {
    checkArg("MachineImage.latestAppDbAppliance", "appliance", appliance, "string");
    const method = "MachineImage.latestAppDbAppliance";
    const text = String(appliance ?? "").trim();
    const base = UUID.test(text)
      ? text.toLowerCase()
      : parseAppDbUri(String(appliance ?? ""), method, false, `is neither an AppDB image URI nor an appliance uuid; give e.g. ${EXAMPLE_MPURI} or ${EXAMPLE_UUID}`).uuid.toLowerCase();
    return new LookupImage({
      kind: "appdb-appliance",
      source: method,
      query: { appliance: base },
      description: `the newest image of AppDB appliance ${base}`,
      matches: (i) => APPDB_MPURI.exec(String(i.properties.APPLIANCE_MPURI ?? ""))?.[1]?.toLowerCase() === base,
    });
  }

  /**
   * The most recent EGI Artefact Registry image with these properties (plan-time data source).
   * Equivalent to `openstack image list --property os_distro=ubuntu --property os_version=22.04
   * --property image_list=egi_vm_images --sort created_at:desc`, first row.
   */
  public static fromRegistry(query: RegistryImageQuery): MachineImage {
    checkProps("MachineImage.fromRegistry", query, { required: { osDistro: "string" }, optional: { osVersion: "non-empty string", imageList: "non-empty string", architecture: "non-empty string" } });
    if (!query.osDistro?.trim()) throw new Error("MachineImage.fromRegistry: osDistro is required, e.g. ubuntu or alma");
    const properties: Record<string, string> = { os_distro: query.osDistro, image_list: query.imageList ?? "egi_vm_images" };
    if (query.osVersion) properties.os_version = query.osVersion;
    if (query.architecture) properties.architecture = query.architecture;
    return new DataImage({ mostRecent: true, properties }, Object.entries(properties));
  }

  /**
   * The newest image whose `APPLIANCE_ATTRIBUTES` carry this `eu.egi.cloud.image_ref`
   * (e.g. `egi_vm_images/ubuntu:22.04`): looked up at synth, as the ref sits inside a JSON property,
   * and pinned in egi-cdktf.context.json. While it is unknown (no pin, no Check-in credential) the
   * id is a placeholder, and a `VirtualMachine` using it fails at `terraform plan`. Replaces reading
   * `openstack image list --long` for the ref in `APPLIANCE_ATTRIBUTES`.
   */
  public static fromRegistryRef(imageRef: string): MachineImage {
    checkArg("MachineImage.fromRegistryRef", "imageRef", imageRef, "string");
    if (!/^[\w.-]+\/[\w.-]+:[\w.-]+$/.test(imageRef)) throw new Error(`MachineImage.fromRegistryRef: "${imageRef}" is not like egi_vm_images/ubuntu:22.04`);
    return new LookupImage({
      kind: "registry-ref",
      source: "MachineImage.fromRegistryRef",
      query: { imageRef },
      description: `the newest image with eu.egi.cloud.image_ref ${imageRef}`,
      matches: (i) => {
        try {
          return JSON.parse(String(i.properties.APPLIANCE_ATTRIBUTES ?? "{}"))["eu.egi.cloud.image_ref"] === imageRef;
        } catch {
          return false;
        }
      },
    });
  }

  /**
   * The image with exactly this name (plan-time data source; fails when several have it), e.g. a
   * snapshot. Equivalent to `openstack image show NAME`.
   */
  public static fromName(name: string): MachineImage {
    checkArg("MachineImage.fromName", "name", name, "string");
    if (!name.trim()) throw new Error("MachineImage.fromName: name is empty");
    return new DataImage({ name }, [], `self.name == ${JSON.stringify(name)}`);
  }

  /**
   * The most recent image whose name matches this RE2 regular expression (plan-time data source).
   * Equivalent to `openstack image list --sort created_at:desc` filtered by name.
   * @throws Error when `regex` is empty or is not RE2 syntax (checked at synth with Go's rules, as
   *   the provider and Terraform's `regex()` would refuse it at plan)
   */
  public static fromNameRegex(regex: string): MachineImage {
    checkArg("MachineImage.fromNameRegex", "regex", regex, "string");
    if (!Token.isUnresolved(regex)) {
      if (regex === "") throw new Error("MachineImage.fromNameRegex: regex is empty, which the provider ignores (the newest image of any name would be used); give a pattern, e.g. \"^ubuntu-22\\\\.04\"");
      const problem = re2SyntaxError(regex);
      if (problem) throw new Error(`MachineImage.fromNameRegex: ${JSON.stringify(regex)} is not an RE2 regular expression (${problem}), which the provider and terraform plan refuse; fix it, or use MachineImage.fromName for an exact name`);
    }
    return new DataImage({ nameRegex: regex, mostRecent: true }, [], `can(regex(${JSON.stringify(regex)}, self.name))`);
  }

  /**
   * Create (or reuse) what this choice needs in `scope`'s stack. `VirtualMachine` calls it.
   * @param site where to look the image up; by default `EgiSite.of(scope)`, else the stack's default provider
   */
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
  constructor(private readonly question: ImageQuery) {
    super();
  }

  public bind(scope: Construct, given?: EgiSite): IImage {
    const site = siteFor(scope, given, EgiSite.isEgiSite, "MachineImage lookup");
    return { imageId: site._lookups.addString(scope, newestImage(this.question)) };
  }
}
