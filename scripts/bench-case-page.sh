#!/bin/bash
# GET case on SQLite and on PostgreSQL with the case pages kept and not (FRONTLINE_CASE_CACHE=0),
# one binary, in turn within each round (3 rounds, wrk -t2 -c4, 5 s): req/s and the server's CPU per
# request (utime + stime from /proc).  Usage: scripts/bench-case-page.sh BIN SQLITE_FILE POSTGRES_URL
# (both seeded: frontline init --db D && frontline bench-seed --db D --orgs 50 --cases 10000).
set -eu
BIN=$(realpath "$1") SQ=$(realpath "$2") PGDB=$3
cd "$(dirname "$0")/.."
. scripts/bench/lists.sh
WORK=$PWD/build/bench/case-page; mkdir -p "$WORK"
TCK=$(getconf CLK_TCK)
serve() { # db env -> SPID PORT
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	env $2 "$BIN" serve --db "$1" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
	SPID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
	exit 1
}
measure() { # type reads-file
	local c0 c1 args=(-t2 -c4 -d5s)
	[ "$1" != healthz ] && args+=(-s scripts/bench/read.lua)
	c0=$(awk '{print $14 + $15}' /proc/$SPID/stat)
	BENCH_READS=$2 wrk "${args[@]}" "http://127.0.0.1:$PORT/$([ "$1" = healthz ] && echo healthz)" > $WORK/wrk.txt 2>&1
	c1=$(awk '{print $14 + $15}' /proc/$SPID/stat)
	awk -v c=$((c1 - c0)) -v hz=$TCK '/Requests\/sec/ {printf "%.0f %.1f\n", $2, 1e6 * c / hz / ($2 * 5)}' $WORK/wrk.txt
}
# lists per database
for db in sq pg; do
	url=$([ $db = sq ] && echo "$SQ" || echo "$PGDB")
	serve "$url" ""
	bench_lists "$BIN" "$url" "http://127.0.0.1:$PORT" 50 "$WORK" $db
	kill $SPID; wait $SPID 2>/dev/null || true
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%MZ)"
for round in 1 2 3; do
	for cfg in "sq FRONTLINE_CASE_CACHE=1" "pg FRONTLINE_CASE_CACHE=0" "pg FRONTLINE_CASE_CACHE=1"; do
		set -- $cfg
		url=$([ $1 = sq ] && echo "$SQ" || echo "$PGDB")
		serve "$url" "$2"
		h=$(measure healthz x)
		measure read $WORK/reads-$1.txt >/dev/null # the pages kept (or not) once
		r=$(measure read $WORK/reads-$1.txt)
		echo "$round $1 $2 healthz $h read $r"
		kill $SPID; wait $SPID 2>/dev/null || true
	done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%MZ)"
