#!/bin/bash
# Before/after on a shared machine: two binaries (A, B) serve the same seeded SQLite file in turn,
# ROUNDS times, and each request type is measured on both in the same minute: requests/s, the share
# of the same server's /healthz, and the server's CPU per request (utime + stime from /proc, so other
# sessions' load moves it far less than the rate).  Every server starts on a fresh copy of the seeded
# file, so the durable writes of one measure never grow the cases the next one reads.
# Usage: scripts/bench-ab.sh BIN_A BIN_B SEEDED.db
#   (seed once: frontline init --db F && frontline bench-seed --db F --orgs 50 --cases 100000)
# Environment: AB_DURATION=5  AB_CONNECTIONS=4  AB_ROUNDS=3
#   AB_WARMUP=0  seconds of GET case run, not counted, before it is measured: a fresh server renders
#   each of the 1,000 case pages once before it keeps it (0: those first renders are in the measure)
#   AB_TYPES="healthz read mine search create promise"  (scripts/bench/TYPE.lua; healthz first)
set -eu
cd "$(dirname "$0")/.."
. scripts/bench/lists.sh
A=$(realpath "$1") B=$(realpath "$2") SEEDED=$(realpath "$3")
WORK=$PWD/build/bench/ab
DUR=${AB_DURATION:-5}
CONN=${AB_CONNECTIONS:-4}
ROUNDS=${AB_ROUNDS:-3}
TYPES=${AB_TYPES:-"healthz read mine search create promise"}
mkdir -p "$WORK"
TCK=$(getconf CLK_TCK)
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# serve BIN DBFILE -> starts the server, sets SPID and PORT
serve() {
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$1" serve --db "$2" --listen "127.0.0.1:$PORT" >"$WORK/ab-server.log" 2>&1 &
	SPID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
	echo "bench-ab: the server did not start (see $WORK/ab-server.log)"
	exit 1
}

# measure TYPE -> "req/s cpu_us_per_request"
measure() {
	local t=$1 args=(-t2 -c"$CONN" -d"${DUR}s" --timeout 10s) c0 c1 w0 w1 s0 s1 rps
	[ "$t" != healthz ] && args+=(-s "scripts/bench/$t.lua")
	args+=(--latency)
	c0=$(cpu_ticks "$SPID")
	w0=$(awk '/^wchar/ {print $2}' "/proc/$SPID/io")
	s0=$(awk '/^syscw/ {print $2}' "/proc/$SPID/io")
	wrk "${args[@]}" "http://127.0.0.1:$PORT/$([ "$t" = healthz ] && echo healthz)" >"$WORK/ab-wrk.txt" 2>&1
	c1=$(cpu_ticks "$SPID")
	w1=$(awk '/^wchar/ {print $2}' "/proc/$SPID/io")
	s1=$(awk '/^syscw/ {print $2}' "/proc/$SPID/io")
	rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/ab-wrk.txt")
	p99=$(awk '$1 == "99%" {v = $2; n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; print n}' "$WORK/ab-wrk.txt")
	awk -v r="$rps" -v d="$DUR" -v c=$((c1 - c0)) -v hz="$TCK" -v w=$((w1 - w0)) -v p="${p99:-0}" -v s=$((s1 - s0)) \
		'BEGIN { printf "%.0f %.1f %.1f %.1f %.1f\n", r, 1e6 * c / hz / (r * d), w / 1024 / (r * d), p, s / (r * d) }'
}

fresh() { # -> a fresh copy of the seeded file (with the benchmark's tokens) at $WORK/db
	rm -f "$WORK/db" "$WORK/db-wal" "$WORK/db-shm"
	cp "$WORK/base.db" "$WORK/db"
	[ ! -f "$WORK/base.db-wal" ] || cp "$WORK/base.db-wal" "$WORK/db-wal"
	sync "$WORK"/db* # the copy's pages on disk: the server's first checkpoint would flush them all
}

# the tokens and case lists, made once on a copy that every measure then starts from
rm -f "$WORK/base.db"*
cp "$SEEDED" "$WORK/base.db"
[ ! -f "$SEEDED-wal" ] || cp "$SEEDED-wal" "$WORK/base.db-wal"
"$A" init --db "$WORK/base.db" >/dev/null
serve "$A" "$WORK/base.db"
bench_lists "$A" "$WORK/base.db" "http://127.0.0.1:$PORT" 50 "$WORK" ab
kill "$SPID"
wait "$SPID" 2>/dev/null || true
SPID=
export BENCH_TOKENS=$BENCH_LIST_TOKENS BENCH_READS=$WORK/reads-ab.txt BENCH_SEARCHES=$WORK/searches-ab.txt BENCH_OPEN=$WORK/open-ab.txt

OUT=$WORK/ab.tsv
: >"$OUT"
echo "bench-ab: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ); A=$A B=$B" >&2
for round in $(seq "$ROUNDS"); do
	for side in A B; do
		fresh
		"${!side}" init --db "$WORK/db" >/dev/null # the binary's own schema (B may add migrations)
		serve "${!side}" "$WORK/db"
		for t in $TYPES; do
			[ "${AB_WARMUP:-0}" = 0 ] || [ "$t" != read ] ||
				wrk -t2 -c"$CONN" -d"${AB_WARMUP}s" -s "scripts/bench/$t.lua" "http://127.0.0.1:$PORT/" >/dev/null 2>&1
			read -r rps us kib p99 calls <<<"$(measure "$t")"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$round" "$t" "$rps" "$us" "$kib" "$p99" "$calls" >>"$OUT"
		done
		kill "$SPID"
		wait "$SPID" 2>/dev/null || true
		SPID=
	done
done
echo "bench-ab: done $(date -u +%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# median per side and type: req/s, share of the same round's /healthz, CPU µs, KiB written and write
# system calls per request (wchar and syscw of the server: every write and pwrite, WAL, checkpoints,
# sockets), p99 latency
awk -F'\t' '
	function med(k,   n, i, j, x, a) { n = split(k, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x } return a[int((n + 1) / 2)] }
	{ key = $1 SUBSEP $3; rps[key] = rps[key] " " $4; us[key] = us[key] " " $5; kib[key] = kib[key] " " $6; p99[key] = p99[key] " " $7; wc[key] = wc[key] " " $8
	  if ($3 == "healthz") h[$1 SUBSEP $2] = $4; else share[key] = share[key] " " (h[$1 SUBSEP $2] ? 100 * $4 / h[$1 SUBSEP $2] : 0)
	  if (!seen[$3]++) order[++n] = $3 }
	function cells(s, t,   k) { k = s SUBSEP t; return sprintf("%.0f | %s | %.1f | %.1f | %.1f | %.1f", med(rps[k]), t == "healthz" ? "100%" : sprintf("%.1f%%", med(share[k])), med(us[k]), med(kib[k]), med(wc[k]), med(p99[k])) }
	END {
		print "| request | A req/s | A share | A CPU µs/req | A KiB written/req | A write calls/req | A p99 ms | B req/s | B share | B CPU µs/req | B KiB written/req | B write calls/req | B p99 ms |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= n; i++) printf "| %s | %s | %s |\n", order[i], cells("A", order[i]), cells("B", order[i])
	}' "$OUT"
