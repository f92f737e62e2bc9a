import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { FileInjectionStack } from "../../stacks/file-injection";

test("GIVEN a local file WHEN the file injection example is synthesized THEN cloud-config write_files puts its content at the remote path", () => {
  const local = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "inject-")), "motd");
  fs.writeFileSync(local, "hello from the docs page\n");
  const server = Object.values(JSON.parse(Testing.synth(new FileInjectionStack(Testing.app(), "fi", { localFile: local, remotePath: "/etc/motd" }))).resource.openstack_compute_instance_v2)[0] as { user_data: string };
  expect(parse(server.user_data, { version: "1.1" }).write_files).toEqual([{ path: "/etc/motd", content: "hello from the docs page\n", permissions: "0644" }]);
});
