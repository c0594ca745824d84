#!/bin/bash
# `phynn train sindy-ae` on 1, 2 and 3 ranks sees the same global minibatches: 24 of the 48 frames
# per step, split across the ranks, one allreduce summing the gradient of every term. After 20
# steps (with a thresholding at step 10 that removes terms, and the refine phase without L1) every
# logged loss and term agrees with np=1 to 1e-10 (relative), and so do the final coefficients and
# mask; np=2 twice is bitwise the same.
# Usage: ranks.sh MPIEXEC NUMPROC_FLAG PHYNN
set -u
mpiexec=$1 npflag=$2 phynn=$3
dir=$(mktemp -d "$PWD/sindy_ranks.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/loss_logs.sh"
"$phynn" solve pendulum-images -render blob -nx 12 -ny 12 -ntraj 4 -nt 12 -tf 3 -g 1 -seed 3 -quiet -o "$dir/frames.nc" || { echo "FAIL: solve pendulum-images"; exit 1; }
run() { # np name [extra]
  local np=$1 name=$2; shift 2
  OPENBLAS_NUM_THREADS=1 "$mpiexec" "$npflag" "$np" "$phynn" train sindy-ae -data "$dir/frames.nc" -widths 10,6 -poly 2 -batch 24 -epochs 5 -refine_epochs 5 \
    -threshold_every 5 -threshold 0.9 -lr 1e-2 -log_every 1 -quiet -loss_log "$dir/$name.csv" -o "$dir/$name.nc" "$@" > "$dir/$name.out" 2>&1 \
    || { echo "FAIL: np=$np $name failed:"; cat "$dir/$name.out"; exit 1; }
  cut -d, -f1,3- "$dir/$name.csv" > "$dir/$name.loss"
}
compare() { # a b
  compare_loss_logs "$1" "$2"
  /usr/bin/python3 - "$dir/$1.nc" "$dir/$2.nc" <<'PY' || fail=1
import sys, numpy as np, netCDF4
a, b = (netCDF4.Dataset(p)['sindy'] for p in sys.argv[1:3])
ca, cb = a['coefficient'][:], b['coefficient'][:]
d = float(np.max(np.abs(ca - cb) / np.maximum(np.abs(ca), 1e-300)))
ok = (a['mask'][:] == b['mask'][:]).all() and d <= 1e-10 and a.equation.split('=')[0] == b.equation.split('=')[0]
print(('ok  ' if ok else 'FAIL:') + ' final mask equal, coefficients agree to %.2g (tolerance 1e-10): %s' % (d, a.equation))
sys.exit(not ok)
PY
}
for np in 1 2 3; do run $np np$np; done
run 2 np2b
compare np1 np2; compare np1 np3
if cmp -s "$dir/np2.loss" "$dir/np2b.loss"; then echo "ok   np=2 twice: bitwise the same losses"; else echo "FAIL: np=2 twice differs"; fail=1; fi
# the thresholding at epoch 5 removed terms (threshold 0.9 against coefficients that start at 1)
grep -Eq "^threshold at epoch 5: [0-7] of 8 terms" "$dir/np1.out" \
  && echo "ok   thresholding at epoch 5: $(grep '^threshold at epoch 5' "$dir/np1.out")" || { echo "FAIL: no thresholding that removes terms:"; cat "$dir/np1.out"; fail=1; }
# the refine phase leaves the L1 term out: its column reads 0 from step 11 on
awk -F, 'NR > 1 && $1 > 10 && $NF != 0 { bad = 1 } END { printf "%s   the refine phase (steps 11-20) has no L1 term\n", bad ? "FAIL:" : "ok"; exit bad }' "$dir/np1.loss" || fail=1
# a pretrain phase (2 epochs = 4 steps) leaves the x-derivative term out; thresholding counts the
# train phase's epochs from its start, so it falls at epoch 2 + 5 = 7
run 1 pre -pretrain_epochs 2 -refine_epochs 2
awk -F, 'NR > 1 && $1 <= 4 && $4 != 0 { bad = 1 } NR > 1 && $1 > 4 && $1 <= 14 && $4 == 0 { bad = 1 }
  END { printf "%s   -pretrain_epochs 2: no sindy_x term in steps 1-4, present in the train phase\n", bad ? "FAIL:" : "ok"; exit bad }' "$dir/pre.loss" || fail=1
grep -Eq "^threshold at epoch 7: " "$dir/pre.out" && echo "ok   with the pretrain phase the thresholding falls at epoch 7" || { echo "FAIL: no thresholding at epoch 7:"; cat "$dir/pre.out"; fail=1; }
# -pretrain_without sindy_z: the pretrain phase (steps 1-4) leaves out the z term instead, keeps the x'' term
run 1 prez -pretrain_epochs 2 -pretrain_without sindy_z -refine_epochs 2
awk -F, 'NR > 1 && $1 <= 4 && ($5 != 0 || $4 == 0) { bad = 1 } NR > 1 && $1 > 4 && $1 <= 14 && $5 == 0 { bad = 1 }
  END { printf "%s   -pretrain_without sindy_z: no sindy_z term in steps 1-4 (sindy_x there), present in the train phase\n", bad ? "FAIL:" : "ok"; exit bad }' "$dir/prez.loss" || fail=1
# -threshold_first 3 -threshold_every 2 over 8 train epochs: thresholdings at epochs 3, 5, 7 and at the end, 8
run 1 first -epochs 8 -refine_epochs 0 -threshold_first 3 -threshold_every 2 -threshold 1e-6
epochs=$(sed -n 's/^threshold at epoch \([0-9]*\):.*/\1/p' "$dir/first.out" | tr '\n' ' ')
[ "$epochs" = "3 5 7 8 " ] && echo "ok   -threshold_first 3 -threshold_every 2: thresholdings at epochs $epochs" || { echo "FAIL: -threshold_first 3 -threshold_every 2 thresholded at epochs '$epochs', not 3 5 7 8"; fail=1; }
exit $fail
