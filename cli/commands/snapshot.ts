import { createHttpClient } from "../../auth/http";
import { scopedToken } from "../../auth/session";
import { commandSettings } from "../../auth/site-settings";
import { type Command, parseFlags, SETTINGS_HELP, SITE_FLAGS, SITE_HELP, showArg, UsageError } from "../command";
import { runSnapshot } from "../snapshot/run-snapshot";
import { siteClient } from "../snapshot/site-client";

export const DEFAULT_TIMEOUT_SECONDS = 600;
/** A day: longer than any snapshot; a larger number is more likely a typo (milliseconds?). */
const MAX_TIMEOUT_SECONDS = 86_400;
/** Glance's limit on image names. */
const MAX_NAME_LENGTH = 255;

/** `--timeout` in ms; a usage error names the flag and shows the value only when it cannot be a secret. */
function timeoutMs(raw: string | undefined, wait: boolean): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!wait) throw new UsageError("--timeout applies only with --wait; add --wait, or drop --timeout");
  const seconds = Number(raw.trim());
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout ${showArg(raw)} must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, e.g. --timeout ${DEFAULT_TIMEOUT_SECONDS}`);
  }
  return Math.round(seconds * 1000);
}

/** `--name`: what Nova's createImage accepts (1-255 characters, no surrounding spaces), checked before any request. */
function imageName(name: string | undefined): string {
  if (name === undefined) throw new UsageError("--name is required: the new image's name, e.g. --name my-snapshot-2026 (MachineImage.fromName finds it by that name)");
  if (!name.trim()) throw new UsageError("--name is empty; give the new image's name, e.g. --name my-snapshot-2026");
  if (name !== name.trim()) throw new UsageError("--name starts or ends with a space, which Nova refuses; drop the spaces");
  if (name.length > MAX_NAME_LENGTH) throw new UsageError(`--name is ${name.length} characters; Glance allows at most ${MAX_NAME_LENGTH}`);
  return name;
}

/** Equivalent to the docs page's `openstack server image create --name NAME SERVER` (`--wait` as there). */
export const snapshotCommand: Command = {
  name: "snapshot",
  summary: "snapshot a server to an image and wait until it is active (openstack server image create)",
  usage: `Usage: egi-cdktf snapshot SERVER --name NAME [--wait [--timeout SECONDS]] [--region REGION] [settings]

Replaces the docs page's openstack server image create --name NAME SERVER: asks Nova to snapshot
SERVER (its id, or its exact name in the project) to a new image NAME, and prints the image's id,
the only line on stdout, for IMAGE=$(egi-cdktf snapshot ...). Boot it with
MachineImage.fromName(NAME) (stacks/snapshot-vm.ts) or MachineImage.fromId.
  --name NAME         the new image's name (required)
  --wait              wait until Glance says the image is active before printing its id; exit 1
                      at once if it is killed, deleted or deactivated. Without --wait the id is
                      printed as soon as Nova accepts; the image can boot servers once active
  --timeout SECONDS   with --wait: give up after this long (exit 1; the image is left to finish)
                      [default ${DEFAULT_TIMEOUT_SECONDS}]
  --region REGION     OS_REGION_NAME: the region of the compute and image endpoints
                      [default the catalog's first]
Progress goes to stderr. Exit status: 0 with the id printed, 1 for a site or auth error (one line),
2 for a usage error.

${SITE_HELP}

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { values, positionals, overrides, site } = parseFlags(
      argv,
      { name: { type: "string" }, wait: { type: "boolean" }, timeout: { type: "string" }, region: { type: "string" }, ...SITE_FLAGS },
      true,
      snapshotCommand.usage,
    );
    if (positionals.length === 0) throw new UsageError("name the server to snapshot: egi-cdktf snapshot SERVER --name NAME (SERVER: its id or exact name)");
    if (positionals.length > 1) throw new UsageError(`one SERVER at a time; unexpected argument ${showArg(positionals[1])}`);
    const server = positionals[0];
    if (!server.trim()) throw new UsageError("SERVER is empty; give the server's id or exact name");
    const name = imageName(values.name as string | undefined);
    const wait = Boolean(values.wait);
    const timeout = timeoutMs(values.timeout as string | undefined, wait);
    const regionFlag = values.region as string | undefined;
    if (regionFlag !== undefined && !regionFlag.trim()) throw new UsageError("--region is empty; give a region name such as RegionOne, or drop --region");
    const { settings, siteVo } = await commandSettings(site, overrides, io.env);
    const region = regionFlag ?? siteVo?.site.region ?? (io.env.OS_REGION_NAME || undefined);

    const { fetch } = createHttpClient({ caFile: settings.caFile, timeoutMs: settings.httpTimeoutMs, env: io.env });
    const session = await scopedToken(settings, { fetch });
    // Each request asks the cache again, so a long --wait gets a renewed token rather than a 401.
    const renew = async () => (await scopedToken(settings, { fetch })).token;
    await runSnapshot(siteClient(session, fetch, region, renew), { server, name, wait, timeoutMs: timeout }, io);
    return 0;
  },
};
