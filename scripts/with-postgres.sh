#!/usr/bin/env bash
# Runs "$@" with SINGLEVIEW_TEST_POSTGRES_URL set. If the caller gave one, it is used as it is;
# otherwise a throwaway PostgreSQL cluster is started on a free loopback port and removed after.
set -euo pipefail
if [ -n "${SINGLEVIEW_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL is not installed; run scripts/bootstrap.sh first" >&2
  exit 2
fi
tmp=$(mktemp -d /tmp/singleview-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$tmp"; fi

stop() {
  run_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

run_pg "$bindir/initdb" -D "$tmp/data" -U singleview -A trust --no-sync -E UTF8 >/dev/null
run_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -w \
  -o "-h 127.0.0.1 -p $port -k $tmp -c max_connections=200 -c fsync=off" start >/dev/null

export SINGLEVIEW_TEST_POSTGRES_URL="postgresql+psycopg://singleview@127.0.0.1:$port/postgres"
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$port"
"$@"
