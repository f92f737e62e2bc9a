/**
 * The VM of `egi-cdktf init`'s main.ts is reachable by SSH, as the EGI docs page makes it after
 * `openstack server create`: the user's public key as a key pair, a security group with SSH from
 * the network main.ts names, and a floating IP associated to the server's port. The app's main.ts
 * is synthesized here as written (and with its visible lines changed, as a user does), its package
 * imports resolved to this tree. No site, no network. (It is deployed in
 * __tests__/site/consumer.site.test.ts.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { Testing } from "cdktf";
import { main } from "../../cli/egi-cdktf";

/** The framework this unit run is on (jest.cdktn.config.js sets EGI_FRAMEWORK). */
const framework: "cdktf" | "cdktn" = (globalThis as { EGI_FRAMEWORK?: "cdktn" }).EGI_FRAMEWORK ?? "cdktf";
const FIXTURE_KEY = path.resolve(__dirname, "..", "fixtures", "id_ed25519.pub");
const fixtureKey = fs.readFileSync(FIXTURE_KEY, "utf8").trim();

/** An OpenSSH public key line of `type` (its blob names the type, as KeyPair checks; not a real key). */
const keyLine = (type: string, comment: string): string => {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return `${type} ${Buffer.concat([length, name, Buffer.alloc(32, 7)]).toString("base64")} ${comment}`;
};

let parent: string;
let app: string;
const savedKeyFile = process.env.SSH_PUBLIC_KEY_FILE;
/** The os module itself (an `import * as` binding is read-only): what main.ts calls, for spying. */
const realOs: typeof os = require("node:os");

beforeAll(async () => {
  parent = fs.mkdtempSync(path.join(os.tmpdir(), "egi-init-ssh-"));
  app = path.join(parent, "my-app");
  const status = await main(["init", app, "--framework", framework], { stdout: () => undefined, stderr: () => undefined, env: {} });
  expect(status).toBe(0);
});

afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

afterEach(() => {
  if (savedKeyFile === undefined) delete process.env.SSH_PUBLIC_KEY_FILE;
  else process.env.SSH_PUBLIC_KEY_FILE = savedKeyFile;
  jest.restoreAllMocks();
});

/** A home folder for main.ts (os.homedir()) with `files` in its .ssh, and SSH_PUBLIC_KEY_FILE set to `keyFile` (unset when undefined). */
function userWith(files: Record<string, string>, keyFile: string | undefined): void {
  const home = fs.mkdtempSync(path.join(parent, "home-"));
  fs.mkdirSync(path.join(home, ".ssh"));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(home, ".ssh", file), `${text}\n`);
  jest.spyOn(realOs, "homedir").mockReturnValue(home);
  if (keyFile === undefined) delete process.env.SSH_PUBLIC_KEY_FILE;
  else process.env.SSH_PUBLIC_KEY_FILE = keyFile;
}

/** The app's main.ts (after `edit`), compiled and loaded with its imports resolved to this tree's framework, library and hook. */
function loadVmStack(edit: (source: string) => string = (s) => s): new (scope: unknown, id: string) => unknown {
  const source = fs.readFileSync(path.join(app, "main.ts"), "utf8");
  const edited = edit(source);
  const js = ts.transpileModule(edited, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const modules: Record<string, unknown> = {
    [framework]: require("cdktf"), // the run's framework (jest.cdktn.config.js maps cdktf to cdktn)
    [`egi-fedcloud-${framework}`]: require("../../constructs"),
    [`egi-fedcloud-${framework}/hook`]: require("../../auth/hook"),
  };
  const load = (id: string) => modules[id] ?? require(id);
  const module = { exports: {} as Record<string, unknown> };
  new Function("require", "module", "exports", js)(load, module, module.exports);
  return module.exports.VmStack as new (scope: unknown, id: string) => unknown;
}

/** The stack "my-app" of main.ts (after `edit`), synthesized. */
function synth(edit?: (source: string) => string): any {
  const VmStack = loadVmStack(edit);
  return JSON.parse(Testing.synth(new VmStack(Testing.app(), "my-app") as never));
}

const only = (json: any, type: string): any => {
  const all = Object.values(json.resource?.[type] ?? {});
  expect([type, all.length]).toEqual([type, 1]);
  return all[0];
};

/** main.ts with its `const sshFrom = ...;` line set to `cidr`: fails when the line is not there as the README says. */
const sshFromSetTo = (cidr: string) => (source: string): string => {
  const line = /^( *const sshFrom = )"[^"]*";$/m;
  expect(source).toMatch(line);
  return source.replace(line, `$1${JSON.stringify(cidr)};`);
};

describe("the init app's VM, reachable by SSH", () => {
  test.each`
    given                                      | edit                             | cidr               | ethertype
    ${"main.ts as written"}                    | ${undefined}                     | ${"0.0.0.0/0"}     | ${"IPv4"}
    ${"sshFrom narrowed to a network"}         | ${sshFromSetTo("192.0.2.0/24")}  | ${"192.0.2.0/24"}  | ${"IPv4"}
    ${"sshFrom set to an IPv6 network"}        | ${sshFromSetTo("2001:db8::/32")} | ${"2001:db8::/32"} | ${"IPv6"}
  `("GIVEN $given WHEN synthesized THEN the security group my-app-ssh has one ingress rule, TCP 22 from $cidr, and the server is in it and in default", ({ edit, cidr, ethertype }) => {
    process.env.SSH_PUBLIC_KEY_FILE = FIXTURE_KEY;
    const json = synth(edit);
    const group = only(json, "openstack_networking_secgroup_v2");
    expect(group.name).toBe("my-app-ssh");
    const rule = only(json, "openstack_networking_secgroup_rule_v2");
    expect(rule).toMatchObject({ direction: "ingress", protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: cidr, ethertype });
    const groupId = Object.keys(json.resource.openstack_networking_secgroup_v2)[0];
    expect(rule.security_group_id).toBe(`\${openstack_networking_secgroup_v2.${groupId}.id}`);
    expect(only(json, "openstack_compute_instance_v2").security_groups).toEqual(["default", `\${openstack_networking_secgroup_v2.${groupId}.name}`]);
  });

  test("GIVEN SSH_PUBLIC_KEY_FILE WHEN main.ts is synthesized THEN that key is the key pair my-app-key, and the server boots with it", () => {
    process.env.SSH_PUBLIC_KEY_FILE = FIXTURE_KEY;
    const json = synth();
    const key = only(json, "openstack_compute_keypair_v2");
    expect(key).toEqual(expect.objectContaining({ name: "my-app-key", public_key: fixtureKey }));
    expect(key.private_key).toBeUndefined();
    const keyId = Object.keys(json.resource.openstack_compute_keypair_v2)[0];
    expect(only(json, "openstack_compute_instance_v2").key_pair).toBe(`\${openstack_compute_keypair_v2.${keyId}.name}`);
  });

  test("GIVEN main.ts WHEN synthesized THEN a floating IP from pool public is associated to the server's port, and the outputs give it and ssh_command as the ubuntu user", () => {
    process.env.SSH_PUBLIC_KEY_FILE = FIXTURE_KEY;
    const json = synth();
    const ip = only(json, "openstack_networking_floatingip_v2");
    expect(ip.pool).toBe("public");
    const ipId = Object.keys(json.resource.openstack_networking_floatingip_v2)[0];
    const association = only(json, "openstack_networking_floatingip_associate_v2");
    expect(association.floating_ip).toBe(`\${openstack_networking_floatingip_v2.${ipId}.address}`);
    const [portId, port] = Object.entries(json.data.openstack_networking_port_v2 as Record<string, any>)[0];
    expect(association.port_id).toBe(`\${data.openstack_networking_port_v2.${portId}.id}`);
    const serverId = Object.keys(json.resource.openstack_compute_instance_v2)[0];
    expect(port.device_id).toBe(`\${openstack_compute_instance_v2.${serverId}.id}`);
    expect(json.output.floating_ip.value).toBe(`\${openstack_networking_floatingip_v2.${ipId}.address}`);
    expect(json.output.ssh_command.value).toBe(`ssh ubuntu@\${openstack_networking_floatingip_v2.${ipId}.address}`);
    expect(Object.keys(json.output).sort()).toEqual(["floating_ip", "server_id", "server_ip", "ssh_command"]);
  });
});

describe("the init app's SSH key: SSH_PUBLIC_KEY_FILE, else ~/.ssh/id_ed25519.pub, else ~/.ssh/id_rsa.pub", () => {
  const ed25519 = keyLine("ssh-ed25519", "me@laptop-ed25519");
  const rsa = keyLine("ssh-rsa", "me@laptop-rsa");

  test.each`
    given                                                 | env                  | files                                               | expected
    ${"no SSH_PUBLIC_KEY_FILE, both default keys"}        | ${undefined}         | ${{ "id_ed25519.pub": ed25519, "id_rsa.pub": rsa }} | ${ed25519}
    ${"no SSH_PUBLIC_KEY_FILE, only ~/.ssh/id_rsa.pub"}   | ${undefined}         | ${{ "id_rsa.pub": rsa }}                            | ${rsa}
    ${"SSH_PUBLIC_KEY_FILE with ~, and the default keys"} | ${"~/.ssh/egi.pub"}  | ${{ "egi.pub": rsa, "id_ed25519.pub": ed25519 }}    | ${rsa}
  `("GIVEN $given WHEN main.ts is synthesized THEN the key pair holds the key it names first", ({ env, files, expected }) => {
    userWith(files, env);

    expect(only(synth(), "openstack_compute_keypair_v2").public_key).toBe(expected);
  });

  test.each`
    given                                            | env                       | message
    ${"no SSH_PUBLIC_KEY_FILE and no key in ~/.ssh"} | ${undefined}              | ${"no ~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub to log in to the VM with; create a key with `ssh-keygen -t ed25519`, or set SSH_PUBLIC_KEY_FILE to your public key"}
    ${"SSH_PUBLIC_KEY_FILE naming no file"}          | ${"/nonexistent/egi.pub"} | ${"SSH_PUBLIC_KEY_FILE /nonexistent/egi.pub does not exist; set it to your SSH public key (the .pub file)"}
  `("GIVEN $given WHEN main.ts is synthesized THEN it stops with one line naming the fix", ({ env, message }) => {
    userWith({}, env);

    expect(() => synth()).toThrow(new Error(message));
  });
});
