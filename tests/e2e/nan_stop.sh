#!/usr/bin/env bash
# A diverging run (gradient descent with a huge step) stops with one clear error when the loss
# stops being finite, writes no model file, and keeps the last good checkpoint, which loads and
# evaluates.
# usage: nan_stop.sh PHYNN SOURCE_DIR
set -uo pipefail
phynn=$1; src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
bash "$src/tests/apps/fit_data.sh" data.csv
"$phynn" train fit -data data.csv -layers 2,8,1 -activation identity -optimizer gd -lr 1e3 -max_it 500 \
  -checkpoint ck.nc -checkpoint_every 1 -quiet -o model.nc > out.txt 2> err.txt
rc=$?
cat err.txt
[ $rc -ne 0 ] || { echo "FAIL: the diverging run exited 0"; exit 1; }
grep -q "^phynn: error: the loss became" err.txt || { echo "FAIL: no 'the loss became' error line"; exit 1; }
[ "$(wc -l < err.txt)" -eq 1 ] || { echo "FAIL: more than one error line"; exit 1; }
[ ! -e model.nc ] || { echo "FAIL: a model file was written"; exit 1; }
"$phynn" eval ck.nc -in data.csv -o eval.csv > /dev/null || { echo "FAIL: the last checkpoint does not load (NaN weights?)"; exit 1; }
# The run is deterministic: the loss is 9.7e121 at iteration 4 (the weights after 3 steps) and
# not finite at the weights after 4 steps, where the error is raised ("at iteration 4"). With
# -checkpoint_every 1 the checkpoint holds the last finite weights: those after 4 steps.
err_it=$(sed -n 's/^phynn: error: the loss became .* at iteration \([0-9]*\) (gd).*/\1/p' err.txt)
it=$(ncdump -h ck.nc | sed -n 's/.*:iteration = \([0-9]*\).*/\1/p')
[ "$err_it" = 4 ] || { echo "FAIL: the error names iteration '$err_it', want 4"; exit 1; }
[ "$it" = "$err_it" ] || { echo "FAIL: the checkpoint holds iteration '$it', want $err_it (the last step whose weights are finite)"; exit 1; }
echo "ok   diverging run stopped with one error line at iteration $err_it; the checkpoint (iteration $it) loads and evaluates"
