/**
 * Synth-time lookups and checks through the hook against the local site's real Nova and Glance, and
 * the real terraform plan of what they synthesized; expected ids come from the site's own description
 * (.site/cloud/site.json), written by its bring-up.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { synthWithEgiTokens } from "../../auth/hook";
import { EgiSite } from "../../constructs/egi-site";
import { Flavor } from "../../constructs/flavor";
import { MachineImage } from "../../constructs/machine-image";
import { identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { terraformEnv } from "../support/terraform";

const site = identitySite();
const cloud = JSON.parse(fs.readFileSync(path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "cloud", "site.json"), "utf8"));

/**
 * Synthesize one stack whose outputs are the given choices through the hook; returns the output values,
 * the context file, the synthesized JSON, the synth warnings (from the manifest), the stack folder and the env.
 */
async function synthChoices(choices: Record<string, (stack: TerraformStack) => string>, withCredential = true, contextFile?: string) {
  const context = contextFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
  const env = withCredential
    ? userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) })
    : userEnv(site, site.clients.basic, { CHECKIN_CLIENT_SECRET: undefined });
  Object.assign(process.env, { EGI_CDKTF_CONTEXT_FILE: context, OS_AUTH_URL: env.OS_AUTH_URL, OS_PROJECT_ID: env.OS_PROJECT_ID });
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "lookup-")) });
  const stack = new TerraformStack(app, "s");
  // Any state stays in the temp dir (the default is the working directory, here the repo).
  new LocalBackend(stack, { path: path.join(app.outdir, "terraform.s.tfstate") });
  new EgiSite(stack, "site");
  for (const [name, choose] of Object.entries(choices)) new TerraformOutput(stack, name, { value: choose(stack) });
  await synthWithEgiTokens(app, { env });
  const dir = path.join(app.outdir, "stacks", "s");
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
  const warnings = (manifest.stacks.s.annotations as Array<{ level: string; message: string }>).filter((a) => a.level === "@cdktf/warn").map((a) => a.message);
  return { outputs: Object.fromEntries(Object.keys(choices).map((k) => [k, json.output[k].value])), context, json, warnings, dir, env };
}

/** The flavor data source's one precondition: its message and the value of the local its condition reads. */
function flavorCheck(json: { data: { openstack_compute_flavor_v2: Record<string, { lifecycle?: { precondition?: Array<{ condition: string; error_message: string }> } }> }; locals?: Record<string, unknown> }) {
  const [flavor] = Object.values(json.data.openstack_compute_flavor_v2);
  const [precondition] = flavor.lifecycle?.precondition ?? [];
  const local = /^\$\{local\.(egi_check_flavor_exact_[0-9a-f]{8}) == "passed"\}$/.exec(precondition?.condition ?? "")?.[1];
  return { error_message: precondition?.error_message, local: local === undefined ? undefined : json.locals?.[local] };
}

/** The real terraform in the stack folder the hook wrote (its clouds.yaml holds the token), with the user's environment. */
function terraformIn(dir: string, env: Record<string, string>, args: string[]) {
  const tf = terraformEnv();
  const r = spawnSync("terraform", args, {
    cwd: dir,
    env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
    encoding: "utf8",
    timeout: 180_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, text: r.stderr.replace(/\s+/g, " ") };
}

function plan(dir: string, env: Record<string, string>) {
  const init = terraformIn(dir, env, ["init", "-no-color"]);
  if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr}${init.stdout}`);
  return terraformIn(dir, env, ["plan", "-no-color", "-input=false", "-lock=false"]);
}

afterEach(() => {
  for (const k of ["EGI_CDKTF_CONTEXT_FILE", "OS_AUTH_URL", "OS_PROJECT_ID"]) delete process.env[k];
});

describe("synth-time lookups at the local site", () => {
  test("GIVEN best-fit requirements WHEN synthesized with a Check-in credential THEN the smallest fitting flavor is chosen, GPUs last", async () => {
    const { outputs } = await synthChoices({
      medium: (s) => Flavor.bestFit({ minVcpus: 2, minRamMb: 3000, minDiskGb: 30 }).bind(s).flavorId,
      small: (s) => Flavor.bestFit({ minVcpus: 1 }).bind(s).flavorId,
      gpu: (s) => Flavor.bestFit({ minVcpus: 2, gpus: 1 }).bind(s).flavorId,
    });
    // m1.small and m1.small-b are the same size: the name breaks the tie.
    expect(outputs).toEqual({ medium: cloud.flavorIds["m1.medium"], small: cloud.flavorIds["m1.small"], gpu: cloud.flavorIds["g1.large"] });
  });

  test("GIVEN an AppDB appliance given by its older version's MPURI WHEN looked up THEN the newest version's image wins", async () => {
    const { outputs } = await synthChoices({ image: (s) => MachineImage.latestAppDbAppliance(`${cloud.appdb.baseMpuri}:6428/`).bind(s).imageId });
    expect(outputs.image).toBe(cloud.appdb.newer);
  });

  test("GIVEN an Artefact Registry image ref WHEN looked up THEN the image whose APPLIANCE_ATTRIBUTES carry it is chosen", async () => {
    const alma = cloud.images.find((i: { name: string }) => i.name === "registry.egi.eu egi_vm_images/alma:9");
    const { outputs } = await synthChoices({ image: (s) => MachineImage.fromRegistryRef("egi_vm_images/alma:9").bind(s).imageId });
    expect(outputs.image).toBe(alma.id);
  });

  test("GIVEN answers pinned by a first synth WHEN synthesized again without any credential THEN the same ids come from the context file", async () => {
    const choose = { flavor: (s: TerraformStack) => Flavor.bestFit({ minVcpus: 4 }).bind(s).flavorId };
    const first = await synthChoices(choose);

    const second = await synthChoices(choose, false, first.context);

    expect(second.outputs).toEqual({ flavor: cloud.flavorIds["m1.large"] });
    expect(Object.keys(JSON.parse(fs.readFileSync(first.context, "utf8")))).toEqual([
      `flavor-best-fit:{"gpus":0,"minDiskGb":0,"minRamMb":0,"minVcpus":4}@${site.keystone.authUrl.replace(/\/v3$/, "")}|${site.keystone.projects[0].id}|`,
    ]);
  });

  test("GIVEN an exact spec two flavors share WHEN synthesized THEN synth succeeds, warns naming both, and terraform plan stops at the flavor data source's precondition with that message", async () => {
    const { warnings, json, dir, env } = await synthChoices({ f: (s) => Flavor.exact({ vcpus: 1, ramMb: 2048, diskGb: 20 }).bind(s).flavorId });
    const message = `s: the flavor with exactly 1 vCPUs, 2048 MB RAM, 20 GB disk: 2 flavors match: m1.small (${cloud.flavorIds["m1.small"]}), m1.small-b (${cloud.flavorIds["m1.small-b"]}); use Flavor.fromName or Flavor.fromId to pick one`;
    expect(warnings).toEqual([`${message}; terraform plan of this stack stops before reading it`]);
    expect(flavorCheck(json)).toEqual({ error_message: message, local: "failed" });

    const result = plan(dir, env);
    expect(result.status).toBe(1);
    expect(result.text).toContain("Error: Resource precondition failed");
    expect(result.text).toMatch(/in data\.openstack_compute_flavor_v2\.flavor-[0-9a-f]{8}\.lifecycle\.precondition\[0\]/);
    expect(result.text).toContain(message);
    // Not the provider's own error: the data source was never read.
    expect(result.text).not.toMatch(/more than one result|Your query returned/i);
  });

  test("GIVEN an exact spec one flavor has WHEN synthesized THEN nothing warns and terraform plan reads that flavor from the site", async () => {
    const { warnings, json, dir, env } = await synthChoices({ f: (s) => Flavor.exact({ vcpus: 2, ramMb: 4096, diskGb: 40 }).bind(s).flavorId });
    expect(warnings).toEqual([]);
    expect(flavorCheck(json)).toEqual({ error_message: "passed", local: "passed" });

    const result = plan(dir, env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`+ f = "${cloud.flavorIds["m1.medium"]}"`);
  });

  test("GIVEN requirements no flavor meets WHEN synthesized THEN synth fails naming the largest flavors", async () => {
    await expect(synthChoices({ f: (s) => Flavor.bestFit({ minVcpus: 64 }).bind(s).flavorId })).rejects.toThrow(
      "s: the smallest flavor with at least 64 vCPUs, 0 MB RAM, 0 GB disk: no flavor is large enough; the largest are g1.large (4 vCPU, 16384 MB, 80 GB, 1 GPU), m1.large (4 vCPU, 8192 MB, 80 GB), m1.medium (2 vCPU, 4096 MB, 40 GB)",
    );
  });
});
