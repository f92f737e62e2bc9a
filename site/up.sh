#!/usr/bin/env bash
# Bring up the whole local EGI-like site on loopback: identity (IdP + federated Keystone), then cloud
# (RabbitMQ, MariaDB, Glance, Placement, Nova, Neutron, Cinder). Idempotent; fast no-op when up.
# Descriptions: ${SITE_DIR:-<repo>/.site}/identity/site.json and .../cloud/site.json.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
t0=$(date +%s%3N)
"$here/identity/up.sh"
"$here/cloud/up.sh"   # calls identity/up.sh again: a fast no-op
"$here/state/up.sh"   # PostgreSQL for Terraform's pg backend (team state): .site/state/site.json
"$here/clients/up.sh" # oidc-agent and ansible-core, the client tools the site tests drive
echo "site: up in $(( $(date +%s%3N) - t0 )) ms"
