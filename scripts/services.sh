#!/usr/bin/env bash
# Starts (or checks, or stops) the real services the test suite needs, on loopback:
# PostgreSQL 15 from Debian and a Redis server. Idempotent: a service that already
# answers is left as it is.
#
#   scripts/services.sh start | stop | status
#
# Environment: PG_PORT (5432), REDIS_PORT (6379), SERVICES_DIR (/tmp/smartcitizen).
set -euo pipefail

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=${PG_PORT:-5432}
PG_USER=smartcitizen
PG_PASSWORD=smartcitizen
PG_DB=smartcitizen
REDIS_PORT=${REDIS_PORT:-6379}
SERVICES_DIR=${SERVICES_DIR:-/tmp/smartcitizen}
mkdir -p "$SERVICES_DIR"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 60); do
    if $check; then return 0; fi
    sleep 0.5
  done
  echo "$what did not come up on loopback." >&2
  return 1
}

start_postgres() {
  if ! pg_ready; then
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; then
      pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
    fi
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || true
    wait_for PostgreSQL pg_ready
  fi
  as_postgres "psql -q -p $PG_PORT -v ON_ERROR_STOP=1" <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SQL
  if ! as_postgres "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\"" | grep -q 1; then
    as_postgres "createdb -p $PG_PORT -O $PG_USER $PG_DB"
  fi
  echo "PostgreSQL: postgres://$PG_USER:***@127.0.0.1:$PG_PORT/$PG_DB"
}

start_redis() {
  if ! redis_ready; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
      --save '' --appendonly no \
      --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
    wait_for Redis redis_ready
  fi
  echo "Redis: redis://127.0.0.1:$REDIS_PORT"
}

case "${1:-}" in
  start)
    start_postgres
    start_redis
    ;;
  stop)
    if [ -f "$SERVICES_DIR/redis.pid" ]; then
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
      rm -f "$SERVICES_DIR/redis.pid"
    fi
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop 2>/dev/null || true
    ;;
  status)
    pg_ready && echo "PostgreSQL: up" || echo "PostgreSQL: down"
    redis_ready && echo "Redis: up" || echo "Redis: down"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
