#!/bin/bash
# `phynn train autoencoder` on 1, 2 and 3 ranks sees the same global minibatches: a global batch of
# 6 frames out of 12 training frames is split across the ranks, which compute their shares and sum
# the gradient in one allreduce. After 20 Adam steps every logged loss agrees with np=1 to 1e-10
# (relative), for the spatial architecture (with salt noise on the inputs, whose draws depend on
# the frame and the epoch, not on the rank) and for the conv architecture. np=2 twice is bitwise
# the same.
# Usage: autoencoder_ranks.sh MPIEXEC NUMPROC_FLAG PHYNN
set -u
mpiexec=$1 npflag=$2 phynn=$3
dir=$(mktemp -d "$PWD/images_ranks.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/loss_logs.sh"
"$phynn" solve pendulum-images -nx 32 -ny 32 -nt 24 -quiet -o "$dir/frames.nc" || { echo "FAIL: solve pendulum-images"; exit 1; }

run() { # np name arch [extra]
  local np=$1 name=$2 arch=$3; shift 3
  OPENBLAS_NUM_THREADS=1 "$mpiexec" "$npflag" "$np" "$phynn" train autoencoder -data "$dir/frames.nc" -latent 1 -holdout 0.5 -batch 6 \
    -arch "$arch" -max_it 20 -lbfgs_it 0 -restarts 1 -lr 3e-3 -log_every 1 -quiet -loss_log "$dir/$name.csv" -o "$dir/$name.nc" "$@" > "$dir/$name.out" 2>&1 \
    || { echo "FAIL: np=$np $name failed:"; cat "$dir/$name.out"; exit 1; }
  cut -d, -f1,3- "$dir/$name.csv" > "$dir/$name.loss"
}
compare() { # a b
  compare_loss_logs "$1" "$2"
}
for np in 1 2 3; do run $np spatial_np$np spatial -denoise salt:0.2; done
run 2 spatial_np2b spatial -denoise salt:0.2
compare spatial_np1 spatial_np2; compare spatial_np1 spatial_np3
if cmp -s "$dir/spatial_np2.loss" "$dir/spatial_np2b.loss"; then echo "ok   np=2 twice: bitwise the same losses"; else echo "FAIL: np=2 twice differs"; fail=1; fi
# the batches change: consecutive steps of one epoch see different frames, so the losses differ
awk -F, 'NR == 2 { a = $3 } NR == 3 { b = $3 } END { d = a - b; if (d < 0) d = -d; ok = d > 1e-9 * (a < 0 ? -a : a);
  printf "%s   steps 1 and 2 (two batches of one epoch) have different losses: %s, %s\n", ok ? "ok" : "FAIL:", a, b; exit !ok }' "$dir/spatial_np1.loss" || fail=1
# and the noise acts: the same run without it has another loss at step 3 (not at step 1: the
# spatial decoder's template starts blank, so its first output is 0 whatever the input)
run 1 clean spatial
awk -F, 'NR == FNR && FNR == 4 { a = $2 } NR != FNR && FNR == 4 { b = $2 } END { ok = a != b
  printf "%s   -denoise salt:0.2 changes the loss at step 3 (%s with noise, %s without)\n", ok ? "ok" : "FAIL:", a, b; exit !ok }' "$dir/spatial_np1.loss" "$dir/clean.loss" || fail=1
for np in 1 2; do run $np conv_np$np conv; done
compare conv_np1 conv_np2
exit $fail
