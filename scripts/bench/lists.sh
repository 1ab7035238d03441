# shellcheck shell=bash
# bench_lists BIN URL BASE ORGS WORK SIZE: tokens for agent-1 of up to 10 organizations (comma-separated
# in BENCH_LIST_TOKENS) and the cases each of them may read, written to WORK/{reads,searches,open}-SIZE.txt
# as "TOKEN CASE_ID" / "TOKEN CUSTOMER_NAME" lines (the server at BASE serves URL).  Sourced by
# scripts/bench.sh and scripts/bench-ab.sh.
bench_lists() {
	local bin=$1 url=$2 base=$3 orgs=$4 work=$5 size=$6 g slug tok
	BENCH_LIST_TOKENS=""
	: >"$work/reads-$size.txt"
	: >"$work/searches-$size.txt"
	: >"$work/open-$size.txt"
	for g in $(seq 1 $((orgs < 10 ? orgs : 10))); do
		slug=$(printf 'bench-%02d' "$g")
		tok=$("$bin" token create --db "$url" --org "$slug" --as "agent-1@$slug.example" --name bench --json |
			/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
		BENCH_LIST_TOKENS="$BENCH_LIST_TOKENS${BENCH_LIST_TOKENS:+,}$tok"
		curl -sf -H "Authorization: Bearer $tok" "$base/api/v1/cases?limit=100" |
			/usr/bin/python3 -c '
import json, sys, urllib.parse
tok, reads, searches, opens = sys.argv[1:]
with open(reads, "a") as r, open(searches, "a") as s, open(opens, "a") as o:
    for c in json.load(sys.stdin)["items"]:
        print(tok, c["id"], file=r)
        print(tok, urllib.parse.quote(c["customer"]["name"]), file=s)
        if c["status"] == "open":
            print(tok, c["id"], file=o)' "$tok" "$work/reads-$size.txt" "$work/searches-$size.txt" "$work/open-$size.txt"
	done
}
