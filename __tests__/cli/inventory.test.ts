/**
 * egi-cdktf inventory without a site: rendering from a stack's outputs (the shape `terraform output
 * -json` prints for VirtualMachine outputs), and the outputs read by the real terraform (and tofu)
 * from a local-backend stack that has outputs only (no provider), so nothing leaves the machine.
 * Debian's ansible-inventory, which only the site suite installs, parses the same rendered files in
 * __tests__/site/inventory-ansible.site.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";
import { runInventory } from "../../cli/inventory/inventory";
import { stateOnlyConfig } from "../../cli/inventory/read-outputs";
import { ansibleGroupName, renderInventory } from "../../cli/inventory/render-inventory";
import { hostAddress, serversFromOutputs } from "../../cli/inventory/servers";
import { writeFileAtomic } from "../../auth/write-file";
import { terraform, terraformEnv, tofuBinary } from "../support/terraform";

const OUTPUTS = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "inventory", "outputs.json"), "utf8"));
const SECRET = OUTPUTS.db_password.value as string;
const STACK = "web-cluster";

const INI = `# Ansible inventory of stack web-cluster's servers (group web_cluster), written by egi-cdktf inventory
# from the stack's terraform outputs. Regenerate it after each deploy: egi-cdktf inventory web-cluster
[web_cluster]
cluster_worker-1 ansible_host=10.0.0.12 ansible_user=ubuntu
vm ansible_host=172.24.4.10 ansible_user=ubuntu
`;

const YAML = `# Ansible inventory of stack web-cluster's servers (group web_cluster), written by egi-cdktf inventory
# from the stack's terraform outputs. Regenerate it after each deploy: egi-cdktf inventory web-cluster
all:
  children:
    web_cluster:
      hosts:
        cluster_worker-1:
          ansible_host: 10.0.0.12
          ansible_user: ubuntu
        vm:
          ansible_host: 172.24.4.10
          ansible_user: ubuntu
`;

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const render = (format: "ini" | "yaml", user?: string, address: "auto" | "fixed" = "auto") =>
  renderInventory({ stack: STACK, format, user, hosts: serversFromOutputs(OUTPUTS).map((s) => ({ name: s.name, ansibleHost: hostAddress(s, address, STACK) })) });

async function run(args: string[], cwd?: string) {
  let stdout = "";
  let stderr = "";
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: terraformEnv() });
    return { status, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}

/** A cdktf project folder with `stacks` synthesized as JSON: each a local backend in the project and `outputs` only. */
function project(stacks: Record<string, Record<string, { value: unknown; sensitive?: boolean }>>): string {
  const dir = tempDir("inventory-project-");
  for (const [name, outputs] of Object.entries(stacks)) {
    const stackDir = path.join(dir, "cdktf.out", "stacks", name);
    fs.mkdirSync(stackDir, { recursive: true });
    const config = { terraform: { backend: { local: { path: path.join(dir, `terraform.${name}.tfstate`) } } }, output: outputs };
    fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(config));
  }
  return dir;
}

/** `terraform apply` of the stack's configuration from a copy, as a deploy from elsewhere would: the stack's folder stays as synth left it. */
function deploy(dir: string, stack: string): void {
  const copy = tempDir("inventory-deploy-");
  try {
    fs.copyFileSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), path.join(copy, "cdk.tf.json"));
    for (const args of [["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]]) {
      const r = terraform(copy, args);
      if (r.status !== 0) throw new Error(`terraform ${args[0]} failed: ${r.stderr}${r.stdout}`);
    }
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** The fixture's outputs as an outputs-only configuration would declare them. */
const declared = Object.fromEntries(Object.entries(OUTPUTS).map(([k, o]: [string, any]) => [k, { value: o.value, ...(o.sensitive ? { sensitive: true } : {}) }]));

describe("rendering an inventory from a stack's outputs", () => {
  test("GIVEN two VirtualMachines' outputs, one with a floating IP WHEN rendered as INI THEN one host line each under the stack's group", () => {
    expect(render("ini", "ubuntu")).toBe(INI);
  });

  test("GIVEN the same outputs WHEN rendered as YAML THEN the same hosts and variables under all.children", () => {
    expect(render("yaml", "ubuntu")).toBe(YAML);
  });

  test("GIVEN no user WHEN rendered THEN no ansible_user is written, so Ansible's own default applies", () => {
    expect(render("ini")).not.toContain("ansible_user");
    expect(render("yaml")).not.toContain("ansible_user");
  });

  test("GIVEN outputs with a sensitive value and a volume id WHEN rendered THEN neither appears and only servers are hosts", () => {
    expect(serversFromOutputs(OUTPUTS).map((s) => s.name)).toEqual(["cluster_worker-1", "vm"]);
    for (const format of ["ini", "yaml"] as const) {
      expect(render(format)).not.toContain(SECRET);
      expect(render(format)).not.toContain(OUTPUTS.volume_id.value);
      expect(render(format)).not.toContain(OUTPUTS.vm_id.value);
    }
  });

  test("GIVEN --address fixed WHEN rendered THEN every host gets its access network's fixed IPv4", () => {
    expect(render("ini", undefined, "fixed")).toContain("\nvm ansible_host=10.0.0.5\n");
    expect(render("ini", undefined, "fixed")).toContain("\ncluster_worker-1 ansible_host=10.0.0.12\n");
  });

  test("GIVEN a server without a floating IP WHEN --address floating THEN the one-line error names the server and the fix", () => {
    const [worker] = serversFromOutputs(OUTPUTS);
    expect(() => hostAddress(worker, "floating", STACK)).toThrow(
      "--address floating: server cluster_worker-1 of stack web-cluster has no floating IP (cluster_worker-1_floating_ip); give it floatingIpPool, or use --address fixed",
    );
  });

  test("GIVEN a server on an IPv6-only network WHEN its address is picked THEN the bare IPv6 is used", () => {
    const [server] = serversFromOutputs({ v6_id: { value: "x" }, v6_addresses: { value: [{ fixed_ip_v4: "", fixed_ip_v6: "[fd00::5]" }] } });
    expect(hostAddress(server, "auto", STACK)).toBe("fd00::5");
  });

  test.each([
    ["floating-ip", "floating_ip"],
    ["2nd.stack", "_2nd_stack"],
    ["all", "all_stack"],
    ["ungrouped", "ungrouped_stack"],
    ["Analysis_Prod", "Analysis_Prod"],
  ])("GIVEN stack %s WHEN named as an Ansible group THEN it is %s", (stack, group) => {
    expect(ansibleGroupName(stack)).toBe(group);
  });
});

describe("writing the inventory file", () => {
  let dir: string;
  beforeAll(() => (dir = tempDir("inventory-files-")));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN an existing private inventory WHEN rewritten THEN it keeps its mode and no temp file remains beside it", () => {
    const file = path.join(dir, "private.ini");
    fs.writeFileSync(file, "old\n", { mode: 0o600 });
    writeFileAtomic(file, render("ini"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe(render("ini"));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("reading the outputs with the real terraform", () => {
  let dir: string;
  beforeAll(() => {
    dir = project({ [STACK]: declared, "no-servers": { volume_id: { value: "v-1" } }, "not-deployed": declared });
    deploy(dir, STACK);
    deploy(dir, "no-servers");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a deployed stack whose folder terraform never initialised WHEN inventoried THEN terraform's outputs give the fixture's inventory and the folder is untouched", async () => {
    const r = await runInventory({ dir, stack: STACK, format: "ini", address: "auto", user: "ubuntu", env: terraformEnv() });
    expect(r.text).toBe(INI);
    expect(fs.readdirSync(path.join(dir, "cdktf.out", "stacks", STACK))).toEqual(["cdk.tf.json"]);
  });

  test("GIVEN TERRAFORM_BINARY_NAME=tofu WHEN inventoried THEN OpenTofu reads the same outputs", async () => {
    const env = { ...terraformEnv(), TERRAFORM_BINARY_NAME: tofuBinary() };
    expect((await runInventory({ dir, stack: STACK, format: "yaml", address: "auto", user: "ubuntu", env })).text).toBe(YAML);
  });

  test("GIVEN the CLI WHEN inventory writes --output hosts.yml THEN the file is the fixture's YAML inventory and stderr says how many hosts", async () => {
    const r = await run(["inventory", STACK, "--user", "ubuntu", "--output", "hosts.yml"], dir);
    expect(r).toEqual({ status: 0, stdout: "", stderr: "hosts.yml: 2 hosts in group web_cluster\n" });
    expect(fs.readFileSync(path.join(dir, "hosts.yml"), "utf8")).toBe(YAML);
  });

  test("GIVEN the CLI without --output WHEN run THEN the INI inventory goes to stdout and nothing to stderr", async () => {
    expect(await run(["inventory", STACK, "--address", "fixed"], dir)).toEqual({ status: 0, stdout: render("ini", undefined, "fixed"), stderr: "" });
  });

  test.each([
    ["an unknown stack", ["inventory", "web"], /^egi-cdktf: no stack "web" in cdktf\.out \(run cdktf deploy STACK in the cdktf project folder first\); stacks in cdktf\.out: no-servers, not-deployed, web-cluster\n$/],
    ["a stack never deployed", ["inventory", "not-deployed"], /^egi-cdktf: stack not-deployed is not deployed \(its state has no outputs\): cdktf deploy not-deployed first; stacks in cdktf\.out: no-servers, not-deployed, web-cluster\n$/],
    ["a stack without servers", ["inventory", "no-servers"], /^egi-cdktf: stack no-servers has no servers .*; stacks in cdktf\.out: no-servers, not-deployed, web-cluster\n$/],
    ["--address floating and a server without one", ["inventory", STACK, "--address", "floating"], /^egi-cdktf: --address floating: server cluster_worker-1 of stack web-cluster has no floating IP/],
  ])("GIVEN %s WHEN inventory runs THEN exit 1 with one line and no file", async (_, args, message) => {
    const r = await run([...args, "--output", "bad.ini"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toContain(SECRET);
    expect(fs.existsSync(path.join(dir, "bad.ini"))).toBe(false);
  });

  test("GIVEN a folder with no cdktf.out WHEN inventory runs THEN the error says there are no stacks and to deploy first", async () => {
    const empty = tempDir("inventory-empty-");
    try {
      const r = await run(["inventory", STACK], empty);
      expect(r).toEqual({ status: 1, stdout: "", stderr: `egi-cdktf: no stack "web-cluster" in cdktf.out (run cdktf deploy STACK in the cdktf project folder first); no stacks in cdktf.out\n` });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test("GIVEN a stack synthesized as HCL (cdk.tf) and deployed in its folder WHEN inventoried THEN terraform reads the outputs there", async () => {
    const stackDir = path.join(dir, "cdktf.out", "stacks", "hcl");
    fs.mkdirSync(stackDir);
    fs.writeFileSync(path.join(stackDir, "cdk.tf"), `output "vm_id" {\n  value = "i-1"\n}\noutput "vm_addresses" {\n  value = [{ fixed_ip_v4 = "10.0.0.9" }]\n}\n`);
    for (const args of [["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]]) expect(terraform(stackDir, args).status).toBe(0);
    expect((await runInventory({ dir, stack: "hcl", format: "ini", address: "auto", env: terraformEnv() })).hosts).toEqual([{ name: "vm", ansibleHost: "10.0.0.9" }]);
  });
});

describe("the backend terraform reads the state from", () => {
  test("GIVEN a local backend with relative paths WHEN reduced to the state settings THEN the paths are the stack folder's and the providers are gone", () => {
    const config = { terraform: { backend: { local: { path: "../../../terraform.x.tfstate" } }, required_providers: { openstack: { source: "x" } } }, provider: {}, resource: {} };
    expect(stateOnlyConfig(config, "/p/cdktf.out/stacks/x")).toEqual({
      terraform: { backend: { local: { path: "/p/terraform.x.tfstate", workspace_dir: "/p/cdktf.out/stacks/x/terraform.tfstate.d" } } },
    });
  });

  test("GIVEN TeamState.postgres's pg backend WHEN reduced THEN it is kept as synthesized (the connection string stays in the environment)", () => {
    const config = { terraform: { backend: { pg: { schema_name: "cdktf_analysis" } }, required_version: ">= 1.5" } };
    expect(stateOnlyConfig(config, "/p")).toEqual(config);
  });

  test("GIVEN no backend block WHEN reduced THEN terraform's default state file in the stack's folder is named", () => {
    expect(stateOnlyConfig({}, "/p/s")).toEqual({ terraform: { backend: { local: { path: "/p/s/terraform.tfstate", workspace_dir: "/p/s/terraform.tfstate.d" } } } });
  });
});

describe("egi-cdktf inventory usage errors", () => {
  test.each([
    [[], "name the stack: egi-cdktf inventory STACK (a folder in cdktf.out/stacks)"],
    [["a", "b"], 'unexpected argument "b": inventory takes one STACK'],
    [["a", "--format", "toml"], '--format must be ini or yaml, not "toml"'],
    [["a", "--address", "public"], '--address must be floating or fixed, not "public"'],
    [["a", "--user", "Ubuntu"], '--user "Ubuntu" is not a user name: lower-case letters, digits, _, . and -, starting with a letter or _'],
    [["a", "--output", "/nonexistent-folder/hosts.ini"], "--output: folder /nonexistent-folder does not exist"],
    [["a", "--format", "yaml", "--output", "/tmp/hosts.txt"], "--output /tmp/hosts.txt: Ansible reads a YAML inventory only from a file ending in .yml or .yaml (or with no extension); rename it or use --format ini"],
    [["a", "--output", "/tmp"], "--output: /tmp is a folder; name the inventory file, e.g. /tmp/hosts.ini"],
  ])("GIVEN arguments %j WHEN inventory runs THEN exit 2 with one line naming the problem", async (args, message) => {
    expect(await run(["inventory", ...args])).toEqual({ status: 2, stdout: "", stderr: `egi-cdktf: ${message} (see egi-cdktf inventory --help)\n` });
  });

  test("GIVEN --help WHEN run THEN the usage names what it replaces and the default user", async () => {
    const r = await run(["inventory", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/local_file/);
    expect(r.stdout).toMatch(/templatefile\(\)/);
    expect(r.stdout).toMatch(/--user USER +ansible_user of every host\. Default: none written/);
  });
});
