/**
 * Write a file so that readers see the old content or the new, never half of it: an ansible run
 * started while the inventory is regenerated, or an interrupted write, must not find a truncated
 * file. The temp file sits next to the target (a rename is atomic within one filesystem only).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export function writeFileAtomic(file: string, content: string): void {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  // An existing inventory keeps its mode (someone may have made it private); a new one gets the umask's.
  const mode = (() => {
    try {
      return fs.statSync(target).mode & 0o777;
    } catch {
      return undefined;
    }
  })();
  try {
    const fd = fs.openSync(temp, "wx", mode ?? 0o666);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (mode !== undefined) fs.chmodSync(temp, mode);
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
