#!/usr/bin/env bash
# run_fuzz.sh FUZZER NAME SRCDIR WORKDIR SECONDS: runs one libFuzzer harness from its seed corpus
# (SRCDIR/corpus/NAME) for SECONDS under ASan + UBSan and prints how many inputs it ran.
#
# libFuzzer runs in fork mode (-fork=1: one child process at a time, restarted after a crash), so
# a crash inside libhdf5/libnetcdf (not phynn's to fix: noted, not failed) does not end the run.
# Every input that crashed, hung or allocated too much is then replayed and its stack read: when
# the first frame of the report that is in the HDF5/NetCDF libraries comes before any frame of
# phynn's, the fault is the library's; otherwise the test fails, leaving the input in WORKDIR/.
set -u
fuzzer=$1 name=$2 src=$3 work=$4 seconds=$5
rm -rf "$work" && mkdir -p "$work/corpus"
# detect_leaks=0: PETSc and Open MPI keep allocations until exit on purpose (scripts/test.sh).
# allocator_may_return_null=1: an impossible request (libnetcdf trusts a classic header's attribute
# length) fails as glibc's malloc would, and the library reports NC_ENOMEM to phynn, instead of
# ASan stopping the process.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -malloc_limit_mb: one allocation above 256 MiB from a file of a few KB means a size from the
# file was trusted; the readers check sizes before allocating (PhynnNcCheckCount).
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256)
"$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" "${limits[@]}" \
  -artifact_prefix="$work/" "$work/corpus" "$src/corpus/$name" > "$work/log.txt" 2>&1
rc=$?
# fork mode's status lines: "#RUNS: cov: ... corp: ..."; the last one has the total
runs=$(grep -o '^#[0-9]*:' "$work/log.txt" | tail -n 1 | tr -d '#:')
ours=0 library=0
for a in "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*; do
  [ -e "$a" ] || continue
  "$fuzzer" "${limits[@]}" "$a" > "$a.report" 2>&1
  # the first frame, from the innermost, in HDF5/NetCDF or in phynn's code (the only code here
  # built with debug information, so the only frames with a source file and line)
  first=$(grep -E '^ +#[0-9]+ ' "$a.report" | grep -m1 -oE 'libhdf5|libnetcdf|[^ /]+\.c:[0-9]+')
  if ! grep -q 'ERROR: ' "$a.report"; then first=alone-clean; fi
  case "$first" in
    alone-clean)
      # a child's memory grew past -rss_limit_mb over many inputs (or a hang once): the input
      # itself runs clean, so it is noted, not failed
      echo "fuzz $name: note: $(basename "$a") does not fail when replayed alone (memory grown over many inputs)" ;;
    libhdf5 | libnetcdf)
      library=$((library + 1))
      echo "fuzz $name: note: a fault inside $first (not phynn's code): $(basename "$a"): $(grep -m1 -oE 'ERROR: [A-Za-z]+: [A-Za-z-]+' "$a.report")" ;;
    *)
      ours=$((ours + 1))
      sed -n '/ERROR:/,/SUMMARY/p' "$a.report" | head -n 40
      echo "fuzz $name: FAILED on $a; replay it with: $(dirname "$fuzzer")/replay_$name reject $a"
      echo "  once fixed, keep it as $src/regressions/$name/<what-it-was> (replayed by fuzz_${name}_regressions_refused)" ;;
  esac
done
if [ $rc -ne 0 ] && [ $((ours + library)) -eq 0 ]; then
  tail -n 40 "$work/log.txt"
  echo "fuzz $name: libFuzzer exited with $rc and left no input to replay"
  exit 1
fi
echo "fuzz $name: ${runs:-?} executions in $seconds s, $(ls "$work/corpus" | wc -l) new corpus input(s), $ours fault(s) in phynn, $library inside HDF5/NetCDF"
[ $ours -eq 0 ]
