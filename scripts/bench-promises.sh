#!/bin/bash
# The promise scheduler and attribution-report benchmark of BENCHMARKS.md ("Promises").
# For each size: a fresh database, `frontline bench-promises` seeds N pending promises+requests of
# which BENCH_DUE are due and times one scheduler pass (median of BENCH_RUNS, each rolled back, with
# the time of each scheduler part).  Then, on another fresh database, BENCH_CLOSED resolved cases
# with breaches, and the time of the breaches-by-cause report over them.
# Environment:
#   BENCH_PENDING="10000 1000000"  BENCH_DUE=1000  BENCH_CLOSED=1000000  BENCH_RUNS=3
#   FRONTLINE_PG   a postgres:// prefix: each size gets a fresh database <prefix>/fl_bp_<size>
#   BENCH_OUT      where the JSON lines go (default build/bench/promises.jsonl)
#   BENCH_BIN      the binary to measure (default ./frontline; another build, to compare in one run)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/build/bench/frontline-promises-$$ # a copy: rebuilding ./frontline during a run does not change it
SIZES=${BENCH_PENDING:-"10000 1000000"}
DUE=${BENCH_DUE:-1000}
CLOSED=${BENCH_CLOSED:-1000000}
RUNS=${BENCH_RUNS:-3}
WORK=$PWD/build/bench
OUT=${BENCH_OUT:-$WORK/promises.jsonl}
mkdir -p "$WORK"
SRC=${BENCH_BIN:-frontline}
[ -n "${BENCH_BIN:-}" ] || [ -x frontline ] || make -s frontline
cp "$SRC" "$BIN"
trap 'rm -f "$BIN"' EXIT
: >"$OUT"
fresh() { # name -> URL of an empty, initialized database
	local url
	if [ -n "${FRONTLINE_PG:-}" ]; then
		url=$FRONTLINE_PG/fl_bp_$1
		psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bp_$1" -qc "CREATE DATABASE fl_bp_$1" >/dev/null
	else
		url=$WORK/promises-$1.db
		rm -f "$url" "$url-wal" "$url-shm"
	fi
	"$BIN" init --db "$url" >/dev/null
	echo "$url"
}
for n in $SIZES; do
	"$BIN" bench-promises --db "$(fresh "$n")" --pending "$n" --due "$DUE" --runs "$RUNS" | tee -a "$OUT"
done
if [ "$CLOSED" -gt 0 ]; then
	"$BIN" bench-promises --db "$(fresh closed)" --pending 0 --due 0 --closed "$CLOSED" --runs 1 | tee -a "$OUT"
fi
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
passes = [r for r in rows if r["due"] > 0]
if passes:
    small, large = min(passes, key=lambda r: r["pending"]), max(passes, key=lambda r: r["pending"])
    print("scheduler pass, %d due: %.1f ms (CPU %.1f) at %d pending, %.1f ms (CPU %.1f) at %d pending: "
          "ratio %.2f (CPU %.2f); statements %d" % (
        large["due"], small["pass_ms_median"], small["pass_cpu_ms_median"], small["pending"], large["pass_ms_median"],
        large["pass_cpu_ms_median"], large["pending"], large["pass_ms_median"] / small["pass_ms_median"],
        large["pass_cpu_ms_median"] / small["pass_cpu_ms_median"], sum(large.get("last_run_part_statements", []))))
for r in rows:
    if r["closed"]:
        for name, (ms, cpu) in sorted(r.get("reports", {}).items()):
            print("report %s over %d closed cases: %.1f ms (CPU %.1f)" % (name, r["closed"], ms, cpu))
PY
