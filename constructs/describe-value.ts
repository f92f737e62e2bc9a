/**
 * What a value of unknown shape is, in a few words for one-line errors: `null`, `a list`,
 * `an object`, `an empty string`, `the number 42`, `a string ("#cloud-config...")`.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string": {
      if (value.trim() === "") return "an empty string";
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case "number":
    case "bigint":
      return `the number ${String(value)}`;
    case "boolean":
      return String(value);
    case "function":
      return "a function";
    default:
      return "an object";
  }
}
