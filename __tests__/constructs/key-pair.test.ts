import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Aspects, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { ComputeKeypairV2 } from "../../.gen/providers/openstack/compute-keypair-v2";
import { EgiSite } from "../../constructs/egi-site";
import { KeyPair, KeyPairProps } from "../../constructs/key-pair";
import { ED25519 } from "../support/construct-fixtures";

const FAKE_PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAc2VjcmV0LWJ5dGVz\n-----END OPENSSH PRIVATE KEY-----\n";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "keypair-"));
  jest.spyOn(require("node:os"), "homedir").mockReturnValue(home);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(home, { recursive: true, force: true });
});

function writeHomeFile(relative: string, content: string): string {
  const file = path.join(home, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function synth(build: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return Testing.synth(stack);
}

function construct(props: KeyPairProps): () => KeyPair {
  return () => new KeyPair(new TerraformStack(Testing.app(), "s"), "key", props);
}

describe("KeyPair", () => {
  test("GIVEN no props and ~/.ssh/id_rsa.pub WHEN synthesized THEN the key pair is named from the path and carries that file's key", () => {
    writeHomeFile(".ssh/id_rsa.pub", `${ED25519}\n`);
    expect(synth((s) => new KeyPair(s, "key"))).toHaveResourceWithProperties(ComputeKeypairV2, { name: "s-key", public_key: ED25519 });
  });

  test("GIVEN publicKeyFile with ~ WHEN synthesized THEN ~ is the home directory", () => {
    writeHomeFile("keys/mine.pub", ED25519);
    expect(synth((s) => new KeyPair(s, "key", { publicKeyFile: "~/keys/mine.pub" }))).toHaveResourceWithProperties(ComputeKeypairV2, { public_key: ED25519 });
  });

  test("GIVEN publicKey and a name WHEN synthesized THEN both are used as given", () => {
    expect(synth((s) => new KeyPair(s, "key", { publicKey: ED25519, name: "my key_1" }))).toHaveResourceWithProperties(ComputeKeypairV2, { name: "my key_1", public_key: ED25519 });
  });

  test("GIVEN a key pair WHEN its attributes are read THEN keyPairName and fingerprint reference the resource", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const key = new KeyPair(stack, "key", { publicKey: ED25519 });
    new TerraformOutput(stack, "name", { value: key.keyPairName });
    new TerraformOutput(stack, "fingerprint", { value: key.fingerprint });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.name.value).toBe("${openstack_compute_keypair_v2.key_FEDD6EC0.name}");
    expect(json.output.fingerprint.value).toBe("${openstack_compute_keypair_v2.key_FEDD6EC0.fingerprint}");
    expect(key.privateKey).toBeUndefined();
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the key pair uses that site's provider", () => {
    const out = synth((s) => new KeyPair(s, "key", { publicKey: ED25519, site: new EgiSite(s, "site", { alias: "k" }) }));
    expect(out).toHaveResourceWithProperties(ComputeKeypairV2, { provider: "openstack.k" });
  });

  test("GIVEN no key file WHEN constructed THEN the error names publicKeyFile and suggests ssh-keygen or publicKey", () => {
    expect(construct({})).toThrow(`KeyPair s/key: publicKeyFile "${home}/.ssh/id_rsa.pub" does not exist; create a key with \`ssh-keygen -t ed25519\` and set publicKeyFile to "~/.ssh/id_ed25519.pub", or give the key text as publicKey`);
  });

  test("GIVEN both publicKey and publicKeyFile WHEN constructed THEN the error says to give only one", () => {
    expect(construct({ publicKey: ED25519, publicKeyFile: "/k.pub" })).toThrow("KeyPair s/key: publicKey and publicKeyFile are both given; give only one");
  });

  test("GIVEN a private key file WHEN constructed THEN the error asks for the .pub file and does not print the key", () => {
    const file = writeHomeFile(".ssh/id_ed25519", FAKE_PRIVATE);
    const error = (() => { try { construct({ publicKeyFile: file })(); } catch (e) { return (e as Error).message; } return ""; })();
    expect(error).toBe(`KeyPair s/key: publicKeyFile "${file}": that is a private key; give the .pub file (its public half, e.g. ~/.ssh/id_ed25519.pub)`);
    expect(error).not.toContain("b3BlbnNzaC1rZXktdjEAAAAAc2VjcmV0LWJ5dGVz");
  });

  test("GIVEN a private key as publicKey WHEN constructed THEN the error names publicKey and asks for the .pub file", () => {
    expect(construct({ publicKey: FAKE_PRIVATE })).toThrow("KeyPair s/key: publicKey: that is a private key; give the .pub file");
  });

  test.each([
    ["not a key at all", "is not an OpenSSH public key (a line starting with ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com)"],
    ["ssh-dss AAAAB3NzaC1kc3MAAACBAP", "is not an OpenSSH public key"],
    ["ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINxZdfIbluyB7SidIOFWXApIZ+4FqmUKiZCYMztVdMU4", "is a damaged ssh-rsa key"],
    ["ssh-ed25519", "is a damaged ssh-ed25519 key"],
    ["---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----", "is in SSH2 (RFC 4716) format, not OpenSSH; convert it with `ssh-keygen -i -f FILE`"],
    [`${ED25519}\n${ED25519}\n`, "holds 2 keys; Nova takes one"],
    ["\n", "is empty"],
  ])("GIVEN publicKey %j WHEN constructed THEN the error says what is wrong", (publicKey, message) => {
    expect(construct({ publicKey })).toThrow(`KeyPair s/key: publicKey: ${message}`);
  });

  test.each([["web/server"], [""], ["x".repeat(256)]])("GIVEN name %j WHEN constructed THEN the error names the name prop", (name) => {
    expect(construct({ name, publicKey: ED25519 })).toThrow(`KeyPair s/key: name "${name}" is not a valid Nova key pair name; use 1 to 255 letters, digits, "-", "_" or spaces`);
  });

  test("GIVEN a construct path with characters Nova rejects WHEN synthesized THEN the default name replaces them with -", () => {
    expect(synth((s) => new KeyPair(s, "my.key@home", { publicKey: ED25519 }))).toHaveResourceWithProperties(ComputeKeypairV2, { name: "s-my-key-home" });
  });
});

describe("KeyPair.fromKeyPairName", () => {
  test("GIVEN an existing key pair name WHEN imported THEN it carries the name and creates no resource", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const key = KeyPair.fromKeyPairName(stack, "key", { name: "laptop" });
    expect(key.keyPairName).toBe("laptop");
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  test("GIVEN an invalid name WHEN imported THEN the error names the name prop", () => {
    expect(() => KeyPair.fromKeyPairName(new TerraformStack(Testing.app(), "s"), "key", { name: "a/b" })).toThrow('KeyPair s/key: name "a/b" is not a valid Nova key pair name');
  });

  test("GIVEN the 0.1 call with a plain name (JavaScript, no type check) WHEN imported THEN the error shows the 0.2 call", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const oldCall = KeyPair.fromKeyPairName as unknown as (scope: unknown, id: string, name: string) => unknown;
    expect(() => oldCall(stack, "key", "laptop")).toThrow('KeyPair s/key: fromKeyPairName takes props since 0.2; write KeyPair.fromKeyPairName(scope, "key", { name: "laptop" })');
  });
});

describe("KeyPair.generated", () => {
  test("GIVEN the acknowledgement WHEN synthesized THEN the key pair has no public_key and exposes the generated private key", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const key = KeyPair.generated(stack, "key", { acknowledgePrivateKeyInState: true });
    new TerraformOutput(stack, "private_key", { value: key.privateKey, sensitive: true });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.resource.openstack_compute_keypair_v2.key_FEDD6EC0).toEqual({ name: "s-key" });
    expect(json.output.private_key.value).toBe("${openstack_compute_keypair_v2.key_FEDD6EC0.private_key}");
  });

  test("GIVEN no acknowledgement (from JavaScript) WHEN called THEN the error explains the private key lands in the state", () => {
    const props = { acknowledgePrivateKeyInState: false } as unknown as { acknowledgePrivateKeyInState: true };
    expect(() => KeyPair.generated(new TerraformStack(Testing.app(), "s"), "key", props)).toThrow(
      "KeyPair s/key: acknowledgePrivateKeyInState must be true for KeyPair.generated, because the provider then stores the private key unencrypted in the Terraform state; set it to true only with a protected state backend, else use new KeyPair(...) with publicKeyFile",
    );
  });

  test("GIVEN a site with an alias WHEN synthesized THEN the generated key pair uses that site's provider", () => {
    const out = synth((s) => KeyPair.generated(s, "key", { acknowledgePrivateKeyInState: true, site: new EgiSite(s, "site", { alias: "k" }) }));
    expect(out).toHaveResourceWithProperties(ComputeKeypairV2, { provider: "openstack.k" });
  });
});

describe("KeyPair names at one site", () => {
  const ENV = ["OS_AUTH_URL", "OS_PROJECT_ID", "OS_REGION_NAME"];
  beforeEach(() => Object.assign(process.env, { OS_AUTH_URL: "https://k.example.org:5000/v3", OS_PROJECT_ID: "p1" }));
  afterEach(() => ENV.forEach((k) => delete process.env[k]));

  /** Two key pairs named `names[0]` and `names[1]` in stacks a and b of one app; `sites` builds each stack's site props. */
  function twoStacks(sites: [object | undefined, object | undefined], names: [string, string] = ["egi-key", "egi-key"], passSite = false) {
    const app = Testing.app();
    const [a, b] = (["a", "b"] as const).map((id, i) => {
      const stack = new TerraformStack(app, id);
      const site = sites[i] === undefined ? undefined : new EgiSite(stack, "site", sites[i] as object);
      new KeyPair(stack, "key", { publicKey: ED25519, name: names[i], site: passSite ? site : undefined });
      return stack;
    });
    return { a, b };
  }

  const CLASH = 'KeyPair a/key and KeyPair b/key both create the key pair "egi-key" at the same site (Nova key pair names are per user); change name on one of them';

  test.each([
    ["two stacks with default sites from OS_AUTH_URL", [{}, {}], false],
    ["two stacks without EgiSite (both from the environment)", [undefined, undefined], false],
    ["one site from OS_AUTH_URL, the other with the same authUrl", [{}, { authUrl: "https://k.example.org:5000/v3" }], false],
    ["the same Keystone, other projects (key pairs are per user)", [{ projectId: "p1" }, { projectId: "p2" }], true],
  ])("GIVEN the same name in %s WHEN synthesized THEN one line names both paths and the name prop", (_what, sites, passSite) => {
    const { a, b } = twoStacks(sites as [object, object], undefined, passSite);
    expect(() => Testing.synth(b)).toThrow(CLASH);
    expect(() => Testing.synth(a)).toThrow(CLASH);
  });

  test("GIVEN the same name twice in one stack WHEN synthesized THEN the error names both paths", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new KeyPair(stack, "one", { publicKey: ED25519, name: "k" });
    new KeyPair(stack, "two", { publicKey: ED25519, name: "k" });
    expect(() => Testing.synth(stack)).toThrow('KeyPair s/one and KeyPair s/two both create the key pair "k" at the same site (Nova key pair names are per user); change name on one of them');
  });

  test.each([
    ["other Keystones", [{ authUrl: "https://a.example.org:5000/v3" }, { authUrl: "https://b.example.org:5000/v3" }]],
    ["other regions", [{ region: "r1" }, { region: "r2" }]],
  ])("GIVEN the same name at %s WHEN synthesized THEN both are accepted", (_what, sites) => {
    const { a, b } = twoStacks(sites as [object, object], undefined, true);
    expect(Testing.synth(a)).toHaveResourceWithProperties(ComputeKeypairV2, { name: "egi-key" });
    expect(Testing.synth(b)).toHaveResourceWithProperties(ComputeKeypairV2, { name: "egi-key" });
  });

  test("GIVEN two names WHEN synthesized THEN both are accepted", () => {
    const { b } = twoStacks([{}, {}], ["one", "two"]);
    expect(Testing.synth(b)).toHaveResourceWithProperties(ComputeKeypairV2, { name: "two" });
  });

  test("GIVEN only distinct names WHEN the stacks are built THEN no stack carries the check's aspect (synth visits nothing extra)", () => {
    const { a, b } = twoStacks([{}, {}], ["one", "two"]);
    expect(Aspects.of(a).all).toHaveLength(0);
    expect(Aspects.of(b).all).toHaveLength(0);

    // WHEN a third key pair repeats a name in stack a THEN both stacks that hold the name are checked
    new KeyPair(a, "again", { publicKey: ED25519, name: "two" });
    expect(Aspects.of(a).all).toHaveLength(1);
    expect(Aspects.of(b).all).toHaveLength(1);
  });

  test("GIVEN the same token as name twice WHEN synthesized THEN nothing is compared (its value is unknown at synth)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const name = new TerraformVariable(stack, "key_name", { type: "string" }).stringValue;
    new KeyPair(stack, "one", { publicKey: ED25519, name });
    new KeyPair(stack, "two", { publicKey: ED25519, name });
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.openstack_compute_keypair_v2)).toHaveLength(2);
  });

  test("GIVEN the same existing key pair imported twice WHEN synthesized THEN nothing clashes (nothing is created)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    KeyPair.fromKeyPairName(stack, "one", { name: "laptop" });
    KeyPair.fromKeyPairName(stack, "two", { name: "laptop" });
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });
});
