#!/usr/bin/env bash
# run_fuzz.sh FUZZER NAME SRCDIR WORKDIR SECONDS: runs one libFuzzer harness from its seed corpus
# (SRCDIR/corpus/NAME) for SECONDS under ASan + UBSan and prints how many inputs it ran. Inputs it
# finds go to WORKDIR/corpus (the kept seeds are never changed); a crash, a sanitizer report, a
# hang (-timeout) or a huge allocation (-malloc_limit_mb) fails the test and leaves the input in
# WORKDIR/ with the command that replays it.
set -u
fuzzer=$1 name=$2 src=$3 work=$4 seconds=$5
rm -rf "$work" && mkdir -p "$work/corpus"
# detect_leaks=0: PETSc and Open MPI keep allocations until exit on purpose (scripts/test.sh);
# leaks on error paths would show as growing RSS, which -rss_limit_mb still catches.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -malloc_limit_mb: one allocation above 256 MiB from a file of a few KB means a size from the
# file was trusted; the readers must check sizes before allocating.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$src/corpus/$name" > "$work/log.txt" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")
found=$(ls "$work/corpus" | wc -l)
if [ $rc -ne 0 ]; then
  tail -n 60 "$work/log.txt"
  for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*; do
    [ -e "$a" ] || continue
    echo "fuzz $name: FAILED on $a; replay it with: $(dirname "$fuzzer")/replay_$name reject $a"
    echo "  once fixed, keep it as $src/regressions/$name/<what-it-was> (replayed by fuzz_${name}_regressions_refused)"
  done
  exit 1
fi
echo "fuzz $name: ${runs:-?} executions in $seconds s, $found new corpus input(s), no crash"
