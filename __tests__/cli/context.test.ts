import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";

async function run(args: string[], file: string) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { EGI_CDKTF_CONTEXT_FILE: file } });
  return { status, stdout, stderr };
}

function contextFile(values: Record<string, unknown>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
  fs.writeFileSync(file, JSON.stringify(values));
  return file;
}

describe("egi-cdktf context", () => {
  test("GIVEN pinned lookups WHEN listed THEN each key and value is printed, sorted", async () => {
    const file = contextFile({ "flavor-best-fit:{}@x": "f1", "appdb-appliance:{}@x": "i1" });
    expect(await run(["context"], file)).toEqual({ status: 0, stdout: 'appdb-appliance:{}@x = "i1"\nflavor-best-fit:{}@x = "f1"\n', stderr: "" });
  });

  test("GIVEN pinned lookups WHEN reset with a filter THEN only matching entries are removed from the file", async () => {
    const file = contextFile({ "flavor-best-fit:{}@x": "f1", "appdb-appliance:{}@x": "i1" });

    const r = await run(["context", "reset", "appdb"], file);

    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${file}: removed 1 entry: appdb-appliance:{}@x\n`);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ "flavor-best-fit:{}@x": "f1" });
  });

  test("GIVEN an unknown action WHEN run THEN it is a usage error", async () => {
    const r = await run(["context", "purge"], contextFile({}));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('egi-cdktf: unknown action "purge"; use list or reset (see egi-cdktf context --help)\n');
  });

  test("GIVEN a context file that is not JSON WHEN listed THEN the error names the file and the fix", async () => {
    const file = contextFile({});
    fs.writeFileSync(file, "{oops");
    const r = await run(["context"], file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^egi-cdktf: ${file.replace(/[.]/g, "\\.")} is not valid JSON .*; fix it or delete it to look everything up again\\n$`));
  });
});

describe("egi-cdktf context reset without a context file", () => {
  test("GIVEN no context file WHEN reset THEN no file is created and it says there is nothing to reset", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");

    const r = await run(["context", "reset"], file);

    expect(r).toEqual({ status: 0, stdout: "", stderr: `${file}: no context file; nothing to reset\n` });
    expect(fs.existsSync(file)).toBe(false);
  });

  test("GIVEN no context file WHEN reset with a filter THEN no file is created", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
    await run(["context", "reset", "appdb-appliance"], file);
    expect(fs.existsSync(file)).toBe(false);
  });
});
