#!/bin/sh
# Runs `phynn bench` under several OpenBLAS kernel settings with one rank x all cores' BLAS
# threads and two ranks x half of them, and prints one table. Usage:
#
#   bench/run_bench.sh [PHYNN] [-- extra phynn bench options]
#   PHYNN=build/phynn REPEAT=3 NCORES=2 bench/run_bench.sh -- -bench_points 20000
#
# PHYNN: the phynn executable (default: build/phynn, then phynn on PATH). REPEAT: runs per row;
# the row with the fastest seconds_per_step is kept (a busy machine only ever slows a run down).
# NCORES: cores to use (default: all online cores). SETTINGS: kernel settings, each one of
#   inherit   OPENBLAS_CORETYPE as this shell has it (unset: OpenBLAS detects the CPU itself)
#   unset     OPENBLAS_CORETYPE removed: OpenBLAS's own detection
#   NAME      OPENBLAS_CORETYPE=NAME (SKYLAKEX, HASWELL, PRESCOTT, ...)
# default "inherit SKYLAKEX" (the generic kernels a hidden CPU model gets, and the AVX-512 ones).
# Full runs of each row are kept in
# $OUTDIR (default: a temporary directory, printed at the end).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
exe=${PHYNN:-}
if [ $# -gt 0 ] && [ "$1" != "--" ]; then exe=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
extra="$*" # options for phynn bench (simple words: no spaces inside a value)
if [ -z "$exe" ]; then
  if [ -x "$here/../build/phynn" ]; then exe="$here/../build/phynn"; else exe=$(command -v phynn || true); fi
fi
[ -n "$exe" ] && [ -x "$exe" ] || { echo "run_bench.sh: no phynn executable; pass its path or set PHYNN" >&2; exit 1; }
repeat=${REPEAT:-1}
ncores=${NCORES:-$(getconf _NPROCESSORS_ONLN)}
outdir=${OUTDIR:-$(mktemp -d)}
mpirun=${MPIRUN:-mpirun}
if [ "$(id -u)" = 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

value() { sed -n "s/^$1: //p" "$2" | head -n 1; }

echo "OPENBLAS_CORETYPE in this shell: ${OPENBLAS_CORETYPE:-(unset)}; $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $ncores cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-3s %-7s %-15s %9s %9s %8s %8s %8s %8s %6s %8s %8s\n' setting np threads corename s/step min fwd bwd GFLOP/s DGEMM frac rss_MB graph_MB
for setting in ${SETTINGS:-inherit SKYLAKEX}; do
  for np in 1 2; do
    threads=$((ncores / np)); [ $threads -ge 1 ] || threads=1
    best=""
    r=1
    while [ $r -le "$repeat" ]; do
      log="$outdir/bench_${setting}_np${np}_run${r}.txt"
      case $setting in
        inherit) set -- env ;;
        unset) set -- env -u OPENBLAS_CORETYPE ;;
        *) set -- env OPENBLAS_CORETYPE="$setting" ;;
      esac
      if [ "$np" = 1 ]; then
        "$@" OPENBLAS_NUM_THREADS=$threads "$exe" bench $extra >"$log" 2>"$log.err" || { echo "run failed: $log.err" >&2; r=$((r + 1)); continue; }
      else
        "$@" OPENBLAS_NUM_THREADS=$threads "$mpirun" -np "$np" "$exe" bench $extra >"$log" 2>"$log.err" || { echo "run failed: $log.err" >&2; r=$((r + 1)); continue; }
      fi
      s=$(value seconds_per_step "$log")
      if [ -z "$best" ] || awk -v a="$s" -v b="$(value seconds_per_step "$best")" 'BEGIN { exit !(a < b) }'; then best=$log; fi
      r=$((r + 1))
    done
    if [ -z "$best" ]; then printf '%-9s %-3s all %s run(s) failed\n' "$setting" "$np" "$repeat"; continue; fi
    printf '%-9s %-3s %-7s %-15s %9s %9s %8s %8s %8s %8s %6s %8s %8s\n' "$setting" "$np" "$(value blas_threads "$best")" "$(value openblas_corename "$best")" \
      "$(value seconds_per_step "$best")" "$(value seconds_per_step_min "$best")" "$(value seconds_forward "$best")" "$(value seconds_backward "$best")" "$(value gflops "$best")" \
      "$(value dgemm_gflops "$best")" "$(value fraction_of_dgemm "$best")" "$(value peak_rss_mb "$best")" "$(value graph_memory_mb "$best")"
  done
done
echo "(full outputs in $outdir)"
