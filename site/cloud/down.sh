#!/usr/bin/env bash
# Stop what site/cloud/up.sh started; no process is left behind. Idempotent.
#   site/cloud/down.sh [--purge]     --purge also removes ${SITE_DIR:-<repo>/.site}/cloud
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

purge=0
for a in "$@"; do
  case $a in --purge) purge=1 ;; *) die "usage: down.sh [--purge]" ;; esac
done

# stop NAME [GRACE_SECONDS]: SIGTERM the session started for NAME, SIGKILL what is left after GRACE
stop() {
  local name=$1 grace=${2:-10} pidf=$RUN/$1.pid
  [[ -s $pidf ]] || return 0
  local pid; pid=$(cat "$pidf")
  # only a session leader we started (its session id is its pid) is ours to stop
  if ! kill -0 "$pid" 2>/dev/null || [[ $(ps -o sid= -p "$pid" | tr -d ' ') != "$pid" ]]; then
    [[ -z $(session_pids "$pid") ]] || log "$name: leader $pid gone, stopping the rest of its session"
  fi
  local members; members=$(session_pids "$pid")
  [[ -n $members ]] || { rm -f "$pidf"; return 0; }
  # shellcheck disable=SC2086
  kill -TERM $members 2>/dev/null || true
  local deadline=$(( $(date +%s) + grace ))
  while [[ -n $(session_pids "$pid") && $(date +%s) -lt $deadline ]]; do sleep 0.1; done
  members=$(session_pids "$pid")
  if [[ -n $members ]]; then
    # shellcheck disable=SC2086
    kill -KILL $members 2>/dev/null || true
    deadline=$(( $(date +%s) + 5 ))
    while [[ -n $(session_pids "$pid") && $(date +%s) -lt $deadline ]]; do sleep 0.1; done
  fi
  [[ -z $(session_pids "$pid") ]] || die "$name: processes of session $pid still running: $(session_pids "$pid" | xargs)"
  rm -f "$pidf"
  log "stopped $name"
}

rc=0
# waitall: wait for every background job; rc=1 when one failed
waitall() { local j; for j in $(jobs -p); do wait "$j" || rc=1; done; }

if [[ -d $RUN ]]; then
  # API and workers first (they talk to the DB and the broker), then the broker and the database.
  for s in nova-api nova-compute nova-scheduler nova-conductor cinder-api cinder-volume cinder-scheduler glance placement; do
    stop "$s" 10 &
  done
  stop neutron 3 &   # neutron-server waits up to 60 s (graceful_shutdown_timeout) on SIGTERM
  waitall
  # RabbitMQ shuts down cleanly on SIGTERM (faster than rabbitmqctl stop); epmd only after it
  ( stop rabbitmq 15 && stop epmd 3 ) &
  stop mysqld 30 &
  waitall
  rm -f "$RUN/up.key"
fi

if [[ $purge -eq 1 && -d $STATE ]]; then
  [[ $STATE == */cloud && $STATE != / ]] || die "refusing to purge $STATE"
  rm -rf "$STATE"
  log "purged $STATE"
fi
[[ $rc -eq 0 ]] || die "some processes could not be stopped (see above)"
log "down"

