/**
 * A site with several endpoints (clouds) in the site list (auth/site-list.ts, site-list-file.ts,
 * site-settings.ts), no site needed: (site, VO) resolves to the one endpoint serving the VO; two
 * endpoints serving it are a one-line error until EGI_SITE_ENDPOINT (or `--endpoint`) chooses; a
 * VO's own region; and pins written by the egi-cdktf before this (one entry per site) still load.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSiteList, writeSiteList } from "../../auth/site-list-file";
import { parseSiteEntry, siteDocument, SiteList } from "../../auth/site-list";
import { siteChoice, siteVoFor } from "../../auth/site-settings";
import { authErrorOf as errorOf } from "../support/thrown";

const FAUST = parseSiteEntry(
  {
    gocdb: "fedcloud.srce.hr",
    endpoint: "https://faust.srce.hr:5000/v3",
    vos: [
      { name: "ops", auth: { project_id: "45d0f030ddca401e8b1a713360505ac7" } },
      { name: "vo.cessda-eric.eu", auth: { project_id: "739845e89e554283bf52e09350d855db" } },
    ],
  },
  "sites/fedcloud.srce.hr.yaml",
);
const CRO_NGI = parseSiteEntry(
  {
    gocdb: "fedcloud.srce.hr",
    endpoint: "https://cloud.cro-ngi.hr:5000/v3/",
    region: "RegionOne",
    vos: [
      { name: "ops", auth: { project_id: "c99c8b38569546008104fbaa12fe3aa9" } },
      { name: "vo.epos-eric.eu", auth: { project_id: "44a3a5f9c2f44940acc98a8aee3875ba" } },
    ],
  },
  "sites/fedcloud.srce.hr-2.yaml",
);
const CREODIAS = parseSiteEntry(
  { gocdb: "CREODIAS", endpoint: "https://keystone.cloudferro.com:5000/v3", vos: [{ name: "ops", auth: { region: "WAW4-1" } }] },
  "sites/CREODIAS.yaml",
);
const list = () => new SiteList([FAUST, CRO_NGI, CREODIAS], "/app/egi-cdktf.sites.json");

describe("SiteList: a site with two endpoints", () => {
  test.each`
    vo                      | endpoint                               | projectId
    ${"vo.cessda-eric.eu"}  | ${"https://faust.srce.hr:5000/v3"}     | ${"739845e89e554283bf52e09350d855db"}
    ${"vo.epos-eric.eu"}    | ${"https://cloud.cro-ngi.hr:5000/v3/"} | ${"44a3a5f9c2f44940acc98a8aee3875ba"}
    ${"VO.EPOS-ERIC.EU"}    | ${"https://cloud.cro-ngi.hr:5000/v3/"} | ${"44a3a5f9c2f44940acc98a8aee3875ba"}
  `("GIVEN VO $vo, served by one of the two WHEN looked up THEN that endpoint and its project", ({ vo, endpoint, projectId }) => {
    const found = list().siteVo("FEDCLOUD.SRCE.HR", vo);

    expect(found.site.endpoint).toBe(endpoint);
    expect(found.vo.projectId).toBe(projectId);
  });

  test("GIVEN VO ops, served by both, and no choice WHEN looked up THEN SETTING_MISSING, one line naming both endpoints and the setting to choose with", () => {
    const err = errorOf(() => list().siteVo("fedcloud.srce.hr", "ops", { setting: "EGI_SITE_ENDPOINT" }));

    expect(err.code).toBe("SETTING_MISSING");
    expect(err.message).toBe(
      "site fedcloud.srce.hr serves VO ops at 2 endpoints (https://faust.srce.hr:5000/v3, https://cloud.cro-ngi.hr:5000/v3/; per /app/egi-cdktf.sites.json): choose one with EGI_SITE_ENDPOINT",
    );
  });

  test.each`
    given                          | endpoint                              | projectId
    ${"the URL as listed"}         | ${"https://cloud.cro-ngi.hr:5000/v3/"} | ${"c99c8b38569546008104fbaa12fe3aa9"}
    ${"the URL without /v3"}       | ${"https://faust.srce.hr:5000"}        | ${"45d0f030ddca401e8b1a713360505ac7"}
    ${"the host name"}             | ${" faust.srce.hr "}                   | ${"45d0f030ddca401e8b1a713360505ac7"}
  `("GIVEN VO ops and $given chosen WHEN looked up THEN that endpoint's project", ({ endpoint, projectId }) => {
    expect(list().siteVo("fedcloud.srce.hr", "ops", { endpoint }).vo.projectId).toBe(projectId);
  });

  test("GIVEN an endpoint of the site that does not serve the VO WHEN chosen THEN SETTING_INVALID naming it and the one that does", () => {
    const err = errorOf(() => list().siteVo("fedcloud.srce.hr", "vo.epos-eric.eu", { endpoint: "faust.srce.hr", setting: "--endpoint" }));

    expect(err.code).toBe("SETTING_INVALID");
    expect(err.message).toBe(
      '--endpoint "faust.srce.hr" is not an endpoint of site fedcloud.srce.hr serving VO vo.epos-eric.eu (per /app/egi-cdktf.sites.json); that is: https://cloud.cro-ngi.hr:5000/v3/',
    );
  });

  test("GIVEN a VO none of the site's endpoints serve WHEN looked up THEN UNKNOWN_VO with the close VOs of all its endpoints", () => {
    const err = errorOf(() => list().siteVo("fedcloud.srce.hr", "vo.epos-eric.ue"));

    expect(err.code).toBe("UNKNOWN_VO");
    expect(err.message).toContain("; close: vo.epos-eric.eu");
  });

  test("GIVEN a VO WHEN sitesFor THEN each endpoint serving it, by site name then endpoint", () => {
    expect(list().sitesFor("ops").map((s) => `${s.name} ${s.endpoint}`)).toEqual([
      "CREODIAS https://keystone.cloudferro.com:5000/v3",
      "fedcloud.srce.hr https://cloud.cro-ngi.hr:5000/v3/",
      "fedcloud.srce.hr https://faust.srce.hr:5000/v3",
    ]);
    expect(list().names).toEqual(["CREODIAS", "fedcloud.srce.hr"]);
  });
});

describe("SiteList: a VO's own region (auth.region)", () => {
  test("GIVEN CREODIAS' VO with auth.region and no project id WHEN looked up THEN the site's region is the VO's; the project is left to be found by name", () => {
    const { site, vo } = list().siteVo("CREODIAS", "ops");

    expect(site.region).toBe("WAW4-1");
    expect(vo.projectId).toBeUndefined();
  });

  test("GIVEN a VO without a region at a site with one WHEN looked up THEN the site's region", () => {
    expect(list().siteVo("fedcloud.srce.hr", "vo.epos-eric.eu").site.region).toBe("RegionOne");
  });

  test("GIVEN a VO with a region WHEN written back with siteDocument THEN auth.region is kept (the pin round-trips)", () => {
    expect(siteDocument(CREODIAS).vos).toEqual([{ name: "ops", auth: { region: "WAW4-1" } }]);
    expect(parseSiteEntry(JSON.parse(JSON.stringify(siteDocument(CREODIAS))), "pin")).toEqual(CREODIAS);
  });
});

describe("the pin file: both endpoints, and pins of the egi-cdktf before", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-list-endpoints-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a site with two endpoints WHEN pinned and read back THEN both entries, sorted by name then endpoint", () => {
    const file = path.join(dir, "two.json");

    writeSiteList(file, [FAUST, CREODIAS, CRO_NGI], { source: "test", refreshedAt: "2026-01-01T00:00:00.000Z" });

    expect(readSiteList(file).sites.map((s) => s.endpoint)).toEqual([
      "https://keystone.cloudferro.com:5000/v3",
      "https://cloud.cro-ngi.hr:5000/v3/",
      "https://faust.srce.hr:5000/v3",
    ]);
  });

  test("GIVEN a pin written by the egi-cdktf before (one entry per site, the second cloud dropped) WHEN read THEN it loads as it is and answers for the endpoint it kept", () => {
    const file = path.join(dir, "old.json");
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          "//": "EGI sites pinned for this app by `egi-cdktf sites refresh`; format of fedcloud-catchall-operations sites/*.yaml",
          source: "/work/fedcloud-catchall-operations",
          refreshedAt: "2026-07-01T10:00:00.000Z",
          sites: [
            { gocdb: "IFCA-LCG2", endpoint: "https://api.cloud.ifca.es:5000/v3/", vos: [{ name: "dteam", auth: { project_id: "5eb8959a799240a98f4f303f5fbd80be" } }] },
            { gocdb: "fedcloud.srce.hr", endpoint: "https://faust.srce.hr:5000/v3", vos: [{ name: "ops", auth: { project_id: "45d0f030ddca401e8b1a713360505ac7" } }] },
          ],
        },
        null,
        2,
      )}\n`,
    );

    const old = readSiteList(file);

    expect(old.siteVo("fedcloud.srce.hr", "ops").site.endpoint).toBe("https://faust.srce.hr:5000/v3");
    expect(old.siteVo("IFCA-LCG2", "dteam").vo.projectId).toBe("5eb8959a799240a98f4f303f5fbd80be");
  });

  test("GIVEN a pin listing one endpoint of a site twice WHEN read THEN SITE_LIST_INVALID, one line naming the file, the site and the endpoint", () => {
    const file = path.join(dir, "twice.json");
    fs.writeFileSync(file, JSON.stringify({ sites: [siteDocument(FAUST), { ...siteDocument(FAUST), endpoint: "https://faust.srce.hr:5000/v3/" }] }));

    const err = errorOf(() => readSiteList(file));

    expect(err.code).toBe("SITE_LIST_INVALID");
    expect(err.message).toBe(`${file}: site fedcloud.srce.hr is listed twice at endpoint https://faust.srce.hr:5000/v3/`);
  });
});

describe("siteChoice and siteVoFor: EGI_SITE_ENDPOINT and --endpoint", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-choice-endpoint-"));
  const file = path.join(dir, "egi-cdktf.sites.json");
  writeSiteList(file, [FAUST, CRO_NGI], { source: "test", refreshedAt: "2026-01-01T00:00:00.000Z" });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN EGI_SITE_ENDPOINT WHEN chosen THEN it is the endpoint, named as EGI_SITE_ENDPOINT; an --endpoint flag wins", () => {
    expect(siteChoice({ site: "fedcloud.srce.hr", vo: "ops" }, {}, { EGI_SITE_ENDPOINT: " faust.srce.hr " })).toEqual({
      site: "fedcloud.srce.hr",
      vo: "ops",
      endpoint: "faust.srce.hr",
      endpointSetting: "EGI_SITE_ENDPOINT",
    });
    expect(siteChoice({ site: "fedcloud.srce.hr", vo: "ops", endpoint: "cloud.cro-ngi.hr" }, {}, { EGI_SITE_ENDPOINT: "faust.srce.hr" })).toMatchObject({
      endpoint: "cloud.cro-ngi.hr",
      endpointSetting: "--endpoint",
    });
  });

  test("GIVEN EGI_SITE_ENDPOINT WHEN siteVoFor a VO both serve THEN that endpoint", () => {
    const env = { EGI_SITES_FILE: file, EGI_SITE_ENDPOINT: "https://cloud.cro-ngi.hr:5000/v3" };

    expect(siteVoFor(siteChoice({ site: "fedcloud.srce.hr", vo: "ops" }, {}, env)!, env).vo.projectId).toBe("c99c8b38569546008104fbaa12fe3aa9");
  });

  test("GIVEN no EGI_SITE_ENDPOINT WHEN siteVoFor a VO both serve THEN the line says to set EGI_SITE_ENDPOINT", () => {
    const env = { EGI_SITES_FILE: file };

    expect(errorOf(() => siteVoFor(siteChoice({ site: "fedcloud.srce.hr", vo: "ops" }, {}, env)!, env)).message).toMatch(/: choose one with EGI_SITE_ENDPOINT$/);
  });
});
