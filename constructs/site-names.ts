/**
 * Names that must be unique at a site, checked across the whole app at synth: two `KeyPair`s with
 * one key pair name, or two `SecurityGroup`s with one group name, at the same site, would pass
 * synth and plan and fail at apply (or leave Nova two groups it cannot tell apart).
 *
 * "The same site" compares the EgiSites' `authUrl`, `projectId` and `region`, an unset one meaning
 * "from the environment" (OS_AUTH_URL, OS_PROJECT_ID, OS_REGION_NAME) as the provider takes it;
 * a construct without `site` is on its stack's site without alias, or on the environment's.
 * Only literal names are compared: a token's value is unknown at synth.
 * @internal
 */
import { Aspects, type IAspect, TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { EgiSite } from "./egi-site";
import { defaultSiteOf, resolvedIdentity } from "./site-lookup";

/** What kind of name, and which part of a site its names are unique in. */
export interface SiteNameKind {
  /** The construct's class, e.g. `KeyPair`. */
  readonly className: string;
  /** The OpenStack object, e.g. `key pair`. */
  readonly object: string;
  /** Key pairs belong to the user (any project at the Keystone); groups to the project. */
  readonly scope: "user" | "project";
  /** Where and why, e.g. `at the same site (Nova key pair names are per user)`. */
  readonly where: string;
}

interface Claim {
  readonly construct: IConstruct;
  readonly name: string;
  readonly site: EgiSite | undefined;
  readonly kind: SiteNameKind;
}

const claimsByApp = new WeakMap<IConstruct, Claim[]>();
const checkedStacks = new WeakSet<TerraformStack>();

/** Record that `construct` creates an object named `name` at `site` (its stack's default when undefined). */
export function claimSiteName(construct: IConstruct, name: string, site: EgiSite | undefined, kind: SiteNameKind): void {
  if (Token.isUnresolved(name)) return;
  const root = construct.node.root;
  const claims = claimsByApp.get(root) ?? [];
  claimsByApp.set(root, claims);
  claims.push({ construct, name, site, kind });
  const stack = TerraformStack.of(construct);
  if (!checkedStacks.has(stack)) {
    checkedStacks.add(stack);
    Aspects.of(stack).add(new UniqueSiteNames());
  }
}

/** The part of the site the claim's name must be unique in. */
function namespaceOf(claim: Claim): string {
  const site = claim.site ?? defaultSiteOf(TerraformStack.of(claim.construct), EgiSite.isEgiSite);
  const { authUrl, projectId, region } = resolvedIdentity(site?.lookups.identity ?? {});
  return claim.kind.scope === "user" ? `${authUrl}|${region}` : `${authUrl}|${projectId}|${region}`;
}

/** Run by cdktf at synth (app.synth and Testing.synth alike), when every site of the app exists. */
class UniqueSiteNames implements IAspect {
  public visit(node: IConstruct): void {
    const claims = claimsByApp.get(node.node.root) ?? [];
    const mine = claims.find((c) => c.construct === node);
    if (!mine) return;
    const namespace = namespaceOf(mine);
    const other = claims.find((c) => c !== mine && c.kind === mine.kind && c.name === mine.name && namespaceOf(c) === namespace);
    if (!other) return;
    const [first, second] = claims.indexOf(mine) < claims.indexOf(other) ? [mine, other] : [other, mine];
    const { className, object, where } = mine.kind;
    throw new Error(
      `${className} ${first.construct.node.path} and ${className} ${second.construct.node.path} both create the ${object} ${JSON.stringify(mine.name)} ${where}; change name on one of them`,
    );
  }
}
