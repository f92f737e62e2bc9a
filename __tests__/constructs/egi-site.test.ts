import { Construct } from "constructs";
import { TerraformStack, Testing } from "cdktf";
import { tokenRequests } from "../../auth/hook";
import { EgiSite } from "../../constructs/egi-site";

function stackWith(build: (stack: TerraformStack) => void): { stack: TerraformStack; json: any } {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

describe("EgiSite", () => {
  test("GIVEN no props WHEN synthesized THEN the provider takes only its cloud name from a nullable variable defaulting to null, and no token", () => {
    const { json } = stackWith((s) => new EgiSite(s, "site"));
    const [name, variable] = Object.entries(json.variable)[0] as [string, any];
    expect(json.provider.openstack).toEqual([{ cloud: `\${var.${name}}` }]);
    expect(variable).toMatchObject({ type: "string", nullable: true, default: null });
  });

  test("GIVEN site props WHEN synthesized THEN they become auth_url, tenant_id, region, cacert_file and alias", () => {
    const { json } = stackWith((s) => new EgiSite(s, "site", { authUrl: "https://k:5000/v3", projectId: "abc123", region: "R1", caFile: "/ca.pem", alias: "k" }));
    expect(json.provider.openstack[0]).toMatchObject({ auth_url: "https://k:5000/v3", tenant_id: "abc123", region: "R1", cacert_file: "/ca.pem", alias: "k" });
  });

  test("GIVEN two sites in a stack WHEN one has an alias THEN each gets its own cloud variable and token request", () => {
    const { stack, json } = stackWith((s) => {
      new EgiSite(s, "a");
      new EgiSite(s, "b", { alias: "b", authUrl: "https://b:5000/v3" });
    });
    expect(Object.keys(json.variable)).toHaveLength(2);
    expect(tokenRequests(stack.node.root).map((r) => r.authUrl)).toEqual([undefined, "https://b:5000/v3"]);
  });

  test("GIVEN two sites without alias WHEN constructed THEN the error names the alias prop", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new EgiSite(stack, "a");
    expect(() => new EgiSite(stack, "b")).toThrow("EgiSite s/b: stack s already has a site without alias (s/a); set alias on every site but one");
  });

  test.each([
    [{ authUrl: "keystone:5000" }, 'EgiSite s/site: authUrl="keystone:5000" must be an http(s) URL'],
    [{ projectId: "VO:vo.access.egi.eu" }, 'projectId "VO:vo.access.egi.eu" is not a project id; use the id (not the name)'],
  ])("GIVEN bad props %j WHEN constructed THEN the error names the prop", (props, message) => {
    expect(() => new EgiSite(new TerraformStack(Testing.app(), "s"), "site", props)).toThrow(message);
  });
});

describe("EgiSite.of", () => {
  test("GIVEN a stack with a default site and an aliased one WHEN asked from a nested construct THEN the site without alias is returned", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new EgiSite(stack, "other", { alias: "other" });
    const site = new EgiSite(stack, "site");
    const nested = new Construct(new Construct(stack, "a"), "b");
    expect(EgiSite.of(nested)).toBe(site);
    expect(EgiSite.tryOf(nested)).toBe(site);
  });

  test("GIVEN a stack with only an aliased site WHEN EgiSite.of is asked THEN the error names the stack and the fix", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new EgiSite(stack, "other", { alias: "other" });
    const scope = new Construct(stack, "vm");
    expect(() => EgiSite.of(scope)).toThrow('EgiSite.of(s/vm): stack s has no EgiSite without alias; add new EgiSite(stack, "site", { ... }) to it, or pass site explicitly');
    expect(EgiSite.tryOf(scope)).toBeUndefined();
  });

  test("GIVEN two stacks with a site each WHEN asked THEN each construct gets its own stack's site", () => {
    const app = Testing.app();
    const one = new TerraformStack(app, "one");
    const two = new TerraformStack(app, "two");
    const siteOne = new EgiSite(one, "site");
    const siteTwo = new EgiSite(two, "site");
    expect(EgiSite.of(new Construct(one, "x"))).toBe(siteOne);
    expect(EgiSite.of(new Construct(two, "x"))).toBe(siteTwo);
  });
});
