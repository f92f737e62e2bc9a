#!/usr/bin/env bash
# OpenTofu, the open-source engine, next to terraform: called by scripts/setup-terraform.sh.
#
#   - use `tofu` from PATH when it is OPENTOFU_VERSION (linked as <mirror>/bin/tofu);
#   - else build github.com/opentofu/opentofu/cmd/tofu at OPENTOFU_VERSION from the Go module proxy
#     into <mirror>/bin/tofu. `go install ...@version` refuses it (OpenTofu's go.mod has a `replace`),
#     so the build goes through a small wrapper module that copies that `replace` and the `godebug`
#     block from OpenTofu's go.mod.
#
# Cost, 2 cores: 3-5 minutes and 1.8 GB of RAM cold (3.5 minutes measured with an empty module cache),
# under a minute with the Go caches warm (14 s measured); the binary is about 115 MB. Later runs only read a stamp (milliseconds).
# The provider mirror and CLI config for both engines are written by setup-terraform.sh.
#
# Env: TERRAFORM_MIRROR_DIR (default <repo>/.terraform-mirror), OPENTOFU_VERSION (1.12.6).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirror_root=${TERRAFORM_MIRROR_DIR:-$repo/.terraform-mirror}
tofu_version=${OPENTOFU_VERSION:-1.12.6}
tofu_version=${tofu_version#v}
tofu_module=github.com/opentofu/opentofu

die() { echo "setup-tofu: $*" >&2; exit 1; }
say() { echo "setup-tofu: $*"; }

bin_dir=$mirror_root/bin
tofu_bin=$bin_dir/tofu
stamp=$bin_dir/.tofu-version
mkdir -p "$bin_dir"

# `tofu version -json` of a binary, or nothing. No CLI config: a user's ~/.tofurc must not matter here.
version_of() {
  TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null \
    | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}

# Fast path: the stamp names the version the binary was checked to be. A link to a tofu on PATH is
# asked again (about 50 ms), since that one may have been upgraded since.
if [ -x "$tofu_bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$tofu_version" ] \
  && { [ ! -L "$tofu_bin" ] || [ "$(version_of "$tofu_bin")" = "$tofu_version" ]; }; then
  say "tofu $tofu_version already at $tofu_bin"
  exit 0
fi

start=$(date +%s)

# A tofu of the wanted version on PATH (not our own link): use it instead of building.
on_path=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$bin_dir" | paste -sd: -) command -v tofu 2>/dev/null || true)
if [ -n "$on_path" ] && [ "$(version_of "$on_path")" = "$tofu_version" ]; then
  ln -sfn "$on_path" "$tofu_bin"
  echo "$tofu_version" >"$stamp"
  say "tofu $tofu_version from PATH ($on_path), linked as $tofu_bin"
  exit 0
fi

command -v go >/dev/null 2>&1 \
  || die "Go is needed to build OpenTofu v$tofu_version offline (1.12.6 needs Go >= 1.26.6); install Go or put tofu $tofu_version on PATH"

# One build at a time: a second setup run (say a parallel `npm test`) waits instead of building again.
exec 9>"$bin_dir/.tofu-build.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$tofu_bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$tofu_version" ]; then
  say "tofu $tofu_version was built by a concurrent run: $tofu_bin"
  exit 0
fi

say "building OpenTofu v$tofu_version from the Go module proxy (3-5 minutes and 1.8 GB of RAM cold on 2 cores, under a minute with Go caches warm)"
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT

# OpenTofu's own go.mod, for the `replace` and `godebug` lines a wrapper module must repeat.
download=$(cd "$build_dir" && go mod download -json "$tofu_module@v$tofu_version" 2>&1) \
  || die "go mod download $tofu_module@v$tofu_version failed: $(printf '%s\n' "$download" | sed -n 's/^[[:space:]]*"Error": *"\(.*\)",*$/\1/p' | head -1)"
upstream_gomod=$(printf '%s\n' "$download" | sed -n 's/^[[:space:]]*"GoMod": *"\([^"]*\)".*/\1/p')
[ -n "$upstream_gomod" ] && [ -f "$upstream_gomod" ] || die "go mod download $tofu_module@v$tofu_version gave no go.mod: $download"
go_needed=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$upstream_gomod")

{
  echo "module tofuwrapper"
  echo
  # single-line replaces and the lines of replace ( ... ) blocks
  awk '
    /^replace[[:space:]]*\(/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0; next }
    inblock && NF { sub(/^[[:space:]]+/, ""); print "replace " $0; next }
    /^replace[[:space:]]/ { print }
  ' "$upstream_gomod"
  echo
  awk '
    /^godebug[[:space:]]*\(/ { inblock = 1 }
    inblock { print; if (/^\)/) inblock = 0; next }
    /^godebug[[:space:]]/ { print }
  ' "$upstream_gomod"
} >"$build_dir/go.mod"

# go get lists every module it adds (a few hundred lines): kept in a log, shown only on failure.
(
  cd "$build_dir"
  go get "$tofu_module/cmd/tofu@v$tofu_version" >"$build_dir/go-get.log" 2>&1 || { cat "$build_dir/go-get.log" >&2; exit 1; }
  say "go get: $(grep -c '^go: added' "$build_dir/go-get.log") modules; compiling"
  CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X '$tofu_module/version.dev=no'" \
    -o "$build_dir/tofu" "$tofu_module/cmd/tofu"
) || die "building OpenTofu v$tofu_version failed (see above; it needs Go >= $go_needed, this is $(go env GOVERSION), GOTOOLCHAIN=$(go env GOTOOLCHAIN)); or put tofu $tofu_version on PATH and re-run"

built_version=$(version_of "$build_dir/tofu")
[ "$built_version" = "$tofu_version" ] || die "the built tofu says version '$built_version', expected $tofu_version"
# Into place last, so an interrupted build never leaves a half-written binary behind.
rm -f "$tofu_bin"
mv "$build_dir/tofu" "$tofu_bin.tmp"
mv "$tofu_bin.tmp" "$tofu_bin"
echo "$tofu_version" >"$stamp"
say "built tofu $tofu_version into $tofu_bin in $(( $(date +%s) - start ))s"
