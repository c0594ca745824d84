#!/usr/bin/env bash
# A PINN trained on 1, 2 and 3 ranks: every loss term is the global sum over the ranks' points
# divided by the global count, and the points do not depend on the rank count, so after 100
# Adam steps the losses agree to 1e-10 relative; the same rank count twice gives a bitwise
# identical loss history.
# usage: ranks_agree.sh PHYNN MPIEXEC PROBLEM
set -euo pipefail
phynn=$1; mpiexec=$2; problem=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
case $problem in
  pinn-heat) opts=(-n_f 301 -n_0 37 -n_b 42 -layers 2,12,12,1) ;;
  pinn-nls) opts=(-n_f 301 -n_0 37 -n_b 23 -layers 2,12,12,2) ;;
  pinn-pendulum) opts=(-n_f 101 -layers 1,12,12,1 -linear false -theta0 2.5) ;;
esac
for np in 1 2 3 2; do
  "$mpiexec" -n $np "$phynn" train "$problem" "${opts[@]}" -max_it 100 -lbfgs_it 0 -log_every 1 -quiet -loss_log "log$np.csv" -o "m$np.nc" > /dev/null
  [ -f "log$np.csv" ] && mv "log$np.csv" "log$np.$RANDOM.csv"
done
mapfile -t logs < <(ls log1.*.csv log2.*.csv log3.*.csv)
# same np twice: bitwise the same history (the two np=2 logs)
mapfile -t two < <(ls log2.*.csv)
cut -d, -f1,3- "${two[0]}" > a.txt; cut -d, -f1,3- "${two[1]}" > b.txt
cmp -s a.txt b.txt || { echo "FAIL: two runs on 2 ranks differ"; exit 1; }
echo "ok   two runs on 2 ranks: bitwise the same loss history"
final() { tail -n 1 "$1" | cut -d, -f3; }
l1=$(final "$(ls log1.*.csv)"); l2=$(final "${two[0]}"); l3=$(final "$(ls log3.*.csv)")
awk -v a="$l1" -v b="$l2" -v c="$l3" 'BEGIN{
  r2 = (a > b ? a - b : b - a) / a; r3 = (a > c ? a - c : c - a) / a;
  printf "np=1 %.17g\nnp=2 %.17g (rel diff %.2e)\nnp=3 %.17g (rel diff %.2e)\n", a, b, r2, c, r3;
  if (r2 > 1e-10 || r3 > 1e-10) { print "FAIL: losses after 100 Adam steps differ by more than 1e-10 relative"; exit 1 }
  print "ok   np=1, 2, 3 agree to 1e-10 relative after 100 Adam steps" }'
