/**
 * Synth-time questions to an EGI site, the way aws-cdk's context providers work. Two kinds:
 *
 * - Lookups (`add`, `addString`): a construct asks for an id (kind + query); the answer is read from
 *   egi-cdktf.context.json; when it is not there and the hook has a token, the site's API answers
 *   it before synth and the answer is pinned in the file. With neither, a well-shaped placeholder
 *   is used, synth warns, and a server using it gets a precondition (`lookupPrecondition`) that
 *   stops `terraform plan` before anything is created. Pinned answers are checked, never trusted.
 * - Checks (`addCheck`): a question whose answer is only "fine" or an error (e.g. "two flavors have
 *   this exact size"). It runs before every synth the hook has a token for and stores nothing;
 *   without a token it is skipped silently, as the plan-time data source still does the job. A
 *   failed check warns at synth and puts a precondition on the data source it guards, so only the
 *   stack that uses it stops, at `terraform plan`, before the data source is read.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { Annotations, type IResolvable, Lazy, type Precondition, type TerraformDataSource, TerraformLocal, TerraformStack, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import type { SiteToken } from "../../auth/hook";
import { normaliseAuthUrl } from "../../auth/settings";
import { contextFileOf } from "./context-file";
import { describeValue } from "../describe-value";
import type { CheckSpec, LookupSpec } from "./context-provider";
import { SiteApi } from "./site-api";

/** Where a site is, as far as it can be known without a token: for context keys. */
export interface SiteIdentity {
  readonly authUrl?: string;
  readonly projectId?: string;
  readonly region?: string;
}

/**
 * A site's identity with unset parts taken from the environment (as the provider and the hook
 * take them): the normalised auth URL, else "?"; the project id, else "?"; the region, else "".
 */
export function resolvedIdentity(identity: SiteIdentity, env: Readonly<Record<string, string | undefined>> = process.env): Required<SiteIdentity> {
  const authUrl = identity.authUrl ?? env.OS_AUTH_URL;
  return {
    authUrl: authUrl ? normaliseAuthUrl(authUrl) : "?",
    projectId: identity.projectId ?? env.OS_PROJECT_ID ?? "?",
    region: identity.region ?? env.OS_REGION_NAME ?? "",
  };
}

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

export const shortHash = (value: unknown): string => createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 8);

const FIX = "set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again, or pin it in";

/** True when `value` can stand where `dummy` stands: a non-empty string for an id. */
function hasShapeOf(value: unknown, dummy: unknown): boolean {
  if (typeof dummy === "string") return typeof value === "string" && value.trim() !== "";
  if (value === null || Array.isArray(value) !== Array.isArray(dummy)) return false;
  return typeof value === typeof dummy;
}

/** A lookup whose answer a server uses: what `lookupPrecondition` needs. */
interface PendingLookup {
  readonly site: IConstruct;
  readonly spec: LookupSpec<string>;
  readonly scope: IConstruct;
}

const lookupTokens = new WeakMap<IResolvable, PendingLookup>();

export class SiteLookups {
  private readonly lookups: Array<{ readonly spec: LookupSpec<unknown>; readonly scope: IConstruct }> = [];
  private readonly checks: Array<{ readonly spec: CheckSpec; readonly scope: IConstruct }> = [];
  /** Failed checks and their one-line message, from the last `prepare`. */
  private readonly failures = new Map<CheckSpec, string>();

  constructor(private readonly site: IConstruct, public readonly identity: SiteIdentity) {}

  private key(spec: LookupSpec<unknown>): string {
    const { authUrl, projectId, region } = resolvedIdentity(this.identity);
    return `${spec.kind}:${stableJson(spec.query)}@${authUrl}|${projectId}|${region}`;
  }

  /** The answer pinned for `spec`, undefined when none; throws one line when it has the wrong shape. */
  private pinned(spec: LookupSpec<unknown>): unknown {
    const context = contextFileOf(this.site);
    const key = this.key(spec);
    if (!context.has(key)) return undefined;
    const value = context.get(key);
    if (!hasShapeOf(value, spec.dummy)) {
      const expected = typeof spec.dummy === "string" ? "an id (a non-empty string)" : `an answer like ${JSON.stringify(spec.dummy)}`;
      throw new Error(`${context.file}: ${JSON.stringify(key)} holds ${describeValue(value)}, not ${expected}; run \`egi-cdktf context reset ${spec.kind}\` and synth again to look it up`);
    }
    return value;
  }

  /**
   * Register `spec`; returns a getter of the answer (or the placeholder), read at synth. A pinned
   * answer of the wrong shape fails here, at construct time.
   */
  add<T>(scope: IConstruct, spec: LookupSpec<T>): { readonly value: () => T } {
    this.lookups.push({ spec: spec as LookupSpec<unknown>, scope });
    this.pinned(spec as LookupSpec<unknown>);
    return { value: () => (this.pinned(spec as LookupSpec<unknown>) as T | undefined) ?? spec.dummy };
  }

  /** A lazy string for `add(...)` of a string answer; `lookupPrecondition` recognises it. */
  addString(scope: IConstruct, spec: LookupSpec<string>): string {
    const answer = this.add(scope, spec);
    const value = Lazy.stringValue({ produce: () => answer.value() });
    const token = Tokenization.reverseString(value).firstToken;
    if (token) lookupTokens.set(token, { site: this.site, spec, scope });
    return value;
  }

  /**
   * Register a check: run at every `prepare` with a token, skipped without one, nothing stored.
   * When it fails, `guarded` gets a precondition that fails `terraform plan` with the check's message.
   */
  addCheck(scope: IConstruct, spec: CheckSpec, guarded: TerraformDataSource): void {
    this.checks.push({ spec, scope });
    const stack = TerraformStack.of(guarded);
    const hash = shortHash({ kind: spec.kind, path: guarded.node.path });
    // The outcome as a local, read at synth: a condition must refer to something.
    const local = new TerraformLocal(stack, `egi-check-${hash}`, Lazy.stringValue({ produce: () => (this.failures.has(spec) ? "failed" : "passed") }));
    local.overrideLogicalId(`egi_check_${spec.kind.replace(/[^A-Za-z0-9]+/g, "_")}_${hash}`);
    guarded.lifecycle = {
      ...guarded.lifecycle,
      precondition: [
        ...(guarded.lifecycle?.precondition ?? []),
        {
          condition: `\${local.${local.friendlyUniqueId} == "passed"}`,
          // Terraform reads error_message as a template: keep any ${ or %{ in it literal.
          errorMessage: Lazy.stringValue({ produce: () => (this.failures.get(spec) ?? "passed").replace(/([$%])\{/g, "$1$1{") }),
        },
      ],
    };
  }

  /** Whether the answer to `spec` is known (pinned), read at synth. */
  private answered(spec: LookupSpec<unknown>): boolean {
    return this.pinned(spec) !== undefined;
  }

  /** Called by the hook before synth: answer what the context file lacks (or warn), then run the checks. */
  async prepare(token: SiteToken | undefined): Promise<void> {
    const context = contextFileOf(this.site);
    const api = token ? new SiteApi(token, this.identity.region ?? process.env.OS_REGION_NAME) : undefined;
    for (const { spec, scope } of this.lookups) {
      if (this.answered(spec)) continue;
      if (!api) {
        Annotations.of(scope).addWarning(
          `${spec.description}: not in ${context.file} and no Check-in credential to look it up; its id is a placeholder and terraform plan stops at the server's precondition until it is known: ${FIX} ${context.file}`,
        );
        continue;
      }
      let answer: unknown;
      try {
        answer = await spec.resolve(api);
      } catch (err) {
        throw new Error(`${scope.node.path}: ${spec.description}: ${(err as Error).message}`);
      }
      context.set(this.key(spec), answer);
    }
    this.failures.clear();
    if (!api) return;
    for (const { spec, scope } of this.checks) {
      try {
        await spec.check(api);
      } catch (err) {
        const message = `${scope.node.path}: ${spec.description}: ${(err as Error).message}`;
        this.failures.set(spec, message);
        Annotations.of(scope).addWarning(`${message}; terraform plan of this stack stops before reading it`);
      }
    }
  }
}

/**
 * The precondition a resource using `value` needs when `value` is the answer of a synth-time
 * lookup (`SiteLookups.addString`): false while the answer is the placeholder, so `terraform plan`
 * stops before anything is created, with an error naming the lookup and the fix. Decided at synth
 * (a local holds the answer read then), so it works with `app.synth()` and without the hook.
 * Undefined for any other value (an id, a data source's attribute, ...).
 */
export function lookupPrecondition(scope: IConstruct, value: string): Precondition | undefined {
  if (!Token.isUnresolved(value)) return undefined;
  const token = Tokenization.reverseString(value).firstToken;
  const lookup = token ? lookupTokens.get(token) : undefined;
  if (!lookup) return undefined;
  const { spec, site } = lookup;
  const stack = TerraformStack.of(scope);
  const hash = shortHash({ kind: spec.kind, query: spec.query, site: site.node.path });
  const id = `egi-lookup-${hash}`;
  let local = stack.node.tryFindChild(id) as TerraformLocal | undefined;
  if (!local) {
    // The answer (or the placeholder) as a local, read at synth: a condition must refer to something.
    local = new TerraformLocal(stack, id, value);
    local.overrideLogicalId(`egi_lookup_${spec.kind.replace(/[^A-Za-z0-9]+/g, "_")}_${hash}`);
  }
  const file = path.basename(contextFileOf(site).file);
  const message = `${spec.source ?? spec.kind} in ${lookup.scope.node.path}: ${spec.description} was not looked up at synth (not pinned in ${file}, no Check-in credential), so its id is a placeholder; ${FIX} ${file}`;
  return {
    condition: `\${local.${local.friendlyUniqueId} != ${JSON.stringify(spec.dummy)}}`,
    // Terraform reads error_message as a template: keep any ${ or %{ in it literal.
    errorMessage: message.replace(/([$%])\{/g, "$1$1{"),
  };
}

/**
 * One data source per stack, site and query, however many servers use it: the data source with
 * id `<prefix>-<hash>` in `scope`'s stack, created by `create` the first time.
 */
export function sharedDataSource<T extends IConstruct>(scope: IConstruct, prefix: string, key: unknown, create: (stack: TerraformStack, id: string) => T): { readonly dataSource: T; readonly created: boolean } {
  const stack = TerraformStack.of(scope);
  const id = `${prefix}-${shortHash(key)}`;
  const existing = stack.node.tryFindChild(id) as T | undefined;
  return existing ? { dataSource: existing, created: false } : { dataSource: create(stack, id), created: true };
}

/** The EgiSite to look things up at: the given one, else the stack's site without alias. */
export function siteFor<S extends IConstruct>(scope: IConstruct, given: S | undefined, isSite: (c: IConstruct) => c is S, what: string): S {
  if (given) return given;
  const site = defaultSiteOf(TerraformStack.of(scope), isSite);
  if (!site) {
    const stack = TerraformStack.of(scope);
    throw new Error(`${what} in ${scope.node.path} needs an EgiSite in stack ${stack.node.id}; add new EgiSite(stack, "site") or pass site`);
  }
  return site;
}

/** Every site announced below each stack (nested stacks' sites in their outer stacks too), in creation order. */
const announcedSites = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Called by EgiSite as soon as it is in the tree, so that `defaultSiteOf` need not search the whole
 * stack for every server that looks its site up (quadratic in the number of servers).
 */
export function announceSite(site: IConstruct): void {
  for (let scope = site.node.scope; scope; scope = scope.node.scope) {
    if (!TerraformStack.isStack(scope)) continue;
    const sites = announcedSites.get(scope) ?? [];
    announcedSites.set(scope, sites);
    sites.push(site);
  }
}

/** True while `c` is still attached below `stack` (constructs can be removed with tryRemoveChild). */
function isBelow(c: IConstruct, stack: IConstruct): boolean {
  for (let node = c; node !== stack; ) {
    const parent = node.node.scope;
    if (!parent || parent.node.tryFindChild(node.node.id) !== node) return false;
    node = parent;
  }
  return true;
}

const providerOf = (s: IConstruct) => (s as unknown as { provider?: { alias?: string } }).provider;
const isDefaultSite = (s: IConstruct): boolean => !(s as unknown as { provider: { alias?: string } }).provider.alias;

/** The stack's EgiSite without alias (the one on the default provider), if any. */
export function defaultSiteOf<S extends IConstruct>(stack: TerraformStack, isSite: (c: IConstruct) => c is S): S | undefined {
  // Fast path: exactly one announced default site below the stack is the first in any order. Else
  // (none, several, or sites that were never announced) search the stack as before.
  // A site without provider (its constructor failed) is left to the search, which meets it in order.
  const below = (announcedSites.get(stack) ?? []).filter((s) => isSite(s) && isBelow(s, stack));
  const defaults = below.every((s) => providerOf(s)) ? below.filter(isDefaultSite) : [];
  if (defaults.length === 1) return defaults[0] as S;
  return stack.node.findAll().filter(isSite).find(isDefaultSite);
}
