#!/bin/bash
# Where one organization's durable writes wait on PostgreSQL (issue 14): runs POST case and POST
# promise into ONE organization at PROBE_CONNECTIONS connections and samples, every 50 ms,
# pg_stat_activity (what each server connection waits on) and pg_locks (which relation a blocked
# connection wants, and which row-lock holder blocks it).  Report: build/bench/chain-probe.md.
#
#   PROBE_BIN=path/to/frontline PROBE_CONNECTIONS=32 PROBE_DURATION=10 scripts/bench-chain-probe.sh
set -eu
cd "$(dirname "$0")/.."
CONN=${PROBE_CONNECTIONS:-32}
DUR=${PROBE_DURATION:-10}
WORK=$PWD/build/bench
BIN=${PROBE_BIN:-$PWD/frontline}
OUT=$WORK/chain-probe.md
mkdir -p "$WORK"
eval "$(PG_FSYNC=on scripts/pg-cluster.sh start)"
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; scripts/pg-cluster.sh stop "$PG_DIR"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

psql "$PG_URL/postgres" -qc "CREATE DATABASE fl_probe" >/dev/null
URL=$PG_SOCKET_URL/fl_probe
"$BIN" init --db "$URL" >/dev/null
"$BIN" bench-seed --db "$URL" --orgs 2 --cases 1000 >/dev/null 2>&1
TOKEN=$("$BIN" token create --db "$URL" --org bench-01 --as agent-1@bench-01.example --name probe --json |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
psql -tAc "SELECT '$TOKEN ' || c.id FROM cases c JOIN orgs o ON o.id = c.org_id WHERE o.slug = 'bench-01' AND c.status = 'open' LIMIT 500" \
	"$PG_URL/fl_probe" >"$WORK/probe-open.txt"

PORT=$(free_port)
"$BIN" serve --db "$URL" --listen "127.0.0.1:$PORT" --group-commit off >"$WORK/probe-server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# One sample: every active server connection's wait, and for each connection waiting on a lock,
# the lock type, relation and what the holder is running.
SAMPLE="
SELECT 'wait', COALESCE(a.wait_event_type, 'CPU') || ':' || COALESCE(a.wait_event, '-'), 1
  FROM pg_stat_activity a WHERE a.datname = 'fl_probe' AND a.state = 'active' AND a.pid <> pg_backend_pid()
UNION ALL
SELECT 'lock', left(regexp_replace(a.query, '\s+', ' ', 'g'), 60) || ' (' || l.locktype || ' '
       || COALESCE(l.relation::regclass::text, '') || ') <- holder: ' || COALESCE(left(regexp_replace(h.query, '\s+', ' ', 'g'), 50), '?'), 1
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  LEFT JOIN LATERAL (SELECT b.query FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(l.pid))[1]) h ON true
  WHERE NOT l.granted AND a.datname = 'fl_probe';"
probe() { # label lua tokens-or-open-file -> samples appended to $WORK/probe-$label.tsv
	local label=$1 lua=$2 end
	: >"$WORK/probe-$label.tsv"
	BENCH_TOKENS=$TOKEN BENCH_OPEN=$WORK/probe-open.txt wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 10s -s "$lua" \
		"http://127.0.0.1:$PORT/" >"$WORK/probe-$label.wrk" 2>&1 &
	local w=$!
	sleep 1
	end=$((SECONDS + DUR - 2))
	while [ $SECONDS -lt $end ]; do
		psql -XqtA -F $'\t' -c "$SAMPLE" "$PG_URL/fl_probe" >>"$WORK/probe-$label.tsv" 2>/dev/null || true
		sleep 0.05
	done
	wait $w
}
probe case scripts/bench/create.lua
probe promise scripts/bench/promise.lua
{
	echo "# Where one organization's writes wait (PostgreSQL $(psql -tAc 'SHOW server_version' "$PG_URL/postgres" | cut -d' ' -f1), fsync on)"
	echo
	echo "- $BIN; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); wrk -c$CONN ${DUR}s; $(date -u +%FT%TZ)"
	for label in case promise; do
		echo
		echo "## POST $label, one organization: $(awk '/Requests\/sec/ {print $2}' "$WORK/probe-$label.wrk") req/s"
		echo
		echo "| samples | what an active connection waits on |"
		echo "|---:|---|"
		awk -F'\t' '$1 == "wait" { n[$2]++ } END { for (k in n) printf "| %d | %s |\n", n[k], k }' "$WORK/probe-$label.tsv" | sort -t'|' -k2 -nr
		echo
		echo "| samples | the blocked statement (lock type, relation) <- what its holder runs now |"
		echo "|---:|---|"
		awk -F'\t' '$1 == "lock" { n[$2]++ } END { for (k in n) printf "| %d | %s |\n", n[k], k }' "$WORK/probe-$label.tsv" | sort -t'|' -k2 -nr | head -15
	done
} >"$OUT"
cat "$OUT"
