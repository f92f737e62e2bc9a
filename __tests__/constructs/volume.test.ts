import { TerraformStack, Testing } from "cdktf";
import { BlockstorageVolumeV3 } from "../../.gen/providers/openstack/blockstorage-volume-v3";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { ComputeVolumeAttachV2 } from "../../.gen/providers/openstack/compute-volume-attach-v2";
import { EgiSite } from "../../constructs/egi-site";
import { Volume, VolumeProps } from "../../constructs/volume";

const SERVER = "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d";

function synthJson(build: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

function volume(props: VolumeProps = { sizeGb: 10 }): Volume {
  return new Volume(new TerraformStack(Testing.app(), "s"), "data", props);
}

describe("Volume", () => {
  test("GIVEN only sizeGb WHEN synthesized THEN the volume has that size and a name derived from the path", () => {
    const json = synthJson((s) => new Volume(s, "data", { sizeGb: 10 }));
    expect(Object.values(json.resource.openstack_blockstorage_volume_v3)).toEqual([{ size: 10, name: "s-data" }]);
  });

  test("GIVEN every prop WHEN synthesized THEN each becomes its attribute", () => {
    const json = synthJson((s) => new Volume(s, "data", { sizeGb: 50, name: "scratch", description: "job scratch", volumeType: "ceph-ssd", availabilityZone: "nova" }));
    expect(Object.values(json.resource.openstack_blockstorage_volume_v3)).toEqual([
      { size: 50, name: "scratch", description: "job scratch", volume_type: "ceph-ssd", availability_zone: "nova" },
    ]);
  });

  test("GIVEN attachTo a server id WHEN synthesized THEN one attachment joins that server and the volume", () => {
    const json = synthJson((s) => new Volume(s, "data", { sizeGb: 10 }).attachTo(SERVER));
    expect(Object.values(json.resource.openstack_compute_volume_attach_v2)).toEqual([
      { instance_id: "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d", volume_id: "${openstack_blockstorage_volume_v3.data_7E2128CA.id}" },
    ]);
  });

  test("GIVEN attachTo a server token and a device WHEN synthesized THEN the attachment carries both", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const server = new ComputeInstanceV2(stack, "vm", { name: "vm" });
    new Volume(stack, "data", { sizeGb: 10 }).attachTo(server.id, { device: "/dev/vdb" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ComputeVolumeAttachV2, { instance_id: "${openstack_compute_instance_v2.vm.id}", device: "/dev/vdb" });
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the volume and its attachment use that site's provider", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new Volume(stack, "data", { sizeGb: 10, site: new EgiSite(stack, "site", { alias: "k" }) }).attachTo(SERVER);
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(BlockstorageVolumeV3, { provider: "openstack.k" });
    expect(out).toHaveResourceWithProperties(ComputeVolumeAttachV2, { provider: "openstack.k" });
  });

  test.each([[0], [-1], [1.5]])("GIVEN sizeGb %p WHEN constructed THEN the error names sizeGb", (sizeGb) => {
    expect(() => volume({ sizeGb })).toThrow(`Volume s/data: sizeGb ${sizeGb} is not a size; give a whole number of GiB, at least 1`);
  });

  test("GIVEN sizeGb NaN WHEN constructed THEN the error names sizeGb", () => {
    expect(() => volume({ sizeGb: NaN })).toThrow("Volume s/data: prop sizeGb must be a number, got NaN");
  });

  test("GIVEN an empty name WHEN constructed THEN the error names the name", () => {
    expect(() => volume({ sizeGb: 1, name: "" })).toThrow('Volume s/data: name "" must be 1 to 255 characters; give another name');
  });

  test("GIVEN a volume already attached WHEN attachTo is called again THEN the error says it is attached", () => {
    const v = volume();
    v.attachTo(SERVER);
    expect(() => v.attachTo(SERVER)).toThrow("Volume s/data: attachTo: the volume is already attached to that server; call attachTo once per volume, create another Volume for another server");
  });

  test("GIVEN device vdb WHEN attachTo is called THEN the error names device and shows the form", () => {
    expect(() => volume().attachTo(SERVER, { device: "vdb" })).toThrow('Volume s/data: attachTo: device "vdb" is not a device name; give one like "/dev/vdb", or leave it out');
  });

  test("GIVEN an empty instanceId WHEN attachTo is called THEN the error names instanceId", () => {
    expect(() => volume().attachTo("")).toThrow("Volume s/data: attachTo: instanceId is empty; give the server's id, e.g. server.id");
  });
});
