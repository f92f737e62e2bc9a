#!/usr/bin/env bash
# Bring up (idempotently) the rest of an EGI-like OpenStack site (Debian Zed) on loopback, using the
# identity site's Keystone: RabbitMQ, MariaDB, Glance, Placement, Nova (fake driver), Neutron (ML2 `test`
# driver), Cinder (fake volume driver). State in ${SITE_DIR:-<repo>/.site}/cloud; writes $STATE/site.json.
# Env: SITE_DIR, WITH_CINDER (1), UP_TIMEOUT (health deadline per stage, s; 120), KEEP_ON_FAILURE, *_PORT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$CLOUD_DIR/lib/infra.sh"
source "$CLOUD_DIR/lib/services.sh"

UP_TIMEOUT=${UP_TIMEOUT:-120}
T_START=$(now_ms)
UP_KEY="cinder=$WITH_CINDER rabbit=$RABBIT_PORT mysql=$MYSQL_PORT glance=$GLANCE_PORT placement=$PLACEMENT_PORT nova=$NOVA_PORT neutron=$NEUTRON_PORT cinder=$CINDER_PORT state=$STATE"

phase_start identity
mkdir -p "$LOGD"
"$PROJECT_DIR/site/identity/up.sh" >"$LOGD/identity-up.log" 2>&1 \
  || { tail -20 "$LOGD/identity-up.log" >&2; die "site/identity/up.sh failed"; }
phase_end
ID_JSON=$ID_STATE/site.json
KEYSTONE_URL=$(jq -er '.keystone.authUrl' "$ID_JSON")
export KS_AUTH_URL=$KEYSTONE_URL KS_ADMIN_PASSWORD
KS_ADMIN_PASSWORD=$(jq -er '.keystone.admin.password' "$ID_JSON")
export VO_PROJECT_ID; VO_PROJECT_ID=$(jq -er '.keystone.projects[] | select(.name == "vo.example") | .id' "$ID_JSON")
export WITH_CINDER GLANCE_PORT PLACEMENT_PORT NOVA_PORT NEUTRON_PORT CINDER_PORT

all_alive() {
  local s
  for s in epmd rabbitmq mysqld glance placement neutron nova-api nova-conductor nova-scheduler nova-compute; do
    pid_alive "$RUN/$s.pid" || return 1
  done
  if [[ $WITH_CINDER == 1 ]]; then for s in cinder-api cinder-scheduler cinder-volume; do pid_alive "$RUN/$s.pid" || return 1; done; fi
}
apis_healthy() { local kv; while IFS= read -r kv; do http_ok "${kv#*=}" || return 1; done < <(api_urls); }

# ---- fast path ------------------------------------------------------------------------------
if [[ -s $STATE/site.json && -s $RUN/up.key ]] && all_alive; then
  [[ "$(cat "$RUN/up.key")" == "$UP_KEY" ]] \
    || die "already running with other settings ($(cat "$RUN/up.key")); run site/cloud/down.sh first"
  if apis_healthy && rabbit_healthy; then
    log "already up ($(( $(now_ms) - T_START )) ms): $STATE/site.json"; exit 0
  fi
  log "processes alive but not healthy; restarting them"
  "$CLOUD_DIR/down.sh" >/dev/null
fi

on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && ${KEEP_ON_FAILURE:-0} != 1 ]]; then
    log "bring-up failed; stopping what was started (logs kept in $LOGD)"
    "$CLOUD_DIR/down.sh" >/dev/null 2>&1 || true
  fi
}
trap on_exit EXIT

phase_start packages
"$CLOUD_DIR/lib/install.sh"
phase_end

phase_start state
mkdir -p "$RUN" "$LOGD"
chmod 755 "$SITE_DIR" "$STATE"   # mysql (user mysql) must traverse it
if [[ ! -s $STATE/secrets.env ]]; then
  umask 077
  { echo "DB_PASSWORD=$(openssl rand -hex 16)"; echo "RABBIT_PASSWORD=$(openssl rand -hex 16)"
    echo "SERVICE_PASSWORD=$(openssl rand -hex 16)"; } >"$STATE/secrets.env"
  umask 022
fi
# shellcheck disable=SC1091
source "$STATE/secrets.env"
export SERVICE_PASSWORD
export DB_URL="mysql+pymysql://openstack:$DB_PASSWORD@127.0.0.1:$MYSQL_PORT"
services_render
[[ -s $STATE/image.qcow2 ]] || qemu-img create -q -f qcow2 "$STATE/image.qcow2" 1G
phase_end

# ---- infrastructure + Keystone objects, in parallel -----------------------------------------
phase_start rabbitmq-mariadb-keystone
rabbit_start
mysql_start
if [[ ! -s $STATE/keystone-services.json ]]; then
  "$PY" "$CLOUD_DIR/py/keystone_setup.py" >"$STATE/keystone-services.json.tmp" 2>"$LOGD/keystone-setup.log" &
  KS_JOB=$!
else KS_JOB=""; fi
deadline=$(( $(date +%s) + UP_TIMEOUT ))
until mysql_healthy; do
  pid_alive "$RUN/mysqld.pid" || { tail_logs "$LOGD/mysqld.log"; die "MariaDB exited during start-up"; }
  [[ $(date +%s) -lt $deadline ]] || { tail_logs "$LOGD/mysqld.log"; die "MariaDB not ready after ${UP_TIMEOUT}s"; }
  sleep 0.2
done
mysql_create_dbs
phase_end

phase_start schemas
db_sync_all || die "database schema setup failed (logs in $LOGD)"
phase_end

phase_start keystone-wait
if [[ -n $KS_JOB ]]; then
  wait "$KS_JOB" || { tail_logs "$LOGD/keystone-setup.log"; die "creating service users/catalog failed"; }
  mv "$STATE/keystone-services.json.tmp" "$STATE/keystone-services.json"
fi
until rabbit_healthy; do
  pid_alive "$RUN/rabbitmq.pid" || { tail_logs "$LOGD/rabbitmq/startup.log" "$LOGD/rabbitmq/rabbit.log"; die "RabbitMQ exited"; }
  [[ $(date +%s) -lt $deadline ]] || { tail_logs "$LOGD/rabbitmq/startup.log" "$LOGD/rabbitmq/rabbit.log"; die "RabbitMQ not ready"; }
  sleep 0.2
done
phase_end

# ---- OpenStack services ------------------------------------------------------------------------
phase_start services-start
for kv in $(api_urls); do
  n=${kv%%=*}; u=${kv#*=}; p=${u##*:}; p=${p%/}
  pid_alive "$RUN/$n.pid" || ! port_busy "$p" || die "port $p ($n) is already in use by another process"
done
start_services
phase_end

phase_start api-health
deadline=$(( $(date +%s) + UP_TIMEOUT ))
while IFS= read -r kv; do
  n=${kv%%=*}; u=${kv#*=}
  until http_ok "$u"; do
    logs=("$LOGD/$n.stdout" "$LOGD/$n.log")
    [[ $n == nova-api ]] && logs+=("$LOGD/nova-api.log")
    [[ $n == neutron ]] && logs=("$LOGD/neutron-server.stdout" "$LOGD/neutron-server.log")
    [[ $n == glance ]] && logs=("$LOGD/glance-api.stdout" "$LOGD/glance-api.log")
    [[ $n == placement ]] && logs=("$LOGD/placement-uwsgi.log" "$LOGD/placement.log")
    pid_alive "$RUN/$n.pid" || { tail_logs "${logs[@]}"; die "$n exited during start-up"; }
    [[ $(date +%s) -lt $deadline ]] || { tail_logs "${logs[@]}"; die "$n ($u) not answering after ${UP_TIMEOUT}s"; }
    sleep 0.3
  done
  log "healthy: $n $u"
done < <(api_urls)
phase_end

phase_start compute-registration
"$PY" "$CLOUD_DIR/py/health.py" "$UP_TIMEOUT" || {
  tail_logs "$LOGD/nova-compute.log" "$LOGD/nova-compute.stdout" "$LOGD/cinder-volume.log" "$LOGD/cinder-volume.stdout"
  die "compute/volume services did not register"; }
run_logged nova-manage nova-manage --config-file "$STATE/etc/nova.conf" --config-dir "$EMPTY_D" cell_v2 discover_hosts \
  || die "nova-manage cell_v2 discover_hosts failed"
phase_end

phase_start site-objects
IMAGE_FILE=$STATE/image.qcow2 "$PY" "$CLOUD_DIR/py/site_objects.py" >"$STATE/objects.json.tmp" 2>"$LOGD/site-objects.log" \
  || { tail_logs "$LOGD/site-objects.log" "$LOGD/nova-api.log" "$LOGD/neutron-server.log" "$LOGD/glance-api.log"; die "creating flavors/images/networks failed"; }
mv "$STATE/objects.json.tmp" "$STATE/objects.json"
phase_end

phase_start site-json
source "$CLOUD_DIR/lib/sitejson.sh"
write_site_json
printf '%s' "$UP_KEY" >"$RUN/up.key"
phase_end
log "up in $(( $(now_ms) - T_START )) ms: $STATE/site.json"
