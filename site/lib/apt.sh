# apt_install_missing TAG PACKAGE...: install the Debian packages that are not installed yet, with
# maintainer scripts kept from starting system services (policy-rc.d). Sourced, not executed.
# Every package an install adds (the named ones and their dependencies) is recorded in
# $EGI_SITE_PACKAGES_FILE, one name a line: scripts/without-site-tools.sh hides their programs from
# the unit suite, which must pass on a machine where the site never ran.
# shellcheck shell=bash
EGI_SITE_PACKAGES_FILE=${EGI_SITE_PACKAGES_FILE:-/var/lib/egi-cdktf/site-packages}
apt_install_missing() {
  local tag=$1 p st; shift
  local missing=()
  for p in "$@"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$st" == "install ok installed" ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  [[ $(id -u) -eq 0 ]] || { echo "$tag install: missing packages (${missing[*]}) and not root" >&2; return 1; }
  echo "$tag install: apt-get install ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1
  fi
  local rc=0
  export DEBIAN_FRONTEND=noninteractive
  # apt lists older than a day (or none): refresh once
  if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1) ]]; then
    apt-get update -qq || { echo "$tag install: apt-get update failed" >&2; rc=1; }
  fi
  if [[ $rc -eq 0 ]]; then
    local before
    before=$(dpkg-query -W -f='${Package}\n' | sort)
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" \
      || { echo "$tag install: apt-get install failed" >&2; rc=1; }
    mkdir -p "$(dirname "$EGI_SITE_PACKAGES_FILE")"
    { cat "$EGI_SITE_PACKAGES_FILE" 2>/dev/null || true
      comm -13 <(echo "$before") <(dpkg-query -W -f='${Package}\n' | sort); } | sort -u >"$EGI_SITE_PACKAGES_FILE.tmp"
    mv "$EGI_SITE_PACKAGES_FILE.tmp" "$EGI_SITE_PACKAGES_FILE"
  fi
  [[ $made_policy -eq 1 ]] && rm -f "$policy"
  return $rc
}
