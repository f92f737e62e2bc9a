/**
 * `--wait`: read the image's status until it is active, with a growing pause between reads (a
 * snapshot takes seconds to many minutes; reading every second for ten minutes would be 600 calls
 * to the site), never sleeping past the deadline, and reading once more at it, so a snapshot that
 * turns active in the last pause still counts. Fails at once on a status that cannot turn active.
 * The clock and the sleep are parameters so that tests run the whole schedule in no time.
 */
import { FAILED_STATUSES } from "./image-status";

export interface Clock {
  /** Milliseconds, any origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Backoff {
  /** Pause after the first read. @default 2000 */
  readonly initialMs: number;
  /** Each pause is the previous one times this. @default 1.5 */
  readonly factor: number;
  /** Longest pause. @default 15000 */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 2000, factor: 1.5, maxMs: 15_000 };

/** A progress line is repeated this often while the status stays the same, so a long wait shows it is alive. */
export const PROGRESS_EVERY_MS = 60_000;

export interface WaitOptions {
  readonly timeoutMs: number;
  /** The flag that set `timeoutMs`, named in the timeout message. @default "--timeout" */
  readonly timeoutFlag?: string;
  readonly clock?: Clock;
  readonly backoff?: Backoff;
  /** A progress line (no newline), for stderr. */
  readonly progress?: (line: string) => void;
  /** Added to the failure messages, e.g. the server the snapshot is of. */
  readonly context?: string;
}

export interface WaitResult {
  /** Status reads made, the first included. */
  readonly reads: number;
  readonly elapsedMs: number;
}

const secondsText = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * Wait until `read()` says `active`. `read` returns the status, or undefined when the image is gone.
 * @throws Error (one line) when the image is gone, fails, or is not active by the deadline
 */
export async function waitForImage(imageId: string, read: () => Promise<string | undefined>, options: WaitOptions): Promise<WaitResult> {
  const clock = options.clock ?? systemClock;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const progress = options.progress ?? (() => undefined);
  const about = options.context ? ` (${options.context})` : "";
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  let pause = backoff.initialMs;
  let last: string | undefined;
  let lastShown = started;

  for (let reads = 1; ; reads++) {
    const status = await read();
    const elapsed = clock.now() - started;
    if (status === undefined) {
      throw new Error(`image ${imageId}${about} is gone after ${secondsText(elapsed)}${last ? ` (last status ${last})` : ""}: Nova deletes the image when a snapshot fails; see why with openstack server event list SERVER`);
    }
    if (status === "active") {
      progress(`image ${imageId} is active after ${secondsText(elapsed)}`);
      return { reads, elapsedMs: elapsed };
    }
    if (FAILED_STATUSES.has(status)) {
      throw new Error(`image ${imageId}${about} is ${status} after ${secondsText(elapsed)}: it will not become active; ${status === "killed" ? "the upload of the disk failed" : `it was ${status === "deactivated" ? "deactivated" : "deleted"}`}, see openstack image show ${imageId}`);
    }
    if (status !== last || clock.now() - lastShown >= PROGRESS_EVERY_MS) {
      progress(`image ${imageId} is ${status} (${secondsText(elapsed)} of ${secondsText(options.timeoutMs)})`);
      lastShown = clock.now();
    }
    last = status;

    const left = deadline - clock.now();
    if (left <= 0) {
      const flag = options.timeoutFlag ?? "--timeout";
      throw new Error(`image ${imageId}${about} is still ${status} after ${secondsText(elapsed)} (${flag} ${options.timeoutMs / 1000}); it may yet become active: check with openstack image show ${imageId}, and give a larger ${flag} next time`);
    }
    await clock.sleep(Math.min(pause, left));
    pause = Math.min(pause * backoff.factor, backoff.maxMs);
  }
}
