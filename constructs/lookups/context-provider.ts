/**
 * The one interface every synth-time lookup implements, like aws-cdk's context providers: a new
 * lookup is one file in this folder exporting a `LookupSpec` (an answer pinned in
 * egi-cdktf.context.json) or a `CheckSpec` (a question asked before every synth, nothing stored),
 * handed to `site.lookups.addString(...)` / `addCheck(...)` by the construct that needs it.
 *
 * - `flavor.ts`: `Flavor.bestFit` (lookup) and `Flavor.exact`'s uniqueness (check);
 * - `image.ts`: `MachineImage.fromApplianceMpuri`, `.latestAppDbAppliance`, `.fromRegistry`, ...;
 * - `network.ts`: a listed site's default network and floating IP pool;
 * - `site-lookups.ts`: the registry per site (keys, pins, placeholders, preconditions);
 * - `site-api.ts`: the few OpenStack API calls the lookups make with the hook's token;
 * - `context-file.ts`: egi-cdktf.context.json.
 */
import type { SiteApi } from "./site-api";

/** The id every id lookup stands in with until it is answered: a UUID's shape, never a real id. */
export const PLACEHOLDER_ID = "00000000-0000-0000-0000-lookuppending";

export interface LookupSpec<T> {
  /** Names the kind of question, e.g. `flavor-best-fit`. */
  readonly kind: string;
  /** The question; part of the context key, so it must be plain JSON. */
  readonly query: Readonly<Record<string, unknown>>;
  /** Used while the answer is unknown: well-shaped and obviously fake. A pinned answer must have its shape. */
  readonly dummy: T;
  /** For messages, e.g. "the smallest flavor with at least 2 vCPUs". */
  readonly description: string;
  /**
   * The factory the app called, for messages, e.g. `Flavor.bestFit`.
   * @default the kind
   */
  readonly source?: string;
  /** Ask the site. Throw an Error with a one-line message when there is no answer. */
  resolve(api: SiteApi): Promise<T>;
}

/** A question that runs before every synth with a token and stores nothing. */
export interface CheckSpec {
  /** Names the kind of check, e.g. `flavor-exact`. */
  readonly kind: string;
  /** For messages, e.g. "the flavor with exactly 1 vCPUs, ...". */
  readonly description: string;
  /** Ask the site. Throw an Error with a one-line message when the check fails. */
  check(api: SiteApi): Promise<void>;
}

