import { TerraformStack, Testing } from "cdktf";
import { SecurityGroup, type SecurityGroupProps } from "../../constructs/security-group";

/** The one group's synthesized attributes and its rules, for `props`. */
function synthGroup(props: SecurityGroupProps): { group: any; rules: any[] } {
  const stack = new TerraformStack(Testing.app(), "s");
  new SecurityGroup(stack, "sg", { name: "motley", ...props }).allowTcpFrom("0.0.0.0/0", 8080);
  const json = JSON.parse(Testing.synth(stack));
  return {
    group: Object.values(json.resource.openstack_networking_secgroup_v2)[0],
    rules: Object.values(json.resource.openstack_networking_secgroup_rule_v2),
  };
}

describe("SecurityGroup allowAllOutbound", () => {
  test.each([
    ["not given", {}, undefined],
    ["true", { allowAllOutbound: true }, undefined],
    ["false", { allowAllOutbound: false }, true],
  ])("GIVEN allowAllOutbound %s WHEN synthesized THEN delete_default_rules is %j", (_what, props, deleteDefaultRules) => {
    const { group } = synthGroup(props);
    expect(group.delete_default_rules).toBe(deleteDefaultRules);
    expect(group).toEqual({ name: "motley", description: "Managed by egi-cdktf", ...(deleteDefaultRules ? { delete_default_rules: true } : {}) });
  });

  test("GIVEN allowAllOutbound false WHEN synthesized THEN the ingress rules are unchanged and no egress rule is added", () => {
    const open = synthGroup({});
    const closed = synthGroup({ allowAllOutbound: false });
    expect(closed.rules).toEqual(open.rules);
    expect(closed.rules.map((r) => r.direction)).toEqual(["ingress"]);
  });

  test.each([
    ["a string", "false", "prop allowAllOutbound must be a boolean, got a string"],
    ["a number", 0, "prop allowAllOutbound must be a boolean, got a number"],
    ["null", null, "prop allowAllOutbound is null; leave it out or give a boolean"],
  ])("GIVEN allowAllOutbound as %s WHEN constructed THEN the error names allowAllOutbound", (_what, value, message) => {
    expect(() => synthGroup({ allowAllOutbound: value as unknown as boolean })).toThrow(`SecurityGroup s/sg: ${message}`);
  });
});
