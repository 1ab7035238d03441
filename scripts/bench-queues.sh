#!/bin/bash
# The Cases page (issue 15) at QUEUE_SIZES cases in one organization (default 100000 1000000): each
# view's first page, the view counts and the search box, as a share of /healthz measured in the same
# round.  One database grows from size to size: `frontline bench-seed` makes the organizations and
# people through the services, then plain INSERTs add customers and cases to bench-01, spread over
# its ten agents (one team), seven channels and three locations; every other ten cases resolved within
# the last 30 days, every tenth with a promise (a quarter of them broken in the last two days, a quarter at risk, the
# rest due in 2 to 50 days: nothing for the scheduler to do while measuring), every thousandth
# offered to agent-1.  The triggers of migrations 0012 and 0015 keep the
# search index and each case's due and risk times, as for any write.  The release server is measured
# by wrk at BENCH_CONNECTIONS (4) for BENCH_DURATION (5s): three rounds of /healthz, then every kind;
# the median share per kind goes to build/bench/queues-<backend>.md.
# Environment: QUEUE_SIZES; FRONTLINE_PG=postgres://... (PostgreSQL: a fresh database
# fl_bench_queues); BENCH_CONNECTIONS, BENCH_DURATION; QUEUE_KINDS (a subset of the kinds below).
set -eu
cd "$(dirname "$0")/.."
SIZES=${QUEUE_SIZES:-"100000 1000000"}
BENCH=queues
. scripts/bench-lib.sh
bench_setup
sql "INSERT INTO locations (org_id, id, name, tz, address, hours, created_at)
     SELECT '$ORG', 'loc_bench' || n, 'Bench Site ' || n, 'UTC', '', '{}', 0 FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) k" >/dev/null
# the agents as "k|id" lines (k = 0..9), turned into one CASE expression on i % 10
OWNER="CASE i % 10$(sql "SELECT email, id FROM people WHERE org_id = '$ORG' AND email LIKE 'agent-%'" |
	awk -F'|' '{ split($1, a, "[-@]"); printf " WHEN %d THEN '\''%s'\''", a[2] - 1, $2 }') END"

grow() { # from to: customers, cases, promises and offers from+1 .. to in bench-01
	local from=$1 to=$2 n="WITH RECURSIVE n(i) AS (SELECT $1 + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)"
	bench_customers "$from" "$to" "$n"
	sql "$n INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by,
	                        intake_location_id, created_at, updated_at, resolved_at, resolution)
	     SELECT '$ORG', 'case_1000000000000000000' || (1000000 + i), 1000000 + i, 'cus_1000000000000000000' || (1000000 + i),
	            'Router keeps dropping (bench ' || i || ')',
	            CASE i % 7 WHEN 0 THEN 'chat' WHEN 1 THEN 'phone' WHEN 2 THEN 'email' WHEN 3 THEN 'web' WHEN 4 THEN 'store'
	                       WHEN 5 THEN 'social' ELSE 'in_person' END,
	            CASE WHEN (i / 10) % 2 = 0 THEN 'resolved' ELSE 'open' END, $OWNER, '$TEAM', $OWNER, 'loc_bench' || (1 + i % 3),
	            $NOW - 86400000 * 60 + i, $NOW - (i % 1000) * 60000,
	            CASE WHEN (i / 10) % 2 = 0 THEN $NOW - (i % 30) * 86400000 END, CASE WHEN (i / 10) % 2 = 0 THEN 'fixed' ELSE '' END
	     FROM n" >/dev/null
	sql "$n INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, status, at_risk_at, created_at, closed_at)
	     SELECT '$ORG', 'prom_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + i),
	            'call back', CASE WHEN (i / 10) % 4 = 0 THEN $NOW - (i % 48) * 3600000 ELSE $NOW + (2 + i % 48) * 86400000 END,
	            $OWNER, 'phone', CASE WHEN (i / 10) % 4 = 0 THEN 'broken' ELSE 'pending' END,
	            CASE WHEN (i / 10) % 4 = 1 THEN $NOW - 3600000 END, $NOW - 86400000,
	            CASE WHEN (i / 10) % 4 = 0 THEN $NOW - (i % 48) * 3600000 END
	     FROM n WHERE i % 10 = 1" >/dev/null
	sql "$n INSERT INTO offers (org_id, id, case_id, from_id, to_id, status, created_at)
	     SELECT '$ORG', 'offer_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + i),
	            $OWNER, '$AGENT', 'pending', $NOW FROM n WHERE i % 1000 = 13" >/dev/null
}

KINDS=${QUEUE_KINDS:-"mine team_due open_created at_risk offered resolved filtered counts search_view search_name search_email search_phone"}
paths() { # kind size token -> the kind's request paths, one per line
	local kind=$1 size=$2 tok=$3
	/usr/bin/python3 - "$kind" "$size" "$tok" <<'PY'
import random, sys
kind, size, tok = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(size)
picks = [rnd.randint(size // 10, size - 1) for _ in range(300)]
fixed = {
    "mine": "/api/v1/queue?view=mine",
    "team_due": "/api/v1/queue?view=team&sort=due",
    "open_created": "/api/v1/queue?view=open&sort=created",
    "at_risk": "/api/v1/queue?view=at_risk",
    "offered": "/api/v1/queue?view=offered",
    "resolved": "/api/v1/queue?view=resolved",
    "filtered": "/api/v1/queue?view=open&channel=chat&location=Bench%20Site%202&sort=due",
    "counts": "/api/v1/queue/counts",
}
for i in picks:
    p = fixed.get(kind) or {
        "search_view": "/api/v1/queue?view=open&q=Customer%%20%d" % (i | 1),
        "search_name": "/api/v1/cases?q=Customer%%20%d" % i,
        "search_email": "/api/v1/cases?q=customer%d%%40example" % i,
        "search_phone": "/api/v1/cases?q=555%%20%d" % i,
    }[kind]
    print(tok, p)
PY
}

bench_report "Cases page benchmark" request
have=0
for size in $SIZES; do
	t0=$(date +%s)
	grow "$have" "$size"
	have=$size
	[ "$BACKEND" = postgres ] && sql "ANALYZE" >/dev/null
	grown=$(($(date +%s) - t0))
	bench_serve "queues-$size"
	for kind in $KINDS; do paths "$kind" "$size" "$TOK" >"$WORK/queues-$kind.txt"; : >"$WORK/queues-$kind-$size.tsv"; done
	for round in 1 2 3; do
		h=$(wrk_rps "healthz-$size-$round" - /healthz)
		for kind in $KINDS; do
			r=$(BENCH_PATHS=$WORK/queues-$kind.txt wrk_rps "$kind-$size-$round" scripts/bench/paths.lua /)
			echo "$r $h" >>"$WORK/queues-$kind-$size.tsv"
		done
	done
	for kind in $KINDS; do
		bench_medians "$size" "$kind" "$grown" "$WORK/queues-$kind-$size.tsv"
	done
	bench_stop
done
cat "$OUT"
