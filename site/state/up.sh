#!/usr/bin/env bash
# Bring up (idempotently) the team-state PostgreSQL server for Terraform's `pg` backend, on loopback:
# Debian's postgresql package (apt-get install when missing), a cluster of its own under
# ${SITE_DIR:-<repo>/.site}/state (not /var/lib, no systemd, no system cluster touched), run as the
# `postgres` user on 127.0.0.1:${STATE_PG_PORT:-35432} only, with user `egi_state` (random password)
# owning database `egi_state`. Writes $STATE/site.json (0600) with the connection string.
# Fast no-op when already up. Env: SITE_DIR, STATE_PG_PORT, UP_TIMEOUT (s, 60), KEEP_ON_FAILURE.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$STATE_SCRIPTS/../lib/apt.sh"

UP_TIMEOUT=${UP_TIMEOUT:-60}
T_START=$(now_ms)
UP_KEY="port=$STATE_PG_PORT state=$STATE user=$PG_OS_USER"

server_ready() { "$PGBIN/pg_isready" -q -h "$HOST" -p "$STATE_PG_PORT" -U "$DB_USER" -d "$DB_NAME" -t 2; }

# ---- fast path ------------------------------------------------------------------------------
find_pgbin
if [[ -n $PGBIN && -s $STATE/site.json && -s $RUN/up.key ]] && server_alive; then
  [[ "$(cat "$RUN/up.key")" == "$UP_KEY" ]] \
    || die "already running with other settings ($(cat "$RUN/up.key")); run site/state/down.sh first"
  if server_ready; then log "already up ($(( $(now_ms) - T_START )) ms): $STATE/site.json"; exit 0; fi
  log "server alive but not answering; restarting it"
  "$STATE_SCRIPTS/down.sh" >/dev/null
fi

on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && ${KEEP_ON_FAILURE:-0} != 1 ]]; then
    log "bring-up failed; stopping what was started (logs kept in $LOGD)"
    "$STATE_SCRIPTS/down.sh" >/dev/null 2>&1 || true
  fi
}
trap on_exit EXIT

phase_start packages
apt_install_missing state postgresql jq openssl
find_pgbin
[[ -n $PGBIN ]] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin after installing postgresql"
phase_end

phase_start cluster
mkdir -p "$STATE" "$RUN" "$LOGD"
chmod 755 "$SITE_DIR" "$STATE"   # the server's user must traverse them to its data directory
chmod 700 "$RUN"
if [[ ! -s $STATE/secrets.env ]]; then
  ( umask 077; echo "PG_PASSWORD=$(openssl rand -hex 24)" >"$STATE/secrets.env" )
fi
chmod 600 "$STATE/secrets.env"
# shellcheck disable=SC1091
source "$STATE/secrets.env"
[[ $PG_PASSWORD =~ ^[0-9a-f]{48}$ ]] || die "$STATE/secrets.env: PG_PASSWORD is not 48 hex digits; delete the file to make a new one"
chown "$PG_OS_USER:" "$RUN" "$LOGD"
if [[ ! -s $DATA/PG_VERSION ]]; then
  [[ ! -d $DATA || -z $(ls -A "$DATA") ]] || die "$DATA is not empty but holds no cluster (no PG_VERSION); move it away or run site/state/down.sh --purge"
  mkdir -p -m 700 "$DATA"; chown "$PG_OS_USER:" "$DATA"
  # superuser = the server's OS user, reachable only through the socket in $RUN (peer); TCP needs a password
  ( cd "$STATE" && as_pg "$PGBIN/initdb" -D "$DATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 ) >"$LOGD/initdb.log" 2>&1 \
    || { tail -20 "$LOGD/initdb.log" >&2; die "initdb failed (log: $LOGD/initdb.log)"; }
fi
[[ $(cat "$DATA/PG_VERSION") == "$(basename "$(dirname "$PGBIN")")" ]] \
  || die "$DATA holds a PostgreSQL $(cat "$DATA/PG_VERSION") cluster but the server is $PGBIN; run site/state/down.sh --purge"
# Our settings, rewritten every start (the files initdb wrote are left as they are otherwise).
cat >"$DATA/postgresql.auto.conf" <<CONF
# written by site/state/up.sh
listen_addresses = '$HOST'
port = $STATE_PG_PORT
unix_socket_directories = '$RUN'
unix_socket_permissions = 0700
max_connections = 60
shared_buffers = 32MB
password_encryption = 'scram-sha-256'
logging_collector = off
log_connections = off
log_min_error_statement = panic
log_line_prefix = '%m [%p] %q%u@%d '
CONF
cat >"$DATA/pg_hba.conf" <<CONF
# written by site/state/up.sh: the superuser only through the socket (peer), egi_state only over TCP on loopback
# TYPE  DATABASE   USER       ADDRESS        METHOD
local   all        $PG_OS_USER                  peer
host    $DB_NAME   $DB_USER   $HOST/32       scram-sha-256
CONF
chown "$PG_OS_USER:" "$DATA/postgresql.auto.conf" "$DATA/pg_hba.conf"
chmod 600 "$DATA/postgresql.auto.conf" "$DATA/pg_hba.conf"
phase_end

phase_start start
if ! server_alive; then
  port_busy "$STATE_PG_PORT" && die "port $STATE_PG_PORT is already in use by another process (set STATE_PG_PORT)"
  # Lock files (postmaster.pid, the socket's .lock) whose process is gone, a zombie (PostgreSQL would
  # take it for alive) or another program (pid reused) are stale; a live postgres there is a server
  # we did not record: refuse. (PostgreSQL's shared-memory check still refuses to start while old
  # backends of a killed server hold the cluster.)
  for f in "$DATA/postmaster.pid" "$RUN/.s.PGSQL.$STATE_PG_PORT.lock"; do
    [[ -s $f ]] || continue
    old=$(head -1 "$f")
    if [[ $old =~ ^[0-9]+$ ]] && live "$old" && [[ $(ps -o comm= -p "$old") == postgres ]]; then
      die "a PostgreSQL (pid $old) we did not start holds $f; stop it first"
    fi
    rm -f "$f"
  done
  touch "$LOGD/postgres.log"; chown "$PG_OS_USER:" "$LOGD/postgres.log"
  # in its own session (down.sh stops that session), in the foreground: no pg_ctl daemonizing
  ( cd "$STATE" && exec setsid "${PG_LAUNCH[@]}" "$PGBIN/postgres" -D "$DATA" ) </dev/null >>"$LOGD/postgres.log" 2>&1 &
  echo $! >"$RUN/postgres.pid"
fi
deadline=$(( $(date +%s) + UP_TIMEOUT ))
until server_ready; do
  server_alive || { tail -30 "$LOGD/postgres.log" >&2; die "PostgreSQL exited during start-up (log: $LOGD/postgres.log)"; }
  [[ $(date +%s) -lt $deadline ]] || { tail -30 "$LOGD/postgres.log" >&2; die "PostgreSQL not ready after ${UP_TIMEOUT}s"; }
  sleep 0.1
done
phase_end

phase_start user-database
# The password goes through stdin, never in process arguments; failing statements are not logged
# (log_min_error_statement = panic).
psql_admin -d postgres >/dev/null <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$DB_USER') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER')\gexec
ALTER ROLE $DB_USER WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
REVOKE ALL ON DATABASE $DB_NAME FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE $DB_NAME TO $DB_USER;
SQL
# a real login over TCP with the password, as terraform will do
PGPASSWORD=$PG_PASSWORD "$PGBIN/psql" -X -q -w -h "$HOST" -p "$STATE_PG_PORT" -U "$DB_USER" -d "$DB_NAME" -tAc 'select 1' >/dev/null \
  || die "login as $DB_USER over TCP failed (log: $LOGD/postgres.log)"
phase_end

phase_start site-json
CONN_STR="postgres://$DB_USER:$PG_PASSWORD@$HOST:$STATE_PG_PORT/$DB_NAME?sslmode=disable"
( umask 077
  printf '%s:%s:%s:%s:%s\n' "$HOST" "$STATE_PG_PORT" "$DB_NAME" "$DB_USER" "$PG_PASSWORD" >"$STATE/pgpass"
  jq -n --arg connStr "$CONN_STR" --arg host "$HOST" --argjson port "$STATE_PG_PORT" --arg db "$DB_NAME" \
    --arg user "$DB_USER" --arg password "$PG_PASSWORD" --arg pgpass "$STATE/pgpass" --arg state "$STATE" \
    --arg data "$DATA" --arg socket "$RUN" --arg superuser "$PG_OS_USER" --arg runas "$([[ $(id -u) -eq 0 ]] && echo "runuser -u $PG_OS_USER -- ")" --arg bin "$PGBIN" \
    --arg version "$("$PGBIN/postgres" --version)" --arg log "$LOGD/postgres.log" '
  { connStr: $connStr,
    env: { PG_CONN_STR: $connStr },
    libpqEnv: { PGHOST: $host, PGPORT: ($port | tostring), PGDATABASE: $db, PGUSER: $user, PGSSLMODE: "disable", PGPASSFILE: $pgpass },
    host: $host, port: $port, database: $db, user: $user, password: $password, pgpassFile: $pgpass,
    admin: { superuser: $superuser, socketDir: $socket,
             psql: ($runas + "psql -h " + $socket + " -p " + ($port | tostring) + " -U " + $superuser + " " + $db) },
    server: { version: $version, bin: $bin, dataDir: $data, pidFile: ($socket + "/postgres.pid") },
    logs: { postgres: $log },
    stateDir: $state }' >"$STATE/site.json.tmp" )
mv "$STATE/site.json.tmp" "$STATE/site.json"
printf '%s' "$UP_KEY" >"$RUN/up.key"
phase_end
log "up in $(( $(now_ms) - T_START )) ms: $STATE/site.json (PostgreSQL on $HOST:$STATE_PG_PORT, database $DB_NAME)"
