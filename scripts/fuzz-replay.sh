#!/bin/bash
# Replay every fuzzing input kept in the repository through its harness (build/fuzz/NAME, from
# `make fuzz-build`): the corpus fuzz/corpus/NAME/ and the crashes found and fixed, fuzz/crashes/NAME/.
# No fuzzing happens: each input runs once, under ASan+UBSan and the harness's checks.  Inputs of
# crashes not fixed yet (fuzz/open/) are not replayed.  One test per harness and directory; ends
# with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
unset FUZZ_SEEDS
pass=0
fail=0

for src in fuzz/*.c; do
	name=$(basename "$src" .c)
	bin=build/fuzz/$name
	for dir in fuzz/corpus/$name fuzz/crashes/$name; do
		[ -d "$dir" ] || continue
		files=("$dir"/*)
		[ -e "${files[0]}" ] || continue
		if [ ! -x "$bin" ]; then
			echo "FAIL $dir: $bin is not built (make fuzz-build)"
			fail=$((fail + 1))
			continue
		fi
		out=$(mktemp)
		if "$bin" "${files[@]}" >"$out" 2>&1; then
			echo "ok   $dir (${#files[@]} inputs)"
			pass=$((pass + 1))
		else
			# name every failing input
			bad=()
			for f in "${files[@]}"; do
				"$bin" "$f" >/dev/null 2>&1 || bad+=("$f")
			done
			echo "FAIL $dir: ${#bad[@]} of ${#files[@]} inputs fail: ${bad[*]:-(all pass alone)}"
			grep -aE 'ERROR|SUMMARY|property broken|runtime error|not UTF-8' "$out" | head -n 5 | sed 's/^/    /'
			fail=$((fail + 1))
		fi
		rm -f "$out"
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
