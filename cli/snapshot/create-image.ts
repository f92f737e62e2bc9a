/**
 * Nova's createImage server action, what `openstack server image create` sends. From compute API
 * microversion 2.45 on, Nova answers with the new image's id in the body; before, only in the
 * Location header (`<glance>/images/<id>`). 2.45 is asked for, and a site older than that (HTTP
 * 406, nothing done) is asked again at the base version 2.1; either answer is read.
 */
import type { ServerRef } from "./resolve-server";
import { call, saying, type SiteClient } from "./site-client";

export const IMAGE_ID_MICROVERSION = "2.45";

const versionHeaders = (v: string) => ({ "OpenStack-API-Version": `compute ${v}`, "X-OpenStack-Nova-API-Version": v });

/** The id at the end of a Location like `http://glance:9292//images/<id>` (Nova's own form, double slash included). */
export function imageIdFromLocation(location: string | null): string | undefined {
  const last = location?.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop();
  return last ? decodeURIComponent(last) : undefined;
}

/** Ask Nova to snapshot `server` to a new image called `name`; returns the image id. The upload goes on in the background. */
export async function createImage(client: SiteClient, server: ServerRef, name: string): Promise<string> {
  const url = `${client.compute}/servers/${encodeURIComponent(server.id)}/action`;
  const body = JSON.stringify({ createImage: { name } });
  const post = (version: string) =>
    // Not idempotent: a repeat after a lost answer could make a second image. 502/503/429 (nothing done) are still repeated.
    call(client, "Nova", url, { method: "POST", headers: { "Content-Type": "application/json", ...versionHeaders(version) }, body });

  let res = await post(IMAGE_ID_MICROVERSION);
  if (res.status === 406) {
    await res.body?.cancel();
    res = await post("2.1");
  }
  const what = `server ${server.name} (${server.id}, ${server.status})`;
  if (res.status !== 202 && res.status !== 200) {
    const reason = await saying(res, "Nova");
    const hint =
      res.status === 409
        ? "; wait until its current task ends (openstack server show) and run again"
        : res.status === 403
          ? "; the project may be out of image quota, or the site's policy does not allow snapshots"
          : res.status === 404
            ? "; it was deleted meanwhile"
            : "";
    throw new Error(`Nova refused to snapshot ${what} at ${client.where}: HTTP ${res.status}${reason}${hint}`);
  }
  const text = await res.text();
  let id: string | undefined;
  try {
    id = (JSON.parse(text) as { image_id?: string }).image_id;
  } catch {
    // no body before 2.45
  }
  id ??= imageIdFromLocation(res.headers.get("location"));
  if (!id) throw new Error(`Nova accepted the snapshot of ${what} but named no image (no image_id, no Location); find it with openstack image list --name <NAME>`);
  return id;
}
