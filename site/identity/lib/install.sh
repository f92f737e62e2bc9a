#!/usr/bin/env bash
# Installs the Debian packages the identity site needs, only when some are missing.
# Keeps package maintainer scripts from starting system services (policy-rc.d),
# and stops any system apache2/keystone that got started anyway.
set -euo pipefail

PKGS=(keystone apache2 libapache2-mod-wsgi-py3 libapache2-mod-auth-openidc
      python3-keystoneclient python3-keystoneauth1 jq openssl curl ca-certificates)

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

[[ $(id -u) -eq 0 ]] || { echo "install: missing packages (${missing[*]}) and not root" >&2; exit 1; }
echo "install: apt-get install ${missing[*]}"

policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1
fi
# shellcheck disable=SC2317
cleanup() { [[ $made_policy -eq 1 ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "install: apt-get update failed" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" \
  || { echo "install: apt-get install failed" >&2; exit 1; }

# Belt and braces: a system apache2 (port 80) or keystone (uwsgi, port 5000) must not stay up.
for svc in apache2 keystone; do
  if [[ -x /etc/init.d/$svc ]]; then /etc/init.d/$svc stop >/dev/null 2>&1 || true; fi
done
for pidf in /var/run/apache2/apache2.pid /run/apache2/apache2.pid; do
  if [[ -s $pidf ]]; then kill "$(cat "$pidf")" 2>/dev/null || true; fi
done
exit 0
