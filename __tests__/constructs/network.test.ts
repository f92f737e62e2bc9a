import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../../.gen/providers/openstack/data-openstack-networking-network-v2";
import { EgiSite } from "../../constructs/egi-site";
import { type INetwork, Network } from "../../constructs/network";

function synthWith(build: (stack: TerraformStack) => INetwork): any {
  const stack = new TerraformStack(Testing.app(), "s");
  const network = build(stack);
  new TerraformOutput(stack, "id", { value: network.networkId });
  return JSON.parse(Testing.synth(stack));
}

describe("Network.fromName", () => {
  test("GIVEN a name WHEN synthesized THEN a data source looks the network up by that name", () => {
    const json = synthWith((s) => Network.fromName(s, "net", { name: "vo-net" }));
    expect(Object.values(json.data.openstack_networking_network_v2)).toEqual([{ name: "vo-net" }]);
  });

  test("GIVEN a name WHEN imported THEN networkId references the lookup", () => {
    const json = synthWith((s) => Network.fromName(s, "net", { name: "vo-net" }));
    expect(json.output.id.value).toBe("${data.openstack_networking_network_v2.net_Lookup_6740067B.id}");
  });

  test("GIVEN no site WHEN imported in a stack with a site THEN the network is at the stack's site", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = Network.fromName(stack, "net", { name: "vo-net" });
    const site = new EgiSite(stack, "site"); // created after the lookup: found when asked
    expect(network.site).toBe(site);
  });

  test("GIVEN a stack without a site WHEN imported THEN its site is undefined, not an error", () => {
    expect(Network.fromName(new TerraformStack(Testing.app(), "s"), "net", { name: "vo-net" }).site).toBeUndefined();
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the lookup uses that site's provider", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    Network.fromName(stack, "net", { name: "vo-net", site: new EgiSite(stack, "site", { alias: "k" }) });
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataOpenstackNetworkingNetworkV2, { name: "vo-net", provider: "openstack.k" });
  });

  test("GIVEN an empty name WHEN imported THEN the error names the name and the CLI listing", () => {
    expect(() => Network.fromName(new TerraformStack(Testing.app(), "s"), "net", { name: "" })).toThrow("Network s/net: name is empty; give a name `openstack network list` shows");
  });
});

describe("Network.external", () => {
  test("GIVEN a pool name WHEN synthesized THEN the lookup asks for an external network of that name", () => {
    const json = synthWith((s) => Network.external(s, "pool", { name: "public" }));
    expect(Object.values(json.data.openstack_networking_network_v2)).toEqual([{ name: "public", external: true }]);
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the external lookup uses that site's provider", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    Network.external(stack, "pool", { name: "public", site: new EgiSite(stack, "site", { alias: "k" }) });
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataOpenstackNetworkingNetworkV2, { external: true, provider: "openstack.k" });
  });

  test("GIVEN an empty name WHEN imported THEN the error suggests the external listing", () => {
    expect(() => Network.external(new TerraformStack(Testing.app(), "s"), "pool", { name: " " })).toThrow("Network s/pool: name is empty; give a name `openstack network list --external` shows");
  });
});

describe("Network.fromId", () => {
  test("GIVEN a UUID WHEN imported THEN networkId is that UUID and nothing is synthesized", () => {
    const json = synthWith(() => Network.fromId("6e4d5c1a-2b3f-4a5e-9c8d-7f6e5d4c3b2a"));
    expect(json.output.id.value).toBe("6e4d5c1a-2b3f-4a5e-9c8d-7f6e5d4c3b2a");
    expect(json.data).toBeUndefined();
  });

  test("GIVEN a name instead of an id WHEN imported THEN the error suggests Network.fromName", () => {
    expect(() => Network.fromId("vo-net")).toThrow('Network.fromId: networkId "vo-net" is not a network id (a UUID); give the ID column of `openstack network list`, or use Network.fromName for a name');
  });

  test("GIVEN a network by id WHEN its site is read THEN it is unknown (no check)", () => {
    expect(Network.fromId("6e4d5c1a-2b3f-4a5e-9c8d-7f6e5d4c3b2a").site).toBeUndefined();
  });
});
