#!/bin/bash
# The search box at 10k, 100k and 1M cases in one organization (issue 14: >= 20% of /healthz and
# flat, ratio <= 1.5 from 10k to 1M).  One database grows from size to size: `frontline
# bench-seed` makes the organizations and people through the services, then plain INSERTs add
# customers ("Customer i", customeri@example.com, +1 555 i) and their cases to bench-01 (the
# search index is kept by the triggers of migration 0012, as for any write).  Each query names one
# customer (i has as many digits as the size's largest number), so every size returns about one
# case and the figure is the index's, not the rendering of a longer list.  At each size the
# release server is measured with wrk at BENCH_CONNECTIONS (4) for BENCH_DURATION (5s): three
# rounds of /healthz, then search by customer name, by part of an email and by the last digits of
# a phone; the median share of /healthz per kind goes to build/bench/search.md.
# Environment: SEARCH_SIZES="10000 100000 1000000"; FRONTLINE_PG=postgres://... (PostgreSQL: a
# fresh database fl_bench_search); BENCH_CONNECTIONS, BENCH_DURATION.
# A/B: BENCH_BIN=OLD (the binary that grows and serves A; default ./frontline) and BENCH_BIN_B=NEW:
# at each size B serves a copy of A's database brought to its schema by `NEW init` (its migrations
# build any new index over the rows grown; "grow s" of a B row is that migration's time), and every
# round measures A then B, so each pair of figures comes from the same minutes (rows "name A",
# "name B").  SEARCH_KEEP=1 (SQLite): keep each size's grown database as build/bench/search-SIZE.db
# and grow from it on the next run with the same BENCH_BIN schema (1,000,000 cases take minutes).
set -eu
cd "$(dirname "$0")/.."
SIZES=${SEARCH_SIZES:-"10000 100000 1000000"}
BENCH=search
. scripts/bench-lib.sh
if [ -n "${BENCH_BIN:-}" ]; then
	BENCH_BIN=$(realpath "$BENCH_BIN")
fi
bench_setup
BIN_B=${BENCH_BIN_B:+$(realpath "$BENCH_BIN_B")}
BINS="A${BIN_B:+ B}"

grow() { # from to: customers and cases from+1 .. to in bench-01
	local from=$1 to=$2
	bench_customers "$from" "$to"
	sql "WITH RECURSIVE n(i) AS (SELECT $from + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $to)
	     INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by,
	                        created_at, updated_at)
	     SELECT '$ORG', 'case_1000000000000000000' || (1000000 + i), 1000000 + i, 'cus_1000000000000000000' || (1000000 + i),
	            'Router keeps dropping (bench ' || i || ')', 'phone', 'open', '$AGENT', '$TEAM', '$AGENT', $NOW + i, $NOW + i
	     FROM n" >/dev/null
	# the triggers only note the new cases (migration 0019); the server's commits rebuild their
	# documents (search_flush), and so does this, as plain SQL writes have no db_commit
	[ "$BACKEND" = postgres ] || sql "DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM case_search_dirty);
	     INSERT INTO cases_fts (rowid, head, body) SELECT s.rid, s.head, s.body FROM case_search_dirty x
	       CROSS JOIN case_search_docs s ON s.rid = x.rid;
	     DELETE FROM case_search_dirty" >/dev/null
}

bench_report "Search benchmark" "search by"
# serve_as A|B SIZE: the server of that binary on its database (TOK, SPID, PORT), and the queries
# with its new token in build/bench/searches-KIND.txt
served=0
serve_as() {
	served=$((served + 1))
	if [ "$1" = A ]; then
		bench_serve "search-$$-$served"
	else
		local bin=$BIN url=$URL
		BIN=$BIN_B URL=$URL_B
		bench_serve "search-$$-$served"
		BIN=$bin URL=$url
	fi
	local size=$2
	/usr/bin/python3 - "$TOK" "$size" "$WORK" <<'PY'
import random, sys
tok, size, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(size)
# numbers with as many digits as the size's largest, so each query names one customer at every size
picks = [rnd.randint(size // 10, size - 1) for _ in range(500)]
for kind, fmt in (("name", "Customer%%20%d"), ("email", "customer%d%%40example"), ("phone", "555%%20%d")):
    with open("%s/searches-%s.txt" % (work, kind), "w") as f:
        for i in picks:
            print(tok, fmt % i, file=f)
PY
}

have=0
for size in $SIZES; do
	t0=$(date +%s)
	kept=$WORK/search-$size.db
	if [ "$BACKEND" = sqlite ] && [ -n "${SEARCH_KEEP:-}" ] && [ -f "$kept" ]; then
		rm -f "$URL-wal" "$URL-shm"
		cp "$kept" "$URL"
		ORG=$(sql "SELECT id FROM orgs WHERE slug = 'bench-01'")
		AGENT=$(sql "SELECT id FROM people WHERE org_id = '$ORG' AND email = 'agent-1@bench-01.example'")
		TEAM=$(sql "SELECT team_id FROM people WHERE id = '$AGENT'")
	else
		grow "$have" "$size"
		if [ "$BACKEND" = sqlite ] && [ -n "${SEARCH_KEEP:-}" ]; then
			sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
			cp "$URL" "$kept"
		fi
	fi
	have=$size
	grown=$(($(date +%s) - t0))
	if [ -n "$BIN_B" ]; then
		t0=$(date +%s)
		if [ "$BACKEND" = postgres ]; then
			psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bench_search_b" >/dev/null
			psql "$FRONTLINE_PG/postgres" -qc "CREATE DATABASE fl_bench_search_b TEMPLATE fl_bench_search" >/dev/null
			URL_B=$FRONTLINE_PG/fl_bench_search_b
		else
			sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
			URL_B=$WORK/search-b.db
			rm -f "$URL_B" "$URL_B-wal" "$URL_B-shm"
			cp "$URL" "$URL_B"
		fi
		"$BIN_B" init --db "$URL_B" >/dev/null
		migrated=$(($(date +%s) - t0))
	fi
	for ab in $BINS; do for kind in name email phone; do : >"$WORK/search-$kind-$ab-$size.tsv"; done; done
	for round in 1 2 3; do
		for ab in $BINS; do
			[ -n "$SPID" ] || serve_as "$ab" "$size"
			h=$(wrk_rps "healthz-$ab-$size-$round" - /healthz)
			for kind in name email phone; do
				r=$(BENCH_SEARCHES=$WORK/searches-$kind.txt wrk_rps "$kind-$ab-$size-$round" scripts/bench/search.lua /)
				echo "$r $h" >>"$WORK/search-$kind-$ab-$size.tsv"
			done
			[ -z "$BIN_B" ] || bench_stop
		done
	done
	for kind in name email phone; do
		if [ -n "$BIN_B" ]; then
			bench_medians "$size" "$kind A" "$grown" "$WORK/search-$kind-A-$size.tsv"
			bench_medians "$size" "$kind B" "$migrated" "$WORK/search-$kind-B-$size.tsv"
		else
			bench_medians "$size" "$kind" "$grown" "$WORK/search-$kind-A-$size.tsv"
		fi
	done
	[ -z "$SPID" ] || bench_stop
done
cat "$OUT"
