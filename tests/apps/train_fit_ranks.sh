#!/bin/bash
# `phynn train fit` across rank counts (DESIGN: same options + seed + rank count = bitwise the
# same results; across rank counts short runs agree to rounding):
#   - np=1 vs np=2 (and np=3) after 100 Adam steps: every logged loss agrees to 1e-10 relative;
#   - np=2 twice: the loss history (iteration, loss, term columns of -log) is bitwise identical.
# Usage: train_fit_ranks.sh MPIEXEC NUMPROC_FLAG PHYNN [BATCH_SIZE]
set -u
mpiexec=$1 npflag=$2 phynn=$3 batch=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "$PWD/apps_fit_ranks.XXXXXX")
trap 'rm -rf "$dir"' EXIT
bash "$here/fit_data.sh" "$dir/data.csv"
fail=0

run() { # np name
  "$mpiexec" "$npflag" "$1" "$phynn" train fit -data "$dir/data.csv" -layers 2,16,16,1 -optimizer adam -lr 1e-2 \
    -max_it 100 -log_every 1 -seed 7 -batch_size "$batch" -quiet -log "$dir/$2.csv" -o "$dir/$2.nc" > "$dir/$2.out" 2>&1 \
    || { echo "FAIL: np=$1 run failed:"; cat "$dir/$2.out"; exit 1; }
  grep final_loss "$dir/$2.out" | sed "s/^/np=$1 ($2) /"
  # elapsed_s (column 2) is wall time: compare the other columns only
  cut -d, -f1,3- "$dir/$2.csv" > "$dir/$2.loss"
}
run 1 np1; run 2 np2a; run 2 np2b; run 3 np3

rows=$(($(wc -l < "$dir/np1.loss") - 1))
[ "$rows" -eq 100 ] || { echo "FAIL: expected 100 logged rows (iterations 1..100), got $rows"; fail=1; }
if cmp -s "$dir/np2a.loss" "$dir/np2b.loss"; then echo "ok   np=2 twice: loss histories bitwise identical ($rows rows)"
else echo "FAIL: np=2 twice gave different loss histories"; diff "$dir/np2a.loss" "$dir/np2b.loss" | head; fail=1; fi

for other in np2a np3; do
  paste -d, "$dir/np1.loss" "$dir/$other.loss" | awk -F, -v name="$other" '
    NR == 1 { n = NF / 2; next }
    { for (k = 2; k <= n; k++) { a = $k; b = $(k + n); d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a;
        r = s > 0 ? d / s : d; if (r > max) { max = r; at = $1 } } }
    END { printf "%s   np=1 vs %s: max relative loss difference %.3g (iteration %s) over %d rows, tolerance 1e-10\n",
                 (max <= 1e-10 ? "ok" : "FAIL:"), name, max, at, NR - 1; exit !(max <= 1e-10) }' || fail=1
done
exit $fail
