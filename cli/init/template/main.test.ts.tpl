// npm test: compiles the app and checks what it synthesizes, without credentials or a site.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { Testing } from "{{framework}}";
import { VmStack } from "./main";

// A public key for the test (its private half was thrown away), so that npm test needs no ~/.ssh.
const TEST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGIbjKDSdpJBvd30hATJsV5NzfutbcHM5nVmPI27NVoY egi-cdktf-test-fixture";
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "{{name}}-test-"));
fs.writeFileSync(path.join(keyDir, "id_test.pub"), `${TEST_KEY}\n`);
process.env.SSH_PUBLIC_KEY_FILE = path.join(keyDir, "id_test.pub");

const app = Testing.app();
after(() => {
  fs.rmSync(app.outdir, { recursive: true, force: true });
  fs.rmSync(keyDir, { recursive: true, force: true });
});
const synthesized = JSON.parse(Testing.synth(new VmStack(app, "test")));
const resources = <T>(type: string): T[] => Object.values(synthesized.resource?.[type] ?? {}) as T[];

test("the stack has one server, named {{name}}", () => {
  const servers = resources<{ name: string }>("openstack_compute_instance_v2");
  assert.equal(servers.length, 1);
  assert.equal(servers[0].name, "{{name}}");
});

test("the server boots the registry's Ubuntu 22.04", () => {
  const images = Object.values(synthesized.data?.openstack_images_image_v2 ?? {}) as Array<{ properties: Record<string, string> }>;
  assert.equal(images.length, 1);
  assert.equal(images[0].properties.os_distro, "ubuntu");
  assert.equal(images[0].properties.os_version, "22.04");
});

test("the server is reachable by SSH (your key pair, port 22 open, a floating IP) and the outputs say how", () => {
  const [key] = resources<{ name: string; public_key: string }>("openstack_compute_keypair_v2");
  assert.equal(key.public_key, TEST_KEY);
  const [server] = resources<{ key_pair: string; security_groups: string[] }>("openstack_compute_instance_v2");
  assert.match(server.key_pair, /openstack_compute_keypair_v2\.\w+\.name/);
  const rules = resources<{ direction: string; protocol: string; port_range_min: number; port_range_max: number }>("openstack_networking_secgroup_rule_v2");
  assert.deepEqual(rules.map((r) => [r.direction, r.protocol, r.port_range_min, r.port_range_max]), [["ingress", "tcp", 22, 22]]);
  assert.equal(server.security_groups.length, 2);
  assert.equal(resources("openstack_networking_floatingip_v2").length, 1);
  assert.equal(resources("openstack_networking_floatingip_associate_v2").length, 1);
  for (const output of ["server_id", "server_ip", "floating_ip", "ssh_command"]) assert.ok(synthesized.output?.[output], `no output ${output}`);
});
