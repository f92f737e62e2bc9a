/** What plans ask of a quota, and the arithmetic against a site's limits, on real plans. */
import { contribution, overQuotaLine, quotaRows, type SiteQuota, type StackNeed } from "../../../cli/plan-summary/quota";
import { quotaNeeds } from "../../../cli/plan-summary/quota-needs";
import { FLAVORS, MEDIUM, planFixture, SMALL } from "./fixtures";

const needsOf = (name: "workers" | "mixed", stack: string = name): StackNeed[] => quotaNeeds(planFixture(name)).map((n) => ({ ...n, stack }));
const need = (needs: StackNeed[], address: string) => needs.find((n) => n.address === address)!;

const PLENTY: SiteQuota = {
  flavors: FLAVORS,
  unavailable: {},
  limits: {
    instances: { limit: 50, used: 1 },
    cores: { limit: 200, used: 1 },
    ram: { limit: 819200, used: 2048 },
    volumes: { limit: 50, used: 0 },
    gigabytes: { limit: 2000, used: 0 },
    floatingip: { limit: 50, used: 0 },
    security_group: { limit: 50, used: 1 },
    security_group_rule: { limit: 500, used: 4 },
  },
};

describe("quota needs of a plan", () => {
  test("GIVEN a new stack WHEN its needs are read THEN each counted resource is there in full, with its server flavor from the planned flavor_id", () => {
    const needs = needsOf("workers");

    expect(needs.map((n) => [n.type, n.mode, n.providerKey])).toEqual([
      ["openstack_blockstorage_volume_v3", "full", "openstack"],
      ["openstack_compute_instance_v2", "full", "openstack"],
      ["openstack_compute_instance_v2", "full", "openstack"],
      ["openstack_networking_floatingip_v2", "full", "openstack"],
      ["openstack_networking_secgroup_rule_v2", "full", "openstack"],
      ["openstack_networking_secgroup_v2", "full", "openstack"],
    ]);
    expect(need(needs, "openstack_compute_instance_v2.worker-1_server_626296C2").after).toEqual({ counts: { instances: 1 }, flavor: { id: MEDIUM } });
    expect(need(needs, "openstack_compute_instance_v2.worker-2_server_2E69F8E8").after).toEqual({ counts: { instances: 1 }, flavor: { id: SMALL } });
    expect(need(needs, "openstack_blockstorage_volume_v3.worker-2_data_E2A44C24").after.counts).toEqual({ volumes: 1, gigabytes: 3 });
    // A new group brings Neutron's two default egress rules.
    expect(need(needs, "openstack_networking_secgroup_v2.ssh_315AC0F7").after.counts).toEqual({ security_group: 1, security_group_rule: 2 });
  });

  test("GIVEN updates and replacements WHEN their needs are read THEN updates and destroy-first replacements count growth, create-first ones in full, destroys nothing", () => {
    const needs = needsOf("mixed");

    expect(need(needs, "openstack_compute_instance_v2.keep")).toMatchObject({ mode: "growth", before: { flavor: { id: SMALL } }, after: { flavor: { id: MEDIUM } } });
    expect(need(needs, "openstack_compute_instance_v2.rebuild").mode).toBe("growth");
    expect(need(needs, "openstack_compute_instance_v2.blue").mode).toBe("full");
    expect(need(needs, "openstack_blockstorage_volume_v3.data")).toMatchObject({ mode: "growth", before: { counts: { gigabytes: 1 } }, after: { counts: { gigabytes: 2 } } });
    expect(needs.find((n) => n.address === "openstack_networking_secgroup_v2.old")).toBeUndefined();
    expect(needs.find((n) => n.type === "terraform_data")).toBeUndefined();
  });

  test("GIVEN a server whose flavor_name comes from a resource being created WHEN read THEN its flavor is unknown, not guessed", () => {
    expect(need(needsOf("mixed"), "openstack_compute_instance_v2.pending").after.flavor).toBe("unknown");
  });

  test("GIVEN a boot-from-volume server WHEN read THEN its image-sourced block device is a new volume of volume_size GB", () => {
    expect(need(needsOf("mixed"), "openstack_compute_instance_v2.bfv").after).toEqual({ counts: { instances: 1, volumes: 1, gigabytes: 5 }, flavor: { id: SMALL } });
  });

  test("GIVEN a resource of an aliased provider WHEN read THEN it counts at that provider's site", () => {
    expect(need(needsOf("mixed"), "openstack_networking_floatingip_v2.ip").providerKey).toBe("openstack.second");
  });
});

describe("quota arithmetic", () => {
  test("GIVEN the new stack and a roomy project WHEN checked THEN each row has the plan's amounts, limit, used and left, all ok", () => {
    const rows = quotaRows(needsOf("workers"), PLENTY);

    expect(rows.map((r) => [r.label, r.adds, r.limit, r.used, r.left, r.status])).toEqual([
      ["instances", 2, 50, 1, 49, "ok"],
      ["vCPUs", 3, 200, 1, 199, "ok"],
      ["RAM (MB)", 6144, 819200, 2048, 817152, "ok"],
      ["volumes", 1, 50, 0, 50, "ok"],
      ["volume GB", 3, 2000, 0, 2000, "ok"],
      ["floating IPs", 1, 50, 0, 50, "ok"],
      ["security groups", 1, 50, 1, 49, "ok"],
      ["security group rules", 3, 500, 4, 496, "ok"],
    ]);
  });

  test("GIVEN one instance left WHEN 2 servers are planned THEN instances is over by naming both servers and the numbers; the rest is ok", () => {
    const quota: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, instances: { limit: 1, used: 0 } } };
    const rows = quotaRows(needsOf("workers"), quota);
    const over = rows.filter((r) => r.status === "over");

    expect(over.map((r) => [r.resource, r.adds, r.left])).toEqual([["instances", 2, 1]]);
    expect(overQuotaLine("project vo.example-2 (p2) at http://keystone/v3", over[0])).toBe(
      "over quota at project vo.example-2 (p2) at http://keystone/v3: instances: the plans add 2 (workers: openstack_compute_instance_v2.worker-1_server_626296C2, workers: openstack_compute_instance_v2.worker-2_server_2E69F8E8) but the project has 1 left (limit 1, used 0)",
    );
  });

  test("GIVEN exactly what is left WHEN checked THEN it fits (over means more than left)", () => {
    const quota: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, cores: { limit: 4, used: 1 } } };

    expect(quotaRows(needsOf("workers"), quota).find((r) => r.resource === "cores")).toMatchObject({ adds: 3, left: 3, status: "ok" });
  });

  test("GIVEN used above the limit (a lowered quota) WHEN checked THEN left is 0, not negative", () => {
    const quota: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, floatingip: { limit: 2, used: 5 } } };

    expect(quotaRows(needsOf("workers"), quota).find((r) => r.resource === "floatingip")).toMatchObject({ left: 0, status: "over" });
  });

  test("GIVEN a limit of -1 WHEN checked THEN the row is unlimited and ok whatever is added", () => {
    const quota: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, instances: { limit: -1, used: 900 } } };

    expect(quotaRows(needsOf("workers"), quota)[0]).toMatchObject({ resource: "instances", limit: null, left: null, status: "ok" });
  });

  test("GIVEN resizes, replacements and an unknown flavor WHEN checked THEN growth, full amounts and the unknown server are counted apart", () => {
    const needs = needsOf("mixed").filter((n) => n.providerKey === "openstack");
    const rows = quotaRows(needs, PLENTY);
    const row = (r: string) => rows.find((x) => x.resource === r)!;

    // New: bfv, pending, blue (create-first); keep is resized, rebuild replaced destroy-first: no new instance.
    expect(row("instances").adds).toBe(3);
    // bfv 1 + blue 1 + keep's resize 2 - 1; rebuild keeps its flavor; pending's flavor is unknown.
    expect(row("cores")).toMatchObject({ adds: 3, status: "unknown" });
    expect(row("cores").unknown).toEqual(["mixed: openstack_compute_instance_v2.pending (flavor known only after apply)"]);
    expect(row("ram").adds).toBe(2048 + 2048 + (4096 - 2048));
    // bfv's 5 GB volume and the data volume extended by 1 GB.
    expect(row("gigabytes").adds).toBe(6);
    expect(row("volumes").adds).toBe(1);
    expect(row("floatingip")).toBeUndefined(); // it is the aliased provider's
  });

  test("GIVEN an unknown amount but a row already over WHEN checked THEN it is over, not unknown", () => {
    const needs = needsOf("mixed").filter((n) => n.providerKey === "openstack");
    const quota: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, cores: { limit: 2, used: 0 } } };

    expect(quotaRows(needs, quota).find((r) => r.resource === "cores")!.status).toBe("over");
  });

  test("GIVEN a flavor the site does not list WHEN counted THEN its vCPUs are unknown with the flavor named", () => {
    const n = need(needsOf("workers"), "openstack_compute_instance_v2.worker-1_server_626296C2");

    expect(contribution(n, "cores", FLAVORS.filter((f) => f.id !== MEDIUM))).toEqual({ unknown: `flavor id ${MEDIUM} is not among the project's flavors` });
    expect(contribution(n, "cores", undefined)).toEqual({ unknown: "the site's flavor list could not be read" });
  });

  test("GIVEN a service whose limits could not be read WHEN checked THEN its rows are not checked, with the reason, and never over", () => {
    const quota: SiteQuota = { flavors: FLAVORS, limits: { instances: { limit: 0, used: 0 } }, unavailable: { volumes: "Cinder: no public volumev3 endpoint in the catalog" } };
    const rows = quotaRows(needsOf("workers"), quota);

    expect(rows.find((r) => r.resource === "volumes")).toMatchObject({ status: "not checked", note: "Cinder: no public volumev3 endpoint in the catalog", adds: 1 });
    expect(rows.filter((r) => r.status === "over").map((r) => r.resource)).toEqual(["instances"]);
  });

  test("GIVEN two stacks at one project WHEN checked together THEN their amounts add up", () => {
    const rows = quotaRows([...needsOf("workers", "a"), ...needsOf("workers", "b")], PLENTY);

    expect(rows[0]).toMatchObject({ resource: "instances", adds: 4 });
    expect(rows[0].addedBy).toHaveLength(4);
  });
});

test("GIVEN servers worker1..worker12 in terraform's text order WHEN over quota THEN the line names worker1 to worker5, as a reader counts", () => {
  const server = needsOf("workers").find((n) => n.type === "openstack_compute_instance_v2")!;
  // terraform sorts addresses as text: worker1, worker10, worker11, worker12, worker2, ...
  const names = Array.from({ length: 12 }, (_, i) => `worker${i + 1}`).sort();
  const needs = names.map((n) => ({ ...server, address: `openstack_compute_instance_v2.${n}`, stack: "fleet" }));
  const tight: SiteQuota = { ...PLENTY, limits: { ...PLENTY.limits, instances: { limit: 5, used: 0 } } };

  const row = quotaRows(needs, tight).find((r) => r.resource === "instances")!;

  expect(overQuotaLine("P", row)).toBe(
    "over quota at P: instances: the plans add 12 (fleet: openstack_compute_instance_v2.worker1, fleet: openstack_compute_instance_v2.worker2, fleet: openstack_compute_instance_v2.worker3, fleet: openstack_compute_instance_v2.worker4, fleet: openstack_compute_instance_v2.worker5, and 7 more) but the project has 5 left (limit 5, used 0)",
  );
});
