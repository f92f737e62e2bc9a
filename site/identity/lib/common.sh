# Shared settings and helpers for site/identity scripts (sourced, not executed).
# shellcheck shell=bash disable=SC2034
IDENTITY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_DIR=$(cd "$IDENTITY_DIR/../.." && pwd)
SITE_DIR=${SITE_DIR:-$PROJECT_DIR/.site}
STATE=$SITE_DIR/identity
IDP_PORT=${IDP_PORT:-8443}
KEYSTONE_PORT=${KEYSTONE_PORT:-35357}
REALM_PATH=/auth/realms/egi
ISSUER=https://127.0.0.1:$IDP_PORT$REALM_PATH
KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_PORT
ENTITLEMENT='urn:mace:egi.eu:group:vo.example:role=member#aai.egi.eu'
PY=/usr/bin/python3
KEYSTONE_MANAGE=/usr/bin/keystone-manage
APACHE_BIN=/usr/sbin/apache2
NODE=${NODE:-$(command -v node || true)}

IDP_PID=$STATE/run/idp.pid
APACHE_PID=$STATE/run/apache2.pid

die() { echo "identity: error: $*" >&2; exit 1; }
log() { echo "identity: $*"; }

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

idp_healthy() { curl -fsS --max-time 3 --cacert "$STATE/pki/ca.pem" "https://127.0.0.1:$IDP_PORT/__test/health" >/dev/null 2>&1; }
keystone_healthy() { curl -fsS --max-time 5 "$KEYSTONE_URL/v3" >/dev/null 2>&1; }

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
