/**
 * `egi-cdktf snapshot` (the docs page's `openstack server image create --name NAME SERVER`) against
 * the local site's real Keystone, Nova and Glance, through the built CLI (bin/egi-cdktf -> dist/),
 * as the federated user of project vo.example with a Check-in refresh token.
 *
 * What the local site cannot do: its Nova runs the fake virt driver, whose snapshot() makes no disk
 * and uploads nothing. Nova still creates the image record in Glance, which then stays `queued`
 * forever (seen on this site: status queued, disk_format, container_format and size null). On a
 * real site the compute host uploads the disk and Glance turns the image `active`. So where a test
 * needs an active snapshot, the test itself does that upload from the site side: it sets the disk
 * and container format and PUTs bytes to `/v2/images/{id}/file`, the Glance call a compute host
 * makes (with the user's token, as Nova does). The CLI under test is not told about it: it sees the
 * status change in Glance as it would on a real site.
 *
 * Then the image constructs: `MachineImage.fromName` (stacks/snapshot-vm.ts, the docs page's "VM
 * from a snapshot") finds the active snapshot in a real terraform plan, and does not find the
 * queued one: the provider's image data source lists only active images, which is why --wait
 * matters before deploying from a fresh snapshot.
 *
 * Everything created (the server, every image named with this run's prefix, temp folders) is
 * deleted in afterAll, pass or fail, with the site's admin token.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, LocalBackend } from "cdktf";
import { synthWithEgiTokens } from "../../auth/hook";
import { createHttpClient } from "../../auth/http";
import { SnapshotVmStack } from "../../stacks/snapshot-vm";
import { adminToken, api, cloudSite } from "../support/cloud-site";
import { cli, cliAsync, type CliResult, identitySite, mintRefreshToken, userEnv } from "../support/identity-site";
import { until } from "../support/poll";
import { terraformEnv } from "../support/terraform";

jest.setTimeout(240_000);

const identity = identitySite();
const site = cloudSite();
const siteJson = site as unknown as { networks: { private: { id: string } }; imageIdsByName: Record<string, string[]> };
const PREFIX = `snap-site-${process.pid}`;
const SERVER_NAME = `${PREFIX}-vm`;
const ACTIVE_NAME = `${PREFIX}-active`;
const QUEUED_NAME = `${PREFIX}-queued`;
const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;

let env: Record<string, string>;
let userToken: string;
let serverId: string | undefined;
/** Ids the tests saw; afterAll also deletes any image named with PREFIX, in case a run died before printing one. */
const images = new Set<string>();
const tempDirs: string[] = [];
/** The image the --wait test saw turn active, for the terraform plan test. */
let activeImageId: string | undefined;
let queuedImageId: string | undefined;

/** A new connection per request, as cloud-site.ts does: spawnSync blocks the event loop for long stretches. */
const fetch = (url: string, init?: RequestInit) => createHttpClient().fetch(url, init);

async function send(token: string, method: string, url: string, body?: string, contentType = "application/json"): Promise<Response> {
  return fetch(url, { method, headers: { "X-Auth-Token": token, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": contentType }) }, body });
}

/** Nova and Glance take seconds: poll once a second. */
const untilSite = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> => until(what, probe, timeoutMs, 1000);

const glanceImage = (id: string) => api(userToken, `${site.endpoints.image}/v2/images/${id}`);
/** The project's images with exactly this name (Glance's `name` filter is exact). */
const imagesNamed = async (name: string): Promise<Array<{ id: string; status: string }>> =>
  (await api(userToken, `${site.endpoints.image}/v2/images?name=${encodeURIComponent(name)}`)).images;

/**
 * What the fake virt driver leaves undone: the disk upload. Glance refuses data for an image
 * without disk and container formats (HTTP 400), which Nova sets only from the base image's, and
 * the site's base images have none; a compute host uploading a raw disk would give these.
 */
async function uploadDiskFromSiteSide(imageId: string): Promise<void> {
  const formats = [{ op: "add", path: "/disk_format", value: "raw" }, { op: "add", path: "/container_format", value: "bare" }];
  const patch = await send(userToken, "PATCH", `${site.endpoints.image}/v2/images/${imageId}`, JSON.stringify(formats), "application/openstack-images-v2.1-json-patch");
  if (patch.status !== 200) throw new Error(`PATCH image formats: HTTP ${patch.status} ${await patch.text()}`);
  const put = await fetch(`${site.endpoints.image}/v2/images/${imageId}/file`, {
    method: "PUT",
    headers: { "X-Auth-Token": userToken, "Content-Type": "application/octet-stream" },
    body: new Uint8Array(1024),
  });
  if (put.status !== 204) throw new Error(`PUT image data: HTTP ${put.status} ${await put.text()}`);
}

/** The CLI's error lines (`egi-cdktf: ...`); progress lines start with `snapshot: `. */
const errorLines = (r: CliResult) => r.stderr.split("\n").filter((l) => l.startsWith("egi-cdktf: "));

function expectNoSecret(r: CliResult): void {
  for (const secret of [userToken, env.CHECKIN_REFRESH_TOKEN, env.CHECKIN_CLIENT_SECRET]) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
}

beforeAll(async () => {
  env = userEnv(identity, identity.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic) });
  tempDirs.push(env.HOME);
  const token = cli(["token"], env);
  if (token.status !== 0) throw new Error(`egi-cdktf token failed: ${token.stderr}`);
  userToken = token.stdout.trim();

  const server = {
    name: SERVER_NAME,
    imageRef: siteJson.imageIdsByName["debian-12"][0],
    flavorRef: site.flavorIds["m1.small"],
    networks: [{ uuid: siteJson.networks.private.id }],
  };
  const res = await send(userToken, "POST", `${site.endpoints.compute}/servers`, JSON.stringify({ server }));
  if (res.status !== 202) throw new Error(`POST /servers: HTTP ${res.status} ${await res.text()}`);
  const id = ((await res.json()) as { server: { id: string } }).server.id;
  serverId = id;
  await untilSite(`server ${SERVER_NAME} to be ACTIVE`, 90_000, async () => {
    const status = (await api(userToken, `${site.endpoints.compute}/servers/${id}`)).server.status;
    if (status === "ERROR") throw new Error(`server ${SERVER_NAME} went to ERROR`);
    return status === "ACTIVE" ? true : undefined;
  });
});

afterAll(async () => {
  const admin = await adminToken();
  const problems: string[] = [];
  // The project's own images, read as the user (Glance shows an admin other projects' private images only by policy).
  const lister = userToken ?? admin;
  const all = (await api(lister, `${site.endpoints.image}/v2/images?owner=${site.project.id}&limit=1000`)).images as Array<{ id: string; name: string }>;
  for (const image of all.filter((i) => i.name?.startsWith(PREFIX))) images.add(image.id);
  for (const id of images) {
    const res = await send(admin, "DELETE", `${site.endpoints.image}/v2/images/${id}`);
    if (res.status !== 204 && res.status !== 404) problems.push(`image ${id}: HTTP ${res.status}`);
  }
  if (serverId) {
    const id = serverId;
    const res = await send(admin, "DELETE", `${site.endpoints.compute}/servers/${id}`);
    if (res.status !== 204 && res.status !== 404) problems.push(`server ${id}: HTTP ${res.status}`);
    else await untilSite(`server ${id} to be gone`, 90_000, async () => ((await api(admin, `${site.endpoints.compute}/servers/${id}`)) === undefined ? true : undefined));
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  if (problems.length) throw new Error(`cleanup left objects on the site: ${problems.join("; ")}`);
}, 180_000);

describe("egi-cdktf snapshot against the local site's Nova and Glance", () => {
  test("GIVEN an ACTIVE server given by name WHEN snapshot runs without --wait THEN stdout is only the new image's id, and Glance has that image: this name, a snapshot of this server, left queued by the site's fake virt driver", async () => {
    const r = cli(["snapshot", SERVER_NAME, "--name", QUEUED_NAME], env);

    expect(errorLines(r)).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(UUID_LINE);
    queuedImageId = r.stdout.trim();
    images.add(queuedImageId);
    expect(await glanceImage(queuedImageId)).toMatchObject({
      name: QUEUED_NAME,
      image_type: "snapshot",
      instance_uuid: serverId,
      owner: site.project.id,
      status: "queued",
    });
    expect(r.stderr).toContain(`snapshot: server ${SERVER_NAME} (${serverId}, ACTIVE): Nova is making image ${queuedImageId}`);
    expectNoSecret(r);
  });

  test("GIVEN the server id and --wait WHEN the test completes the disk upload from the site side (the fake virt driver uploads none) THEN snapshot prints the id only once Glance says active, progress on stderr", async () => {
    const running = cliAsync(["snapshot", serverId!, "--name", ACTIVE_NAME, "--wait", "--timeout", "90"], env);
    const [created] = await untilSite(`an image named ${ACTIVE_NAME}`, 60_000, async () => {
      const found = await imagesNamed(ACTIVE_NAME);
      return found.length ? found : undefined;
    });
    images.add(created.id);
    // While the CLI waits, the image is still what Nova left: queued.
    expect((await glanceImage(created.id)).status).toBe("queued");
    await new Promise((r) => setTimeout(r, 3000)); // let the CLI read `queued` at least once
    await uploadDiskFromSiteSide(created.id);

    const r = await running;

    expect(errorLines(r)).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${created.id}\n`);
    expect(r.stderr).toContain(`snapshot: image ${created.id} is queued (`);
    expect(r.stderr).toMatch(new RegExp(`snapshot: image ${created.id} is active after \\d+ s\\n$`));
    expect(await glanceImage(created.id)).toMatchObject({ name: ACTIVE_NAME, status: "active", size: 1024, instance_uuid: serverId });
    activeImageId = created.id;
    expectNoSecret(r);
  });

  test("GIVEN no upload WHEN snapshot --wait --timeout 5 runs THEN exit 1 after about 5 s, nothing on stdout, and one error line naming the image id, its status queued and --timeout 5", async () => {
    const name = `${PREFIX}-timeout`;
    const started = Date.now();

    const r = cli(["snapshot", SERVER_NAME, "--name", name, "--wait", "--timeout", "5"], env);

    const elapsed = Date.now() - started;
    const [image] = await imagesNamed(name);
    images.add(image.id);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(errorLines(r)).toEqual([
      `egi-cdktf: image ${image.id} (snapshot of server ${SERVER_NAME} (${serverId})) is still queued after 5 s (--timeout 5); it may yet become active: check with openstack image show ${image.id}, and give a larger --timeout next time`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(elapsed).toBeGreaterThanOrEqual(5000);
    expect(elapsed).toBeLessThan(30_000);
    expect(image.status).toBe("queued");
    expectNoSecret(r);
  });

  test("GIVEN a name no server has WHEN snapshot runs THEN exit 1 with one line naming the project, and no image is made", async () => {
    const r = cli(["snapshot", `${PREFIX}-none`, "--name", `${PREFIX}-never`], env);

    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `egi-cdktf: no server named "${PREFIX}-none" in project ${site.project.name} (${site.project.id}) at ${identity.keystone.authUrl}; list them with openstack server list (egi-cdktf exec -- openstack server list) and give the id or exact name\n`,
    );
    expect(await imagesNamed(`${PREFIX}-never`)).toEqual([]);
  });
});

describe("the snapshot in the image constructs: MachineImage.fromName in a real terraform plan", () => {
  /** SnapshotVmStack for `snapshotName`, synthesized through the hook (its clouds.yaml holds the token), then `terraform plan`. */
  async function planSnapshotVm(snapshotName: string) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-vm-"));
    tempDirs.push(outdir);
    Object.assign(process.env, { EGI_CDKTF_CONTEXT_FILE: path.join(outdir, "egi-cdktf.context.json"), OS_AUTH_URL: env.OS_AUTH_URL, OS_PROJECT_ID: env.OS_PROJECT_ID });
    try {
      const app = new App({ outdir });
      const stack = new SnapshotVmStack(app, "snap", { snapshotName, serverName: `${PREFIX}-from-snapshot` });
      new LocalBackend(stack, { path: path.join(outdir, "terraform.snap.tfstate") });
      await synthWithEgiTokens(app, { env });
    } finally {
      for (const k of ["EGI_CDKTF_CONTEXT_FILE", "OS_AUTH_URL", "OS_PROJECT_ID"]) delete process.env[k];
    }
    const dir = path.join(outdir, "stacks", "snap");
    const tf = terraformEnv();
    const terraform = (args: string[]) =>
      spawnSync("terraform", args, {
        cwd: dir,
        env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: tf.PATH!, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
        encoding: "utf8",
        timeout: 180_000,
      });
    const init = terraform(["init", "-no-color"]);
    if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr}${init.stdout}`);
    const plan = terraform(["plan", "-no-color", "-input=false", "-lock=false", "-out=tfplan"]);
    const show = plan.status === 0 ? JSON.parse(terraform(["show", "-json", "tfplan"]).stdout) : undefined;
    return { status: plan.status, text: `${plan.stdout}${plan.stderr}`.replace(/\s+/g, " "), show };
  }

  test("GIVEN the snapshot --wait saw turn active WHEN SnapshotVmStack boots MachineImage.fromName(its name) THEN terraform plans the server with that image id", async () => {
    if (!activeImageId) throw new Error("needs the active snapshot of the --wait test above, which failed");

    const plan = await planSnapshotVm(ACTIVE_NAME);

    expect(plan.status).toBe(0);
    const servers = (plan.show.resource_changes as Array<{ type: string; change: { actions: string[]; after: { image_id?: string; name?: string } } }>).filter((c) => c.type === "openstack_compute_instance_v2");
    expect(servers.map((s) => ({ actions: s.change.actions, image_id: s.change.after.image_id, name: s.change.after.name }))).toEqual([
      { actions: ["create"], image_id: activeImageId, name: `${PREFIX}-from-snapshot` },
    ]);
  });

  test("GIVEN the snapshot left queued WHEN SnapshotVmStack boots MachineImage.fromName(its name) THEN terraform plan finds no image: the provider lists only active images, hence --wait before a deploy", async () => {
    if (!queuedImageId) throw new Error("needs the queued snapshot of the first test above, which failed");
    expect((await glanceImage(queuedImageId)).status).toBe("queued");

    const plan = await planSnapshotVm(QUEUED_NAME);

    expect(plan.status).toBe(1);
    expect(plan.text).toContain("Error: Your query returned no results.");
    expect(plan.text).toMatch(/data\.openstack_images_image_v2\.[\w-]+/);
  });
});
