#!/bin/bash
# `phynn train fit` across rank counts (DESIGN: same options + seed + rank count = bitwise the
# same results; across rank counts short runs agree to rounding):
#   - np=1 vs np=2 (and np=3) after 100 Adam steps: every logged loss, the final loss and every
#     weight (ncdump at 17 digits) agree to 1e-10 (relative for losses, absolute for weights);
#   - np=2 twice: the loss history (iteration, loss, term columns of -loss_log) and the weights are
#     bitwise identical.
# With BATCH_SIZE > 0 it also shows that minibatches happen, and how (101 rows, so batches of 24
# are 24, 24, 24, 24, 5): the run prints steps_per_epoch = ceil(101/24) = 5, and with -lr 1e-300
# (the weights cannot move, so every logged loss is at the initial weights) on 2 ranks
#   - the first loss is a batch's, not the full loss (relative difference > 1e-6),
#   - in each of the first two epochs sum_p rows_p loss_p / 101 equals the full-batch loss to
#     1e-12: the batches cover every row once per epoch and each divides by its global row count,
#   - the second epoch's losses differ from the first's (the rows were reshuffled),
#   - the reported final_loss is the loss over all rows (to 1e-12).
# Usage: train_fit_ranks.sh MPIEXEC NUMPROC_FLAG PHYNN [BATCH_SIZE]
set -u
mpiexec=$1 npflag=$2 phynn=$3 batch=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "$PWD/apps_fit_ranks.XXXXXX")
trap 'rm -rf "$dir"' EXIT
bash "$here/fit_data.sh" "$dir/data.csv"
rows_data=101
fail=0

run() { # np name [extra options]
  local np=$1 name=$2; shift 2
  "$mpiexec" "$npflag" "$np" "$phynn" train fit -data "$dir/data.csv" -layers 2,16,16,1 -optimizer adam -lr 1e-2 \
    -max_it 100 -log_every 1 -seed 7 -batch_size "$batch" -quiet -loss_log "$dir/$name.csv" -o "$dir/$name.nc" "$@" > "$dir/$name.out" 2>&1 \
    || { echo "FAIL: np=$np run $name failed:"; cat "$dir/$name.out"; exit 1; }
  grep final_loss "$dir/$name.out" | sed "s/^/np=$np ($name) /"
  # elapsed_s (column 2) is wall time: compare the other columns only
  cut -d, -f1,3- "$dir/$name.csv" > "$dir/$name.loss"
  ncdump -p 17,17 -v theta "$dir/$name.nc" | sed -n '/^ theta =/,/;/p' | sed 's/^ theta =//; s/;//' | tr ',' '\n' | tr -d ' \t' | sed '/^$/d' > "$dir/$name.theta"
}
value() { awk -v k="$1:" '$1 == k { print $2 }' "$dir/$2.out"; }
run 1 np1; run 2 np2a; run 2 np2b; run 3 np3

rows=$(($(wc -l < "$dir/np1.loss") - 1))
[ "$rows" -eq 100 ] || { echo "FAIL: expected 100 logged rows (iterations 1..100), got $rows"; fail=1; }
nw=$(wc -l < "$dir/np1.theta")
[ "$nw" -eq 337 ] || { echo "FAIL: expected 337 weights in np1.nc, got $nw"; fail=1; }
if cmp -s "$dir/np2a.loss" "$dir/np2b.loss" && cmp -s "$dir/np2a.theta" "$dir/np2b.theta"; then echo "ok   np=2 twice: loss histories ($rows rows) and $nw weights bitwise identical"
else echo "FAIL: np=2 twice gave different loss histories or weights"; diff "$dir/np2a.loss" "$dir/np2b.loss" | head; fail=1; fi

for other in np2a np3; do
  paste -d, "$dir/np1.loss" "$dir/$other.loss" | awk -F, -v name="$other" '
    NR == 1 { n = NF / 2; next }
    { for (k = 2; k <= n; k++) { a = $k; b = $(k + n); d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a;
        r = s > 0 ? d / s : d; if (r > max) { max = r; at = $1 } } }
    END { printf "%s   np=1 vs %s: max relative loss difference %.3g (iteration %s) over %d rows, tolerance 1e-10\n",
                 (max <= 1e-10 ? "ok" : "FAIL:"), name, max, at, NR - 1; exit !(max <= 1e-10) }' || fail=1
  awk -v a="$(value final_loss np1)" -v b="$(value final_loss $other)" -v name="$other" 'BEGIN { d = a - b; if (d < 0) d = -d; r = d / (a < 0 ? -a : a);
    printf "%s   np=1 vs %s: final_loss %s vs %s, relative difference %.3g, tolerance 1e-10\n", (r <= 1e-10 ? "ok" : "FAIL:"), name, a, b, r; exit !(r <= 1e-10) }' || fail=1
  paste "$dir/np1.theta" "$dir/$other.theta" | awk -v name="$other" -v nw="$nw" '
    NF != 2 { bad = 1 } { d = $1 - $2; if (d < 0) d = -d; if (d > max) { max = d; at = NR } }
    END { ok = !bad && NR == nw && max <= 1e-10;
          printf "%s   np=1 vs %s: max |weight difference| %.3g (weight %d of %d), tolerance 1e-10\n", (ok ? "ok" : "FAIL:"), name, max, at, NR; exit !ok }' || fail=1
done

if [ "$batch" -eq 0 ]; then
  # A checkpoint written on 2 ranks, resumed on 1 (a resubmitted job on fewer nodes): one warning
  # line that the continuation is not bitwise, and the weights agree with the uninterrupted 2-rank
  # run to rounding (1e-10, as the rank counts above).
  run 2 half -max_it 50 -checkpoint "$dir/half_ck.nc"
  run 1 resumed1 -resume "$dir/half_ck.nc"
  grep -q "^phynn: warning: checkpoint .*half_ck.nc was written by a run on 2 ranks, this one has 1: .*not bitwise" "$dir/resumed1.out" &&
    echo "ok   resuming a 2-rank checkpoint on 1 rank warns that the result is not bitwise" ||
    { echo "FAIL: no rank-count warning when resuming a 2-rank checkpoint on 1 rank:"; cat "$dir/resumed1.out"; fail=1; }
  ranks=$(ncdump -h "$dir/half_ck.nc" | sed -n 's/.*:ranks = \([0-9]*\).*/\1/p')
  [ "$ranks" = 2 ] && echo "ok   the checkpoint records ranks = 2" || { echo "FAIL: the checkpoint records ranks '$ranks', want 2"; fail=1; }
  paste "$dir/np2a.theta" "$dir/resumed1.theta" | awk -v nw="$nw" '
    NF != 2 { bad = 1 } { d = $1 - $2; if (d < 0) d = -d; if (d > max) max = d }
    END { ok = !bad && NR == nw && max <= 1e-10;
          printf "%s   np=2 for 50 steps, resumed on np=1 to 100 vs np=2 throughout: max |weight difference| %.3g, tolerance 1e-10\n", (ok ? "ok" : "FAIL:"), max; exit !ok }' || fail=1
fi

if [ "$batch" -gt 0 ]; then
  steps=$(value steps_per_epoch np1)
  want=$(( (rows_data + batch - 1) / batch ))
  [ "$steps" = "$want" ] && echo "ok   steps_per_epoch $steps = ceil($rows_data/$batch)" || { echo "FAIL: steps_per_epoch '$steps', want $want"; fail=1; }
  # frozen weights: every logged loss is at the initial weights
  run 2 frozen -lr 1e-300 -max_it $((2 * want))
  saved=$batch; batch=0; run 2 full -lr 1e-300 -max_it 1; batch=$saved
  full=$(awk -F, 'NR == 2 { print $3 }' "$dir/full.csv")
  awk -F, -v full="$full" -v B="$batch" -v S="$rows_data" -v steps="$want" -v fl="$(value final_loss frozen)" '
    function abs(x) { return x < 0 ? -x : x }
    NR == 1 { next }
    { it = $1; l[it] = $3 }
    END {
      ok = 1; last = S - (steps - 1) * B
      r = abs(l[1] - full) / full
      printf "%s   the first step'\''s loss %.17g is a batch'\''s: relative difference %.3g from the full loss %.17g (want > 1e-6)\n", (r > 1e-6 ? "ok" : "FAIL:"), l[1], r, full; if (!(r > 1e-6)) ok = 0
      for (e = 0; e < 2; e++) {
        m = 0; for (p = 0; p < steps; p++) m += (p < steps - 1 ? B : last) * l[e * steps + p + 1]; m /= S
        r = abs(m - full) / full
        printf "%s   epoch %d: sum over its %d batches (%d x %d rows, then %d) of rows x loss / %d = %.17g vs the full-batch loss, relative %.3g (tolerance 1e-12)\n", (r <= 1e-12 ? "ok" : "FAIL:"), e + 1, steps, steps - 1, B, last, S, m, r; if (!(r <= 1e-12)) ok = 0
      }
      same = 1; for (p = 1; p <= steps; p++) if (l[p] != l[p + steps]) same = 0
      printf "%s   the second epoch'\''s batch losses differ from the first'\''s (reshuffled)\n", (!same ? "ok" : "FAIL:"); if (same) ok = 0
      r = abs(fl - full) / full
      printf "%s   final_loss %.17g is the loss over all rows: relative %.3g (tolerance 1e-12)\n", (r <= 1e-12 ? "ok" : "FAIL:"), fl, r; if (!(r <= 1e-12)) ok = 0
      exit !ok }' "$dir/frozen.csv" || fail=1
fi
exit $fail
