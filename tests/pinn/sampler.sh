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
#   - -points_out into a missing directory: one error line, before training, no model file.
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
