#!/usr/bin/env bash
# The Python package, offline: jsii-pacmak generates the code from the assembly (.jsii, written by
# npm run build), then Debian's setuptools builds the wheel with no index and no build isolation.
# Usage: scripts/package-python.sh [OUTDIR]   (default dist-lang; the wheel lands in OUTDIR/wheels)
# Importing the wheel needs the jsii runtime from PyPI, not reachable here: it is built, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mkdir -p "${1:-dist-lang}" && cd "${1:-dist-lang}" && pwd)
[ -f .jsii ] || { echo "package-python: no .jsii; run npm run build first" >&2; exit 1; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# jsii 5.9 and jsii-pacmak 1.140 call Node 26 "untested": the package tests check what they build on 26 (CI runs them there).
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
# pacmak runs `npm pack` to embed the package: pack what lib/ holds, do not rebuild it.
npm_config_ignore_scripts=true node_modules/.bin/jsii-pacmak --targets python --code-only --outdir "$out" --force
cd "$out/python"
/usr/bin/python3 -m pip wheel --quiet --no-build-isolation --no-deps --no-index -w "$out/wheels" .
ls "$out/wheels"/*.whl
