#!/usr/bin/env bash
# -sampler uniform against the default Latin hypercube, on pinn-heat over x in [-1, 2], t in
# [0, 0.5] (400 collocation, 40 initial, 40 boundary points), read back with -points_out:
#   - every uniform point lies in the domain: collocation in [-1, 2) x [0, 0.5), initial points at
#     t = 0 exactly, boundary points alternately at x = -1 and x = 2 (20 each), t in [0, 0.5);
#   - the uniform points are not the Latin hypercube's (no coordinate in common), and are not
#     stratified: the Latin hypercube puts exactly one point in each of the 400 strata of each
#     coordinate; independent uniform draws leave about 400 (1 - 1/400)^400 = 147.0 of them empty
#     (standard deviation 6.2), so they occupy 253.0 +- 5 x 6.2 strata;
#   - the uniform sample's mean and variance per coordinate are those of the uniform
#     distribution within 5 standard errors;
#   - 1 and 2 ranks draw bitwise the same uniform points;
#   - -points_out into a missing directory: one error line, before training, no model file;
#   - -init: the initial weights of a 2,40,40,1 network (-max_it 0; 1720 weights, 81 biases) per
#     choice: constant all 0.1; uniform in [-0.1, 0.1) with variance 1/300; normal variance
#     0.01; xavier_normal (the default) variance 2 / (fan_in + fan_out) per layer; biases 0
#     (variances within 5 standard errors). normal, uniform and constant used to give all-zero
#     weights (the PINN passed the spec {kind, 0, 0}).
# usage: sampler.sh PHYNN MPIEXEC
set -euo pipefail
phynn=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

opts=(-xmin -1 -xmax 2 -tf 0.5 -n_f 400 -n_0 40 -n_b 40 -layers 2,4,1 -max_it 1 -lbfgs_it 0 -seed 5 -quiet)
"$phynn" train pinn-heat "${opts[@]}" -points_out lhs.csv -o lhs.nc > /dev/null
"$phynn" train pinn-heat "${opts[@]}" -sampler uniform -points_out uni.csv -o uni.nc > /dev/null
"$mpiexec" -n 2 "$phynn" train pinn-heat "${opts[@]}" -sampler uniform -points_out uni2.csv -o uni2.nc > /dev/null
cmp -s uni.csv uni2.csv || { echo "FAIL: -sampler uniform draws other points on 2 ranks"; exit 1; }
echo "ok   -sampler uniform: 1 and 2 ranks write bitwise the same $(($(wc -l < uni.csv) - 1)) points"

# the domain, per set (columns: set,round,index,x,t)
awk -F, 'NR > 1 {
    n[$1]++
    if ($1 == "collocation" && !($4 >= -1 && $4 < 2 && $5 >= 0 && $5 < 0.5)) bad[$1]++
    if ($1 == "initial" && !($4 >= -1 && $4 < 2 && $5 == 0)) bad[$1]++
    if ($1 == "boundary") { if ($4 == -1) left++; else if ($4 == 2) right++; else bad[$1]++; if (!($5 >= 0 && $5 < 0.5)) bad[$1]++ }
  }
  END { ok = n["collocation"] == 400 && n["initial"] == 40 && n["boundary"] == 40 && left == 20 && right == 20
        for (s in bad) if (bad[s]) { ok = 0; printf "FAIL: %d %s points outside their part of the domain\n", bad[s], s }
        printf "%s   -sampler uniform: %d collocation points in [-1, 2) x [0, 0.5), %d initial at t = 0, %d + %d boundary at x = -1 and 2\n", ok ? "ok" : "FAIL:", n["collocation"], n["initial"], left, right
        exit !ok }' uni.csv

# not the default sampler's points
paste -d, <(awk -F, '$1 == "collocation"' lhs.csv) <(awk -F, '$1 == "collocation"' uni.csv) | awk -F, '
  { n++; if ($4 == $9) same++; if ($5 == $10) same++ }
  END { ok = n == 400 && !same; printf "%s   uniform vs lhs: %d coordinates of %d collocation points in common (want 0)\n", ok ? "ok" : "FAIL:", same + 0, n; exit !ok }'
awk -F, 'FNR > 1 && $1 == "initial" { v[FILENAME] = v[FILENAME] " " $4 } END { exit v["lhs.csv"] == v["uni.csv"] }' lhs.csv uni.csv ||
  { echo "FAIL: the initial points are the same for both samplers"; exit 1; }

# strata: lhs one point in each of 400 per coordinate; uniform 253.0 +- 31
for f in lhs uni; do
  awk -F, -v f=$f '$1 == "collocation" {
      i = int(($4 + 1) / 3 * 400); j = int($5 / 0.5 * 400); if (!(i in a)) na++; a[i]; if (!(j in b)) nb++; b[j] }
    END { if (f == "lhs") { ok = na == 400 && nb == 400; want = "400 (one point per stratum)" }
          else { ok = na >= 253.0 - 31 && na <= 253.0 + 31 && nb >= 253.0 - 31 && nb <= 253.0 + 31; want = "253.0 +- 31" }
          printf "%s   %s: x occupies %d of 400 strata, t %d (want %s)\n", ok ? "ok" : "FAIL:", f, na, nb, want; exit !ok }' $f.csv
done
# measured (seed 5): x mean 0.5106, variance 0.7840; t mean 0.2539, variance 0.02143; strata
# occupied by the uniform points: 259 of x, 259 of t (lhs: 400 and 400)
awk -F, '$1 == "collocation" { n++; sx += $4; sxx += $4 * $4; st += $5; stt += $5 * $5 }
  END { mx = sx / n; vx = (sxx - n * mx * mx) / (n - 1); mt = st / n; vt = (stt - n * mt * mt) / (n - 1)
        # uniform on [a, b): mean (a+b)/2, variance (b-a)^2/12; SE(mean) = sd/sqrt(n), SE(variance) = variance sqrt(0.8/n)
        Vx = 9 / 12; Vt = 0.25 / 12
        ok = (mx - 0.5)^2 <= 25 * Vx / n && (mt - 0.25)^2 <= 25 * Vt / n && (vx - Vx)^2 <= 25 * Vx * Vx * 0.8 / n && (vt - Vt)^2 <= 25 * Vt * Vt * 0.8 / n
        printf "%s   uniform: x mean %.4f (want 0.5 +- %.3f), variance %.4f (want 0.75 +- %.3f); t mean %.4f (want 0.25 +- %.4f), variance %.5f (want 0.02083 +- %.4f)\n",
          ok ? "ok" : "FAIL:", mx, 5 * sqrt(Vx / n), vx, 5 * Vx * sqrt(0.8 / n), mt, 5 * sqrt(Vt / n), vt, 5 * Vt * sqrt(0.8 / n); exit !ok }' uni.csv

# a -points_out that cannot be written fails before training
rc=0
"$phynn" train pinn-heat "${opts[@]}" -max_it 100000 -points_out missing/p.csv -o never.nc > bad.out 2> bad.err || rc=$?
[ $rc -ne 0 ] && [ "$(grep -c . bad.err)" = 1 ] && grep -q '^phynn: error: option -points_out: cannot write missing/p.csv' bad.err && ! grep -q final_loss bad.out && [ ! -f never.nc ] ||
  { echo "FAIL: -points_out missing/p.csv: exit $rc, stderr:"; cat bad.err; exit 1; }
echo "ok   -points_out missing/p.csv: exit $rc before training, one line: $(cat bad.err)"

# measured (seed 5): uniform [-0.0998, 0.0999], variance 0.00335; normal variance 0.01036;
# xavier_normal per layer 0.05417, 0.02563, 0.06065 (want 0.04762, 0.02500, 0.04878)
# -init: theta is W1 (40x2), b1 (40), W2 (40x40), b2 (40), W3 (1x40), b3 (1)
theta() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p' | sed 's/^ theta =//; s/;//' | tr ',' '\n' | tr -d ' \t' | sed '/^$/d'; }
for init in constant uniform normal xavier_normal; do
  "$phynn" train pinn-heat -layers 2,40,40,1 -max_it 0 -lbfgs_it 0 -init $init -seed 5 -quiet -o init_$init.nc > /dev/null
  theta init_$init.nc | awk -v init=$init '
    { i = NR - 1; layer = i < 80 ? 1 : i < 120 ? -1 : i < 1720 ? 2 : i < 1760 ? -2 : i < 1800 ? 3 : -3
      if (layer < 0) { if ($1 != 0) nonzero_b++; next }
      n++; s += $1; ss += $1 * $1; nl[layer]++; sl[layer] += $1 * $1
      if ($1 < lo || n == 1) lo = $1; if ($1 > hi || n == 1) hi = $1 }
    END { ok = NR == 1801 && n == 1720 && !nonzero_b; v = ss / n
          if (init == "constant") { ok = ok && lo == 0.1 && hi == 0.1; msg = sprintf("every weight in [%g, %g] (want 0.1)", lo, hi) }
          else if (init == "uniform") { V = 0.01 / 3; ok = ok && lo >= -0.1 && hi < 0.1 && (v - V)^2 <= 25 * V * V * 0.8 / n
                                        msg = sprintf("weights in [%.4f, %.4f] (want [-0.1, 0.1)), variance %.5f (want %.5f +- %.5f)", lo, hi, v, V, 5 * V * sqrt(0.8 / n)) }
          else if (init == "normal") { V = 0.01; ok = ok && (v - V)^2 <= 25 * V * V * 2 / n
                                       msg = sprintf("weight variance %.5f (want 0.01 +- %.5f), range [%.3f, %.3f]", v, 5 * V * sqrt(2 / n), lo, hi) }
          else { msg = "weight variance per layer"
                 split("2 40 40", fi, " "); split("40 40 1", fo, " ")
                 for (l = 1; l <= 3; l++) { V = 2 / (fi[l] + fo[l]); vl = sl[l] / nl[l]; ok = ok && (vl - V)^2 <= 25 * V * V * 2 / nl[l]
                   msg = msg sprintf(" %d: %.5f (want %.5f +- %.5f)", l, vl, V, 5 * V * sqrt(2 / nl[l])) } }
          printf "%s   -init %s: %s; %d nonzero biases of 81\n", ok ? "ok" : "FAIL:", init, msg, nonzero_b; exit !ok }'
done
