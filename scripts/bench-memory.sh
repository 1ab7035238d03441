#!/bin/bash
# The server's memory over a long mixed run (issue 14: "no growth over a 10-minute mixed run; report
# RSS at 1M cases").  Seeds MEMORY_CASES cases across 50 organizations (frontline bench-seed), starts
# the release server, and runs five wrk clients at once for MEMORY_MINUTES: case reads, "my open
# cases", searches, durable case creation and durable promises (scripts/bench/*.lua).  The server's
# VmRSS and the size of the database's write-ahead log (its -wal file) are sampled every 10 s into
# build/bench/memory-CASES.tsv; the report gives RSS after the first minute, the largest, and the
# last, the growth from the first minute to the end, and the log's largest and last size.
#
#   MEMORY_CASES=100000 MEMORY_MINUTES=10 scripts/bench-memory.sh
#   MEMORY_NICE=10   niceness of the server and the clients (the machine is shared)
set -eu
cd "$(dirname "$0")/.."
CASES=${MEMORY_CASES:-100000}
MINUTES=${MEMORY_MINUTES:-10}
NICE=${MEMORY_NICE:-0}
WORK=$PWD/build/bench
BIN=$WORK/frontline-memory
mkdir -p "$WORK"
[ -x frontline ] || make -s frontline
cp frontline "$BIN.new" && mv "$BIN.new" "$BIN" # a running copy is not overwritten
. scripts/bench/lists.sh
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done' EXIT

db=$WORK/memory-$CASES.db
if [ ! -f "$db" ]; then
	"$BIN" init --db "$db" >/dev/null
	echo "bench-memory: seeding $CASES cases" >&2
	"$BIN" bench-seed --db "$db" --orgs 50 --cases "$CASES" >/dev/null
else
	"$BIN" init --db "$db" >/dev/null
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nice -n "$NICE" "$BIN" serve --db "$db" --listen "127.0.0.1:$port" >"$WORK/memory-server.log" 2>&1 &
server=$!
PIDS+=("$server")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
bench_lists "$BIN" "$db" "http://127.0.0.1:$port" 50 "$WORK" "memory-$CASES"
export BENCH_TOKENS=$BENCH_LIST_TOKENS BENCH_READS=$WORK/reads-memory-$CASES.txt
export BENCH_SEARCHES=$WORK/searches-memory-$CASES.txt BENCH_OPEN=$WORK/open-memory-$CASES.txt

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
wal() { stat -c %s "$db-wal" 2>/dev/null || echo 0; }
start_rss=$(rss)
for t in read mine search create promise; do
	nice -n "$NICE" wrk -t1 -c2 -d"${MINUTES}m" --timeout 10s -s "scripts/bench/$t.lua" "http://127.0.0.1:$port/" \
		>"$WORK/memory-wrk-$t.txt" 2>"$WORK/memory-wrk-$t.err" &
	PIDS+=($!)
done
out=$WORK/memory-$CASES.tsv
printf 'seconds\trss_kib\twal_bytes\n' >"$out"
for ((s = 10; s <= MINUTES * 60; s += 10)); do
	sleep 10
	printf '%s\t%s\t%s\n' "$s" "$(rss)" "$(wal)" >>"$out"
done
wait "${PIDS[@]:1}" 2>/dev/null || true
total=0
for t in read mine search create promise; do
	n=$(awk '/requests in/ {print $1}' "$WORK/memory-wrk-$t.txt")
	total=$((total + ${n:-0}))
	printf '%-8s %s requests, %s errors\n' "$t" "${n:-0}" "$(grep -c unexpected "$WORK/memory-wrk-$t.err" || true)"
done
awk -F'\t' -v start="$start_rss" -v cases="$CASES" -v total="$total" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
	NR > 1 { n++; r[n] = $2; w[n] = $3; if ($2 > max) max = $2; if ($3 > wmax) wmax = $3; if ($1 == 60) first = $2 }
	END {
		printf "%d cases, %d requests in %d s (load average %s)\n", cases, total, r[n] ? n * 10 : 0, load
		printf "RSS at start %.1f MiB, after 1 min %.1f MiB, largest %.1f MiB, at the end %.1f MiB; growth after the first minute %+.1f MiB\n",
			start / 1024, first / 1024, max / 1024, r[n] / 1024, (r[n] - first) / 1024
		printf "write-ahead log largest %.1f MiB, at the end %.1f MiB\n", wmax / 1048576, w[n] / 1048576
	}' "$out"
