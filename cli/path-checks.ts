/**
 * Paths the user gives egi-cdktf (init's DIR, --out, --output, TMPDIR), checked before any work:
 * what is there, or why nothing can be (a missing folder, a parent that is a file, a name longer
 * than the file system allows), in words that name the user's path, never an internal temp file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "./command";

/** NAME_MAX of Linux and macOS file systems (ext4, xfs, btrfs, apfs, tmpfs): bytes in one path segment. */
export const NAME_MAX = 255;

export type PathState =
  | { readonly kind: "absent" }
  | { readonly kind: "folder" }
  | { readonly kind: "file" }
  /** Nothing can be made at the path; `why` is one clause naming the path or the part of it at fault. */
  | { readonly kind: "blocked"; readonly why: string };

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException)?.code;

/** A long segment, shortened for a message. */
const shortName = (name: string): string => (name.length > 24 ? `"${name.slice(0, 20)}..."` : `"${name}"`);

/** The folders from the root down to `p`'s parent. */
function ancestors(p: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) return dirs;
  }
}

/** Why `p` (absolute) cannot be reached, from the first segment at fault; undefined when its parent is a folder. */
function blockedAt(p: string, code: string | undefined): string | undefined {
  const long = p.split(path.sep).find((segment) => Buffer.byteLength(segment) > NAME_MAX);
  if (long !== undefined) return `the name ${shortName(long)} is ${Buffer.byteLength(long)} bytes, longer than the ${NAME_MAX} a file system allows`;
  if (code === "ENAMETOOLONG") return `the path is ${Buffer.byteLength(p)} bytes, longer than the system allows`;
  for (const dir of ancestors(p)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch (err) {
      const c = errno(err);
      if (c === "ENOENT") return `folder ${dir} does not exist`;
      if (c === "EACCES") return `${dir} cannot be read (permission denied)`;
      return `${dir} cannot be read (${c ?? (err as Error).message})`;
    }
    if (!stat.isDirectory()) return `${dir} is a file, not a folder`;
  }
  return undefined;
}

/** What is at `p` (made absolute): a folder, a file (anything else), nothing yet, or why nothing can be. */
export function pathState(p: string): PathState {
  const abs = path.resolve(p);
  try {
    return fs.statSync(abs).isDirectory() ? { kind: "folder" } : { kind: "file" };
  } catch (err) {
    const code = errno(err);
    const why = blockedAt(abs, code);
    if (why) return { kind: "blocked", why };
    if (code === "ENOENT") return { kind: "absent" };
    return { kind: "blocked", why: `${abs} cannot be read (${code ?? (err as Error).message})` };
  }
}

/** Why this process cannot create entries in folder `dir`, or undefined when it can. */
export function unwritableFolder(dir: string): string | undefined {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch (err) {
    const code = errno(err);
    return `folder ${dir} is not writable (${code === "EROFS" ? "a read-only file system" : code === "EACCES" ? "permission denied" : (code ?? (err as Error).message)})`;
  }
}

export interface OutputFileCheck {
  /** The flag that names the file, e.g. `--out`. */
  readonly flag: string;
  /** The file as the user gave it. */
  readonly file: string;
  /** What goes in it, e.g. `summary`, `inventory`. */
  readonly what: string;
  /** A file name to suggest inside a folder given by mistake, e.g. `plan-summary.md`. */
  readonly example: string;
  /**
   * The file is replaced by renaming a temp file over it, which needs its folder writable (not the file).
   * @default false: the file is written in place
   */
  readonly replaceByRename?: boolean;
}

/**
 * Refuse an output file that could not be written, before the work whose result goes there: a
 * usage error naming the flag. Returns the file's absolute path.
 */
export function checkOutputFile(o: OutputFileCheck): string {
  if (!o.file.trim()) throw new UsageError(`${o.flag} needs a file name, e.g. ${o.flag} ${o.example}`);
  const file = path.resolve(o.file);
  const state = pathState(file);
  if (state.kind === "blocked") throw new UsageError(`${o.flag}: ${state.why}`);
  if (state.kind === "folder") throw new UsageError(`${o.flag}: ${o.file} is a folder; name the ${o.what} file, e.g. ${path.join(o.file, o.example)}`);
  const folder = state.kind === "absent" || o.replaceByRename ? unwritableFolder(path.dirname(file)) : undefined;
  if (folder) throw new UsageError(`${o.flag}: ${folder}`);
  if (state.kind === "file" && !o.replaceByRename) {
    try {
      fs.accessSync(file, fs.constants.W_OK);
    } catch (err) {
      throw new UsageError(`${o.flag}: ${o.file} is not writable (${errno(err) === "EACCES" ? "permission denied" : (errno(err) ?? (err as Error).message)})`);
    }
  }
  return file;
}

/**
 * Refuse a temp folder (TMPDIR, else /tmp) that is missing, a file or not writable, before any
 * work that needs one: a usage error naming TMPDIR, not the temp folder Node would fail to make.
 */
export function checkTempFolder(): void {
  const dir = os.tmpdir();
  const state = pathState(dir);
  const why =
    state.kind === "blocked" ? state.why : state.kind === "absent" ? `folder ${dir} does not exist` : state.kind === "file" ? `${dir} is a file, not a folder` : unwritableFolder(dir);
  if (!why) return;
  const named = process.env.TMPDIR ? `TMPDIR=${dir}` : `the temp folder ${dir} (TMPDIR is not set)`;
  throw new UsageError(`${named}: ${why}; egi-cdktf makes a private temp folder there: set TMPDIR to a writable folder`);
}
