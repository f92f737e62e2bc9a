#!/usr/bin/env bash
# Makes this repo's own `npm run synth` (node_modules/.bin/cdktf, cdktf-cli 0.21) start on Node 24
# and 26: cdktf-cli's node-pty ships binaries up to Node 22 only. For each Node asked for, when
# node-pty does not load there, builds it offline (npm's node-gyp, that Node's headers; about 5 s)
# into node_modules/@cdktf/node-pty-prebuilt-multiarch/prebuilds/<os>-<arch>/node.abi<N>.node, the
# file its loader takes for that ABI; so Node versions sharing node_modules each get their own.
# The logic is the CLI's (cli/node-pty.ts, as `egi-cdktf doctor --fix` runs it for users).
#
#   scripts/setup-node-pty.sh          the `node` on PATH (the one `npm run synth` will use)
#   scripts/setup-node-pty.sh --all    that one and each Node installed by scripts/setup-node.sh in .node/
#   scripts/setup-node-pty.sh NODE...  these node executables
#
# A no-op (a fraction of a second per Node) when it loads already; SETUP_NODE_PTY_QUIET=1 then prints
# nothing (npm run synth runs it first). Exit 1 when a build fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "setup-node-pty: $*" >&2; }

nodes=()
if [ $# -eq 0 ] || [ "$1" = "--all" ]; then
  nodes+=("$(command -v node)")
  if [ "${1:-}" = "--all" ]; then
    for n in "${NODE_INSTALL_DIR:-$repo/.node}"/*/bin/node; do [ -x "$n" ] && nodes+=("$n"); done
  fi
else
  nodes=("$@")
fi

# The compiled CLI when it is up to date (npm run build), else the TypeScript source.
module=$repo/lib/cli/node-pty.js
run=(node)
if [ ! -f "$module" ] || [ "$repo/cli/node-pty.ts" -nt "$module" ]; then
  module=$repo/cli/node-pty.ts
  run=("$repo/node_modules/.bin/ts-node" --transpile-only -P "$repo/tsconfig.json")
fi

cd "$repo"
"${run[@]}" -e '
const np = require(process.argv[1]);
const [repo, ...nodes] = process.argv.slice(2);
const found = np.findCdktfPty(repo);
if (!found || !found.ptyDir) { if (!process.env.SETUP_NODE_PTY_QUIET) console.error(`setup-node-pty: no cdktf-cli with node-pty under ${repo}: nothing to do`); process.exit(0); }
let failed = 0;
for (const exe of [...new Set(nodes)]) {
  const t = np.nodeAt(exe);
  if (np.ptyReady(found.ptyDir, t)) { if (!process.env.SETUP_NODE_PTY_QUIET) console.error(`setup-node-pty: Node ${t.version} (ABI ${t.abi}): node-pty loads (${np.ptyBinary(found.ptyDir, t).file})`); continue; }
  try {
    const r = np.buildPty({ ptyDir: found.ptyDir, target: t, appDir: repo });
    console.error(`setup-node-pty: Node ${t.version} (ABI ${t.abi}): built ${r.file} in ${r.seconds.toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.error(`setup-node-pty: Node ${t.version} (ABI ${t.abi}): cannot build node-pty: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
' "$module" "$repo" "${nodes[@]}"
