/**
 * `egi-cdktf.context.json`: answers of synth-time lookups (best-fit flavor, newest appliance
 * image, ...) pinned next to the app and committed with it, like aws-cdk's cdk.context.json. A value
 * once found stays until removed with `egi-cdktf context reset`, so synth is stable across runs
 * and works offline; a missing one is looked up when the hook has a token.
 *
 * The file is edited by hand and merged by git, so nothing here trusts its shape: `get` returns
 * `unknown`, and the lookups check each answer before using it (see site-lookups.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { IConstruct } from "constructs";
import { PLACEHOLDER_ID } from "./context-provider";
import { writeFileAtomic } from "../../auth/write-file";
import { checkArg } from "../props-check";

export const CONTEXT_FILE = "egi-cdktf.context.json";

/** The context file of the app run from `cwd` (EGI_CDKTF_CONTEXT_FILE overrides). */
export function contextFilePath(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, env.EGI_CDKTF_CONTEXT_FILE || CONTEXT_FILE);
}

/** egi-cdktf.context.json: the answers of the app's synth-time lookups, pinned. */
export class ContextFile {
  /** The file's name in the app folder. */
  public static readonly FILE_NAME = CONTEXT_FILE;
  /**
   * The id a synth-time lookup (`Flavor.bestFit`, `MachineImage.latestAppDbAppliance`, ...) stands
   * in with until it is answered: shaped like a UUID, never a real id. A server using it stops at
   * `terraform plan`.
   */
  public static readonly PLACEHOLDER_ID = PLACEHOLDER_ID;

  private values: Record<string, unknown> | undefined;

  /**
   * @param file the JSON file's path
   */
  constructor(
    /** The JSON file's path. */
    public readonly file: string,
  ) {
    checkArg("ContextFile", "file", file, "non-empty string");
  }

  private load(): Record<string, unknown> {
    if (this.values) return this.values;
    if (!fs.existsSync(this.file)) return (this.values = {});
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, "utf8"));
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
      return (this.values = parsed);
    } catch (err) {
      throw new Error(`${this.file} is not valid JSON (${(err as Error).message}); fix it or delete it to look everything up again`);
    }
  }

  /** Whether the file exists (an absent file reads as empty). */
  exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** Whether an answer is pinned at `key`. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.load(), key);
  }

  /** The value at `key` as the file holds it: any JSON value, unchecked. */
  get(key: string): unknown {
    return this.has(key) ? this.load()[key] : undefined;
  }

  /** The pinned keys, sorted (`egi-cdktf context` lists them). */
  keys(): string[] {
    return Object.keys(this.load()).sort();
  }

  /** Pin `value` at `key` and write the file (atomically, keys sorted). */
  set(key: string, value: unknown): void {
    this.load()[key] = value;
    this.save();
  }

  /**
   * Remove entries whose key contains `filter` (all when undefined); returns the removed keys.
   * Writes the file only when something was removed: a missing file is not created.
   * Equivalent to `egi-cdktf context reset [FILTER]`.
   * @param filter part of the keys to remove, e.g. `flavor-best-fit`; by default every key
   */
  reset(filter?: string): string[] {
    const values = this.load();
    const removed = Object.keys(values).filter((k) => filter === undefined || k.includes(filter));
    if (removed.length === 0) return removed;
    for (const k of removed) delete values[k];
    this.save();
    return removed;
  }

  private save(): void {
    const values = this.load();
    const sorted = Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
    const setting = process.env.EGI_CDKTF_CONTEXT_FILE ? "EGI_CDKTF_CONTEXT_FILE" : undefined;
    writeFileAtomic(this.file, `${JSON.stringify(sorted, null, 2)}\n`, { setting });
  }
}

const perApp = new WeakMap<IConstruct, ContextFile>();

/** The app-wide context file (one instance per construct tree, read at most once). */
export function contextFileOf(scope: IConstruct): ContextFile {
  const root = scope.node.root;
  let file = perApp.get(root);
  if (!file) {
    file = new ContextFile(contextFilePath());
    perApp.set(root, file);
  }
  return file;
}
