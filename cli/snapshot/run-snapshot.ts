/**
 * The snapshot command's steps once the site is known: resolve SERVER, ask Nova for the image,
 * optionally wait for Glance to call it active. Stdout gets the image id and nothing else (one
 * line, after the wait when waiting), so `IMAGE=$(egi-cdktf snapshot ...)` holds either a usable
 * id or nothing; everything else goes to stderr.
 */
import { createImage } from "./create-image";
import { imageStatus } from "./image-status";
import { resolveServer } from "./resolve-server";
import type { SiteClient } from "./site-client";
import { type Backoff, type Clock, waitForImage } from "./wait-for-image";

export interface SnapshotRequest {
  /** SERVER as typed: an id or an exact name. */
  readonly server: string;
  /** Name of the new image. */
  readonly name: string;
  readonly wait: boolean;
  readonly timeoutMs: number;
}

export interface SnapshotOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface SnapshotOptions {
  readonly clock?: Clock;
  readonly backoff?: Backoff;
}

/** Run the snapshot; returns the image id (printed on stdout already). Throws one-line Errors. */
export async function runSnapshot(client: SiteClient, request: SnapshotRequest, out: SnapshotOutput, options: SnapshotOptions = {}): Promise<string> {
  const log = (line: string) => out.stderr(`snapshot: ${line}\n`);
  const server = await resolveServer(client, request.server);
  const imageId = await createImage(client, server, request.name);
  log(`server ${server.name} (${server.id}, ${server.status}): Nova is making image ${imageId}`);
  if (!request.wait) {
    log(`not waiting: the image can boot servers once active (openstack image show ${imageId}; --wait waits for it)`);
  } else {
    await waitForImage(imageId, () => imageStatus(client, imageId), {
      timeoutMs: request.timeoutMs,
      clock: options.clock,
      backoff: options.backoff,
      progress: log,
      context: `snapshot of server ${server.name} (${server.id})`,
    });
  }
  out.stdout(`${imageId}\n`);
  return imageId;
}
