/**
 * Fitting a summary into a size budget (GitHub refuses a comment over 65,536 characters). The
 * summary is a sequence of chunks: fixed lines (the result, totals, quota: always shown), lists
 * that can be cut (shown up to some count, then one line saying how many were left out and where
 * the full text is), and blocks that can be dropped (a diagram). Each cuttable chunk has a tier:
 * tier 0 goes first, tier 1 only when dropping all of tier 0 was not enough, and so on. Within a
 * tier every list is cut to the same length, which cuts the biggest lists first and leaves short
 * ones whole. Sizes come from prefix sums, not from rendering again, so fitting 20,000 addresses
 * takes milliseconds. Balanced HTML is the caller's: a cut happens only inside a chunk, and the
 * tags around it are fixed lines.
 */

export interface FixedChunk {
  readonly kind: "fixed";
  readonly lines: readonly string[];
}

export interface ListChunk {
  readonly kind: "list";
  readonly tier: number;
  readonly items: readonly string[];
  /** The line that stands for `left` items not shown. */
  readonly cutLine: (left: number) => string;
}

export interface DropChunk {
  readonly kind: "drop";
  readonly tier: number;
  readonly lines: readonly string[];
  /** What shows instead once dropped. */
  readonly dropped: readonly string[];
}

export type Chunk = FixedChunk | ListChunk | DropChunk;

export const fixed = (...lines: string[]): FixedChunk => ({ kind: "fixed", lines });

export interface Fitted {
  readonly lines: string[];
  /** Items left out, per tier (a dropped block counts 1). */
  readonly cut: ReadonlyMap<number, number>;
  /** Even with every list cut to nothing, the fixed lines did not fit: the text was cut at a line. */
  readonly hardCut: boolean;
}

/** Characters of lines, each with its newline. */
const sizeOf = (lines: readonly string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);

interface Sized {
  readonly chunk: Chunk;
  /** ListChunk: prefix[k] = size of its first k items. */
  readonly prefix?: number[];
  readonly full: number;
}

/** A list's size showing `k` of its items. */
function listSize(s: Sized, k: number): number {
  const c = s.chunk as ListChunk;
  const n = c.items.length;
  if (k >= n) return s.full;
  return s.prefix![k] + c.cutLine(n - k).length + 1;
}

/**
 * The lines of `chunks` within `budget` characters (joined with "\n"), cutting tier by tier.
 * `closeOpen` gives, for lines kept by a hard cut, the lines that close what they opened.
 */
export function fitToBudget(chunks: readonly Chunk[], budget: number, hardCutNote: string, closeOpen: (kept: readonly string[]) => string[] = closeDetails): Fitted {
  const sized: Sized[] = chunks.map((chunk) => {
    if (chunk.kind !== "list") return { chunk, full: sizeOf(chunk.lines) };
    const prefix = [0];
    for (const item of chunk.items) prefix.push(prefix[prefix.length - 1] + item.length + 1);
    return { chunk, prefix, full: prefix[prefix.length - 1] };
  });
  // What each chunk shows: a list its item count, a block 1 (kept) or 0 (dropped).
  const shown = sized.map((s) => (s.chunk.kind === "list" ? s.chunk.items.length : 1));
  const chunkSize = (i: number): number => {
    const s = sized[i];
    if (s.chunk.kind === "list") return listSize(s, shown[i]);
    if (s.chunk.kind === "drop" && shown[i] === 0) return sizeOf(s.chunk.dropped);
    return s.full;
  };
  let total = sized.reduce((n, _, i) => n + chunkSize(i), 0);
  const fits = (): boolean => total - 1 <= budget; // the last line has no newline
  const cut = new Map<number, number>();

  const tiers = [...new Set(sized.flatMap((s) => (s.chunk.kind === "fixed" ? [] : [s.chunk.tier])))].sort((a, b) => a - b);
  for (const tier of tiers) {
    if (fits()) break;
    // Blocks: the biggest first, one at a time.
    const blocks = sized.map((_, i) => i).filter((i) => sized[i].chunk.kind === "drop" && (sized[i].chunk as DropChunk).tier === tier);
    blocks.sort((a, b) => sized[b].full - sized[a].full);
    for (const i of blocks) {
      if (fits()) break;
      total -= chunkSize(i);
      shown[i] = 0;
      total += chunkSize(i);
      cut.set(tier, (cut.get(tier) ?? 0) + 1);
    }
    if (fits()) break;
    // Lists: every list of the tier cut to the same length k, the largest k that fits.
    const lists = sized.map((_, i) => i).filter((i) => sized[i].chunk.kind === "list" && (sized[i].chunk as ListChunk).tier === tier);
    if (lists.length === 0) continue;
    const others = total - lists.reduce((n, i) => n + chunkSize(i), 0);
    const sizeAt = (k: number): number => others + lists.reduce((n, i) => n + listSize(sized[i], k), 0);
    let lo = 0;
    let hi = Math.max(...lists.map((i) => (sized[i].chunk as ListChunk).items.length));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (sizeAt(mid) - 1 <= budget) lo = mid;
      else hi = mid - 1;
    }
    // A cut line can be longer than the item it replaces: step down until it really fits.
    while (lo > 0 && sizeAt(lo) - 1 > budget) lo--;
    for (const i of lists) {
      const n = (sized[i].chunk as ListChunk).items.length;
      shown[i] = Math.min(n, lo);
      if (shown[i] < n) cut.set(tier, (cut.get(tier) ?? 0) + n - shown[i]);
    }
    total = sizeAt(lo);
  }

  const lines: string[] = [];
  sized.forEach((s, i) => {
    const c = s.chunk;
    if (c.kind === "fixed") lines.push(...c.lines);
    else if (c.kind === "drop") lines.push(...(shown[i] ? c.lines : c.dropped));
    else {
      lines.push(...c.items.slice(0, shown[i]));
      if (shown[i] < c.items.length) lines.push(c.cutLine(c.items.length - shown[i]));
    }
  });
  if (fits()) return { lines, cut, hardCut: false };
  return { lines: hardCut(lines, budget, hardCutNote, closeOpen), cut, hardCut: true };
}

/** The first lines that fit with the note and what closes the HTML they opened. */
function hardCut(lines: readonly string[], budget: number, note: string, closeOpen: (kept: readonly string[]) => string[]): string[] {
  let keep = 0;
  let size = 0;
  while (keep < lines.length && size + lines[keep].length + 1 + note.length + 2 <= budget) size += lines[keep++].length + 1;
  for (;;) {
    const kept = lines.slice(0, keep);
    const out = [...kept, ...closeOpen(kept), "", note];
    if (sizeOf(out) - 1 <= budget || keep === 0) return out;
    keep--;
  }
}

/** The `</details>` (and code fence) that lines cut in the middle leave open. */
export function closeDetails(kept: readonly string[]): string[] {
  let depth = 0;
  let fence = false;
  for (const l of kept) {
    if (l.startsWith("```")) fence = !fence;
    if (fence) continue;
    depth += (l.match(/<details>/g) ?? []).length - (l.match(/<\/details>/g) ?? []).length;
  }
  const out: string[] = fence ? ["```"] : [];
  for (let i = 0; i < depth; i++) out.push("", "</details>");
  return out;
}
