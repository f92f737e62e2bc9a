#!/usr/bin/env bash
# What the Python package check (npm test: __tests__/package/python.test.ts) needs: Debian's
# python3 with pip, setuptools and wheel, to build the wheel offline (PyPI is not used).
# Installs them with apt-get when missing and run as root; else says what to install.
set -euo pipefail
# Debian packages this setup installs (scripts/without-site-tools.sh leaves their programs visible).
PACKAGES="python3-pip python3-setuptools python3-wheel"
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import setuptools, wheel, pip' 2>/dev/null; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "setup-python: installing $PACKAGES (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null; }
  "$PY" -c 'import setuptools, wheel, pip' && exit 0
fi
echo "setup-python: $PY with pip, setuptools and wheel is needed for the Python package check; install python3-pip python3-setuptools python3-wheel (Debian/Ubuntu) as root" >&2
exit 1
