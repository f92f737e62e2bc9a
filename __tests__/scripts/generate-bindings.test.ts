import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateBindings, OPENSTACK_FQPN, REPO_ROOT, SCHEMA_FILE } from "../../scripts/generate-bindings";

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(root, p) : [path.relative(root, p)];
  });
}

describe("generate-bindings", () => {
  test("GIVEN the committed schema WHEN it declares its provider version THEN that version is 3.4.0", () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
    expect(schema.provider_versions).toEqual({ [OPENSTACK_FQPN]: "3.4.0" });
    expect(Object.keys(schema.provider_schemas[OPENSTACK_FQPN].resource_schemas)).toContain("openstack_compute_instance_v2");
  });

  test("GIVEN the committed schema WHEN bindings are regenerated THEN they equal the committed .gen/ byte for byte", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gen-")), ".gen");
    const committed = path.join(REPO_ROOT, ".gen");

    await generateBindings(SCHEMA_FILE, out);

    const files = listFiles(out).sort();
    expect(listFiles(committed).sort()).toEqual(files);
    const differing = files.filter((f) => !fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(committed, f))));
    expect(differing).toEqual([]);
  }, 60_000);

  test("GIVEN a schema without provider_versions WHEN generating THEN it fails naming the file and the fix, leaving outdir untouched", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gen-bad-"));
    const bad = path.join(dir, "schema.json");
    fs.writeFileSync(bad, JSON.stringify({ format_version: "1.0", provider_schemas: {} }));
    const out = path.join(dir, "out");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep.txt"), "x");

    await expect(generateBindings(bad, out)).rejects.toThrow(`${bad} has no provider_versions`);
    expect(fs.readdirSync(out)).toEqual(["keep.txt"]);
  });
});
