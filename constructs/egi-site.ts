import { Construct, type IConstruct } from "constructs";
import { Annotations, TerraformStack, TerraformVariable } from "cdktf";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { registerTokenRequest } from "../auth/hook";
import { normaliseAuthUrl } from "../auth/settings";
import { readSiteList, sitesFilePath } from "../auth/site-list-file";
import { contextFileOf } from "./lookups/context-file";
import { defaultNetworkSpec, floatingIpPoolSpec } from "./lookups/network";
import { announceSite, defaultSiteOf, SiteLookups } from "./lookups/site-lookups";
import { checkProps, childPath } from "./props-check";

/** What `new EgiSite` takes, checked at run time for JavaScript and jsii callers. */
const SITE_PROPS = {
  optional: {
    authUrl: "string",
    projectId: "string",
    region: "non-empty string",
    caFile: "non-empty string",
    alias: "non-empty string",
    protocol: "non-empty string",
    vo: "non-empty string",
    defaultNetwork: "non-empty string",
    floatingIpPool: "non-empty string",
  },
} as const;

/** Sites made by `fromSiteName`: without defaultNetwork / publicNetwork they choose as fedcloud does. */
const listedSites = new WeakSet<EgiSite>();

/** Where an `EgiSite` is: Keystone, project, region, CA; each unset one comes from OS_* as on the docs page. */
export interface EgiSiteProps {
  /**
   * The site's Keystone URL, e.g. `https://keystone.example.org:5000/v3`.
   * @default OS_AUTH_URL when the hook and terraform run
   */
  readonly authUrl?: string;
  /**
   * The project (tenant) id to work in; `egi-cdktf projects` lists yours.
   * @default OS_PROJECT_ID when the hook and terraform run
   */
  readonly projectId?: string;
  /**
   * OpenStack region.
   * @default the provider's default (OS_REGION_NAME, else the first in the catalog)
   */
  readonly region?: string;
  /**
   * PEM bundle with the site's CA (EGI sites use IGTF CAs that are not in default trust stores).
   * Used by the hook and by the provider (`cacert_file`).
   * @default OS_CACERT
   */
  readonly caFile?: string;
  /**
   * Provider alias, needed when a stack uses more than one site.
   * @default none: the stack's default `openstack` provider
   */
  readonly alias?: string;
  /**
   * Federation protocol of the site's Keystone (`openid` or `oidc`).
   * @default OS_PROTOCOL, else openid then oidc
   */
  readonly protocol?: string;
  /**
   * The VO whose project to use when `projectId` is not given: the hook finds the project named
   * like it among yours (`VO:<vo>`, `vo_<vo>`, `<vo>`, ...) and pins the answer in
   * egi-cdktf.context.json. Equivalent to `fedcloud site env --vo <vo>`.
   * @default none: `projectId`, else OS_PROJECT_ID
   */
  readonly vo?: string;
  /**
   * Name of the network servers attach to when they name none (`VirtualMachineProps.network`).
   * @default none: Nova picks the project's only network
   */
  readonly defaultNetwork?: string;
  /**
   * Name of the external network floating IPs come from when a server names no pool.
   * @default none: `VirtualMachine.addFloatingIp()` then needs a pool
   */
  readonly floatingIpPool?: string;
}

/** A site and VO by name, from the app's pinned EGI site list (egi-cdktf.sites.json). */
export interface EgiSiteFromNameProps {
  /** The site's GOCDB name, e.g. `IFCA-LCG2`, as `egi-cdktf sites` lists it. */
  readonly site: string;
  /** The VO, e.g. `vo.access.egi.eu`. */
  readonly vo: string;
  /**
   * The site's endpoint (its Keystone URL, or host name), needed only when two of the site's
   * endpoints serve the VO (`egi-cdktf sites --vo VO` lists them).
   * @default the one endpoint of the site that serves the VO
   */
  readonly endpoint?: string;
  /**
   * Provider alias, needed when a stack uses more than one site.
   * @default none: the stack's default `openstack` provider
   */
  readonly alias?: string;
  /**
   * PEM bundle with the site's CA.
   * @default OS_CACERT
   */
  readonly caFile?: string;
}

/** Context key of the project the hook found for a VO at a site (see EgiSiteProps.vo). */
export const projectForVoKey = (authUrl: string, vo: string): string => `project-for-vo:{"vo":${JSON.stringify(vo)}}@${normaliseAuthUrl(authUrl)}`;

/**
 * One EGI Cloud site (a Keystone + project) as an OpenStack provider. Replaces the docs page's
 * provider block and `export OS_TOKEN=$(python get-token.py)`.
 *
 * With a Check-in credential set, the pre-synth hook (`synthWithEgiTokens`) gets a project-scoped
 * token (or an application credential) and hands it to the provider through its `cloud` argument:
 * a `clouds.yaml` linked into the stack folder from the 0600 token cache, so no secret is ever in
 * cdk.tf.json, a saved plan or the state. Without one, the `cloud` variable stays null and the
 * provider reads `OS_TOKEN`, `OS_AUTH_URL` and `OS_PROJECT_ID` as on the docs page.
 *
 * Equivalent to `eval $(fedcloud site env --site SITE --vo VO)` and
 * `export OS_TOKEN=$(fedcloud openstack --site SITE --vo VO token issue -c id -f value)`.
 */
export class EgiSite extends Construct {
  /** The provider to pass as `provider:` to resources when `alias` is set. */
  public readonly provider: OpenstackProvider;
  /** Receives the name of the hook's `clouds.yaml` entry; null when the hook did not run. */
  public readonly cloudVariable: TerraformVariable;
  /**
   * Synth-time lookups at this site (best-fit flavors, newest appliance images, ...).
   * @internal
   */
  public readonly _lookups: SiteLookups;
  /** Network servers attach to when they name none; see EgiSiteProps.defaultNetwork. */
  public readonly defaultNetwork?: string;
  /** Pool floating IPs come from when none is named; see EgiSiteProps.floatingIpPool. */
  public readonly floatingIpPool?: string;

  /**
   * A site and VO by name, from the app's pinned site list (`egi-cdktf.sites.json`, EGI_SITES_FILE;
   * `egi-cdktf sites` lists it): the site's Keystone URL, protocol and region, the VO's project id
   * (or, when the list has none, the one the hook finds by name), its default network and floating
   * IP pool. Replaces `export EGI_SITE=... EGI_VO=...; eval $(fedcloud site env)`.
   */
  public static fromSiteName(scope: Construct, id: string, props: EgiSiteFromNameProps): EgiSite {
    checkProps(`EgiSite.fromSiteName ${childPath(scope, id)}`, props, {
      required: { site: "non-empty string", vo: "non-empty string" },
      optional: { endpoint: "non-empty string", alias: "non-empty string", caFile: "non-empty string" },
    });
    let found;
    try {
      found = readSiteList(sitesFilePath()).siteVo(props.site, props.vo, { endpoint: props.endpoint, setting: "the endpoint prop" });
    } catch (err) {
      throw new Error(`EgiSite.fromSiteName ${scope.node.path}/${id}: ${(err as Error).message}`);
    }
    const { site, vo } = found;
    const egiSite = new EgiSite(scope, id, {
      authUrl: site.endpoint,
      projectId: vo.projectId,
      vo: vo.projectId ? undefined : vo.name,
      region: site.region,
      protocol: site.protocol,
      defaultNetwork: vo.defaultNetwork,
      floatingIpPool: vo.publicNetwork,
      alias: props.alias,
      caFile: props.caFile,
    });
    listedSites.add(egiSite);
    return egiSite;
  }

  /**
   * Name of the network a server attaches to when it names none: `defaultNetwork`; at a site from
   * the site list without one, the network `fedcloud select network` would pick (a synth-time
   * lookup, pinned); else undefined (Nova picks the project's only network).
   */
  public defaultNetworkFor(scope: Construct): string | undefined {
    if (this.defaultNetwork) return this.defaultNetwork;
    return listedSites.has(this) ? this._lookups.addString(scope, defaultNetworkSpec) : undefined;
  }

  /**
   * Name of the pool a floating IP comes from when none is named: `floatingIpPool`; at a site from
   * the site list without one, its one external network (a synth-time lookup, pinned); else undefined.
   * Replaces picking one from `openstack network list --external`.
   */
  public floatingIpPoolFor(scope: Construct): string | undefined {
    if (this.floatingIpPool) return this.floatingIpPool;
    return listedSites.has(this) ? this._lookups.addString(scope, floatingIpPoolSpec) : undefined;
  }

  /**
   * @param props the site's Keystone, project, region and CA; by default (`{}`) all of them come from OS_* as on the docs page
   */
  constructor(scope: Construct, id: string, props: EgiSiteProps = {}) {
    super(scope, id);
    checkProps(`EgiSite ${this.node.path}`, props, SITE_PROPS);
    announceSite(this);
    if (props.authUrl !== undefined) normaliseAuthUrl(props.authUrl, `EgiSite ${this.node.path}: authUrl`);
    if (props.vo !== undefined && (props.projectId !== undefined || props.authUrl === undefined)) {
      throw new Error(`EgiSite ${this.node.path}: vo finds the project at the site's authUrl when projectId is not given; give authUrl and vo, or projectId`);
    }
    if (props.projectId !== undefined && !/^[A-Za-z0-9_-]+$/.test(props.projectId)) {
      throw new Error(`EgiSite ${this.node.path}: projectId "${props.projectId}" is not a project id; use the id (not the name) shown by \`egi-cdktf projects\``);
    }
    const stack = TerraformStack.of(this);
    if (!props.alias) {
      const other = stack.node.findAll().find((c) => c !== this && c instanceof EgiSite && !(c as EgiSite).provider?.alias);
      if (other) {
        throw new Error(`EgiSite ${this.node.path}: stack ${stack.node.id} already has a site without alias (${other.node.path}); set alias on every site but one`);
      }
    }

    this.cloudVariable = new TerraformVariable(this, "cloud", {
      type: "string",
      nullable: true,
      description: `clouds.yaml entry for ${props.authUrl ?? "OS_AUTH_URL"}, set by the egi-cdktf hook; when null the provider reads OS_TOKEN`,
    });
    // Optional with a null default, so terraform never prompts and the provider falls back to OS_TOKEN.
    // (cdktf 0.21 cannot synthesize `default: null` from the config, hence the override.)
    this.cloudVariable.addOverride("default", null);
    // A VO's project found earlier by the hook is pinned; else the hook finds it before synth.
    const pinnedProject = props.vo ? pinnedProjectFor(this, props.authUrl!, props.vo) : undefined;
    const projectId = props.projectId ?? pinnedProject;
    this.defaultNetwork = props.defaultNetwork;
    this.floatingIpPool = props.floatingIpPool;
    this.provider = new OpenstackProvider(this, "provider", {
      alias: props.alias,
      cloud: this.cloudVariable.stringValue,
      authUrl: props.authUrl,
      tenantId: projectId,
      region: props.region,
      cacertFile: props.caFile,
    });
    // A site by VO is keyed by the VO, before and after its project is pinned: keyed by the pinned
    // project, the next synth would miss what the first one looked up (placeholders offline).
    this._lookups = new SiteLookups(this, { authUrl: props.authUrl, projectId: props.vo ? `vo:${props.vo}` : projectId, region: props.region });
    if (props.vo && !projectId) {
      Annotations.of(this).addInfo(`egi-cdktf: the project of VO ${props.vo} at ${props.authUrl} is looked up by the hook (set a Check-in credential), then pinned in egi-cdktf.context.json`);
    }
    registerTokenRequest(this, {
      stack,
      scope: this,
      cloudVariableName: this.cloudVariable.friendlyUniqueId,
      authUrl: props.authUrl,
      projectId,
      vo: projectId ? undefined : props.vo,
      protocol: props.protocol,
      // The hook found the VO's project: scope to it, and pin it so that later synths need not ask.
      onProject: (id) => {
        contextFileOf(this).set(projectForVoKey(props.authUrl!, props.vo!), id);
        this.provider.tenantId = id;
      },
      caFile: props.caFile,
      region: props.region,
      prepare: (token) => this._lookups.prepare(token),
    });
  }

  /**
   * The site constructs in `scope`'s stack use when given none: the stack's `EgiSite` without
   * alias (on the default `openstack` provider). Like aws-cdk's `Stack.of`.
   * @throws Error naming the stack when it has no EgiSite without alias
   */
  public static of(scope: IConstruct): EgiSite {
    const site = EgiSite.tryOf(scope);
    if (!site) {
      const stack = TerraformStack.of(scope);
      throw new Error(`EgiSite.of(${scope.node.path}): stack ${stack.node.id} has no EgiSite without alias; add new EgiSite(stack, "site", { ... }) to it, or pass site explicitly`);
    }
    return site;
  }

  /**
   * `EgiSite.of(scope)`, or undefined when the stack has no EgiSite without alias (its constructs
   * then use a bare `openstack` provider configured from OS_* variables).
   */
  public static tryOf(scope: IConstruct): EgiSite | undefined {
    return defaultSiteOf(TerraformStack.of(scope), EgiSite.isEgiSite);
  }

  /** True for EgiSite instances (for lookups that find the stack's site). */
  public static isEgiSite(x: unknown): x is EgiSite {
    return x instanceof EgiSite;
  }
}

/** The project id pinned for `vo` at `authUrl`, when it is a plausible id. */
function pinnedProjectFor(scope: Construct, authUrl: string, vo: string): string | undefined {
  const value = contextFileOf(scope).get(projectForVoKey(authUrl, vo));
  return typeof value === "string" && /^[A-Za-z0-9_-]+$/.test(value) ? value : undefined;
}
