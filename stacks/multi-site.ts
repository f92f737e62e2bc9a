import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { EgiSite } from "../constructs/egi-site";
import { SecurityGroup } from "../constructs/security-group";
import { VirtualMachine } from "../constructs/virtual-machine";
import { DEFAULT_FLAVOR, DEFAULT_IMAGE, type ExampleVmProps, exampleKeyPair } from "./example-vm";

/** A site and VO by name, as `egi-cdktf sites --vo VO` lists them. */
export interface SiteAndVo {
  /** GOCDB name, e.g. `IFCA-LCG2`. */
  readonly site: string;
  /** e.g. `vo.access.egi.eu`. */
  readonly vo: string;
}

export interface MultiSiteProps extends Omit<ExampleVmProps, "site"> {
  /** Where to deploy: one stack per entry. */
  readonly sites: readonly SiteAndVo[];
  /** Give each server a floating IP from its site's pool (the list's publicNetwork, else its external network). @default true */
  readonly floatingIp?: boolean;
}

/** One site's stack (made by `multiSiteVms`): its site, and its machine with this site's own lookups. */
export interface SiteVmStack extends TerraformStack {
  readonly site: EgiSite;
  readonly vm: VirtualMachine;
}

/**
 * Not exported as a class: every exported stack class under stacks/ must synthesize with default
 * props (terraform-validate.test.ts), and this one needs a site and VO from the site list.
 */
class SiteVmStackImpl extends TerraformStack implements SiteVmStack {
  public readonly site: EgiSite;
  public readonly vm: VirtualMachine;

  constructor(scope: Construct, id: string, at: SiteAndVo, props: Omit<MultiSiteProps, "sites">) {
    super(scope, id);
    this.site = EgiSite.fromSiteName(this, "site", at);
    // Image and flavor are looked up at each site: ids differ from site to site.
    this.vm = new VirtualMachine(this, "vm", {
      name: props.serverName ?? id,
      image: props.image ?? DEFAULT_IMAGE(),
      flavor: props.flavor ?? DEFAULT_FLAVOR(),
      keyPair: exampleKeyPair(this, props, this.site),
      securityGroups: [SecurityGroup.fromName(this, "default", { name: "default" })],
    });
    if (props.floatingIp ?? true) this.vm.addFloatingIp();
    this.vm.addOutputs();
    new TerraformOutput(this, "site_name", { value: at.site });
  }
}

/**
 * The same machine at several EGI sites, one stack per site (`<prefix>-<site>`), with one Check-in
 * login: the hook turns one cached access token into one Keystone token per site. Replaces running
 * the EGI tutorial's Terraform once per `<SITE>.tfvars`. `cdktf deploy '<prefix>-*'` deploys all.
 */
export function multiSiteVms(scope: Construct, prefix: string, props: MultiSiteProps): SiteVmStack[] {
  if (props.sites.length === 0) throw new Error(`multiSiteVms ${prefix}: sites is empty; name at least one { site, vo } (egi-cdktf sites --vo VO lists them)`);
  const { sites, ...rest } = props;
  const byId = new Map<string, SiteAndVo>();
  for (const at of sites) {
    const id = `${prefix}-${at.site.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
    const other = byId.get(id);
    if (other) {
      throw new Error(`multiSiteVms ${prefix}: ${other.site} (${other.vo}) and ${at.site} (${at.vo}) would both be stack ${id}; list each site once, or call multiSiteVms again with another prefix`);
    }
    byId.set(id, at);
  }
  return [...byId].map(([id, at]) => new SiteVmStackImpl(scope, id, at, rest));
}
