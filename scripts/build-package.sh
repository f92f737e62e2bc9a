#!/usr/bin/env bash
# The package build (npm run build; npm pack runs it as `prepack`): from scratch, so that
# no output of a renamed or deleted module is left to be shipped.
#   scripts/build-package.sh [cdktf|cdktn|all]   (default cdktf)
# cdktf: egi-fedcloud-cdktf, in the repo root:
#   lib/.gen/  every generated binding (tsc), for the providers/openstack/<resource> export;
#   lib/       the library, the hook and the CLI (jsii: JavaScript with jsii's type information,
#              overwriting the bindings the constructs use), and .jsii, the assembly that API.md
#              and the Python package are generated from.
# cdktn: egi-fedcloud-cdktn, the same sources built for CDK Terrain, in frameworks/cdktn/pkg
#   (scripts/build-cdktn.sh; Node >= 22.19 not needed to build, only for cdktn-cli).
# The app command and the tests build dist/ with tsc -b (tsconfig.build.json): a separate output,
# so that packing never rewrites files a running test or synth reads.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
framework=${1:-cdktf}
case $framework in
  cdktf) ;;
  cdktn) exec scripts/build-cdktn.sh ;;
  all) scripts/build-package.sh cdktf && exec scripts/build-cdktn.sh ;;
  *) echo "build-package: unknown framework '$framework' (cdktf, cdktn or all)" >&2; exit 2 ;;
esac
# jsii tools print a banner on Node 20 (end of life): quiet for a contributor still on it (the package needs 22+).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# jsii 5.9 and jsii-pacmak 1.140 call Node 26 "untested": the package tests check what they build on 26 (CI runs them there).
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
rm -rf lib .jsii
node_modules/.bin/tsc -p tsconfig.gen.json
# reserved-word: `from` (PortRange), `append`, `defer` and generated `delete` are reserved in Python or Go; jsii renames them there.
node_modules/.bin/jsii --silence-warnings reserved-word
