#!/usr/bin/env bash
# docgen.sh [OUT]: API.md of egi-fedcloud-cdktf from its assembly (.jsii, written by the package
# build), with jsii-docgen as Construct Hub renders libraries. OUT defaults to API.md in the repo.
# jsii-docgen reads every `.jsii` below the folder it runs in, and this repo also holds the cdktn
# toolchain (frameworks/cdktn: constructs 10.7, cdktn): it runs in a temp folder that holds only
# this package's manifest, its assembly and links to its own cdktf and constructs.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(realpath -m "${1:-$repo/API.md}")
[ -f "$repo/.jsii" ] || { echo "docgen: $repo/.jsii is missing; run npm run build first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/egi-docgen-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$repo/package.json" "$repo/.jsii" "$work/"
mkdir "$work/node_modules"
ln -s "$repo/node_modules/cdktf" "$repo/node_modules/constructs" "$work/node_modules/"
cd "$work"
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 "$repo/node_modules/.bin/jsii-docgen" -s root -o "$work/API.md"
mv "$work/API.md" "$out"
