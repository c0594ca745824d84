#!/usr/bin/env bash
# A PINN trained on 1, 2 and 3 ranks: every loss term is the global sum over the ranks' points
# divided by the global count, and the points do not depend on the rank count, so after 100
# Adam steps every logged row (the loss and each term, iterations 1..100) agrees to 1e-10
# relative and every weight to 1e-10 absolute; the same rank count twice gives a bitwise
# identical loss history and bitwise identical weights.
# usage: ranks_agree.sh PHYNN MPIEXEC PROBLEM
set -euo pipefail
phynn=$1; mpiexec=$2; problem=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
case $problem in
  pinn-heat) opts=(-n_f 301 -n_0 37 -n_b 42 -layers 2,12,12,1) ;;
  pinn-nls) opts=(-n_f 301 -n_0 37 -n_b 23 -layers 2,12,12,2) ;;
  pinn-pendulum) opts=(-n_f 101 -layers 1,12,12,1 -linear false -theta0 2.5) ;;
esac
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p' | sed 's/^ theta =//; s/;//' | tr ',' '\n' | tr -d ' \t' | sed '/^$/d'; }
for run in 1 2 3 2b; do
  np=${run%b}
  "$mpiexec" -n $np "$phynn" train "$problem" "${opts[@]}" -max_it 100 -lbfgs_it 0 -log_every 1 -quiet -loss_log "log$run.csv" -o "m$run.nc" > /dev/null
  cut -d, -f1,3- "log$run.csv" > "loss$run.txt" # elapsed seconds (column 2) left out
  weights "m$run.nc" > "theta$run.txt"
done
# same np twice: bitwise the same history and weights
rows=$(($(wc -l < loss1.txt) - 1)); nw=$(wc -l < theta1.txt)
[ "$rows" -eq 100 ] || { echo "FAIL: expected 100 logged rows, got $rows"; exit 1; }
cmp -s loss2.txt loss2b.txt && cmp -s theta2.txt theta2b.txt || { echo "FAIL: two runs on 2 ranks differ"; exit 1; }
echo "ok   two runs on 2 ranks: bitwise the same loss history ($rows rows) and $nw weights"
fail=0
for np in 2 3; do
  paste -d, loss1.txt "loss$np.txt" | awk -F, -v np=$np '
    NR == 1 { n = NF / 2; next }
    { rows++; for (k = 2; k <= n; k++) { a = $k; b = $(k + n); d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a;
        r = s > 0 ? d / s : d; if (r > max) { max = r; at = $1 } } }
    END { ok = rows == 100 && max <= 1e-10
          printf "%s   np=1 vs np=%d: max relative difference of the loss and its %d terms %.3g (iteration %s) over %d rows, tolerance 1e-10\n", (ok ? "ok" : "FAIL:"), np, n - 2, max, at, rows; exit !ok }' || fail=1
  paste theta1.txt "theta$np.txt" | awk -v np=$np -v nw="$nw" '
    NF != 2 { bad = 1 } { d = $1 - $2; if (d < 0) d = -d; if (d > max) max = d }
    END { ok = !bad && NR == nw && nw > 0 && max <= 1e-10
          printf "%s   np=1 vs np=%d: max |weight difference| %.3g over %d weights, tolerance 1e-10\n", (ok ? "ok" : "FAIL:"), np, max, NR; exit !ok }' || fail=1
done
exit $fail
