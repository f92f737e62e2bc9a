/**
 * EgiSite.fromSiteName at a site with two endpoints (clouds), as fedcloud.srce.hr publishes them:
 * the VO picks its endpoint; a VO both serve needs the `endpoint` prop, and says so in one line.
 */
import { TerraformStack, Testing } from "cdktf";
import { EgiSite } from "../../constructs/egi-site";
import { useSiteListEnv } from "../support/site-list-env";

const FAUST = "https://faust.srce.hr:5000/v3";
const CRO_NGI = "https://cloud.cro-ngi.hr:5000/v3/";

useSiteListEnv("egi-site-endpoint", {
  source: "test",
  refreshedAt: "2026-07-01T00:00:00Z",
  sites: [
    { gocdb: "fedcloud.srce.hr", endpoint: FAUST, vos: [{ name: "ops", auth: { project_id: "45d0f030ddca401e8b1a713360505ac7" } }] },
    {
      gocdb: "fedcloud.srce.hr",
      endpoint: CRO_NGI,
      vos: [
        { name: "ops", auth: { project_id: "c99c8b38569546008104fbaa12fe3aa9" } },
        { name: "vo.epos-eric.eu", auth: { project_id: "44a3a5f9c2f44940acc98a8aee3875ba" } },
      ],
    },
  ],
});

/** The `openstack` provider block of a stack with one site made by `make`. */
function provider(make: (stack: TerraformStack) => void): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), "s");
  make(stack);
  return JSON.parse(Testing.synth(stack)).provider.openstack[0];
}

describe("EgiSite.fromSiteName at a site with two endpoints", () => {
  test("GIVEN a VO served by one of them WHEN constructed without an endpoint THEN that endpoint and its project", () => {
    expect(provider((s) => EgiSite.fromSiteName(s, "site", { site: "fedcloud.srce.hr", vo: "vo.epos-eric.eu" }))).toMatchObject({
      auth_url: CRO_NGI,
      tenant_id: "44a3a5f9c2f44940acc98a8aee3875ba",
    });
  });

  test.each`
    endpoint                           | authUrl    | project
    ${FAUST}                           | ${FAUST}   | ${"45d0f030ddca401e8b1a713360505ac7"}
    ${"cloud.cro-ngi.hr"}              | ${CRO_NGI} | ${"c99c8b38569546008104fbaa12fe3aa9"}
  `("GIVEN a VO both serve and endpoint $endpoint WHEN constructed THEN that endpoint and its project", ({ endpoint, authUrl, project }) => {
    expect(provider((s) => EgiSite.fromSiteName(s, "site", { site: "fedcloud.srce.hr", vo: "ops", endpoint }))).toMatchObject({ auth_url: authUrl, tenant_id: project });
  });

  test("GIVEN a VO both serve and no endpoint WHEN constructed THEN one line naming the construct, both endpoints and the endpoint prop", () => {
    expect(() => EgiSite.fromSiteName(new TerraformStack(Testing.app(), "s"), "site", { site: "fedcloud.srce.hr", vo: "ops" })).toThrow(
      new RegExp(`^EgiSite\\.fromSiteName s/site: site fedcloud\\.srce\\.hr serves VO ops at 2 endpoints \\(https://faust\\.srce\\.hr:5000/v3, https://cloud\\.cro-ngi\\.hr:5000/v3/; per .+\\): choose one with the endpoint prop$`),
    );
  });
});
