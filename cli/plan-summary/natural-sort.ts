/**
 * Natural order for resource addresses: `worker2` before `worker10`, as a reader counts, where a
 * plain string sort puts `worker10` first. Runs of digits compare by value (of any length: no
 * number parsing, so a 30-digit run neither overflows nor loses precision), everything else by
 * UTF-16 code unit, so the order is the same on every machine whatever its locale (Intl.Collator's
 * `numeric` option follows the locale and its ICU data).
 */

const isDigit = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** The end of the run of digits in `s` that starts at `i`. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s, i)) i++;
  return i;
}

/** The first significant digit of the run [i, end): leading zeros skipped, a lone 0 kept. */
function significant(s: string, i: number, end: number): number {
  while (i < end - 1 && s.charCodeAt(i) === 48) i++;
  return i;
}

/**
 * Negative when `a` sorts before `b` in natural order; 0 only for equal strings. Character by
 * character, without allocating (it runs tens of thousands of times per sort); where both strings
 * have a digit, the two runs of digits compare by value: fewer significant digits first, then
 * digit by digit.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (isDigit(a, i) && isDigit(b, j)) {
      const ea = digitsEnd(a, i);
      const eb = digitsEnd(b, j);
      const sa = significant(a, i, ea);
      const sb = significant(b, j, eb);
      if (ea - sa !== eb - sb) return ea - sa - (eb - sb);
      for (let k = 0; k < ea - sa; k++) {
        const d = a.charCodeAt(sa + k) - b.charCodeAt(sb + k);
        if (d !== 0) return d;
      }
      i = ea;
      j = eb;
      continue;
    }
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d;
    i++;
    j++;
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
  // Equal by value ("worker01" and "worker1"): any fixed order, so sorting is deterministic.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted copy, in natural order. */
export function naturalSort(items: readonly string[]): string[] {
  return [...items].sort(naturalCompare);
}
