#!/bin/bash
# One organization's durable-write ceiling on PostgreSQL (issue 14): every write of an organization
# takes its history chain head (org_heads, store/event.h) until it commits, so one organization's
# writers queue on that row.  Measures durable case creation (POST /api/v1/cases, wrk, CHAIN_CONNECTIONS
# connections) into ONE organization and into TEN, with `serve --group-commit off` (each write its own
# transaction: the chain head is held through every commit) and `--group-commit on` (one writer
# batches the writes: the head is taken once per batch), alternating, CHAIN_ROUNDS rounds, each
# against the same server's /healthz in the same minute.  PostgreSQL in a throwaway cluster with
# fsync on (scripts/pg-cluster.sh).  Report: build/bench/chain.md.
#
#   CHAIN_CONNECTIONS=32 CHAIN_DURATION=10s CHAIN_ROUNDS=2 scripts/bench-chain.sh
set -eu
cd "$(dirname "$0")/.."
CONN=${CHAIN_CONNECTIONS:-32}
DUR=${CHAIN_DURATION:-10s}
ROUNDS=${CHAIN_ROUNDS:-2}
WORK=$PWD/build/bench
BIN=$WORK/frontline-chain
OUT=$WORK/chain.md
mkdir -p "$WORK"
[ -x frontline ] || make -s frontline
cp frontline "$BIN"
eval "$(PG_FSYNC=on scripts/pg-cluster.sh start)"
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; scripts/pg-cluster.sh stop "$PG_DIR"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

psql "$PG_URL/postgres" -qc "CREATE DATABASE fl_chain" >/dev/null
URL=$PG_SOCKET_URL/fl_chain
"$BIN" init --db "$URL" >/dev/null
"$BIN" bench-seed --db "$URL" --orgs 10 --cases 1000 >/dev/null 2>&1
tokens() { # the first N organizations' agent-1 tokens, comma-separated
	local n=$1 g out=""
	for g in $(seq 1 "$n"); do
		slug=$(printf 'bench-%02d' "$g")
		out="$out${out:+,}$("$BIN" token create --db "$URL" --org "$slug" --as "agent-1@$slug.example" --name chain --json |
			/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
	done
	echo "$out"
}
ONE=$(tokens 1)
TEN=$(tokens 10)

rate() { # path script tokens -> requests/s
	BENCH_TOKENS=$3 wrk -t2 -c"$CONN" -d"$DUR" --timeout 10s ${2:+-s "$2"} "http://127.0.0.1:$PORT$1" 2>"$WORK/chain-wrk.err" |
		awk '/Requests\/sec/ {print $2}'
}

: >"$WORK/chain.tsv"
for round in $(seq 1 "$ROUNDS"); do
	for gc in off on; do
		PORT=$(free_port)
		"$BIN" serve --db "$URL" --listen "127.0.0.1:$PORT" --group-commit "$gc" >"$WORK/chain-server.log" 2>&1 &
		SERVER=$!
		for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
		h=$(rate /healthz "" "")
		one=$(rate / scripts/bench/create.lua "$ONE")
		ten=$(rate / scripts/bench/create.lua "$TEN")
		errors=$(grep -c unexpected "$WORK/chain-wrk.err" || true)
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$gc" "$h" "$one" "$ten" "$errors" >>"$WORK/chain.tsv"
		kill "$SERVER"
		wait "$SERVER" 2>/dev/null || true
		SERVER=
	done
done
{
	echo "# One organization's durable-write ceiling on PostgreSQL ($(psql -tAc 'SHOW server_version' "$PG_URL/postgres" | cut -d' ' -f1), fsync on)"
	echo
	echo "- $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONN -d$DUR; $(date -u +%FT%TZ)"
	echo
	echo "| round | --group-commit | /healthz req/s | POST case, 1 org | share of /healthz | POST case, 10 orgs | share of /healthz | errors |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '{ printf "| %s | %s | %.0f | %.0f | %.1f%% | %.0f | %.1f%% | %s |\n", $1, $2, $3, $4, 100 * $4 / $3, $5, 100 * $5 / $3, $6 }' "$WORK/chain.tsv"
	echo
	awk -F'\t' '{ one[$2] += $4; ten[$2] += $5 } END { printf "Ceiling raised (on / off, sums over rounds): one organization %.2f×, ten organizations %.2f×\n", one["on"] / one["off"], ten["on"] / ten["off"] }' "$WORK/chain.tsv"
} >"$OUT"
cat "$OUT"
