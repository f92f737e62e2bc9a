/**
 * Polls `probe` until it returns something other than `undefined`, and returns that; fails naming
 * `what` after `timeoutMs`. For waiting on things the site does in its own time (a server turning
 * ACTIVE, a lock being taken, a process group being gone).
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
