#!/usr/bin/env bash
# Regenerate provider-schema/openstack.json from the real provider binary in the local mirror.
#
#   OPENSTACK_PROVIDER_VERSION=3.4.0 npm run schema:openstack && npm run gen
#
# Runs `terraform providers schema -json` in a scratch dir against the mirror written by
# scripts/setup-terraform.sh, then records the version under `provider_versions` (which
# `terraform providers schema` omits) so the generated provider class pins it in required_providers.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=${OPENSTACK_PROVIDER_VERSION:-3.4.0}
out=$repo/provider-schema/openstack.json
fqpn=registry.terraform.io/terraform-provider-openstack/openstack

OPENSTACK_PROVIDER_VERSION=$version "$repo/scripts/setup-terraform.sh" >/dev/null
# shellcheck disable=SC1091
source "${TERRAFORM_MIRROR_DIR:-$repo/.terraform-mirror}/env.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/main.tf.json" <<EOF
{"terraform": {"required_providers": {"openstack": {"source": "terraform-provider-openstack/openstack", "version": "$version"}}}}
EOF
(cd "$scratch" && terraform init -input=false -no-color >init.log 2>&1) \
  || { cat "$scratch/init.log" >&2; echo "generate-schema: terraform init failed (is provider $version in the mirror?)" >&2; exit 1; }
(cd "$scratch" && terraform providers schema -json >schema.json)

mkdir -p "$(dirname "$out")"
node -e '
  const fs = require("fs");
  const [file, fqpn, version, out] = process.argv.slice(1);
  const schema = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!schema.provider_schemas || !schema.provider_schemas[fqpn]) {
    console.error(`generate-schema: ${fqpn} missing from terraform providers schema output`);
    process.exit(1);
  }
  schema.provider_versions = { [fqpn]: version };
  fs.writeFileSync(out + ".tmp", JSON.stringify(schema, null, 1) + "\n");
  fs.renameSync(out + ".tmp", out);
' "$scratch/schema.json" "$fqpn" "$version" "$out"
echo "generate-schema: wrote $out (openstack $version)"
