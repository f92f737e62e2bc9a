#!/usr/bin/env bash
# Offline/CI path: make `terraform init` and `tofu init` work with no registry access.
#
#   1. use `terraform` from PATH when it runs; else build hashicorp/terraform from the Go module proxy;
#   2. build terraform-provider-openstack at the pinned version from its Go module and lay it out as
#      a filesystem mirror (unpacked layout) under both registry hostnames: terraform resolves
#      `terraform-provider-openstack/openstack` to registry.terraform.io, OpenTofu to
#      registry.opentofu.org. The second is real directories down to the version and a link to the
#      first's platform directory (tofu ignores a linked hostname directory);
#   3. OpenTofu: scripts/setup-tofu.sh puts `tofu` (OPENTOFU_VERSION) at <mirror>/bin/tofu, from PATH
#      or built from its Go module (3-5 minutes and 1.8 GB of RAM cold, once; under a minute with Go caches warm);
#   4. write one CLI config, read by both engines, that installs this provider only from that mirror.
#
# Everything lands in .terraform-mirror/ (gitignored). Idempotent: a second run only checks stamps.
# Users with internet access do not need any of this: `terraform init` fetches the provider itself.
#
# Env: TERRAFORM_MIRROR_DIR (default <repo>/.terraform-mirror), OPENSTACK_PROVIDER_VERSION (3.4.0),
#      TERRAFORM_BUILD_VERSION (1.5.7, only used when no terraform is on PATH), OPENTOFU_VERSION (1.12.6).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirror_root=${TERRAFORM_MIRROR_DIR:-$repo/.terraform-mirror}
provider_version=${OPENSTACK_PROVIDER_VERSION:-3.4.0}
terraform_build_version=${TERRAFORM_BUILD_VERSION:-1.5.7}
provider_type=terraform-provider-openstack/openstack
provider_source=registry.terraform.io/$provider_type
provider_source_tofu=registry.opentofu.org/$provider_type
provider_module=github.com/terraform-provider-openstack/terraform-provider-openstack/v3

die() { echo "setup-terraform: $*" >&2; exit 1; }
say() { echo "setup-terraform: $*"; }

need_go() {
  command -v go >/dev/null 2>&1 || die "Go is needed to build $1 offline; install Go >= 1.24 (https://go.dev/dl) or put it on PATH"
}

mkdir -p "$mirror_root/bin"
start=$(date +%s)

# 1. Terraform binary ------------------------------------------------------------------------------
terraform_bin=""
if command -v terraform >/dev/null 2>&1 && terraform version >/dev/null 2>&1; then
  terraform_bin=$(command -v terraform)
elif [ -x "$mirror_root/bin/terraform" ]; then
  terraform_bin=$mirror_root/bin/terraform
else
  need_go terraform
  say "no terraform on PATH; building hashicorp/terraform v$terraform_build_version from the Go module proxy"
  GOBIN="$mirror_root/bin" GOFLAGS=-buildvcs=false go install "github.com/hashicorp/terraform@v$terraform_build_version" \
    || die "go install of terraform v$terraform_build_version failed (see above); install terraform yourself and re-run"
  terraform_bin=$mirror_root/bin/terraform
fi
terraform_version=$(TF_CLI_CONFIG_FILE=/dev/null "$terraform_bin" version -json 2>/dev/null \
  | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
[ -n "$terraform_version" ] || die "$terraform_bin does not answer 'terraform version -json'"

# 2. Provider in a filesystem mirror, under both registry hostnames --------------------------------
goos=$(go env GOOS 2>/dev/null || uname -s | tr '[:upper:]' '[:lower:]')
goarch=$(go env GOARCH 2>/dev/null || { [ "$(uname -m)" = x86_64 ] && echo amd64 || uname -m; })
platform=${goos}_$goarch
provider_dir=$mirror_root/providers/$provider_source/$provider_version/$platform
provider_bin=$provider_dir/terraform-provider-openstack_v$provider_version
if [ -x "$provider_bin" ]; then
  say "provider $provider_version already in the mirror"
else
  need_go "terraform-provider-openstack v$provider_version"
  say "building terraform-provider-openstack v$provider_version with go install (about 1-3 minutes cold)"
  build_dir=$(mktemp -d)
  trap 'rm -rf "$build_dir"' EXIT
  GOBIN="$build_dir" GOFLAGS=-buildvcs=false go install "$provider_module@v$provider_version" \
    || die "go install $provider_module@v$provider_version failed (see above)"
  mkdir -p "$provider_dir"
  # Move into place last, so an interrupted build never leaves a half-written provider behind.
  mv "$build_dir/terraform-provider-openstack" "$provider_bin.tmp"
  mv "$provider_bin.tmp" "$provider_bin"
fi

# OpenTofu's hostname: real directories down to the version (tofu does not follow a linked hostname
# or namespace directory), then the platform directory linked to terraform's (relative, so the
# mirror can move).
tofu_version_dir=$mirror_root/providers/$provider_source_tofu/$provider_version
tofu_link_target=../../../../$provider_source/$provider_version/$platform
if [ "$(readlink "$tofu_version_dir/$platform" 2>/dev/null)" = "$tofu_link_target" ]; then
  say "provider $provider_version already linked for registry.opentofu.org"
else
  mkdir -p "$tofu_version_dir"
  rm -rf "${tofu_version_dir:?}/$platform"
  ln -s "$tofu_link_target" "$tofu_version_dir/$platform"
  say "linked provider $provider_version under registry.opentofu.org for OpenTofu"
fi

# 3. OpenTofu binary -------------------------------------------------------------------------------
TERRAFORM_MIRROR_DIR=$mirror_root "$repo/scripts/setup-tofu.sh" \
  || die "OpenTofu setup failed (see above)"
tofu_version=$(cat "$mirror_root/bin/.tofu-version")

# 4. CLI config ------------------------------------------------------------------------------------
# terraform reads TF_CLI_CONFIG_FILE, and so does tofu (before TOFU_CLI_CONFIG_FILE's default):
# one file serves both. Each engine only ever asks for its own hostname's address.
config=$mirror_root/terraformrc
cat >"$config.tmp" <<CONFIG
# Written by scripts/setup-terraform.sh: the OpenStack provider comes only from the local mirror,
# for terraform (registry.terraform.io) and OpenTofu (registry.opentofu.org).
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$mirror_root/providers"
    include = ["$provider_source", "$provider_source_tofu"]
  }
  direct {
    exclude = ["$provider_source", "$provider_source_tofu"]
  }
}
CONFIG
mv "$config.tmp" "$config"

# The env file other scripts source: absolute paths only, nothing secret. The mirror's bin is on PATH
# too, so `TERRAFORM_BINARY_NAME=tofu npx cdktf deploy ...` finds the tofu built there.
path_dirs=$(dirname "$terraform_bin")
[ "$path_dirs" = "$mirror_root/bin" ] || path_dirs=$path_dirs:$mirror_root/bin
cat >"$mirror_root/env.sh" <<ENV
export TF_CLI_CONFIG_FILE="$config"
export PATH="$path_dirs:\$PATH"
export CHECKPOINT_DISABLE=1
ENV

say "terraform $terraform_version ($terraform_bin), tofu $tofu_version ($mirror_root/bin/tofu), provider $provider_version for $platform under both registry hostnames, $(( $(date +%s) - start ))s"
say "use it with: source $mirror_root/env.sh"
