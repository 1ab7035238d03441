#!/bin/bash
# The promise scheduler and attribution-report benchmark of BENCHMARKS.md ("Promises").
# For each size: a fresh database, `frontline bench-promises` seeds N pending promises+requests of
# which BENCH_DUE are due, plus BENCH_CLOSED resolved cases with breaches (largest size only), and
# times one scheduler pass (median of BENCH_RUNS, each rolled back) and the breaches report.
# Environment:
#   BENCH_PENDING="10000 1000000"  BENCH_DUE=1000  BENCH_CLOSED=1000000  BENCH_RUNS=3
#   FRONTLINE_PG   a postgres:// prefix: each size gets a fresh database <prefix>/fl_bp_<size>
#   BENCH_OUT      where the JSON lines go (default build/bench/promises.jsonl)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/frontline
SIZES=${BENCH_PENDING:-"10000 1000000"}
DUE=${BENCH_DUE:-1000}
CLOSED=${BENCH_CLOSED:-1000000}
RUNS=${BENCH_RUNS:-3}
WORK=$PWD/build/bench
OUT=${BENCH_OUT:-$WORK/promises.jsonl}
mkdir -p "$WORK"
[ -x "$BIN" ] || make -s frontline
: >"$OUT"
largest=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -n 1)
for n in $SIZES; do
	if [ -n "${FRONTLINE_PG:-}" ]; then
		url=$FRONTLINE_PG/fl_bp_$n
		psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bp_$n" -qc "CREATE DATABASE fl_bp_$n" >/dev/null
	else
		url=$WORK/promises-$n.db
		rm -f "$url" "$url-wal" "$url-shm"
	fi
	closed=0
	[ "$n" = "$largest" ] && closed=$CLOSED
	"$BIN" init --db "$url" >/dev/null
	"$BIN" bench-promises --db "$url" --pending "$n" --due "$DUE" --closed "$closed" --runs "$RUNS" | tee -a "$OUT"
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
small, large = min(rows, key=lambda r: r["pending"]), max(rows, key=lambda r: r["pending"])
print("scheduler pass, %d due: %.1f ms at %d pending, %.1f ms at %d pending: ratio %.2f" % (
    large["due"], small["pass_ms_median"], small["pending"], large["pass_ms_median"], large["pending"],
    large["pass_ms_median"] / small["pass_ms_median"]))
if large["closed"]:
    print("breaches report over %d closed cases: %.1f ms" % (large["closed"], large["report_ms"]))
PY
