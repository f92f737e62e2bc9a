/**
 * multiSiteVms: the same machine at several listed sites, one stack per site, each with its own
 * provider, lookups, data sources and floating IP; checked on the synthesized JSON and, for one
 * stack, with the real `terraform init` + `validate` (terraform-validate.test.ts cannot build these
 * stacks with default props: they need a site list).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type App, TerraformStack, Testing } from "cdktf";
import { ContextFile } from "../../constructs/lookups/context-file";
import { tokenRequests } from "../../auth/hook";
import { Flavor } from "../../constructs/flavor";
import { MachineImage } from "../../constructs/machine-image";
import { multiSiteVms, type MultiSiteProps } from "../../stacks/multi-site";
import { initAndValidate } from "../support/terraform";
import { useSiteListEnv } from "../support/site-list-env";

const VO = "vo.access.egi.eu";
const A_URL = "https://keystone.a.example.org:5000/v3";
const B_URL = "https://keystone.b.example.org/identity/v3";

const SITE_LIST = {
  sites: [
    { gocdb: "SITE-A", endpoint: A_URL, protocol: "openid", region: "RegionOne", vos: [{ name: VO, auth: { project_id: "proj-a" }, defaultNetwork: "net-a", publicNetwork: "ext-a" }] },
    { gocdb: "SITE_B.example", endpoint: B_URL, protocol: "oidc", vos: [{ name: VO, auth: { project_id: "proj-b" } }, { name: "vo.other.eu", auth: { project_id: "proj-b2" } }] },
  ],
};

const env = useSiteListEnv("multi-site", SITE_LIST);

const TWO_SITES: MultiSiteProps["sites"] = [
  { site: "SITE-A", vo: VO },
  { site: "SITE_B.example", vo: VO },
];

function twoStacks(props: Partial<MultiSiteProps> = {}, context?: Record<string, unknown>): { app: App; stacks: TerraformStack[]; json: any[] } {
  if (context) fs.writeFileSync(env.contextFile, JSON.stringify(context));
  const app = Testing.app();
  const stacks = multiSiteVms(app, "multi", { sites: TWO_SITES, ...props });
  return { app, stacks, json: stacks.map((s) => JSON.parse(Testing.synth(s))) };
}

const only = (byName: Record<string, any> | undefined): any => {
  const values = Object.values(byName ?? {});
  expect(values).toHaveLength(1);
  return values[0];
};

describe("multiSiteVms with two listed sites", () => {
  test("GIVEN two sites WHEN built THEN there is one stack per site, named <prefix>-<site> in lower case with other characters as -", () => {
    const { stacks } = twoStacks();
    expect(stacks.map((s) => s.node.id)).toEqual(["multi-site-a", "multi-site-b-example"]);
  });

  test("GIVEN two sites WHEN synthesized THEN each stack's provider has its own site's auth_url, tenant_id and region", () => {
    const { json } = twoStacks();
    expect(json.map((j) => j.provider.openstack.map((p: any) => [p.auth_url, p.tenant_id, p.region]))).toEqual([
      [[A_URL, "proj-a", "RegionOne"]],
      [[B_URL, "proj-b", undefined]],
    ]);
  });

  test("GIVEN two sites WHEN the token requests are read THEN there is one per stack, with each site's protocol", () => {
    const { app, stacks } = twoStacks();
    expect(tokenRequests(app).map((r) => [r.stack, r.authUrl, r.projectId, r.protocol])).toEqual([
      [stacks[0], A_URL, "proj-a", "openid"],
      [stacks[1], B_URL, "proj-b", "oidc"],
    ]);
  });

  test("GIVEN the default image WHEN synthesized THEN each stack has its own image data source, and its server boots it", () => {
    const { json } = twoStacks();
    for (const j of json) {
      const [name, image] = Object.entries(j.data.openstack_images_image_v2)[0] as [string, any];
      expect(Object.keys(j.data.openstack_images_image_v2)).toHaveLength(1);
      expect(image).toMatchObject({ most_recent: true });
      expect(only(j.resource.openstack_compute_instance_v2).image_id).toBe(`\${data.openstack_images_image_v2.${name}.id}`);
    }
  });

  test("GIVEN Flavor.exact WHEN synthesized THEN each stack has its own flavor data source, and its server uses it", () => {
    const { json } = twoStacks({ flavor: Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }) });
    for (const j of json) {
      const [name, flavor] = Object.entries(j.data.openstack_compute_flavor_v2)[0] as [string, any];
      expect(flavor).toMatchObject({ vcpus: 2, ram: 4096, disk: 40 });
      expect(only(j.resource.openstack_compute_instance_v2).flavor_id).toBe(`\${data.openstack_compute_flavor_v2.${name}.id}`);
    }
  });

  test("GIVEN the default best-fit flavor pinned at site A only WHEN synthesized THEN A's server gets the pin and B's the placeholder: lookups are per site", () => {
    const key = `flavor-best-fit:{"gpus":0,"minDiskGb":20,"minRamMb":2048,"minVcpus":1}@https://keystone.a.example.org:5000|proj-a|RegionOne`;
    const { json } = twoStacks({}, { [key]: "flavor-a-small" });
    expect(json.map((j) => only(j.resource.openstack_compute_instance_v2).flavor_id)).toEqual(["flavor-a-small", ContextFile.PLACEHOLDER_ID]);
  });

  test("GIVEN site A with defaultNetwork and B without WHEN synthesized THEN A's server attaches to net-a and B's to the lookup's placeholder, guarded by a precondition", () => {
    const { json } = twoStacks({ image: MachineImage.fromId("img-1"), flavor: Flavor.fromId("flavor-1") });
    const [a, b] = json.map((j) => only(j.resource.openstack_compute_instance_v2));
    expect(a.network).toEqual([{ name: "net-a" }]);
    expect(a).not.toHaveProperty("lifecycle");
    expect(b.network).toEqual([{ name: "egi-cdktf-network-not-looked-up" }]);
    expect(b.lifecycle.precondition.map((p: any) => p.error_message)).toEqual([expect.stringMatching(/^VirtualMachine \(no network\) in multi-site-b-example\/vm: the default network /)]);
  });

  test("GIVEN floating IPs by default WHEN synthesized THEN A's comes from its publicNetwork and B's from the pool lookup, guarded by a precondition", () => {
    const { json } = twoStacks();
    const [a, b] = json.map((j) => only(j.resource.openstack_networking_floatingip_v2));
    expect(a).toEqual({ pool: "ext-a" });
    expect(b.pool).toBe("egi-cdktf-pool-not-looked-up");
    expect(b.lifecycle.precondition.map((p: any) => p.error_message)).toEqual([expect.stringMatching(/^VirtualMachine\.addFloatingIp in multi-site-b-example\/vm: the floating IP pool /)]);
    for (const j of json) expect(Object.keys(j.resource.openstack_networking_floatingip_associate_v2)).toHaveLength(1);
  });

  test("GIVEN the pool pinned for site B WHEN synthesized THEN B's floating IP comes from the pinned pool", () => {
    const { json } = twoStacks({}, { "network-floating-ip-pool:{}@https://keystone.b.example.org/identity|proj-b|": "ext-b" });
    expect(only(json[1].resource.openstack_networking_floatingip_v2).pool).toBe("ext-b");
  });

  test("GIVEN floatingIp false WHEN synthesized THEN no stack has a floating IP", () => {
    const { json } = twoStacks({ floatingIp: false });
    for (const j of json) expect(j.resource.openstack_networking_floatingip_v2).toBeUndefined();
  });

  test("GIVEN two sites WHEN synthesized THEN each stack outputs its site's name and registers the SSH key at its own site", () => {
    const { json } = twoStacks();
    expect(json.map((j) => j.output.site_name.value)).toEqual(["SITE-A", "SITE_B.example"]);
    expect(json.map((j) => Object.keys(j.resource.openstack_compute_keypair_v2 ?? {}).length)).toEqual([1, 1]);
  });

  test("GIVEN serverName WHEN synthesized THEN every site's server has it", () => {
    expect(twoStacks({ serverName: "worker" }).json.map((j) => only(j.resource.openstack_compute_instance_v2).name)).toEqual(["worker", "worker"]);
  });

  test("GIVEN no serverName WHEN synthesized THEN each server is named after its stack", () => {
    expect(twoStacks().json.map((j) => only(j.resource.openstack_compute_instance_v2).name)).toEqual(["multi-site-a", "multi-site-b-example"]);
  });

  test("GIVEN site B's stack WHEN terraform init and validate run THEN it is valid", () => {
    const { stacks } = twoStacks();
    const out = path.join(Testing.fullSynth(stacks[1]), "stacks", "multi-site-b-example");
    const report = initAndValidate(out);
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });
});

describe("multiSiteVms errors", () => {
  test("GIVEN no sites WHEN built THEN the error names the prefix and how to list sites", () => {
    expect(() => multiSiteVms(Testing.app(), "multi", { sites: [] })).toThrow("multiSiteVms multi: sites is empty; name at least one { site, vo } (egi-cdktf sites --vo VO lists them)");
  });

  test("GIVEN a site not in the list WHEN built THEN the error names the stack's site path and the close match", () => {
    expect(() => multiSiteVms(Testing.app(), "multi", { sites: [{ site: "SITE-AA", vo: VO }] })).toThrow(/^EgiSite\.fromSiteName multi-site-aa\/site: site "SITE-AA" is not in .*; close: SITE-A;/);
  });

  test("GIVEN one site twice with two VOs WHEN built THEN one line names the clash, not a construct-tree error", () => {
    expect(() =>
      multiSiteVms(Testing.app(), "multi", {
        sites: [
          { site: "SITE_B.example", vo: VO },
          { site: "SITE_B.example", vo: "vo.other.eu" },
        ],
      }),
    ).toThrow(
      "multiSiteVms multi: SITE_B.example (vo.access.egi.eu) and SITE_B.example (vo.other.eu) would both be stack multi-site-b-example; list each site once, or call multiSiteVms again with another prefix",
    );
  });
});
