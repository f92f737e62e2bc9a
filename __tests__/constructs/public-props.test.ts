/**
 * Every public construct and static factory of constructs/index.ts, called as JavaScript (or
 * Python through jsii) can call it: without each required prop or argument, and with a misspelled
 * prop. Each must throw one line naming the construct or factory and the prop, never
 * `Cannot read properties of undefined (reading 'trim')`.
 */
import { TerraformStack, Testing } from "cdktf";
import * as constructs from "../../constructs";
import { ContextFile, EgiSite, Flavor, FloatingIp, KeyPair, MachineImage, Network, ReviewHint, ReviewHints, SecurityGroup, UserData, VirtualMachine, Volume, WriteFiles } from "../../constructs";
import { fixed, useTempContextFile } from "../support/construct-fixtures";
import { messageOf as errorOf } from "../support/thrown";

useTempContextFile();

/** A fresh stack `s` of a test app. */
const stack = () => new TerraformStack(Testing.app(), "s");
/** Calls as JavaScript would: no type checks. */
const js = (x: unknown) => x as never;
const vm = () => new VirtualMachine(stack(), "vm", fixed());

type Case = [caller: string, missing: string, call: () => unknown];

/** Each required prop or argument left out. `caller` is what the message starts with. */
const MISSING: Case[] = [
  ["VirtualMachine s/vm", "image", () => new VirtualMachine(stack(), "vm", js({ flavor: Flavor.fromId("f") }))],
  ["VirtualMachine s/vm", "flavor", () => new VirtualMachine(stack(), "vm", js({ image: MachineImage.fromId("i") }))],
  ["VirtualMachine s/vm", "image, flavor", () => new VirtualMachine(stack(), "vm", js(undefined))],
  ["VirtualMachine s/vm: attachNewVolume data", "sizeGb", () => vm().attachNewVolume("data", js({}))],
  ["VirtualMachine s/vm: attachVolume", "volume", () => vm().attachVolume(js(undefined))],
  ["EgiSite.fromSiteName s/site", "site", () => EgiSite.fromSiteName(stack(), "site", js({ vo: "vo.access.egi.eu" }))],
  ["EgiSite.fromSiteName s/site", "vo", () => EgiSite.fromSiteName(stack(), "site", js({ site: "IFCA-LCG2" }))],
  ["EgiSite.fromSiteName s/site", "site, vo", () => EgiSite.fromSiteName(stack(), "site", js(undefined))],
  ["MachineImage.fromId", "imageId", () => MachineImage.fromId(js(undefined))],
  ["MachineImage.fromApplianceMpuri", "mpuri", () => MachineImage.fromApplianceMpuri(js(undefined))],
  ["MachineImage.latestAppDbAppliance", "appliance", () => MachineImage.latestAppDbAppliance(js(undefined))],
  ["MachineImage.fromRegistry", "osDistro", () => MachineImage.fromRegistry(js({ osVersion: "22.04" }))],
  ["MachineImage.fromRegistryRef", "imageRef", () => MachineImage.fromRegistryRef(js(undefined))],
  ["MachineImage.fromName", "name", () => MachineImage.fromName(js(undefined))],
  ["MachineImage.fromNameRegex", "regex", () => MachineImage.fromNameRegex(js(undefined))],
  ["Flavor.fromId", "flavorId", () => Flavor.fromId(process.env.EGI_TEST_UNSET_FLAVOR!)],
  ["Flavor.fromName", "name", () => Flavor.fromName(js(undefined))],
  ["Flavor.exact", "vcpus", () => Flavor.exact(js({ ramMb: 2048, diskGb: 20 }))],
  ["Flavor.exact", "ramMb", () => Flavor.exact(js({ vcpus: 1, diskGb: 20 }))],
  ["Flavor.exact", "diskGb", () => Flavor.exact(js({ vcpus: 1, ramMb: 2048 }))],
  ["Network.fromName s/net", "name", () => Network.fromName(stack(), "net", js({}))],
  ["Network.external s/net", "name", () => Network.external(stack(), "net", js({}))],
  ["Network.fromId", "networkId", () => Network.fromId(js(undefined))],
  ["FloatingIp s/ip", "pool", () => new FloatingIp(stack(), "ip", js({ portId: "p" }))],
  ["FloatingIp s/ip", "portId", () => new FloatingIp(stack(), "ip", js({ pool: "public" }))],
  ["KeyPair.fromKeyPairName s/key", "name", () => KeyPair.fromKeyPairName(stack(), "key", js({}))],
  ["KeyPair s/key", "acknowledgePrivateKeyInState", () => KeyPair.generated(stack(), "key", js({}))],
  ["Volume s/data", "sizeGb", () => new Volume(stack(), "data", js({ name: "data" }))],
  ["Volume s/data: attachTo", "instanceId", () => new Volume(stack(), "data", { sizeGb: 1 }).attachTo(js(undefined))],
  ["UserData.forShellScript", "script", () => UserData.forShellScript(js(undefined))],
  ["UserData.fromFile", "path", () => UserData.fromFile(js(undefined))],
  ["UserData.forCloudConfig", "config", () => UserData.forCloudConfig(js(undefined))],
  ["UserData.forCloudConfig: users[0]", "name", () => UserData.forCloudConfig({ users: [js({ shell: "/bin/bash" })] })],
  ["UserData.forCloudConfig: writeFiles[0]", "content", () => UserData.forCloudConfig({ writeFiles: [js({ path: "/etc/motd" })] })],
  ["UserData.custom", "content", () => UserData.custom(js(undefined))],
  ["UserData.multipart", "parts", () => UserData.multipart()],
  ["UserData.multipart", "part 1", () => UserData.multipart(js(undefined))],
  ["WriteFiles.fromLocalFile", "localPath", () => WriteFiles.fromLocalFile(js(undefined), "/etc/motd")],
  ["WriteFiles.fromLocalFile", "remotePath", () => WriteFiles.fromLocalFile(__filename, js(undefined))],
  ["ContextFile", "file", () => new ContextFile(js(undefined))],
  ["ReviewHints.of", "scope", () => ReviewHints.of(js(undefined))],
  ["ReviewHints s/sg: silence", "hint", () => ReviewHints.of(new SecurityGroup(stack(), "sg")).silence(js(undefined), "why")],
  ["ReviewHints s/sg: silence", "reason", () => ReviewHints.of(new SecurityGroup(stack(), "sg")).silence(ReviewHint.VOLUME_DESTROYED, js(undefined))],
];

/** A misspelled prop and the name the message suggests. */
const MISSPELLED: Case[] = [
  ["VirtualMachine s/vm", "unknown prop flavour; did you mean flavor?", () => new VirtualMachine(stack(), "vm", js({ image: MachineImage.fromId("i"), flavour: Flavor.fromId("f") }))],
  ["VirtualMachine s/vm", "unknown prop securityGroup; did you mean securityGroups?", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), securityGroup: [] }))],
  ["VirtualMachine s/vm: attachNewVolume data", "unknown prop sizeGB; did you mean sizeGb?", () => vm().attachNewVolume("data", js({ sizeGB: 1 }))],
  ["EgiSite s/site", "unknown prop authURL; did you mean authUrl?", () => new EgiSite(stack(), "site", js({ authURL: "https://k.example.org:5000/v3" }))],
  ["EgiSite s/site", "unknown prop floatingIPPool; did you mean floatingIpPool?", () => new EgiSite(stack(), "site", js({ floatingIPPool: "public" }))],
  ["EgiSite.fromSiteName s/site", "unknown prop caFlie; did you mean caFile?", () => EgiSite.fromSiteName(stack(), "site", js({ site: "S", vo: "V", caFlie: "ca.pem" }))],
  ["MachineImage.fromRegistry", "unknown prop osdistro; did you mean osDistro?", () => MachineImage.fromRegistry(js({ osdistro: "ubuntu" }))],
  ["Flavor.exact", "unknown prop ramMB; did you mean ramMb?", () => Flavor.exact(js({ vcpus: 1, ramMB: 2048, diskGb: 20 }))],
  ["Flavor.bestFit", "unknown prop minRam; did you mean minRamMb?", () => Flavor.bestFit(js({ minRam: 2048 }))],
  ["Network.fromName s/net", "unknown prop nmae; did you mean name?", () => Network.fromName(stack(), "net", js({ nmae: "private" }))],
  ["FloatingIp s/ip", "unknown prop portID; did you mean portId?", () => new FloatingIp(stack(), "ip", js({ pool: "public", portID: "p" }))],
  ["KeyPair s/key", "unknown prop publicKeyfile; did you mean publicKeyFile?", () => new KeyPair(stack(), "key", js({ publicKeyfile: "~/.ssh/id_ed25519.pub" }))],
  ["KeyPair.fromKeyPairName s/key", "unknown prop Name; did you mean name?", () => KeyPair.fromKeyPairName(stack(), "key", js({ Name: "me" }))],
  ["KeyPair.generated s/key", "unknown prop acknowledgePrivateKeyInStat; did you mean acknowledgePrivateKeyInState?", () => KeyPair.generated(stack(), "key", js({ acknowledgePrivateKeyInStat: true }))],
  ["Volume s/data", "unknown prop volumetype; did you mean volumeType?", () => new Volume(stack(), "data", js({ sizeGb: 1, volumetype: "ssd" }))],
  ["Volume s/data: attachTo", "unknown prop devise; did you mean device?", () => new Volume(stack(), "data", { sizeGb: 1 }).attachTo("i", js({ devise: "/dev/vdb" }))],
  ["UserData.forShellScript", "unknown prop Shebang; did you mean shebang?", () => UserData.forShellScript("echo hi", js({ Shebang: "#!/bin/sh" }))],
  ["UserData.forCloudConfig", "unknown prop package; did you mean packages?", () => UserData.forCloudConfig(js({ package: ["htop"] }))],
  ["UserData.forCloudConfig", "unknown prop write_files; did you mean writeFiles?", () => UserData.forCloudConfig(js({ write_files: [] }))],
  ["UserData.forCloudConfig", "unknown prop apt; give other cloud-init modules in extra, with cloud-init's snake_case keys", () => UserData.forCloudConfig(js({ apt: {} }))],
  ["UserData.forCloudConfig: writeFiles[0]", "unknown prop permission; did you mean permissions?", () => UserData.forCloudConfig({ writeFiles: [js({ path: "/a", content: "x", permission: "0600" })] })],
  ["WriteFiles.fromLocalFile", "unknown prop compressed; did you mean compress?", () => WriteFiles.fromLocalFile(__filename, "/a", js({ compressed: true }))],
];

/** An optional prop given as "": left out by mistake (an unset variable), or silently ignored (`osVersion: ""` matched any version). */
const EMPTY: Case[] = [
  ["EgiSite s/site", "region", () => new EgiSite(stack(), "site", { region: "" })],
  ["EgiSite s/site", "alias", () => new EgiSite(stack(), "site", { alias: "" })],
  ["EgiSite.fromSiteName s/site", "caFile", () => EgiSite.fromSiteName(stack(), "site", { site: "S", vo: "V", caFile: "" })],
  ["VirtualMachine s/vm", "availabilityZone", () => new VirtualMachine(stack(), "vm", { ...fixed(), availabilityZone: " " })],
  ["Volume s/data", "volumeType", () => new Volume(stack(), "data", { sizeGb: 1, volumeType: "" })],
  ["KeyPair s/key", "publicKeyFile", () => new KeyPair(stack(), "key", { publicKeyFile: "" })],
  ["MachineImage.fromRegistry", "osVersion", () => MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "" })],
  ["WriteFiles.fromLocalFile", "owner", () => WriteFiles.fromLocalFile(__filename, "/a", { owner: "" })],
];

/** A prop given as a name or plain object where the construct needs one of the library's objects. */
const WRONG: Array<[string, string, () => unknown]> = [
  ["image as a name", "prop image must be a MachineImage (MachineImage.fromId, .fromRegistry, .fromName, ...), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), image: "ubuntu-22.04" }))],
  ["image as an IImage", "prop image must be a MachineImage (MachineImage.fromId, .fromRegistry, .fromName, ...), got an object", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), image: { imageId: "i" } }))],
  ["flavor as a name", "prop flavor must be a Flavor (Flavor.fromId, .fromName, .exact, .bestFit), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), flavor: "m1.small" }))],
  ["network as a name", "prop network must be an INetwork (Network.fromName, Network.fromId), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), network: "private" }))],
  ["keyPair as a name", "prop keyPair must be an IKeyPair (new KeyPair, KeyPair.fromKeyPairName), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), keyPair: "me" }))],
  ["securityGroups as names", "prop securityGroups[0] must be an ISecurityGroup (new SecurityGroup, SecurityGroup.fromName), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), securityGroups: ["default"] }))],
  ["userData as text", "prop userData must be a UserData (UserData.forShellScript, .forCloudConfig, ...), got a string", () => new VirtualMachine(stack(), "vm", js({ ...fixed(), userData: "#!/bin/sh\necho hi" }))],
  ["attachVolume of a plain object", "attachVolume: argument volume must be a Volume, got an object", () => vm().attachVolume(js({ volumeId: "v" }))],
];

describe("every public construct and factory, called from JavaScript", () => {
  test.each(WRONG)("GIVEN a VirtualMachine with %s WHEN constructed THEN refused, naming the prop and what to give", (_what, expected, call) => {
    expect(errorOf(call)).toBe(`VirtualMachine s/vm: ${expected}`);
  });

  test.each(EMPTY)("GIVEN %s with %s empty WHEN called THEN refused, naming the prop", (caller, prop, call) => {
    expect(errorOf(call)).toBe(`${caller}: prop ${prop} is empty; leave it out or give a value`);
  });

  test.each(MISSING)("GIVEN %s without %s WHEN called THEN one line names both", (caller, missing, call) => {
    const message = errorOf(call);
    expect(message.startsWith(`${caller}: `) || message.startsWith(`${caller} `)).toBe(true);
    expect(message).toContain(missing);
    expect(message).not.toContain("\n");
    expect(message).not.toMatch(/Cannot read properties|is not a function|undefined \(reading/);
  });

  test.each(MISSPELLED)("GIVEN %s with %s WHEN called THEN refused, naming the prop", (caller, expected, call) => {
    expect(errorOf(call)).toBe(`${caller}: ${expected}`);
  });

  test("GIVEN Flavor.fromId(process.env.X!) with X unset WHEN called THEN the error names the argument", () => {
    expect(errorOf(() => Flavor.fromId(process.env.EGI_TEST_UNSET_FLAVOR!))).toBe("Flavor.fromId: argument flavorId must be a string, got undefined");
  });

  test("GIVEN every exported class WHEN listed THEN each of its static factories and each construct is in the tables above", () => {
    const covered = new Set([...MISSING, ...MISSPELLED, ...EMPTY].map(([caller]) => caller.split(/[ :]/)[0]));
    // Not factories of props: the stack's site (a scope), a type guard; SecurityGroup and TeamState have their own tables.
    const exempt = new Set(["EgiSite.of", "EgiSite.tryOf", "EgiSite.isEgiSite", "ContextFile.FILE_NAME", "ContextFile.PLACEHOLDER_ID", "ReviewHint.OPEN_TO_THE_WORLD", "ReviewHint.FLOATING_IP_WITHOUT_KEY_PAIR", "ReviewHint.VOLUME_DESTROYED"]);
    const others = new Set(["SecurityGroup", "TeamState"]);
    // Abstract or with a private constructor: only their static factories are public.
    const noConstructor = new Set(["MachineImage", "Flavor", "Network", "UserData", "WriteFiles", "ReviewHint", "ReviewHints"]);
    const uncovered: string[] = [];
    for (const [name, value] of Object.entries(constructs)) {
      if (typeof value !== "function" || others.has(name)) continue;
      if (!noConstructor.has(name) && !covered.has(name)) uncovered.push(`new ${name}`);
      for (const key of Object.getOwnPropertyNames(value)) {
        const full = `${name}.${key}`;
        if (["length", "name", "prototype"].includes(key) || key.startsWith("_") || exempt.has(full)) continue;
        if (!covered.has(full)) uncovered.push(full);
      }
    }
    expect(uncovered).toEqual([]);
  });
});
