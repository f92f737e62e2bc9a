#!/usr/bin/env bash
# Stop the team-state PostgreSQL server that site/state/up.sh started; nothing is left running.
# Idempotent.   site/state/down.sh [--purge]   --purge also removes ${SITE_DIR:-<repo>/.site}/state
# (the cluster with every team's Terraform state, the password and the logs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

purge=0
for a in "$@"; do
  case $a in --purge) purge=1 ;; *) die "usage: down.sh [--purge]" ;; esac
done

pidf=$RUN/postgres.pid
if [[ -s $pidf ]]; then
  pid=$(cat "$pidf")
  members=$(session_pids "$pid")
  if [[ -n $members ]]; then
    # SIGINT = PostgreSQL's "fast" shutdown: open transactions are rolled back, sessions (and the
    # advisory locks terraform holds) end, the data is checkpointed. Then "immediate" (SIGQUIT), then KILL.
    kill -INT "$pid" 2>/dev/null || true
    for sig in QUIT KILL; do
      deadline=$(( $(date +%s) + 20 ))
      while [[ -n $(session_pids "$pid") && $(date +%s) -lt $deadline ]]; do sleep 0.1; done
      members=$(session_pids "$pid")
      [[ -z $members ]] && break
      log "PostgreSQL still running after SIG$([[ $sig == QUIT ]] && echo INT || echo QUIT); sending SIG$sig"
      # shellcheck disable=SC2086
      kill -"$sig" $members 2>/dev/null || true
    done
    deadline=$(( $(date +%s) + 5 ))
    while [[ -n $(session_pids "$pid") && $(date +%s) -lt $deadline ]]; do sleep 0.1; done
    [[ -z $(session_pids "$pid") ]] || die "processes of session $pid still running: $(session_pids "$pid" | xargs)"
    log "stopped postgres"
  fi
  rm -f "$pidf"
fi
rm -f "$RUN/up.key"

if [[ $purge -eq 1 && -d $STATE ]]; then
  [[ $STATE == */state && $STATE != / ]] || die "refusing to purge $STATE"
  rm -rf "$STATE"
  log "purged $STATE"
fi
log "down"
