#!/usr/bin/env bash
# A diverging run (gradient descent with a huge step) stops with one clear error when the loss
# stops being finite, writes no model file, and keeps the last good checkpoint (the last weights
# whose loss was finite), which loads and evaluates.
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
# The run is deterministic: the loss is 9.7e121 at the weights after 3 steps (logged at iteration
# 4) and not finite at the weights after 4 steps, where the error is raised ("at iteration 4").
# A checkpoint is written only once the loss at its weights has come out finite (src/trainer.c,
# TakeCheckpoint), so with -checkpoint_every 1 the file holds the weights after 3 steps, not the
# weights after 4 whose loss is inf, and the error line names it.
err_it=$(sed -n 's/^phynn: error: the loss became .* at iteration \([0-9]*\) (gd).*/\1/p' err.txt)
it=$(ncdump -h ck.nc | sed -n 's/.*:iteration = \([0-9]*\).*/\1/p')
[ "$err_it" = 4 ] || { echo "FAIL: the error names iteration '$err_it', want 4"; exit 1; }
[ "$it" = $((err_it - 1)) ] || { echo "FAIL: the checkpoint holds iteration '$it', want $((err_it - 1)) (the last whose loss was finite)"; exit 1; }
grep -q "the checkpoint ck.nc holds iteration $it, the last whose loss was finite: continue from it with -resume ck.nc" err.txt ||
  { echo "FAIL: the error line does not name the checkpoint and its iteration"; exit 1; }
# Resumed, the run's first step evaluates the loss at the checkpoint's weights: finite, and bitwise
# the loss the diverging run logged there (row 4 of its -loss_log). The same steps then diverge
# again (same -lr): the error names iteration 4 again and the first run's checkpoint still holds 3.
"$phynn" train fit -data data.csv -layers 2,8,1 -activation identity -optimizer gd -lr 1e3 -max_it 500 -log_every 1 \
  -loss_log log1.csv -quiet -o model.nc > /dev/null 2>&1
"$phynn" train fit -data data.csv -layers 2,8,1 -activation identity -optimizer gd -lr 1e3 -max_it 500 -log_every 1 \
  -resume ck.nc -loss_log log2.csv -quiet -o model.nc > /dev/null 2> err2.txt
[ ! -e model.nc ] || { echo "FAIL: the resumed diverging run wrote a model"; exit 1; }
grep -q "at iteration 4 (gd)" err2.txt || { echo "FAIL: the resumed run did not stop at iteration 4: $(cat err2.txt)"; exit 1; }
want=$(awk -F, '$1 == 4 {print $3}' log1.csv); got=$(awk -F, '$1 == 4 {print $3}' log2.csv)
[ -n "$want" ] && [ "$want" = "$got" ] || { echo "FAIL: loss at the checkpoint's weights: resumed '$got', diverging run '$want'"; exit 1; }
awk -v l="$got" 'BEGIN { exit !(l + 0 == l + 0 && l + 0 < 1e300) }' || { echo "FAIL: loss at the checkpoint's weights '$got' is not finite"; exit 1; }
echo "ok   diverging run stopped with one error line at iteration $err_it; the checkpoint (iteration $it) loads, evaluates, and its loss is finite ($got)"
