#!/bin/bash
# The whole suite: C unit tests (ASan+UBSan), end-to-end tests over HTTP against the sanitized
# binary on SQLite and (when PostgreSQL is installed) on a throwaway PostgreSQL cluster, and the
# browser tests.
#
# Suites are independent, so TEST_JOBS of them (default 2) run at once; each suite's output is
# collected in its own file and its summary is printed in the fixed order below, never interleaved.
# The slowest suites (as measured by the last run, build/test-times; on a first run: the browser,
# then PostgreSQL, then SQLite) start first.
#
# Every suite ends with "N passed, N failed", preceded by "N skipped" when some of its tests did not
# apply here.  A suite that passed nothing and skipped nothing counts as a failure (it ran nothing).
# The suite ends with a line naming the suites with skipped tests ("N skipped: ..."), then the last
# line "N passed, N failed"; the exit status is non-zero when anything failed.
#
#   scripts/run-tests.sh [unit test binaries...]
#   NO_PG=1 NO_BROWSER=1 NO_FUZZ=1 VERBOSE=1 TEST_JOBS=1    (skip PostgreSQL / the browser / the fuzz replay;
#                                                            show every output; serial)
#   E2E="tests/e2e/test_cli.py tests/e2e/test_api.py"   (only these end-to-end files)
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export FRONTLINE_BIN=${FRONTLINE_BIN:-$PWD/build/san/frontline}
PY=/usr/bin/python3
JOBS=${TEST_JOBS:-2}
TIMES=build/test-times
E2E=${E2E:-$(echo tests/e2e/test_*.py)}
OUT=$(mktemp -d /tmp/fl-tests-XXXXXX)
pg_started=
cleanup() {
	[ -n "$pg_started" ] && scripts/pg-cluster.sh stop
	rm -rf "$OUT"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the suites, in print order
names=()
cmds=()
add() { names+=("$1"); cmds+=("$2"); }

for t in "$@"; do add "unit $(basename "$t")" "$t"; done
add "layers" scripts/check-layers.sh
add "storage errors" scripts/check-storage-errors.py
# every kept fuzzing input, once each, through its harness (build/fuzz/*, built by `make test-run`): seconds
[ -n "${NO_FUZZ:-}" ] || add "fuzz replay" scripts/fuzz-replay.sh
for t in $E2E; do add "e2e $(basename "$t" .py) [sqlite]" "$PY $t"; done
if [ -z "${NO_PG:-}" ] && [ -x scripts/pg-cluster.sh ] && scripts/pg-cluster.sh available; then
	eval "$(scripts/pg-cluster.sh start)"
	pg_started=1
	for t in $E2E; do
		grep -q 'SQLITE_ONLY' "$t" && continue
		add "e2e $(basename "$t" .py) [postgres]" "FRONTLINE_PG=$PG_URL $PY $t"
	done
fi
if [ -z "${NO_BROWSER:-}" ] && [ -f web/package.json ] && [ -d web/tests ]; then
	(cd web && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null 2>&1)
	add "browser" "node web/tests/run.mjs"
fi
n=${#names[@]}

# ---------------------------------------------------------------- running them, slowest first
last_secs() { # name -> seconds the last run took (a guess by kind on a first run, as on CI)
	local s
	s=$( [ -f "$TIMES" ] && awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$TIMES" | tail -n 1)
	case "$s:$1" in
	:browser) s=120 ;;
	*'[postgres]') s=${s:-60} ;;
	*'[sqlite]') s=${s:-40} ;;
	esac
	echo "${s:-1}"
}

start() { # index
	local i=$1
	(
		t0=$(date +%s)
		eval "${cmds[$i]}" >"$OUT/$i.out" 2>&1
		rc=$?
		echo $(($(date +%s) - t0)) >"$OUT/$i.secs"
		echo $rc >"$OUT/$i.rc"
	) &
}

order=$(for ((i = 0; i < n; i++)); do printf '%s\t%s\n' "$(last_secs "${names[$i]}")" "$i"; done |
	sort -t$'\t' -k1,1nr -k2,2n | cut -f2)

# ---------------------------------------------------------------- reading their summaries
total_pass=0
total_fail=0
total_skip=0
failed_suites=()
skipped_suites=()

tally() { # index: print the suite's line, add it to the totals
	local i=$1 name=${names[$1]} out=$OUT/$1.out rc line pass fail skip note
	rc=$(cat "$OUT/$i.rc")
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	skip=$(grep -oE '^[0-9]+ skipped' "$out" | tail -n 1)
	skip=${skip%% *}
	skip=${skip:-0}
	pass=${line%% passed*}
	fail=${line#*, }
	fail=${fail%% failed}
	note=$line
	if [ -z "$line" ]; then pass=0 fail=1 note="no summary (crashed?)"; fi
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1 note="$note, but exited with $rc"; fi
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$skip" -eq 0 ]; then fail=1 note="ran nothing"; fi
	[ "$skip" -gt 0 ] && note="$note, $skip skipped" && skipped_suites+=("$name ($skip)")
	[ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && note="skipped ($skip)"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	[ "$fail" -ne 0 ] && failed_suites+=("$name")
	printf '%-44s %s (%ss)\n' "$name" "$note" "$(cat "$OUT/$i.secs")"
	if [ "$fail" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then sed 's/^/    /' "$out" | tail -n 60; fi
	printf '%s\t%s\n' "$name" "$(cat "$OUT/$i.secs")" >>"$OUT/times"
}

running=0
shown=0
for i in $order; do
	while [ "$running" -ge "$JOBS" ]; do
		wait -n
		running=$((running - 1))
	done
	start "$i"
	running=$((running + 1))
	while [ "$shown" -lt "$n" ] && [ -f "$OUT/$shown.rc" ]; do tally "$shown"; shown=$((shown + 1)); done
done
wait
while [ "$shown" -lt "$n" ]; do tally "$shown"; shown=$((shown + 1)); done

# this run's times first, then the suites it did not run (E2E=..., NO_PG=1) from the last one
mkdir -p "$(dirname "$TIMES")" && cat "$OUT/times" "$TIMES" 2>/dev/null | awk -F'\t' '!seen[$1]++' >"$OUT/merged" &&
	mv "$OUT/merged" "$TIMES"
[ ${#failed_suites[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_suites[*]}"
if [ "$total_skip" -gt 0 ]; then
	printf '%d skipped:' "$total_skip"
	printf ' %s,' "${skipped_suites[@]}" | sed 's/,$//'
	echo
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
