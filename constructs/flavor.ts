import { Construct } from "constructs";
import { DataOpenstackComputeFlavorV2 } from "../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { EgiSite } from "./egi-site";
import { checkArg, checkProps } from "./props-check";
import { bestFitFlavor, exactFlavorIsUnique } from "./lookups/flavor";
import { sharedDataSource, siteFor } from "./lookups/site-lookups";

/** A flavor bound to a stack: what a server needs. */
export interface IFlavor {
  /** The flavor's id (a data source's attribute, a pinned lookup answer, or a given id). */
  readonly flavorId: string;
}

/** A flavor's exact size, as the docs page's Terraform example selects it: what `Flavor.exact` takes. */
export interface ExactFlavorSpec {
  /** vCPUs, at least 1. */
  readonly vcpus: number;
  /** RAM in MB (2048 for 2 GB), at least 128: smaller values are taken for GB and refused. */
  readonly ramMb: number;
  /**
   * Root disk in GB, at least 1. Zero-disk (boot-from-volume) flavors cannot be matched exactly:
   * use `Flavor.fromName` or `Flavor.fromId` for them.
   */
  readonly diskGb: number;
}

/** The least a flavor must have: what `Flavor.bestFit` takes (`fedcloud select flavor` with `--vcpus`, `--ram`, `--disk`, `--gpus`). */
export interface FlavorRequirements {
  /** vCPUs, at least 1. @default 1 */
  readonly minVcpus?: number;
  /** RAM in MB (2048 for 2 GB): 0, or at least 128 (smaller values are taken for GB and refused). @default 0 */
  readonly minRamMb?: number;
  /** Root disk in GB. @default 0 */
  readonly minDiskGb?: number;
  /** GPUs, from the flavor's `Accelerator:Number` extra spec. @default 0 */
  readonly gpus?: number;
}

/**
 * Which flavor a server gets. Choose with a static factory; `VirtualMachine` binds it.
 * Flavors with the same spec in one stack share one data source or lookup. Replaces the flavor
 * hunt in `openstack flavor list`.
 */
export abstract class Flavor {
  /** A flavor id as `openstack flavor list` shows it. */
  public static fromId(flavorId: string): Flavor {
    checkArg("Flavor.fromId", "flavorId", flavorId, "string");
    return new FixedFlavor(flavorId);
  }

  /** The flavor with this name (plan-time data source), e.g. `m1.small`. Equivalent to `openstack flavor show NAME`. */
  public static fromName(name: string): Flavor {
    checkArg("Flavor.fromName", "name", name, "string");
    if (!name.trim()) throw new Error("Flavor.fromName: name is empty; give a name from `openstack flavor list`");
    return new DataFlavor({ name }, `named ${name}`);
  }

  /**
   * The flavor with exactly these vCPUs, RAM and disk (plan-time data source), as the docs page's
   * Terraform example selects it. The provider fails when several flavors match without naming
   * them; so before every synth with a Check-in credential the hook checks the site's flavors and
   * names them (nothing is pinned in egi-cdktf.context.json; without a credential the check is
   * skipped and the data source alone decides at plan).
   *
   * `ramMb` and `diskGb` must not be 0: the provider's data source ignores zero-valued filters, so
   * it would match flavors of any size. Use `Flavor.fromName` or `Flavor.fromId` for zero-disk
   * (boot-from-volume) flavors. Replaces finding the row of that size in `openstack flavor list`.
   */
  public static exact(spec: ExactFlavorSpec): Flavor {
    checkProps("Flavor.exact", spec, { required: { vcpus: "number", ramMb: "number", diskGb: "number" } });
    for (const prop of ["vcpus", "ramMb", "diskGb"] as const) checkCount(`Flavor.exact: ${prop}`, spec[prop], prop === "vcpus" ? 1 : 0);
    for (const [prop, what] of [["ramMb", "RAM"], ["diskGb", "disk"]] as const) {
      if (spec[prop] === 0) {
        const fix = prop === "diskGb" ? "for a zero-disk (boot-from-volume) flavor use Flavor.fromName or Flavor.fromId" : "give the flavor's RAM in MB, or use Flavor.fromName or Flavor.fromId";
        throw new Error(`Flavor.exact: ${prop} is 0, a value the provider's flavor data source ignores (it would match flavors of any ${what} size); ${fix}`);
      }
    }
    checkMegabytes("Flavor.exact: ramMb", spec.ramMb);
    return new DataFlavor({ vcpus: spec.vcpus, ram: spec.ramMb, disk: spec.diskGb }, `with exactly ${spec.vcpus} vCPUs, ${spec.ramMb} MB RAM, ${spec.diskGb} GB disk`, spec);
  }

  /**
   * The smallest flavor with at least these resources, ordered as `fedcloud select flavor` orders
   * (GPUs, then vCPUs, RAM, disk; then name). Resolved through Nova at synth and pinned in
   * egi-cdktf.context.json; `egi-cdktf context reset flavor-best-fit` looks it up again. While it
   * is unknown (no pin, no Check-in credential) the id is a placeholder, and a `VirtualMachine`
   * using it fails at `terraform plan`, before anything is created.
   * @param req the least the flavor must have; by default (`{}`) nothing: the smallest flavor of the site
   */
  public static bestFit(req: FlavorRequirements = {}): Flavor {
    checkProps("Flavor.bestFit", req, { optional: { minVcpus: "number", minRamMb: "number", minDiskGb: "number", gpus: "number" } });
    const spec = { minVcpus: req.minVcpus ?? 1, minRamMb: req.minRamMb ?? 0, minDiskGb: req.minDiskGb ?? 0, gpus: req.gpus ?? 0 };
    for (const [prop, value] of Object.entries(spec)) checkCount(`Flavor.bestFit: ${prop}`, value, prop === "minVcpus" ? 1 : 0);
    if (spec.minRamMb !== 0) checkMegabytes("Flavor.bestFit: minRamMb", spec.minRamMb);
    return new BestFitFlavor(spec);
  }

  /**
   * Create (or reuse) what this choice needs in `scope`'s stack. `VirtualMachine` calls it.
   * @param site where to look the flavor up; by default `EgiSite.of(scope)`, else the stack's default provider
   */
  public abstract bind(scope: Construct, site?: EgiSite): IFlavor;
}

function checkCount(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${what} must be a whole number >= ${min}, got ${value}`);
}

/** No flavor has less RAM than this many MB; a smaller number is a size in GB. */
const MIN_RAM_MB = 128;

function checkMegabytes(what: string, value: number): void {
  if (value < MIN_RAM_MB) throw new Error(`${what} is in MB; ${value} looks like GB: use ${value * 1024}`);
}

class FixedFlavor extends Flavor {
  constructor(private readonly flavorId: string) {
    super();
    if (!flavorId.trim()) throw new Error("Flavor.fromId: flavorId is empty; give an id from `openstack flavor list`");
  }
  public bind(): IFlavor {
    return { flavorId: this.flavorId };
  }
}

class DataFlavor extends Flavor {
  constructor(
    private readonly filter: { name?: string; vcpus?: number; ram?: number; disk?: number },
    private readonly description: string,
    private readonly exact?: ExactFlavorSpec,
  ) {
    super();
  }

  public bind(scope: Construct, site?: EgiSite): IFlavor {
    const { dataSource, created } = sharedDataSource(scope, "flavor", { filter: this.filter, site: site?.node.path }, (stack, id) =>
      new DataOpenstackComputeFlavorV2(stack, id, { ...this.filter, provider: site?.provider }),
    );
    if (created && this.exact) this.checkUnique(scope, dataSource, site);
    return { flavorId: dataSource.id };
  }

  /** A check, not a pinned lookup: the site's flavors can change, and the data source reads them at every plan. */
  private checkUnique(scope: Construct, dataSource: DataOpenstackComputeFlavorV2, given?: EgiSite): void {
    const site = siteFor(scope, given, EgiSite.isEgiSite, "Flavor.exact");
    site._lookups.addCheck(scope, exactFlavorIsUnique(this.exact!, this.description), dataSource);
  }
}

class BestFitFlavor extends Flavor {
  constructor(private readonly req: Required<FlavorRequirements>) {
    super();
  }

  public bind(scope: Construct, given?: EgiSite): IFlavor {
    const site = siteFor(scope, given, EgiSite.isEgiSite, "Flavor.bestFit");
    const flavorId = site._lookups.addString(scope, bestFitFlavor(this.req));
    return { flavorId };
  }
}
