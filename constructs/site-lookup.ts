/**
 * Synth-time lookups against an EGI site, the way aws-cdk's context providers work: a construct
 * asks a question (kind + query); the answer is read from egi-cdktf.context.json; when it is not
 * there and the hook has a token, the site's API answers it before synth and the answer is pinned
 * in the file; with neither, a well-shaped placeholder is used and synth warns with the fix.
 */
import { createHash } from "node:crypto";
import { Annotations, Lazy, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { SiteToken } from "../auth/hook";
import { normaliseAuthUrl } from "../auth/settings";
import { contextFileOf } from "./context-file";
import { SiteApi } from "./site-api";

export interface LookupSpec<T> {
  /** Names the kind of question, e.g. `flavor-best-fit`. */
  readonly kind: string;
  /** The question; part of the context key, so it must be plain JSON. */
  readonly query: Readonly<Record<string, unknown>>;
  /** Used while the answer is unknown: well-shaped and obviously fake. */
  readonly dummy: T;
  /** For messages, e.g. "the smallest flavor with at least 2 vCPUs". */
  readonly description: string;
  /** Ask the site. Throw an Error with a one-line message when there is no answer. */
  resolve(api: SiteApi): Promise<T>;
}

/** Where a site is, as far as it can be known without a token: for context keys. */
export interface SiteIdentity {
  readonly authUrl?: string;
  readonly projectId?: string;
  readonly region?: string;
}

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

export const shortHash = (value: unknown): string => createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 8);

export class SiteLookups {
  private readonly lookups: Array<LookupSpec<unknown> & { readonly scope: IConstruct }> = [];

  constructor(private readonly site: IConstruct, private readonly identity: SiteIdentity) {}

  private siteKey(): string {
    const env = process.env;
    const authUrl = this.identity.authUrl ?? env.OS_AUTH_URL;
    const project = this.identity.projectId ?? env.OS_PROJECT_ID ?? "?";
    const region = this.identity.region ?? env.OS_REGION_NAME ?? "";
    return `${authUrl ? normaliseAuthUrl(authUrl) : "?"}|${project}|${region}`;
  }

  private key(spec: LookupSpec<unknown>): string {
    return `${spec.kind}:${stableJson(spec.query)}@${this.siteKey()}`;
  }

  /** Register `spec`; returns a token that resolves at synth to the answer (or the placeholder). */
  add<T>(scope: IConstruct, spec: LookupSpec<T>): { readonly value: () => T } {
    this.lookups.push({ ...(spec as LookupSpec<unknown>), scope });
    const context = contextFileOf(this.site);
    return { value: () => (context.get<T>(this.key(spec)) ?? spec.dummy) };
  }

  /** A lazy string for `add(...)` of a string answer. */
  addString(scope: IConstruct, spec: LookupSpec<string>): string {
    const answer = this.add(scope, spec);
    return Lazy.stringValue({ produce: () => answer.value() });
  }

  /** Called by the hook before synth: answer what the context file lacks, or warn. */
  async prepare(token: SiteToken | undefined): Promise<void> {
    const context = contextFileOf(this.site);
    const api = token ? new SiteApi(token, this.identity.region ?? process.env.OS_REGION_NAME) : undefined;
    for (const spec of this.lookups) {
      const key = this.key(spec);
      if (context.has(key)) continue;
      if (!api) {
        Annotations.of(spec.scope).addWarning(
          `${spec.description}: not in ${context.file} and no Check-in credential to look it up; using a placeholder. Set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again`,
        );
        continue;
      }
      try {
        context.set(key, await spec.resolve(api));
      } catch (err) {
        throw new Error(`${spec.scope.node.path}: ${spec.description}: ${(err as Error).message}`);
      }
    }
  }
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
  const stack = TerraformStack.of(scope);
  const sites = stack.node.findAll().filter(isSite);
  const site = sites.find((s) => !(s as unknown as { provider: { alias?: string } }).provider.alias);
  if (!site) throw new Error(`${what} in ${scope.node.path} needs an EgiSite in stack ${stack.node.id}; add new EgiSite(stack, "site") or pass site`);
  return site;
}
