import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { ContextFile } from "../../constructs/lookups/context-file";
import { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { EgiSite } from "../../constructs/egi-site";
import { resolved } from "../support/resolve";
import { Flavor } from "../../constructs/flavor";
import { fakeSiteToken } from "./fake-site-token";

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

interface FlavorData {
  readonly lifecycle?: { readonly precondition?: Array<{ readonly condition: string; readonly error_message: string }> };
}

/** The only flavor data source's only precondition, with the value of the local its condition reads. */
function flavorCheck(json: { data: { openstack_compute_flavor_v2: Record<string, FlavorData> }; locals?: Record<string, unknown> }) {
  const [data] = Object.values(json.data.openstack_compute_flavor_v2);
  const [precondition, ...more] = data.lifecycle?.precondition ?? [];
  expect(more).toEqual([]);
  const name = /^\$\{local\.([\w-]+) == "passed"\}$/.exec(precondition?.condition ?? "")?.[1];
  return { ...precondition, local: name === undefined ? undefined : json.locals?.[name] };
}

/** Synthesize `stack` as the CLI does: its annotations from the manifest (without stack traces) and its JSON. */
function fullSynth(stack: TerraformStack) {
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const entry = manifest.stacks[stack.node.id];
  const annotations = (entry.annotations as Array<Record<string, unknown>>).map(({ constructPath, level, message }) => ({ constructPath, level, message }));
  return { annotations, json: JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) };
}

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

describe("Flavor specs a newcomer gets wrong", () => {
  test.each([
    ["exact ramMb 2", () => Flavor.exact({ vcpus: 1, ramMb: 2, diskGb: 20 }), "Flavor.exact: ramMb is in MB; 2 looks like GB: use 2048"],
    ["exact ramMb 64", () => Flavor.exact({ vcpus: 1, ramMb: 64, diskGb: 20 }), "Flavor.exact: ramMb is in MB; 64 looks like GB: use 65536"],
    ["bestFit minRamMb 4", () => Flavor.bestFit({ minVcpus: 2, minRamMb: 4 }), "Flavor.bestFit: minRamMb is in MB; 4 looks like GB: use 4096"],
    [
      "exact diskGb 0",
      () => Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 0 }),
      "Flavor.exact: diskGb is 0, a value the provider's flavor data source ignores (it would match flavors of any disk size); for a zero-disk (boot-from-volume) flavor use Flavor.fromName or Flavor.fromId",
    ],
    [
      "exact ramMb 0",
      () => Flavor.exact({ vcpus: 1, ramMb: 0, diskGb: 20 }),
      "Flavor.exact: ramMb is 0, a value the provider's flavor data source ignores (it would match flavors of any RAM size); give the flavor's RAM in MB, or use Flavor.fromName or Flavor.fromId",
    ],
  ])("GIVEN %s WHEN chosen THEN the error names the prop and the fix", (_what, choose, message) => {
    expect(choose).toThrow(message);
  });

  test.each([
    ["exact ramMb 128", () => Flavor.exact({ vcpus: 1, ramMb: 128, diskGb: 1 })],
    ["bestFit minRamMb 0 (any RAM)", () => Flavor.bestFit({ minVcpus: 1, minRamMb: 0 })],
    ["bestFit minRamMb 512", () => Flavor.bestFit({ minRamMb: 512 })],
  ])("GIVEN %s WHEN chosen THEN it is accepted", (_what, choose) => {
    expect(choose()).toBeInstanceOf(Flavor);
  });
});

describe("Flavor.exact check at the site", () => {
  const SPEC = { vcpus: 1, ramMb: 2048, diskGb: 20 };
  const small = { id: "f-small", name: "m1.small", vcpus: 1, ram: 2048, disk: 20 };
  const smallB = { id: "f-small-b", name: "m1.small-b", vcpus: 1, ram: 2048, disk: 20 };
  const medium = { id: "f-medium", name: "m1.medium", vcpus: 2, ram: 4096, disk: 40 };
  const TWO_MATCH = "s: the flavor with exactly 1 vCPUs, 2048 MB RAM, 20 GB disk: 2 flavors match: m1.small (f-small), m1.small-b (f-small-b); use Flavor.fromName or Flavor.fromId to pick one";
  const warnings = (stack: TerraformStack) => stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data));

  test("GIVEN Flavor.exact and no Check-in credential WHEN prepared THEN nothing warns, no context file is written and the precondition holds", async () => {
    const { stack, site, file } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(undefined);
    expect(warnings(stack)).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
    expect(flavorCheck(JSON.parse(Testing.synth(stack)))).toMatchObject({ local: "passed", error_message: "passed" });
  });

  test("GIVEN Flavor.exact and a site with one matching flavor WHEN prepared with a token THEN nothing is pinned, nothing warns and the precondition's local is passed", async () => {
    const { stack, site, file } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([small, medium]).token);
    expect(fs.existsSync(file)).toBe(false);
    const { annotations, json } = fullSynth(stack);
    expect(annotations.filter((a) => a.level === "@cdktf/warn")).toEqual([]);
    expect(flavorCheck(json)).toEqual({ condition: expect.stringMatching(/^\$\{local\.egi_check_flavor_exact_[0-9a-f]{8} == "passed"\}$/), error_message: "passed", local: "passed" });
  });

  test("GIVEN Flavor.exact WHEN prepared twice with a token THEN the site's flavors are read both times", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    const { token, calls } = fakeSiteToken([small]);
    await site._lookups.prepare(token);
    await site._lookups.prepare(token);
    expect(calls.filter((u) => u.includes("/flavors/detail"))).toHaveLength(2);
  });

  test("GIVEN a site with two flavors of the exact size WHEN prepared with a token THEN prepare resolves, synth warns naming both and the flavor data source gets a failing precondition with the same message", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await expect(site._lookups.prepare(fakeSiteToken([small, smallB, medium]).token)).resolves.toBeUndefined();
    const { annotations, json } = fullSynth(stack);
    expect(annotations).toEqual([{ constructPath: "s", level: "@cdktf/warn", message: `${TWO_MATCH}; terraform plan of this stack stops before reading it` }]);
    expect(flavorCheck(json)).toEqual({ condition: expect.stringMatching(/^\$\{local\.egi_check_flavor_exact_[0-9a-f]{8} == "passed"\}$/), error_message: TWO_MATCH, local: "failed" });
  });

  test("GIVEN a site with no flavor of the exact size WHEN prepared with a token THEN the warning and the precondition list the site's flavors and the fix", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([medium]).token);
    const message = "s: the flavor with exactly 1 vCPUs, 2048 MB RAM, 20 GB disk: no flavor matches; the site has m1.medium (2 vCPU, 4096 MB, 40 GB): use Flavor.bestFit or Flavor.fromName";
    expect(warnings(stack)).toEqual([`${message}; terraform plan of this stack stops before reading it`]);
    expect(flavorCheck(JSON.parse(Testing.synth(stack)))).toMatchObject({ error_message: message, local: "failed" });
  });

  test("GIVEN a failed check WHEN prepared again and the duplicate is gone THEN the precondition holds again", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([small, smallB]).token);
    expect(flavorCheck(JSON.parse(Testing.synth(stack)))).toMatchObject({ local: "failed" });
    await site._lookups.prepare(fakeSiteToken([small]).token);
    expect(flavorCheck(JSON.parse(Testing.synth(stack)))).toMatchObject({ local: "passed", error_message: "passed" });
  });

  test("GIVEN a flavor name with ${ and %{ WHEN the check fails THEN the precondition's message keeps them literal for terraform's template syntax", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([small, { ...smallB, name: "odd-${x}-%{y}" }]).token);
    expect(flavorCheck(JSON.parse(Testing.synth(stack))).error_message).toContain("odd-$${x}-%%{y} (f-small-b)");
  });

  test("GIVEN two servers with one exact spec WHEN the check fails THEN one data source, one precondition and one warning", async () => {
    const { stack, site } = stackWithContext();
    Flavor.exact(SPEC).bind(stack);
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([small, smallB]).token);
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values(json.data.openstack_compute_flavor_v2).map((d) => (d as FlavorData).lifecycle?.precondition)).toEqual([[expect.objectContaining({ error_message: TWO_MATCH })]]);
    expect(Object.keys(json.locals)).toHaveLength(1);
    expect(warnings(stack)).toHaveLength(1);
  });

  test("GIVEN an exact check pinned by an older version AND now two matching flavors WHEN prepared with a token THEN the pin does not hide them: synth warns and the precondition fails naming both", async () => {
    const pinned = 'flavor-exact:{"diskGb":20,"ramMb":2048,"vcpus":1}@https://k.example.org:5000|p1|';
    const { stack, site } = stackWithContext({ [pinned]: "f-small" });
    Flavor.exact(SPEC).bind(stack);
    await site._lookups.prepare(fakeSiteToken([small, smallB]).token);
    expect(warnings(stack)).toEqual([`${TWO_MATCH}; terraform plan of this stack stops before reading it`]);
    expect(flavorCheck(JSON.parse(Testing.synth(stack)))).toMatchObject({ error_message: TWO_MATCH, local: "failed" });
  });
});

describe("Flavor.bestFit", () => {
  const key = 'flavor-best-fit:{"gpus":0,"minDiskGb":20,"minRamMb":3000,"minVcpus":2}@https://k.example.org:5000|p1|';

  test("GIVEN the answer pinned in the context file WHEN synthesized THEN the server gets that flavor id and no warning", async () => {
    const { stack, site } = stackWithContext({ [key]: "flavor-medium-id" });
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    await site._lookups.prepare(undefined);
    expect(resolved(stack, flavor.flavorId)).toBe("flavor-medium-id");
    expect(stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn"))).toEqual([]);
  });

  test("GIVEN an empty context file and no token WHEN prepared THEN the placeholder is used and a warning names the file and the fix", async () => {
    const { stack, site, file } = stackWithContext();
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    await site._lookups.prepare(undefined);
    expect(resolved(stack, flavor.flavorId)).toBe(ContextFile.PLACEHOLDER_ID);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data));
    expect(warnings).toEqual([
      `the smallest flavor with at least 2 vCPUs, 3000 MB RAM, 20 GB disk: not in ${file} and no Check-in credential to look it up; its id is a placeholder and terraform plan stops at the server's precondition until it is known: set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again, or pin it in ${file}`,
    ]);
  });

  test("GIVEN the same answer pinned for another project WHEN synthesized THEN it is not used", async () => {
    const other = key.replace("|p1|", "|p2|");
    const { stack } = stackWithContext({ [other]: "flavor-of-p2" });
    const flavor = Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 20 }).bind(stack);
    expect(resolved(stack, flavor.flavorId)).toBe(ContextFile.PLACEHOLDER_ID);
  });

  test("GIVEN a stack without EgiSite WHEN bound THEN the error says to add one", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(() => Flavor.bestFit({ minVcpus: 1 }).bind(stack)).toThrow("Flavor.bestFit in bare needs an EgiSite in stack bare; add new EgiSite(stack, \"site\") or pass site");
  });
});
