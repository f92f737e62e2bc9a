#!/usr/bin/env bash
# The egi-fedcloud-cdktn package build (scripts/build-package.sh cdktn|all): the same sources as
# egi-fedcloud-cdktf, built against CDK Terrain (cdktn), the maintained fork of cdktf, into
# frameworks/cdktn/pkg/, a folder ready for npm pack. From scratch each time:
#   1. the cdktn toolchain (frameworks/cdktn/package-lock.json) in frameworks/cdktn/node_modules,
#      installed by npm ci unless the stamp there says it matches the lock;
#   2. frameworks/cdktn/stage.js: sources with their "cdktf" module specifiers made "cdktn",
#      package.json, tsconfigs, the bundled runtime dependencies;
#   3. .gen/ from the committed provider schema with cdktn's generator (scripts/generate-bindings.ts);
#   4. as the cdktf build: tsc for every binding into lib/.gen, jsii for the library, the hook and
#      the CLI into lib/ and .jsii (the toolchain's TypeScript and jsii), scripts/docgen.sh for API.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
TOOLCHAIN=frameworks/cdktn
PKG=$TOOLCHAIN/pkg
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# jsii 5.9 and jsii-pacmak 1.140 call Node 26 "untested": the package tests check what they build on 26 (CI runs them there).
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
started=$SECONDS

stamp=$TOOLCHAIN/node_modules/.egi-lock-sha256
want=$(sha256sum "$TOOLCHAIN/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "build-cdktn: npm ci --prefix $TOOLCHAIN"
  npm ci --prefix "$TOOLCHAIN" --prefer-offline --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

rm -rf "$PKG"
node "$TOOLCHAIN/stage.js"
# The generator probes the Terraform CLI config; a TF_CLI_CONFIG_FILE naming a missing file only adds noise.
env -u TF_CLI_CONFIG_FILE node_modules/.bin/ts-node --transpile-only scripts/generate-bindings.ts cdktn "$PKG/.gen"

cd "$PKG"
"$REPO/$TOOLCHAIN/node_modules/.bin/tsc" -p tsconfig.gen.json
# reserved-word: as in build-package.sh (`from`, `append`, `defer`, generated `delete`).
# missing-dev-dependency: jsii would have the devDependency on constructs be the peer range's lowest
# (10.6.0); it is 10.7.2 on purpose, the version the toolchain, the tests and new apps use.
"$REPO/$TOOLCHAIN/node_modules/.bin/jsii" --silence-warnings reserved-word --silence-warnings metadata/missing-dev-dependency
# API.md as the root's: in a folder with this assembly and links to its peers (cdktn, constructs 10.7)
"$REPO/scripts/docgen.sh" "$PWD/API.md" "$PWD"
echo "build-cdktn: $PKG ($(node -p 'require("./package.json").name') $(node -p 'require("./package.json").version')) built in $((SECONDS - started)) s"
