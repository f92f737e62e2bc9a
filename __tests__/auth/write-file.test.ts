/**
 * auth/write-file.ts, the one atomic write (npm's write-file-atomic) the pin file, the token cache
 * and inventories use: content and modes, no temp file left, and one-line errors naming the user's
 * setting and file, never a temp file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkWritableFile, SECRET_FILE_MODE, writeFileAtomic } from "../../auth/write-file";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";
import { thrown as errorOf } from "../support/thrown";

const tempDir = tempDirsRemovedAfterAll();

describe("writeFileAtomic: content and modes", () => {
  test("GIVEN a new file WHEN written THEN the content, the umask's mode, and nothing else in the folder", () => {
    const dir = tempDir("write-file-");
    const file = path.join(dir, "a.json");

    writeFileAtomic(file, "{}\n");

    expect(fs.readFileSync(file, "utf8")).toBe("{}\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o666 & ~process.umask());
    expect(fs.readdirSync(dir)).toEqual(["a.json"]);
  });

  test("GIVEN an existing private file WHEN rewritten without a mode THEN it keeps 0600", () => {
    const file = path.join(tempDir("write-file-"), "hosts.ini");
    fs.writeFileSync(file, "old\n", { mode: 0o600 });

    writeFileAtomic(file, "new\n");

    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
  });

  test("GIVEN SECRET_FILE_MODE WHEN an existing world-readable file is rewritten THEN it is 0600", () => {
    const file = path.join(tempDir("write-file-"), "token.json");
    fs.writeFileSync(file, "old", { mode: 0o644 });
    fs.chmodSync(file, 0o644);

    writeFileAtomic(file, "secret", { mode: SECRET_FILE_MODE });

    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  test("GIVEN a reader holding the old file open WHEN rewritten THEN it still reads the old content whole (a rename, not a truncate)", () => {
    const file = path.join(tempDir("write-file-"), "pin.json");
    fs.writeFileSync(file, "old content\n");
    const fd = fs.openSync(file, "r");
    try {
      writeFileAtomic(file, "new\n");

      expect(fs.readFileSync(fd, "utf8")).toBe("old content\n");
      expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe("writeFileAtomic and checkWritableFile: one line naming the setting and the file", () => {
  test.each`
    given                                  | target                                         | says
    ${"a folder that does not exist"}      | ${(d: string) => path.join(d, "nope", "x.json")} | ${(d: string) => `folder ${path.join(d, "nope")} does not exist; create it or name a file in an existing folder`}
    ${"two missing folders"}               | ${(d: string) => path.join(d, "a", "b", "x.json")} | ${(d: string) => `folder ${path.join(d, "a")} does not exist; create it or name a file in an existing folder`}
    ${"a parent that is a file"}           | ${(d: string) => path.join(d, "file", "x.json")} | ${(d: string) => `${path.join(d, "file")} is a file, not a folder; name a file in a folder`}
    ${"a grandparent that is a file"}      | ${(d: string) => path.join(d, "file", "sub", "x.json")} | ${(d: string) => `${path.join(d, "file")} is a file, not a folder; name a file in a folder`}
  `("GIVEN $given WHEN written or checked THEN one line naming the setting, the file and the folder; no temp file named", ({ target, says }) => {
    const dir = tempDir("write-file-errors-");
    fs.writeFileSync(path.join(dir, "file"), "x");
    const file = target(dir);
    const expected = `EGI_SITES_FILE ${file}: ${says(dir)}`;

    const written = errorOf(() => writeFileAtomic(file, "{}", { setting: "EGI_SITES_FILE" }));

    expect(written.message).toBe(expected);
    expect(errorOf(() => checkWritableFile(file, "EGI_SITES_FILE")).message).toBe(expected);
    expect(written.constructor).toBe(Error); // an expected failure: egi-cdktf prints it without "unexpected error"
    expect(fs.readdirSync(dir)).toEqual(["file"]);
  });

  test("GIVEN a folder where the file should be WHEN written or checked THEN one line saying so", () => {
    const dir = tempDir("write-file-errors-");

    expect(errorOf(() => writeFileAtomic(dir, "{}", { setting: "--output" })).message).toBe(`--output ${dir} is a folder; name a file (in it, or elsewhere)`);
    expect(errorOf(() => checkWritableFile(dir)).message).toBe(`${dir} is a folder; name a file (in it, or elsewhere)`);
  });

  test("GIVEN a folder that is not writable WHEN written THEN one line with the errno, no temp file left", () => {
    const dir = tempDir("write-file-errors-");
    const locked = path.join(dir, "locked");
    fs.mkdirSync(locked, { mode: 0o500 });
    try {
      if (process.getuid?.() === 0) return; // root writes anyway
      const err = errorOf(() => writeFileAtomic(path.join(locked, "x.json"), "{}", { setting: "EGI_SITES_FILE" }));

      expect(err.message).toBe(`EGI_SITES_FILE ${path.join(locked, "x.json")}: cannot write it (EACCES)`);
      expect(fs.readdirSync(locked)).toEqual([]);
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });

  test("GIVEN a file in an existing folder WHEN checked THEN nothing is thrown and nothing is written", () => {
    const dir = tempDir("write-file-");

    checkWritableFile(path.join(dir, "new.json"));

    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
