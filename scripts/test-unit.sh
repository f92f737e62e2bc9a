#!/usr/bin/env bash
# npm test's runner: the unit suite against cdktf (jest.config.js), then the same suite against CDK
# Terrain (jest.cdktn.config.js: the `cdktf` module and the bindings resolve to cdktn's), each with
# the site suite's programs hidden (scripts/without-site-tools.sh). Arguments go to both jest runs
# (`npm test -- -t pattern`). Both run even when the first fails; the exit code is non-zero if either
# failed. EGI_TEST_REPORT_DIR=DIR also writes DIR/unit-cdktf.json and DIR/unit-cdktn.json (jest --json).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
for framework in cdktf cdktn; do
  config=jest.config.js
  [ "$framework" = cdktn ] && config=jest.cdktn.config.js
  report=()
  if [ -n "${EGI_TEST_REPORT_DIR:-}" ]; then
    mkdir -p "$EGI_TEST_REPORT_DIR"
    report=(--json --outputFile="$EGI_TEST_REPORT_DIR/unit-$framework.json")
  fi
  echo "=== unit suite on $framework ($config), Node $(node --version)"
  scripts/without-site-tools.sh node_modules/.bin/jest -c "$config" "${report[@]}" "$@" || status=1
done
exit "$status"
