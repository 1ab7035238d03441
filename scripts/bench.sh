#!/bin/bash
# `make bench`: the API benchmark of BENCHMARKS.md.  For each database size (BENCH_SIZES cases across
# BENCH_ORGS organizations) seed a fresh database through the services (frontline bench-seed),
# start the release server and measure with wrk at BENCH_CONNECTIONS connections:
#   /healthz rate (the same server's ceiling), case read, "my open cases", and (at BENCH_MAIN size)
#   durable case creation; requests/s, p50/p99 latency, ratio to /healthz, resident memory.
# Environment:
#   BENCH_SIZES="10000 100000 1000000"  BENCH_MAIN=100000  BENCH_ORGS=50  BENCH_DURATION=10s
#   BENCH_CONNECTIONS=32  BENCH_THREADS=2 (wrk)  FRONTLINE_THREADS (server, default 8)
#   BENCH_DB       one database URL to use for every size (e.g. postgres://.../fl_bench; must be empty)
#   FRONTLINE_PG   a postgres:// prefix: each size gets a fresh database <prefix>/fl_bench_<size>
#   BENCH_SERVERS  number of servers on the same database (default 1); wrk load is split evenly
#   BENCH_OUT      where the report goes (default build/bench/report.md)
#   BENCH_QUICK=1  (`make bench-quick`) the table of issue 14 in under 10 minutes: one size (default
#                  100000), 4 connections, 5 s per measure; three rounds, each measuring /healthz and
#                  then every request type (case read, my open cases, search, durable case and promise
#                  creation) in the same minute; prints each type's median share of /healthz next to
#                  its target (build/bench/quick.md)
#   BENCH_REUSE=1  keep and reuse the seeded SQLite file of a size (skip seeding when it exists)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/build/bench/frontline  # a copy: rebuilding ./frontline during a run does not change it
QUICK=${BENCH_QUICK:-}
SIZES=${BENCH_SIZES:-${QUICK:+100000}}
SIZES=${SIZES:-"10000 100000 1000000"}
MAIN=${BENCH_MAIN:-100000}
ORGS=${BENCH_ORGS:-50}
DUR=${BENCH_DURATION:-${QUICK:+5s}}
DUR=${DUR:-10s}
CONN=${BENCH_CONNECTIONS:-${QUICK:+4}}
CONN=${CONN:-32}
WT=${BENCH_THREADS:-2}
[ "$WT" -gt "$CONN" ] && WT=$CONN
SERVERS=${BENCH_SERVERS:-1}
WORK=$PWD/build/bench
OUT=${BENCH_OUT:-$WORK/$([ -n "$QUICK" ] && echo quick || echo report).md}
mkdir -p "$WORK"
[ -x frontline ] || make -s frontline
cp frontline "$BIN"
command -v wrk >/dev/null || { echo "bench: wrk is missing (make deps)"; exit 1; }

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

. scripts/bench/lists.sh

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

db_for() { # size -> URL of a fresh, empty database
	local size=$1
	if [ -n "${BENCH_DB:-}" ]; then
		echo "$BENCH_DB"
	elif [ -n "${FRONTLINE_PG:-}" ]; then
		psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bench_$size" >/dev/null
		psql "$FRONTLINE_PG/postgres" -qc "CREATE DATABASE fl_bench_$size" >/dev/null
		echo "$FRONTLINE_PG/fl_bench_$size"
	else
		[ -n "${BENCH_REUSE:-}" ] && [ -f "$WORK/cases-$size.db" ] && { echo "$WORK/cases-$size.db"; return; }
		rm -f "$WORK/cases-$size.db" "$WORK/cases-$size.db-wal" "$WORK/cases-$size.db-shm"
		echo "$WORK/cases-$size.db"
	fi
}

# wrk_run NAME SCRIPT|- PATH -> prints "rps p50_ms p99_ms errors" and keeps the full output
wrk_run() {
	local name=$1 script=$2 path=$3 i pids=() rps=0 out
	for ((i = 0; i < SERVERS; i++)); do
		local c=$((CONN / SERVERS)) args=(-t"$WT" -d"$DUR" --latency --timeout 10s)
		[ "$c" -lt "$WT" ] && c=$WT
		args+=(-c"$c")
		[ "$script" != - ] && args+=(-s "$script")
		wrk "${args[@]}" "http://127.0.0.1:${PORTS[$i]}$path" >"$WORK/wrk-$name-$i.txt" 2>"$WORK/wrk-$name-$i.err" &
		pids+=($!)
	done
	# resident memory of the servers in the middle of the run
	sleep "$(( ${DUR%s} / 2 ))"
	local rss=0
	for p in "${SPIDS[@]}"; do rss=$((rss + $(awk '/VmRSS/ {print $2}' /proc/"$p"/status))); done
	echo "$rss" >"$WORK/rss-$name.txt"
	wait "${pids[@]}"
	for ((i = 0; i < SERVERS; i++)); do
		out="$WORK/wrk-$name-$i.txt"
		rps=$(awk -v a="$rps" '/Requests\/sec/ {printf "%.1f", a + $2}' "$out")
	done
	out="$WORK/wrk-$name-0.txt"
	local p50 p99 errs
	p50=$(awk '$1 == "50%" {print $2}' "$out")
	p99=$(awk '$1 == "99%" {print $2}' "$out")
	errs=$(cat "$WORK"/wrk-"$name"-*.err | grep -c unexpected || true)
	non2xx=$(awk '/Non-2xx/ {s += $NF} END {print s + 0}' "$WORK"/wrk-"$name"-*.txt)
	echo "$rps $(to_ms "$p50") $(to_ms "$p99") $((errs + non2xx)) $rss"
}

to_ms() { # wrk prints 512.00us / 1.23ms / 1.01s
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

machine() {
	echo "- CPU: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
	echo "- Kernel: $(uname -sr)"
	echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "- SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), libmicrohttpd $(pkg-config --modversion libmicrohttpd), wrk $(wrk -v 2>&1 | head -n1 | cut -d' ' -f2)"
	echo "- Load average before the run (the machine is shared): $(cut -d" " -f1-3 /proc/loadavg)"
	echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); server threads ${FRONTLINE_THREADS:-8}; wrk -t$WT -c$CONN -d$DUR; servers $SERVERS"
}

# start_servers URL SIZE: SERVERS servers on URL (PORTS, SPIDS); stop_servers: stop them
start_servers() {
	local url=$1 size=$2 i port
	PORTS=()
	SPIDS=()
	for ((i = 0; i < SERVERS; i++)); do
		port=$(free_port)
		"$BIN" serve --db "$url" --listen "127.0.0.1:$port" >>"$WORK/server-$size-$i.log" 2>&1 &
		SPIDS+=($!)
		PIDS+=($!)
		PORTS+=("$port")
		for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
	done
}
stop_servers() {
	local p
	for p in "${SPIDS[@]:-}"; do [ -n "$p" ] && { kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; }; done
	SPIDS=()
	PIDS=()
}

# quick_rounds SIZE URL: three rounds of /healthz and every request type; the median share of /healthz
QUICK_TYPES=(read mine search create promise)
declare -A QUICK_NAME=([read]="GET case" [mine]="my open cases" [search]="search by customer name"
	[create]="POST case (durable)" [promise]="POST promise (durable)")
declare -A QUICK_TARGET=([read]="≥ 50%" [mine]="≥ 15% (50 rows; 13 rows ≥ 25%)" [search]="≥ 20%, flat 10k → 1M"
	[create]="≥ 10%; p99 ≤ 30 ms at 32 connections" [promise]="≥ 10%")
# On a SQLite file every round starts its servers on a copy of the file as seeded (with the lists'
# tokens), so no round reads the cases and promises an earlier round wrote (a case given ten
# promises a round outgrows the kept page, CASE_CACHE_MAX_TEXT); on PostgreSQL the rounds share it.
quick_rounds() {
	local size=$1 url=$2 round t pristine=
	: >"$WORK/quick-$size.tsv"
	if [ -f "$url" ]; then
		stop_servers
		pristine=$WORK/pristine-$size.db
		sqlite3 "$url" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		cp "$url" "$pristine"
	fi
	for round in 1 2 3; do
		if [ -n "$pristine" ]; then
			stop_servers
			rm -f "$url-wal" "$url-shm"
			cp "$pristine" "$url"
			sync "$url" # the copy's pages on disk: the server's first checkpoint would flush them all
			start_servers "$url" "$size"
		fi
		read -r h_rps _ h99 _ _ <<<"$(wrk_run "healthz-$size-$round" - /healthz)"
		printf 'healthz\t%s\t%s\t%s\n' "$round" "$h_rps" "$h99" >>"$WORK/quick-$size.tsv"
		for t in "${QUICK_TYPES[@]}"; do
			read -r rps _ p99 errs _ <<<"$(wrk_run "$t-$size-$round" "scripts/bench/$t.lua" /)"
			[ "$errs" = 0 ] || echo "bench: $t round $round: $errs errors (see $WORK/wrk-$t-$size-$round-0.*)" >&2
			printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$round" "$rps" "$p99" "$h_rps" >>"$WORK/quick-$size.tsv"
		done
	done
	if [ -n "$pristine" ]; then # the file as seeded again, for BENCH_REUSE
		stop_servers
		rm -f "$url-wal" "$url-shm"
		mv "$pristine" "$url"
	fi
	{
		echo
		echo "$size cases, $CONN connections, $DUR per measure; share of the same round's /healthz, median of 3 rounds (each round's shares in brackets)"
		echo
		echo "| request | share of /healthz | req/s (median) | p99 ms (median) | target |"
		echo "|---|---:|---:|---:|---|"
		for t in healthz "${QUICK_TYPES[@]}"; do
			awk -F'\t' -v t="$t" -v name="${QUICK_NAME[$t]:-/healthz}" -v target="${QUICK_TARGET[$t]:-}" '
				function med(a, n,   i, j, x) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x } return a[int((n + 1) / 2)] }
				$1 == t { n++; r[n] = $3; p[n] = $4; s[n] = t == "healthz" ? 1 : $3 / $5; all = all (n > 1 ? ", " : "") sprintf("%.1f%%", 100 * s[n]) }
				END { printf "| %s | **%.1f%%** (%s) | %.0f | %.1f | %s |\n", name, 100 * med(s, n), all, med(r, n), med(p, n), target }' \
				"$WORK/quick-$size.tsv"
		done
	} >>"$OUT"
}

{
	echo "# Benchmark run${QUICK:+ (quick)}"
	echo
	machine
	echo
	if [ -z "$QUICK" ]; then
		echo "| cases | measure | req/s | vs /healthz | p50 ms | p99 ms | errors | server RSS (KiB) |"
		echo "|---:|---|---:|---:|---:|---:|---:|---:|"
	fi
} >"$OUT"

for size in $SIZES; do
	url=$(db_for "$size")
	echo "bench: seeding $size cases across $ORGS organizations into $url" >&2
	t0=$(date +%s)
	if [ -n "${BENCH_REUSE:-}" ] && [ -s "$WORK/seed-$size.json" ] && [ -f "$url" ]; then
		echo "bench: reusing $url (migrating it to this binary's schema)" >&2
		"$BIN" init --db "$url" >/dev/null
	else
		"$BIN" init --db "$url" >/dev/null
		"$BIN" bench-seed --db "$url" --orgs "$ORGS" --cases "$size" >"$WORK/seed-$size.json"
		echo "bench: seeded in $(( $(date +%s) - t0 ))s" >&2
	fi

	rm -f "$WORK"/server-"$size"-*.log
	start_servers "$url" "$size"
	base="http://127.0.0.1:${PORTS[0]}"

	bench_lists "$BIN" "$url" "$base" "$ORGS" "$WORK" "$size"
	tokens=$BENCH_LIST_TOKENS
	export BENCH_TOKENS=$tokens BENCH_READS=$WORK/reads-$size.txt BENCH_SEARCHES=$WORK/searches-$size.txt
	export BENCH_OPEN=$WORK/open-$size.txt
	if [ -n "$QUICK" ]; then
		quick_rounds "$size" "$url"
		stop_servers
		continue
	fi

	read -r h_rps h50 h99 herr hrss <<<"$(wrk_run "healthz-$size" - /healthz)"
	row() { # name rps p50 p99 errors rss
		awk -v s="$size" -v n="$1" -v r="$2" -v h="$h_rps" -v a="$3" -v b="$4" -v e="$5" -v m="$6" \
			'BEGIN { printf "| %s | %s | %.0f | %.0f%% | %s | %s | %s | %s |\n", s, n, r, 100 * r / h, a, b, e, m }' >>"$OUT"
	}
	row "/healthz" "$h_rps" "$h50" "$h99" "$herr" "$hrss"
	read -r r_rps r50 r99 rerr rrss <<<"$(wrk_run "read-$size" scripts/bench/read.lua /)"
	row "case read (GET /api/v1/cases/{id})" "$r_rps" "$r50" "$r99" "$rerr" "$rrss"
	read -r m_rps m50 m99 merr mrss <<<"$(wrk_run "mine-$size" scripts/bench/mine.lua /)"
	row "my open cases (GET /api/v1/cases?mine=true&status=open)" "$m_rps" "$m50" "$m99" "$merr" "$mrss"
	if [ "$size" = "$MAIN" ]; then
		read -r c_rps c50 c99 cerr crss <<<"$(wrk_run "create-$size" scripts/bench/create.lua /)"
		row "case creation, durable (POST /api/v1/cases)" "$c_rps" "$c50" "$c99" "$cerr" "$crss"
	fi
	if [ -z "${FRONTLINE_PG:-}${BENCH_DB:-}" ]; then
		echo "bench: database file $(du -h "$url" | cut -f1) for $size cases" >&2
	fi
	stop_servers
	[ -z "${BENCH_KEEP:-}" ] && [ -z "${FRONTLINE_PG:-}${BENCH_DB:-}" ] && rm -f "$url" "$url-wal" "$url-shm"
done

[ -n "$QUICK" ] && { cat "$OUT"; exit 0; }
echo >>"$OUT"
echo "Targets: creation >= 50% of /healthz, reads >= 70%, p99 < 10 ms at $CONN connections (reported, not asserted)." >>"$OUT"
cat "$OUT"
