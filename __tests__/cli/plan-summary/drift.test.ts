/**
 * driftOf: the resources a refresh-only plan found changed outside terraform. The plans below are
 * real `terraform show -json` (terraform 1.11.4, OpenTofu 1.12.6, provider 3.4.0) of refresh-only
 * plans of __tests__/fixtures/plan-summary-drift-app.js deployed on the local site, captured at each
 * step of the site test, trimmed to the attributes that differ plus id and name (configuration: the
 * names of the attributes the code sets). The hand-made ones cover what the site did not produce.
 */
import { driftOf } from "../../../cli/plan-summary/drift";
import type { PlanJson, ResourceChange } from "../../../cli/plan-summary/plan-json";

const RULE = "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978";
const ASSOCIATION = "openstack_networking_floatingip_associate_v2.vm_floating-ip_Association_45D741B6";
const SERVER = "openstack_compute_instance_v2.vm_server_A6B9FEC7";

/** A managed resource's drift entry, as terraform writes it. */
function drift(address: string, before: Record<string, unknown>, after: Record<string, unknown> | null, extra: Partial<ResourceChange> = {}): ResourceChange {
  const [type, name] = address.replace(/^module\.[^.]+(\[[^\]]*\])?\./, "").split(".");
  return { address, mode: "managed", type, name, change: { actions: after === null ? ["delete"] : ["update"], before, after }, ...extra };
}

describe("driftOf, on real refresh-only plans", () => {
  test("GIVEN the refresh-only plan right after a deploy (the provider fills in tags, the server's network id and the floating IP's port) WHEN driftOf reads it THEN nothing drifted", () => {
    // What terraform itself lists as changed outside: the test means something only if it is there.
    expect(AFTER_DEPLOY.resource_drift!.map((r) => r.address)).toHaveLength(3);
    expect(driftOf(AFTER_DEPLOY)).toEqual([]);
  });

  test("GIVEN a security group rule deleted and the floating IP detached by hand WHEN driftOf reads terraform's plan THEN the rule is deleted and the association changed in port_id and fixed_ip, sorted by address", () => {
    expect(driftOf(RULE_DELETED_IP_DETACHED)).toEqual([
      { address: ASSOCIATION, type: "openstack_networking_floatingip_associate_v2", kind: "changed", attributes: ["fixed_ip", "port_id"] },
      { address: RULE, type: "openstack_networking_secgroup_rule_v2", kind: "deleted", attributes: [] },
    ]);
  });

  test("GIVEN OpenTofu's refresh-only plan of the same site and state WHEN driftOf reads it THEN the same drift as terraform's", () => {
    expect(RULE_DELETED_IP_DETACHED_TOFU.terraform_version).toBe("1.12.6");
    expect(driftOf(RULE_DELETED_IP_DETACHED_TOFU)).toEqual(driftOf(RULE_DELETED_IP_DETACHED));
  });

  test("GIVEN the server deleted too WHEN driftOf reads the plan THEN the server is listed as deleted, before the others by address", () => {
    expect(driftOf(SERVER_DELETED_TOO).map((d) => `${d.address} ${d.kind} ${d.attributes.join(",")}`)).toEqual([
      `${SERVER} deleted `,
      `${ASSOCIATION} changed fixed_ip,port_id`,
      `${RULE} deleted `,
    ]);
  });

  test("GIVEN the plans WHEN driftOf reads them THEN no attribute value (addresses, ids) reaches the result", () => {
    const text = JSON.stringify(driftOf(SERVER_DELETED_TOO));
    expect(text).not.toContain("10.10.0.117");
    expect(text).not.toContain("9ac70e54-0755-4b3d-8a00-3fcc8cc51620");
  });
});

describe("driftOf, on hand-made entries", () => {
  const plan = (entries: ResourceChange[], configuration?: PlanJson["configuration"]): PlanJson => ({ format_version: "1.2", resource_drift: entries, ...(configuration ? { configuration } : {}) });

  test("GIVEN a changed secret attribute WHEN driftOf reads it THEN only its name is kept", () => {
    const result = driftOf(plan([drift("openstack_compute_instance_v2.vm", { id: "1", admin_pass: "old-Secret-1234" }, { id: "1", admin_pass: "new-Secret-5678" })]));
    expect(result).toEqual([{ address: "openstack_compute_instance_v2.vm", type: "openstack_compute_instance_v2", kind: "changed", attributes: ["admin_pass"] }]);
    expect(JSON.stringify(result)).not.toMatch(/Secret/);
  });

  test("GIVEN a data source's and a deposed object's drift WHEN driftOf reads them THEN neither is listed", () => {
    const data: ResourceChange = { ...drift("data.openstack_images_image_v2.img", { id: "a" }, { id: "b" }), mode: "data", type: "openstack_images_image_v2", name: "img" };
    const deposed = drift("openstack_compute_instance_v2.old", { id: "1" }, null, { deposed: "00000001" });
    expect(driftOf(plan([data, deposed]))).toEqual([]);
  });

  test("GIVEN none written as null, [], {} and \"\" WHEN driftOf compares THEN they are equal; a list that gains an item or a nested value that changes is drift", () => {
    const before = { id: "1", tags: null, metadata: {}, description: "", network: [{ uuid: "n1", fixed_ip_v4: "10.0.0.5" }] };
    expect(driftOf(plan([drift("openstack_compute_instance_v2.a", before, { ...before, tags: [], metadata: null, description: null })]))).toEqual([]);
    const changed = driftOf(plan([drift("openstack_compute_instance_v2.a", before, { ...before, tags: ["added-by-hand"], network: [{ uuid: "n1", fixed_ip_v4: "10.0.0.9" }] })]));
    expect(changed.map((d) => d.attributes)).toEqual([["network", "tags"]]);
  });

  test("GIVEN a top-level string empty in the state and set on the site WHEN the code does not set it THEN it is a value learned by the read, not drift; WHEN the code sets it THEN it is drift", () => {
    const before = { id: "1", name: "web", description: "", port_id: "" };
    const after = { id: "1", name: "web", description: "set by hand", port_id: "p-1" };
    const configuration = { root_module: { resources: [{ address: "openstack_networking_secgroup_v2.g", expressions: { name: {}, description: {} } }] } } as unknown as PlanJson["configuration"];
    expect(driftOf(plan([drift("openstack_networking_secgroup_v2.g", before, after)], configuration)).map((d) => d.attributes)).toEqual([["description"]]);
    // A value that was known and is now different is drift whether or not the code sets it.
    expect(driftOf(plan([drift("openstack_networking_secgroup_v2.g", { ...before, port_id: "p-0" }, after)], configuration)).map((d) => d.attributes)).toEqual([["description", "port_id"]]);
  });

  test("GIVEN a resource in a module with instance keys WHEN driftOf looks up what the code sets THEN it finds it through module_calls", () => {
    const configuration = {
      root_module: { module_calls: { net: { module: { resources: [{ address: "openstack_networking_secgroup_v2.g", expressions: { description: {} } }] } } } },
    } as unknown as PlanJson["configuration"];
    const entry = drift("module.net[0].openstack_networking_secgroup_v2.g", { id: "1", description: "" }, { id: "1", description: "set by hand" }, { module_address: "module.net[0]" });
    expect(driftOf(plan([entry], configuration)).map((d) => d.attributes)).toEqual([["description"]]);
    expect(driftOf(plan([entry])).map((d) => d.attributes)).toEqual([]); // without configuration: a learned value
  });

  test("GIVEN addresses with numbers WHEN driftOf sorts them THEN naturally (vm-2 before vm-10)", () => {
    const gone = (a: string) => drift(a, { id: a }, null);
    expect(driftOf(plan([gone("openstack_compute_instance_v2.vm-10"), gone("openstack_compute_instance_v2.vm-2"), gone("openstack_blockstorage_volume_v3.vm-1")])).map((d) => d.address)).toEqual([
      "openstack_blockstorage_volume_v3.vm-1",
      "openstack_compute_instance_v2.vm-2",
      "openstack_compute_instance_v2.vm-10",
    ]);
  });

  test("GIVEN a plan without resource_drift (nothing changed outside) WHEN driftOf reads it THEN nothing drifted", () => {
    expect(driftOf({ format_version: "1.2" })).toEqual([]);
  });
});

/** The stack's configuration as show -json lists it: resource addresses and the attributes the code sets (values left out). */
const CONFIGURATION = {
  root_module: {
    resources: [
      {"address": "openstack_compute_instance_v2.vm_server_A6B9FEC7", "mode": "managed", "expressions": {"flavor_id": {}, "image_id": {}, "name": {}, "security_groups": {}}},
      {"address": "openstack_networking_floatingip_associate_v2.vm_floating-ip_Association_45D741B6", "mode": "managed", "expressions": {"floating_ip": {}, "port_id": {}}},
      {"address": "openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C", "mode": "managed", "expressions": {"pool": {}}},
      {"address": "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "mode": "managed", "expressions": {"direction": {}, "ethertype": {}, "port_range_max": {}, "port_range_min": {}, "protocol": {}, "remote_ip_prefix": {}, "security_group_id": {}}},
      {"address": "openstack_networking_secgroup_v2.ssh_315AC0F7", "mode": "managed", "expressions": {"description": {}, "name": {}}},
      {"address": "data.openstack_networking_port_v2.vm_port_BD6AF154", "mode": "data", "expressions": {"device_id": {}, "network_id": {}}},
    ],
  },
};

const AFTER_DEPLOY: PlanJson = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  resource_drift: [
    {"address": "openstack_compute_instance_v2.vm_server_A6B9FEC7", "mode": "managed", "type": "openstack_compute_instance_v2", "name": "vm_server_A6B9FEC7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": ""}], "tags": null}, "after": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": "b97993bb-7676-4e03-bbe0-c62fc99ef135"}], "tags": []}}},
    {"address": "openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C", "mode": "managed", "type": "openstack_networking_floatingip_v2", "name": "vm_floating-ip_8619DA5C", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"fixed_ip": "", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": "", "tags": null}, "after": {"fixed_ip": "10.10.0.117", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": "9ac70e54-0755-4b3d-8a00-3fcc8cc51620", "tags": []}}},
    {"address": "openstack_networking_secgroup_v2.ssh_315AC0F7", "mode": "managed", "type": "openstack_networking_secgroup_v2", "name": "ssh_315AC0F7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": null}, "after": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": []}}},
  ],
  configuration: CONFIGURATION,
};

const RULE_DELETED_IP_DETACHED: PlanJson = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  resource_drift: [
    {"address": "openstack_compute_instance_v2.vm_server_A6B9FEC7", "mode": "managed", "type": "openstack_compute_instance_v2", "name": "vm_server_A6B9FEC7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": ""}], "tags": null}, "after": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": "b97993bb-7676-4e03-bbe0-c62fc99ef135"}], "tags": []}}},
    {"address": "openstack_networking_floatingip_associate_v2.vm_floating-ip_Association_45D741B6", "mode": "managed", "type": "openstack_networking_floatingip_associate_v2", "name": "vm_floating-ip_Association_45D741B6", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"fixed_ip": "10.10.0.117", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": "9ac70e54-0755-4b3d-8a00-3fcc8cc51620"}, "after": {"fixed_ip": "", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": ""}}},
    {"address": "openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C", "mode": "managed", "type": "openstack_networking_floatingip_v2", "name": "vm_floating-ip_8619DA5C", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": null}, "after": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": []}}},
    {"address": "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "mode": "managed", "type": "openstack_networking_secgroup_rule_v2", "name": "ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["delete"], "before": {"id": "13a75c15-8069-4886-aa35-c0b3351a6395"}, "after": null}},
    {"address": "openstack_networking_secgroup_v2.ssh_315AC0F7", "mode": "managed", "type": "openstack_networking_secgroup_v2", "name": "ssh_315AC0F7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": null}, "after": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": []}}},
  ],
  configuration: CONFIGURATION,
};

const RULE_DELETED_IP_DETACHED_TOFU: PlanJson = {
  format_version: "1.2",
  terraform_version: "1.12.6",
  resource_drift: [
    {"address": "openstack_compute_instance_v2.vm_server_A6B9FEC7", "mode": "managed", "type": "openstack_compute_instance_v2", "name": "vm_server_A6B9FEC7", "provider_name": "registry.opentofu.org/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": ""}], "tags": null}, "after": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm", "network": [{"access_network": false, "fixed_ip_v4": "10.10.0.117", "fixed_ip_v6": "", "mac": "fa:16:3e:c3:c9:ee", "name": "vo.example-net", "port": "", "uuid": "b97993bb-7676-4e03-bbe0-c62fc99ef135"}], "tags": []}}},
    {"address": "openstack_networking_floatingip_associate_v2.vm_floating-ip_Association_45D741B6", "mode": "managed", "type": "openstack_networking_floatingip_associate_v2", "name": "vm_floating-ip_Association_45D741B6", "provider_name": "registry.opentofu.org/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"fixed_ip": "10.10.0.117", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": "9ac70e54-0755-4b3d-8a00-3fcc8cc51620"}, "after": {"fixed_ip": "", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": ""}}},
    {"address": "openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C", "mode": "managed", "type": "openstack_networking_floatingip_v2", "name": "vm_floating-ip_8619DA5C", "provider_name": "registry.opentofu.org/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": null}, "after": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": []}}},
    {"address": "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "mode": "managed", "type": "openstack_networking_secgroup_rule_v2", "name": "ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "provider_name": "registry.opentofu.org/terraform-provider-openstack/openstack", "change": {"actions": ["delete"], "before": {"id": "13a75c15-8069-4886-aa35-c0b3351a6395"}, "after": null}},
    {"address": "openstack_networking_secgroup_v2.ssh_315AC0F7", "mode": "managed", "type": "openstack_networking_secgroup_v2", "name": "ssh_315AC0F7", "provider_name": "registry.opentofu.org/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": null}, "after": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": []}}},
  ],
  configuration: CONFIGURATION,
};

const SERVER_DELETED_TOO: PlanJson = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  resource_drift: [
    {"address": "openstack_compute_instance_v2.vm_server_A6B9FEC7", "mode": "managed", "type": "openstack_compute_instance_v2", "name": "vm_server_A6B9FEC7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["delete"], "before": {"id": "da007db4-7ecc-4947-8b2f-a68620372186", "name": "drift-explore-24599-vm"}, "after": null}},
    {"address": "openstack_networking_floatingip_associate_v2.vm_floating-ip_Association_45D741B6", "mode": "managed", "type": "openstack_networking_floatingip_associate_v2", "name": "vm_floating-ip_Association_45D741B6", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"fixed_ip": "10.10.0.117", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": "9ac70e54-0755-4b3d-8a00-3fcc8cc51620"}, "after": {"fixed_ip": "", "id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "port_id": ""}}},
    {"address": "openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C", "mode": "managed", "type": "openstack_networking_floatingip_v2", "name": "vm_floating-ip_8619DA5C", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": null}, "after": {"id": "8c81bfd2-21f3-49bf-ad40-66807bab9df2", "tags": []}}},
    {"address": "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "mode": "managed", "type": "openstack_networking_secgroup_rule_v2", "name": "ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["delete"], "before": {"id": "13a75c15-8069-4886-aa35-c0b3351a6395"}, "after": null}},
    {"address": "openstack_networking_secgroup_v2.ssh_315AC0F7", "mode": "managed", "type": "openstack_networking_secgroup_v2", "name": "ssh_315AC0F7", "provider_name": "registry.terraform.io/terraform-provider-openstack/openstack", "change": {"actions": ["update"], "before": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": null}, "after": {"id": "5775b1d1-64f1-432d-b16d-591e4bbd105b", "name": "drift-explore-24599-ssh", "tags": []}}},
  ],
  configuration: CONFIGURATION,
};
