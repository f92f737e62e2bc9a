import { Testing } from "cdktf";
import { parse } from "yaml";
import { CloudInitConfigStack } from "../../stacks/cloud-init-config";

test("GIVEN defaults WHEN the cloud-config example is synthesized THEN user_data is a cloud-config with the user, packages and commands", () => {
  const server = Object.values(JSON.parse(Testing.synth(new CloudInitConfigStack(Testing.app(), "cc"))).resource.openstack_compute_instance_v2)[0] as { user_data: string };
  expect(server.user_data.startsWith("#cloud-config\n")).toBe(true);
  expect(parse(server.user_data, { version: "1.1" })).toEqual({
    hostname: "cc",
    manage_etc_hosts: true,
    users: ["default", { name: "scientist", groups: ["users"], sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash" }],
    packages: ["python3-pip", "htop"],
    package_update: true,
    runcmd: [["pip3", "install", "jupyterlab"]],
  });
});
