#!/usr/bin/env bash
# without-site-tools.sh COMMAND [ARG...]: run COMMAND with the programs that only the site suite
# installs hidden, so that `npm test` behaves as on a machine where the site never ran.
#
# The site scripts record every Debian package they add (site/lib/apt.sh ->
# $EGI_SITE_PACKAGES_FILE). Each program those packages put in a bin folder gets a stub, first on
# PATH, that fails with exit 127 and says which setup installs it. A unit test that spawns
# ansible-inventory, psql, openstack, ... then fails on every machine, not only on a new one.
# Packages that npm test's own setup installs (the PACKAGES=... line of each scripts/setup-*.sh) stay
# visible. A program called by absolute path is not caught (none is, today).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
record=${EGI_SITE_PACKAGES_FILE:-/var/lib/egi-cdktf/site-packages}
[ $# -gt 0 ] || { echo "usage: scripts/without-site-tools.sh COMMAND [ARG...]" >&2; exit 2; }

stubs=$(mktemp -d "${TMPDIR:-/tmp}/egi-site-tools-XXXXXX")
trap 'rm -rf "$stubs"' EXIT

own=" $(sed -n 's/^PACKAGES="\(.*\)"$/\1/p' "$repo"/scripts/setup-*.sh | tr '\n' ' ') "
count=0
if [ -s "$record" ]; then
  # dpkg's own file lists (/var/lib/dpkg/info/<package>[:<arch>].list), read in one pass.
  lists=()
  while read -r pkg; do
    [ -n "$pkg" ] && [[ "$own" != *" $pkg "* ]] || continue
    for list in "/var/lib/dpkg/info/$pkg.list" /var/lib/dpkg/info/"$pkg":*.list; do [ -f "$list" ] && lists+=("$list"); done
  done <"$record"
  while read -r pkg file; do
    [ -x "$file" ] && [ ! -d "$file" ] || continue
    name=$(basename "$file")
    cat >"$stubs/$name" <<STUB
#!/bin/sh
echo "$name is installed only by the site suite's setup (Debian package $pkg, npm run test:site): a test under npm test must not run it; move the test to __tests__/site/ or install $pkg in npm test's own setup (scripts/setup-*.sh)" >&2
exit 127
STUB
    chmod +x "$stubs/$name"
    count=$((count + 1))
  done < <([ ${#lists[@]} -eq 0 ] || awk '$0 ~ "^(/usr)?(/local)?/s?bin/[^/]+$" {
      pkg = FILENAME; sub(/.*\//, "", pkg); sub(/\.list$/, "", pkg); sub(/:.*/, "", pkg); print pkg, $0 }' "${lists[@]}")
fi
echo "without-site-tools: $count program(s) of the site suite hidden" >&2
PATH="$stubs:$PATH" "$@"
