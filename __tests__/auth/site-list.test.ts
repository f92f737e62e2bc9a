/**
 * The EGI site list (auth/site-list.ts) with no site: entries in fedcloud-catchall-operations'
 * `sites/<SITE>.yaml` shapes, the one-line errors naming the file and the field, lookups by site and
 * VO with "close" suggestions, and finding a VO's project among a user's projects by name.
 */
import { parse } from "yaml";
import { EgiAuthError } from "../../auth/errors";
import { closeMatches, parseSiteEntry, projectForVo, type SiteEntry, siteDocument, SiteList } from "../../auth/site-list";
import { thrown as errorOf } from "../support/thrown";

/** Shape of sites/IFCA-LCG2.yaml: `---`, trailing-slash endpoint, list-form vos, comments. */
const IFCA_YAML = `---
gocdb: IFCA-LCG2
endpoint: https://api.cloud.ifca.es:5000/v3/
vos:
# VO decommissioned
#- name: acc-comp.egi.eu
#  auth:
#    project_id: 403847ab342247b89b0ba2ede2c82b39
- name: dteam
  auth:
    project_id: 5eb8959a799240a98f4f303f5fbd80be
- name: vo.access.egi.eu
  auth:
    project_id: 999f045cb1ff4684a15ebb338af69460
- name: /vo.lifewatch.eu/openbiomap
  auth:
    project_id: ac7bc26131d248ecb6add521e648c331
`;

/** Shape of sites/CESNET-MCC.yaml: keys sorted (auth before name), no trailing slash. */
const CESNET_YAML = `endpoint: https://identity.cloud.muni.cz/v3
gocdb: CESNET-MCC
vos:
- auth:
    project_id: 10b972eed97940089b234f6257d7db72
  name: demo.fedcloud.egi.eu
- auth:
    project_id: eae2aa7f26334104906106bca4b82ae3
  name: training.egi.eu
- auth:
    project_id: 5bc62d60bbbc49d881bc0a948da710d6
  name: vo.eurogeoss.eu
`;

/** Shape of the older sites/100IT.yaml: vos as a map from VO name to the rest. */
const HUNDRED_IT_YAML = `gocdb: 100IT
endpoint: https://cloud-egi.100percentit.com:5000/v3/
vos:
  vo.nextgeoss.eu:
    auth:
      project_id: 744baec7cd3d404799033327891abfd6
  fedcloud.egi.eu:
    auth:
      project_id: 7cfb9087632a4df5b738fbd0b795f2ad
  dteam:
`;

/** Shape of sites/INFN-CLOUD-BARI.yaml plus region and networks: keys egi-cdktf does not use (images) are ignored. */
const BARI_YAML = `---
gocdb: INFN-CLOUD-BARI
endpoint: https://keystone.recas.ba.infn.it/v3
protocol: openid
region: RegionOne
images:
  sync: true
  formats:
    - qcow2
vos:
  - name: ops
    auth:
      project_id: 690609ffff9a42ed96b42b4b745b9e5d
    defaultNetwork: private-net
    publicNetwork: ext-net
  - name: vo.access.egi.eu
`;

const entry = (yamlText: string, where = "sites/X.yaml"): SiteEntry => parseSiteEntry(parse(yamlText), where);

describe("parseSiteEntry: fedcloud-catchall-operations shapes", () => {
  test("GIVEN IFCA-LCG2's list-form vos with auth.project_id and a trailing-slash endpoint WHEN parsed THEN each VO has its project id and the endpoint is kept as written", () => {
    const site = entry(IFCA_YAML);

    expect(site.name).toBe("IFCA-LCG2");
    expect(site.endpoint).toBe("https://api.cloud.ifca.es:5000/v3/");
    expect(site.protocol).toBeUndefined();
    expect(site.region).toBeUndefined();
    expect(site.vos.map((v) => [v.name, v.projectId])).toEqual([
      ["dteam", "5eb8959a799240a98f4f303f5fbd80be"],
      ["vo.access.egi.eu", "999f045cb1ff4684a15ebb338af69460"],
      ["/vo.lifewatch.eu/openbiomap", "ac7bc26131d248ecb6add521e648c331"],
    ]);
  });

  test("GIVEN CESNET-MCC's sorted keys (auth before name) WHEN parsed THEN the names and ids pair up", () => {
    const site = entry(CESNET_YAML);

    expect(site.endpoint).toBe("https://identity.cloud.muni.cz/v3");
    expect(site.vos.find((v) => v.name === "training.egi.eu")?.projectId).toBe("eae2aa7f26334104906106bca4b82ae3");
    expect(site.vos).toHaveLength(3);
  });

  test("GIVEN the older map-form vos (fedcloud.egi.eu: {auth: {project_id}}) WHEN parsed THEN each key is a VO; a VO with no body has no project id", () => {
    const site = entry(HUNDRED_IT_YAML);

    expect(site.vos).toEqual([
      { name: "vo.nextgeoss.eu", projectId: "744baec7cd3d404799033327891abfd6", defaultNetwork: undefined, publicNetwork: undefined },
      { name: "fedcloud.egi.eu", projectId: "7cfb9087632a4df5b738fbd0b795f2ad", defaultNetwork: undefined, publicNetwork: undefined },
      { name: "dteam", projectId: undefined, defaultNetwork: undefined, publicNetwork: undefined },
    ]);
  });

  test("GIVEN protocol, region, defaultNetwork and publicNetwork WHEN parsed THEN they are read; unknown keys (images) are ignored", () => {
    const site = entry(BARI_YAML);

    expect(site.protocol).toBe("openid");
    expect(site.region).toBe("RegionOne");
    expect(site.vos[0]).toEqual({ name: "ops", projectId: "690609ffff9a42ed96b42b4b745b9e5d", defaultNetwork: "private-net", publicNetwork: "ext-net" });
    expect(site.vos[1]).toEqual({ name: "vo.access.egi.eu", projectId: undefined, defaultNetwork: undefined, publicNetwork: undefined });
    expect(Object.keys(site)).not.toContain("images");
  });

  test("GIVEN a site with no vos key WHEN parsed THEN it has no VO (not an error)", () => {
    expect(entry("gocdb: EMPTY\nendpoint: https://k.example.org:5000/v3\n").vos).toEqual([]);
  });

  test("GIVEN a parsed site WHEN written back with siteDocument and parsed again THEN the same entry (what the pin file stores round-trips)", () => {
    for (const text of [IFCA_YAML, HUNDRED_IT_YAML, BARI_YAML]) {
      const site = entry(text);
      const doc = siteDocument(site);
      expect(Array.isArray(doc.vos)).toBe(true);
      expect(parseSiteEntry(JSON.parse(JSON.stringify(doc)), "pin")).toEqual(site);
    }
  });
});

describe("parseSiteEntry: rejections name the file and the field", () => {
  test.each`
    given                                  | yamlText                                                                                              | field
    ${"no gocdb"}                          | ${"endpoint: https://k.example.org:5000/v3\nvos: []\n"}                                               | ${/gocdb \(the site's name\) is missing/}
    ${"an empty gocdb"}                    | ${"gocdb: ''\nendpoint: https://k.example.org:5000/v3\n"}                                             | ${/gocdb must be a non-empty string/}
    ${"no endpoint"}                       | ${"gocdb: NOEP\nvos: []\n"}                                                                           | ${/endpoint \(the site's Keystone v3 URL\) is missing/}
    ${"an endpoint that is not a URL"}     | ${"gocdb: BAD\nendpoint: keystone.example.org:5000/v3\n"}                                             | ${/endpoint="keystone\.example\.org:5000\/v3" (is not a URL|must be an http\(s\) URL)/}
    ${"an endpoint with no scheme at all"} | ${"gocdb: BAD\nendpoint: not a url\n"}                                                                | ${/endpoint="not a url" is not a URL/}
    ${"an ftp:// endpoint"}                | ${"gocdb: BAD\nendpoint: ftp://k.example.org/v3\n"}                                                   | ${/endpoint="ftp:\/\/k\.example\.org\/v3" must be an http\(s\) URL/}
    ${"a project id with a space"}         | ${"gocdb: BAD\nendpoint: https://k.example.org/v3\nvos:\n- name: dteam\n  auth:\n    project_id: my project\n"} | ${/vos\[0\] dteam: auth\.project_id "my project" is not a project id/}
    ${"a project id that is a number"}     | ${"gocdb: BAD\nendpoint: https://k.example.org/v3\nvos:\n- name: dteam\n  auth:\n    project_id: 12345\n"}      | ${/vos\[0\] dteam: auth\.project_id must be a non-empty string/}
    ${"a map-form bad project id"}         | ${"gocdb: BAD\nendpoint: https://k.example.org/v3\nvos:\n  dteam:\n    auth:\n      project_id: a/b\n"}        | ${/vos dteam: auth\.project_id "a\/b" is not a project id/}
    ${"a list-form VO without a name"}     | ${"gocdb: BAD\nendpoint: https://k.example.org/v3\nvos:\n- auth:\n    project_id: abc\n"}                   | ${/vos\[0\]: a VO without a name/}
    ${"an empty defaultNetwork"}           | ${"gocdb: BAD\nendpoint: https://k.example.org/v3\nvos:\n- name: ops\n  defaultNetwork: ''\n"}              | ${/vos\[0\] ops: defaultNetwork must be a non-empty string/}
    ${"a list, not a mapping"}             | ${"- gocdb: A\n"}                                                                                     | ${/not a site \(a mapping with gocdb, endpoint and vos\)/}
  `("GIVEN $given WHEN parsed THEN one line naming the file and the field", ({ yamlText, field }) => {
    const err = errorOf(() => entry(yamlText, "sites/BROKEN.yaml"));

    expect(err.message).toMatch(/^sites\/BROKEN\.yaml: /);
    expect(err.message).toMatch(field);
    expect(err.message).not.toContain("\n");
  });
});

const SITES: SiteEntry[] = [
  entry(IFCA_YAML),
  entry(CESNET_YAML),
  entry(HUNDRED_IT_YAML),
  entry(BARI_YAML),
  entry("gocdb: CESNET-MCCG2\nendpoint: https://identity.cloud.muni.cz/v3\nvos:\n- name: vo.access.egi.eu\n"),
  entry("gocdb: CYFRONET-CLOUD\nendpoint: https://panel.cloud.cyfronet.pl:5000/v3/\nvos:\n- name: vo.access.egi.eu\n  auth:\n    project_id: 7635176e4f9b4cb4b3f4192a5bf901a3\n"),
];
const list = () => new SiteList(SITES, "/app/egi-cdktf.sites.json");

describe("SiteList: sites by name", () => {
  test("GIVEN the same site twice at one endpoint (other case, no trailing slash) WHEN a list is made THEN it is refused naming the source, the site and the endpoint", () => {
    const err = errorOf(() => new SiteList([entry(IFCA_YAML), { ...entry(IFCA_YAML), name: "ifca-lcg2", endpoint: "https://API.cloud.ifca.es:5000/v3" }], "/app/egi-cdktf.sites.json"));

    expect(err.message).toBe("/app/egi-cdktf.sites.json: site ifca-lcg2 is listed twice at endpoint https://API.cloud.ifca.es:5000/v3");
  });

  test("GIVEN a site name in another case or with spaces around WHEN looked up THEN the site is found", () => {
    expect(list().endpoints("ifca-lcg2").map((s) => s.endpoint)).toEqual(["https://api.cloud.ifca.es:5000/v3/"]);
    expect(list().endpoints("  Cesnet-Mcc ")[0].name).toBe("CESNET-MCC");
  });

  test.each`
    given                   | wanted         | close
    ${"a typo"}             | ${"IFAC-LCG2"} | ${["IFCA-LCG2"]}
    ${"part of the name"}   | ${"cesnet"}    | ${["CESNET-MCC", "CESNET-MCCG2"]}
    ${"a longer name"}      | ${"100IT-2"}   | ${["100IT"]}
  `("GIVEN an unknown site name with $given WHEN looked up THEN UNKNOWN_SITE, one line with the close matches and the commands", ({ wanted, close }) => {
    const err = errorOf(() => list().endpoints(wanted));

    expect(err).toBeInstanceOf(EgiAuthError);
    expect((err as EgiAuthError).code).toBe("UNKNOWN_SITE");
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain(`site "${wanted}" is not in /app/egi-cdktf.sites.json; close: ${close.join(", ")};`);
    expect(err.message).toContain("`egi-cdktf sites`");
    expect(err.message).toContain("`egi-cdktf sites refresh`");
  });

  test("GIVEN a site name close to nothing WHEN looked up THEN the line has no 'close:' part", () => {
    const err = errorOf(() => list().endpoints("SOMEWHERE-ELSE-ENTIRELY"));

    expect(err.message).toMatch(/^site "SOMEWHERE-ELSE-ENTIRELY" is not in \/app\/egi-cdktf\.sites\.json; `egi-cdktf sites` lists them/);
    expect(err.message).not.toContain("close:");
  });
});

describe("SiteList: VOs at a site", () => {
  test("GIVEN a site and a VO it lists (any case) WHEN looked up THEN the site and the VO entry", () => {
    const { site, vo } = list().siteVo("ifca-lcg2", "VO.ACCESS.EGI.EU");

    expect(site.name).toBe("IFCA-LCG2");
    expect(vo).toEqual({ name: "vo.access.egi.eu", projectId: "999f045cb1ff4684a15ebb338af69460", defaultNetwork: undefined, publicNetwork: undefined });
  });

  test("GIVEN a VO the site lacks but other sites have WHEN looked up THEN UNKNOWN_VO, one line naming the site, the list and the sites with it", () => {
    const err = errorOf(() => list().siteVo("CESNET-MCC", "vo.access.egi.eu"));

    expect((err as EgiAuthError).code).toBe("UNKNOWN_VO");
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(/^VO "vo\.access\.egi\.eu" is not supported at site CESNET-MCC \(per \/app\/egi-cdktf\.sites\.json\)/);
    expect(err.message).toContain("; sites with it: CESNET-MCCG2, CYFRONET-CLOUD, IFCA-LCG2, INFN-CLOUD-BARI");
    expect(err.message).not.toContain("close:");
  });

  test("GIVEN a VO name with a typo WHEN looked up THEN the site's close VO is suggested", () => {
    const err = errorOf(() => list().siteVo("CESNET-MCC", "training.egi.ue"));

    expect(err.message).toContain("; close: training.egi.eu");
    expect(err.message).not.toContain("sites with it");
  });

  test("GIVEN an unknown site WHEN a VO is looked up there THEN the site's error comes first (UNKNOWN_SITE)", () => {
    expect((errorOf(() => list().siteVo("IFCA", "dteam")) as EgiAuthError).code).toBe("UNKNOWN_SITE");
  });

  test("GIVEN a VO WHEN sitesFor THEN the sites listing it in any case, sorted by name; none for an unknown VO", () => {
    expect(list().sitesFor(" VO.Access.EGI.eu ").map((s) => s.name)).toEqual(["CESNET-MCCG2", "CYFRONET-CLOUD", "IFCA-LCG2", "INFN-CLOUD-BARI"]);
    expect(list().sitesFor("dteam").map((s) => s.name)).toEqual(["100IT", "IFCA-LCG2"]);
    expect(list().sitesFor("vo.unknown.eu")).toEqual([]);
  });
});

describe("closeMatches", () => {
  const names = ["IFCA-LCG2", "CESNET-MCC", "CESNET-MCCG2", "CESGA", "CESGA-CLOUD", "BIFI"];

  test("GIVEN the same name in another case WHEN matched THEN it comes first", () => {
    expect(closeMatches("cesga", names)[0]).toBe("CESGA");
  });

  test("GIVEN a name several contain WHEN matched THEN at most three, sorted", () => {
    expect(closeMatches("ces", names)).toEqual(["CESGA", "CESGA-CLOUD", "CESNET-MCC"]);
  });

  test("GIVEN a typo two letters away WHEN matched THEN found; a name far from all THEN none", () => {
    expect(closeMatches("BIFO", names)).toEqual(["BIFI"]);
    expect(closeMatches("GRNET-OPENSTACK", names)).toEqual([]);
  });
});

describe("projectForVo: the VO's project among the user's projects, by name", () => {
  const VO = "vo.access.egi.eu";
  const p = (name: string, id = `id-${name}`) => ({ id, name });

  test.each`
    name                      | why
    ${"vo.access.egi.eu"}     | ${"the VO's name"}
    ${"VO:vo.access.egi.eu"}  | ${"VO:<vo>"}
    ${"vo_access_egi_eu"}     | ${"dots as underscores"}
    ${"VO_ACCESS_EGI_EU"}     | ${"dots as underscores, upper case"}
    ${"vo_vo.access.egi.eu"}  | ${"vo_<vo>"}
  `("GIVEN a project named $name ($why) among others WHEN looked up THEN it is the one", ({ name }) => {
    const projects = [p("dteam"), p(name, "e57db5c1e0b24bcbac9904f4ac22dcaa"), p("training.egi.eu")];

    expect(projectForVo(VO, projects, "site UNIV-LILLE")).toEqual({ id: "e57db5c1e0b24bcbac9904f4ac22dcaa", name });
  });

  test("GIVEN a project named with other separators (VO-Access-EGI.eu) WHEN looked up THEN it matches loosely", () => {
    expect(projectForVo(VO, [p("dteam"), p("VO-Access-EGI.eu", "loose")], "site X")).toEqual({ id: "loose", name: "VO-Access-EGI.eu" });
  });

  test("GIVEN egi_<vo> (a prefix the loose match drops) WHEN looked up THEN it matches", () => {
    expect(projectForVo("fedcloud.egi.eu", [p("EGI_fedcloud.egi.eu", "f1"), p("dteam")], "site X").id).toBe("f1");
  });

  test("GIVEN an exact name and a loose one WHEN looked up THEN the exact one wins, no ambiguity", () => {
    const projects = [p("VO-Access-EGI-eu", "loose"), p("VO:vo.access.egi.eu", "exact")];

    expect(projectForVo(VO, projects, "site X").id).toBe("exact");
  });

  test("GIVEN the same project twice WHEN looked up THEN it is one match", () => {
    expect(projectForVo(VO, [p(VO, "same"), p("VO:vo.access.egi.eu", "same")], "site X").id).toBe("same");
  });

  test("GIVEN two exact names with other ids WHEN looked up THEN UNKNOWN_PROJECT, one line naming both and the fix", () => {
    const err = errorOf(() => projectForVo(VO, [p(VO, "a1"), p("VO:vo.access.egi.eu", "b2"), p("dteam")], "site IFCA-LCG2"));

    expect((err as EgiAuthError).code).toBe("UNKNOWN_PROJECT");
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(/^site IFCA-LCG2: several of your projects could be VO vo\.access\.egi\.eu's \(/);
    expect(err.message).toContain("vo.access.egi.eu a1");
    expect(err.message).toContain("VO:vo.access.egi.eu b2");
    expect(err.message).not.toContain("dteam");
    expect(err.message).toContain("auth.project_id");
    expect(err.message).toContain("OS_PROJECT_ID");
  });

  test("GIVEN only EGI_access (a short name, not the VO's) WHEN looked up THEN it is NOT matched: UNKNOWN_PROJECT listing the names", () => {
    const err = errorOf(() => projectForVo(VO, [p("EGI_access"), p("dteam")], "site CESGA-CLOUD"));

    expect((err as EgiAuthError).code).toBe("UNKNOWN_PROJECT");
    expect(err.message).toBe(
      "site CESGA-CLOUD: none of your projects is named like VO vo.access.egi.eu (EGI_access, dteam); check your VO membership, or give its project id (auth.project_id in the site list, or OS_PROJECT_ID)",
    );
  });

  test("GIVEN a project whose name only contains the VO's (vo.access.egi.eu-old) WHEN looked up THEN it is not matched", () => {
    expect(() => projectForVo(VO, [p("vo.access.egi.eu-old")], "site X")).toThrow(/none of your projects is named like VO/);
  });

  test("GIVEN no project at all WHEN looked up THEN the line says you have none", () => {
    expect(errorOf(() => projectForVo(VO, [], "site X")).message).toContain("(you have none)");
  });
});
