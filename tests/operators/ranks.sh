#!/bin/bash
# `phynn train operator` sees the same global minibatches on any rank count: a batch of 8 samples
# of a periodic heat family is split across the ranks, which compute their shares and sum the
# gradient in one allreduce. After 20 Adam steps every logged loss agrees with np=1 to 1e-10
# (relative) for the FNO (np = 2 and 3), the DeepONet and the CNN U-Net (np = 2); consecutive
# steps see different batches; and the held-out error printed at the end is the same number.
# Usage: ranks.sh MPIEXEC NUMPROC_FLAG PHYNN
set -u
mpiexec=$1 npflag=$2 phynn=$3
dir=$(mktemp -d "$PWD/operator_ranks.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/loss_logs.sh"
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -nx 64 -nt 3 -nsamples 40 -quiet -o "$dir/family.nc" || { echo "FAIL: solve heat -nsamples"; exit 1; }

run() { # np name arch [extra]
  local np=$1 name=$2 arch=$3; shift 3
  OPENBLAS_NUM_THREADS=1 "$mpiexec" "$npflag" "$np" "$phynn" train operator -arch "$arch" -data "$dir/family.nc" -holdout 8 -batch 8 \
    -max_it 20 -log_every 1 -quiet -loss_log "$dir/$name.csv" -o "$dir/$name.nc" "$@" > "$dir/$name.out" 2>&1 \
    || { echo "FAIL: np=$np $name failed:"; cat "$dir/$name.out"; exit 1; }
  cut -d, -f1,3- "$dir/$name.csv" > "$dir/$name.loss"
}
compare() { # a b
  compare_loss_logs "$1" "$2"
  local e1 e2
  e1=$(awk '/^heldout_rel_l2:/ { print $2 }' "$dir/$1.out"); e2=$(awk '/^heldout_rel_l2:/ { print $2 }' "$dir/$2.out")
  awk -v a="$e1" -v b="$e2" -v name="$1 vs $2" 'BEGIN { d = a - b; if (d < 0) d = -d; ok = a != "" && d <= 1e-8 * a
    printf "%s   %s: held-out relative L2 %s and %s\n", ok ? "ok" : "FAIL:", name, a, b; exit !ok }' || fail=1
}
for np in 1 2 3; do run $np fno_np$np fno -width 8 -modes 8 -layers 2; done
compare fno_np1 fno_np2; compare fno_np1 fno_np3
awk -F, 'NR == 2 { a = $2 } NR == 3 { b = $2 } END { d = a - b; if (d < 0) d = -d; ok = d > 1e-9 * (a < 0 ? -a : a);
  printf "%s   steps 1 and 2 (two batches of one epoch) have different losses: %s, %s\n", ok ? "ok" : "FAIL:", a, b; exit !ok }' "$dir/fno_np1.loss" || fail=1
for np in 1 2; do run $np deeponet_np$np deeponet -width 16 -layers 2; done
compare deeponet_np1 deeponet_np2
for np in 1 2; do run $np cnn_np$np cnn -width 4 -layers 2; done
compare cnn_np1 cnn_np2
exit $fail
