/**
 * The hook's project lookup for sites named by VO (EgiSite with `vo`, as EgiSite.fromSiteName makes
 * them), with the Check-in -> Keystone chain replaced by a stand-in of auth/session (not a site):
 * what is asked, how often, and where the answer goes. The real chain: __tests__/site/multi-site-deploy.site.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";

jest.mock("../../auth/session", () => ({
  availableProjects: jest.fn(async () => [
    { id: "aaaa1111", name: "VO:vo.other", domainId: "d", enabled: true },
    { id: "bbbb2222", name: "vo_vo_example", domainId: "d", enabled: true },
  ]),
  scopedToken: jest.fn(async (settings: { keystone: { baseUrl: string; projectId: string } }) => ({
    token: "stand-in-token",
    expiresAt: Date.now() / 1000 + 3600,
    project: { id: settings.keystone.projectId, name: "vo_vo_example" },
    roles: ["member"],
    user: { id: "u", name: "user" },
    catalog: [],
    fromCache: false,
    authUrl: `${settings.keystone.baseUrl}/v3`,
  })),
}));

import { synthWithEgiTokens } from "../../auth/hook";
import { availableProjects, scopedToken } from "../../auth/session";
import { EgiSite, projectForVoKey } from "../../constructs/egi-site";

const AUTH_URL = "https://keystone.example.org:5000/v3";

describe("synthWithEgiTokens with sites named by VO", () => {
  let dir: string;
  const saved = process.env.EGI_CDKTF_CONTEXT_FILE;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-hook-vo-"));
    process.env.EGI_CDKTF_CONTEXT_FILE = path.join(dir, "egi-cdktf.context.json");
    jest.clearAllMocks();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.EGI_CDKTF_CONTEXT_FILE;
    else process.env.EGI_CDKTF_CONTEXT_FILE = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("GIVEN two stacks at one site by one VO and no pin WHEN the hook runs THEN it lists the projects once, pins the VO's project and both providers scope to it", async () => {
    const app = new App({ outdir: path.join(dir, "out") });
    const stacks = ["one", "two"].map((id) => new TerraformStack(app, id));
    for (const stack of stacks) new EgiSite(stack, "site", { authUrl: AUTH_URL, vo: "vo.example" });
    const env = { CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_ID: "c", OS_PROJECT_ID: "another-sites-project", EGI_CDKTF_CACHE_DIR: path.join(dir, "cache") };

    await synthWithEgiTokens(app, { env });

    expect(availableProjects).toHaveBeenCalledTimes(1);
    expect((scopedToken as jest.Mock).mock.calls.map(([s]) => s.keystone.projectId)).toEqual(["bbbb2222"]);
    const context = JSON.parse(fs.readFileSync(process.env.EGI_CDKTF_CONTEXT_FILE!, "utf8"));
    expect(context[projectForVoKey(AUTH_URL, "vo.example")]).toBe("bbbb2222");
    for (const stack of stacks) {
      expect(JSON.parse(Testing.synth(stack)).provider.openstack[0].tenant_id).toBe("bbbb2222");
    }
  });

  test("GIVEN the pin WHEN the app is built again and the hook runs THEN no project list is asked and the provider scopes to the pin", async () => {
    fs.writeFileSync(process.env.EGI_CDKTF_CONTEXT_FILE!, JSON.stringify({ [projectForVoKey(AUTH_URL, "vo.example")]: "bbbb2222" }));
    const app = new App({ outdir: path.join(dir, "out") });
    const stack = new TerraformStack(app, "one");
    new EgiSite(stack, "site", { authUrl: AUTH_URL, vo: "vo.example" });

    await synthWithEgiTokens(app, { env: { CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_ID: "c", EGI_CDKTF_CACHE_DIR: path.join(dir, "cache") } });

    expect(availableProjects).not.toHaveBeenCalled();
    expect((scopedToken as jest.Mock).mock.calls.map(([s]) => s.keystone.projectId)).toEqual(["bbbb2222"]);
  });
});
