#!/bin/bash
# copy-db's speed into PostgreSQL (issue 14, BENCHMARKS.md "PostgreSQL at a million cases").  For
# each binary of COPY_BINS: a SQLite database seeded by that binary with `bench-promises` (its own,
# so its schema is the binary's), then `copy-db` of it into a fresh PostgreSQL database, timed
# (wall seconds, rows, the load average before and after), then `audit verify` on the copy.
# Environment:
#   FRONTLINE_PG   a postgres:// prefix (required): the targets are <prefix>/fl_copy_<tag>_<size>
#   COPY_BINS      binaries to compare (default ./frontline)
#   COPY_CLOSED    resolved cases to seed (default 10000)    COPY_PENDING  pending promises (default 0)
#   COPY_DUE       due promises and requests (default 0)     COPY_REUSE=1  reuse a seeded file
#   COPY_KEEP=1    keep the PostgreSQL copies (to measure on them: `bench-promises --reuse`)
set -eu
cd "$(dirname "$0")/.."
: "${FRONTLINE_PG:?set FRONTLINE_PG to a postgres:// prefix}"
BINS=${COPY_BINS:-$PWD/frontline}
CLOSED=${COPY_CLOSED:-10000}
PENDING=${COPY_PENDING:-0}
DUE=${COPY_DUE:-0}
WORK=$PWD/build/bench
mkdir -p "$WORK"
size=$((CLOSED + PENDING))
for bin in $BINS; do
	tag=$(basename "$(dirname "$bin")")-$(basename "$bin" | tr -c 'a-zA-Z0-9\n' _)
	tag=$(echo "$tag" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')
	src=$WORK/copy-$tag-$size.db
	if [ "${COPY_REUSE:-0}" != 1 ] || [ ! -f "$src" ]; then
		rm -f "$src" "$src-wal" "$src-shm"
		"$bin" init --db "$src" >/dev/null
		t0=$(date +%s.%N)
		"$bin" bench-promises --db "$src" --pending "$PENDING" --due "$DUE" --closed "$CLOSED" --runs 1 >/dev/null
		echo "seeded $src in $(echo "$(date +%s.%N) - $t0" | bc) s"
	fi
	dst=fl_copy_${tag}_$size
	psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS $dst" -qc "CREATE DATABASE $dst" >/dev/null
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$(date +%s.%N)
	out=$("$bin" copy-db --from "sqlite:$src" --to "$FRONTLINE_PG/$dst")
	secs=$(echo "$(date +%s.%N) - $t0" | bc)
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	"$bin" audit verify --db "$FRONTLINE_PG/$dst" >/dev/null
	cases=$(psql -qAtX "$FRONTLINE_PG/$dst" -c "SELECT COUNT(*) FROM cases")
	echo "{\"bin\":\"$bin\",\"cases\":$cases,\"seconds\":$secs,\"load_before\":\"$load0\",\"load_after\":\"$load1\",\"out\":\"$out\"}"
	[ "${COPY_KEEP:-0}" = 1 ] || psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE $dst" >/dev/null
done
