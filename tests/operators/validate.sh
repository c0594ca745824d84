#!/bin/bash
# `phynn validate` of operator models: the report (metrics.json, index.html, pictures) for the
# held-out samples of the training family with the same relative L2 the training printed; a
# threshold that fails exits non-zero after writing the complete report; an FNO trained on 64
# points evaluates on a 128-point family of the same equation with the same weights (resolution
# transfer) and its error stays small; phynn eval writes the predictions as a family file; a DeepONet, whose trunk points are its grid, refuses that
# grid in one line.
# Usage: validate.sh PHYNN
set -u
phynn=$1
python=${PHYNN_PYTHON:-/usr/bin/python3}
dir=$(mktemp -d "$PWD/operator_validate.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
export OPENBLAS_NUM_THREADS=1
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -nx 64 -nt 2 -nsamples 60 -quiet -o "$dir/f64.nc" || { echo "FAIL: solve heat"; exit 1; }
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -nx 128 -nt 2 -nsamples 20 -seed 5 -quiet -o "$dir/f128.nc" || { echo "FAIL: solve heat 128"; exit 1; }
"$phynn" train operator -arch fno -width 8 -modes 8 -layers 2 -data "$dir/f64.nc" -holdout 10 -batch 10 -epochs 60 -lr 5e-3 -quiet -o "$dir/fno.nc" > "$dir/fno.out" 2>&1 || { echo "FAIL: train fno"; cat "$dir/fno.out"; exit 1; }
"$phynn" train operator -arch deeponet -width 16 -layers 2 -data "$dir/f64.nc" -holdout 10 -batch 10 -epochs 2 -quiet -o "$dir/don.nc" > "$dir/don.out" 2>&1 || { echo "FAIL: train deeponet"; cat "$dir/don.out"; exit 1; }
trained=$(awk '/^heldout_rel_l2:/ { print $2 }' "$dir/fno.out")

if "$phynn" validate "$dir/fno.nc" "$dir/f64.nc" -report "$dir/rep" -threshold rel_l2=0.5 > "$dir/v.out" 2>&1; then echo "ok   validate an FNO on its family's held-out samples: exit 0 under rel_l2=0.5"; else echo "FAIL: validate"; cat "$dir/v.out"; fail=1; fi
for f in index.html metrics.json worst_sample median_sample errors; do ls "$dir/rep/$f"* > /dev/null 2>&1 || { echo "FAIL: the report has no $f"; fail=1; }; done
"$python" - "$dir/rep/metrics.json" "$trained" <<'PY' || fail=1
import json, sys
m = json.load(open(sys.argv[1])); c = m["components"][0]; trained = float(sys.argv[2])
ok = m["kind"] == "operator" and m["samples"]["count"] == 10 and m["samples"]["first"] == 50 and len(c["rel_l2_per_sample"]) == 10
ok = ok and abs(c["rel_l2"] - trained) <= 1e-6 * trained
b = c["rel_l2_bands"]; per = c["rel_l2_per_sample"]
ok = ok and c["rel_l2_median"] <= c["rel_l2_worst"] and max(per) == c["rel_l2_worst"]
# Parseval: the bands of one sample add up in squares to its error; so the mean band errors are each below the mean
ok = ok and all(0 <= b[k] <= c["rel_l2"] * (1 + 1e-12) for k in ("low", "mid", "high"))
print("%s   metrics.json: 10 held-out samples from 50, rel_l2 %.6g as the training printed (%.6g), bands low %.3g mid %.3g high %.3g, worst %.3g" % ("ok" if ok else "FAIL:", c["rel_l2"], trained, b["low"], b["mid"], b["high"], c["rel_l2_worst"]))
sys.exit(0 if ok else 1)
PY
# phynn eval writes the predictions as a family; read with xarray they give the same held-out error
"$phynn" eval "$dir/fno.nc" -in "$dir/f64.nc" -o "$dir/pred.nc" > "$dir/eval.out" 2>&1 || { echo "FAIL: eval"; cat "$dir/eval.out"; fail=1; }
"$python" - "$dir/pred.nc" "$dir/f64.nc" "$trained" <<'PY' || fail=1
import sys, numpy as np, xarray as xr
p, f, trained = xr.open_dataset(sys.argv[1]), xr.open_dataset(sys.argv[2]), float(sys.argv[3])
r = f.u.values[:, -1, :]; e = p.u_pred.values - r
rel = np.sqrt((e ** 2).sum(1) / (r ** 2).sum(1))[50:].mean()
ok = p.u_pred.dims == ("sample", "x") and p.u_pred.shape == (60, 64) and abs(rel - trained) <= 1e-6 * trained
print("%s   phynn eval: u_pred(sample, x) for all 60 samples; the held-out relative L2 from the file (xarray) %.6g, as trained %.6g" % ("ok" if ok else "FAIL:", rel, trained))
sys.exit(0 if ok else 1)
PY
if "$phynn" validate "$dir/fno.nc" "$dir/f64.nc" -report "$dir/rep2" -threshold rel_l2=1e-9 > "$dir/v2.out" 2>&1; then echo "FAIL: a failing threshold exits 0"; fail=1
else grep -q "validation failed: rel_l2 of the operator is" "$dir/v2.out" && [ -f "$dir/rep2/index.html" ] && echo "ok   rel_l2=1e-9 fails: non-zero exit, one line, the report is written" || { echo "FAIL: failing threshold output"; cat "$dir/v2.out"; fail=1; }; fi
if "$phynn" validate "$dir/fno.nc" "$dir/f128.nc" -report "$dir/rep128" > "$dir/v3.out" 2>&1; then
  "$python" - "$dir/rep128/metrics.json" "$trained" <<'PY' || fail=1
import json, sys
m = json.load(open(sys.argv[1])); c = m["components"][0]; trained = float(sys.argv[2])
ok = m["grid"] == [1, 128] and m["trained_grid"] == [1, 64] and m["samples"]["count"] == 20 and c["rel_l2"] <= 3 * trained + 1e-3
print("%s   the FNO trained on 64 points, on a 128-point family (another seed, all 20 samples): rel_l2 %.3g (at 64: %.3g)" % ("ok" if ok else "FAIL:", c["rel_l2"], trained))
sys.exit(0 if ok else 1)
PY
else echo "FAIL: FNO on a finer grid"; cat "$dir/v3.out"; fail=1; fi
if "$phynn" validate "$dir/don.nc" "$dir/f128.nc" -report "$dir/rep4" > "$dir/v4.out" 2>&1; then echo "FAIL: a DeepONet accepted another grid"; fail=1
else
  n=$(grep -c "error" "$dir/v4.out")
  grep -q "weights depend on its grid" "$dir/v4.out" && [ "$n" = 1 ] && [ ! -e "$dir/rep4" ] && echo "ok   a DeepONet on another grid: one line, '$(grep error "$dir/v4.out" | cut -c1-90)...', no report" || { echo "FAIL: DeepONet on another grid"; cat "$dir/v4.out"; fail=1; }
fi
# a one-step operator (-output_time next) of an 11-time family: 10 pairs per trajectory; the
# rollout's first step is the one-step error of the trajectories' first pairs, and after that the
# model runs on its own output
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -nx 64 -nt 11 -nsamples 30 -quiet -o "$dir/roll.nc" || { echo "FAIL: solve heat -nt 11"; exit 1; }
"$phynn" train operator -arch fno -width 8 -modes 8 -layers 2 -data "$dir/roll.nc" -input u -output u -output_time next -holdout 5 -batch 25 -epochs 5 -lr 5e-3 -quiet -o "$dir/roll_fno.nc" > "$dir/roll.out" 2>&1 || { echo "FAIL: train -output_time next"; cat "$dir/roll.out"; exit 1; }
grep -q "samples: 300 (train 250, held out 50) one-step pairs" "$dir/roll.out" && echo "ok   -output_time next: 30 trajectories of 11 times make 300 one-step pairs, the last 5 trajectories' 50 held out" || { echo "FAIL: pairs"; cat "$dir/roll.out"; fail=1; }
"$phynn" validate "$dir/roll_fno.nc" "$dir/roll.nc" -report "$dir/roll_rep" > "$dir/roll_v.out" 2>&1 || { echo "FAIL: validate the one-step operator"; cat "$dir/roll_v.out"; fail=1; }
"$python" - "$dir/roll_rep/metrics.json" <<'PY' || fail=1
import json, sys
m = json.load(open(sys.argv[1])); c = m["components"][0]; r = m["rollout_rel_l2"]; per = c["rel_l2_per_sample"]
first = sum(per[k] for k in range(0, 50, 10)) / 5   # pair 0 of each of the 5 trajectories
ok = len(r) == 10 and abs(r[0] - first) <= 1e-12 * first and m["samples"]["count"] == 50
print("%s   rollout over 10 steps: after 1 step %.4g (= the mean one-step error of the first pairs, %.4g), after 10 steps %.4g" % ("ok" if ok else "FAIL:", r[0], first, r[-1]))
sys.exit(0 if ok else 1)
PY
ls "$dir/roll_rep/rollout."* > /dev/null 2>&1 && echo "ok   the report pictures the rollout" || { echo "FAIL: no rollout picture"; fail=1; }
exit $fail
