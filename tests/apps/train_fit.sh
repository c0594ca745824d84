#!/bin/bash
# `phynn train fit` end to end on a tiny generated CSV: reaches a small loss, writes a model that
# `phynn eval` reads back, and its -loss_log and the model's history agree.
# Usage: train_fit.sh MPIEXEC NUMPROC_FLAG NP PHYNN
set -u
mpiexec=$1 npflag=$2 np=$3 phynn=$4
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "$PWD/apps_fit.XXXXXX")
trap 'rm -rf "$dir"' EXIT
bash "$here/fit_data.sh" "$dir/data.csv"
"$mpiexec" "$npflag" "$np" "$phynn" train fit -data "$dir/data.csv" -layers 2,16,16,1 -lr 1e-2 -max_it 1500 \
  -seed 7 -quiet -loss_log "$dir/log.csv" -o "$dir/model.nc" > "$dir/out.txt" 2>&1 || { echo "FAIL: train fit failed"; cat "$dir/out.txt"; exit 1; }
cat "$dir/out.txt"
loss=$(awk '/^final_loss:/ { print $2 }' "$dir/out.txt")
its=$(awk '/^iterations:/ { print $2 }' "$dir/out.txt")
fail=0
# A number first (awk compares a missing value as the string "", which is < 1e-3).
[[ $loss =~ ^[0-9.]+([eE][-+]?[0-9]+)?$ ]] || { echo "FAIL: no numeric final_loss line (got '$loss')"; exit 1; }
awk -v l="$loss" 'BEGIN { exit !(l < 1e-3) }' && echo "ok   final_loss $loss < 1e-3 (the data's variance is about 0.9)" || { echo "FAIL: final_loss $loss >= 1e-3"; fail=1; }
[ "$its" = 1500 ] && echo "ok   iterations: 1500" || { echo "FAIL: iterations $its"; fail=1; }
[ -f "$dir/model.nc" ] && [ -f "$dir/log.csv" ] || { echo "FAIL: model or log missing"; exit 1; }
# The -loss_log and the model's history (/training/history) are the same rows: 151 (iterations
# 1, 10, ..., 1500), and iteration, loss and data term equal to the 17 printed digits (elapsed_s
# is wall time, written with fewer digits to the log: not compared).
ncdump -p 17,17 -v history "$dir/model.nc" | sed -n '/^ *history =/,/;/p' | sed '1d; s/;//; s/[ \t]//g; s/,$//' | sed '/^$/d' \
  | cut -d, -f1,3- > "$dir/history.txt"
tail -n +2 "$dir/log.csv" | cut -d, -f1,3- > "$dir/log.txt"
hist_rows=$(wc -l < "$dir/history.txt")
if [ "$hist_rows" -eq 151 ] && cmp -s "$dir/history.txt" "$dir/log.txt"; then
  echo "ok   -loss_log and the model's history: the same $hist_rows rows (iteration, loss, data), to 17 digits"
else echo "FAIL: -loss_log ($(wc -l < "$dir/log.txt") rows) and the model's history ($hist_rows rows, want 151) differ:"; diff "$dir/log.txt" "$dir/history.txt" | head -5; fail=1; fi
# The model evaluates back to the same loss (MSE over the data), through `phynn eval`.
"$phynn" eval "$dir/model.nc" -in "$dir/data.csv" -o "$dir/eval.csv" > /dev/null || { echo "FAIL: eval of the trained model"; exit 1; }
awk -F, -v l="$loss" 'NR == 1 { for (k = 1; k <= NF; k++) { if ($k == "u_data") cu = k; if ($k == "u") cp = k }; next }
  { d = $cp - $cu; s += d * d; n++ }
  END { m = s / n; r = (m - l) / l; if (r < 0) r = -r;
        printf "%s   MSE of the evaluated model %.12g vs final_loss %.12g (relative %.2g, tolerance 1e-9)\n", (r < 1e-9 ? "ok" : "FAIL:"), m, l, r; exit !(r < 1e-9) }' "$dir/eval.csv" || fail=1
exit $fail
