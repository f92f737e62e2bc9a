#!/usr/bin/env bash
# Install (when missing) the Debian client tools the site tests drive as EGI users do: oidc-agent
# (Check-in tokens kept by an agent, fedcloudclient's OIDC_AGENT_ACCOUNT) and ansible-core
# (`ansible-inventory` parses the inventory `egi-cdktf inventory` writes). Starts nothing: each
# test starts and stops its own agent. Idempotent; a fast no-op when installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../lib/apt.sh"
apt_install_missing clients oidc-agent-cli ansible-core
echo "clients: oidc-agent $(oidc-agent --version 2>/dev/null | head -1 | awk '{print $NF}'), $(ansible-inventory --version 2>/dev/null | head -1)"
