#!/usr/bin/env bash
# Bring up (idempotently) a Check-in-like OIDC IdP and an EGI-like federated Keystone on loopback.
#   site/identity/up.sh            # state in ${SITE_DIR:-<repo>/.site}/identity
# Env: SITE_DIR, IDP_PORT (8443), KEYSTONE_PORT (35357), IDP_AT_TTL (access token seconds, 3600),
#      UP_TIMEOUT (health-check deadline in seconds, 90).
# Writes $STATE/site.json (0600) describing endpoints, CA file, clients and Keystone objects.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$IDENTITY_DIR/lib/pki.sh"
source "$IDENTITY_DIR/lib/keystone.sh"

UP_TIMEOUT=${UP_TIMEOUT:-90}
IDP_AT_TTL=${IDP_AT_TTL:-3600}
T_START=$(now_ms)
TEST_SUB=3f9a1c6e2b7d4e8f0a5c9b1d2e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f@egi.eu
UP_KEY="idp=$IDP_PORT keystone=$KEYSTONE_PORT state=$STATE"
# The templates and settings the running Keystone was rendered from: a change re-renders and restarts it.
TEMPLATE_KEY="short=$KEYSTONE_SHORT_PORT/$KEYSTONE_SHORT_TTL $(cat "$IDENTITY_DIR"/keystone/*.in | sha256sum | cut -c1-16)"

fail_logs() { # fail_logs MESSAGE LOGFILE...
  local msg=$1 f; shift
  for f in "$@"; do
    [[ -s $f ]] && { echo "----- tail $f" >&2; tail -25 "$f" >&2; }
  done
  die "$msg"
}

# ---- fast path: everything already running with the same settings -------------------------
if [[ -s $STATE/site.json && -s $STATE/run/up.key ]] && pid_alive "$IDP_PID" && pid_alive "$APACHE_PID"; then
  [[ "$(cat "$STATE/run/up.key")" == "$UP_KEY" ]] \
    || die "already running with other settings ($(cat "$STATE/run/up.key")); run site/identity/down.sh first"
  if idp_healthy && keystone_healthy && [[ "$(cat "$STATE/run/template.key" 2>/dev/null)" == "$TEMPLATE_KEY" ]]; then
    log "already up ($(( $(now_ms) - T_START )) ms): $STATE/site.json"
    exit 0
  fi
  log "processes alive but not healthy; restarting them"
fi

# From here on a failure stops what this state dir runs, so no half-started site keeps ports busy
# (logs stay in $STATE/log). KEEP_ON_FAILURE=1 leaves the processes up for debugging.
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && ${KEEP_ON_FAILURE:-0} != 1 ]]; then
    log "bring-up failed; stopping what was started (logs kept in $STATE/log)"
    "$IDENTITY_DIR/down.sh" >/dev/null 2>&1 || true
  fi
}
trap on_exit EXIT

phase_start preflight
[[ -n $NODE ]] || die "node not found on PATH"
[[ -f $PROJECT_DIR/node_modules/oidc-provider/package.json ]] \
  || die "oidc-provider is not installed in $PROJECT_DIR/node_modules (run npm ci)"
phase_end

phase_start packages
"$IDENTITY_DIR/lib/install.sh"
phase_end

phase_start state
mkdir -p "$STATE"/{run,log,idp}
chmod 755 "$SITE_DIR" 2>/dev/null || true
chmod 755 "$STATE"              # Keystone's WSGI daemon (user keystone) must traverse it
chmod 700 "$STATE/idp"
chmod 755 "$STATE/run" "$STATE/log"
[[ $(id -u) -eq 0 ]] && chown "$KS_USER:" "$STATE/run"   # mod_wsgi sockets, owned by the daemon user
if [[ ! -s $STATE/secrets.env ]]; then
  umask 077
  {
    echo "ADMIN_PASSWORD=$(openssl rand -hex 16)"
    echo "BASIC_SECRET=$(openssl rand -hex 24)"
    echo "POST_SECRET=$(openssl rand -hex 24)"
    echo "SERVICE_SECRET=$(openssl rand -hex 24)"
    echo "OIDC_PASSPHRASE=$(openssl rand -hex 24)"
  } >"$STATE/secrets.env"
  umask 022
fi
# shellcheck disable=SC1091
source "$STATE/secrets.env"
make_pki
phase_end

# ---- IdP (background; it is ready well before Keystone) -----------------------------------
phase_start idp-start
idp_start() {
  if pid_alive "$IDP_PID"; then kill "$(cat "$IDP_PID")" 2>/dev/null || true; wait_pid_gone "$(cat "$IDP_PID")" 5 || true; fi
  port_busy "$IDP_PORT" && die "port $IDP_PORT is already in use by another process (set IDP_PORT)"
  jq -n --arg projectDir "$PROJECT_DIR" --arg issuer "$ISSUER" --argjson port "$IDP_PORT" \
    --arg resource "$KEYSTONE_URL" --arg jwksFile "$STATE/idp/jwks.json" \
    --arg keyFile "$STATE/pki/server.key" --arg certFile "$STATE/pki/server.pem" \
    --argjson ttl "$IDP_AT_TTL" --arg sub "$TEST_SUB" --arg ent "$ENTITLEMENT" \
    --arg bs "$BASIC_SECRET" --arg ps "$POST_SECRET" --arg ss "$SERVICE_SECRET" '{
      projectDir: $projectDir, issuer: $issuer, port: $port, resource: $resource,
      jwksFile: $jwksFile, keyFile: $keyFile, certFile: $certFile, accessTokenTtl: $ttl,
      user: { sub: $sub, email: "test.user@example.org", name: "Test User",
              preferred_username: "testuser", eduperson_entitlement: [$ent] },
      clients: { basic: {id: "cdktf-test-basic", secret: $bs}, post: {id: "cdktf-test-post", secret: $ps},
                 public: {id: "token-portal"}, service: {id: "cdktf-service", secret: $ss} } }' \
    >"$STATE/idp/config.json"
  chmod 600 "$STATE/idp/config.json"
  # cd first, then start node directly so $! is node's pid (not a subshell's).
  cd "$STATE/idp"
  setsid "$NODE" "$IDENTITY_DIR/idp/server.mjs" "$STATE/idp/config.json" </dev/null >>"$STATE/log/idp.log" 2>&1 &
  echo $! >"$IDP_PID"
  cd - >/dev/null
}
if ! { idp_healthy && pid_alive "$IDP_PID"; }; then idp_start; fi
phase_end

# ---- Keystone -------------------------------------------------------------------------------
phase_start keystone-config
keystone_render
phase_end

phase_start keystone-db-and-keys
keystone_init_db
phase_end

phase_start apache-start
if ! keystone_healthy || ! pid_alive "$APACHE_PID" || [[ "$(apache_config_sum)" != "$(cat "$STATE/run/apache.config-sum" 2>/dev/null)" ]]; then
  if pid_alive "$APACHE_PID"; then "$IDENTITY_DIR/down.sh" --apache-only; fi
  apache_start
fi
phase_end

phase_start keystone-bootstrap   # runs while the WSGI daemons load
keystone_bootstrap
phase_end

phase_start health
deadline=$(( $(date +%s) + UP_TIMEOUT ))
until idp_healthy; do
  pid_alive "$IDP_PID" || fail_logs "the IdP exited during start-up" "$STATE/log/idp.log"
  [[ $(date +%s) -lt $deadline ]] || fail_logs "the IdP is not healthy after ${UP_TIMEOUT}s" "$STATE/log/idp.log"
  sleep 0.2
done
until keystone_healthy; do
  pid_alive "$APACHE_PID" || fail_logs "Apache exited during start-up" "$STATE/log/apache-error.log" "$STATE/log/apache-start.log"
  [[ $(date +%s) -lt $deadline ]] \
    || fail_logs "Keystone is not healthy after ${UP_TIMEOUT}s" "$STATE/log/apache-error.log" "$STATE/log/keystone.log"
  sleep 0.3
done
phase_end

phase_start keystone-federation
federation_setup || fail_logs "federation setup failed" "$STATE/log/keystone.log" "$STATE/log/apache-error.log"
phase_end

# ---- outputs --------------------------------------------------------------------------------
phase_start site-json
umask 077
cat >"$STATE/admin-openrc" <<EOF
export OS_AUTH_URL=$KEYSTONE_URL/v3
export OS_IDENTITY_API_VERSION=3
export OS_AUTH_TYPE=password
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASSWORD
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
EOF
jq -n --arg issuer "$ISSUER" --arg ca "$STATE/pki/ca.pem" --arg ks "$KEYSTONE_URL/v3" \
  --arg openrc "$STATE/admin-openrc" --arg pw "$ADMIN_PASSWORD" --slurpfile obj "$STATE/keystone-objects.json" \
  --arg bs "$BASIC_SECRET" --arg ps "$POST_SECRET" --arg ss "$SERVICE_SECRET" \
  --arg admin "https://127.0.0.1:$IDP_PORT/__test" --arg state "$STATE" --arg sub "$TEST_SUB" \
  --arg ent "$ENTITLEMENT" --arg oidcOnly "$OIDC_ONLY_IDP" --argjson idpPort "$IDP_PORT" --argjson ksPort "$KEYSTONE_PORT" \
  --arg ksShort "$KEYSTONE_SHORT_URL/v3" --argjson ksShortPort "$KEYSTONE_SHORT_PORT" --argjson ksShortTtl "$KEYSTONE_SHORT_TTL" '{
    issuer: $issuer,
    discoveryUrl: ($issuer + "/.well-known/openid-configuration"),
    tokenEndpoint: ($issuer + "/protocol/openid-connect/token"),
    caFile: $ca,
    keystone: {
      authUrl: $ks, identityProvider: "egi.eu", protocol: "openid",
      federatedAuthUrl: ($ks + "/OS-FEDERATION/identity_providers/egi.eu/protocols/openid/auth"),
      identityProviderOidcOnly: $oidcOnly,
      shortLived: { authUrl: $ksShort, tokenTtlSeconds: $ksShortTtl, authorizationTtlMinutes: 720 },
      adminOpenrc: $openrc,
      admin: { username: "admin", password: $pw, projectName: "admin", userDomainName: "Default",
               projectDomainName: "Default", regionName: "RegionOne" },
      adminProject: $obj[0].adminProject, domain: $obj[0].domain, group: $obj[0].group, role: $obj[0].role,
      projects: $obj[0].projects },
    clients: { basic: {id: "cdktf-test-basic", secret: $bs, authMethod: "client_secret_basic"},
               post: {id: "cdktf-test-post", secret: $ps, authMethod: "client_secret_post"},
               public: {id: "token-portal", authMethod: "none"},
               service: {id: "cdktf-service", secret: $ss, authMethod: "client_secret_basic"} },
    user: { sub: $sub, email: "test.user@example.org", eduperson_entitlement: [$ent] },
    scopes: "openid email profile eduperson_entitlement offline_access",
    idpAdminUrl: $admin,
    keystoneAccessLog: ($state + "/log/keystone-access.log"),
    logs: { idp: ($state + "/log/idp.log"), keystone: ($state + "/log/keystone.log"),
            apacheError: ($state + "/log/apache-error.log") },
    ports: { idp: $idpPort, keystone: $ksPort, keystoneShortLived: $ksShortPort },
    stateDir: $state }' >"$STATE/site.json.tmp"
mv "$STATE/site.json.tmp" "$STATE/site.json"
umask 022
printf '%s' "$UP_KEY" >"$STATE/run/up.key"
printf '%s' "$TEMPLATE_KEY" >"$STATE/run/template.key"
phase_end

log "up in $(( $(now_ms) - T_START )) ms: IdP $ISSUER, Keystone $KEYSTONE_URL/v3, $STATE/site.json"
