// npm test: compiles the app and checks what it synthesizes, without credentials or a site.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { after, test } from "node:test";
import { Testing } from "{{framework}}";
import { VmStack } from "./main";

const app = Testing.app();
after(() => fs.rmSync(app.outdir, { recursive: true, force: true }));
const synthesized = JSON.parse(Testing.synth(new VmStack(app, "test")));

test("the stack has one server, named {{name}}", () => {
  const servers = Object.values(synthesized.resource?.openstack_compute_instance_v2 ?? {}) as Array<{ name: string }>;
  assert.equal(servers.length, 1);
  assert.equal(servers[0].name, "{{name}}");
});

test("the server boots the registry's Ubuntu 22.04", () => {
  const images = Object.values(synthesized.data?.openstack_images_image_v2 ?? {}) as Array<{ properties: Record<string, string> }>;
  assert.equal(images.length, 1);
  assert.equal(images[0].properties.os_distro, "ubuntu");
  assert.equal(images[0].properties.os_version, "22.04");
});

test("the stack outputs server_id and server_ip", () => {
  assert.ok(synthesized.output?.server_id, "no output server_id");
  assert.ok(synthesized.output?.server_ip, "no output server_ip");
});
