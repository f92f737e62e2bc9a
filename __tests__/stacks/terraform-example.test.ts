import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
import { EgiSite } from "../../constructs/egi-site";
import { AuthScopeStack } from "../../stacks/auth-scope";
import { SEED_APPLIANCE_MPURI, TerraformExampleStack, type TerraformExampleStackProps } from "../../stacks/terraform-example";
import { fakeSiteToken } from "../constructs/fake-site-token";
import { useTempContextFile } from "../support/construct-fixtures";

useTempContextFile();

const example = (props: TerraformExampleStackProps = {}) => new TerraformExampleStack(Testing.app(), "example", props);
const synth = (props: TerraformExampleStackProps = {}): string => Testing.synth(example(props));

/** The flavor data source's one precondition: its message and the value of the local its condition reads. */
function flavorCheck(json: { data: { openstack_compute_flavor_v2: Record<string, { lifecycle?: { precondition?: Array<{ condition: string; error_message: string }> } }> }; locals?: Record<string, unknown> }) {
  const [flavor, ...more] = Object.values(json.data.openstack_compute_flavor_v2);
  expect(more).toEqual([]);
  const [precondition, ...others] = flavor.lifecycle?.precondition ?? [];
  expect(others).toEqual([]);
  const local = /^\$\{local\.(egi_check_flavor_exact_[0-9a-f]{8}) == "passed"\}$/.exec(precondition?.condition ?? "")?.[1];
  return { error_message: precondition?.error_message, local: local === undefined ? undefined : json.locals?.[local] };
}

describe("TerraformExampleStack (the EGI docs' Terraform section)", () => {
  test("GIVEN no props WHEN synthesized THEN the image is the most recent one carrying the seed's APPLIANCE_MPURI, checked by a postcondition", () => {
    const out = synth();
    expect(out).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, {
      most_recent: true,
      properties: { APPLIANCE_MPURI: "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/" },
    });
    const [image] = Object.values(JSON.parse(out).data.openstack_images_image_v2) as Array<{ lifecycle: { postcondition: unknown[] } }>;
    expect(image.lifecycle.postcondition).toHaveLength(1);
  });

  test("GIVEN no props WHEN synthesized THEN the flavor is exactly 1 vCPU, 2048 MB RAM, 20 GB disk", () => {
    expect(synth()).toHaveDataSourceWithProperties(DataOpenstackComputeFlavorV2, { vcpus: 1, ram: 2048, disk: 20 });
  });

  test("GIVEN no props WHEN synthesized THEN server testvm boots that image and flavor in security group default", () => {
    const json = JSON.parse(synth());
    const [image] = Object.keys(json.data.openstack_images_image_v2);
    const [flavor] = Object.keys(json.data.openstack_compute_flavor_v2);
    expect(json.resource.openstack_compute_instance_v2).toEqual({
      testvm_server_95B10406: {
        name: "testvm",
        image_id: `\${data.openstack_images_image_v2.${image}.id}`,
        flavor_id: `\${data.openstack_compute_flavor_v2.${flavor}.id}`,
        security_groups: ["default"],
      },
    });
  });

  test("GIVEN no props WHEN synthesized THEN the outputs are the docs page's server_id and access_ip_v4", () => {
    expect(JSON.parse(synth()).output).toEqual({
      server_id: { value: "${openstack_compute_instance_v2.testvm_server_95B10406.id}" },
      access_ip_v4: { value: "${openstack_compute_instance_v2.testvm_server_95B10406.access_ip_v4}" },
    });
  });

  test("GIVEN a server deployed at the page's address by an earlier version WHEN synthesized THEN a moved block carries it to the construct's address", () => {
    expect(JSON.parse(synth()).moved).toEqual([{ from: "openstack_compute_instance_v2.testvm", to: "openstack_compute_instance_v2.testvm_server_95B10406" }]);
  });

  test("GIVEN another appliance, flavor and name WHEN synthesized THEN they are used", () => {
    const mpuri = "https://appdb.egi.eu/store/vo/image/00000000-0000-0000-0000-000000000000:1/";
    const out = synth({ applianceMpuri: mpuri, serverName: "other", flavor: { vcpus: 2, ramMb: 4096, diskGb: 40 } });
    expect(out).toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { properties: { APPLIANCE_MPURI: mpuri } });
    expect(out).toHaveDataSourceWithProperties(DataOpenstackComputeFlavorV2, { vcpus: 2, ram: 4096, disk: 40 });
    expect(out).toHaveResourceWithProperties(ComputeInstanceV2, { name: "other" });
    expect(out).not.toHaveDataSourceWithProperties(DataOpenstackImagesImageV2, { properties: { APPLIANCE_MPURI: SEED_APPLIANCE_MPURI } });
  });

  test("GIVEN a site with two flavors of the example's size WHEN the hook checks the app THEN synth succeeds, warns naming both, and only this stack's flavor data source gets a failing precondition; the other stacks synthesize", async () => {
    const app = Testing.app();
    const stack = new TerraformExampleStack(app, "example");
    const other = new TerraformExampleStack(app, "other", { flavor: { vcpus: 2, ramMb: 4096, diskGb: 40 }, serverName: "other" });
    new AuthScopeStack(app, "auth-scope");
    const { token } = fakeSiteToken([
      { id: "f-a", name: "m1.small", vcpus: 1, ram: 2048, disk: 20 },
      { id: "f-b", name: "m1.small-b", vcpus: 1, ram: 2048, disk: 20 },
      { id: "f-m", name: "m1.medium", vcpus: 2, ram: 4096, disk: 40 },
    ]);
    // What synthWithEgiTokens does with a Check-in credential: prepare every site, then synth the app.
    for (const s of [stack, other]) await (s.node.findChild("site") as EgiSite)._lookups.prepare(token);
    expect(() => app.synth()).not.toThrow();

    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["auth-scope", "example", "other"]);
    const message = "example/testvm: the flavor with exactly 1 vCPUs, 2048 MB RAM, 20 GB disk: 2 flavors match: m1.small (f-a), m1.small-b (f-b); use Flavor.fromName or Flavor.fromId to pick one";
    const warnings = (id: string) => (manifest.stacks[id].annotations as Array<{ level: string; message: string }>).filter((a) => a.level === "@cdktf/warn").map((a) => a.message);
    expect(warnings("example")).toEqual([`${message}; terraform plan of this stack stops before reading it`]);
    expect(warnings("other")).toEqual([]);
    expect(warnings("auth-scope")).toEqual([]);

    const synthesized = (id: string) => JSON.parse(fs.readFileSync(path.join(app.outdir, manifest.stacks[id].synthesizedStackPath), "utf8"));
    expect(flavorCheck(synthesized("example"))).toEqual({ error_message: message, local: "failed" });
    expect(flavorCheck(synthesized("other"))).toEqual({ error_message: "passed", local: "passed" });
    expect(synthesized("auth-scope").data.openstack_identity_auth_scope_v3).toBeDefined();
  });

  test.each([
    ["an http APPLIANCE_MPURI", { applianceMpuri: "http://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/" }, "MachineImage.fromApplianceMpuri: "],
    ["RAM given in GB", { flavor: { vcpus: 1, ramMb: 2, diskGb: 20 } }, "Flavor.exact: ramMb is in MB; 2 looks like GB: use 2048"],
  ])("GIVEN %s WHEN constructed THEN the library's error is thrown", (_what, props, message) => {
    expect(() => example(props)).toThrow(message);
  });

  test("GIVEN no credentials in the environment WHEN synthesized THEN the provider is pinned to 3.4.0 and holds no secret", () => {
    const json = JSON.parse(synth());
    expect(JSON.stringify(json.provider.openstack)).not.toMatch(/token"\s*:\s*"[^$]/);
    expect(json.terraform.required_providers.openstack).toEqual({
      source: "terraform-provider-openstack/openstack",
      version: "3.4.0",
    });
  });
});
