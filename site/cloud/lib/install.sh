#!/usr/bin/env bash
# Installs the Debian (bookworm, OpenStack Zed) packages the cloud site needs, only when some are missing.
# Maintainer scripts must not start system services (policy-rc.d), and every daemon the packages may
# have started anyway (rabbitmq, mariadb, uwsgi APIs, epmd) is stopped afterwards.
set -euo pipefail

PKGS=(rabbitmq-server mariadb-server python3-pymysql
      glance-api placement-api nova-api nova-conductor nova-scheduler python3-nova
      neutron-server python3-neutron python3-openstackclient uwsgi-plugin-python3
      cinder-api cinder-scheduler python3-cinder qemu-utils jq curl)

# shellcheck source=../../lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/apt.sh"
apt_install_missing cloud "${PKGS[@]}"

# Belt and braces: no system instance of these may stay up (ports 5672/3306/9292/8774/8778/9696/8776).
for svc in rabbitmq-server mariadb glance-api placement-api nova-api nova-conductor nova-scheduler \
           neutron-api neutron-rpc-server neutron-server cinder-api cinder-scheduler; do
  if [[ -x /etc/init.d/$svc ]]; then /etc/init.d/$svc stop >/dev/null 2>&1 || true; fi
done
# a system epmd on the default port 4369 (started by rabbitmq's postinst) would outlive everything
if pgrep -x epmd >/dev/null 2>&1 && ERL_EPMD_PORT=4369 epmd -names >/dev/null 2>&1; then
  ERL_EPMD_PORT=4369 epmd -kill >/dev/null 2>&1 || true
fi
exit 0
