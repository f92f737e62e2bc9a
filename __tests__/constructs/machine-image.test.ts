import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { ContextFile } from "../../constructs/lookups/context-file";
import { EgiSite } from "../../constructs/egi-site";
import { resolved } from "../support/resolve";
import { MachineImage } from "../../constructs/machine-image";

const MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";
const UUID = "8df7ba00-8467-57aa-bf1e-05754a2a73bf";
const BASE = `https://appdb.egi.eu/store/vo/image/${UUID}`;

function stack(): TerraformStack {
  process.env.EGI_CDKTF_CONTEXT_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "c.json");
  const s = new TerraformStack(Testing.app(), "s");
  new EgiSite(s, "site");
  return s;
}

const images = (s: TerraformStack) => Object.values(JSON.parse(Testing.synth(s)).data.openstack_images_image_v2) as any[];

describe("MachineImage", () => {
  test("GIVEN an APPLIANCE_MPURI WHEN bound THEN the most recent image with it is read and a postcondition checks the image returned", () => {
    const s = stack();
    MachineImage.fromApplianceMpuri(MPURI).bind(s);
    const [image] = images(s);
    expect(image.most_recent).toBe(true);
    expect(image.properties).toEqual({ APPLIANCE_MPURI: MPURI });
    expect(image.lifecycle.postcondition).toEqual([
      {
        condition: `\${lookup(self.properties, "APPLIANCE_MPURI", "") == "${MPURI}"}`,
        error_message: `The image found (\${self.id}, \${self.name}) does not have APPLIANCE_MPURI=${MPURI}: no such image is visible to the project.`,
      },
    ]);
  });

  test("GIVEN registry attributes WHEN bound THEN os_distro, os_version and image_list (default egi_vm_images) filter and are all checked", () => {
    const s = stack();
    MachineImage.fromRegistry({ osDistro: "alma", osVersion: "9" }).bind(s);
    const [image] = images(s);
    expect(image.properties).toEqual({ os_distro: "alma", os_version: "9", image_list: "egi_vm_images" });
    expect(image.lifecycle.postcondition[0].condition).toBe(
      '${lookup(self.properties, "os_distro", "") == "alma" && lookup(self.properties, "image_list", "") == "egi_vm_images" && lookup(self.properties, "os_version", "") == "9"}',
    );
  });

  test("GIVEN a snapshot name WHEN bound THEN the image is read by that exact name", () => {
    const s = stack();
    MachineImage.fromName("my-snapshot-2026").bind(s);
    expect(images(s)[0]).toMatchObject({ name: "my-snapshot-2026" });
  });

  test("GIVEN two servers on the same appliance WHEN bound THEN they share one data source", () => {
    const s = stack();
    const a = MachineImage.fromApplianceMpuri(MPURI).bind(s);
    const b = MachineImage.fromApplianceMpuri(MPURI).bind(s);
    expect(resolved(s, a.imageId)).toBe(resolved(s, b.imageId));
    expect(images(s)).toHaveLength(1);
  });

  test("GIVEN an appliance looked up by any version WHEN nothing is pinned THEN the placeholder id is used", () => {
    const s = stack();
    const image = MachineImage.latestAppDbAppliance(MPURI).bind(s);
    expect(resolved(s, image.imageId)).toBe(ContextFile.PLACEHOLDER_ID);
  });

  test.each([
    [() => MachineImage.fromApplianceMpuri("ubuntu"), 'MachineImage.fromApplianceMpuri: "ubuntu" is not an AppDB image URI; give one like'],
    [() => MachineImage.latestAppDbAppliance("ubuntu"), 'MachineImage.latestAppDbAppliance: "ubuntu" is neither an AppDB image URI nor an appliance uuid'],
    [() => MachineImage.fromRegistryRef("ubuntu"), 'MachineImage.fromRegistryRef: "ubuntu" is not like egi_vm_images/ubuntu:22.04'],
    [() => MachineImage.fromRegistry({ osDistro: "" }), "MachineImage.fromRegistry: osDistro is required"],
  ])("GIVEN bad input WHEN choosing THEN the error names the factory and the expected form (%#)", (choose, message) => {
    expect(choose).toThrow(message);
  });
});

describe("MachineImage.fromApplianceMpuri input", () => {
  const mpuriOf = (given: string) => {
    const s = stack();
    MachineImage.fromApplianceMpuri(given).bind(s);
    return images(s)[0].properties.APPLIANCE_MPURI;
  };

  test.each([
    ["surrounding whitespace", `  ${MPURI}\n`],
    ["no trailing slash (EGI's APPLIANCE_MPURI values end with /)", `${BASE}:6428`],
    ["both", ` ${BASE}:6428 `],
  ])("GIVEN %s WHEN bound THEN the image is looked up by the normalised URI", (_what, given) => {
    expect(mpuriOf(given)).toBe(MPURI);
  });

  const example = `e.g. ${MPURI}`;
  test.each([
    ["no scheme", `appdb.egi.eu/store/vo/image/${UUID}:6428/`, `has no scheme; write it with https://, ${example}`],
    ["http", `http://appdb.egi.eu/store/vo/image/${UUID}:6428/`, `uses http; APPLIANCE_MPURI values use https: https://appdb.egi.eu/store/vo/image/${UUID}:6428/`],
    ["no host", `https:///store/vo/image/${UUID}:6428/`, `has no host; ${example}`],
    [
      "no version",
      `${BASE}/`,
      `names no version; add the :<version> the appliance's AppDB page shows, ${example}, or use MachineImage.latestAppDbAppliance for the newest version`,
    ],
    ["another path", "https://appdb.egi.eu/store/software/ubuntu/", `has the path /store/software/ubuntu/, not /store/vo/image/<uuid>:<version>/; ${example}`],
    ["a bad uuid", "https://appdb.egi.eu/store/vo/image/8df7ba00:6428/", `has the path /store/vo/image/8df7ba00:6428/, not /store/vo/image/<uuid>:<version>/; ${example}`],
    ["a query", `${MPURI}?tab=versions`, `has a query or fragment (?tab=versions); drop it, ${example}`],
    ["nothing", "   ", `is empty; ${example}`],
  ])("GIVEN a URI with %s WHEN chosen THEN the error names the method, what is wrong and an example", (_what, given, problem) => {
    expect(() => MachineImage.fromApplianceMpuri(given)).toThrow(`MachineImage.fromApplianceMpuri: ${JSON.stringify(given)} ${problem}`);
  });
});

describe("MachineImage.latestAppDbAppliance input", () => {
  /** The id the lookup resolves to when the answer for UUID is pinned. */
  const lookedUp = (given: string) => {
    const s = stack();
    fs.writeFileSync(process.env.EGI_CDKTF_CONTEXT_FILE!, JSON.stringify({ [`appdb-appliance:{"appliance":"${UUID}"}@?|?|`]: "image-of-uuid" }));
    return resolved(s, MachineImage.latestAppDbAppliance(given).bind(s).imageId);
  };

  afterEach(() => {
    for (const k of ["OS_AUTH_URL", "OS_PROJECT_ID", "OS_REGION_NAME"]) delete process.env[k];
  });

  test.each([
    ["an MPURI with a version", MPURI],
    ["an MPURI without version", `${BASE}/`],
    ["an MPURI without trailing slash", `${BASE}:6428`],
    ["an MPURI with surrounding whitespace", ` ${MPURI} `],
    ["the uuid", UUID],
    ["the uuid in upper case with whitespace", ` ${UUID.toUpperCase()}\t`],
  ])("GIVEN %s WHEN looked up THEN the appliance's uuid is the question", (_what, given) => {
    for (const k of ["OS_AUTH_URL", "OS_PROJECT_ID", "OS_REGION_NAME"]) delete process.env[k];
    expect(lookedUp(given)).toBe("image-of-uuid");
  });

  test.each([
    ["http", `http://appdb.egi.eu/store/vo/image/${UUID}:6428/`, `uses http; APPLIANCE_MPURI values use https: https://appdb.egi.eu/store/vo/image/${UUID}:6428/`],
    ["no scheme", `appdb.egi.eu/store/vo/image/${UUID}/`, "has no scheme; write it with https://"],
    ["a word", "ubuntu", `is neither an AppDB image URI nor an appliance uuid; give e.g. ${MPURI} or ${UUID}`],
  ])("GIVEN %s WHEN chosen THEN the error names the method and what is wrong", (_what, given, problem) => {
    expect(() => MachineImage.latestAppDbAppliance(given)).toThrow(`MachineImage.latestAppDbAppliance: ${JSON.stringify(given)} ${problem}`);
  });
});
