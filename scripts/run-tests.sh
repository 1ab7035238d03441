#!/bin/bash
# The whole suite: C unit tests (ASan+UBSan), end-to-end tests over HTTP against the sanitized
# binary on SQLite and (when PostgreSQL is installed) on a throwaway PostgreSQL cluster, and the
# browser tests.  Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export FRONTLINE_BIN=${FRONTLINE_BIN:-$PWD/build/san/frontline}
PY=/usr/bin/python3
total_pass=0
total_fail=0
failed_suites=()

tally() { # name, output file, exit code
	local line pass fail
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -n 1)
	pass=${line%% passed*}
	fail=${line#*, }
	fail=${fail%% failed}
	if [ -z "$line" ]; then pass=0; fail=1; fi
	if [ "$3" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	[ "$fail" -ne 0 ] && failed_suites+=("$1")
	printf '%-44s %s\n' "$1" "${line:-no summary (crashed?)}"
}

run() { # name, command...
	local name=$1 out
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	local rc=$?
	tally "$name" "$out" $rc
	if [ $rc -ne 0 ] || [ -n "${VERBOSE:-}" ]; then sed 's/^/    /' "$out" | tail -n 60; fi
	rm -f "$out"
}

for t in "$@"; do run "unit $(basename "$t")" "$t"; done
run "layers" scripts/check-layers.sh

for t in tests/e2e/test_*.py; do run "e2e $(basename "$t" .py) [sqlite]" $PY "$t"; done

# fuzzing inputs kept in the repository: corpus and fixed crashes through their harnesses
run "fuzz replay" scripts/fuzz-replay.sh

if [ -z "${NO_PG:-}" ] && [ -x scripts/pg-cluster.sh ] && scripts/pg-cluster.sh available; then
	eval "$(scripts/pg-cluster.sh start)"
	for t in tests/e2e/test_*.py; do
		grep -q 'SQLITE_ONLY' "$t" && continue
		FRONTLINE_PG=$PG_URL run "e2e $(basename "$t" .py) [postgres]" $PY "$t"
	done
	scripts/pg-cluster.sh stop
fi

if [ -z "${NO_BROWSER:-}" ] && [ -f web/package.json ] && [ -d web/tests ]; then
	(cd web && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null 2>&1)
	run "browser" node web/tests/run.mjs
fi

[ ${#failed_suites[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
