/** The bin folder of a pinned official Node (scripts/setup-node.sh installs it when missing). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");

export function pinnedNodeBin(major: 22 | 24 | 26): string {
  const r = spawnSync(path.join(REPO, "scripts", "setup-node.sh"), [String(major)], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`scripts/setup-node.sh ${major} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}
