# Helpers shared by site/identity and site/cloud scripts (sourced, not executed).
# Set SITE_TAG (identity, cloud) before sourcing: it prefixes every message.
# shellcheck shell=bash
die() { echo "$SITE_TAG: error: $*" >&2; exit 1; }
log() { echo "$SITE_TAG: $*"; }
now_ms() { date +%s%3N; }

PHASE_T0=0
phase_start() { PHASE_NAME=$1; PHASE_T0=$(now_ms); }
phase_end() { log "phase $PHASE_NAME: $(( $(now_ms) - PHASE_T0 )) ms"; }

# pid_alive FILE -> 0 when the pid in FILE is a live process
pid_alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_pid_gone PID SECONDS -> 0 when gone within the deadline
wait_pid_gone() {
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    [[ $(date +%s) -ge $deadline ]] && return 1
    sleep 0.1
  done
}

# port_busy PORT -> 0 when something listens on 127.0.0.1:PORT
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# render TEMPLATE OUT: replace @NAME@ by the value of shell variable NAME
render() {
  local line out=$2
  : >"$out"
  while IFS= read -r line || [[ -n $line ]]; do
    while [[ $line =~ @([A-Z_][A-Z0-9_]*)@ ]]; do
      local name=${BASH_REMATCH[1]}
      [[ -n ${!name+x} ]] || die "render: $1 uses unset @$name@"
      line=${line//@$name@/${!name}}
    done
    printf '%s\n' "$line" >>"$out"
  done <"$1"
}
