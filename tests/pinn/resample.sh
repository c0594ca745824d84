#!/usr/bin/env bash
# -resample_every on a small heat PINN (apps/pinn.c: Prepare), observed through the loss log and
# -points_out (the point sets of the last evaluation, with the resampling round of each set):
#   1. resampling changes the points: with -resample_every 10 the log rows of iterations 1..10
#      (evaluated on round 0, the points a run without resampling uses) are bitwise those of the
#      run without it, and every row from iteration 11 on differs; the final collocation points
#      are round 3 of a 40-iteration run, inside the domain, and differ from round 0; the initial
#      and boundary sets (never redrawn) are bitwise the same;
#   2. the same run on 2 ranks: bitwise the same points, the loss log within 1e-10 relative;
#   3. rounds freeze once L-BFGS starts: 45 Adam iterations and 30 of L-BFGS end on round 4
#      (that of the last Adam iteration, not round 7), on bitwise the points of the Adam-only
#      run, its Adam rows bitwise those of the Adam-only run, and its L-BFGS losses never rise
#      (a line search on a fixed objective: a redraw would change the objective under it);
#   4. SIGTERM in the Adam phase in the middle of a round (-resample_every 7), then -resume: the
#      resumed run draws the same points and ends with bitwise the weights, loss history and
#      points of the uninterrupted run.
# usage: resample.sh PHYNN MPIEXEC
set -euo pipefail
phynn=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

base=(-n_f 60 -n_0 12 -n_b 12 -layers 2,8,8,1 -seed 3 -quiet -log_every 1)
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }
# the log without its elapsed-seconds column
losses() { cut -d, -f1,3- "$1"; }
# the points of one set: "index,coordinates" (round column dropped)
points() { awk -F, -v s="$2" '$1 == s' "$1" | cut -d, -f3-; }
round_of() { awk -F, -v s="$2" '$1 == s { print $2 }' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# 1. with and without resampling, 40 Adam iterations
"$phynn" train pinn-heat "${base[@]}" -max_it 40 -lbfgs_it 0 -loss_log none.csv -points_out none_pts.csv -o none.nc > /dev/null
"$phynn" train pinn-heat "${base[@]}" -max_it 40 -lbfgs_it 0 -resample_every 10 -loss_log r1.csv -points_out r1_pts.csv -o r1.nc > /dev/null
cmp -s <(losses none.csv | sed -n 2,11p) <(losses r1.csv | sed -n 2,11p) || { echo "FAIL: the rows of iterations 1-10 (round 0) differ from the run without resampling"; exit 1; }
ndiff=$(paste -d' ' <(losses none.csv | sed -n '12,$p') <(losses r1.csv | sed -n '12,$p') | awk '{ n += $1 != $2 } END { print n + 0 }')
[ "$ndiff" -eq 30 ] || { echo "FAIL: $ndiff of the 30 rows of iterations 11-40 differ from the run without resampling, want all 30"; exit 1; }
echo "ok   -resample_every 10: iterations 1-10 bitwise as without resampling, all 30 rows of 11-40 differ (loss at 40: $(sed -n 41p r1.csv | cut -d, -f3) vs $(sed -n 41p none.csv | cut -d, -f3))"
[ "$(round_of r1_pts.csv collocation)" = 3 ] || { echo "FAIL: the final collocation points are round '$(round_of r1_pts.csv collocation)', want 3 = (40 - 1) / 10"; exit 1; }
[ "$(round_of none_pts.csv collocation)" = 0 ] || { echo "FAIL: without resampling the collocation round is '$(round_of none_pts.csv collocation)', want 0"; exit 1; }
for s in initial boundary; do
  [ "$(round_of r1_pts.csv $s)" = 0 ] && cmp -s <(points none_pts.csv $s) <(points r1_pts.csv $s) || { echo "FAIL: set $s (never resampled) changed"; exit 1; }
done
# round 3 against round 0: no collocation point in common, every one inside [0, 1] x [0, 1]
paste -d, <(points none_pts.csv collocation) <(points r1_pts.csv collocation) | awk -F, '
  { n++; if ($2 == $5 || $3 == $6) same++; if ($5 < 0 || $5 > 1 || $6 < 0 || $6 > 1) out++ }
  END { ok = n == 60 && !same && !out
        printf "%s   round 3 vs round 0: %d collocation points, %d coordinates in common, %d outside [0, 1] x [0, 1]\n", ok ? "ok" : "FAIL:", n, same, out; exit !ok }'

# 2. two ranks: the points by global index, so bitwise the same; the sums in another order
"$mpiexec" -n 2 "$phynn" train pinn-heat "${base[@]}" -max_it 40 -lbfgs_it 0 -resample_every 10 -loss_log r2.csv -points_out r2_pts.csv -o r2.nc > /dev/null
cmp -s r1_pts.csv r2_pts.csv || { echo "FAIL: the points of the 2-rank run differ from the 1-rank run's"; exit 1; }
# measured: largest relative difference 4.6e-16 (summation order in the allreduce)
paste -d, <(losses r1.csv) <(losses r2.csv) | awk -F, '
  NR == 1 { n = NF / 2; next }
  { rows++; if ($1 != $(1 + n)) bad = 1
    for (k = 2; k <= n; k++) { d = $k - $(k + n); if (d < 0) d = -d; s = $k < 0 ? -$k : $k; r = s > 0 ? d / s : d; if (r > max) max = r } }
  END { ok = !bad && rows == 40 && max <= 1e-10
        printf "%s   1 vs 2 ranks with -resample_every 10: bitwise the same points; loss and terms over %d rows agree to %.3g relative (tolerance 1e-10)\n", ok ? "ok" : "FAIL:", rows, max; exit !ok }'

# 3. L-BFGS after 45 Adam iterations: the round stays 4
"$phynn" train pinn-heat "${base[@]}" -max_it 45 -lbfgs_it 0 -resample_every 10 -loss_log adam.csv -points_out adam_pts.csv -o adam.nc > /dev/null
"$phynn" train pinn-heat "${base[@]}" -max_it 45 -lbfgs_it 30 -resample_every 10 -loss_log lb.csv -points_out lb_pts.csv -o lb.nc > /dev/null
last=$(tail -n 1 lb.csv | cut -d, -f1)
[ "$last" -gt 55 ] || { echo "FAIL: L-BFGS stopped at iteration $last, before the round would have changed twice (want > 55; a redraw under the line search can end it early)"; exit 1; }
[ "$(round_of lb_pts.csv collocation)" = 4 ] || { echo "FAIL: after L-BFGS (to iteration $last) the collocation points are round '$(round_of lb_pts.csv collocation)', want 4 (frozen at the last Adam iteration)"; exit 1; }
cmp -s adam_pts.csv lb_pts.csv || { echo "FAIL: the points after L-BFGS differ from those at the end of Adam"; exit 1; }
cmp -s <(losses adam.csv | sed -n 1,46p) <(losses lb.csv | sed -n 1,46p) || { echo "FAIL: the Adam rows differ between the Adam-only run and the run with L-BFGS"; exit 1; }
awk -F, 'NR > 1 && $1 > 46 && $3 > prev { print "FAIL: the L-BFGS loss rises at iteration " $1 ": " prev " -> " $3; bad = 1 }
         NR > 1 && $1 > 45 { prev = $3 + 0; n++ }
         END { if (!bad) printf "ok   L-BFGS after 45 Adam iterations (%d rows, to iteration %d): round 4 throughout (bitwise the points of the Adam-only run), the loss never rises\n", n, $1; exit bad }' lb.csv

# 4. SIGTERM mid-round, then resume. Each iteration writes a checkpoint (-checkpoint_every 1), a
# few milliseconds whatever the machine, so the signal lands in the Adam phase; a checkpoint
# changes nothing in the run (checkpoint_restart.sh), so the reference run writes none.
opts=("${base[@]}" -max_it 400 -lbfgs_it 20 -resample_every 7)
"$phynn" train pinn-heat "${opts[@]}" -loss_log ref.csv -points_out ref_pts.csv -o ref.nc > /dev/null
weights ref.nc > ref.txt
ranks_of() { pgrep -P "$1" -x phynn || true; }
for attempt in 1 2 3; do
  rm -f ck.nc term.csv term.nc
  "$phynn" train pinn-heat "${opts[@]}" -checkpoint ck.nc -checkpoint_every 1 -loss_log term.csv -o term.nc > term.log 2>&1 &
  pid=$!
  for _ in $(seq 1 2000); do [ -f term.csv ] && [ "$(tail -n 1 term.csv | cut -d, -f1)" -gt 30 ] 2>/dev/null && break; sleep 0.01; done
  kill -TERM $pid
  rc=0
  wait $pid || rc=$?
  [ $rc -eq 0 ] || { echo "FAIL: the SIGTERM run exited with $rc"; cat term.log; exit 1; }
  stop_it=$(sed -n 's/^stopped by a signal at iteration \([0-9]*\);.*/\1/p' term.log)
  [ -n "$stop_it" ] || { echo "FAIL: no stop message (did the run finish before the signal?)"; cat term.log; exit 1; }
  [ "$stop_it" -lt 400 ] || { echo "FAIL: SIGTERM landed at iteration $stop_it, after the Adam phase"; exit 1; }
  [ $((stop_it % 7)) -ne 0 ] && break
  echo "     SIGTERM landed at iteration $stop_it, on a round boundary: again"
done
[ $((stop_it % 7)) -ne 0 ] || { echo "FAIL: three signals in a row landed on round boundaries"; exit 1; }
"$phynn" train pinn-heat "${opts[@]}" -checkpoint ck.nc -resume ck.nc -loss_log resumed.csv -points_out resumed_pts.csv -o resumed.nc > /dev/null
cmp -s ref.txt <(weights resumed.nc) || { echo "FAIL: weights after SIGTERM at iteration $stop_it + resume differ from the uninterrupted run"; exit 1; }
cmp -s <(losses ref.csv) <(losses resumed.csv) || { echo "FAIL: the loss history after the resume differs from the uninterrupted run's"; exit 1; }
cmp -s ref_pts.csv resumed_pts.csv || { echo "FAIL: the final points after the resume differ"; exit 1; }
echo "ok   SIGTERM at iteration $stop_it (round $((stop_it / 7)), $((stop_it % 7)) iterations into it) + resume: bitwise the weights, loss history ($(($(wc -l < ref.csv) - 1)) rows) and points of the uninterrupted run"
