#!/usr/bin/env bash
# Tutorial Example 1: g recovered from clean small-angle data within 0.1% (scalar and network
# forms), and from noisy data with an uncertainty that covers the truth.
# usage: pendulum_g.sh PHYNN
set -euo pipefail
phynn=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
"$phynn" solve pendulum -linear -g 9.81 -l 10 -theta0 0.1 -tf 3 -nt 301 -o data.nc > /dev/null
check() { # $1 = label, $2 = printed g, $3 = tolerance (relative)
  awk -v g="$2" -v tol="$3" -v what="$1" 'BEGIN{ e = (g - 9.81) / 9.81; if (e < 0) e = -e;
    if (e > tol) { printf "FAIL: %s: g = %s, relative error %.2e > %g\n", what, g, e, tol; exit 1 }
    printf "ok   %s: g = %s (relative error %.2e <= %g)\n", what, g, e, tol }'
}
g=$("$phynn" train pendulum-g -data data.nc -quiet -o g_scalar.nc | sed -n 's/^g: \([0-9.]*\).*/\1/p'); check "scalar g', clean data" "$g" 1e-3
# The scalar form is a saved model too: its one parameter is the printed g, and the model it
# fitted, theta0 cos(sqrt(g/l) t), validates against the reference solution.
stored=$(ncdump -p 17 -v g g_scalar.nc | sed -n '/^ g =/,/;/p' | tr -d ' g=;\n')
awk -v a="$stored" -v b="$g" 'BEGIN{ if ((a - b) ^ 2 > 1e-12) { printf "FAIL: stored g %s, printed %s\n", a, b; exit 1 } printf "ok   the scalar model file holds g = %s\n", a }'
"$phynn" validate g_scalar.nc data.nc -report rep_scalar -threshold rel_l2=1e-3 > /dev/null || { echo "FAIL: the scalar pendulum-g model does not validate against the reference (rel_l2 <= 1e-3)"; exit 1; }
echo "ok   scalar model validates against the reference: $(grep -o '"rel_l2": [0-9.e+-]*' rep_scalar/metrics.json | head -1)"
g=$("$phynn" train pendulum-g -data data.nc -mode network -quiet -o g_model.nc | sed -n 's/^g: \([0-9.]*\).*/\1/p'); check "network g'(t), clean data" "$g" 1e-3
[ -s g_model.nc ] || { echo "FAIL: network mode wrote no model"; exit 1; }
"$phynn" validate g_model.nc data.nc -report rep_net -threshold rel_l2=1e-3 > /dev/null || { echo "FAIL: the network pendulum-g model does not validate against the reference (rel_l2 <= 1e-3)"; exit 1; }
echo "ok   network model validates against the reference: $(grep -o '"rel_l2": [0-9.e+-]*' rep_net/metrics.json | head -1)"
out=$("$phynn" train pendulum-g -data data.nc -noise 0.002 -refits 4 -quiet | sed -n 's/^g: //p')
mean=$(echo "$out" | awk '{print $1}'); sd=$(echo "$out" | awk '{print $3}')
awk -v m="$mean" -v s="$sd" 'BEGIN{ d = m - 9.81; if (d < 0) d = -d;
  # measured 9.8216 +- 0.0188: the spread is bounded too (10x), so a broken fit with a huge
  # spread cannot "cover" the truth
  if (!(s > 0) || s > 0.2 || d > 4 * s + 1e-3) { printf "FAIL: noisy data: g = %s +- %s does not cover 9.81 with 0 < sd <= 0.2\n", m, s; exit 1 }
  printf "ok   noisy data (sigma 0.002 rad, 4 refits): g = %s +- %s covers 9.81 (|error| <= 4 sd + 1e-3, 0 < sd <= 0.2)\n", m, s }'
