/**
 * Text helpers of the Markdown summary: text from terraform, the site or the app shown as written
 * (no HTML, no broken tables), and bounded, so that no line grows with the size of an app: GitHub
 * and GitLab render a 10,000-character line, but nobody reads it, and one such line could take a
 * comment's whole budget.
 */

/** The longest line the summary writes (the fingerprint, a hidden comment, aside). */
export const MAX_LINE = 1000;

/** `s` cut to `max` characters, the last one an ellipsis (never half of a surrogate pair). */
export function clip(s: string, max: number = MAX_LINE): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Text from terraform or the site as one line that renders as written (no HTML). */
export const text = (s: string, max: number = MAX_LINE - 100): string => clip(s.replace(/\s+/g, " ").trim(), max).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The same inside a table cell (a pipe would end the cell). */
export const cell = (s: string, max?: number): string => text(s, max).replace(/\|/g, "\\|");

/** An address or name as inline code; a backtick in it would end the span. */
export const code = (s: string, max = 300): string => `\`${clip(s.replace(/\s+/g, " ").replace(/`/g, "'"), max)}\``;

/** The same for HTML (a `<summary>`, where Markdown does not render). */
export const htmlCode = (s: string, max = 200): string => `<code>${clip(s, max).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</code>`;

/** 1234 -> "1,234", the same on every machine. */
export const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/**
 * `items` joined with ", " within `max` characters; those that do not fit become "and N more".
 * For the one-line lists (types, stacks, attributes) whose length grows with the app.
 */
export function joinBounded(items: readonly string[], max: number = MAX_LINE - 200): string {
  let out = "";
  for (let i = 0; i < items.length; i++) {
    const next = out ? `${out}, ${items[i]}` : items[i];
    const rest = items.length - i - 1;
    // Room for the tail that would follow, so the result never exceeds max.
    if (next.length + (rest ? ` and ${count(rest)} more`.length + 2 : 0) > max) {
      const left = items.length - i;
      return out ? `${out}, and ${count(left)} more` : `${count(left)} items`;
    }
    out = next;
  }
  return out;
}
