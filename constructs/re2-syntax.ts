/**
 * The syntax check of Go's `regexp` (RE2, Perl flags): what the provider's `name_regex` filters
 * and Terraform's `regex()` compile at plan. A regex they would refuse is refused at synth instead,
 * with Go's own wording (`missing closing ]: ...`). JavaScript's RegExp is no judge: it accepts
 * lookarounds and back-references RE2 refuses, and refuses RE2's `(?i)`, `\pL`, `[[:alpha:]]`, `\z`.
 * Not checked: the limits on nesting depth and on the size of nested repeats.
 * @internal
 */

/**
 * Unicode general categories, short and long, as `\p{...}` takes them besides script names; newer
 * Go compares them without case and `_` (older Go takes the short ones only: this check is lenient).
 */
const CATEGORIES = new Set(
  [
    "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs Any ASCII",
    "Other Control Format Private_Use Surrogate Unassigned Letter Cased_Letter Lowercase_Letter Modifier_Letter Other_Letter",
    "Titlecase_Letter Uppercase_Letter Mark Spacing_Mark Enclosing_Mark Nonspacing_Mark Number Decimal_Number Letter_Number",
    "Other_Number Punctuation Connector_Punctuation Dash_Punctuation Close_Punctuation Final_Punctuation Initial_Punctuation",
    "Other_Punctuation Open_Punctuation Symbol Currency_Symbol Modifier_Symbol Math_Symbol Other_Symbol Separator",
    "Line_Separator Paragraph_Separator Space_Separator",
  ]
    .join(" ")
    .split(" ")
    .map(loose),
);

/** A property name as newer Go compares it: lower case, without `_`. */
function loose(name: string): string {
  return name.toLowerCase().replace(/_/g, "");
}
/** POSIX classes of `[[:name:]]`. */
const POSIX = new Set("alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit".split(" "));
const MAX_REPEAT = 1000;

/**
 * Go's parse error for `pattern` (without its `error parsing regexp: ` prefix), or undefined when
 * Go compiles it.
 * @internal
 */
export function re2SyntaxError(pattern: string): string | undefined {
  try {
    new Re2Parser(pattern).parse();
    return undefined;
  } catch (err) {
    if (err instanceof Re2Error) return err.message;
    throw err;
  }
}

class Re2Error extends Error {}

class Re2Parser {
  private i = 0;
  /** Open groups: where each starts. */
  private readonly groups: number[] = [];

  constructor(private readonly s: string) {}

  public parse(): void {
    const s = this.s;
    /** Whether something a repetition can apply to precedes (not the start, `(` or `|`). */
    let operand = false;
    /** The repetition operator just before, for Go's "invalid nested repetition operator". */
    let lastRepeat: number | undefined;
    while (this.i < s.length) {
      const start = this.i;
      const c = s[this.i];
      let repeat = false;
      if (c === "*" || c === "+" || c === "?" || (c === "{" && this.repeatEnd() !== undefined)) {
        const end = c === "{" ? this.repeatEnd()! : this.i + 1;
        const op = s.slice(start, end);
        const nonGreedy = s[end] === "?" ? 1 : 0;
        if (c === "{") this.checkCount(op);
        if (!operand) throw new Re2Error(`missing argument to repetition operator: \`${s.slice(start, end + nonGreedy)}\``);
        if (lastRepeat !== undefined) throw new Re2Error(`invalid nested repetition operator: \`${s.slice(lastRepeat, end + nonGreedy)}\``);
        this.i = end + nonGreedy;
        repeat = true;
      } else if (c === "(") {
        // A group opens (nothing to repeat yet); a flag group `(?i)` leaves what precedes it.
        if (this.group()) operand = false;
        lastRepeat = undefined;
        continue;
      } else if (c === ")") {
        if (this.groups.length === 0) throw new Re2Error(`unexpected ): \`${s}\``);
        this.groups.pop();
        this.i++;
      } else if (c === "|") {
        this.i++;
        operand = false;
        lastRepeat = undefined;
        continue;
      } else if (c === "[") {
        this.charClass();
      } else if (c === "\\") {
        this.escape(false);
      } else {
        this.i++;
      }
      lastRepeat = repeat ? start : undefined;
      operand = true;
    }
    if (this.groups.length > 0) throw new Re2Error(`missing closing ): \`${s}\``);
  }

  /** `(`, `(?:`, `(?flags)`, `(?flags:`, `(?P<name>`, `(?<name>`: whether a group opened. */
  private group(): boolean {
    const s = this.s;
    const start = this.i;
    if (s[start + 1] !== "?") {
      this.groups.push(start);
      this.i++;
      return true;
    }
    const opener = /^\(\?P?</.exec(s.slice(start, start + 4))?.[0];
    if (opener && s.length - start > opener.length) {
      const end = s.indexOf(">", start);
      if (end < 0) throw new Re2Error(`invalid named capture: \`${s.slice(start)}\``);
      const name = s.slice(start + opener.length, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Re2Error(`invalid named capture: \`${s.slice(start, end + 1)}\``);
      this.groups.push(start);
      this.i = end + 1;
      return true;
    }
    let j = start + 2;
    let negated = false;
    let sawFlag = false;
    for (; j < s.length; j++) {
      const c = s[j];
      if ("imsU".includes(c)) sawFlag = true;
      else if (c === "-" && !negated) {
        negated = true;
        sawFlag = false;
      } else if ((c === ":" || c === ")") && (!negated || sawFlag)) {
        if (c === ":") this.groups.push(start);
        this.i = j + 1;
        return c === ":";
      } else break;
    }
    throw new Re2Error(`invalid or unsupported Perl syntax: \`${s.slice(start, Math.min(j + 1, s.length))}\``);
  }

  /** The end of a `{n}`, `{n,}` or `{n,m}` at the cursor, else undefined (then `{` is a literal). */
  private repeatEnd(): number | undefined {
    const m = /^\{\d+(,\d*)?\}/.exec(this.s.slice(this.i));
    return m ? this.i + m[0].length : undefined;
  }

  private checkCount(op: string): void {
    const [min, max] = op.slice(1, -1).split(",");
    const lo = Number(min);
    const hi = max === undefined ? lo : max === "" ? -1 : Number(max);
    if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi >= 0 && lo > hi)) throw new Re2Error(`invalid repeat count: \`${op}\``);
  }

  private charClass(): void {
    const s = this.s;
    const start = this.i;
    this.i++;
    if (s[this.i] === "^") this.i++;
    let first = true;
    while (first || s[this.i] !== "]") {
      if (this.i >= s.length) throw new Re2Error(`missing closing ]: \`${s.slice(start)}\``);
      first = false;
      if (s.startsWith("[:", this.i)) {
        const end = s.indexOf(":]", this.i + 2);
        if (end >= 0) {
          const name = s.slice(this.i + 2, end).replace(/^\^/, "");
          if (!POSIX.has(name)) throw new Re2Error(`invalid character class range: \`${s.slice(this.i, end + 2)}\``);
          this.i = end + 2;
          continue;
        }
      }
      const rangeStart = this.i;
      const lo = this.classChar(start);
      if (lo === undefined) continue; // \d, \pL, ...: no range
      if (s[this.i] === "-" && this.i + 1 < s.length && s[this.i + 1] !== "]") {
        this.i++;
        // A range ends in one character: a class escape there is no escape Go knows.
        if (s[this.i] === "\\" && s[this.i + 1] !== undefined && "dDsSwWpP".includes(s[this.i + 1])) throw new Re2Error(`invalid escape sequence: \`${s.slice(this.i, this.i + 2)}\``);
        const hi = this.classChar(start);
        if (hi === undefined || hi < lo) throw new Re2Error(`invalid character class range: \`${s.slice(rangeStart, this.i)}\``);
      }
    }
    this.i++;
  }

  /** One character of a class: its code point, or undefined for a class escape (`\d`, `\pL`). */
  private classChar(classStart: number): number | undefined {
    const s = this.s;
    if (this.i >= s.length) throw new Re2Error(`missing closing ]: \`${s.slice(classStart)}\``);
    if (s[this.i] === "\\") return this.escape(true);
    const cp = s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** An escape at the cursor: its code point when it is one character, else undefined. */
  private escape(inClass: boolean): number | undefined {
    const s = this.s;
    const start = this.i;
    const c = s[this.i + 1];
    const fail = (): never => {
      throw new Re2Error(`invalid escape sequence: \`${s.slice(start, this.i)}\``);
    };
    if (c === undefined) throw new Re2Error("trailing backslash at end of expression: ``");
    this.i += 2;
    if (!inClass && "AbBz".includes(c)) return undefined;
    if (!inClass && c === "Q") {
      const end = s.indexOf("\\E", this.i);
      this.i = end < 0 ? s.length : end + 2;
      return undefined;
    }
    if ("dDsSwW".includes(c)) return undefined;
    if (c === "p" || c === "P") {
      let name: string;
      if (s[this.i] === "{") {
        const end = s.indexOf("}", this.i);
        if (end < 0) {
          this.i = s.length;
          throw new Re2Error(`invalid character class range: \`${s.slice(start)}\``);
        }
        name = s.slice(this.i + 1, end).replace(/^\^/, "");
        this.i = end + 1;
      } else {
        if (this.i >= s.length) throw new Re2Error(`invalid character class range: \`${s.slice(start)}\``);
        name = s[this.i++];
      }
      if (!isUnicodeClass(name)) throw new Re2Error(`invalid character class range: \`${s.slice(start, this.i)}\``);
      return undefined;
    }
    if (c >= "1" && c <= "7" && !/[0-7]/.test(s[this.i] ?? "")) fail(); // a back-reference
    if (c >= "0" && c <= "7") {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(s[this.i] ?? "")) digits += s[this.i++];
      return parseInt(digits, 8);
    }
    if (c === "x") {
      if (s[this.i] === "{") {
        // As Go reads it: hex digits up to "}", failing on the first other character or past U+10FFFF.
        this.i++;
        let value = 0;
        let digits = 0;
        for (;;) {
          if (this.i >= s.length) return fail();
          const d = s[this.i++];
          if (d === "}") break;
          if (!/[0-9A-Fa-f]/.test(d)) return fail();
          value = value * 16 + parseInt(d, 16);
          if (value > 0x10ffff) return fail();
          digits++;
        }
        return digits === 0 ? fail() : value;
      }
      const m = /^[0-9A-Fa-f]{2}/.exec(s.slice(this.i));
      if (!m) {
        this.i = Math.min(s.length, this.i + 2);
        fail();
      }
      this.i += 2;
      return parseInt(m![0], 16);
    }
    const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in controls) return controls[c];
    if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(c)) return c.charCodeAt(0);
    return fail();
  }
}

/** A Go Unicode category or script name. Scripts are checked through JavaScript's own tables. */
function isUnicodeClass(name: string): boolean {
  if (CATEGORIES.has(loose(name))) return true;
  if (!/^[A-Za-z_]+$/.test(name)) return false;
  // A script, as given or capitalised (`greek`, `old_italic`): JavaScript knows the same scripts.
  const capitalised = name.toLowerCase().replace(/(^|_)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
  return [name, capitalised].some((script) => {
    const p = `\\p{Script=${script}}`;
    try {
      new RegExp(p, "u");
      return true;
    } catch {
      return false;
    }
  });
}
