/**
 * The default network and floating IP pool chosen as `fedcloud select network` does, and the
 * lookups that ask Neutron for them through SiteApi (a stand-in token: no network, no Keystone).
 */
import type { SiteToken } from "../../../auth/hook";
import { chooseDefaultNetwork, chooseFloatingIpPool, defaultNetworkSpec, floatingIpPoolSpec } from "../../../constructs/lookups/network";
import { type NetworkInfo, SiteApi } from "../../../constructs/lookups/site-api";

const OWN = "proj-own";
const FIX_NETWORK = "name one with defaultNetwork in egi-cdktf.sites.json, or pass network: Network.fromName(...)";
const FIX_POOL = "name one with publicNetwork in egi-cdktf.sites.json, or pass the pool to addFloatingIp / floatingIpPool";

const net = (name: string, props: Partial<NetworkInfo> = {}): NetworkInfo => ({ id: `id-${name}`, name, external: false, shared: false, projectId: OWN, ...props });
const publicShared = net("public", { external: true, shared: true, projectId: "admin" });
const externalNotShared = net("ext-admin", { external: true, projectId: "admin" });
const shared = net("egi-shared", { shared: true, projectId: "admin" });
const ownPrivate = net("own-private");
const othersPrivate = net("their-private", { projectId: "proj-other" });

describe("chooseDefaultNetwork", () => {
  test("GIVEN an external shared network, a shared one and the project's own WHEN chosen THEN the external one wins", () => {
    expect(chooseDefaultNetwork([ownPrivate, shared, publicShared], OWN).name).toBe("public");
  });

  test("GIVEN the project's own external network (not shared) and a shared one WHEN chosen THEN the external one wins", () => {
    const ownExternal = net("own-ext", { external: true });
    expect(chooseDefaultNetwork([shared, ownExternal, ownPrivate], OWN).name).toBe("own-ext");
  });

  test("GIVEN a shared network and the project's own private one WHEN chosen THEN the shared one wins", () => {
    expect(chooseDefaultNetwork([ownPrivate, shared], OWN).name).toBe("egi-shared");
  });

  test("GIVEN only the project's own private network WHEN chosen THEN it is the default", () => {
    expect(chooseDefaultNetwork([ownPrivate], OWN)).toEqual(ownPrivate);
  });

  test("GIVEN another project's private network besides the project's own WHEN chosen THEN the other project's is ignored", () => {
    expect(chooseDefaultNetwork([othersPrivate, ownPrivate], OWN).name).toBe("own-private");
  });

  test("GIVEN another project's external network that is not shared WHEN chosen THEN it is ignored (ports cannot be made on it)", () => {
    expect(chooseDefaultNetwork([externalNotShared, ownPrivate], OWN).name).toBe("own-private");
  });

  test("GIVEN two shared networks at the top WHEN chosen THEN the error names both and the fix", () => {
    const other = net("alpha-shared", { shared: true, projectId: "admin" });
    expect(() => chooseDefaultNetwork([shared, ownPrivate, other], OWN)).toThrow(`2 networks could be the default (alpha-shared (shared), egi-shared (shared)); ${FIX_NETWORK}`);
  });

  test("GIVEN two private networks of the project WHEN chosen THEN the error names both", () => {
    expect(() => chooseDefaultNetwork([net("b-net"), net("a-net")], OWN)).toThrow(`2 networks could be the default (a-net, b-net); ${FIX_NETWORK}`);
  });

  test("GIVEN two private networks below one shared WHEN chosen THEN the tie below does not matter", () => {
    expect(chooseDefaultNetwork([net("b-net"), net("a-net"), shared], OWN).name).toBe("egi-shared");
  });

  test.each([
    ["no network at all", []],
    ["only other projects' private networks and an unshared external one", [othersPrivate, externalNotShared]],
  ])("GIVEN %s WHEN chosen THEN the error says none is usable and gives the fix", (_what, networks) => {
    expect(() => chooseDefaultNetwork(networks, OWN)).toThrow(`the project has no network of its own and none is shared with it; ${FIX_NETWORK}`);
  });

  test("GIVEN the winner has no name WHEN chosen THEN the error names its id (a server attaches by name)", () => {
    expect(() => chooseDefaultNetwork([net("", { id: "6e4d-nameless", shared: true, projectId: "admin" }), ownPrivate], OWN)).toThrow(
      `the default network 6e4d-nameless has no name; ${FIX_NETWORK}`,
    );
  });
});

describe("chooseFloatingIpPool", () => {
  test("GIVEN one external network among others WHEN chosen THEN it is the pool, shared or not", () => {
    expect(chooseFloatingIpPool([ownPrivate, shared, externalNotShared]).name).toBe("ext-admin");
  });

  test("GIVEN no external network WHEN chosen THEN the error says so and gives the fix", () => {
    expect(() => chooseFloatingIpPool([ownPrivate, shared])).toThrow(`the site shows no external network to take floating IPs from; ${FIX_POOL}`);
  });

  test("GIVEN two external networks WHEN chosen THEN the error names both, sorted", () => {
    expect(() => chooseFloatingIpPool([publicShared, externalNotShared, ownPrivate])).toThrow(`2 external networks (ext-admin (external), public (external)); ${FIX_POOL}`);
  });
});

/** A token whose catalog has a network endpoint; the fetch answers `GET /v2.0/networks` with `networks`. */
function neutronToken(networks: object[], projectId = OWN, status = 200): { token: SiteToken; calls: Array<{ url: string; headers: Record<string, string> }> } {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = async (url: string | URL, init?: { headers?: Record<string, string> }): Promise<Response> => {
    calls.push({ url: String(url), headers: init?.headers ?? {} });
    if (String(url) === "https://neutron.example.org:9696/v2.0/networks") return new Response(JSON.stringify({ networks }), { status });
    return new Response("{}", { status: 404 });
  };
  const session = {
    token: "fake-token",
    authUrl: "https://k.example.org:5000/v3",
    project: { id: projectId, name: "VO:vo.example.org" },
    catalog: [{ type: "network", endpoints: [{ interface: "public", url: "https://neutron.example.org:9696/" }] }],
  };
  return { token: { session, fetch } as unknown as SiteToken, calls };
}

const NEUTRON = [
  { id: "n1", name: "public", "router:external": true, shared: true, project_id: "admin" },
  { id: "n2", name: "own-private", "router:external": false, shared: false, project_id: OWN },
  { id: "n3", name: "legacy", shared: false, tenant_id: OWN },
  { id: "n4" },
];

describe("SiteApi.networks and the network lookups", () => {
  test("GIVEN Neutron's network list WHEN read THEN router:external, shared and project_id (else tenant_id) map to NetworkInfo", async () => {
    const { token, calls } = neutronToken(NEUTRON);
    const api = new SiteApi(token);
    expect(await api.networks()).toEqual([
      { id: "n1", name: "public", external: true, shared: true, projectId: "admin" },
      { id: "n2", name: "own-private", external: false, shared: false, projectId: OWN },
      { id: "n3", name: "legacy", external: false, shared: false, projectId: OWN },
      { id: "n4", name: "", external: false, shared: false, projectId: "" },
    ]);
    expect(calls).toEqual([{ url: "https://neutron.example.org:9696/v2.0/networks", headers: expect.objectContaining({ "X-Auth-Token": "fake-token" }) }]);
    expect(api.projectId).toBe(OWN);
  });

  test("GIVEN Neutron's list WHEN the default-network lookup resolves THEN it answers the external shared network's name", async () => {
    expect(await defaultNetworkSpec.resolve(new SiteApi(neutronToken(NEUTRON).token))).toBe("public");
  });

  test("GIVEN the token's project owns a private network and nothing is shared WHEN the lookup resolves THEN it uses the token's project", async () => {
    const networks = [
      { id: "a", name: "mine", shared: false, project_id: "p-mine" },
      { id: "b", name: "yours", shared: false, project_id: "p-yours" },
    ];
    expect(await defaultNetworkSpec.resolve(new SiteApi(neutronToken(networks, "p-yours").token))).toBe("yours");
  });

  test("GIVEN Neutron's list WHEN the floating-IP-pool lookup resolves THEN it answers the one external network's name", async () => {
    expect(await floatingIpPoolSpec.resolve(new SiteApi(neutronToken(NEUTRON).token))).toBe("public");
  });

  test("GIVEN Neutron answers 403 WHEN the lookup resolves THEN the error names the URL and the status", async () => {
    await expect(defaultNetworkSpec.resolve(new SiteApi(neutronToken([], OWN, 403).token))).rejects.toThrow("GET https://neutron.example.org:9696/v2.0/networks answered HTTP 403");
  });

  test("GIVEN the lookup specs WHEN read THEN they have their own kinds, placeholders and sources for messages", () => {
    expect([defaultNetworkSpec.kind, defaultNetworkSpec.dummy, defaultNetworkSpec.source]).toEqual(["network-default", "egi-cdktf-network-not-looked-up", "VirtualMachine (no network)"]);
    expect([floatingIpPoolSpec.kind, floatingIpPoolSpec.dummy, floatingIpPoolSpec.source]).toEqual(["network-floating-ip-pool", "egi-cdktf-pool-not-looked-up", "VirtualMachine.addFloatingIp"]);
  });
});
