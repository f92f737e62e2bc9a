/**
 * Which comment is "the" summary comment of an app: the sticky comment pr-comment updates,
 * reviewed-summary reads and drift-issue keeps one of. Its body's FIRST line is the marker
 * (marker.ts) of the same kind and app, and this token wrote it (so it may edit it): a summary
 * quoted by a person, another app's summary, or another bot's comment that merely looks alike is
 * never touched.
 */
import { readMarker, type SummaryMarker } from "../plan-summary/marker";
import type { ForgeIdentity, ForgeNote } from "./forge";

/** The marker on a body's first line (a byte-order mark and \r aside), or undefined. */
export function firstLineMarker(body: string): SummaryMarker | undefined {
  const first = body.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0].trim();
  const m = readMarker(first);
  // readMarker finds a marker anywhere in the text: here it must be the whole line.
  return m && /^<!-- egi-cdktf:[\w-]+ app=\S+ -->$/.test(first) ? m : undefined;
}

export interface StickyMatch {
  /** The newest matching note, to update (undefined: none, create one). */
  readonly newest?: ForgeNote;
  /** The older matching notes, left as they are (and named in a warning). */
  readonly older: readonly ForgeNote[];
}

/** The notes of `notes` that are `marker`'s (kind and app) and this token's, newest last. */
export function stickyNotes(notes: readonly ForgeNote[], marker: SummaryMarker, me: ForgeIdentity): StickyMatch {
  const ours = notes
    .filter((n) => me.mine(n.author))
    .filter((n) => {
      const m = firstLineMarker(n.body);
      return m !== undefined && m.kind === marker.kind && m.app === marker.app;
    })
    .sort((a, b) => a.id - b.id);
  return { newest: ours[ours.length - 1], older: ours.slice(0, -1) };
}

/** "the plan-summary of app infra/a": how messages name what a marker stands for. */
export function markerName(m: SummaryMarker): string {
  return `${m.kind === "drift" ? "drift report" : "plan summary"} of app ${m.app}`;
}
