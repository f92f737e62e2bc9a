/**
 * VirtualMachine's network and floating IP pool when the app names neither: taken from the site
 * (its `defaultNetwork` / `floatingIpPool`, which EgiSite.fromSiteName fills from the site list);
 * at a listed site that gives none, from a synth-time lookup (Neutron's network list), with a
 * precondition that stops `terraform plan` while it is unanswered; at a plain EgiSite as before.
 */
import * as fs from "node:fs";
import { TerraformStack, Testing } from "cdktf";
import type { SiteToken } from "../../auth/hook";
import { EgiSite } from "../../constructs/egi-site";
import { Network } from "../../constructs/network";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { useSiteListEnv } from "../support/site-list-env";
import { fixed } from "../support/construct-fixtures";

const VO = "vo.test.eu";
const FULL_URL = "https://keystone.full.example.org:5000/v3";
const BARE_URL = "https://keystone.bare.example.org:5000/v3";
/** Where the lookups of BARE-SITE are pinned: `<kind>:<query>@<auth URL>|<project>|<region>`. */
const BARE_KEY = (kind: string) => `${kind}:{}@https://keystone.bare.example.org:5000|proj-bare|R2`;
const NETWORK_PLACEHOLDER = "egi-cdktf-network-not-looked-up";
const POOL_PLACEHOLDER = "egi-cdktf-pool-not-looked-up";
const NETWORK_ID = "3f1c2a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b";
const FIX = "set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again, or pin it in egi-cdktf.context.json";

const SITE_LIST = {
  sites: [
    { gocdb: "FULL-SITE", endpoint: FULL_URL, vos: [{ name: VO, auth: { project_id: "proj-full" }, defaultNetwork: "net-full", publicNetwork: "ext-full" }] },
    { gocdb: "BARE-SITE", endpoint: BARE_URL, region: "R2", vos: [{ name: VO, auth: { project_id: "proj-bare" } }] },
  ],
};

const env = useSiteListEnv("vm-site-defaults", SITE_LIST);

/** Image and flavor by id: no lookup of theirs, so every precondition seen is the network's or the pool's. */

interface Precondition {
  readonly condition: string;
  readonly error_message: string;
}

/** A stack `s` with `site(stack)` as its site, a VM `vm` built by `vm`; the context file pinned first when given. */
function build(site: (stack: TerraformStack) => EgiSite | undefined, vm: (stack: TerraformStack, site?: EgiSite) => void, context?: Record<string, unknown>) {
  if (context) fs.writeFileSync(env.contextFile, JSON.stringify(context));
  const stack = new TerraformStack(Testing.app(), "s");
  const egiSite = site(stack);
  vm(stack, egiSite);
  return { stack, site: egiSite };
}

const listed = (name: string, alias?: string) => (stack: TerraformStack) => EgiSite.fromSiteName(stack, "site", { site: name, vo: VO, alias });
const plain = (props: ConstructorParameters<typeof EgiSite>[2] = {}) => (stack: TerraformStack) => new EgiSite(stack, "site", { authUrl: "https://plain.example.org:5000/v3", projectId: "proj-plain", ...props });
const defaultVm = (stack: TerraformStack) => void new VirtualMachine(stack, "vm", fixed());

/** The synthesized stack: its only server, its only floating IP, and the locals. */
function synth(stack: TerraformStack) {
  const json = JSON.parse(Testing.synth(stack));
  const servers = Object.values(json.resource.openstack_compute_instance_v2) as Array<Record<string, any>>;
  expect(servers).toHaveLength(1);
  const ips = Object.values(json.resource.openstack_networking_floatingip_v2 ?? {}) as Array<Record<string, any>>;
  return { json, server: servers[0], floatingIp: ips[0] as Record<string, any> | undefined, locals: (json.locals ?? {}) as Record<string, unknown> };
}

/** Each precondition of `block`, with the value of the lookup local its condition reads. */
function preconditionsOf(block: Record<string, any> | undefined, locals: Record<string, unknown>): Array<Precondition & { readonly local: unknown }> {
  return ((block?.lifecycle?.precondition ?? []) as Precondition[]).map((p) => {
    const name = /^\$\{local\.([\w-]+) != "[^"]+"\}$/.exec(p.condition)?.[1];
    return { ...p, local: name === undefined ? undefined : locals[name] };
  });
}

describe("the server's network when the app names none", () => {
  test("GIVEN a listed site with defaultNetwork WHEN synthesized THEN the server attaches to that network by name, with no lookup or precondition", () => {
    const { stack } = build(listed("FULL-SITE"), defaultVm);
    const { server, locals } = synth(stack);
    expect(server.network).toEqual([{ name: "net-full" }]);
    expect(server).not.toHaveProperty("lifecycle");
    expect(Object.keys(locals)).toEqual([]);
  });

  test("GIVEN a listed site without defaultNetwork and no credential WHEN synthesized THEN the network is the placeholder and a precondition names the default network lookup and the fix", () => {
    const { stack } = build(listed("BARE-SITE"), defaultVm);
    const { server, locals } = synth(stack);
    expect(server.network).toEqual([{ name: NETWORK_PLACEHOLDER }]);
    expect(preconditionsOf(server, locals)).toEqual([
      {
        condition: expect.stringMatching(new RegExp(`^\\$\\{local\\.egi_lookup_network_default_[0-9a-f]{8} != "${NETWORK_PLACEHOLDER}"\\}$`)),
        error_message: `VirtualMachine (no network) in s/vm: the default network (fedcloud select network: external, then shared, then private) was not looked up at synth (not pinned in egi-cdktf.context.json, no Check-in credential), so its id is a placeholder; ${FIX}`,
        local: NETWORK_PLACEHOLDER,
      },
    ]);
  });

  test("GIVEN a listed site without defaultNetwork and the answer pinned in the context file WHEN synthesized THEN the server attaches to the pinned network and its precondition holds", () => {
    const { stack } = build(listed("BARE-SITE"), defaultVm, { [BARE_KEY("network-default")]: "vo-private" });
    const { server, locals } = synth(stack);
    expect(server.network).toEqual([{ name: "vo-private" }]);
    // Decided at synth: the local holds the pinned name, so `local != placeholder` is true at plan.
    expect(preconditionsOf(server, locals).map((p) => p.local)).toEqual(["vo-private"]);
  });

  test("GIVEN a pinned answer that is not a name WHEN the VM is constructed THEN one line names the key and egi-cdktf context reset", () => {
    expect(() => build(listed("BARE-SITE"), defaultVm, { [BARE_KEY("network-default")]: 42 })).toThrow(
      `${env.contextFile}: ${JSON.stringify(BARE_KEY("network-default"))} holds the number 42, not an id (a non-empty string); run \`egi-cdktf context reset network-default\` and synth again to look it up`,
    );
  });

  test.each([
    ["a plain EgiSite", plain()],
    ["no EgiSite at all", () => undefined],
  ])("GIVEN %s WHEN synthesized THEN the server has no network block and no precondition (Nova picks the project's only network)", (_what, site) => {
    const { stack } = build(site, defaultVm);
    const { server, locals } = synth(stack);
    expect(server).not.toHaveProperty("network");
    expect(server).not.toHaveProperty("lifecycle");
    expect(Object.keys(locals)).toEqual([]);
  });

  test("GIVEN a plain EgiSite with defaultNetwork WHEN synthesized THEN the server attaches to it by name", () => {
    const { stack } = build(plain({ defaultNetwork: "my-net" }), defaultVm);
    expect(synth(stack).server.network).toEqual([{ name: "my-net" }]);
  });

  test("GIVEN a listed site without defaultNetwork and Network.fromId WHEN synthesized THEN the given network wins and nothing is looked up", () => {
    const { stack } = build(listed("BARE-SITE"), (s) => new VirtualMachine(s, "vm", { ...fixed(), network: Network.fromId(NETWORK_ID) }));
    const { server, locals } = synth(stack);
    expect(server.network).toEqual([{ uuid: NETWORK_ID }]);
    expect(server).not.toHaveProperty("lifecycle");
    expect(Object.keys(locals)).toEqual([]);
  });

  test("GIVEN the stack's default site is listed but the VM is given a plain site with alias WHEN synthesized THEN the defaults come from the given site", () => {
    const { stack } = build(listed("FULL-SITE"), (s) => {
      const other = new EgiSite(s, "other", { alias: "other" });
      new VirtualMachine(s, "vm", { ...fixed(), site: other });
    });
    const { server } = synth(stack);
    expect(server).not.toHaveProperty("network");
    expect(server.provider).toBe("openstack.other");
  });

  test("GIVEN a listed site with alias passed as site WHEN synthesized THEN the server uses its provider and its defaultNetwork", () => {
    const { stack } = build(listed("FULL-SITE", "full"), (s, site) => new VirtualMachine(s, "vm", { ...fixed(), site }));
    expect(synth(stack).server).toMatchObject({ network: [{ name: "net-full" }], provider: "openstack.full" });
  });

  test("GIVEN two VMs at a listed site without defaultNetwork WHEN synthesized THEN both share one lookup local", () => {
    const { stack } = build(listed("BARE-SITE"), (s) => {
      new VirtualMachine(s, "a", fixed());
      new VirtualMachine(s, "b", fixed());
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.locals)).toEqual([expect.stringMatching(/^egi_lookup_network_default_[0-9a-f]{8}$/)]);
    const servers = Object.values(json.resource.openstack_compute_instance_v2) as Array<{ network: unknown; lifecycle: { precondition: Precondition[] } }>;
    expect(servers.map((s) => s.network)).toEqual([[{ name: NETWORK_PLACEHOLDER }], [{ name: NETWORK_PLACEHOLDER }]]);
    expect(servers.map((s) => s.lifecycle.precondition.length)).toEqual([1, 1]);
  });
});

describe("VirtualMachine.addFloatingIp() without a pool", () => {
  const withIp = (pool?: string) => (s: TerraformStack, site?: EgiSite) => void new VirtualMachine(s, "vm", { ...fixed(), site }).addFloatingIp(pool);

  test("GIVEN a listed site with publicNetwork WHEN synthesized THEN the floating IP comes from it, with no precondition", () => {
    const { stack } = build(listed("FULL-SITE"), withIp());
    const { floatingIp, locals } = synth(stack);
    expect(floatingIp?.pool).toBe("ext-full");
    expect(floatingIp).not.toHaveProperty("lifecycle");
    expect(Object.keys(locals)).toEqual([]);
  });

  test("GIVEN a listed site without publicNetwork and no credential WHEN synthesized THEN the pool is the placeholder and a precondition on the floating IP names addFloatingIp", () => {
    const { stack } = build(listed("BARE-SITE"), withIp());
    const { floatingIp, locals } = synth(stack);
    expect(floatingIp?.pool).toBe(POOL_PLACEHOLDER);
    expect(preconditionsOf(floatingIp, locals)).toEqual([
      {
        condition: expect.stringMatching(new RegExp(`^\\$\\{local\\.egi_lookup_network_floating_ip_pool_[0-9a-f]{8} != "${POOL_PLACEHOLDER}"\\}$`)),
        error_message: `VirtualMachine.addFloatingIp in s/vm: the floating IP pool (the site's external network) was not looked up at synth (not pinned in egi-cdktf.context.json, no Check-in credential), so its id is a placeholder; ${FIX}`,
        local: POOL_PLACEHOLDER,
      },
    ]);
  });

  test("GIVEN a listed site without publicNetwork and the pool pinned WHEN synthesized THEN the floating IP comes from the pinned pool and its precondition holds", () => {
    const { stack } = build(listed("BARE-SITE"), withIp(), { [BARE_KEY("network-floating-ip-pool")]: "ext-pinned" });
    const { floatingIp, locals } = synth(stack);
    expect(floatingIp?.pool).toBe("ext-pinned");
    expect(preconditionsOf(floatingIp, locals).map((p) => p.local)).toEqual(["ext-pinned"]);
  });

  test.each([
    ["a plain EgiSite", plain()],
    ["no EgiSite at all", () => undefined],
  ])("GIVEN %s WHEN addFloatingIp() is called THEN one line names addFloatingIp and asks for the pool", (_what, site) => {
    let message = "";
    try {
      build(site, withIp());
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      "VirtualMachine s/vm: addFloatingIp needs a pool here (the site names none); give the external network's name, as `openstack network list --external` shows",
    );
  });

  test("GIVEN a plain EgiSite with floatingIpPool WHEN addFloatingIp() is called THEN the floating IP comes from it", () => {
    const { stack } = build(plain({ floatingIpPool: "site-pool" }), withIp());
    expect(synth(stack).floatingIp?.pool).toBe("site-pool");
  });

  test.each([
    ["with publicNetwork", "FULL-SITE"],
    ["without publicNetwork", "BARE-SITE"],
  ])("GIVEN a listed site %s WHEN addFloatingIp(pool) is called THEN the explicit pool wins and no pool lookup is made", (_what, site) => {
    const { stack } = build(listed(site), withIp("explicit-pool"));
    const { floatingIp, locals } = synth(stack);
    expect(floatingIp?.pool).toBe("explicit-pool");
    expect(floatingIp).not.toHaveProperty("lifecycle");
    expect(Object.keys(locals).filter((k) => k.includes("floating_ip_pool"))).toEqual([]);
  });

  test("GIVEN a listed site without publicNetwork and the floatingIpPool prop WHEN synthesized THEN the prop's pool wins", () => {
    const { stack } = build(listed("BARE-SITE"), (s) => new VirtualMachine(s, "vm", { ...fixed(), floatingIpPool: "prop-pool" }));
    const { floatingIp } = synth(stack);
    expect(floatingIp).toEqual({ pool: "prop-pool" });
    expect(floatingIp).not.toHaveProperty("lifecycle");
  });
});

/** A SiteToken answering Neutron's `GET /v2.0/networks` from memory; records the URLs asked for. */
function neutronToken(networks: object[], projectId = "proj-bare"): { token: SiteToken; calls: string[] } {
  const calls: string[] = [];
  const fetch = async (url: string | URL): Promise<Response> => {
    calls.push(String(url));
    if (String(url).endsWith("/v2.0/networks")) return new Response(JSON.stringify({ networks }), { status: 200 });
    return new Response("{}", { status: 404 });
  };
  const session = {
    token: "fake-token",
    authUrl: BARE_URL,
    project: { id: projectId, name: VO },
    catalog: [
      { type: "network", endpoints: [{ interface: "public", region: "R1", url: "https://neutron-r1.example.org" }, { interface: "public", region: "R2", url: "https://neutron-r2.example.org" }] },
    ],
  };
  return { token: { session, fetch } as unknown as SiteToken, calls };
}

const NEUTRON = [
  { id: "n-pub", name: "public", "router:external": true, shared: false, project_id: "admin" },
  { id: "n-own", name: "vo-private", "router:external": false, shared: false, project_id: "proj-bare" },
  { id: "n-other", name: "someone-elses", shared: false, project_id: "proj-other" },
];

describe("the lookups answered by the hook's prepare with a stand-in token", () => {
  test("GIVEN a listed site without defaults and Neutron's list WHEN prepared THEN the default network and the pool are looked up in the site's region, pinned, and the server uses them", async () => {
    const { stack, site } = build(listed("BARE-SITE"), (s) => void new VirtualMachine(s, "vm", fixed()).addFloatingIp());
    const { token, calls } = neutronToken(NEUTRON);
    await site!._lookups.prepare(token);

    expect(calls.length).toBeGreaterThan(0);
    expect([...new Set(calls)]).toEqual(["https://neutron-r2.example.org/v2.0/networks"]);
    expect(JSON.parse(fs.readFileSync(env.contextFile, "utf8"))).toEqual({
      [BARE_KEY("network-default")]: "vo-private",
      [BARE_KEY("network-floating-ip-pool")]: "public",
    });
    const { server, floatingIp, locals } = synth(stack);
    expect(server.network).toEqual([{ name: "vo-private" }]);
    expect(floatingIp?.pool).toBe("public");
    expect(Object.values(locals).sort()).toEqual(["public", "vo-private"]);
  });

  test("GIVEN the answers pinned by a first prepare WHEN a new app is synthesized without a credential THEN it uses them and asks nothing", async () => {
    const first = build(listed("BARE-SITE"), defaultVm);
    await first.site!._lookups.prepare(neutronToken(NEUTRON).token);

    const { stack, site } = build(listed("BARE-SITE"), defaultVm);
    const { token, calls } = neutronToken([]);
    await site!._lookups.prepare(token);
    expect(calls).toEqual([]);
    expect(synth(stack).server.network).toEqual([{ name: "vo-private" }]);
  });

  test("GIVEN two shared networks WHEN prepared THEN it fails with one line naming the VM, the lookup and both networks, and nothing is pinned", async () => {
    const { site } = build(listed("BARE-SITE"), defaultVm);
    const tie = [
      { id: "a", name: "shared-a", shared: true, project_id: "admin" },
      { id: "b", name: "shared-b", shared: true, project_id: "admin" },
    ];
    await expect(site!._lookups.prepare(neutronToken(tie).token)).rejects.toThrow(
      "s/vm: the default network (fedcloud select network: external, then shared, then private): 2 networks could be the default (shared-a (shared), shared-b (shared)); name one with defaultNetwork in egi-cdktf.sites.json, or pass network: Network.fromName(...)",
    );
    expect(fs.existsSync(env.contextFile)).toBe(false);
  });

  test("GIVEN a listed site with defaultNetwork and publicNetwork WHEN prepared THEN Neutron is not asked", async () => {
    const { site } = build(listed("FULL-SITE"), (s) => void new VirtualMachine(s, "vm", fixed()).addFloatingIp());
    const { token, calls } = neutronToken(NEUTRON);
    await site!._lookups.prepare(token);
    expect(calls).toEqual([]);
  });

  test("GIVEN no credential WHEN prepared THEN the VM gets a warning naming the lookup and the context file", async () => {
    const { stack, site } = build(listed("BARE-SITE"), defaultVm);
    await site!._lookups.prepare(undefined);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => `${c.node.path}: ${m.data}`));
    expect(warnings).toEqual([
      `s/vm: the default network (fedcloud select network: external, then shared, then private): not in ${env.contextFile} and no Check-in credential to look it up; its id is a placeholder and terraform plan stops at the server's precondition until it is known: ${FIX.replace("egi-cdktf.context.json", env.contextFile)}`,
    ]);
  });
});
