/**
 * Sends `signal` to the process group `pgid` (a child spawned with `detached: true` leads its own
 * group), so the processes it started get it too: cdktf's terraform, a CLI's oidc-agent. A group
 * already gone is not an error.
 */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}
