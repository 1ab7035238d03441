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
CONN=${BENCH_CONNECTIONS:-4}
DUR=${BENCH_DURATION:-5s}
WORK=$PWD/build/bench
mkdir -p "$WORK"
BIN=$WORK/frontline-search
[ -x frontline ] || make -s frontline
cp frontline "$BIN"
if [ -n "${FRONTLINE_PG:-}" ]; then
	psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bench_search" >/dev/null
	psql "$FRONTLINE_PG/postgres" -qc "CREATE DATABASE fl_bench_search" >/dev/null
	URL=$FRONTLINE_PG/fl_bench_search
	sql() { psql "$URL" -qtAc "$1"; }
	BACKEND=postgres
else
	URL=$WORK/search.db
	rm -f "$URL" "$URL-wal" "$URL-shm"
	sql() { sqlite3 -cmd ".timeout 60000" "$URL" "$1"; }
	BACKEND=sqlite
fi
OUT=$WORK/search-$BACKEND.md
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true' EXIT

"$BIN" init --db "$URL" >/dev/null
"$BIN" bench-seed --db "$URL" --orgs 2 --cases 100 >/dev/null 2>&1
ORG=$(sql "SELECT id FROM orgs WHERE slug = 'bench-01'")
AGENT=$(sql "SELECT id FROM people WHERE org_id = '$ORG' AND email = 'agent-1@bench-01.example'")
TEAM=$(sql "SELECT team_id FROM people WHERE id = '$AGENT'")
NOW=$(($(date +%s) * 1000))

grow() { # from to: customers and cases from+1 .. to in bench-01
	local from=$1 to=$2
	sql "WITH RECURSIVE n(i) AS (SELECT $from + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $to)
	     INSERT INTO customers (org_id, id, name, name_lc, email, phone, phone_digits, created_at)
	     SELECT '$ORG', 'cus_1000000000000000000' || (1000000 + i), 'Customer ' || i, 'customer ' || i,
	            'customer' || i || '@example.com', '+1 555 ' || i, '1555' || i, $NOW FROM n" >/dev/null
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

wrk_rps() { # name lua-or-- path -> requests/s
	local args=(-t2 -c"$CONN" -d"$DUR" --latency --timeout 10s)
	[ "$2" != - ] && args+=(-s "$2")
	wrk "${args[@]}" "http://127.0.0.1:$PORT$3" >"$WORK/wrk-search-$1.txt" 2>"$WORK/wrk-search-$1.err"
	if grep -q unexpected "$WORK/wrk-search-$1.err"; then echo "bench-search: errors in $1" >&2; fi
	awk '/Requests\/sec/ {print $2}' "$WORK/wrk-search-$1.txt"
}

{
	echo "# Search benchmark ($BACKEND)"
	echo
	echo "- $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- $(date -u +%Y-%m-%dT%H:%MZ); wrk -t2 -c$CONN -d$DUR; median of 3 rounds, each share against the same round's /healthz"
	echo
	echo "| cases in the organization | grow s | search by | share of /healthz (rounds) | req/s (median) |"
	echo "|---:|---:|---|---:|---:|"
} >"$OUT"
have=0
for size in $SIZES; do
	t0=$(date +%s)
	grow "$have" "$size"
	have=$size
	grown=$(($(date +%s) - t0))
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$BIN" serve --db "$URL" --listen "127.0.0.1:$PORT" >"$WORK/server-search.log" 2>&1 &
	SPID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
	TOK=$("$BIN" token create --db "$URL" --org bench-01 --as agent-1@bench-01.example --name search --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
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
		awk -v s="$size" -v k="$kind" -v g="$grown" '
			{ n++; r[n] = $1; q[n] = $1 / $2; all = all (n > 1 ? ", " : "") sprintf("%.1f%%", 100 * $1 / $2) }
			END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) { if (q[j] < q[i]) { x = q[i]; q[i] = q[j]; q[j] = x } if (r[j] < r[i]) { x = r[i]; r[i] = r[j]; r[j] = x } }
			      printf "| %d | %d | %s | **%.1f%%** (%s) | %.0f |\n", s, g, k, 100 * q[2], all, r[2] }' \
			"$WORK/search-$kind-$size.tsv" >>"$OUT"
	done
	kill "$SPID"; wait "$SPID" 2>/dev/null || true; SPID=
done
cat "$OUT"
