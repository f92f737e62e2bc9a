#!/usr/bin/env bash
# Installs the Debian (bookworm, OpenStack Zed) packages the cloud site needs, only when some are missing.
# Maintainer scripts must not start system services (policy-rc.d), and every daemon the packages may
# have started anyway (rabbitmq, mariadb, uwsgi APIs, epmd) is stopped afterwards.
set -euo pipefail

PKGS=(rabbitmq-server mariadb-server python3-pymysql
      glance-api placement-api nova-api nova-conductor nova-scheduler python3-nova
      neutron-server python3-neutron python3-openstackclient uwsgi-plugin-python3
      cinder-api cinder-scheduler python3-cinder qemu-utils jq curl)

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

[[ $(id -u) -eq 0 ]] || { echo "cloud install: missing packages (${missing[*]}) and not root" >&2; exit 1; }
echo "cloud install: apt-get install ${missing[*]}"

policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1
fi
# shellcheck disable=SC2317
cleanup() { [[ $made_policy -eq 1 ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# apt lists older than a day (or none): refresh once
if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1) ]]; then
  apt-get update -qq || { echo "cloud install: apt-get update failed" >&2; exit 1; }
fi
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" \
  || { echo "cloud install: apt-get install failed" >&2; exit 1; }

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
