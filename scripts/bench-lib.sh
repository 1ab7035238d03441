# The set-up shared by the benchmarks that grow one organization with plain INSERTs and measure
# the release server with wrk against /healthz in the same round (bench-search.sh,
# bench-queues.sh).  Source it after `set -eu` and `cd` to the repository, with BENCH set to the
# benchmark's name (it names the binary, the database, the files under build/bench and the
# messages).
#
# bench_setup: CONN (BENCH_CONNECTIONS, 4), DUR (BENCH_DURATION, 5s), WORK (build/bench), BIN (a
#   copy of ./frontline, or of BENCH_BIN), URL (build/bench/$BENCH.db, or with FRONTLINE_PG a fresh database
#   fl_bench_$BENCH), BACKEND (sqlite or postgres), OUT (build/bench/$BENCH-$BACKEND.md), sql()
#   (runs one statement, rows as a|b lines), SPID (the server, killed on exit); then `frontline init`
#   and `bench-seed --orgs 2 --cases 100`, and ORG (bench-01's id), AGENT (agent-1's id), TEAM
#   (agent-1's team), NOW (ms).
# bench_customers FROM TO [SQL-PREFIX]: customers FROM+1 .. TO in bench-01 ("Customer i",
#   customeri@example.com, +1 555 i); SQL-PREFIX is a WITH clause defining n(i) (default: one for
#   FROM+1 .. TO).
# bench_report TITLE COLUMN: the report's head (machine, load, wrk settings, table header) into OUT.
# bench_serve NAME: start the server on a free PORT (SPID), wait for /healthz; TOK gets a new API
#   token of agent-1 named NAME.
# wrk_rps NAME LUA-OR-- PATH: requests/s of one wrk run (output in build/bench/wrk-$BENCH-NAME.*).
# bench_medians SIZE KIND GROWN TSV: the report's row from TSV ("req/s healthz-req/s" a round).
# bench_stop: stop the server.

bench_setup() {
	CONN=${BENCH_CONNECTIONS:-4}
	DUR=${BENCH_DURATION:-5s}
	WORK=$PWD/build/bench
	mkdir -p "$WORK"
	BIN=$WORK/frontline-$BENCH
	[ -n "${BENCH_BIN:-}" ] || [ -x frontline ] || make -s frontline
	cp "${BENCH_BIN:-frontline}" "$BIN"
	if [ -n "${FRONTLINE_PG:-}" ]; then
		psql "$FRONTLINE_PG/postgres" -qc "DROP DATABASE IF EXISTS fl_bench_$BENCH" >/dev/null
		psql "$FRONTLINE_PG/postgres" -qc "CREATE DATABASE fl_bench_$BENCH" >/dev/null
		URL=$FRONTLINE_PG/fl_bench_$BENCH
		sql() { psql "$URL" -qtAc "$1"; }
		BACKEND=postgres
	else
		URL=$WORK/$BENCH.db
		rm -f "$URL" "$URL-wal" "$URL-shm"
		sql() { sqlite3 -cmd ".timeout 60000" "$URL" "$1"; }
		BACKEND=sqlite
	fi
	OUT=$WORK/$BENCH-$BACKEND.md
	SPID=
	trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true' EXIT

	"$BIN" init --db "$URL" >/dev/null
	"$BIN" bench-seed --db "$URL" --orgs 2 --cases 100 >/dev/null 2>&1
	ORG=$(sql "SELECT id FROM orgs WHERE slug = 'bench-01'")
	AGENT=$(sql "SELECT id FROM people WHERE org_id = '$ORG' AND email = 'agent-1@bench-01.example'")
	TEAM=$(sql "SELECT team_id FROM people WHERE id = '$AGENT'")
	NOW=$(($(date +%s) * 1000))
}

bench_customers() {
	local n=${3:-"WITH RECURSIVE n(i) AS (SELECT $1 + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)"}
	sql "$n INSERT INTO customers (org_id, id, name, name_lc, email, phone, phone_digits, created_at)
	     SELECT '$ORG', 'cus_1000000000000000000' || (1000000 + i), 'Customer ' || i, 'customer ' || i,
	            'customer' || i || '@example.com', '+1 555 ' || i, '1555' || i, $NOW FROM n" >/dev/null
}

bench_report() {
	{
		echo "# $1 ($BACKEND)"
		echo
		echo "- $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "- $(date -u +%Y-%m-%dT%H:%MZ); wrk -t2 -c$CONN -d$DUR; median of 3 rounds, each share against the same round's /healthz"
		echo
		echo "| cases in the organization | grow s | $2 | share of /healthz (rounds) | req/s (median) |"
		echo "|---:|---:|---|---:|---:|"
	} >"$OUT"
}

bench_serve() {
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$BIN" serve --db "$URL" --listen "127.0.0.1:$PORT" >"$WORK/server-$BENCH.log" 2>&1 &
	SPID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
	TOK=$("$BIN" token create --db "$URL" --org bench-01 --as agent-1@bench-01.example --name "$1" --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

wrk_rps() {
	local args=(-t2 -c"$CONN" -d"$DUR" --latency --timeout 10s)
	[ "$2" != - ] && args+=(-s "$2")
	wrk "${args[@]}" "http://127.0.0.1:$PORT$3" >"$WORK/wrk-$BENCH-$1.txt" 2>"$WORK/wrk-$BENCH-$1.err"
	if grep -q unexpected "$WORK/wrk-$BENCH-$1.err"; then echo "bench-$BENCH: errors in $1" >&2; fi
	awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$BENCH-$1.txt"
}

bench_medians() {
	awk -v s="$1" -v k="$2" -v g="$3" '
		{ n++; r[n] = $1; q[n] = $1 / $2; all = all (n > 1 ? ", " : "") sprintf("%.1f%%", 100 * $1 / $2) }
		END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) { if (q[j] < q[i]) { x = q[i]; q[i] = q[j]; q[j] = x } if (r[j] < r[i]) { x = r[i]; r[i] = r[j]; r[j] = x } }
		      printf "| %d | %d | %s | **%.1f%%** (%s) | %.0f |\n", s, g, k, 100 * q[2], all, r[2] }' "$4" >>"$OUT"
}

bench_stop() {
	kill "$SPID"
	wait "$SPID" 2>/dev/null || true
	SPID=
}
