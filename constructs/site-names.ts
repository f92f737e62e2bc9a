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
import { Annotations, Aspects, type IAspect, TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { EgiSite } from "./egi-site";
import { defaultSiteOf, resolvedIdentity } from "./lookups/site-lookups";

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
  /**
   * Warn at synth (naming both constructs) instead of failing: for names Nova allows twice but
   * that tools finding an object by name then refuse (servers).
   * @default false: synth fails
   */
  readonly warnOnly?: boolean;
}

interface Claim {
  readonly construct: IConstruct;
  readonly name: string;
  readonly site: EgiSite | undefined;
  readonly kind: SiteNameKind;
  /** Its place in the app's claims, for "first" and "second" in the message. */
  readonly index: number;
}

/** An app's claims, indexed so that the check at synth is linear in the number of constructs. */
interface AppClaims {
  count: number;
  /** The first claim of each construct. */
  readonly byConstruct: WeakMap<IConstruct, Claim>;
  /** Claims by kind, then name, in claim order. */
  readonly byName: Map<SiteNameKind, Map<string, Claim[]>>;
}

const claimsByApp = new WeakMap<IConstruct, AppClaims>();
const checkedStacks = new WeakSet<TerraformStack>();
/** Constructs already warned about, so that a second synth of the same app does not warn twice. */
const warned = new WeakSet<IConstruct>();

/** Record that `construct` creates an object named `name` at `site` (its stack's default when undefined). */
export function claimSiteName(construct: IConstruct, name: string, site: EgiSite | undefined, kind: SiteNameKind): void {
  if (Token.isUnresolved(name)) return;
  const root = construct.node.root;
  let claims = claimsByApp.get(root);
  if (!claims) {
    claims = { count: 0, byConstruct: new WeakMap(), byName: new Map() };
    claimsByApp.set(root, claims);
  }
  const claim: Claim = { construct, name, site, kind, index: claims.count++ };
  if (!claims.byConstruct.has(construct)) claims.byConstruct.set(construct, claim);
  let names = claims.byName.get(kind);
  if (!names) {
    names = new Map();
    claims.byName.set(kind, names);
  }
  const sameName = names.get(name);
  if (!sameName) {
    names.set(name, [claim]);
    return;
  }
  sameName.push(claim);
  // Only a name claimed twice can clash: only then do its stacks get the check, so an app of unique
  // names pays nothing for it at synth (an aspect makes cdktf visit every construct of the stack).
  for (const c of sameName) {
    const stack = TerraformStack.of(c.construct);
    if (!checkedStacks.has(stack)) {
      checkedStacks.add(stack);
      Aspects.of(stack).add(new UniqueSiteNames(stack));
    }
  }
}

/**
 * Run by cdktf at synth (app.synth and Testing.synth alike), when every site of the app exists.
 * cdktf visits the stack first, then every construct below it: each stack's default site is looked
 * up once per such pass (a search of the whole stack), not once per claim.
 */
class UniqueSiteNames implements IAspect {
  private defaultSites = new Map<TerraformStack, EgiSite | undefined>();

  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node === this.stack) this.defaultSites = new Map();
    const claims = claimsByApp.get(node.node.root);
    const mine = claims?.byConstruct.get(node);
    if (!claims || !mine) return;
    const namespace = this.namespaceOf(mine);
    const other = claims.byName.get(mine.kind)?.get(mine.name)?.find((c) => c !== mine && this.namespaceOf(c) === namespace);
    if (!other) return;
    const [first, second] = mine.index < other.index ? [mine, other] : [other, mine];
    const { className, object, where, warnOnly } = mine.kind;
    const message = `${className} ${first.construct.node.path} and ${className} ${second.construct.node.path} both create the ${object} ${JSON.stringify(mine.name)} ${where}; change name on one of them`;
    if (!warnOnly) throw new Error(message);
    // Once per pair, on the later construct (the aspect visits both).
    if (second !== mine || warned.has(mine.construct)) return;
    warned.add(mine.construct);
    Annotations.of(mine.construct).addWarning(message);
  }

  /** The part of the site the claim's name must be unique in. */
  private namespaceOf(claim: Claim): string {
    let site = claim.site;
    if (!site) {
      const stack = TerraformStack.of(claim.construct);
      if (!this.defaultSites.has(stack)) this.defaultSites.set(stack, defaultSiteOf(stack, EgiSite.isEgiSite));
      site = this.defaultSites.get(stack);
    }
    const { authUrl, projectId, region } = resolvedIdentity(site?._lookups.identity ?? {});
    return claim.kind.scope === "user" ? `${authUrl}|${region}` : `${authUrl}|${projectId}|${region}`;
  }
}
