/**
 * The promise of docs/library.md#moving-a-cdktf-app-to-cdktn to a cdktf user: the same app synthesizes the same Terraform
 * JSON with egi-fedcloud-cdktn on cdktn as with egi-fedcloud-cdktf on cdktf, except the metadata's
 * framework version, so a deployed stack shows no change. Each build runs in its own node process,
 * as an app would (fixtures/framework-app.js), from the two packages' built libraries.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(REPO, "__tests__", "fixtures", "framework-app.js");
const BUILDS = {
  cdktf: { lib: path.join(REPO, "lib"), framework: path.join(REPO, "node_modules", "cdktf") },
  cdktn: { lib: path.join(REPO, "frameworks", "cdktn", "pkg", "lib"), framework: path.join(REPO, "frameworks", "cdktn", "node_modules", "cdktn") },
};

let root: string;
const synthesized: Record<string, any> = {};
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "egi-same-json-"));
  for (const [name, build] of Object.entries(BUILDS)) {
    const outdir = path.join(root, name);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, CDKTF_OUTDIR: outdir };
    const r = spawnSync(process.execPath, [FIXTURE, build.lib, build.framework, outdir], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${name} synth failed (exit ${r.status}): ${r.stderr}`);
    synthesized[name] = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "every-kind", "cdk.tf.json"), "utf8"));
  }
}, 120_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test("GIVEN one app of every construct kind WHEN synthesized with each package on its framework THEN the metadata names each framework's version", () => {
  expect(synthesized.cdktf["//"].metadata.version).toBe("0.21.0");
  expect(synthesized.cdktn["//"].metadata.version).toBe("0.24.0");
});

test("GIVEN the same app WHEN the metadata is left aside THEN the Terraform JSON of cdktn is the JSON of cdktf, key for key", () => {
  const { "//": _cdktf, ...cdktf } = synthesized.cdktf;
  const { "//": _cdktn, ...cdktn } = synthesized.cdktn;
  expect(Object.keys(cdktf.resource)).toEqual(expect.arrayContaining(["openstack_compute_instance_v2", "openstack_networking_secgroup_rule_v2", "openstack_blockstorage_volume_v3"]));
  expect(cdktn).toEqual(cdktf);
  expect(JSON.stringify(cdktn)).toBe(JSON.stringify(cdktf)); // the same order too: a diff of the files is empty
});
