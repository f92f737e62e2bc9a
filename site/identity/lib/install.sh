#!/usr/bin/env bash
# Installs the Debian packages the identity site needs, only when some are missing.
# Keeps package maintainer scripts from starting system services (policy-rc.d),
# and stops any system apache2/keystone that got started anyway.
set -euo pipefail

PKGS=(keystone apache2 libapache2-mod-wsgi-py3 libapache2-mod-auth-openidc
      python3-keystoneclient python3-keystoneauth1 jq openssl curl ca-certificates)

# shellcheck source=../../lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/apt.sh"
apt_install_missing identity "${PKGS[@]}"

# Belt and braces: a system apache2 (port 80) or keystone (uwsgi, port 5000) must not stay up.
for svc in apache2 keystone; do
  if [[ -x /etc/init.d/$svc ]]; then /etc/init.d/$svc stop >/dev/null 2>&1 || true; fi
done
for pidf in /var/run/apache2/apache2.pid /run/apache2/apache2.pid; do
  if [[ -s $pidf ]]; then kill "$(cat "$pidf")" 2>/dev/null || true; fi
done
exit 0
