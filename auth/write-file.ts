/**
 * The one way egi-cdktf writes a file it owns (the pinned site list, the token cache, an Ansible
 * inventory): npm's `write-file-atomic`, so that readers see the old content or the new, never half
 * of it. It writes a temp file next to the target (a rename is atomic within one filesystem only),
 * fsyncs it, gives it the mode asked for (else the existing file's), and renames it over the target;
 * on failure the temp file is removed. Errors are one line naming the user's setting and file,
 * never the temp file: check them early with `checkWritableFile` (before a download or a run), and
 * `writeFileAtomic` says the same if the folder vanished since.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import writeFileAtomicLib = require("write-file-atomic");

/** Mode of files holding a secret (tokens, refresh tokens, application credentials). */
export const SECRET_FILE_MODE = 0o600;

export interface WriteFileOptions {
  /**
   * The file's mode, e.g. `SECRET_FILE_MODE` for a file holding a secret.
   * @default an existing file's mode (someone may have made it private), else 0666 less the umask
   */
  readonly mode?: number;
  /**
   * What the user set to name the file (an env var or a flag, e.g. `EGI_SITES_FILE`, `--output`),
   * for the error message.
   * @default the file's path alone
   */
  readonly setting?: string;
}

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException)?.code;

/** `EGI_SITES_FILE /a/b.json` or `/a/b.json`: how a message names the file. */
const named = (file: string, setting?: string): string => (setting ? `${setting} ${file}` : file);

/** The first ancestor of `file` that is not a folder (missing, or a file), with what it is; undefined when all are folders. */
function blockedParent(file: string): { readonly at: string; readonly what: "missing" | "file" } | undefined {
  const dirs: string[] = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      return { at: dir, what: "missing" };
    }
    if (!stat.isDirectory()) return { at: dir, what: "file" };
  }
  return undefined;
}

/** One line for a failed write of `file`: its folder missing, a parent that is a file, a folder in its place, or the errno. */
function writeError(file: string, err: unknown, setting?: string): Error {
  const who = named(file, setting);
  const blocked = blockedParent(file);
  if (blocked?.what === "missing") return new Error(`${who}: folder ${blocked.at} does not exist; create it or name a file in an existing folder`, { cause: err });
  if (blocked?.what === "file") return new Error(`${who}: ${blocked.at} is a file, not a folder; name a file in a folder`, { cause: err });
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return new Error(`${who} is a folder; name a file (in it, or elsewhere)`, { cause: err });
  return new Error(`${who}: cannot write it (${errnoOf(err) ?? (err as Error)?.message ?? String(err)})`, { cause: err });
}

/**
 * Throws the one-line error `writeFileAtomic` would for `file` whose folder is missing, has a file
 * among its parents, or is itself a folder: call it before the work whose result goes there.
 */
export function checkWritableFile(file: string, setting?: string): void {
  const target = path.resolve(file);
  const blocked = blockedParent(target);
  const isDir = !blocked && fs.existsSync(target) && fs.statSync(target).isDirectory();
  if (blocked || isDir) throw writeError(target, undefined, setting);
}

/** Write `content` to `file` atomically (see the module's comment). Throws one line naming `setting` and `file`. */
export function writeFileAtomic(file: string, content: string | Buffer, options: WriteFileOptions = {}): void {
  const target = path.resolve(file);
  try {
    writeFileAtomicLib.sync(target, content, options.mode === undefined ? {} : { mode: options.mode });
  } catch (err) {
    throw writeError(target, err, options.setting);
  }
}
