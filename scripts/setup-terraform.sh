#!/usr/bin/env bash
# Offline/CI path: make `terraform init` work with no registry access.
#
#   1. use `terraform` from PATH when it runs; else build hashicorp/terraform from the Go module proxy;
#   2. build terraform-provider-openstack at the pinned version from its Go module and lay it out as
#      a filesystem mirror (unpacked layout);
#   3. write a Terraform CLI config that installs this provider only from that mirror.
#
# Everything lands in .terraform-mirror/ (gitignored). Idempotent: a second run only checks stamps.
# Users with internet access do not need any of this: `terraform init` fetches the provider itself.
#
# Env: TERRAFORM_MIRROR_DIR (default <repo>/.terraform-mirror), OPENSTACK_PROVIDER_VERSION (3.4.0),
#      TERRAFORM_BUILD_VERSION (1.5.7, only used when no terraform is on PATH).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mirror_root=${TERRAFORM_MIRROR_DIR:-$repo/.terraform-mirror}
provider_version=${OPENSTACK_PROVIDER_VERSION:-3.4.0}
terraform_build_version=${TERRAFORM_BUILD_VERSION:-1.5.7}
provider_source=registry.terraform.io/terraform-provider-openstack/openstack
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

# 2. Provider in a filesystem mirror ---------------------------------------------------------------
goos=$(go env GOOS 2>/dev/null || uname -s | tr '[:upper:]' '[:lower:]')
goarch=$(go env GOARCH 2>/dev/null || { [ "$(uname -m)" = x86_64 ] && echo amd64 || uname -m; })
provider_dir=$mirror_root/providers/$provider_source/$provider_version/${goos}_$goarch
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

# 3. CLI config ------------------------------------------------------------------------------------
config=$mirror_root/terraformrc
cat >"$config.tmp" <<EOF
# Written by scripts/setup-terraform.sh: the OpenStack provider comes only from the local mirror.
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$mirror_root/providers"
    include = ["$provider_source"]
  }
  direct {
    exclude = ["$provider_source"]
  }
}
EOF
mv "$config.tmp" "$config"

# The env file other scripts source: absolute paths only, nothing secret.
cat >"$mirror_root/env.sh" <<EOF
export TF_CLI_CONFIG_FILE="$config"
export PATH="$(dirname "$terraform_bin"):\$PATH"
export CHECKPOINT_DISABLE=1
EOF

say "terraform $terraform_version ($terraform_bin), provider $provider_version for ${goos}_$goarch, $(( $(date +%s) - start ))s"
say "use it with: source $mirror_root/env.sh"
