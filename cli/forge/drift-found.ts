/**
 * Whether a drift report says drift was found: the hidden line `<!-- egi-cdktf:drift-found yes -->`
 * (or `no`) that plan-summary --drift writes near the report's top, so drift-issue never has to
 * read the prose. Reports without it (written before it existed) are read by their "No drift" line.
 */

/** The hidden line drift-issue reads: `<!-- egi-cdktf:drift-found yes|no -->`. */
export function driftFoundLine(found: boolean): string {
  return `<!-- egi-cdktf:drift-found ${found ? "yes" : "no"} -->`;
}

/** How many lines from the top the "No drift" / "Drift found" fallback looks at. */
const HEAD_LINES = 30;

/**
 * True when the report says drift was found, false when it says none was, undefined when it says
 * neither (not a drift report of plan-summary --drift).
 */
export function driftFoundIn(markdown: string): boolean | undefined {
  const line = /^<!-- egi-cdktf:drift-found (yes|no) -->\s*$/m.exec(markdown);
  if (line) return line[1] === "yes";
  const head = markdown.split(/\r?\n/).slice(0, HEAD_LINES).map((l) => l.trim().replace(/^[*_]+|[*_]+$/g, ""));
  if (head.some((l) => /^No drift\b/i.test(l))) return false;
  if (head.some((l) => /^Drift found\b/i.test(l))) return true;
  return undefined;
}
