import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { EgiSite } from "../../constructs/egi-site";
import { resolved } from "../support/resolve";
import { MachineImage, PENDING_IMAGE_ID } from "../../constructs/machine-image";

const MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";

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
    expect(resolved(s, image.imageId)).toBe(PENDING_IMAGE_ID);
  });

  test.each([
    [() => MachineImage.fromApplianceMpuri("ubuntu"), 'MachineImage.fromApplianceMpuri: "ubuntu" is not an AppDB image URI'],
    [() => MachineImage.latestAppDbAppliance("ubuntu"), 'MachineImage.latestAppDbAppliance: "ubuntu" is neither an AppDB image URI nor an appliance uuid'],
    [() => MachineImage.fromRegistryRef("ubuntu"), 'MachineImage.fromRegistryRef: "ubuntu" is not like egi_vm_images/ubuntu:22.04'],
    [() => MachineImage.fromRegistry({ osDistro: "" }), "MachineImage.fromRegistry: osDistro is required"],
  ])("GIVEN bad input WHEN choosing THEN the error names the factory and the expected form (%#)", (choose, message) => {
    expect(choose).toThrow(message);
  });
});
