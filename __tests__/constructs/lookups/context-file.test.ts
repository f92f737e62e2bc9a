import * as fs from "node:fs";
import * as path from "node:path";
import { ContextFile } from "../../../constructs/lookups/context-file";
import { tempDirsRemovedAfterAll } from "../../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();

describe("the context file's writes", () => {
  const saved = process.env.EGI_CDKTF_CONTEXT_FILE;
  afterEach(() => {
    if (saved === undefined) delete process.env.EGI_CDKTF_CONTEXT_FILE;
    else process.env.EGI_CDKTF_CONTEXT_FILE = saved;
  });

  test("GIVEN a pinned answer WHEN set THEN the file holds it, sorted, and no temp file is left beside it", () => {
    const dir = tempDir("egi-context-");
    const file = new ContextFile(path.join(dir, "egi-cdktf.context.json"));
    file.set("b", 2);
    file.set("a", { id: "x" });
    expect(fs.readFileSync(path.join(dir, "egi-cdktf.context.json"), "utf8")).toBe('{\n  "a": {\n    "id": "x"\n  },\n  "b": 2\n}\n');
    expect(fs.readdirSync(dir)).toEqual(["egi-cdktf.context.json"]);
  });

  test.each([
    ["a missing folder", (dir: string) => path.join(dir, "missing", "ctx.json"), /missing/],
    ["a parent that is a file", (dir: string) => (fs.writeFileSync(path.join(dir, "f"), ""), path.join(dir, "f", "ctx.json")), /file/],
  ])("GIVEN EGI_CDKTF_CONTEXT_FILE in %s WHEN an answer is pinned THEN one line names EGI_CDKTF_CONTEXT_FILE and the file, never a temp file", (_what, where, cause) => {
    const dir = tempDir("egi-context-");
    const target = where(dir);
    process.env.EGI_CDKTF_CONTEXT_FILE = target;
    let message = "";
    try {
      new ContextFile(target).set("k", 1);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`EGI_CDKTF_CONTEXT_FILE ${target}`);
    expect(message).toMatch(cause);
    expect(message).not.toMatch(/\.tmp|\.\d+$|ENOENT|ENOTDIR/);
    expect(message.split("\n")).toHaveLength(1);
  });
});
