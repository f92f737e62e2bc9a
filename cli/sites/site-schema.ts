/**
 * fedcloud-catchall-operations' `schema.json` (JSON Schema draft-07), checked against each site
 * file `sites refresh` reads, as fedcloudclient does (`jsonschema.validate` in its sites.py) and
 * the repository's own CI. A small validator rather than a dependency: the schema uses only the
 * keywords below. A keyword it does not know is reported by `uncheckedKeywords` (refresh warns
 * once), never silently taken as satisfied without saying so.
 */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** Keywords that only describe (no constraint). */
const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "title", "description", "default", "examples", "definitions"]);
/** Keywords this validator checks. */
const CHECKED = new Set(["type", "properties", "required", "additionalProperties", "items", "$ref", "enum"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The JSON type of `value` as a schema's `type` names it. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The schema a local `$ref` (`#/definitions/x`, any `#/` JSON pointer) names in `root`. */
function resolve(ref: string, root: JsonSchema): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`schema.json: $ref ${ref} is not local`);
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    node = isObject(node) ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  }
  if (node === undefined || !(typeof node === "boolean" || isObject(node))) throw new Error(`schema.json: $ref ${ref} names nothing`);
  return node as JsonSchema;
}

const where = (at: string): string => at || "the document";

/** The first way `value` breaks `schema` (`at` names the place, e.g. `vos[0].auth`), or undefined. */
export function schemaError(value: unknown, schema: JsonSchema, root: JsonSchema = schema, at = ""): string | undefined {
  if (schema === true) return undefined;
  if (schema === false) return `${where(at)} is not allowed`;
  if (typeof schema.$ref === "string") {
    const error = schemaError(value, resolve(schema.$ref, root), root, at);
    if (error) return error;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = typeOf(value);
    if (!types.some((t) => t === actual || (t === "number" && actual === "integer"))) return `${where(at)} must be ${types.join(" or ")}, not ${actual}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `${where(at)} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  }
  if (isObject(value)) {
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in value)) return `${at ? `${at}.` : ""}${key} is required`;
    }
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    for (const [key, item] of Object.entries(value)) {
      const sub = at ? `${at}.${key}` : key;
      const own = properties[key];
      if (own !== undefined) {
        const error = schemaError(item, own, root, sub);
        if (error) return error;
      } else if (schema.additionalProperties === false) {
        return `${sub} is not allowed (${at ? `${at} takes` : "a site file takes"} ${Object.keys(properties).join(", ")})`;
      } else if (isObject(schema.additionalProperties)) {
        const error = schemaError(item, schema.additionalProperties as JsonSchema, root, sub);
        if (error) return error;
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined && !Array.isArray(schema.items)) {
    for (const [i, item] of value.entries()) {
      const error = schemaError(item, schema.items as JsonSchema, root, `${at}[${i}]`);
      if (error) return error;
    }
  }
  return undefined;
}

/** Keywords of `schema` (anywhere in it) that `schemaError` neither checks nor may ignore, sorted. */
export function uncheckedKeywords(schema: JsonSchema): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, isMap: boolean): void => {
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (isMap) {
        walk(value, false); // `properties` / `definitions`: keys are names, values schemas
        continue;
      }
      if (!ANNOTATIONS.has(key) && !CHECKED.has(key)) found.add(key);
      if (key === "properties" || key === "definitions") walk(value, true);
      else if (key === "items" || key === "additionalProperties") walk(value, false);
    }
  };
  walk(schema, false);
  return [...found].sort();
}

/** `text` as a schema; throws one line naming `name` when it is not one. */
export function parseSchema(text: string, name: string): JsonSchema {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON (${(err as Error).message.split("\n")[0]})`, { cause: err });
  }
  if (typeof schema !== "boolean" && !isObject(schema)) throw new Error(`${name} is not a JSON schema (an object)`);
  return schema as JsonSchema;
}
