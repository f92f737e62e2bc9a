#!/usr/bin/env bash
# Stop what site/identity/up.sh started (IdP, Apache + Keystone WSGI daemons). Idempotent.
#   site/identity/down.sh [--purge]     --purge also removes the state dir
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

purge=0 apache_only=0
for a in "$@"; do
  case $a in
    --purge) purge=1 ;;
    --apache-only) apache_only=1 ;;   # used by up.sh to restart an unhealthy Apache
    *) die "usage: down.sh [--purge]" ;;
  esac
done

# session_pids SID: processes of a session (up.sh starts each service in its own session)
session_pids() { ps -eo pid=,sid= | awk -v s="$1" '$2 == s && $1 != s { print $1 }'; }

# stop_service NAME PIDFILE EXPECTED_COMM_REGEX STOPCMD... (STOPCMD gets the pid as last argument)
stop_service() {
  local name=$1 pidf=$2 comm_re=$3; shift 3
  [[ -s $pidf ]] || return 0
  local pid; pid=$(cat "$pidf")
  if ! kill -0 "$pid" 2>/dev/null; then rm -f "$pidf"; return 0; fi
  local comm; comm=$(ps -o comm= -p "$pid" || true)
  if ! [[ $comm =~ $comm_re ]]; then
    log "pid $pid in $pidf is '$comm', not $name: not touching it"; rm -f "$pidf"; return 0
  fi
  local members; members=$(session_pids "$pid")
  "$@" "$pid" || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_gone "$pid" 10; then
    log "$name (pid $pid) ignored SIGTERM for 10 s, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 3 || die "$name pid $pid does not exit"
  fi
  # Apache's mod_wsgi daemons outlive the parent for 2-3 s: wait for every member of the session.
  local m
  for m in $members $(session_pids "$pid"); do
    if ! wait_pid_gone "$m" 8; then kill -KILL "$m" 2>/dev/null || true; wait_pid_gone "$m" 3 || true; fi
  done
  [[ -z $(session_pids "$pid") ]] || die "$name: processes of session $pid still running: $(session_pids "$pid" | xargs)"
  rm -f "$pidf"
  log "stopped $name (pid $pid)"
}

apache_stop() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C "$APACHE_BIN" -f "$STATE/apache/httpd.conf" -k stop \
    >>"$STATE/log/apache-start.log" 2>&1
}

stop_service apache "$APACHE_PID" '^(apache2|httpd)$' apache_stop
[[ $apache_only -eq 1 ]] && exit 0
idp_stop() { kill -TERM "$1" 2>/dev/null; }
# Node 26 names its main thread (the process's comm) node-MainThread
stop_service idp "$IDP_PID" '^node(-MainThread)?$' idp_stop
rm -f "$STATE/run/up.key"

if [[ $purge -eq 1 && -d $STATE ]]; then
  [[ $STATE == */identity && $STATE != / ]] || die "refusing to purge $STATE"
  rm -rf "$STATE"
  log "purged $STATE"
fi
