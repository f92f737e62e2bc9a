#!/usr/bin/env bash
# Stop the whole local site (cloud, then identity). down.sh [--purge] also removes the state.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for a in "$@"; do [[ $a == --purge ]] || { echo "site: usage: down.sh [--purge]" >&2; exit 2; }; done
rc=0
"$here/state/down.sh" "$@" || rc=$?
"$here/cloud/down.sh" "$@" || rc=$?
"$here/identity/down.sh" "$@" || rc=$?
exit $rc
