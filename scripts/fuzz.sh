#!/bin/bash
# Run libFuzzer harnesses (build/fuzz/NAME, from `make fuzz-build`) one after the other, niced and
# single-process, each on its committed corpus fuzz/corpus/NAME/ (with fuzz/NAME.dict when present).
#
#   scripts/fuzz.sh build/fuzz/tz build/fuzz/words ...
#   FUZZ_SECONDS=60       wall-clock seconds per harness (default 60), or
#   FUZZ_CPU_SECONDS=600  stop each harness once it has used that much CPU time instead.
#   FUZZ_NICE=15          niceness of the fuzzer (default 15; 0 when the machine is idle).
#   FUZZ_FORK=1           keep fuzzing past crashes (libFuzzer -fork=1 -ignore_crashes=1), for a
#                         harness with an open crash that is not fixed yet.
#
# New inputs are merged into the corpus (-merge=1 keeps only inputs that add coverage).  Crashes are
# written to build/fuzz/artifacts/NAME/: reproduce one with `build/fuzz/NAME FILE`, then keep it
# in fuzz/crashes/NAME/ (fixed; replayed by `make test`) or fuzz/open/NAME/ (not fixed yet).  Each
# run appends "date harness cpu_seconds status" to fuzz/ledger.tsv, the record of the fuzzing done.
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
secs=${FUZZ_SECONDS:-60}
cpu_limit=${FUZZ_CPU_SECONDS:-}
failed=0

# CPU seconds (user + system) of a process and its children, from /proc.
cpu_of() {
	local pid=$1 total=0 ticks f
	ticks=$(getconf CLK_TCK)
	for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
		f=$(cut -d' ' -f14-17 "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		total=$((total + $1 + $2 + $3 + $4))
	done
	echo $((total / ticks))
}

for bin in "$@"; do
	name=$(basename "$bin")
	corpus=fuzz/corpus/$name
	work=build/fuzz/work/$name
	art=build/fuzz/artifacts/$name
	mkdir -p "$corpus" "$work" "$art"
	opts=(-artifact_prefix="$art/" -print_final_stats=1 -close_fd_mask=${FUZZ_CLOSE_FD:-0})
	[ -f "fuzz/$name.dict" ] && opts+=(-dict="fuzz/$name.dict")
	[ -n "${FUZZ_FORK:-}" ] && opts+=(-fork=1 -ignore_crashes=1)
	if [ -n "$cpu_limit" ]; then opts+=(-max_total_time=$((cpu_limit * 20))); else opts+=(-max_total_time="$secs"); fi
	log=build/fuzz/$name.log
	# in a subshell that reports its child's exact CPU time (bash's `times`) when it ends
	(
		nice -n "${FUZZ_NICE:-15}" "$bin" "${opts[@]}" "$work" "$corpus" >"$log" 2>&1
		echo "$?"
		times
	) >"$log.cpu" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		if [ -n "$cpu_limit" ] && [ "$(cpu_of "$pid")" -ge "$cpu_limit" ]; then
			pkill -INT -P "$pid" 2>/dev/null
		fi
	done
	wait "$pid" 2>/dev/null
	rc=$(head -n 1 "$log.cpu")
	# the children's line of `times`: "0m12.345s 0m0.678s"
	used=$(sed -n 3p "$log.cpu" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
	# an interrupted run (SIGINT: libFuzzer exits 72) is a finished one
	[ "$rc" -eq 72 ] && rc=0
	# a slow-unit report is not a failure (libFuzzer writes one for any input over -report_slow_units
	# seconds, which a loaded machine makes of ordinary inputs); crashes, leaks, timeouts and OOMs are
	if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |deadly signal|fuzz target exited|Test unit written to .*/(crash|leak|timeout|oom)-' "$log"; then rc=1; fi
	status=ok
	[ "$rc" -ne 0 ] && status=crash && failed=$((failed + 1))
	# keep only what adds coverage
	if ls "$work" | grep -q .; then
		mkdir -p "$corpus.new"
		nice -n "${FUZZ_NICE:-15}" "$bin" -merge=1 "$corpus.new" "$corpus" "$work" >"$log.merge" 2>&1 &&
			rm -rf "$corpus" && mv "$corpus.new" "$corpus" && rm -rf "$work"
		rm -rf "$corpus.new"
	fi
	printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$used" "$status" >>fuzz/ledger.tsv
	printf '%-12s %6s CPU s  %-6s corpus %4d  %s\n' "$name" "$used" "$status" "$(ls "$corpus" | wc -l)" \
		"$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2 " runs"}')"
	[ "$status" = crash ] && grep -E 'ERROR|SUMMARY|Test unit written|property broken' "$log" | head -n 5 | sed 's/^/    /'
done
exit $((failed > 0))
