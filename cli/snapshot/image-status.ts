/**
 * A Glance image's status (`GET /v2/images/{id}`), as `openstack image show -c status` reads it.
 * Nova creates a snapshot's image record at once (`queued`), then its compute host uploads the
 * disk (`saving`) and Glance marks it `active`. When the upload fails Nova deletes the image, so a
 * 404 while waiting is a failed snapshot, not a typo: the id came from Nova.
 */
import { call, saying, type SiteClient } from "./site-client";

/** Statuses after which an image never becomes active by itself: waiting longer cannot help. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(["killed", "deleted", "pending_delete", "deactivated"]);

/** The image's status, or undefined when Glance no longer has it (404). */
export async function imageStatus(client: SiteClient, imageId: string): Promise<string | undefined> {
  const res = await call(client, "Glance", `${client.image}/v2/images/${encodeURIComponent(imageId)}`);
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.status !== 200) throw new Error(`Glance answered HTTP ${res.status} to GET /v2/images/${imageId} at ${client.where}${await saying(res, "Glance")}`);
  return String(((await res.json()) as { status?: unknown }).status ?? "unknown");
}
