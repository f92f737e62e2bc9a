# Shared settings and helpers for site/cloud scripts (sourced, not executed).
# shellcheck shell=bash disable=SC2034
CLOUD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_DIR=$(cd "$CLOUD_DIR/../.." && pwd)
SITE_DIR=${SITE_DIR:-$PROJECT_DIR/.site}
STATE=$SITE_DIR/cloud
ID_STATE=$SITE_DIR/identity
PY=/usr/bin/python3
HOST=127.0.0.1
REGION=RegionOne
# Ports (all on 127.0.0.1). RabbitMQ and MariaDB use non-default ports so a system instance cannot clash.
RABBIT_PORT=${RABBIT_PORT:-35672}
RABBIT_DIST_PORT=${RABBIT_DIST_PORT:-35673}
EPMD_PORT=${EPMD_PORT:-34369}
MYSQL_PORT=${MYSQL_PORT:-33306}
GLANCE_PORT=${GLANCE_PORT:-9292}
PLACEMENT_PORT=${PLACEMENT_PORT:-8778}
NOVA_PORT=${NOVA_PORT:-8774}
NEUTRON_PORT=${NEUTRON_PORT:-9696}
CINDER_PORT=${CINDER_PORT:-8776}
WITH_CINDER=${WITH_CINDER:-1}
RABBIT_NODE=cdktf-site@localhost
# a host name neutron's `test` mechanism driver binds ports for (this one binds them ACTIVE); nova-compute runs as it
COMPUTE_HOST=host-ovs-filter-active
RUN=$STATE/run
LOGD=$STATE/log
SERVICES=(rabbitmq mariadb glance placement nova-api nova-conductor nova-scheduler nova-compute neutron
          cinder-api cinder-scheduler cinder-volume)

SITE_TAG=cloud
# shellcheck source=../../lib/shell.sh
source "$CLOUD_DIR/../lib/shell.sh"
# session_pids SID: every live (non-zombie) process of a session (each daemon runs in its own session)
session_pids() { ps -eo pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'; }

# tail_logs FILE...: print the end of each non-empty log on stderr
tail_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] && { echo "----- tail $f" >&2; tail -30 "$f" >&2; }
  done
  return 0
}

# start_daemon NAME LOG CMD...: start CMD in its own session, pid in $RUN/NAME.pid
start_daemon() {
  local name=$1 logf=$2; shift 2
  if pid_alive "$RUN/$name.pid"; then return 0; fi
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# RabbitMQ/epmd environment: own node name, ports and directories; nothing in /etc or /var/lib.
rabbit_env() {
  export HOME=$STATE/rabbitmq RABBITMQ_NODENAME=$RABBIT_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$RABBIT_PORT RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT
  export ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONFIG_FILE=$STATE/rabbitmq/rabbitmq.conf
  export RABBITMQ_ADVANCED_CONFIG_FILE=$STATE/rabbitmq/advanced.config
  export RABBITMQ_CONF_ENV_FILE=$STATE/rabbitmq/rabbitmq-env.conf
  export RABBITMQ_ENABLED_PLUGINS_FILE=$STATE/rabbitmq/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$STATE/rabbitmq/mnesia RABBITMQ_LOG_BASE=$LOGD/rabbitmq
  export RABBITMQ_PID_FILE=$RUN/rabbitmq-beam.pid RABBITMQ_LOGS=$LOGD/rabbitmq/rabbit.log
}

# One-line health checks (used by up.sh and as the fast-path test).
http_ok() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$1" | grep -qE '^(200|300|401)$'; }
