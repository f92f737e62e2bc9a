/**
 * egi-cdktf inventory against the local site: the floating-ip example stack deployed once with the
 * real cdktf CLI (Check-in credential through the hook), then the built CLI writes its inventory
 * without any credential, and Debian's ansible-inventory reads it. The expected addresses come from
 * terraform's own outputs and from Neutron, not from our code. Destroyed in afterAll, pass or fail.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CHECKIN_SECRET_VARS } from "../../cli/client-env";
import { ansibleInventoryList } from "../fixtures/inventory/ansible-inventory";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { adminToken, cloudSite, floatingIps, portsOf, serversNamed } from "../support/cloud-site";
import { identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { terraform, terraformEnv } from "../support/terraform";

const STACK = "floating-ip";
const identity = identitySite();
const site = cloudSite();
const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "examples-app.js"));
const keyFile = path.join(dir, "id_ed25519");
let env: Record<string, string>;
let deployStarted = false;
let server: any;

const cdktf = (command: "deploy" | "destroy") => runCdktf(dir, [command, STACK, "--auto-approve", "--skip-provider-lock"], env, 600_000);

/**
 * The built CLI in the project folder, with no Check-in secret and no OS_TOKEN: reading outputs must
 * not need one. TMPDIR is a fresh folder, so the command's own temp folder is seen to be removed.
 */
function inventory(args: string[]): { status: number | null; stdout: string; stderr: string; tmpLeft: string[] } {
  const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
  const cliEnv: Record<string, string> = { ...env, TMPDIR: tmp, TF_CLI_CONFIG_FILE: terraformEnv().TF_CLI_CONFIG_FILE! };
  for (const name of [...CHECKIN_SECRET_VARS, "OS_TOKEN"]) delete cliEnv[name];
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "egi-cdktf"), "inventory", STACK, ...args], { cwd: dir, env: cliEnv, encoding: "utf8", timeout: 60_000 });
  const tmpLeft = fs.readdirSync(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, tmpLeft };
}

beforeAll(async () => {
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "egi-cdktf-inventory", "-f", keyFile]);
  env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    CLOUD_SITE_JSON: path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"),
    E2E_PUBLIC_KEY: `${keyFile}.pub`,
  });
  deployStarted = true;
  const r = cdktf("deploy");
  if (r.status !== 0) throw new Error(`cdktf deploy ${STACK} failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
  const servers = await serversNamed(await adminToken(), site, STACK);
  if (servers.length !== 1) throw new Error(`expected one server named ${STACK} after the deploy, found ${servers.length}`);
  server = servers[0];
}, 900_000);

afterAll(async () => {
  try {
    if (deployStarted) {
      const r = cdktf("destroy");
      if (r.status !== 0) throw new Error(`cdktf destroy ${STACK} failed in afterAll (exit ${r.status}): objects may remain on the site\n${r.output.slice(-3000)}`);
      const left = await serversNamed(await adminToken(), site, STACK);
      if (left.length) throw new Error(`server ${STACK} still exists after cdktf destroy`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 900_000);

test("GIVEN the deployed floating-ip stack WHEN egi-cdktf inventory --user ubuntu writes hosts.ini THEN ansible-inventory gives host vm in group floating_ip at the floating IP terraform and Neutron report", async () => {
  const r = inventory(["--user", "ubuntu", "--output", "hosts.ini"]);
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr, tmpLeft: r.tmpLeft }).toEqual({ status: 0, stdout: "", stderr: "hosts.ini: 1 host in group floating_ip\n", tmpLeft: [] });

  const list = ansibleInventoryList(path.join(dir, "hosts.ini"));

  const reported = terraform(path.join(dir, "cdktf.out", "stacks", STACK), ["output", "-raw", "vm_floating_ip"]);
  expect(reported.status).toBe(0);
  const [port] = await portsOf(await adminToken(), site, server.id);
  const [fip] = await floatingIps(await adminToken(), site, `port_id=${port.id}`);
  expect(fip.floating_ip_address).toBe(reported.stdout.trim());
  expect(list.all.children).toContain("floating_ip");
  expect(list.floating_ip.hosts).toEqual(["vm"]);
  expect(list._meta.hostvars).toEqual({ vm: { ansible_host: fip.floating_ip_address, ansible_user: "ubuntu" } });
});

test("GIVEN the same stack WHEN egi-cdktf inventory --address fixed --format yaml prints to stdout THEN ansible_host is the server port's fixed IPv4", async () => {
  const r = inventory(["--address", "fixed", "--format", "yaml"]);
  expect({ status: r.status, stderr: r.stderr, tmpLeft: r.tmpLeft }).toEqual({ status: 0, stderr: "", tmpLeft: [] });
  const file = path.join(dir, "fixed.yml");
  fs.writeFileSync(file, r.stdout);

  const list = ansibleInventoryList(file);

  const [port] = await portsOf(await adminToken(), site, server.id);
  expect(list._meta.hostvars).toEqual({ vm: { ansible_host: port.fixed_ips.find((ip: { ip_address: string }) => !ip.ip_address.includes(":")).ip_address } });
  expect(r.stdout).not.toContain(server.id);
});
