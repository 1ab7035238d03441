#!/bin/bash
# One organization's durable-write ceiling on PostgreSQL (issue 14): before migration 0039 every write
# of an organization took its history chain head (org_heads) until it committed, so one organization's
# writers queued on that row; since, a case's events take its own head (store/event.h).  Measures durable case creation (POST /api/v1/cases, wrk, CHAIN_CONNECTIONS
# connections) into ONE organization and into TEN, with `serve --group-commit off` (each write its own
# transaction: the chain head is held through every commit) and `--group-commit on` (one writer
# batches the writes: the head is taken once per batch), alternating, CHAIN_ROUNDS rounds, each
# against the same server's /healthz in the same minute.  PostgreSQL in a throwaway cluster with
# fsync on (scripts/pg-cluster.sh).  Report: build/bench/chain.md.
#
#   CHAIN_CONNECTIONS=32 CHAIN_DURATION=10s CHAIN_ROUNDS=2 scripts/bench-chain.sh
#
# A/B of builds: CHAIN_BINS="OLD/frontline NEW/frontline" (default: ./frontline) measures each build
# in every round, alternating, each on its own database (initialized and seeded by that build, so a
# build with a newer schema is measured on it); CHAIN_GC="off" (default "off on") limits the
# --group-commit settings.
set -eu
cd "$(dirname "$0")/.."
CONN=${CHAIN_CONNECTIONS:-32}
DUR=${CHAIN_DURATION:-10s}
ROUNDS=${CHAIN_ROUNDS:-2}
WORK=$PWD/build/bench
OUT=$WORK/chain.md
GCS=${CHAIN_GC:-off on}
mkdir -p "$WORK"
if [ -z "${CHAIN_BINS:-}" ]; then
	[ -x frontline ] || make -s frontline
	CHAIN_BINS=$PWD/frontline
fi
BINS=()
for b in $CHAIN_BINS; do # copies, so a rebuild meanwhile changes nothing
	BINS+=("$WORK/frontline-chain-${#BINS[@]}")
	cp "$b" "${BINS[-1]}"
done
eval "$(PG_FSYNC=on scripts/pg-cluster.sh start)"
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; scripts/pg-cluster.sh stop "$PG_DIR"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tokens() { # the first N organizations' agent-1 tokens in database $2 by build $3, comma-separated
	local n=$1 g out=""
	for g in $(seq 1 "$n"); do
		slug=$(printf 'bench-%02d' "$g")
		out="$out${out:+,}$("$3" token create --db "$2" --org "$slug" --as "agent-1@$slug.example" --name chain --json |
			/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
	done
	echo "$out"
}
ONE=()
TEN=()
for i in "${!BINS[@]}"; do
	psql "$PG_URL/postgres" -qc "CREATE DATABASE fl_chain_$i" >/dev/null
	"${BINS[$i]}" init --db "$PG_SOCKET_URL/fl_chain_$i" >/dev/null
	"${BINS[$i]}" bench-seed --db "$PG_SOCKET_URL/fl_chain_$i" --orgs 10 --cases 1000 >/dev/null 2>&1
	ONE+=("$(tokens 1 "$PG_SOCKET_URL/fl_chain_$i" "${BINS[$i]}")")
	TEN+=("$(tokens 10 "$PG_SOCKET_URL/fl_chain_$i" "${BINS[$i]}")")
done

rate() { # path script tokens -> requests/s
	BENCH_TOKENS=$3 wrk -t2 -c"$CONN" -d"$DUR" --timeout 10s ${2:+-s "$2"} "http://127.0.0.1:$PORT$1" 2>"$WORK/chain-wrk.err" |
		awk '/Requests\/sec/ {print $2}'
}

: >"$WORK/chain.tsv"
for round in $(seq 1 "$ROUNDS"); do
	for i in "${!BINS[@]}"; do
		for gc in $GCS; do
			PORT=$(free_port)
			"${BINS[$i]}" serve --db "$PG_SOCKET_URL/fl_chain_$i" --listen "127.0.0.1:$PORT" --group-commit "$gc" \
				>"$WORK/chain-server.log" 2>&1 &
			SERVER=$!
			for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
			load=$(cut -d' ' -f1 /proc/loadavg)
			h=$(rate /healthz "" "")
			one=$(rate / scripts/bench/create.lua "${ONE[$i]}")
			ten=$(rate / scripts/bench/create.lua "${TEN[$i]}")
			errors=$(grep -c unexpected "$WORK/chain-wrk.err" || true)
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$gc" "$h" "$one" "$ten" "$errors" "$i" "$load" >>"$WORK/chain.tsv"
			kill "$SERVER"
			wait "$SERVER" 2>/dev/null || true
			SERVER=
		done
	done
done
{
	echo "# One organization's durable-write ceiling on PostgreSQL ($(psql -tAc 'SHOW server_version' "$PG_URL/postgres" | cut -d' ' -f1), fsync on)"
	echo
	echo "- $(nproc) cores; load average after: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONN -d$DUR; $(date -u +%FT%TZ)"
	for i in "${!BINS[@]}"; do
		echo "- build $i: $(echo $CHAIN_BINS | cut -d' ' -f$((i + 1)))"
	done
	echo
	echo "| round | build | --group-commit | load | /healthz req/s | POST case, 1 org | share of /healthz | POST case, 10 orgs | share of /healthz | 1 org / 10 orgs | errors |"
	echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %.0f | %.0f | %.1f%% | %.0f | %.1f%% | %.2f | %s |\n", $1, $7, $2, $8, $3, $4, 100 * $4 / $3, $5, 100 * $5 / $3, $4 / $5, $6 }' "$WORK/chain.tsv"
	echo
	awk -F'\t' '{ one[$7 " " $2] += $4; ten[$7 " " $2] += $5; n[$7 " " $2]++ } END {
		for (k in one) printf "- build, --group-commit %s: one organization %.0f/s, ten %.0f/s (means over rounds), one / ten %.2f\n", k, one[k] / n[k], ten[k] / n[k], one[k] / ten[k]
		if (("0 on" in one) && ("0 off" in one)) printf "- group commit (on / off, build 0): one organization %.2f×, ten organizations %.2f×\n", one["0 on"] / one["0 off"], ten["0 on"] / ten["0 off"]
		if (("1 off" in one) && ("0 off" in one)) printf "- build 1 / build 0 (off): one organization %.2f×, ten organizations %.2f×\n", one["1 off"] / one["0 off"], ten["1 off"] / ten["0 off"] }' "$WORK/chain.tsv" | sort
} >"$OUT"
cat "$OUT"
