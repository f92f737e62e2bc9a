#!/usr/bin/env bash
# docgen.sh [OUT [PACKAGE_DIR]]: API.md of a package build from its assembly (.jsii), with
# jsii-docgen as Construct Hub renders libraries. PACKAGE_DIR defaults to the repo (egi-fedcloud-cdktf,
# whose API.md is committed; OUT defaults to PACKAGE_DIR/API.md); scripts/build-cdktn.sh passes
# frameworks/cdktn/pkg (egi-fedcloud-cdktn).
# jsii-docgen reads every `.jsii` below the folder it runs in, and this repo holds both frameworks'
# toolchains (the root's constructs 10.4 and cdktf, frameworks/cdktn's constructs 10.7 and cdktn): it
# runs in a temp folder with only the package's manifest, its assembly and links to its peers (the
# framework and constructs), resolved from the package as Node resolves them.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg=$(realpath "${2:-$repo}")
out=$(realpath -m "${1:-$pkg/API.md}")
[ -f "$pkg/.jsii" ] || { echo "docgen: $pkg/.jsii is missing; run npm run build first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/egi-docgen-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$pkg/package.json" "$pkg/.jsii" "$work/"
mkdir "$work/node_modules"
for peer in $(node -p 'Object.keys(require(process.argv[1]).peerDependencies || {}).join(" ")' "$pkg/package.json"); do
  ln -s "$(node -p 'require("path").dirname(require.resolve(process.argv[1] + "/package.json", { paths: [process.argv[2]] }))' "$peer" "$pkg")" "$work/node_modules/$peer"
done
cd "$work"
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 "$repo/node_modules/.bin/jsii-docgen" -s root -o "$work/API.md"
mv "$work/API.md" "$out"
