# Keystone database/keys/bootstrap and its standalone Apache (sourced by up.sh).
# shellcheck shell=bash disable=SC2034
KS_DIR=$STATE/keystone
KS_CONF=$KS_DIR/keystone.conf

if [[ $(id -u) -eq 0 ]]; then
  KS_USER=keystone
  APACHE_USER_LINES=$'User keystone\nGroup keystone'
  WSGI_USER="user=keystone group=keystone"
else
  KS_USER=$(id -un)
  APACHE_USER_LINES="# not root: Apache keeps the current user"
  WSGI_USER=""
fi

ks_manage() { # ks_manage LOGNAME ARGS... (eventlet prints a harmless traceback at exit)
  local name=$1; shift
  # bootstrap loads the auth methods too: it needs the keystone.auth.oidc entry point (keystone_render)
  PYTHONPATH=$KS_DIR/plugins "$KEYSTONE_MANAGE" --config-file "$KS_CONF" "$@" >"$STATE/log/keystone-manage-$name.log" 2>&1 \
    || { tail -20 "$STATE/log/keystone-manage-$name.log" >&2; die "keystone-manage $name failed"; }
}

keystone_render() {
  mkdir -p "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys" "$STATE/apache"
  TOKEN_EXPIRATION=3600 render "$IDENTITY_DIR/keystone/keystone.conf.in" "$KS_CONF"
  TOKEN_EXPIRATION=$KEYSTONE_SHORT_TTL render "$IDENTITY_DIR/keystone/keystone.conf.in" "$KS_DIR/keystone-short.conf"
  KS_CONF_FILE=$KS_CONF render "$IDENTITY_DIR/keystone/keystone.wsgi.in" "$STATE/apache/keystone.wsgi"
  KS_CONF_FILE=$KS_DIR/keystone-short.conf render "$IDENTITY_DIR/keystone/keystone.wsgi.in" "$STATE/apache/keystone-short.wsgi"
  JWKS_URI=$ISSUER/protocol/openid-connect/certs
  render "$IDENTITY_DIR/keystone/httpd.conf.in" "$STATE/apache/httpd.conf"
  chmod 600 "$STATE/apache/httpd.conf"   # holds the mod_auth_openidc passphrase; read by root only
  # Keystone loads auth method `oidc` from entry point group keystone.auth.oidc, which no Debian
  # package provides: declare it (-> the `mapped` plugin, as for openid) in a dist-info that
  # keystone.wsgi puts on sys.path.
  local di=$KS_DIR/plugins/egi_site_keystone_auth_oidc-1.0.dist-info
  mkdir -p "$di"
  printf 'Metadata-Version: 2.1\nName: egi-site-keystone-auth-oidc\nVersion: 1.0\n' >"$di/METADATA"
  printf '[keystone.auth.oidc]\ndefault = keystone.auth.plugins.mapped:Mapped\n' >"$di/entry_points.txt"
  touch "$STATE/log/keystone.log"
  chown "$KS_USER:" "$STATE/log/keystone.log"
  chown -R "$KS_USER:" "$KS_DIR"
  chmod 700 "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys"
}

# Schema and keys (db_sync runs while the key repositories are set up).
keystone_init_db() {
  [[ -e $KS_DIR/.db-ready ]] && return 0
  rm -f "$KS_DIR"/keystone.db* "$KS_DIR/.bootstrapped" "$KS_DIR/.federation-stamp"
  rm -rf "${KS_DIR:?}"/fernet-keys/* "${KS_DIR:?}"/credential-keys/*
  local ku=()
  [[ $(id -u) -eq 0 ]] && ku=(--keystone-user "$KS_USER" --keystone-group "$(id -gn "$KS_USER")")
  ks_manage db_sync db_sync & local p1=$!
  ks_manage fernet_setup fernet_setup "${ku[@]}" & local p2=$!
  ks_manage credential_setup credential_setup "${ku[@]}" & local p3=$!
  wait $p1 || die "keystone-manage db_sync failed"
  wait $p2 || die "keystone-manage fernet_setup failed"
  wait $p3 || die "keystone-manage credential_setup failed"
  # sqlite under several WSGI threads: WAL avoids "database is locked" on concurrent writes.
  "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA journal_mode=WAL").fetchone()[0]); c.close()' \
    "$KS_DIR/keystone.db" | grep -qx wal || die "could not set sqlite WAL mode"
  chown -R "$KS_USER:" "$KS_DIR"
  touch "$KS_DIR/.db-ready"
}

keystone_bootstrap() {
  [[ -e $KS_DIR/.bootstrapped ]] && return 0
  ks_manage bootstrap bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "$KEYSTONE_URL/v3" --bootstrap-internal-url "$KEYSTONE_URL/v3" \
    --bootstrap-public-url "$KEYSTONE_URL/v3"
  chown -R "$KS_USER:" "$KS_DIR"
  touch "$KS_DIR/.bootstrapped"
}

# What the running Apache loaded: a change in a rendered config file means a restart.
apache_config_sum() { cat "$STATE/apache/httpd.conf" "$STATE/apache/"*.wsgi "$KS_CONF" "$KS_DIR/keystone-short.conf" | sha256sum | cut -c1-64; }

apache_start() {
  if pid_alive "$APACHE_PID"; then return 0; fi
  port_busy "$KEYSTONE_PORT" && die "port $KEYSTONE_PORT is already in use by another process (KEYSTONE_PORT=...)"
  port_busy "$KEYSTONE_SHORT_PORT" && die "port $KEYSTONE_SHORT_PORT is already in use by another process (KEYSTONE_SHORT_PORT=...)"
  apache_config_sum >"$STATE/run/apache.config-sum"
  rm -f "$APACHE_PID"
  # Our httpd.conf references no ${APACHE_*} variable; Debian's binary only needs them for its own
  # /etc/apache2 layout. Set the usual ones anyway so nothing falls back to /var/run/apache2.
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C APACHE_RUN_DIR="$STATE/run" \
    APACHE_PID_FILE="$APACHE_PID" APACHE_LOCK_DIR="$STATE/run" APACHE_LOG_DIR="$STATE/log" \
    APACHE_RUN_USER="$KS_USER" APACHE_RUN_GROUP="$(id -gn "$KS_USER")" \
    "$APACHE_BIN" -f "$STATE/apache/httpd.conf" -k start </dev/null >>"$STATE/log/apache-start.log" 2>&1 \
    || { tail -20 "$STATE/log/apache-start.log" >&2; die "apache2 -k start failed"; }
}

federation_setup() {
  # re-run when the settings or federation.py change
  local stamp
  stamp="$ISSUER $ENTITLEMENT $KEYSTONE_URL $OIDC_ONLY_IDP $OIDC_ONLY_REMOTE_ID $(sha256sum <"$IDENTITY_DIR/keystone/federation.py")"
  if [[ -s $STATE/keystone-objects.json && "$(cat "$KS_DIR/.federation-stamp" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  KS_AUTH_URL=$KEYSTONE_URL/v3 KS_ISSUER=$ISSUER KS_ENTITLEMENT=$ENTITLEMENT KS_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    KS_OIDC_ONLY_IDP=$OIDC_ONLY_IDP KS_OIDC_ONLY_REMOTE_ID=$OIDC_ONLY_REMOTE_ID \
    "$PY" "$IDENTITY_DIR/keystone/federation.py" >"$STATE/keystone-objects.json.tmp" 2>"$STATE/log/federation.log" \
    || { tail -20 "$STATE/log/federation.log" >&2; die "creating the Keystone federation objects failed"; }
  mv "$STATE/keystone-objects.json.tmp" "$STATE/keystone-objects.json"
  printf '%s' "$stamp" >"$KS_DIR/.federation-stamp"
}
