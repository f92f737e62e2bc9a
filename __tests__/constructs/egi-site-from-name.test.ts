/**
 * EgiSite.fromSiteName: a site and VO by name from the app's pinned site list (EGI_SITES_FILE), as
 * the provider, the hook's token request and the synth-time lookups see it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { tokenRequests } from "../../auth/hook";
import { EgiSite, projectForVoKey } from "../../constructs/egi-site";
import { resolved } from "../support/resolve";
import { useSiteListEnv } from "../support/site-list-env";

const IFCA_URL = "https://keystone.ifca.example.org:5000/v3";
const CESNET_URL = "https://identity.cesnet.example.org/v3";
const IFCA_PROJECT = "999f045cb1ff4684a15ebb338af69460";

const SITE_LIST = {
  source: "test",
  refreshedAt: "2025-01-01T00:00:00Z",
  sites: [
    {
      gocdb: "IFCA-LCG2",
      endpoint: IFCA_URL,
      protocol: "oidc",
      region: "RegionOne",
      vos: [
        { name: "vo.access.egi.eu", auth: { project_id: IFCA_PROJECT }, defaultNetwork: "private", publicNetwork: "public" },
        { name: "vo.example.org" },
      ],
    },
    { gocdb: "CESNET-MCC", endpoint: CESNET_URL, vos: [{ name: "vo.access.egi.eu", auth: { project_id: "cesnet-proj" } }] },
  ],
};

const env = useSiteListEnv("egi-site-from-name", SITE_LIST);

const newStack = () => new TerraformStack(Testing.app(), "s");

/** The stack's annotations of `type` (`@cdktf/info`, `@cdktf/warn`), as text. */
const annotations = (stack: TerraformStack, type: string): string[] =>
  stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data)));

describe("EgiSite.fromSiteName with the VO's project in the list", () => {
  test("GIVEN IFCA-LCG2 and vo.access.egi.eu WHEN synthesized THEN the provider has the listed auth_url, project id as tenant_id, and region", () => {
    const stack = newStack();
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" });
    const provider = JSON.parse(Testing.synth(stack)).provider.openstack;
    expect(provider).toEqual([{ auth_url: IFCA_URL, tenant_id: IFCA_PROJECT, region: "RegionOne", cloud: expect.stringMatching(/^\$\{var\.[\w-]+\}$/) }]);
  });

  test("GIVEN the site's name in another case WHEN constructed THEN the site is found all the same", () => {
    const stack = newStack();
    EgiSite.fromSiteName(stack, "site", { site: "ifca-lcg2", vo: "vo.access.egi.eu" });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).toMatchObject({ auth_url: IFCA_URL, tenant_id: IFCA_PROJECT });
  });

  test("GIVEN a site with protocol oidc WHEN the app's token requests are read THEN the request carries the protocol, auth URL, project and region, and no VO", () => {
    const app = Testing.app();
    EgiSite.fromSiteName(new TerraformStack(app, "s"), "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" });
    const requests = tokenRequests(app);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ authUrl: IFCA_URL, projectId: IFCA_PROJECT, protocol: "oidc", region: "RegionOne" });
    expect(requests[0].vo).toBeUndefined();
  });

  test("GIVEN a site without protocol or region WHEN constructed THEN the request leaves the protocol to OS_PROTOCOL and the provider has no region", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    EgiSite.fromSiteName(stack, "site", { site: "CESNET-MCC", vo: "vo.access.egi.eu" });
    expect(tokenRequests(app)[0].protocol).toBeUndefined();
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).not.toHaveProperty("region");
  });

  test("GIVEN the list's defaultNetwork and publicNetwork WHEN constructed THEN the site carries them", () => {
    const site = EgiSite.fromSiteName(newStack(), "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" });
    expect([site.defaultNetwork, site.floatingIpPool]).toEqual(["private", "public"]);
  });

  test("GIVEN alias and caFile WHEN synthesized THEN the provider has both", () => {
    const stack = newStack();
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu", alias: "ifca", caFile: "/etc/igtf.pem" });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).toMatchObject({ alias: "ifca", cacert_file: "/etc/igtf.pem" });
  });

  test("GIVEN two listed sites in one stack, one with alias WHEN synthesized THEN each provider has its own auth_url and tenant_id", () => {
    const stack = newStack();
    EgiSite.fromSiteName(stack, "ifca", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" });
    EgiSite.fromSiteName(stack, "cesnet", { site: "CESNET-MCC", vo: "vo.access.egi.eu", alias: "cesnet" });
    const providers = JSON.parse(Testing.synth(stack)).provider.openstack as Array<Record<string, string>>;
    expect(providers.map((p) => [p.alias, p.auth_url, p.tenant_id])).toEqual([
      [undefined, IFCA_URL, IFCA_PROJECT],
      ["cesnet", CESNET_URL, "cesnet-proj"],
    ]);
  });
});

describe("EgiSite.fromSiteName with a VO the list gives no project for", () => {
  const VO = "vo.example.org";

  test("GIVEN nothing pinned WHEN synthesized THEN the provider has no tenant_id and the token request asks for the VO's project", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).not.toHaveProperty("tenant_id");
    expect(tokenRequests(app)[0]).toMatchObject({ authUrl: IFCA_URL, vo: VO, projectId: undefined, protocol: "oidc" });
  });

  test("GIVEN nothing pinned WHEN constructed THEN an INFO annotation says the hook looks the project up and pins it", () => {
    const stack = newStack();
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(annotations(stack, "@cdktf/info")).toEqual([
      `egi-cdktf: the project of VO ${VO} at ${IFCA_URL} is looked up by the hook (set a Check-in credential), then pinned in egi-cdktf.context.json`,
    ]);
  });

  test("GIVEN nothing pinned WHEN the lookups' identity is read THEN they are keyed by vo:<vo> at the site's URL and region", () => {
    const site = EgiSite.fromSiteName(newStack(), "site", { site: "IFCA-LCG2", vo: VO });
    expect(site._lookups.identity).toEqual({ authUrl: IFCA_URL, projectId: `vo:${VO}`, region: "RegionOne" });
  });

  test("GIVEN a lookup answer pinned under vo:<vo> WHEN the site's default network is resolved THEN it is the pinned answer", () => {
    const stack = newStack();
    fs.writeFileSync(env.contextFile, JSON.stringify({ [`network-default:{}@https://keystone.ifca.example.org:5000|vo:${VO}|RegionOne`]: "vo-net" }));
    const site = EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(resolved(stack, site.defaultNetworkFor(stack))).toBe("vo-net");
  });

  test("GIVEN the project pinned under project-for-vo in the context file WHEN synthesized THEN tenant_id is the pin, the request names it, lookups stay keyed by the VO, and there is no INFO", () => {
    fs.writeFileSync(env.contextFile, JSON.stringify({ [projectForVoKey(IFCA_URL, VO)]: "pinned-proj-1" }));
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const site = EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).toMatchObject({ auth_url: IFCA_URL, tenant_id: "pinned-proj-1" });
    expect(tokenRequests(app)[0]).toMatchObject({ projectId: "pinned-proj-1", vo: undefined });
    // Keyed by the VO before and after the pin, so answers looked up before the pin stay found.
    expect(site._lookups.identity.projectId).toBe(`vo:${VO}`);
    expect(annotations(stack, "@cdktf/info")).toEqual([]);
  });

  test("GIVEN the pin key written with the URL's trailing slash and no /v3 WHEN constructed THEN the same pin is found (keys use the normalised URL)", () => {
    expect(projectForVoKey(IFCA_URL, VO)).toBe(projectForVoKey("https://keystone.ifca.example.org:5000/", VO));
    expect(projectForVoKey(IFCA_URL, VO)).toBe(`project-for-vo:{"vo":"${VO}"}@https://keystone.ifca.example.org:5000`);
  });

  test("GIVEN a pin that is not a project id WHEN synthesized THEN it is ignored: no tenant_id, the hook looks it up", () => {
    fs.writeFileSync(env.contextFile, JSON.stringify({ [projectForVoKey(IFCA_URL, VO)]: "VO:vo.example.org" }));
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).not.toHaveProperty("tenant_id");
    expect(tokenRequests(app)[0]).toMatchObject({ vo: VO, projectId: undefined });
  });

  test("GIVEN a pin for another site's URL WHEN synthesized THEN it is not used here", () => {
    fs.writeFileSync(env.contextFile, JSON.stringify({ [projectForVoKey(CESNET_URL, VO)]: "other-site-proj" }));
    const stack = newStack();
    EgiSite.fromSiteName(stack, "site", { site: "IFCA-LCG2", vo: VO });
    expect(JSON.parse(Testing.synth(stack)).provider.openstack[0]).not.toHaveProperty("tenant_id");
  });
});

describe("EgiSite.fromSiteName errors", () => {
  /** The one-line message `build` throws. */
  function errorOf(build: () => unknown): string {
    try {
      build();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected an error");
  }

  test("GIVEN a site not in the list WHEN constructed THEN one line starting EgiSite.fromSiteName <path>: names the site, the file and the close matches", () => {
    const message = errorOf(() => EgiSite.fromSiteName(newStack(), "site", { site: "IFCA", vo: "vo.access.egi.eu" }));
    expect(message).toBe(`EgiSite.fromSiteName s/site: site "IFCA" is not in ${env.sitesFile}; close: IFCA-LCG2; \`egi-cdktf sites\` lists them, \`egi-cdktf sites refresh\` updates the list`);
    expect(message).not.toContain("\n");
  });

  test("GIVEN a site with a typo WHEN constructed THEN the close match is the listed site", () => {
    expect(() => EgiSite.fromSiteName(newStack(), "site", { site: "CESNET-MC", vo: "vo.access.egi.eu" })).toThrow(/^EgiSite\.fromSiteName s\/site: site "CESNET-MC" is not in .*; close: CESNET-MCC;/);
  });

  test("GIVEN a VO the site does not support WHEN constructed THEN one line names the VO, the site and the sites that have it", () => {
    const message = errorOf(() => EgiSite.fromSiteName(newStack(), "site", { site: "CESNET-MCC", vo: "vo.example.org" }));
    expect(message).toBe(`EgiSite.fromSiteName s/site: VO "vo.example.org" is not supported at site CESNET-MCC (per ${env.sitesFile}); sites with it: IFCA-LCG2`);
  });

  test("GIVEN no list file WHEN constructed THEN one line names the path and egi-cdktf sites refresh", () => {
    fs.rmSync(env.sitesFile);
    const message = errorOf(() => EgiSite.fromSiteName(newStack(), "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" }));
    expect(message).toMatch(/^EgiSite\.fromSiteName s\/site: no site list at /);
    expect(message).toContain(env.sitesFile);
    expect(message).toContain("`egi-cdktf sites refresh");
    expect(message).not.toContain("\n");
  });

  test("GIVEN EGI_SITES_FILE unset and no egi-cdktf.sites.json in the working directory WHEN constructed THEN the error names ./egi-cdktf.sites.json", () => {
    delete process.env.EGI_SITES_FILE;
    const cwd = process.cwd();
    process.chdir(env.dir);
    fs.rmSync(env.sitesFile);
    try {
      expect(() => EgiSite.fromSiteName(newStack(), "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" })).toThrow(`no site list at ${path.join(process.cwd(), "egi-cdktf.sites.json")}:`);
    } finally {
      process.chdir(cwd);
    }
  });

  test("GIVEN a list file that is not JSON WHEN constructed THEN one line names the file and how to restore it", () => {
    fs.writeFileSync(env.sitesFile, "{ not json");
    const message = errorOf(() => EgiSite.fromSiteName(newStack(), "site", { site: "IFCA-LCG2", vo: "vo.access.egi.eu" }));
    expect(message).toMatch(new RegExp(`^EgiSite\\.fromSiteName s/site: ${env.sitesFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON \\(.*\\); restore it from git or run \`egi-cdktf sites refresh\`$`));
  });
});

describe("new EgiSite with vo", () => {
  test("GIVEN vo without authUrl WHEN constructed THEN the error says vo needs authUrl", () => {
    expect(() => new EgiSite(newStack(), "site", { vo: "vo.access.egi.eu" })).toThrow(
      "EgiSite s/site: vo finds the project at the site's authUrl when projectId is not given; give authUrl and vo, or projectId",
    );
  });

  test("GIVEN vo and projectId WHEN constructed THEN the same error: one or the other", () => {
    expect(() => new EgiSite(newStack(), "site", { vo: "vo.access.egi.eu", authUrl: IFCA_URL, projectId: "p1" })).toThrow(
      "EgiSite s/site: vo finds the project at the site's authUrl when projectId is not given; give authUrl and vo, or projectId",
    );
  });

  test("GIVEN vo and authUrl WHEN synthesized THEN the provider has the auth_url and no tenant_id, and the token request has the vo and protocol", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new EgiSite(stack, "site", { vo: "vo.access.egi.eu", authUrl: IFCA_URL, protocol: "openid" });
    const provider = JSON.parse(Testing.synth(stack)).provider.openstack[0];
    expect(provider.auth_url).toBe(IFCA_URL);
    expect(provider).not.toHaveProperty("tenant_id");
    expect(tokenRequests(app)[0]).toMatchObject({ vo: "vo.access.egi.eu", protocol: "openid", projectId: undefined });
  });
});
