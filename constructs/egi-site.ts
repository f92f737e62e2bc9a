import { Construct } from "constructs";
import { TerraformStack, TerraformVariable } from "cdktf";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { registerTokenRequest } from "../auth/hook";
import { normaliseAuthUrl } from "../auth/settings";
import { announceSite, SiteLookups } from "./site-lookup";

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
}

/**
 * One EGI Cloud site (a Keystone + project) as an OpenStack provider. Replaces the docs page's
 * provider block and `export OS_TOKEN=$(python get-token.py)`.
 *
 * With a Check-in credential set, the pre-synth hook (`synthWithEgiTokens`) gets a project-scoped
 * token (or an application credential) and hands it to the provider through its `cloud` argument:
 * a `clouds.yaml` linked into the stack folder from the 0600 token cache, so no secret is ever in
 * cdk.tf.json, a saved plan or the state. Without one, the `cloud` variable stays null and the
 * provider reads `OS_TOKEN`, `OS_AUTH_URL` and `OS_PROJECT_ID` as on the docs page.
 */
export class EgiSite extends Construct {
  /** The provider to pass as `provider:` to resources when `alias` is set. */
  public readonly provider: OpenstackProvider;
  /** Receives the name of the hook's `clouds.yaml` entry; null when the hook did not run. */
  public readonly cloudVariable: TerraformVariable;
  /** Synth-time lookups at this site (best-fit flavors, newest appliance images, ...). */
  public readonly lookups: SiteLookups;

  constructor(scope: Construct, id: string, props: EgiSiteProps = {}) {
    super(scope, id);
    announceSite(this);
    if (props.authUrl !== undefined) normaliseAuthUrl(props.authUrl, `EgiSite ${this.node.path}: authUrl`);
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
    this.provider = new OpenstackProvider(this, "provider", {
      alias: props.alias,
      cloud: this.cloudVariable.stringValue,
      authUrl: props.authUrl,
      tenantId: props.projectId,
      region: props.region,
      cacertFile: props.caFile,
    });
    this.lookups = new SiteLookups(this, { authUrl: props.authUrl, projectId: props.projectId, region: props.region });
    registerTokenRequest(this, {
      stack,
      scope: this,
      cloudVariableName: this.cloudVariable.friendlyUniqueId,
      authUrl: props.authUrl,
      projectId: props.projectId,
      caFile: props.caFile,
      region: props.region,
      prepare: (token) => this.lookups.prepare(token),
    });
  }

  /** True for EgiSite instances (for lookups that find the stack's site). */
  public static isEgiSite(x: unknown): x is EgiSite {
    return x instanceof EgiSite;
  }
}
