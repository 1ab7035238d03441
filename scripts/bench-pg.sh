#!/bin/bash
# The API benchmark (scripts/bench.sh) on SQLite and on PostgreSQL in the same run: SQLite with
# one server, PostgreSQL with one and with two servers on one database.  PostgreSQL runs in a
# throwaway cluster (scripts/pg-cluster.sh) with fsync on, so every acknowledged commit is durable
# on both backends.  Same sizes, duration and connections for every configuration
# (BENCH_SIZES, BENCH_MAIN, BENCH_DURATION, BENCH_CONNECTIONS as for bench.sh).
# PG_TCP=1: servers connect over TCP on 127.0.0.1 instead of the Unix socket.
# Report: build/bench/pg-report.md (the three bench.sh reports one after the other).
set -eu
cd "$(dirname "$0")/.."
export BENCH_SIZES=${BENCH_SIZES:-10000} BENCH_MAIN=${BENCH_MAIN:-10000}
OUT=build/bench/pg-report.md
mkdir -p build/bench
scripts/pg-cluster.sh available || { echo "bench-pg: PostgreSQL is not installed (make deps)"; exit 1; }
eval "$(PG_FSYNC=on scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop "$PG_DIR"' EXIT
echo "# SQLite and PostgreSQL, same run ($(psql -tAc 'SHOW server_version' "$PG_URL/postgres" | cut -d' ' -f1), fsync on)" >"$OUT"
run() { # title, env...
	local title=$1
	shift
	echo "bench-pg: $title" >&2
	env "$@" BENCH_OUT=build/bench/part.md scripts/bench.sh >/dev/null
	{ echo; echo "## $title"; echo; sed 1,2d build/bench/part.md; } >>"$OUT"
}
run "SQLite, 1 server" BENCH_SERVERS=1 FRONTLINE_PG=
# the servers reach PostgreSQL over its Unix socket, as a server on the database's machine would;
# PG_TCP=1 uses 127.0.0.1 instead (what a server on another machine pays, minus the network)
URL=$PG_SOCKET_URL
[ -n "${PG_TCP:-}" ] && URL=$PG_URL
run "PostgreSQL, 1 server" BENCH_SERVERS=1 FRONTLINE_PG="$URL"
run "PostgreSQL, 2 servers on one database" BENCH_SERVERS=2 FRONTLINE_PG="$URL"
cat "$OUT"
