# Shared settings and helpers for site/identity scripts (sourced, not executed).
# shellcheck shell=bash disable=SC2034
IDENTITY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_DIR=$(cd "$IDENTITY_DIR/../.." && pwd)
SITE_DIR=${SITE_DIR:-$PROJECT_DIR/.site}
STATE=$SITE_DIR/identity
IDP_PORT=${IDP_PORT:-8443}
KEYSTONE_PORT=${KEYSTONE_PORT:-35357}
# the same Keystone (database, keys) on a second port issuing short-lived tokens, for tests of deploys
# that outlive their token (a site with a short [token] expiration)
KEYSTONE_SHORT_PORT=${KEYSTONE_SHORT_PORT:-35358}
KEYSTONE_SHORT_TTL=${KEYSTONE_SHORT_TTL:-60}
REALM_PATH=/auth/realms/egi
ISSUER=https://127.0.0.1:$IDP_PORT$REALM_PATH
KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_PORT
KEYSTONE_SHORT_URL=http://127.0.0.1:$KEYSTONE_SHORT_PORT
ENTITLEMENT='urn:mace:egi.eu:group:vo.example:role=member#aai.egi.eu'
# second Keystone IdP with only protocol `oidc`; its remote id comes from Apache (SetEnv), not the token
OIDC_ONLY_IDP=egi.eu-oidc
OIDC_ONLY_REMOTE_ID=egi.eu-oidc-remote
PY=/usr/bin/python3
KEYSTONE_MANAGE=/usr/bin/keystone-manage
APACHE_BIN=/usr/sbin/apache2
NODE=${NODE:-$(command -v node || true)}

IDP_PID=$STATE/run/idp.pid
APACHE_PID=$STATE/run/apache2.pid

SITE_TAG=identity
# shellcheck source=../../lib/shell.sh
source "$IDENTITY_DIR/../lib/shell.sh"

idp_healthy() { curl -fsS --max-time 3 --cacert "$STATE/pki/ca.pem" "https://127.0.0.1:$IDP_PORT/__test/health" >/dev/null 2>&1; }
keystone_healthy() { curl -fsS --max-time 5 "$KEYSTONE_URL/v3" >/dev/null 2>&1; }

