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
set -eu
cd "$(dirname "$0")/.."
SIZES=${SEARCH_SIZES:-"10000 100000 1000000"}
BENCH=search
. scripts/bench-lib.sh
bench_setup

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
have=0
for size in $SIZES; do
	t0=$(date +%s)
	grow "$have" "$size"
	have=$size
	grown=$(($(date +%s) - t0))
	bench_serve search
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
	for kind in name email phone; do : >"$WORK/search-$kind-$size.tsv"; done
	for round in 1 2 3; do
		h=$(wrk_rps "healthz-$size-$round" - /healthz)
		for kind in name email phone; do
			r=$(BENCH_SEARCHES=$WORK/searches-$kind.txt wrk_rps "$kind-$size-$round" scripts/bench/search.lua /)
			echo "$r $h" >>"$WORK/search-$kind-$size.tsv"
		done
	done
	for kind in name email phone; do
		bench_medians "$size" "$kind" "$grown" "$WORK/search-$kind-$size.tsv"
	done
	bench_stop
done
cat "$OUT"
