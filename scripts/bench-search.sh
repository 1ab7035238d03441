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
# a phone; the median share of /healthz per kind goes to build/bench/search-BACKEND.md, and the
# server's CPU per search (from /proc, far less moved by other sessions' load than a rate).
# Environment: SEARCH_SIZES="10000 100000 1000000"; FRONTLINE_PG=postgres://... (PostgreSQL: a
# fresh database fl_bench_search_pg; its files are named search_pg-*, so both backends may run at
# once); BENCH_CONNECTIONS, BENCH_DURATION.
# A/B: BENCH_BIN=OLD (the binary that grows and serves A; default ./frontline) and BENCH_BIN_B=NEW:
# at each size B serves a copy of A's database brought to its schema by `NEW init` (its migrations
# build any new index over the rows grown; "grow s" of a B row is that migration's time), and every
# round measures A then B, so each pair of figures comes from the same minutes (rows "name A",
# "name B").  SEARCH_KEEP=1 (SQLite): keep each size's grown database as build/bench/search-SIZE.db
# and grow from it on the next run with the same BENCH_BIN schema (1,000,000 cases take minutes).
set -eu
cd "$(dirname "$0")/.."
SIZES=${SEARCH_SIZES:-"10000 100000 1000000"}
BENCH=search${FRONTLINE_PG:+_pg}
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
	# the triggers only note the new cases (migration 0022); the server's commits rebuild their
	# documents (search_flush), and so does this, as plain SQL writes have no db_commit (the word
	# index of migration 0032 too, when the database has it)
	[ "$BACKEND" = postgres ] && return
	local words=
	[ "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_words'")" = 0 ] ||
		words="DELETE FROM cases_words WHERE rowid IN (SELECT rid FROM case_search_dirty);
		       INSERT INTO cases_words (rowid, head, body, phones) SELECT w.rid, w.head, w.body, w.phones
		         FROM case_search_dirty x CROSS JOIN case_words_docs w ON w.rid = x.rid;"
	sql "DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM case_search_dirty);
	     INSERT INTO cases_fts (rowid, head, body) SELECT s.rid, s.head, s.body FROM case_search_dirty x
	       CROSS JOIN case_search_docs s ON s.rid = x.rid;
	     $words
	     DELETE FROM case_search_dirty" >/dev/null
}

bench_report "Search benchmark" "search by"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }

# serve_as A|B SIZE: the server of that binary on its database (TOK, SPID, PORT), and the queries
# with its new token in build/bench/$BENCH-queries-KIND.txt
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
	/usr/bin/python3 - "$TOK" "$size" "$WORK" "$BENCH" <<'PY'
import random, sys
tok, size, work, bench = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rnd = random.Random(size)
# numbers with as many digits as the size's largest, so each query names one customer at every size
picks = [rnd.randint(size // 10, size - 1) for _ in range(500)]
for kind, fmt in (("name", "Customer%%20%d"), ("email", "customer%d%%40example"), ("phone", "555%%20%d")):
    with open("%s/%s-queries-%s.txt" % (work, bench, kind), "w") as f:
        for i in picks:
            print(tok, fmt % i, file=f)
PY
}

have=0
for size in $SIZES; do
	t0=$(date +%s)
	kept=$WORK/$BENCH-$size.db
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
			psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bench_${BENCH}_b" >/dev/null
			psql "$FRONTLINE_PG/postgres" -qc "CREATE DATABASE fl_bench_${BENCH}_b TEMPLATE fl_bench_$BENCH" >/dev/null
			URL_B=$FRONTLINE_PG/fl_bench_${BENCH}_b
		else
			sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
			URL_B=$WORK/$BENCH-b.db
			rm -f "$URL_B" "$URL_B-wal" "$URL_B-shm"
			cp "$URL" "$URL_B"
		fi
		"$BIN_B" init --db "$URL_B" >/dev/null
		migrated=$(($(date +%s) - t0))
	fi
	for ab in $BINS; do for kind in name email phone; do
		: >"$WORK/$BENCH-$kind-$ab-$size.tsv"
		: >"$WORK/$BENCH-cpu-$kind-$ab-$size.tsv"
	done; done
	for round in 1 2 3; do
		for ab in $BINS; do
			[ -n "$SPID" ] || serve_as "$ab" "$size"
			h=$(wrk_rps "healthz-$ab-$size-$round" - /healthz)
			for kind in name email phone; do
				t0=$(cpu_ticks)
				r=$(BENCH_SEARCHES=$WORK/$BENCH-queries-$kind.txt wrk_rps "$kind-$ab-$size-$round" scripts/bench/search.lua /)
				t1=$(cpu_ticks)
				n=$(awk '/requests in/ {print $1}' "$WORK/wrk-$BENCH-$kind-$ab-$size-$round.txt")
				echo "$r $h" >>"$WORK/$BENCH-$kind-$ab-$size.tsv"
				echo "$t0 $t1 $n" >>"$WORK/$BENCH-cpu-$kind-$ab-$size.tsv"
			done
			[ -z "$BIN_B" ] || bench_stop
		done
	done
	for kind in name email phone; do
		if [ -n "$BIN_B" ]; then
			bench_medians "$size" "$kind A" "$grown" "$WORK/$BENCH-$kind-A-$size.tsv"
			bench_medians "$size" "$kind B" "$migrated" "$WORK/$BENCH-$kind-B-$size.tsv"
		else
			bench_medians "$size" "$kind" "$grown" "$WORK/$BENCH-$kind-A-$size.tsv"
		fi
	done
	[ -z "$SPID" ] || bench_stop
done
# the server's CPU per search (utime + stime over the wrk run / its requests): far less moved by
# other sessions' load than a rate
{
	echo
	echo "Server CPU per search, µs (median of the rounds; the rounds):"
	echo
	echo "| cases | search by | CPU µs per search (rounds) |"
	echo "|---:|---|---:|"
	for size in $SIZES; do for kind in name email phone; do for ab in $BINS; do
		awk -v s="$size" -v k="$kind${BIN_B:+ $ab}" -v tck="$(getconf CLK_TCK)" '
			{ n++; v[n] = ($2 - $1) * 1e6 / tck / $3; all = all (n > 1 ? ", " : "") sprintf("%.0f", v[n]) }
			END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
			      printf "| %d | %s | **%.0f** (%s) |\n", s, k, v[2], all }' "$WORK/$BENCH-cpu-$kind-$ab-$size.tsv"
	done; done; done
} >>"$OUT"
cat "$OUT"
