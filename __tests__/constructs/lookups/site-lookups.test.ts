/**
 * Synth-time lookups seen from a server: the precondition that stops `terraform plan` while a
 * lookup is unanswered, the warning, answers in egi-cdktf.context.json of the wrong shape, and the
 * precondition a failed Flavor.exact check puts on its data source, run through the real terraform.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalBackend, TerraformStack, Testing } from "cdktf";
import { ContextFile } from "../../../constructs/lookups/context-file";
import { EgiSite } from "../../../constructs/egi-site";
import { Flavor } from "../../../constructs/flavor";
import { KeyPair } from "../../../constructs/key-pair";
import { MachineImage } from "../../../constructs/machine-image";
import { SecurityGroup } from "../../../constructs/security-group";
import { VirtualMachine, type VirtualMachineProps } from "../../../constructs/virtual-machine";
import { initAndValidate, terraform } from "../../support/terraform";
import { type FakeFlavor, fakeSiteToken } from "../fake-site-token";
import { ED25519 } from "../../support/construct-fixtures";

const SITE = "https://k.example.org:5000|p1|";
const MPURI = "https://appdb.egi.eu/store/vo/image/8df7ba00-8467-57aa-bf1e-05754a2a73bf:6428/";
const BEST_FIT_KEY = `flavor-best-fit:{"gpus":0,"minDiskGb":20,"minRamMb":2048,"minVcpus":1}@${SITE}`;
const FIX = "set CHECKIN_* with OS_AUTH_URL and OS_PROJECT_ID and synth again, or pin it in egi-cdktf.context.json";

let contextFile: string;
beforeEach(() => {
  contextFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
  Object.assign(process.env, { EGI_CDKTF_CONTEXT_FILE: contextFile, OS_AUTH_URL: "https://k.example.org:5000/v3", OS_PROJECT_ID: "p1" });
});
afterEach(() => {
  for (const k of ["EGI_CDKTF_CONTEXT_FILE", "OS_AUTH_URL", "OS_PROJECT_ID"]) delete process.env[k];
});

const bestFit = () => Flavor.bestFit({ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 });
const byId = { image: MachineImage.fromId("img-1"), flavor: Flavor.fromId("flavor-1") };

/** A stack with a default EgiSite and a VM `vm`; pins `context` first when given. */
function vmStack(props: Partial<VirtualMachineProps>, context?: Record<string, unknown>) {
  if (context) fs.writeFileSync(contextFile, JSON.stringify(context));
  const stack = new TerraformStack(Testing.app(), "s");
  const site = new EgiSite(stack, "site");
  const vm = new VirtualMachine(stack, "vm", { ...byId, ...props });
  return { stack, site, vm };
}

interface Precondition {
  readonly condition: string;
  readonly error_message: string;
}

/** The server's preconditions, each with the value of the local its condition reads. */
function preconditions(stack: TerraformStack): Array<Precondition & { readonly local: unknown }> {
  const json = JSON.parse(Testing.synth(stack));
  const server = Object.values(json.resource.openstack_compute_instance_v2)[0] as { lifecycle?: { precondition: Precondition[] } };
  return (server.lifecycle?.precondition ?? []).map((p) => {
    const name = /^\$\{local\.([\w-]+) != "[^"]+"\}$/.exec(p.condition)?.[1];
    return { ...p, local: name === undefined ? undefined : json.locals?.[name] };
  });
}

describe("a server whose image or flavor comes from an unanswered synth-time lookup", () => {
  test.each([
    [
      "Flavor.bestFit",
      { flavor: bestFit() },
      ContextFile.PLACEHOLDER_ID,
      `Flavor.bestFit in s/vm: the smallest flavor with at least 1 vCPUs, 2048 MB RAM, 20 GB disk was not looked up at synth (not pinned in egi-cdktf.context.json, no Check-in credential), so its id is a placeholder; ${FIX}`,
    ],
    [
      "MachineImage.latestAppDbAppliance",
      { image: MachineImage.latestAppDbAppliance(MPURI) },
      ContextFile.PLACEHOLDER_ID,
      `MachineImage.latestAppDbAppliance in s/vm: the newest image of AppDB appliance 8df7ba00-8467-57aa-bf1e-05754a2a73bf was not looked up at synth (not pinned in egi-cdktf.context.json, no Check-in credential), so its id is a placeholder; ${FIX}`,
    ],
    [
      "MachineImage.fromRegistryRef",
      { image: MachineImage.fromRegistryRef("egi_vm_images/ubuntu:22.04") },
      ContextFile.PLACEHOLDER_ID,
      `MachineImage.fromRegistryRef in s/vm: the newest image with eu.egi.cloud.image_ref egi_vm_images/ubuntu:22.04 was not looked up at synth (not pinned in egi-cdktf.context.json, no Check-in credential), so its id is a placeholder; ${FIX}`,
    ],
  ])("GIVEN %s with nothing pinned WHEN synthesized without the hook THEN a precondition on the server fails while the id is the placeholder, naming the lookup and the fix", (_what, props, placeholder, message) => {
    const { stack } = vmStack(props);
    expect(preconditions(stack)).toEqual([{ condition: expect.stringContaining(`!= "${placeholder}"`), error_message: message, local: placeholder }]);
  });

  test("GIVEN the best fit pinned in the context file WHEN synthesized THEN the precondition's local holds the answer, so it holds", () => {
    const { stack } = vmStack({ flavor: bestFit() }, { [BEST_FIT_KEY]: "flavor-medium-id" });
    expect(preconditions(stack).map((p) => p.local)).toEqual(["flavor-medium-id"]);
  });

  test("GIVEN an image and a flavor from lookups WHEN synthesized THEN the server has one precondition for each", () => {
    const { stack } = vmStack({ flavor: bestFit(), image: MachineImage.latestAppDbAppliance(MPURI) });
    expect(preconditions(stack).map((p) => p.local)).toEqual([ContextFile.PLACEHOLDER_ID, ContextFile.PLACEHOLDER_ID]);
  });

  test.each([
    ["ids", byId],
    ["plan-time data sources", { image: MachineImage.fromApplianceMpuri(MPURI), flavor: Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 20 }) }],
  ])("GIVEN image and flavor by %s WHEN synthesized THEN the server has no precondition and the stack no lookup local", (_what, props) => {
    const { stack } = vmStack(props);
    const json = JSON.parse(Testing.synth(stack));
    expect(preconditions(stack)).toEqual([]);
    expect(Object.keys(json.locals ?? {}).filter((name) => name.startsWith("egi_lookup_"))).toEqual([]);
  });

  test("GIVEN Flavor.exact WHEN synthesized without the hook THEN its only local is the site check's outcome, passed", () => {
    const { stack } = vmStack({ flavor: Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 20 }) });
    expect(Object.entries(JSON.parse(Testing.synth(stack)).locals)).toEqual([[expect.stringMatching(/^egi_check_flavor_exact_[0-9a-f]{8}$/), "passed"]]);
  });

  test("GIVEN nothing pinned and no credential WHEN prepared THEN the warning says plan stops at the server's precondition and gives the fix", async () => {
    const { stack, site } = vmStack({ flavor: bestFit() });
    await site._lookups.prepare(undefined);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data));
    expect(warnings).toEqual([
      `the smallest flavor with at least 1 vCPUs, 2048 MB RAM, 20 GB disk: not in ${contextFile} and no Check-in credential to look it up; its id is a placeholder and terraform plan stops at the server's precondition until it is known: ${FIX.replace("egi-cdktf.context.json", contextFile)}`,
    ]);
  });
});

/**
 * A stack that terraform plans gets a local backend inside its own folder: cdktn's Testing.fullSynth
 * adds the default one (a state file in the working directory), cdktf 0.21's adds none.
 */
const plannable = (stack: TerraformStack) => new LocalBackend(stack, { path: "terraform.tfstate" });

describe("the precondition with the real terraform (offline)", () => {
  /** Key pair, security group and volume besides the server: none of them may be created. */
  function fullStack(): string {
    const { stack, vm } = vmStack({ flavor: bestFit() });
    plannable(stack);
    new KeyPair(stack, "key", { publicKey: ED25519, name: "k" });
    new SecurityGroup(stack, "sg", { name: "sg" });
    vm.attachNewVolume("data", { sizeGb: 1 });
    return path.join(Testing.fullSynth(stack), "stacks", "s");
  }

  test("GIVEN an unanswered best fit WHEN terraform validate runs THEN the stack is valid", () => {
    const report = initAndValidate(fullStack());
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });

  test("GIVEN an unanswered best fit WHEN terraform plan runs THEN it fails at the server's precondition with the fix, so apply creates nothing", () => {
    const dir = fullStack();
    initAndValidate(dir, "terraform", { backend: true });
    // The provider authenticates lazily: nothing listens at this URL and nothing is asked of it.
    Object.assign(process.env, { OS_AUTH_URL: "http://127.0.0.1:9/v3", OS_TOKEN: "not-a-token" });
    try {
      const plan = terraform(dir, ["plan", "-no-color", "-input=false", "-lock=false"]);
      expect(plan.status).not.toBe(0);
      expect(plan.stderr).toContain("Resource precondition failed");
      expect(plan.stderr.replace(/\s+/g, " ")).toContain(`so its id is a placeholder; ${FIX}`);
    } finally {
      delete process.env.OS_TOKEN;
    }
  });
});

describe("a Flavor.exact check with the real terraform (offline)", () => {
  const SPEC = { vcpus: 1, ramMb: 2048, diskGb: 20 };
  const small = { id: "f-small", name: "m1.small", vcpus: 1, ram: 2048, disk: 20 };
  const smallB = { id: "f-small-b", name: "m1.small-b", vcpus: 1, ram: 2048, disk: 20 };
  const TWO_MATCH = "s/vm: the flavor with exactly 1 vCPUs, 2048 MB RAM, 20 GB disk: 2 flavors match: m1.small (f-small), m1.small-b (f-small-b); use Flavor.fromName or Flavor.fromId to pick one";
  /** Nothing listens here: any request the provider makes fails with this address in the error. */
  const NOWHERE = "http://127.0.0.1:9/v3";

  /** A VM with an exact flavor, a key pair, a security group and a volume, checked against `flavors` by the hook's prepare. */
  async function checkedStack(flavors: FakeFlavor[]): Promise<string> {
    const { stack, site, vm } = vmStack({ flavor: Flavor.exact(SPEC) });
    plannable(stack);
    new KeyPair(stack, "key", { publicKey: ED25519, name: "k" });
    new SecurityGroup(stack, "sg", { name: "sg" });
    vm.attachNewVolume("data", { sizeGb: 1 });
    await site._lookups.prepare(fakeSiteToken(flavors).token);
    const dir = path.join(Testing.fullSynth(stack), "stacks", "s");
    expect(initAndValidate(dir, "terraform", { backend: true })).toMatchObject({ valid: true, diagnostics: [] });
    return dir;
  }

  /** `terraform <command>` with a provider that authenticates lazily against NOWHERE; `text` is stderr on one line. */
  function run(dir: string, command: "plan" | "apply") {
    Object.assign(process.env, { OS_AUTH_URL: NOWHERE, OS_TOKEN: "not-a-token" });
    try {
      const r = terraform(dir, [command, ...(command === "apply" ? ["-auto-approve"] : []), "-no-color", "-input=false", "-lock=false"]);
      return { ...r, text: r.stderr.replace(/\s+/g, " ") };
    } finally {
      delete process.env.OS_TOKEN;
    }
  }

  test("GIVEN a stack whose exact check failed (two flavors match) WHEN terraform plan runs THEN it stops at the flavor data source's precondition with the check's message, before reading it, and apply creates nothing", async () => {
    const dir = await checkedStack([small, smallB]);
    const plan = run(dir, "plan");
    expect(plan.status).toBe(1);
    expect(plan.text).toContain("Error: Resource precondition failed");
    expect(plan.text).toMatch(/in data\.openstack_compute_flavor_v2\.flavor-[0-9a-f]{8}\.lifecycle\.precondition\[0\]/);
    expect(plan.text).toContain(TWO_MATCH);
    // The data source was not read: the provider asked nothing of the (unreachable) site.
    expect(plan.text).not.toContain("127.0.0.1:9");

    // The key pair, group and volume do not need the flavor, yet apply stops at the same error before creating any.
    const apply = run(dir, "apply");
    expect(apply.status).toBe(1);
    expect(apply.text).toContain(TWO_MATCH);
    expect(apply.stdout).not.toContain("Creating...");
    expect(apply.text).not.toContain("127.0.0.1:9");
    const state = path.join(dir, "terraform.tfstate");
    expect(fs.existsSync(state) ? JSON.parse(fs.readFileSync(state, "utf8")).resources : []).toEqual([]);
  });

  test("GIVEN two matching flavors, one named with ${ and %{ WHEN terraform plan runs THEN the stack is valid and the message shows the name literally", async () => {
    const plan = run(await checkedStack([small, { ...smallB, name: "odd-${x}-%{ if y }" }]), "plan");
    expect(plan.status).toBe(1);
    expect(plan.text).toContain("2 flavors match: m1.small (f-small), odd-${x}-%{ if y } (f-small-b);");
  });

  test("GIVEN a stack whose exact check passed WHEN terraform plan runs THEN it gets past the precondition and fails only reading the flavor at the unreachable site", async () => {
    const result = run(await checkedStack([small]), "plan");
    expect(result.status).not.toBe(0);
    expect(result.text).not.toContain("precondition failed");
    expect(result.text).not.toContain("flavors match");
    expect(result.text).toMatch(/Error: Error creating OpenStack compute client: .*127\.0\.0\.1:9.* with data\.openstack_compute_flavor_v2\.flavor-[0-9a-f]{8},/);
  });
});

describe("answers of the wrong shape in egi-cdktf.context.json", () => {
  test.each([
    [{ id: "x" }, "an object"],
    [["flavor-1"], "a list"],
    ["", "an empty string"],
    ["  ", "an empty string"],
    [null, "null"],
    [42, "the number 42"],
    [true, "true"],
  ])("GIVEN the best fit pinned as %j WHEN bound THEN one line names the file, the key, what it holds and the reset", (value, what) => {
    fs.writeFileSync(contextFile, JSON.stringify({ [BEST_FIT_KEY]: value }));
    expect(() => vmStack({ flavor: bestFit() })).toThrow(
      new RegExp(`^${escape(`${contextFile}: ${JSON.stringify(BEST_FIT_KEY)} holds ${what}, not an id (a non-empty string); run \`egi-cdktf context reset flavor-best-fit\` and synth again to look it up`)}$`),
    );
  });

  test("GIVEN an appliance image pinned as an object WHEN bound THEN the reset names appdb-appliance", () => {
    const key = `appdb-appliance:{"appliance":"8df7ba00-8467-57aa-bf1e-05754a2a73bf"}@${SITE}`;
    expect(() => vmStack({ image: MachineImage.latestAppDbAppliance(MPURI) }, { [key]: {} })).toThrow(
      `${contextFile}: ${JSON.stringify(key)} holds an object, not an id (a non-empty string); run \`egi-cdktf context reset appdb-appliance\` and synth again to look it up`,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
