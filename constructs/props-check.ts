/**
 * Run-time checks of the props and arguments a public construct or factory takes, for callers the
 * type checker does not see: JavaScript, and Python or other languages through jsii. A prop left
 * out, misspelled (`flavour` for `flavor`) or of the wrong kind is refused with one line naming the
 * construct or factory and the prop, instead of `Cannot read properties of undefined (reading 'trim')`
 * deep inside, or a misspelled optional prop silently ignored.
 *
 * Values are never shown, only their kind (`a number`, `a list`, ...): a prop may hold a secret.
 *
 *     checkProps(`VirtualMachine ${scope.node.path}/${id}`, props, {
 *       required: { image: "object", flavor: "object" },
 *       optional: { name: "non-empty string", site: "object" },
 *     });
 *     checkArg("Flavor.fromId", "id", id, "non-empty string");
 * @internal
 */

/**
 * What a prop must be at run time. `non-empty string` refuses `""` and blanks; `object` is any
 * non-null object but a list (an interface such as `IImage`, or a struct); `any` only has to be there.
 * @internal
 */
export type PropKind = "string" | "non-empty string" | "number" | "boolean" | "object" | "list" | "function" | "any";

/**
 * The props a construct or factory takes, by name, with what each must be. A list of names is
 * the same as a record with `any` for each.
 * @internal
 */
export interface PropsShape {
  /** Props that must be given (not undefined, not null). */
  readonly required?: Readonly<Record<string, PropKind>> | readonly string[];
  /** Props that may be left out (undefined); null is refused (leave the prop out instead). */
  readonly optional?: Readonly<Record<string, PropKind>> | readonly string[];
}

/**
 * Refuses `props` unless it is an object with every required prop, each prop of its kind and no
 * prop the shape does not name. `what` names the caller, e.g. `VirtualMachine app/web/vm` or
 * `Flavor.fromRequirements`. Undefined props are accepted when nothing is required.
 * @throws Error (one line) naming `what` and the prop
 * @internal
 */
export function checkProps(what: string, props: unknown, shape: PropsShape): void {
  const required = kindsOf(shape.required);
  const optional = kindsOf(shape.optional);
  const requiredNames = Object.keys(required);
  if (props === undefined && requiredNames.length === 0) return;
  if (props === null || typeof props !== "object" || Array.isArray(props)) {
    const needs = requiredNames.length > 0 ? ` with ${requiredNames.join(", ")}` : "";
    throw new Error(`${what}: props must be an object${needs}, got ${kindOf(props)}`);
  }
  const given = props as Record<string, unknown>;
  const known = [...requiredNames, ...Object.keys(optional)];
  for (const key of Object.keys(given)) {
    if (key in required || key in optional) continue;
    const near = closest(key, known);
    const hint = near ? `; did you mean ${near}?` : known.length > 0 ? `; known props: ${known.join(", ")}` : "; it takes no props";
    throw new Error(`${what}: unknown prop ${key}${hint}`);
  }
  const missing = requiredNames.filter((name) => given[name] === undefined || given[name] === null);
  if (missing.length === 1) throw new Error(`${what}: required prop ${missing[0]} is missing (${kindPhrase(required[missing[0]])})`);
  if (missing.length > 1) throw new Error(`${what}: required props ${missing.join(", ")} are missing`);
  for (const [name, kind] of Object.entries(required)) {
    if (kind === "non-empty string" && isBlank(given[name])) throw new Error(`${what}: prop ${name} is empty`);
    checkKind(what, `prop ${name}`, given[name], kind);
  }
  for (const [name, kind] of Object.entries(optional)) {
    const value = given[name];
    if (value === undefined) continue;
    if (value === null) throw new Error(`${what}: prop ${name} is null; leave it out or give ${kindPhrase(kind)}`);
    if (kind === "non-empty string" && isBlank(value)) throw new Error(`${what}: prop ${name} is empty; leave it out or give a value`);
    checkKind(what, `prop ${name}`, value, kind);
  }
}

/**
 * Refuses a required positional argument that is missing or not of its kind, e.g.
 * `Flavor.fromId: argument id must be a non-empty string, got undefined`.
 * @throws Error (one line) naming `what` and the argument
 * @internal
 */
export function checkArg(what: string, name: string, value: unknown, kind: PropKind): void {
  if (value === undefined || value === null) throw new Error(`${what}: argument ${name} must be ${kindPhrase(kind)}, got ${kindOf(value)}`);
  checkKind(what, `argument ${name}`, value, kind);
}

function isBlank(value: unknown): boolean {
  return typeof value === "string" && value.trim() === "";
}

function checkKind(what: string, label: string, value: unknown, kind: PropKind): void {
  if (!matches(value, kind)) throw new Error(`${what}: ${label} must be ${kindPhrase(kind)}, got ${kindOf(value)}`);
}

function matches(value: unknown, kind: PropKind): boolean {
  switch (kind) {
    case "any":
      return true;
    case "string":
      return typeof value === "string";
    case "non-empty string":
      return typeof value === "string" && value.trim() !== "";
    case "number":
      return typeof value === "number" && !Number.isNaN(value);
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return Array.isArray(value);
    case "function":
      return typeof value === "function";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
  }
}

function kindsOf(spec: PropsShape["required"]): Record<string, PropKind> {
  if (spec === undefined) return {};
  if (Array.isArray(spec)) return Object.fromEntries(spec.map((name: string) => [name, "any" as PropKind]));
  return { ...(spec as Readonly<Record<string, PropKind>>) };
}

function kindPhrase(kind: PropKind): string {
  switch (kind) {
    case "any":
      return "a value";
    case "object":
      return "an object";
    case "list":
      return "a list";
    default:
      return `a ${kind}`;
  }
}

/** The kind of a value, never its content: props may hold secrets. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.trim() === "" ? "an empty string" : "a string";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : "a number";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** The known name a misspelled one most likely meant: same letters but case, or at most two edits away (one for short names). */
function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.min(name.length, best.name.length) <= 4 ? 1 : 2;
  return best.distance <= allowed ? best.name : undefined;
}

/** Edits (insert, delete, replace, swap two neighbours) from a to b: small strings, prop names. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The path a construct `id` under `scope` will have, for factories that check props before making
 * it: `app/stack/id` (`id` alone under the app, or when `scope` is not a construct).
 * @internal
 */
export function childPath(scope: unknown, id: string): string {
  const parent = (scope as { node?: { path?: unknown } } | undefined)?.node?.path;
  return typeof parent === "string" && parent !== "" ? `${parent}/${id}` : String(id);
}

/**
 * Refuses a value that is not what a prop needs, told by one member: a `MachineImage` has `bind()`,
 * an `IKeyPair` a `keyPairName`. `expected` says what to give, e.g. `a MachineImage (MachineImage.fromId, ...)`.
 * Undefined passes (optional props; required ones are checked by `checkProps`).
 * @throws Error (one line) naming `what`, the prop and what to give
 * @internal
 */
export function checkMember(what: string, label: string, value: unknown, member: string, memberKind: "function" | "string", expected: string): void {
  if (value === undefined) return;
  const has = value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as Record<string, unknown>)[member] === memberKind;
  if (!has) throw new Error(`${what}: ${label} must be ${expected}, got ${kindOf(value)}`);
}
