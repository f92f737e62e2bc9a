/**
 * The npm package name of a new app, checked by npm's own validate-npm-package-name (its
 * `validForNewPackages`: errors, and warnings about what "can no longer" be in a name), worded as
 * clauses that say what to change, and a valid one to suggest.
 */
import { builtinModules } from "node:module";
import validateNpmPackageName = require("validate-npm-package-name");

/** npm's longest name. */
export const NPM_NAME_MAX = 214;

/** Names npm refuses whatever their case. */
const RESERVED = ["node_modules", "favicon.ico"];

/** `@scope/name`: npm allows `@` and one `/` there only. */
const SCOPED = /^@([^/]+?)\/([^/]+?)$/;

const urlSafe = (s: string): boolean => encodeURIComponent(s) === s;

/**
 * What makes `name` invalid for a new npm package, each a short clause; empty when it is valid. npm's
 * validator decides; the clauses only word its verdict (its own messages when none of them applies).
 */
export function npmNameProblems(name: string): string[] {
  const verdict = validateNpmPackageName(name);
  if (verdict.validForNewPackages) return [];
  const clauses = problemClauses(name);
  return clauses.length ? clauses : [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
}

/** Why `name` is not a valid new package's name, in the words init prints. */
function problemClauses(name: string): string[] {
  if (name.length === 0) return ["it is empty"];
  const problems: string[] = [];
  const lower = name.toLowerCase();
  if (name.startsWith(".")) problems.push("it starts with a period");
  if (name.startsWith("_")) problems.push("it starts with an underscore");
  if (name.startsWith("-")) problems.push("it starts with a hyphen");
  if (name.trim() !== name) problems.push("it has leading or trailing spaces");
  if (RESERVED.includes(lower)) problems.push(`npm reserves ${lower}`);
  if (builtinModules.includes(lower)) problems.push(`${lower} is a Node.js core module`);
  if (name.length > NPM_NAME_MAX) problems.push(`it is ${name.length} characters, more than npm's ${NPM_NAME_MAX}`);
  if (lower !== name) problems.push("it has capital letters");
  if (/[~'!()*]/.test(name.split("/").pop()!)) problems.push("it has one of ~'!()*");
  const scoped = SCOPED.exec(name);
  if (scoped?.[2].startsWith(".")) problems.push("its name after the scope starts with a period");
  if (!urlSafe(name) && !(scoped && urlSafe(scoped[1]) && urlSafe(scoped[2]))) problems.push("it has characters other than letters, digits, - . _ ~");
  return problems;
}

/** A valid name close to `raw`: lower case, accents and anything but letters and digits made `-`, at most 214 characters. */
export function suggestNpmName(raw: string): string {
  const base = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, NPM_NAME_MAX)
    .replace(/-+$/, "");
  if (!base) return "egi-app";
  return npmNameProblems(base).length ? `${base.slice(0, NPM_NAME_MAX - 4)}-app` : base;
}

/** The name `npm init` would derive from a folder's name: lower case, each run of white space a `-`. */
export const nameFromFolder = (folder: string): string => folder.trim().replace(/\s+/g, "-").toLowerCase();
