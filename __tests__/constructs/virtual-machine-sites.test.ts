/**
 * One way to pass a site: constructs given no site are at `EgiSite.of(scope)`, and a server refuses
 * a key pair, security group, network or volume made for another site.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { EgiSite } from "../../constructs/egi-site";
import { KeyPair } from "../../constructs/key-pair";
import { Network } from "../../constructs/network";
import { SecurityGroup } from "../../constructs/security-group";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { Volume } from "../../constructs/volume";
import { ED25519, fixed, useTempContextFile } from "../support/construct-fixtures";

useTempContextFile();

/** A stack with its default site and a second site `b` (alias b, another Keystone). */
function twoSites() {
  const stack = new TerraformStack(Testing.app(), "s");
  const a = new EgiSite(stack, "a", { authUrl: "https://a.example.org:5000/v3", projectId: "pa" });
  const b = new EgiSite(stack, "b", { authUrl: "https://b.example.org:5000/v3", projectId: "pb", alias: "b" });
  return { stack, a, b };
}

/** A key pair in stack keys (project pa at Keystone a) and stack servers at Keystone a, project `serverProject`. */
function keysInAnotherStack(serverProject: string) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "cdktf.outdir.")) });
  const keys = new TerraformStack(app, "keys");
  new EgiSite(keys, "site", { authUrl: "https://a.example.org:5000/v3", projectId: "pa" });
  const key = new KeyPair(keys, "key", { publicKey: ED25519 });
  const servers = new TerraformStack(app, "servers");
  new EgiSite(servers, "site", { authUrl: "https://a.example.org:5000/v3", projectId: serverProject });
  return { servers, key };
}

describe("VirtualMachine at one site", () => {
  test("GIVEN a key pair made for site b WHEN a server at the default site uses it THEN synth fails naming both sites and the fix", () => {
    const { stack, b } = twoSites();
    const key = new KeyPair(stack, "key", { publicKey: ED25519, site: b });
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), keyPair: key })).toThrow(
      "VirtualMachine s/vm: keyPair s/key is at site s/b, the server at site s/a; create or import it with the server's site (site: ...), one per site",
    );
  });

  test("GIVEN a security group made at the default site WHEN a server at site b uses it THEN synth fails naming the group", () => {
    const { stack, b } = twoSites();
    const group = new SecurityGroup(stack, "ssh").allowSshFrom("0.0.0.0/0");
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), site: b, securityGroups: [group] })).toThrow(
      "VirtualMachine s/vm: security group s/ssh is at site s/a, the server at site s/b;",
    );
  });

  test("GIVEN a group found by name at site b WHEN a server at the default site uses it THEN synth fails", () => {
    const { stack, b } = twoSites();
    const group = SecurityGroup.fromName(stack, "default", { name: "default", site: b });
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), securityGroups: [group] })).toThrow("security group s/default is at site s/b, the server at site s/a");
  });

  test("GIVEN a network looked up at site b WHEN a server at the default site uses it THEN synth fails", () => {
    const { stack, b } = twoSites();
    const network = Network.fromName(stack, "net", { name: "vo-net", site: b });
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), network })).toThrow("network s/net is at site s/b, the server at site s/a");
  });

  test("GIVEN a volume at site b WHEN attached to a server at the default site THEN it fails before any attachment is made", () => {
    const { stack, b } = twoSites();
    const volume = new Volume(stack, "data", { sizeGb: 1, site: b });
    const vm = new VirtualMachine(stack, "vm", fixed());
    expect(() => vm.attachVolume(volume)).toThrow("VirtualMachine s/vm: volume s/data is at site s/b, the server at site s/a");
    expect(JSON.parse(Testing.synth(stack)).resource.openstack_compute_volume_attach_v2).toBeUndefined();
  });

  test("GIVEN everything made without a site, even before the site WHEN the server uses it THEN all are at the default site and synth passes", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const group = new SecurityGroup(stack, "ssh").allowSshFrom("0.0.0.0/0");
    const key = new KeyPair(stack, "key", { publicKey: ED25519 });
    const site = new EgiSite(stack, "site");
    const network = Network.fromName(stack, "net", { name: "vo-net" });
    const vm = new VirtualMachine(stack, "vm", { ...fixed(), keyPair: key, securityGroups: [group], network });
    vm.attachVolume(new Volume(stack, "data", { sizeGb: 1 }));
    for (const at of [group.site, key.site, network.site, vm.site]) expect(at).toBe(site);
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.openstack_compute_volume_attach_v2)).toHaveLength(1);
  });

  test("GIVEN everything made for site b WHEN the server is at site b THEN its provider is b's for all of them", () => {
    const { stack, b } = twoSites();
    const key = new KeyPair(stack, "key", { publicKey: ED25519, site: b });
    const group = new SecurityGroup(stack, "ssh", { site: b }).allowSshFrom("0.0.0.0/0");
    new VirtualMachine(stack, "vm", { ...fixed(), site: b, keyPair: key, securityGroups: [group] });
    const json = JSON.parse(Testing.synth(stack));
    const providers = [json.resource.openstack_compute_keypair_v2, json.resource.openstack_networking_secgroup_v2, json.resource.openstack_compute_instance_v2].map(
      (r) => (Object.values(r)[0] as { provider?: string }).provider,
    );
    expect(providers).toEqual(["openstack.b", "openstack.b", "openstack.b"]);
  });

  test("GIVEN a key pair in another stack at the same Keystone and project WHEN a server uses it THEN it is accepted", () => {
    const { servers, key } = keysInAnotherStack("pa");
    expect(() => new VirtualMachine(servers, "vm", { ...fixed(), keyPair: key })).not.toThrow();
  });

  test("GIVEN a key pair in another stack at another project WHEN a server uses it THEN synth fails", () => {
    const { servers, key } = keysInAnotherStack("other");
    expect(() => new VirtualMachine(servers, "vm", { ...fixed(), keyPair: key })).toThrow("keyPair keys/key is at site keys/site, the server at site servers/site");
  });

  test("GIVEN a key pair imported by name without a site WHEN a server at site b uses it THEN synth fails: the import is at the stack's site a", () => {
    const { stack, a, b } = twoSites();
    const key = KeyPair.fromKeyPairName(stack, "key", { name: "laptop" });
    expect(key.site).toBe(a);
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), site: b, keyPair: key })).toThrow("keyPair s/key is at site s/a, the server at site s/b");
  });

  test("GIVEN a key pair imported by name at site b WHEN a server at site b uses it THEN it is accepted", () => {
    const { stack, b } = twoSites();
    const key = KeyPair.fromKeyPairName(stack, "key", { name: "laptop", site: b });
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), site: b, keyPair: key })).not.toThrow();
  });

  test("GIVEN a stack without an EgiSite WHEN a key pair is imported by name THEN its site is unknown and a server takes it", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const key = KeyPair.fromKeyPairName(stack, "key", { name: "laptop" });
    expect(key.site).toBeUndefined();
    expect(() => new VirtualMachine(stack, "vm", { ...fixed(), keyPair: key })).not.toThrow();
  });
});
