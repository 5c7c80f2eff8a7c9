#!/usr/bin/env bash
# A real PostgreSQL 15 and a real Redis for the suite, as plain processes this script owns.
#
#   eval "$(bash scripts/ci_services.sh start)"   # installs what is missing, starts both, prints the exports
#   bash scripts/ci_services.sh env               # prints the exports again
#   bash scripts/ci_services.sh stop              # stops both and removes their data
#
# Both listen on 127.0.0.1 only, keep nothing that matters (fsync off, no Redis persistence) and
# live under /tmp, so CI and a developer can start and stop them as often as they like. Only
# the export lines go to stdout; everything else goes to stderr.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_ROOT=${PORTAL_CI_PG_DIR:-/tmp/portal-ci-pg}
PG_DATA=$PG_ROOT/data
PG_LOG=$PG_ROOT/postgres.log
PG_PORT_FILE=$PG_ROOT/port
PG_DB=${PORTAL_CI_PG_DB:-portal}
REDIS_ROOT=${PORTAL_CI_REDIS_DIR:-/tmp/portal-ci-redis}
REDIS_PID=$REDIS_ROOT/redis.pid
REDIS_PORT_FILE=$REDIS_ROOT/port

say() { echo "ci_services: $*" >&2; }
die() { say "$*"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

as_postgres() { runuser -u postgres -- "$@"; }

install_missing() {
  local packages=()
  [ -x "$PG_BIN/pg_ctl" ] || packages+=(postgresql-15)
  command -v redis-server >/dev/null || packages+=(redis-server)
  [ ${#packages[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "Install ${packages[*]} first (sudo apt-get install -y ${packages[*]})."
  say "installing ${packages[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
  # Where init scripts may run, the packages start their own default servers: this script
  # leaves behind no process it did not want, so stop those it just caused.
  if [[ " ${packages[*]} " == *" postgresql-15 "* ]] && command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" { print $1, $2 }' | while read -r version cluster; do
      pg_ctlcluster "$version" "$cluster" stop >&2 || true
    done
  fi
  if [[ " ${packages[*]} " == *" redis-server "* ]] && redis-cli -p 6379 ping >/dev/null 2>&1; then
    redis-cli -p 6379 shutdown nosave >&2 || true
  fi
}

# A killed server can linger as a zombie until its parent reaps it; kill -0 would call that alive.
alive() {
  local stat
  [ -n "$1" ] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ $stat != Z* ]]
}

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && alive "$(head -n 1 "$PG_DATA/postmaster.pid")"; }

redis_running() { [ -f "$REDIS_PID" ] && alive "$(cat "$REDIS_PID")"; }

start_postgres() {
  if pg_running; then
    say "PostgreSQL already running on port $(cat "$PG_PORT_FILE")"
    return 0
  fi
  id postgres >/dev/null 2>&1 || die "The postgres user is missing; reinstall postgresql-15."
  mkdir -p "$PG_ROOT"
  chown postgres: "$PG_ROOT"
  chmod 700 "$PG_ROOT"
  rm -f "$PG_DATA/postmaster.pid" "$PG_ROOT"/.s.PGSQL.*  # left by a server that was killed
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    rm -rf "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local port
  port=$(free_port "${PORTAL_CI_PG_PORT:-55432}")
  echo "$port" >"$PG_PORT_FILE"
  say "starting PostgreSQL 15 on 127.0.0.1:$port (log: $PG_LOG)"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_ROOT -c fsync=off \
     -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
    || { tail -n 30 "$PG_LOG" >&2 || true; die "PostgreSQL did not start."; }
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
  fi
}

start_redis() {
  if redis_running; then
    # Nothing in it is worth keeping, and a previous run's rate-limit counters would leak into this one.
    say "Redis already running on port $(cat "$REDIS_PORT_FILE"); emptying it"
    redis-cli -h 127.0.0.1 -p "$(cat "$REDIS_PORT_FILE")" FLUSHALL >/dev/null
    return 0
  fi
  mkdir -p "$REDIS_ROOT"
  rm -f "$REDIS_PID"
  local port
  port=$(free_port "${PORTAL_CI_REDIS_PORT:-56379}")
  echo "$port" >"$REDIS_PORT_FILE"
  say "starting Redis on 127.0.0.1:$port"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$REDIS_PID" \
    --dir "$REDIS_ROOT" --logfile "$REDIS_ROOT/redis.log" --save "" --appendonly no >&2
  for _ in $(seq 1 100); do
    if redis_running && port_in_use "$port"; then return 0; fi
    sleep 0.1
  done
  tail -n 30 "$REDIS_ROOT/redis.log" >&2 || true
  die "Redis did not start."
}

print_env() {
  [ -f "$PG_PORT_FILE" ] && [ -f "$REDIS_PORT_FILE" ] || die "Not started; run: $0 start"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$(cat "$PG_PORT_FILE")/$PG_DB"
  echo "export REDIS_URL=redis://127.0.0.1:$(cat "$REDIS_PORT_FILE")/0"
}

stop_postgres() {
  if pg_running; then
    say "stopping PostgreSQL"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null \
      || as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null
  fi
  rm -rf "$PG_ROOT"
}

stop_redis() {
  if redis_running; then
    local pid
    pid=$(cat "$REDIS_PID")
    say "stopping Redis"
    kill "$pid"
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then kill -9 "$pid"; fi
  fi
  rm -rf "$REDIS_ROOT"
}

case "${1:-}" in
  start)
    install_missing
    start_postgres
    start_redis
    print_env
    ;;
  env) print_env ;;
  stop)
    stop_redis
    stop_postgres
    ;;
  status)
    if pg_running; then say "PostgreSQL: running"; else say "PostgreSQL: stopped"; fi
    if redis_running; then say "Redis: running"; else say "Redis: stopped"; fi
    ;;
  *)
    echo "usage: $0 start|env|stop|status" >&2
    exit 2
    ;;
esac
