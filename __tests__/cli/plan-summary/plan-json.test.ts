/** Plan JSON -> the change summary a reviewer reads, on real `terraform show -json` output. */
import { changeAction, providerArgument, providerKeys, summarizePlan } from "../../../cli/plan-summary/plan-json";
import { planFixture } from "./fixtures";

test.each`
  actions                 | expected
  ${["create"]}           | ${"add"}
  ${["update"]}           | ${"change"}
  ${["delete"]}           | ${"destroy"}
  ${["delete", "create"]} | ${"replace"}
  ${["create", "delete"]} | ${"replace"}
  ${["read"]}             | ${undefined}
  ${["no-op"]}            | ${undefined}
  ${["forget"]}           | ${undefined}
`("GIVEN terraform actions $actions WHEN classified THEN $expected", ({ actions, expected }) => {
  expect(changeAction(actions)).toBe(expected);
});

test("GIVEN the plan of a new stack (2 servers, volume, floating IP, group) WHEN summarized THEN 8 to add with their addresses and types, the data source read left out", () => {
  const s = summarizePlan(planFixture("workers"));

  expect(s.counts).toEqual({ add: 8, change: 0, replace: 0, destroy: 0 });
  expect(s.resources.map((r) => [r.action, r.address, r.type])).toEqual([
    ["add", "openstack_blockstorage_volume_v3.worker-2_data_E2A44C24", "openstack_blockstorage_volume_v3"],
    ["add", "openstack_compute_instance_v2.worker-1_server_626296C2", "openstack_compute_instance_v2"],
    ["add", "openstack_compute_instance_v2.worker-2_server_2E69F8E8", "openstack_compute_instance_v2"],
    ["add", "openstack_compute_volume_attach_v2.worker-2_data_Attachment_79326E43", "openstack_compute_volume_attach_v2"],
    ["add", "openstack_networking_floatingip_associate_v2.worker-1_floating-ip_Association_A1020E2C", "openstack_networking_floatingip_associate_v2"],
    ["add", "openstack_networking_floatingip_v2.worker-1_floating-ip_A4A02F7B", "openstack_networking_floatingip_v2"],
    ["add", "openstack_networking_secgroup_rule_v2.ssh_ingress-tcp-22-from-192-0-2-0-24_05839978", "openstack_networking_secgroup_rule_v2"],
    ["add", "openstack_networking_secgroup_v2.ssh_315AC0F7", "openstack_networking_secgroup_v2"],
  ]);
  expect(s.resources.some((r) => r.address.startsWith("data."))).toBe(false);
  expect(s.outputs).toHaveLength(7);
  expect(s.outputs.every((o) => o.action === "add" && !o.sensitive)).toBe(true);
});

test("GIVEN a plan with updates, both kinds of replacement and a destroy WHEN summarized THEN each is under its action, replacements with their order and cause", () => {
  const s = summarizePlan(planFixture("mixed"));

  expect(s.counts).toEqual({ add: 6, change: 2, replace: 2, destroy: 1 });
  const by = (action: string) => s.resources.filter((r) => r.action === action).map((r) => r.address);
  expect(by("change")).toEqual(["openstack_blockstorage_volume_v3.data", "openstack_compute_instance_v2.keep"]);
  expect(by("destroy")).toEqual(["openstack_networking_secgroup_v2.old"]);
  expect(s.resources.filter((r) => r.action === "replace")).toEqual([
    { address: "openstack_compute_instance_v2.blue", type: "openstack_compute_instance_v2", action: "replace", replaceOrder: "create-before-destroy", forcedBy: ["user_data"], reason: "replace_because_cannot_update" },
    { address: "openstack_compute_instance_v2.rebuild", type: "openstack_compute_instance_v2", action: "replace", replaceOrder: "destroy-before-create", forcedBy: ["user_data"], reason: "replace_because_cannot_update" },
  ]);
  // Resources are listed add, change, replace, destroy.
  expect(s.resources.map((r) => r.action)).toEqual(["add", "add", "add", "add", "add", "add", "change", "change", "replace", "replace", "destroy"]);
});

test("GIVEN outputs added, changed, destroyed, unchanged and sensitive WHEN summarized THEN the unchanged one is left out and the sensitive one marked", () => {
  expect(summarizePlan(planFixture("mixed")).outputs).toEqual([
    { name: "flavor", action: "change", sensitive: false },
    { name: "new_group", action: "add", sensitive: false },
    { name: "old_group", action: "destroy", sensitive: false },
    { name: "secret", action: "add", sensitive: true },
  ]);
});

test("GIVEN the hook's plan WHEN the provider's cloud is read THEN it is the clouds.yaml entry named by the variable's value", () => {
  const plan = planFixture("workers");

  expect(providerKeys(plan).get("openstack_compute_instance_v2.worker-1_server_626296C2")).toBe("openstack");
  expect(providerArgument(plan, "openstack", "cloud")).toMatch(/^egi-cdktf-[0-9a-f]{12}$/);
  expect(providerArgument(plan, "openstack", "auth_url")).toBeUndefined();
});

test("GIVEN an aliased provider with tenant_id set WHEN read THEN its resources map to openstack.second and the constant is returned", () => {
  const plan = planFixture("mixed");

  expect(providerKeys(plan).get("openstack_networking_floatingip_v2.ip")).toBe("openstack.second");
  expect(providerArgument(plan, "openstack.second", "tenant_id")).toBe("20ce58d81de9471fbc4de48da1556b4e");
  expect(providerArgument(plan, "openstack", "tenant_id")).toBeUndefined();
});
