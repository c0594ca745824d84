#!/bin/bash
# An autoencoder through the one model path:
#   1. checkpoint and resume: 15 steps with a checkpoint, resumed to 30, give bitwise the weights
#      of 30 uninterrupted steps (minibatches and denoising noise are functions of the step);
#   2. `phynn eval` writes every frame's reconstruction and code in the image layout; its mean
#      absolute error over all frames equals the training command's train/held-out errors combined
#      (to the 7 digits they are printed with), and xarray opens the file;
#   3. the reconstruction file is itself a data file: train autoencoder reads it.
# Usage: autoencoder_eval.sh PHYNN
set -u
phynn=$1
dir=$(mktemp -d "$PWD/images_eval.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
"$phynn" solve pendulum-images -nx 32 -ny 32 -nt 24 -quiet -o frames.nc || { echo "FAIL: solve pendulum-images"; exit 1; }
opts=(-data frames.nc -latent 2 -holdout 0.5 -batch 6 -lr 3e-3 -lbfgs_it 0 -restarts 1 -quiet -denoise gauss:0.05)
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }
"$phynn" train autoencoder "${opts[@]}" -max_it 30 -o full.nc > full.out || { echo "FAIL: training"; cat full.out; exit 1; }
"$phynn" train autoencoder "${opts[@]}" -max_it 15 -checkpoint ck.nc -checkpoint_every 15 -o half.nc > half.out || { echo "FAIL: first half"; exit 1; }
"$phynn" train autoencoder "${opts[@]}" -max_it 30 -resume ck.nc -o resumed.nc > resumed.out || { echo "FAIL: resume"; cat resumed.out; exit 1; }
if cmp -s <(weights full.nc) <(weights resumed.nc); then echo "ok   15 steps + checkpoint + resume to 30 = 30 uninterrupted steps, bitwise"
else echo "FAIL: the resumed weights differ from the uninterrupted run's"; fail=1; fi

"$phynn" eval full.nc -in frames.nc -o recon.nc > eval.out || { echo "FAIL: eval"; cat eval.out; exit 1; }
/usr/bin/python3 - full.out <<'PY' || fail=1
import sys, numpy as np, xarray as xr
vals = dict(l.split(': ', 1) for l in open(sys.argv[1]).read().splitlines() if ': ' in l)
frames = xr.open_dataset('frames.nc'); rec = xr.open_dataset('recon.nc')
ok = rec['image'].dims == ('sample', 'y', 'x') and rec['image'].shape == frames['image'].shape and rec['code'].shape == (24, 2)
print(('ok  ' if ok else 'FAIL:') + ' eval output: image%s code%s (dims %s), opened with xarray' % (rec['image'].shape, rec['code'].shape, rec['image'].dims))
mae = float(np.abs(rec['image'].values - frames['image'].values).mean())
ntr = 12; expect = (ntr * float(vals['train_mae']) + 12 * float(vals['heldout_mae'])) / 24
r = abs(mae - expect) / expect
ok2 = r < 1e-6 and np.allclose(rec['theta'].values, frames['theta'].values, rtol=0, atol=0)
print(('ok  ' if ok2 else 'FAIL:') + ' eval MAE over all frames %.7e vs training command %.7e (relative %.2g, tolerance 1e-6); theta copied' % (mae, expect, r))
sys.exit(not (ok and ok2))
PY
"$phynn" train autoencoder -data recon.nc -latent 1 -holdout 0 -max_it 2 -lbfgs_it 0 -restarts 1 -quiet -o again.nc > again.out \
  && echo "ok   a reconstruction file trains as a data file" || { echo "FAIL: training on the reconstruction file"; cat again.out; fail=1; }
# restarts: three short tries from seeds 7, 8, 9, one line each, and the start with the lowest loss
"$phynn" train autoencoder -data frames.nc -latent 1 -restarts 3 -restart_epochs 5 -max_it 2 -lbfgs_it 0 -quiet -o r.nc > r.out || { echo "FAIL: restarts"; cat r.out; exit 1; }
/usr/bin/python3 - r.out <<'PY' || fail=1
import re, sys
text = open(sys.argv[1]).read()
tries = [(int(s), float(l)) for s, l in re.findall(r"^restart \d+: seed (\d+), loss (\S+) after", text, re.M)]
start = int(re.search(r"^start: seed (\d+)", text, re.M).group(1))
ok = [s for s, _ in tries] == [7, 8, 9] and start == min(tries, key=lambda t: t[1])[0]
print(("ok  " if ok else "FAIL:") + " -restarts 3: tries %s, start from seed %d (the lowest loss)" % (tries, start))
sys.exit(not ok)
PY
exit $fail
