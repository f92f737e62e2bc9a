import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { EgiSite } from "../../constructs/egi-site";
import { resolved } from "../support/resolve";
import { Flavor, PENDING_FLAVOR_ID } from "../../constructs/flavor";

/** A stack with a site, reading the context file `context` (written first when given). */
function stackWithContext(context?: Record<string, unknown>, env: Record<string, string> = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
  if (context) fs.writeFileSync(file, JSON.stringify(context));
  Object.assign(process.env, { EGI_CDKTF_CONTEXT_FILE: file, OS_AUTH_URL: "https://k.example.org:5000/v3", OS_PROJECT_ID: "p1", ...env });
  const stack = new TerraformStack(Testing.app(), "s");
  const site = new EgiSite(stack, "site");
  return { stack, site, file };
}

afterEach(() => {
  for (const k of ["EGI_CDKTF_CONTEXT_FILE", "OS_AUTH_URL", "OS_PROJECT_ID"]) delete process.env[k];
});

describe("Flavor.exact", () => {
  test("GIVEN 1/2048/20 WHEN bound THEN a flavor data source filters on vcpus, ram and disk", () => {
    const { stack } = stackWithContext();
    Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 20 }).bind(stack);
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataOpenstackComputeFlavorV2, { vcpus: 1, ram: 2048, disk: 20 });
  });

  test("GIVEN two servers with the same spec WHEN bound THEN they share one data source", () => {
    const { stack } = stackWithContext();
    const a = Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }).bind(stack);
    const b = Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }).bind(stack);
    expect(resolved(stack, a.flavorId)).toBe(resolved(stack, b.flavorId));
    expect(Object.keys(JSON.parse(Testing.synth(stack)).data.openstack_compute_flavor_v2)).toHaveLength(1);
  });

  test("GIVEN a fractional vCPU count WHEN chosen THEN the error names the prop", () => {
    expect(() => Flavor.exact({ vcpus: 1.5, ramMb: 2048, diskGb: 20 })).toThrow("Flavor.exact: vcpus must be a whole number >= 1, got 1.5");
  });
});

describe("Flavor.bestFit", () => {
  const key = 'flavor-best-fit:{"gpus":0,"minDiskGb":20,"minRamMb":3000,"minVcpus":2}@https://k.example.org:5000|p1|';

  test("GIVEN the answer pinned in the context file WHEN synthesized THEN the server gets that flavor id and no warning", async () => {
    const { stack, site } = stackWithContext({ [key]: "flavor-medium-id" });
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    await site.lookups.prepare(undefined);
    expect(resolved(stack, flavor.flavorId)).toBe("flavor-medium-id");
    expect(stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn"))).toEqual([]);
  });

  test("GIVEN an empty context file and no token WHEN prepared THEN the placeholder is used and a warning names the file and the fix", async () => {
    const { stack, site, file } = stackWithContext();
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    await site.lookups.prepare(undefined);
    expect(resolved(stack, flavor.flavorId)).toBe(PENDING_FLAVOR_ID);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data));
    expect(warnings).toEqual([
      `the smallest flavor with at least 2 vCPUs, 3000 MB RAM, 20 GB disk: not in ${file} and no Check-in credential to look it up; using a placeholder. Set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again`,
    ]);
  });

  test("GIVEN the same answer pinned for another project WHEN synthesized THEN it is not used", async () => {
    const other = key.replace("|p1|", "|p2|");
    const { stack } = stackWithContext({ [other]: "flavor-of-p2" });
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    expect(resolved(stack, flavor.flavorId)).toBe(PENDING_FLAVOR_ID);
  });

  test("GIVEN a stack without EgiSite WHEN bound THEN the error says to add one", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(() => Flavor.bestFit({ minVcpus: 1 }).bind(stack)).toThrow("Flavor.bestFit in bare needs an EgiSite in stack bare; add new EgiSite(stack, \"site\") or pass site");
  });
});
