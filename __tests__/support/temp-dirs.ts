/** Temp folders for one test file, all removed after its tests (pass or fail), and a JSON writer. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A `tempDir(prefix)` whose folders go in afterAll; call once at a test file's top level. */
export function tempDirsRemovedAfterAll(): (prefix: string) => string {
  const temps: string[] = [];
  afterAll(() => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
}

/** `value` as JSON at `file`, its folders made. */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}
