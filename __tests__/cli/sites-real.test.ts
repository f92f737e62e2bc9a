/**
 * `egi-cdktf sites refresh` on the real, published site list (a copy in
 * __tests__/fixtures/fedcloud-catchall-operations), no network: every file valid against the
 * repository's schema.json, and every VO of every file reachable as the pair (site, VO) -> endpoint
 * and project, including fedcloud.srce.hr's two clouds (two files, two endpoints, `ops` in both).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { EgiAuthError } from "../../auth/errors";
import { readSiteList } from "../../auth/site-list-file";
import { commandSettings } from "../../auth/site-settings";
import { parseSchema, schemaError, uncheckedKeywords } from "../../cli/sites/site-schema";
import { expectOneLine, pinPath, run, table } from "./sites-fixtures";

const REAL = path.join(__dirname, "..", "fixtures", "fedcloud-catchall-operations");
const FILES = fs
  .readdirSync(path.join(REAL, "sites"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const SCHEMA = parseSchema(fs.readFileSync(path.join(REAL, "schema.json"), "utf8"), "schema.json");

interface RealVo {
  readonly file: string;
  readonly site: string;
  readonly endpoint: string;
  readonly vo: string;
  readonly projectId?: string;
  readonly region?: string;
}

/** Each VO of each real file, read with the yaml library alone (not egi-cdktf's loader). */
const REAL_VOS: RealVo[] = FILES.flatMap((file) => {
  const doc = parse(fs.readFileSync(path.join(REAL, "sites", file), "utf8")) as {
    gocdb: string;
    endpoint: string;
    vos: Array<{ name: string; auth?: { project_id?: string; region?: string } }>;
  };
  return doc.vos.map((v) => ({ file, site: doc.gocdb, endpoint: doc.endpoint, vo: v.name, projectId: v.auth?.project_id, region: v.auth?.region }));
});
/** Endpoints of `site` whose file lists `vo`. */
const servedBy = (site: string, vo: string): string[] => REAL_VOS.filter((r) => r.site === site && r.vo === vo).map((r) => r.endpoint);

let pin: string;
let refreshed: { status: number; stdout: string; stderr: string };
beforeAll(async () => {
  pin = pinPath();
  refreshed = await run(["sites", "refresh", "--from", REAL], { EGI_SITES_FILE: pin });
});

describe("the real list's files against its schema.json", () => {
  test("GIVEN the repository's schema.json WHEN read THEN every keyword it uses is one egi-cdktf checks", () => {
    expect(uncheckedKeywords(SCHEMA)).toEqual([]);
  });

  test.each(FILES)("GIVEN sites/%s WHEN checked against schema.json THEN it is valid", (file) => {
    expect(schemaError(parse(fs.readFileSync(path.join(REAL, "sites", file), "utf8")), SCHEMA)).toBeUndefined();
  });
});

describe("egi-cdktf sites refresh --from the real list", () => {
  test("GIVEN the real list WHEN refreshed THEN every site and every endpoint is pinned, nothing skipped, and a note says which VO of fedcloud.srce.hr needs a choice", () => {
    const sites = new Set(REAL_VOS.map((r) => r.site));
    const pairs = new Set(REAL_VOS.map((r) => `${r.site} ${r.vo}`));

    expect(refreshed.status).toBe(0);
    expect(refreshed.stderr).toBe(
      "egi-cdktf: note: site fedcloud.srce.hr has 2 endpoints (https://cloud.cro-ngi.hr:5000/v3/, https://faust.srce.hr:5000/v3); VO ops at more than one: --site fedcloud.srce.hr --vo ops needs --endpoint URL (or EGI_SITE_ENDPOINT, or the endpoint prop of EgiSite.fromSiteName) to choose\n",
    );
    expect(refreshed.stdout).toMatch(new RegExp(`^pinned ${sites.size} sites \\(${FILES.length} endpoints, ${pairs.size} site-VO pairs\\) in `));
    expect(readSiteList(pin).sites).toHaveLength(FILES.length);
  });

  test.each(REAL_VOS.map((r) => [r.file, r.site, r.vo, r]))("GIVEN sites/%s WHEN (site %s, VO %s) is resolved THEN its endpoint and project", (_file, _site, _vo, real) => {
    const { site, vo, endpoint, projectId, region } = real as RealVo;
    const list = readSiteList(pin);
    const endpoints = servedBy(site, vo);

    const found = endpoints.length === 1 ? list.siteVo(site, vo) : list.siteVo(site, vo, { endpoint, setting: "EGI_SITE_ENDPOINT" });

    expect(found.site.endpoint).toBe(endpoint);
    expect(found.vo.projectId).toBe(projectId);
    if (region !== undefined) expect(found.site.region).toBe(region);
    if (endpoints.length > 1) {
      const err = (() => {
        try {
          list.siteVo(site, vo, { setting: "EGI_SITE_ENDPOINT" });
        } catch (e) {
          return e as EgiAuthError;
        }
        throw new Error("expected an error");
      })();
      expect(err.code).toBe("SETTING_MISSING");
      for (const e of endpoints) expect(err.message).toContain(e);
      expect(err.message).toMatch(/choose one with EGI_SITE_ENDPOINT$/);
    }
  });

  test("GIVEN the real pin WHEN sites --vo cloud.egi.eu THEN fedcloud.srce.hr is listed, at the endpoint serving it", async () => {
    const r = await run(["sites", "--vo", "cloud.egi.eu"], { EGI_SITES_FILE: pin });

    expect(r.status).toBe(0);
    expect(table(r.stdout).find((row) => row[0] === "fedcloud.srce.hr")).toEqual([
      "fedcloud.srce.hr",
      "https://cloud.cro-ngi.hr:5000/v3/",
      "258f0bdb2c4c4dba9eb3b96823e20b09",
      "-",
      "-",
    ]);
  });

  test("GIVEN the real pin WHEN sites --vo ops THEN fedcloud.srce.hr is listed once per endpoint", async () => {
    const r = await run(["sites", "--vo", "ops"], { EGI_SITES_FILE: pin });

    expect(table(r.stdout).filter((row) => row[0] === "fedcloud.srce.hr").map((row) => [row[1], row[2]])).toEqual([
      ["https://cloud.cro-ngi.hr:5000/v3/", "c99c8b38569546008104fbaa12fe3aa9"],
      ["https://faust.srce.hr:5000/v3", "45d0f030ddca401e8b1a713360505ac7"],
    ]);
  });

  test.each`
    vo                          | baseUrl                              | projectId
    ${"vo.epos-eric.eu"}        | ${"https://cloud.cro-ngi.hr:5000"}   | ${"44a3a5f9c2f44940acc98a8aee3875ba"}
    ${"cloud.egi.eu"}           | ${"https://cloud.cro-ngi.hr:5000"}   | ${"258f0bdb2c4c4dba9eb3b96823e20b09"}
    ${"vo.cessda-eric.eu"}      | ${"https://faust.srce.hr:5000"}      | ${"739845e89e554283bf52e09350d855db"}
  `("GIVEN --site fedcloud.srce.hr --vo $vo (what env runs) WHEN settings are made THEN the Keystone of the cloud serving it, no choice needed", async ({ vo, baseUrl, projectId }) => {
    const { settings } = await commandSettings({ site: "fedcloud.srce.hr", vo }, {}, { EGI_SITES_FILE: pin, CHECKIN_ACCESS_TOKEN: "access-token-for-tests" });

    expect(settings.keystone.baseUrl).toBe(baseUrl);
    expect(settings.keystone.projectId).toBe(projectId);
  });

  test.each`
    given                                  | endpoint                             | baseUrl
    ${"the URL as listed"}                 | ${"https://faust.srce.hr:5000/v3"}   | ${"https://faust.srce.hr:5000"}
    ${"the URL without /v3, other case"}   | ${"https://Cloud.Cro-NGI.hr:5000"}   | ${"https://cloud.cro-ngi.hr:5000"}
    ${"the host name"}                     | ${"cloud.cro-ngi.hr"}                | ${"https://cloud.cro-ngi.hr:5000"}
  `("GIVEN VO ops at fedcloud.srce.hr and EGI_SITE_ENDPOINT as $given WHEN settings are made THEN that endpoint", async ({ endpoint, baseUrl }) => {
    const env = { EGI_SITES_FILE: pin, EGI_SITE: "fedcloud.srce.hr", EGI_VO: "ops", EGI_SITE_ENDPOINT: endpoint, CHECKIN_ACCESS_TOKEN: "access-token-for-tests" };

    const { settings } = await commandSettings({}, {}, env);

    expect(settings.keystone.baseUrl).toBe(baseUrl);
  });

  test("GIVEN VO ops at fedcloud.srce.hr and no choice WHEN env runs THEN exit 2, one line naming both endpoints and EGI_SITE_ENDPOINT, before any request", async () => {
    const line = expectOneLine(await run(["env", "--site", "fedcloud.srce.hr", "--vo", "ops"], { EGI_SITES_FILE: pin }), 2);

    expect(line).toBe(
      `site fedcloud.srce.hr serves VO ops at 2 endpoints (https://cloud.cro-ngi.hr:5000/v3/, https://faust.srce.hr:5000/v3; per ${pin}): choose one with EGI_SITE_ENDPOINT`,
    );
  });

  test("GIVEN an EGI_SITE_ENDPOINT that does not serve the VO WHEN env runs THEN exit 2, one line naming it and the endpoints that do", async () => {
    const env = { EGI_SITES_FILE: pin, EGI_SITE_ENDPOINT: "https://faust.srce.hr:5000/v3" };

    const line = expectOneLine(await run(["env", "--site", "fedcloud.srce.hr", "--vo", "cloud.egi.eu"], env), 2);

    expect(line).toBe(`EGI_SITE_ENDPOINT "https://faust.srce.hr:5000/v3" is not an endpoint of site fedcloud.srce.hr serving VO cloud.egi.eu (per ${pin}); that is: https://cloud.cro-ngi.hr:5000/v3/`);
  });
});
