# OpenStack service configs, database schemas and daemons (sourced by up.sh).
# shellcheck shell=bash disable=SC2034
EMPTY_D=$STATE/etc/empty.d   # passed as --config-dir so nothing under /etc/<project> is read

services_render() {
  mkdir -p "$STATE/etc" "$EMPTY_D" "$STATE"/glance/{images,staging,tasks,lock} "$STATE"/nova/{instances,lock} \
    "$STATE"/neutron/lock "$STATE"/cinder/lock "$STATE/placement"
  local svc SVC_USER
  for svc in glance nova neutron cinder; do
    SVC_USER=$svc
    render "$CLOUD_DIR/conf/$( [[ $svc == glance ]] && echo glance-api || echo "$svc").conf.in" "$STATE/etc/$svc.conf"
    render "$CLOUD_DIR/conf/authtoken.in" "$STATE/etc/$svc.authtoken"
    cat "$STATE/etc/$svc.authtoken" >>"$STATE/etc/$svc.conf"; rm -f "$STATE/etc/$svc.authtoken"
  done
  SVC_USER=placement
  render "$CLOUD_DIR/conf/placement.conf.in" "$STATE/placement/placement.conf"
  render "$CLOUD_DIR/conf/authtoken.in" "$STATE/etc/placement.authtoken"
  cat "$STATE/etc/placement.authtoken" >>"$STATE/placement/placement.conf"; rm -f "$STATE/etc/placement.authtoken"
  chmod 600 "$STATE"/etc/*.conf "$STATE/placement/placement.conf"
}

# run_logged NAME CMD...: run CMD with output in $LOGD/NAME.log; on failure print its tail
run_logged() {
  local name=$1; shift
  "$@" >>"$LOGD/$name.log" 2>&1 || { tail_logs "$LOGD/$name.log"; echo "cloud: error: $name failed: $*" >&2; return 1; }
}

db_sync_glance() {
  run_logged glance-manage glance-manage --config-file "$STATE/etc/glance.conf" --config-dir "$EMPTY_D" db_sync
}
db_sync_placement() {
  run_logged placement-manage placement-manage --config-file "$STATE/placement/placement.conf" --config-dir "$EMPTY_D" db sync
}
db_sync_nova() {
  local nm=(nova-manage --config-file "$STATE/etc/nova.conf" --config-dir "$EMPTY_D")
  run_logged nova-manage "${nm[@]}" api_db sync
  run_logged nova-manage "${nm[@]}" cell_v2 map_cell0
  "${nm[@]}" cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || run_logged nova-manage "${nm[@]}" cell_v2 create_cell --name cell1
  run_logged nova-manage "${nm[@]}" db sync
}
db_sync_neutron() {
  run_logged neutron-db-manage neutron-db-manage --config-file "$STATE/etc/neutron.conf" upgrade heads
}
db_sync_cinder() {
  run_logged cinder-manage cinder-manage --config-file "$STATE/etc/cinder.conf" --config-dir "$EMPTY_D" db sync
}

# db_sync_all: every schema in parallel (separate databases); markers make re-runs free
db_sync_all() {
  local svc pids=() names=() rc=0 i
  local list=(glance placement nova neutron)
  [[ $WITH_CINDER == 1 ]] && list+=(cinder)
  for svc in "${list[@]}"; do
    [[ -e $STATE/db-ready.$svc ]] && continue
    ( "db_sync_$svc" && touch "$STATE/db-ready.$svc" ) & pids+=($!); names+=("$svc")
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "cloud: error: schema of ${names[$i]} failed" >&2; rc=1; }; done
  return $rc
}

CONF_ARGS() { echo "--config-file $STATE/etc/$1.conf --config-dir $EMPTY_D"; }

start_services() {
  # shellcheck disable=SC2046
  {
    start_daemon glance "$LOGD/glance-api.stdout" /usr/bin/glance-api $(CONF_ARGS glance)
    start_daemon placement "$LOGD/placement-uwsgi.log" /usr/bin/uwsgi --plugin python3 --master --die-on-term \
      --need-app --http-socket "127.0.0.1:$PLACEMENT_PORT" --wsgi-file /usr/bin/placement-api \
      --processes 2 --threads 4 --env "OS_PLACEMENT_CONFIG_DIR=$STATE/placement" --procname-prefix-spaced cdktf-site
    # python -O: the test mechanism driver's asserts do not hold outside unit tests
    start_daemon neutron "$LOGD/neutron-server.stdout" "$PY" -O /usr/bin/neutron-server $(CONF_ARGS neutron)
    start_daemon nova-api "$LOGD/nova-api.stdout" /usr/bin/nova-api $(CONF_ARGS nova)
    start_daemon nova-conductor "$LOGD/nova-conductor.stdout" /usr/bin/nova-conductor $(CONF_ARGS nova)
    start_daemon nova-scheduler "$LOGD/nova-scheduler.stdout" /usr/bin/nova-scheduler $(CONF_ARGS nova)
    start_daemon nova-compute "$LOGD/nova-compute.stdout" "$PY" "$CLOUD_DIR/py/run_service.py" nova.cmd.compute \
      nova-compute $(CONF_ARGS nova) --log-file "$LOGD/nova-compute.log"
    if [[ $WITH_CINDER == 1 ]]; then
      start_daemon cinder-api "$LOGD/cinder-api.stdout" /usr/bin/cinder-api $(CONF_ARGS cinder)
      start_daemon cinder-scheduler "$LOGD/cinder-scheduler.stdout" /usr/bin/cinder-scheduler $(CONF_ARGS cinder)
      start_daemon cinder-volume "$LOGD/cinder-volume.stdout" "$PY" "$CLOUD_DIR/py/run_service.py" cinder.cmd.volume \
        cinder-volume $(CONF_ARGS cinder) --log-file "$LOGD/cinder-volume.log"
    fi
  }
}

# api_urls: NAME=URL of every HTTP API (unauthenticated version documents)
api_urls() {
  echo "glance=http://127.0.0.1:$GLANCE_PORT/"
  echo "placement=http://127.0.0.1:$PLACEMENT_PORT/"
  echo "nova-api=http://127.0.0.1:$NOVA_PORT/"
  echo "neutron=http://127.0.0.1:$NEUTRON_PORT/"
  [[ $WITH_CINDER == 1 ]] && echo "cinder-api=http://127.0.0.1:$CINDER_PORT/"
  return 0
}
