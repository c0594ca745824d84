#!/bin/bash
# Seconds per training step of the NLS PINN (Raissi et al.'s network and loss) against
# `phynn bench` on the same collocation points, on 1 and 2 MPI ranks with one BLAS thread each.
#
#   bench/nls_step.sh                      10000 and 20000 points, np 1 and 2, 200 Adam steps
#   POINTS="20000" NPS="2" STEPS=100 bench/nls_step.sh
#
# The training step is `phynn train pinn-nls -options_file jobs/nls_deepxde.opts -n_f N` run for
# STEPS Adam iterations (L-BFGS off): its training seconds / STEPS. It carries what bench leaves
# out: the 50 initial and 50 periodic-boundary points (100 more network evaluations with u_x, v_x
# on the boundary) and the loss bookkeeping. `phynn bench -bench_points N` is the bare residual
# step (median of its timed steps). The speed-up is np 1 / np 2 of the training step.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "nls_step.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
points=${POINTS:-10000 20000}
nps=${NPS:-1 2}
steps=${STEPS:-200}
mpi=(mpirun --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

value() { awk -v k="$1:" '$1 == k { v = $2 } END { if (v == "") exit 1; print v }' "$2"; }

echo "| points | np | training s/step | bench s/step | training / bench | speed-up 1 -> np |"
echo "|---|---|---|---|---|---|"
for n in $points; do
  first=""
  for np in $nps; do
    "${mpi[@]}" -np "$np" "$phynn" train pinn-nls -options_file "$root/jobs/nls_deepxde.opts" -n_f "$n" \
      -max_it "$steps" -lbfgs_it 0 -checkpoint_every 0 -progress_s 1000 -o "$work/m.nc" >"$work/train.out" 2>&1 ||
      { cat "$work/train.out" >&2; exit 1; }
    "${mpi[@]}" -np "$np" "$phynn" bench -bench_points "$n" >"$work/bench.out" 2>&1 || { cat "$work/bench.out" >&2; exit 1; }
    train=$(awk -v s="$(value seconds "$work/train.out")" -v k="$steps" 'BEGIN { printf "%.4f", s / k }')
    bench=$(value seconds_per_step "$work/bench.out")
    [ -n "$first" ] || first=$train
    awk -v n="$n" -v np="$np" -v t="$train" -v b="$bench" -v f="$first" \
      'BEGIN { printf "| %d | %d | %.4f | %.4f | %.2f | %.2f |\n", n, np, t, b, t / b, f / t }'
  done
done
echo "(machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
