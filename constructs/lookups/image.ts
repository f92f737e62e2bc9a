/**
 * Image questions to a site that a Glance filter cannot ask (the newest version of an AppDB
 * appliance, an Artefact Registry ref inside a JSON property): answered from the image list at
 * synth and pinned.
 */
import { type LookupSpec, PLACEHOLDER_ID } from "./context-provider";
import type { ImageInfo } from "./site-api";

/** What an image lookup asks for. */
export interface ImageQuery {
  /** Names the kind of lookup, e.g. `appdb-appliance` (`egi-cdktf context reset <kind>`). */
  readonly kind: string;
  /** The factory the app called, e.g. `MachineImage.latestAppDbAppliance`. */
  readonly source: string;
  /** The question, part of the pin's key. */
  readonly query: Readonly<Record<string, string>>;
  /** For messages, e.g. "the newest image of AppDB appliance ...". */
  readonly description: string;
  /** Whether an image answers the question. */
  matches(image: ImageInfo): boolean;
}

/** The newest active image visible to the project that matches (ties broken by id). */
export function newestImage(q: ImageQuery): LookupSpec<string> {
  return {
    kind: q.kind,
    source: q.source,
    query: q.query,
    dummy: PLACEHOLDER_ID,
    description: q.description,
    resolve: async (api) => {
      const found = (await api.images()).filter((i) => i.status === "active" && q.matches(i));
      if (found.length === 0) throw new Error("no active image visible to the project matches; check `openstack image list --long` at the site");
      return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))[0].id;
    },
  };
}
