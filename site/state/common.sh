# Shared settings for site/state scripts (sourced, not executed): the team-state PostgreSQL server.
# shellcheck shell=bash disable=SC2034
STATE_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$STATE_SCRIPTS/../.." && pwd)
SITE_DIR=${SITE_DIR:-$PROJECT_DIR/.site}
STATE=$SITE_DIR/state
DATA=$STATE/data          # the cluster (initdb), owned by the server's user, 0700
RUN=$STATE/run            # pid file, up.key, the Unix socket (admin access only)
LOGD=$STATE/log
HOST=127.0.0.1
# A non-default port so a system cluster (5432) cannot clash.
STATE_PG_PORT=${STATE_PG_PORT:-35432}
DB_NAME=egi_state
DB_USER=egi_state

SITE_TAG=state
# shellcheck source=../lib/shell.sh
source "$STATE_SCRIPTS/../lib/shell.sh"

# The server runs as `postgres` when we are root (PostgreSQL refuses root), else as ourselves.
if [[ $(id -u) -eq 0 ]]; then PG_OS_USER=postgres; else PG_OS_USER=$(id -un); fi

# as_pg CMD...: run CMD as the server's OS user. setpriv execs (no extra process), so the pid of
# `setsid "${PG_LAUNCH[@]}" postgres ...` is the postmaster's own.
if [[ $(id -u) -eq 0 ]]; then
  PG_LAUNCH=(setpriv --reuid="$PG_OS_USER" --regid="$PG_OS_USER" --init-groups --reset-env --)
else
  PG_LAUNCH=()
fi
as_pg() { "${PG_LAUNCH[@]}" "$@"; }

# PGBIN: the newest PostgreSQL server installed from Debian (/usr/lib/postgresql/<major>/bin); empty if none
find_pgbin() {
  local d best="" v bestv=0
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/postgres && -x $d/initdb ]] || continue
    v=$(basename "$(dirname "$d")"); v=${v%%.*}
    [[ $v =~ ^[0-9]+$ && $v -gt $bestv ]] && { bestv=$v; best=$d; }
  done
  PGBIN=$best
}

# live PID -> 0 when PID is a running process (a zombie not yet reaped does not count)
live() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n $st && $st != Z* ]]; }
server_alive() { [[ -s $RUN/postgres.pid ]] && live "$(cat "$RUN/postgres.pid")"; }

# session_pids SID: every live (non-zombie) process of a session (the server runs in its own session)
session_pids() { ps -eo pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'; }

# psql_admin ARGS...: psql as the cluster's superuser over the Unix socket in $RUN (peer auth)
psql_admin() { as_pg "$PGBIN/psql" -X -q -h "$RUN" -p "$STATE_PG_PORT" -U "$PG_OS_USER" -v ON_ERROR_STOP=1 "$@"; }
