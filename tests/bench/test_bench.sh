#!/bin/sh
# Smoke test of `phynn bench`: usage  test_bench.sh PHYNN [MPIEXEC -n NP]
# Runs a tiny benchmark and checks that every output key is there, every number is positive, and
# the counts are exact (points, parameters, GEMM flops, ranks and points per rank).
# Never asserts speed.
set -u
exe=$1
shift
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" "$exe" bench -bench_layers 2,8,8,2 -bench_points 64 -bench_steps 3 -bench_warmup 1 -seed 3 >"$out" 2>"$err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: phynn bench exited with $rc"; cat "$out" "$err"; exit 1
fi
cat "$out"
fail=0
value() { sed -n "s/^$1: //p" "$out" | head -n 1; }
for key in ranks blas_threads openblas_corename openblas_config vecmath_kernel points points_per_rank layers derivs \
           jet_blocks parameters seconds_per_step seconds_forward seconds_backward gemm_flops_per_step gflops \
           dgemm_gflops fraction_of_dgemm peak_rss_mb graph_memory_mb; do
  if ! grep -q "^$key: ." "$out"; then echo "FAIL: key '$key' missing"; fail=1; fi
done
for key in ranks blas_threads points points_per_rank jet_blocks parameters seconds_per_step seconds_forward \
           seconds_backward gemm_flops_per_step gflops dgemm_gflops fraction_of_dgemm peak_rss_mb graph_memory_mb; do
  v=$(value "$key")
  if ! awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }'; then echo "FAIL: $key = '$v' is not a positive number"; fail=1; fi
done
# Exact values for this configuration: 4 jet blocks (value, d/dx, d/dt, d2/dx2), parameters of
# [2,8,8,2] = (2*8+8) + (8*8+8) + (8*2+2) = 114, GEMM flops with R = 4*64 rows:
# 2R(2*8)*2 + 2R(8*8)*3 + 2R(8*2)*3 = 2*256*(32 + 192 + 48) = 139264.
[ "$(value points)" = 64 ] || { echo "FAIL: points"; fail=1; }
[ "$(value jet_blocks)" = 4 ] || { echo "FAIL: jet_blocks"; fail=1; }
[ "$(value parameters)" = 114 ] || { echo "FAIL: parameters"; fail=1; }
[ "$(value layers)" = "2,8,8,2" ] || { echo "FAIL: layers"; fail=1; }
awk -v v="$(value gemm_flops_per_step)" 'BEGIN { exit !(v == 139264) }' || { echo "FAIL: gemm_flops_per_step"; fail=1; }
# The rank count and each rank's share: 1 rank (no launcher) or the NP of the launcher's -n NP.
np=1; [ $# -ge 3 ] && np=$3
[ "$(value ranks)" = "$np" ] || { echo "FAIL: ranks = '$(value ranks)', want $np"; fail=1; }
[ "$(value points_per_rank)" = $((64 / np)) ] || { echo "FAIL: points_per_rank = '$(value points_per_rank)', want $((64 / np))"; fail=1; }
# The loss is finite and Adam lowers it over 4 steps at this tiny size.
awk -v a="$(value loss_first)" -v b="$(value loss_last)" 'BEGIN { exit !(a > 0 && b > 0 && b < a) }' || { echo "FAIL: loss did not decrease"; fail=1; }
exit $fail
