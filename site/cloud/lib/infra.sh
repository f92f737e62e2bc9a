# RabbitMQ (with its own epmd) and MariaDB, loopback only (sourced by up.sh).
# shellcheck shell=bash
MYCNF=$STATE/mysql/my.cnf
DBS=(glance placement nova_api nova nova_cell0 neutron cinder)

rabbit_start() {
  mkdir -p "$STATE/rabbitmq" "$LOGD/rabbitmq"
  render "$CLOUD_DIR/conf/rabbitmq.conf.in" "$STATE/rabbitmq/rabbitmq.conf"
  render "$CLOUD_DIR/conf/advanced.config.in" "$STATE/rabbitmq/advanced.config"
  cp "$CLOUD_DIR/conf/rabbitmq-env.conf.in" "$STATE/rabbitmq/rabbitmq-env.conf"
  cp "$CLOUD_DIR/conf/enabled_plugins" "$STATE/rabbitmq/enabled_plugins"
  chmod 600 "$STATE/rabbitmq/rabbitmq.conf"
  (
    rabbit_env
    # our own epmd in the foreground (a daemonized one would escape our session and outlive us)
    if ! pid_alive "$RUN/epmd.pid"; then
      port_busy "$EPMD_PORT" && die "port $EPMD_PORT (epmd) is already in use"
      start_daemon epmd "$LOGD/epmd.log" /usr/bin/epmd -address 127.0.0.1 -port "$EPMD_PORT"
      for _ in $(seq 50); do port_busy "$EPMD_PORT" && break; sleep 0.1; done
    fi
    if ! pid_alive "$RUN/rabbitmq.pid"; then
      port_busy "$RABBIT_PORT" && die "port $RABBIT_PORT (AMQP) is already in use"
      start_daemon rabbitmq "$LOGD/rabbitmq/startup.log" /usr/lib/rabbitmq/bin/rabbitmq-server
    fi
  )
}
rabbit_healthy() { pid_alive "$RUN/rabbitmq.pid" && port_busy "$RABBIT_PORT"; }

mysql_start() {
  mkdir -p "$STATE/mysql/data" "$STATE/mysql/run"
  render "$CLOUD_DIR/conf/my.cnf.in" "$MYCNF"
  chown -R mysql:mysql "$STATE/mysql/data" "$STATE/mysql/run"
  touch "$LOGD/mysqld.log"; chown mysql: "$LOGD/mysqld.log"
  if [[ ! -d $STATE/mysql/data/mysql ]]; then
    mariadb-install-db --defaults-file="$MYCNF" --auth-root-authentication-method=socket --skip-test-db \
      >"$LOGD/mysql-install.log" 2>&1 || { tail_logs "$LOGD/mysql-install.log"; die "mariadb-install-db failed"; }
  fi
  if ! pid_alive "$RUN/mysqld.pid"; then
    port_busy "$MYSQL_PORT" && die "port $MYSQL_PORT (MariaDB) is already in use"
    start_daemon mysqld "$LOGD/mysqld-stdout.log" /usr/sbin/mariadbd --defaults-file="$MYCNF"
  fi
}
mysql_healthy() { pid_alive "$RUN/mysqld.pid" && mariadb --defaults-file="$MYCNF" -uroot -e 'select 1' >/dev/null 2>&1; }

mysql_create_dbs() {
  local sql="" db
  for db in "${DBS[@]}"; do sql+="CREATE DATABASE IF NOT EXISTS $db; "; done
  sql+="CREATE USER IF NOT EXISTS 'openstack'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD'; "
  sql+="ALTER USER 'openstack'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD'; "
  sql+="GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'127.0.0.1'; FLUSH PRIVILEGES;"
  mariadb --defaults-file="$MYCNF" -uroot -e "$sql" || die "creating the databases failed"
}
