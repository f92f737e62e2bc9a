/**
 * Which framework the unit suite really runs on: cdktf under jest.config.js, CDK Terrain (cdktn)
 * under jest.cdktn.config.js (which sets the global EGI_FRAMEWORK and maps `cdktf`, `constructs`
 * and the bindings to frameworks/cdktn). Without this a broken mapping would pass silently, running
 * the cdktf suite twice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformResource, TerraformStack } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import { EgiSite } from "../constructs/egi-site";
import { VirtualMachine } from "../constructs/virtual-machine";
import { fixed } from "./support/construct-fixtures";

const REPO = path.resolve(__dirname, "..");
const framework: "cdktf" | "cdktn" = (globalThis as { EGI_FRAMEWORK?: "cdktn" }).EGI_FRAMEWORK ?? "cdktf";
/** The version the framework is pinned to: the root's devDependencies, or the cdktn toolchain's. */
const pinned: string = (
  framework === "cdktf"
    ? JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"))
    : JSON.parse(fs.readFileSync(path.join(REPO, "frameworks", "cdktn", "package.json"), "utf8"))
).devDependencies[framework];

describe(`the framework of this run (${framework} ${pinned})`, () => {
  test("GIVEN the run's framework WHEN `cdktf` and `constructs` are resolved THEN they are that framework's package and the constructs it is built with", () => {
    const cdk = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("cdktf")), "..", "package.json"), "utf8"));
    expect([cdk.name, cdk.version]).toEqual([framework, pinned]);
    const constructs = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("constructs")), "..", "package.json"), "utf8"));
    const expected = framework === "cdktf" ? "root" : "frameworks/cdktn";
    const where = path.relative(REPO, require.resolve("constructs")).startsWith(path.join("frameworks", "cdktn")) ? "frameworks/cdktn" : "root";
    expect([constructs.name, where]).toEqual(["constructs", expected]);
  });

  test("GIVEN a VirtualMachine on an EgiSite WHEN the app synthesizes THEN cdk.tf.json's metadata names the run's framework version, and the server is a resource of that framework", () => {
    const outdir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "egi-framework-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "framework");
      new EgiSite(stack, "site", { authUrl: "https://keystone.example.org:5000/v3", projectId: "p1" });
      const vm = new VirtualMachine(stack, "vm", { name: "fw", ...fixed() });
      expect(vm.instance).toBeInstanceOf(ComputeInstanceV2);
      expect(vm.instance).toBeInstanceOf(TerraformResource);
      app.synth();
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "framework", "cdk.tf.json"), "utf8"));
      expect(json["//"].metadata.version).toBe(pinned);
      expect(Object.values(json.resource.openstack_compute_instance_v2)).toEqual([expect.objectContaining({ name: "fw" })]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("GIVEN the bindings the constructs import WHEN their source is located THEN they are the run's framework's generated ones", () => {
    const binding = require.resolve("../.gen/providers/openstack/compute-instance-v2");
    const expected = framework === "cdktf" ? path.join(REPO, ".gen") : path.join(REPO, "frameworks", "cdktn", "pkg", ".gen");
    expect(path.relative(expected, binding).startsWith("..")).toBe(false);
    expect(fs.readFileSync(binding, "utf8")).toContain(`import * as ${framework} from '${framework}';`);
  });
});
