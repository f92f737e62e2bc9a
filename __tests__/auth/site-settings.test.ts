/**
 * A site and a VO by name (auth/site-settings.ts), no site needed: which of --site/--vo and
 * EGI_SITE/EGI_VO wins, the one-line errors, and that a named site's Keystone and project replace
 * OS_AUTH_URL / OS_PROJECT_ID left in the environment (e.g. by an earlier `eval $(egi-cdktf env)`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EgiAuthError } from "../../auth/errors";
import { writeSiteList } from "../../auth/site-list-file";
import { parseSiteEntry, type SiteVo } from "../../auth/site-list";
import { commandSettings, settingsForSite, siteChoice, siteOverrides, siteVoFor } from "../../auth/site-settings";
import { authErrorOf as errorOf } from "../support/thrown";

const IFCA = parseSiteEntry(
  {
    gocdb: "IFCA-LCG2",
    endpoint: "https://api.cloud.ifca.es:5000/v3/",
    protocol: "oidc",
    region: "RegionOne",
    vos: [
      { name: "vo.access.egi.eu", auth: { project_id: "999f045cb1ff4684a15ebb338af69460" }, defaultNetwork: "private", publicNetwork: "public" },
      { name: "dteam" },
    ],
  },
  "sites/IFCA-LCG2.yaml",
);
const LILLE = parseSiteEntry({ gocdb: "UNIV-LILLE", endpoint: "https://thor.univ-lille.fr:5000/v3", vos: { "vo.access.egi.eu": {} } }, "sites/UNIV-LILLE.yaml");

/** Another site's values, as an earlier `eval "$(egi-cdktf env)"` leaves them. */
const STALE = { OS_AUTH_URL: "https://identity.cloud.muni.cz/v3", OS_PROJECT_ID: "10b972eed97940089b234f6257d7db72" };
const CREDENTIAL = { CHECKIN_ACCESS_TOKEN: "access-token-for-tests", HOME: "/home/u" };

function sitesFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "site-settings-")), "egi-cdktf.sites.json");
  writeSiteList(file, [IFCA, LILLE], { source: "test", refreshedAt: "2026-01-01T00:00:00.000Z" });
  return file;
}

async function rejectionOf(p: Promise<unknown>): Promise<EgiAuthError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EgiAuthError) return err;
    throw err;
  }
  throw new Error("expected an EgiAuthError");
}

describe("siteChoice: --site/--vo or EGI_SITE/EGI_VO", () => {
  test("GIVEN flags and env vars WHEN chosen THEN the flags win", () => {
    expect(siteChoice({ site: "IFCA-LCG2", vo: "vo.access.egi.eu" }, {}, { EGI_SITE: "UNIV-LILLE", EGI_VO: "dteam" })).toEqual({ site: "IFCA-LCG2", vo: "vo.access.egi.eu" });
  });

  test("GIVEN only EGI_SITE and EGI_VO WHEN chosen THEN they are used, trimmed", () => {
    expect(siteChoice({}, {}, { EGI_SITE: " UNIV-LILLE ", EGI_VO: "vo.access.egi.eu\n" })).toEqual({ site: "UNIV-LILLE", vo: "vo.access.egi.eu" });
  });

  test("GIVEN --site and EGI_VO WHEN chosen THEN the flag's site with the env's VO", () => {
    expect(siteChoice({ site: "IFCA-LCG2" }, {}, { EGI_SITE: "UNIV-LILLE", EGI_VO: "dteam" })).toEqual({ site: "IFCA-LCG2", vo: "dteam" });
  });

  test("GIVEN EGI_SITE and --vo WHEN chosen THEN the env's site with the flag's VO", () => {
    expect(siteChoice({ vo: "dteam" }, {}, { EGI_SITE: "UNIV-LILLE", EGI_VO: "vo.access.egi.eu" })).toEqual({ site: "UNIV-LILLE", vo: "dteam" });
  });

  test("GIVEN EGI_VO alone (kept exported for fedcloudclient) WHEN chosen THEN no site: undefined, no error", () => {
    expect(siteChoice({}, {}, { EGI_VO: "vo.access.egi.eu", ...STALE })).toBeUndefined();
  });

  test("GIVEN nothing WHEN chosen THEN undefined", () => {
    expect(siteChoice({}, {}, {})).toBeUndefined();
  });

  test("GIVEN --site without a VO WHEN chosen THEN one line naming the site, --vo and EGI_VO", () => {
    const err = errorOf(() => siteChoice({ site: "IFCA-LCG2" }, {}, {}));

    expect(err.code).toBe("SETTING_MISSING");
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(/^--site IFCA-LCG2 needs a VO: add --vo \(or EGI_VO\)/);
  });

  test("GIVEN EGI_SITE without a VO WHEN chosen THEN the line names EGI_SITE as the source", () => {
    const err = errorOf(() => siteChoice({}, {}, { EGI_SITE: "UNIV-LILLE" }));

    expect(err.message).toMatch(/^EGI_SITE UNIV-LILLE needs a VO: add --vo \(or EGI_VO\)/);
  });

  test("GIVEN --vo without any site WHEN chosen THEN one line asking for --site", () => {
    const err = errorOf(() => siteChoice({ vo: "dteam" }, {}, {}));

    expect(err.code).toBe("SETTING_MISSING");
    expect(err.message).toMatch(/^--vo needs a site: add --site \(or EGI_SITE\)/);
  });

  test.each`
    given              | overrides
    ${"--auth-url"}    | ${{ authUrl: "https://keystone.example.org:5000/v3" }}
    ${"--project-id"}  | ${{ projectId: "p1" }}
  `("GIVEN --site with $given WHEN chosen THEN one line: the site names them already", ({ overrides }) => {
    const err = errorOf(() => siteChoice({ site: "IFCA-LCG2", vo: "dteam" }, overrides, {}));

    expect(err.code).toBe("SETTING_INVALID");
    expect(err.message).toBe("--site names the Keystone and project already: drop --auth-url / --project-id, or drop --site");
  });
});

describe("siteOverrides", () => {
  const ifcaAccess: SiteVo = { site: IFCA, vo: IFCA.vos[0] };

  test("GIVEN a site and VO with a project id WHEN applied THEN the endpoint, project id and protocol come from the list; other overrides stay", () => {
    expect(siteOverrides(ifcaAccess, { clientId: "token-portal", scope: "openid" })).toEqual({
      clientId: "token-portal",
      scope: "openid",
      authUrl: "https://api.cloud.ifca.es:5000/v3/",
      projectId: "999f045cb1ff4684a15ebb338af69460",
      protocol: "oidc",
    });
  });

  test("GIVEN --protocol WHEN applied THEN it wins over the site's protocol", () => {
    expect(siteOverrides(ifcaAccess, { protocol: "openid" }).protocol).toBe("openid");
  });

  test("GIVEN a VO without a project id WHEN applied THEN the project id is left undefined (to be found by name)", () => {
    expect(siteOverrides({ site: IFCA, vo: IFCA.vos[1] }, {}).projectId).toBeUndefined();
  });
});

describe("siteVoFor and commandSettings with a pinned list (EGI_SITES_FILE)", () => {
  test("GIVEN a pinned list WHEN siteVoFor a site and VO in other case THEN the entries", () => {
    const env = { EGI_SITES_FILE: sitesFile() };

    const { site, vo } = siteVoFor({ site: "univ-lille", vo: "VO.ACCESS.EGI.EU" }, env);

    expect(site.endpoint).toBe("https://thor.univ-lille.fr:5000/v3");
    expect(vo.name).toBe("vo.access.egi.eu");
  });

  test("GIVEN OS_AUTH_URL and OS_PROJECT_ID of another site in env WHEN commandSettings for a named site whose VO has a project id THEN the list's Keystone and project id are used", async () => {
    const env = { EGI_SITES_FILE: sitesFile(), ...STALE, ...CREDENTIAL, EGI_CDKTF_CACHE_DIR: "/nonexistent/cache" };

    const { settings, siteVo } = await commandSettings({ site: "IFCA-LCG2", vo: "vo.access.egi.eu" }, {}, env);

    expect(siteVo?.site.name).toBe("IFCA-LCG2");
    expect(settings.keystone.baseUrl).toBe("https://api.cloud.ifca.es:5000");
    expect(settings.keystone.projectId).toBe("999f045cb1ff4684a15ebb338af69460");
    expect(settings.keystone.protocols).toEqual(["oidc"]);
    expect(settings.checkin.credential).toEqual({ kind: "access_token", accessToken: "access-token-for-tests" });
  });

  test("GIVEN EGI_SITE/EGI_VO and stale OS_* WHEN commandSettings THEN the env's site is used, not OS_AUTH_URL", async () => {
    const env = { EGI_SITES_FILE: sitesFile(), EGI_SITE: "IFCA-LCG2", EGI_VO: "vo.access.egi.eu", ...STALE, ...CREDENTIAL };

    const { settings } = await commandSettings({}, {}, env);

    expect(settings.keystone.baseUrl).toBe("https://api.cloud.ifca.es:5000");
    expect(settings.keystone.projectId).toBe("999f045cb1ff4684a15ebb338af69460");
  });

  test("GIVEN requireProject=false (projects) and a VO without a project id WHEN commandSettings THEN no request, the site's Keystone and no project id (not the stale OS_PROJECT_ID)", async () => {
    const env = { EGI_SITES_FILE: sitesFile(), ...STALE, ...CREDENTIAL };

    const { settings, siteVo } = await commandSettings({ site: "UNIV-LILLE", vo: "vo.access.egi.eu" }, {}, env, false);

    expect(siteVo?.vo.projectId).toBeUndefined();
    expect(settings.keystone.baseUrl).toBe("https://thor.univ-lille.fr:5000");
    expect(settings.keystone.projectId).toBeUndefined();
    expect(settings.keystone.protocols).toEqual(["openid", "oidc"]);
  });

  test("GIVEN requireProject=false and a VO with a project id WHEN commandSettings THEN the list's project id (projects marks it)", async () => {
    const env = { EGI_SITES_FILE: sitesFile(), ...STALE, ...CREDENTIAL };

    const { settings } = await commandSettings({ site: "IFCA-LCG2", vo: "vo.access.egi.eu" }, {}, env, false);

    expect(settings.keystone.projectId).toBe("999f045cb1ff4684a15ebb338af69460");
  });

  test("GIVEN no site named WHEN commandSettings THEN the OS_* variables are used as before", async () => {
    const env = { EGI_SITES_FILE: "/nonexistent/egi-cdktf.sites.json", EGI_VO: "vo.access.egi.eu", ...STALE, ...CREDENTIAL };

    const { settings, siteVo } = await commandSettings({}, {}, env);

    expect(siteVo).toBeUndefined();
    expect(settings.keystone.baseUrl).toBe("https://identity.cloud.muni.cz");
    expect(settings.keystone.projectId).toBe(STALE.OS_PROJECT_ID);
  });

  test("GIVEN a site not in the list WHEN commandSettings THEN UNKNOWN_SITE with the close match, before any credential is needed", async () => {
    const err = await rejectionOf(commandSettings({ site: "IFCA", vo: "dteam" }, {}, { EGI_SITES_FILE: sitesFile() }));

    expect(err.code).toBe("UNKNOWN_SITE");
    expect(err.message).toMatch(/^site "IFCA" is not in .*egi-cdktf\.sites\.json; close: IFCA-LCG2;/);
  });

  test("GIVEN a VO the site lacks WHEN commandSettings THEN UNKNOWN_VO naming the sites that have it", async () => {
    const err = await rejectionOf(commandSettings({ site: "UNIV-LILLE", vo: "dteam" }, {}, { EGI_SITES_FILE: sitesFile(), ...CREDENTIAL }));

    expect(err.code).toBe("UNKNOWN_VO");
    expect(err.message).toContain("sites with it: IFCA-LCG2");
  });

  test("GIVEN no pinned list WHEN a site is named THEN SITE_LIST_INVALID naming the file and `egi-cdktf sites refresh`", async () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "site-settings-")), "none.json");

    const err = await rejectionOf(commandSettings({ site: "IFCA-LCG2", vo: "dteam" }, {}, { EGI_SITES_FILE: missing, ...CREDENTIAL }));

    expect(err.code).toBe("SITE_LIST_INVALID");
    expect(err.message).toContain(`no site list at ${missing}`);
    expect(err.message).toContain("`egi-cdktf sites refresh`");
  });
});

describe("settingsForSite: a VO without a listed project id", () => {
  /** Keystone answering the federated login and the project list, recording what was asked. */
  function fakeKeystone(projects: Array<{ id: string; name: string }>) {
    const calls: string[] = [];
    const fetch = async (url: string | URL, init: RequestInit = {}) => {
      const u = String(url);
      calls.push(`${init.method ?? "GET"} ${u}`);
      if (u.endsWith("/v3/OS-FEDERATION/identity_providers/egi.eu/protocols/openid/auth")) {
        return new Response("{}", { status: 201, headers: { "X-Subject-Token": "unscoped-token" } });
      }
      if (u.endsWith("/v3/auth/projects")) return new Response(JSON.stringify({ projects }), { status: 200, headers: { "Content-Type": "application/json" } });
      return new Response("not here", { status: 404 });
    };
    return { fetch, calls };
  }

  test("GIVEN the user's projects at the site WHEN settings are made THEN the project named like the VO is chosen, at the site's Keystone", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "site-settings-cache-"));
    const keystone = fakeKeystone([
      { id: "aa893955520a4a98a04453808d6f1232", name: "dteam" },
      { id: "e57db5c1e0b24bcbac9904f4ac22dcaa", name: "VO:vo.access.egi.eu" },
    ]);

    const settings = await settingsForSite({ site: LILLE, vo: LILLE.vos[0] }, {}, { ...STALE, ...CREDENTIAL, EGI_CDKTF_CACHE_DIR: cacheDir }, { fetch: keystone.fetch });

    expect(settings.keystone.projectId).toBe("e57db5c1e0b24bcbac9904f4ac22dcaa");
    expect(settings.keystone.baseUrl).toBe("https://thor.univ-lille.fr:5000");
    expect(keystone.calls).toEqual([
      "POST https://thor.univ-lille.fr:5000/v3/OS-FEDERATION/identity_providers/egi.eu/protocols/openid/auth",
      "GET https://thor.univ-lille.fr:5000/v3/auth/projects",
    ]);
  });

  test("GIVEN no project named like the VO WHEN settings are made THEN UNKNOWN_PROJECT naming the site and the user's projects", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "site-settings-cache-"));
    const keystone = fakeKeystone([{ id: "x1", name: "EGI_access" }]);

    const err = await rejectionOf(settingsForSite({ site: LILLE, vo: LILLE.vos[0] }, {}, { ...CREDENTIAL, EGI_CDKTF_CACHE_DIR: cacheDir }, { fetch: keystone.fetch }));

    expect(err.code).toBe("UNKNOWN_PROJECT");
    expect(err.message).toMatch(/^site UNIV-LILLE: none of your projects is named like VO vo\.access\.egi\.eu \(EGI_access\)/);
  });
});
