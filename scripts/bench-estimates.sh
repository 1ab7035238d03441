#!/bin/bash
# The estimate benchmark of BENCHMARKS.md ("Estimates", issue 18).  For each size: a fresh database,
# `frontline bench-estimates` seeds N completed requests with their rollups and times BENCH_RUNS
# estimates, GET /api/v1/org and request completions (each in its own transaction, rolled back), in
# the same process and run: medians, p99 and the ratio to GET /api/v1/org.
# Environment:
#   BENCH_COMPLETED="10000 1000000"  BENCH_RUNS=500
#   FRONTLINE_PG   a postgres:// prefix: each size gets a fresh database <prefix>/fl_be_<size>
#   BENCH_OUT      where the JSON lines go (default build/bench/estimates.jsonl)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/build/bench/frontline-estimates # a copy: rebuilding ./frontline during a run does not change it
SIZES=${BENCH_COMPLETED:-"10000 1000000"}
RUNS=${BENCH_RUNS:-500}
WORK=$PWD/build/bench
OUT=${BENCH_OUT:-$WORK/estimates.jsonl}
mkdir -p "$WORK"
[ -x frontline ] || make -s frontline
cp frontline "$BIN"
: >"$OUT"
for n in $SIZES; do
	if [ -n "${FRONTLINE_PG:-}" ]; then
		url=$FRONTLINE_PG/fl_be_$n
		psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_be_$n" -qc "CREATE DATABASE fl_be_$n" >/dev/null
	else
		url=$WORK/estimates-$n.db
		rm -f "$url" "$url-wal" "$url-shm"
	fi
	"$BIN" init --db "$url" >/dev/null
	"$BIN" bench-estimates --db "$url" --completed "$n" --runs "$RUNS" | tee -a "$OUT"
done
