#!/usr/bin/env bash
# PINN accuracy gates (docs/guide.md recommends exactly this test): a small pendulum PINN and a
# small heat PINN, trained from fixed seeds in about 2 s together, validated against their
# reference solutions by `phynn validate` with thresholds 10x the measured errors:
#   - pendulum (small angle, theta'' + 19.6 theta = 0, tf 2): 1000 Adam + 3000 L-BFGS steps,
#     rel_l2 of theta measured 3.5e-6, threshold 3.5e-5;
#   - heat (u_t = k u_xx, the default problem): 500 Adam + 3000 L-BFGS steps, rel_l2 of u
#     measured 4.1e-4, threshold 4e-3.
# A wrong residual (a sign, a factor, a missing term) gives O(1) errors and fails here. The error
# the trainer tracks with -reference (rel_l2_<var>, printed to 5 digits) must equal validate's
# rel_l2 to the printed digits (relative 1e-4): both are the same metric on the reference grid.
# usage: accuracy.sh PHYNN
set -uo pipefail
phynn=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
fail=0
gate() { # name var threshold ref train-args...
  local name=$1 var=$2 thr=$3 ref=$4; shift 4
  "$phynn" train "$name" "$@" -reference "$ref" -quiet -o "$name.nc" > "$name.out" 2>&1 || { echo "FAIL: train $name:"; cat "$name.out"; fail=1; return; }
  "$phynn" validate "$name.nc" "$ref" -report "rep_$name" -threshold "rel_l2=$thr" > "$name.val" 2>&1
  local rc=$? got tracked
  got=$(grep -o '"rel_l2": [0-9.e+-]*' "rep_$name/metrics.json" 2>/dev/null | head -n 1 | awk '{ print $2 }')
  tracked=$(sed -n "s/^rel_l2_$var: //p" "$name.out")
  if [ $rc -eq 0 ] && [ -n "$got" ]; then echo "ok   $name: rel_l2 of $var against the reference $got <= $thr"
  else echo "FAIL: $name: validate exited $rc, rel_l2 of $var '$got', threshold $thr:"; cat "$name.val"; fail=1; fi
  awk -v a="$tracked" -v b="$got" -v name="$name" 'BEGIN { ok = a != "" && b > 0; r = ok ? (a - b) / b : 1; if (r < 0) r = -r; ok = ok && r <= 1e-4;
    printf "%s   %s: the tracked rel_l2 %s equals validate'\''s %s (relative %.2g, tolerance 1e-4)\n", (ok ? "ok" : "FAIL:"), name, a, b, r; exit !ok }' || fail=1
}
"$phynn" solve pendulum -linear -g 9.8 -l 0.5 -theta0 pi/4 -tf 2 -nt 201 -o pendulum_ref.nc -quiet || { echo "FAIL: solve pendulum"; exit 1; }
"$phynn" solve heat -o heat_ref.nc -quiet || { echo "FAIL: solve heat"; exit 1; }
gate pinn-pendulum theta 3.5e-5 pendulum_ref.nc -linear true -g 9.8 -l 0.5 -tf 2 -layers 1,16,16,1 -n_f 128 -max_it 1000 -lbfgs_it 3000 -seed 1
gate pinn-heat u 4e-3 heat_ref.nc -n_f 300 -n_0 40 -n_b 40 -layers 2,16,16,1 -max_it 500 -lbfgs_it 3000 -seed 3
exit $fail
