/**
 * The inventories egi-cdktf inventory renders, parsed by Debian's real ansible-inventory. No cloud is
 * needed, but Ansible is: the site suite's setup installs it (site/clients/up.sh), `npm test`'s does
 * not, so these tests live here. The outputs are the unit tests' fixture (__tests__/cli/inventory.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderInventory } from "../../cli/inventory/render-inventory";
import { hostAddress, serversFromOutputs } from "../../cli/inventory/servers";
import { writeFileAtomic } from "../../auth/write-file";
import { ansibleInventoryList } from "../fixtures/inventory/ansible-inventory";

const OUTPUTS = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "inventory", "outputs.json"), "utf8"));
const STACK = "web-cluster";

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-files-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ["ini", "hosts.ini"],
  ["yaml", "hosts.yml"],
] as const)("GIVEN the %s inventory of the fixture's outputs WHEN ansible-inventory --list parses it THEN it has the group, both hosts and their ansible_host and ansible_user", (format, name) => {
  const file = path.join(dir, name);
  const hosts = serversFromOutputs(OUTPUTS).map((s) => ({ name: s.name, ansibleHost: hostAddress(s, "auto", STACK) }));
  writeFileAtomic(file, renderInventory({ stack: STACK, format, user: "ubuntu", hosts }));

  const list = ansibleInventoryList(file);

  expect(list.all.children).toContain("web_cluster");
  expect(list.web_cluster.hosts.sort()).toEqual(["cluster_worker-1", "vm"]);
  expect(list._meta.hostvars).toEqual({
    vm: { ansible_host: "172.24.4.10", ansible_user: "ubuntu" },
    "cluster_worker-1": { ansible_host: "10.0.0.12", ansible_user: "ubuntu" },
  });
});
