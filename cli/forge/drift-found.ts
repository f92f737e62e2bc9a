/**
 * Whether a drift report says drift was found: the hidden line `<!-- egi-cdktf:drift-found yes -->`
 * (or `no`) that plan-summary --drift writes near the report's top, so drift-issue never has to
 * read the prose. Reports without it (written before it existed) are read by their "No drift" line.
 */

/**
 * The hidden line drift-issue reads: `<!-- egi-cdktf:drift-found yes|no -->`, or `unknown` when no
 * drift was found but some stack could not be checked (then nothing may be closed).
 */
export function driftFoundLine(found: boolean | "unknown"): string {
  return `<!-- egi-cdktf:drift-found ${found === "unknown" ? "unknown" : found ? "yes" : "no"} -->`;
}


/** How many lines from the top the "No drift" / "Drift found" fallback looks at. */
const HEAD_LINES = 30;

/**
 * True when the report says drift was found, false when it says none was, "unknown" when it found
 * none but could not check every stack, undefined when it says neither (not a drift report of
 * plan-summary --drift).
 */
export function driftFoundIn(markdown: string): boolean | "unknown" | undefined {
  const line = /^<!-- egi-cdktf:drift-found (yes|no|unknown) -->\s*$/m.exec(markdown);
  if (line) return line[1] === "unknown" ? "unknown" : line[1] === "yes";
  const head = markdown.split(/\r?\n/).slice(0, HEAD_LINES).map((l) => l.trim().replace(/^[*_]+|[*_]+$/g, ""));
  if (head.some((l) => /^No drift\b/i.test(l))) return false;
  if (head.some((l) => /^Drift found\b/i.test(l))) return true;
  return undefined;
}
