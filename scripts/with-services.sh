#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL cluster and redis-server on 127.0.0.1 (free ports,
# data in a temporary folder, durability off), then stop them and delete their data, whatever the
# command's outcome. The command sees:
#   TEST_POSTGRES_URL     postgres://site:site@127.0.0.1:PORT/site (a role that may create databases)
#   REDIS_URL_FOR_TESTS   redis://127.0.0.1:PORT/0
# Usage: scripts/with-services.sh make pytest pytest-pg
set -euo pipefail

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# initdb refuses to run as root: when we are root, the cluster belongs to the `postgres` user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

services_dir=$(mktemp -d /tmp/test-services.XXXXXX)
pg_data="$services_dir/postgres"
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
redis_pid=""

cleanup() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$services_dir"
}
trap cleanup EXIT
# On Ctrl-C or a kill, bash runs these once the running command has ended; EXIT then cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
  echo "error: PostgreSQL or redis-server is not installed (scripts/debian-packages.sh postgresql redis-server)" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then chown postgres: "$services_dir"; fi
chmod 700 "$services_dir"

pg_port=$(free_port)
as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Durability is pointless for a cluster deleted in a few minutes; turning it off halves the suite's time.
as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$services_dir/postgres.log" -w -t 60 start \
  -o "-p $pg_port -k $services_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE site LOGIN CREATEDB PASSWORD 'site'" -c "CREATE DATABASE site OWNER site"
echo "services: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize no \
  --logfile "$services_dir/redis.log" --dir "$services_dir" &
redis_pid=$!
for attempt in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  if [ "$attempt" = 50 ]; then echo "error: redis-server did not answer:" >&2; cat "$services_dir/redis.log" >&2; exit 1; fi
  sleep 0.1
done
echo "services: redis-server on 127.0.0.1:$redis_port"

export TEST_POSTGRES_URL="postgres://site:site@127.0.0.1:$pg_port/site"
export REDIS_URL_FOR_TESTS="redis://127.0.0.1:$redis_port/0"
# In the foreground, so that a Ctrl-C reaches the command as it reaches us (bash makes a background
# command ignore it). Not exec: the EXIT trap must outlive the command to clean up after it.
"$@"
