import { TerraformStack, Testing } from "cdktf";
import { DataOpenstackNetworkingSecgroupV2 } from "../../.gen/providers/openstack/data-openstack-networking-secgroup-v2";
import { NetworkingSecgroupRuleV2 } from "../../.gen/providers/openstack/networking-secgroup-rule-v2";
import { NetworkingSecgroupV2 } from "../../.gen/providers/openstack/networking-secgroup-v2";
import { EgiSite } from "../../constructs/egi-site";
import { type ISecurityGroup, SecurityGroup } from "../../constructs/security-group";

function synthJson(build: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

function rules(json: any): any[] {
  return Object.values(json.resource.openstack_networking_secgroup_rule_v2 ?? {});
}

function group(): SecurityGroup {
  return new SecurityGroup(new TerraformStack(Testing.app(), "s"), "sg");
}

describe("SecurityGroup", () => {
  test("GIVEN no props WHEN synthesized THEN the group is named from the path with the default description", () => {
    const json = synthJson((s) => new SecurityGroup(s, "web-sg"));
    expect(Object.values(json.resource.openstack_networking_secgroup_v2)).toEqual([{ name: "s-web-sg", description: "Managed by egi-cdktf" }]);
  });

  test("GIVEN a name and description WHEN synthesized THEN both are used", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new SecurityGroup(stack, "sg", { name: "web", description: "HTTP in" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(NetworkingSecgroupV2, { name: "web", description: "HTTP in" });
  });

  test("GIVEN allowSshFrom an IPv4 CIDR WHEN synthesized THEN one ingress IPv4 TCP 22 rule references the group", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowSshFrom("0.0.0.0/0"));
    expect(rules(json)).toEqual([{
      security_group_id: "${openstack_networking_secgroup_v2.sg_29196201.id}",
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: "0.0.0.0/0",
    }]);
  });

  test("GIVEN allowTcpFrom a port range from an IPv6 CIDR WHEN synthesized THEN the rule is IPv6 with that range", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowTcpFrom("2001:db8::/32", { from: 8000, to: 8080 }));
    expect(rules(json)).toEqual([expect.objectContaining({ ethertype: "IPv6", protocol: "tcp", port_range_min: 8000, port_range_max: 8080, remote_ip_prefix: "2001:db8::/32" })]);
  });

  test("GIVEN allowUdpFrom a port WHEN synthesized THEN the rule is UDP on that port", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowUdpFrom("10.0.0.0/8", 53));
    expect(rules(json)).toEqual([expect.objectContaining({ ethertype: "IPv4", protocol: "udp", port_range_min: 53, port_range_max: 53, remote_ip_prefix: "10.0.0.0/8" })]);
  });

  test("GIVEN allowIcmpFrom IPv4 and IPv6 CIDRs WHEN synthesized THEN the rules are icmp and ipv6-icmp without ports", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowIcmpFrom("0.0.0.0/0").allowIcmpFrom("::/0"));
    expect(rules(json)).toEqual([
      { security_group_id: "${openstack_networking_secgroup_v2.sg_29196201.id}", direction: "ingress", ethertype: "IPv4", protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" },
      { security_group_id: "${openstack_networking_secgroup_v2.sg_29196201.id}", direction: "ingress", ethertype: "IPv6", protocol: "ipv6-icmp", remote_ip_prefix: "::/0" },
    ]);
  });

  test("GIVEN the same rule added twice by different methods WHEN synthesized THEN it is created once", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowSshFrom("192.0.2.10/32").allowTcpFrom("192.0.2.10/32", 22).allowTcpFrom("192.0.2.10/32", { from: 22, to: 22 }));
    expect(rules(json)).toHaveLength(1);
  });

  test("GIVEN rules WHEN synthesized THEN each rule's Terraform name is derived from the rule", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowSshFrom("192.0.2.10/32").allowUdpFrom("2001:db8::/32", { from: 1000, to: 2000 }));
    expect(Object.keys(json.resource.openstack_networking_secgroup_rule_v2)).toEqual([
      "sg_ingress-tcp-22-from-192-0-2-10-32_881FE281",
      "sg_ingress-udp-1000-2000-from-2001-db8---32_A30B6A18",
    ]);
  });

  test("GIVEN a non-canonical IPv6 CIDR WHEN synthesized THEN the rule carries Neutron's canonical form", () => {
    const json = synthJson((s) => new SecurityGroup(s, "sg").allowSshFrom("2001:0DB8:0000:0000:0000:0000:0000:0000/32"));
    expect(rules(json)[0].remote_ip_prefix).toBe("2001:db8::/32");
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the group and its rules use that site's provider", () => {
    const s = new TerraformStack(Testing.app(), "s");
    new SecurityGroup(s, "sg", { site: new EgiSite(s, "site", { alias: "k" }) }).allowSshFrom("0.0.0.0/0");
    const out = Testing.synth(s);
    expect(out).toHaveResourceWithProperties(NetworkingSecgroupV2, { provider: "openstack.k" });
    expect(out).toHaveResourceWithProperties(NetworkingSecgroupRuleV2, { provider: "openstack.k" });
  });

  test.each([
    ["10.0.0.300/8", '"10.0.0.300/8" has an IPv4 address out of range (each part 0 to 255, no leading zeros)'],
    ["10.0.0.0/33", '"10.0.0.0/33" has a prefix length over 32; use /0 to /32'],
    ["2001:db8::/129", '"2001:db8::/129" has a prefix length over 128; use /0 to /128'],
    ["any", '"any" is not a CIDR; write a network in CIDR form, e.g. "0.0.0.0/0", "192.0.2.10/32" or "2001:db8::/32"'],
    ["192.0.2.10", '"192.0.2.10" is not a CIDR'],
    ["10.0.0.1/8", '"10.0.0.1/8" has host bits set; use "10.0.0.0/8"'],
    ["2001:db8::1/32", '"2001:db8::1/32" has host bits set; use "2001:db8::/32"'],
    ["fe80::1%eth0/64", '"fe80::1%eth0/64" is not a CIDR'],
    ["010.0.0.0/8", '"010.0.0.0/8" has an IPv4 address out of range'],
  ])("GIVEN cidr %j WHEN a rule is added THEN the error names the method and the fix", (cidr, message) => {
    expect(() => group().allowSshFrom(cidr)).toThrow(`SecurityGroup s/sg: allowSshFrom: ${message}`);
  });

  test.each([
    [0, "port 0 is not a port; use an integer from 1 to 65535"],
    [65536, "port 65536 is not a port; use an integer from 1 to 65535"],
    [22.5, "port 22.5 is not a port; use an integer from 1 to 65535"],
    [{ from: 0, to: 10 }, "port.from 0 is not a port; use an integer from 1 to 65535"],
    [{ from: 9000, to: 8000 }, "port range 9000-8000 is reversed; give { from: 8000, to: 9000 }"],
  ])("GIVEN port %j WHEN allowTcpFrom THEN the error names the port and the fix", (port, message) => {
    expect(() => group().allowTcpFrom("0.0.0.0/0", port)).toThrow(`SecurityGroup s/sg: allowTcpFrom: ${message}`);
  });

  test("GIVEN name default WHEN constructed THEN the error points to SecurityGroup.fromName", () => {
    expect(() => new SecurityGroup(new TerraformStack(Testing.app(), "s"), "sg", { name: "default" })).toThrow(
      'SecurityGroup s/sg: name "default" is the project\'s own group; use SecurityGroup.fromName(scope, id, { name: "default" }) to add rules to it',
    );
  });
});

describe("SecurityGroup.fromName", () => {
  test("GIVEN the name default WHEN imported THEN a data source looks it up by name and the id references it", () => {
    let sg: ISecurityGroup | undefined;
    const json = synthJson((s) => { sg = SecurityGroup.fromName(s, "default", { name: "default" }); });
    expect(Object.values(json.data.openstack_networking_secgroup_v2)).toEqual([{ name: "default" }]);
    expect(sg!.securityGroupName).toBe("default");
  });

  test("GIVEN an imported group WHEN a rule is added THEN the rule references the looked-up id", () => {
    const json = synthJson((s) => SecurityGroup.fromName(s, "default", { name: "default" }).allowSshFrom("0.0.0.0/0"));
    expect(rules(json)[0].security_group_id).toBe("${data.openstack_networking_secgroup_v2.default_Lookup_9BC90DCC.id}");
  });

  test("GIVEN a site with an alias WHEN imported THEN the data source uses that site's provider", () => {
    const s = new TerraformStack(Testing.app(), "s");
    SecurityGroup.fromName(s, "default", { name: "default", site: new EgiSite(s, "site", { alias: "k" }) });
    expect(Testing.synth(s)).toHaveDataSourceWithProperties(DataOpenstackNetworkingSecgroupV2, { name: "default", provider: "openstack.k" });
  });

  test("GIVEN an empty name WHEN imported THEN the error names the name", () => {
    expect(() => SecurityGroup.fromName(new TerraformStack(Testing.app(), "s"), "g", { name: " " })).toThrow("SecurityGroup s/g: name is empty; give the name `openstack security group list` shows");
  });
});

describe("SecurityGroup names at one site", () => {
  const ENV = ["OS_AUTH_URL", "OS_PROJECT_ID", "OS_REGION_NAME"];
  beforeEach(() => Object.assign(process.env, { OS_AUTH_URL: "https://k.example.org:5000/v3", OS_PROJECT_ID: "p1" }));
  afterEach(() => ENV.forEach((k) => delete process.env[k]));

  /** Groups named "web" in stacks a and b of one app, each with a site from `sites` (passed to the group). */
  function twoStacks(sites: [object | undefined, object | undefined], passSite = false) {
    const app = Testing.app();
    const [a, b] = (["a", "b"] as const).map((id, i) => {
      const stack = new TerraformStack(app, id);
      const site = sites[i] === undefined ? undefined : new EgiSite(stack, "site", sites[i] as object);
      new SecurityGroup(stack, "sg", { name: "web", site: passSite ? site : undefined });
      return stack;
    });
    return { a, b };
  }

  const CLASH = 'SecurityGroup a/sg and SecurityGroup b/sg both create the security group "web" in the same project (servers name their groups, and Nova refuses a name two groups have); change name on one of them';

  test.each([
    ["two stacks with default sites from OS_AUTH_URL and OS_PROJECT_ID", [{}, {}], false],
    ["two stacks without EgiSite", [undefined, undefined], false],
    ["a site from the environment and one with the same project", [{}, { projectId: "p1" }], true],
  ])("GIVEN the same name in %s WHEN synthesized THEN one line names both paths and the name prop", (_what, sites, passSite) => {
    const { a, b } = twoStacks(sites as [object, object], passSite);
    expect(() => Testing.synth(b)).toThrow(CLASH);
    expect(() => Testing.synth(a)).toThrow(CLASH);
  });

  test("GIVEN the same name twice in one stack WHEN synthesized THEN the error names both paths", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new SecurityGroup(stack, "one", { name: "web" });
    new SecurityGroup(stack, "two", { name: "web" });
    expect(() => Testing.synth(stack)).toThrow('SecurityGroup s/one and SecurityGroup s/two both create the security group "web" in the same project');
  });

  test.each([
    ["other projects", [{ projectId: "p1" }, { projectId: "p2" }]],
    ["other Keystones", [{ authUrl: "https://a.example.org:5000/v3" }, { authUrl: "https://b.example.org:5000/v3" }]],
  ])("GIVEN the same name in %s WHEN synthesized THEN both are accepted", (_what, sites) => {
    const { a, b } = twoStacks(sites as [object, object], true);
    expect(Testing.synth(a)).toHaveResourceWithProperties(NetworkingSecgroupV2, { name: "web" });
    expect(Testing.synth(b)).toHaveResourceWithProperties(NetworkingSecgroupV2, { name: "web" });
  });

  test("GIVEN the default group imported twice WHEN synthesized THEN nothing clashes", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    SecurityGroup.fromName(stack, "one", { name: "default" });
    SecurityGroup.fromName(stack, "two", { name: "default" });
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataOpenstackNetworkingSecgroupV2, { name: "default" });
  });
});
