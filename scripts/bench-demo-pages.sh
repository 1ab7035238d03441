#!/bin/bash
# GET case over every case page of one demo organization, as they are (long timelines, mail,
# reviews: the bench's seeded cases have none), binaries A and B in turn, each on a fresh copy of
# the demo file; per round and binary: the share of the same server's /healthz and the server's
# CPU per read (utime + stime from /proc).  Usage: scripts/bench-demo-pages.sh BIN_A BIN_B
# Environment: DEMO_ORG=vendor-co DEMO_AS=chris@vendor-co.example DEMO_ROUNDS=3 DEMO_DURATION=5
set -eu
cd "$(dirname "$0")/.."
A=$1 B=$2
ORG=${DEMO_ORG:-vendor-co} AS=${DEMO_AS:-chris@vendor-co.example}
ROUNDS=${DEMO_ROUNDS:-3} DUR=${DEMO_DURATION:-5}
WORK=$PWD/build/bench/demo-pages
mkdir -p "$WORK"
rm -f "$WORK"/demo.db*
"$A" init --db "$WORK/demo.db" >/dev/null
"$A" demo --db "$WORK/demo.db" >/dev/null
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }
echo "bench-demo-pages: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ); A=$A B=$B"
echo "| round | binary | /healthz req/s | GET case req/s | share | CPU µs/read |"
echo "|---:|---|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
	for bin in "$A" "$B"; do
		rm -f "$WORK"/run.db*
		cp "$WORK/demo.db" "$WORK/run.db"
		"$bin" serve --db "$WORK/run.db" --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
		SPID=$!
		for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
		tok=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
			-d "{\"org\":\"$ORG\",\"email\":\"$AS\",\"password\":\"frontline-demo\"}" |
			/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
		sqlite3 "$WORK/run.db" "SELECT '$tok ' || id FROM cases WHERE org_id = (SELECT id FROM orgs WHERE slug = '$ORG')" >"$WORK/reads.txt"
		export BENCH_READS=$WORK/reads.txt
		wrk -t2 -c4 -d3s -s scripts/bench/read.lua "http://127.0.0.1:$PORT/" >/dev/null # every page once
		h=$(wrk -t2 -c4 -d"${DUR}s" "http://127.0.0.1:$PORT/healthz" | awk '/Requests\/sec/ {print $2}')
		t0=$(cpu)
		out=$(wrk -t2 -c4 -d"${DUR}s" -s scripts/bench/read.lua "http://127.0.0.1:$PORT/")
		t1=$(cpu)
		r=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
		n=$(echo "$out" | awk '/requests in/ {print $1}')
		awk -v round="$round" -v b="$bin" -v h="$h" -v r="$r" -v n="$n" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "| %d | %s | %.0f | %.0f | %.1f%% | %.0f |\n", round, b, h, r, 100 * r / h, (t1 - t0) * 1e6 / hz / n }'
		kill "$SPID"
		wait "$SPID" 2>/dev/null || true
		SPID=
	done
done
