#!/bin/bash
# The SINDy autoencoder through the one model path, and seed sweeps:
#   1. checkpoint and resume: 12 steps (past the thresholding at step 10, so the checkpoint holds a
#      mask with zeros) with a checkpoint, resumed to 20 (into the refine phase), give bitwise the
#      weights, coefficients and mask of 20 uninterrupted steps;
#   2. -runs 3 on 2 ranks (two groups of one rank): one model file per seed, a summary CSV with one
#      row per run, and each run's weights bitwise those of the same seed trained alone on 1 rank;
#   3. the model file opens with xarray (the /sindy group too) and states the equation.
# Usage: resume_runs.sh MPIEXEC NUMPROC_FLAG PHYNN
set -u
mpiexec=$1 npflag=$2 phynn=$3
dir=$(mktemp -d "$PWD/sindy_resume.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
export OPENBLAS_NUM_THREADS=1
"$phynn" solve pendulum-images -render blob -nx 12 -ny 12 -ntraj 4 -nt 12 -tf 3 -g 1 -seed 3 -quiet -o frames.nc || { echo "FAIL: solve pendulum-images"; exit 1; }
opts=(-data frames.nc -widths 10,6 -poly 2 -batch 24 -epochs 5 -refine_epochs 5 -threshold_every 5 -threshold 0.9 -lr 1e-2 -quiet)
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }
"$phynn" train sindy-ae "${opts[@]}" -o full.nc > full.out || { echo "FAIL: training"; cat full.out; exit 1; }
"$phynn" train sindy-ae "${opts[@]}" -train_it 10 -refine_it 2 -checkpoint ck.nc -checkpoint_every 12 -o half.nc > half.out || { echo "FAIL: first part"; cat half.out; exit 1; }
"$phynn" train sindy-ae "${opts[@]}" -resume ck.nc -o resumed.nc > resumed.out || { echo "FAIL: resume"; cat resumed.out; exit 1; }
if cmp -s <(weights full.nc) <(weights resumed.nc); then echo "ok   12 steps + checkpoint + resume to 20 = 20 uninterrupted steps, bitwise (mask included)"
else echo "FAIL: the resumed weights differ from the uninterrupted run's"; fail=1; fi
/usr/bin/python3 - <<'PY' || fail=1
import sys, numpy as np, xarray as xr
m = xr.open_dataset('full.nc'); s = xr.open_dataset('full.nc', group='sindy')
ok = s['coefficient'].dims == ('latent', 'term') and s['coefficient'].shape == (1, 8) and list(s['term_name'].values) == \
     ['1', 'z0', 'dz0', 'z0^2', 'z0*dz0', 'dz0^2', 'sin(z0)', 'sin(dz0)'] and s.attrs['equation'].startswith("z0'' =")
ok = ok and set(np.unique(s['mask'].values)) <= {0.0, 1.0} and (s['coefficient'].values[s['mask'].values == 0] == 0).all()
print(('ok  ' if ok else 'FAIL:') + ' xarray opens the model and its /sindy group: %s, terms %s' % (s.attrs['equation'], list(s['term_name'].values)))
sys.exit(not ok)
PY
# a sweep of 3 seeds on 2 ranks: groups of one rank each (run k on group k mod 2)
"$mpiexec" "$npflag" 2 "$phynn" train sindy-ae "${opts[@]}" -runs 3 -seed 4 -expect "sin(z0)" -o sweep.nc > sweep.out 2>&1 || { echo "FAIL: sweep"; cat sweep.out; exit 1; }
for s in 4 5 6; do
  [ -f "sweep_seed$s.nc" ] || { echo "FAIL: no sweep_seed$s.nc"; ls; fail=1; continue; }
  "$phynn" train sindy-ae "${opts[@]}" -seed $s -o alone$s.nc > alone$s.out || { echo "FAIL: seed $s alone"; fail=1; continue; }
  if cmp -s <(weights "sweep_seed$s.nc") <(weights alone$s.nc); then echo "ok   sweep run of seed $s = the same seed trained alone on 1 rank, bitwise"
  else echo "FAIL: sweep run of seed $s differs from the run alone"; fail=1; fi
done
/usr/bin/python3 - <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open('sweep_runs.csv')))
ok = [r['seed'] for r in rows] == ['4', '5', '6'] and all(r['recovered'] in ('yes', 'no') and r['equation'].startswith("z0'' =") for r in rows)
ok = ok and all(r['model'] == 'sweep_seed%s.nc' % r['seed'] for r in rows)
print(('ok  ' if ok else 'FAIL:') + ' summary sweep_runs.csv: %d runs, %s' % (len(rows), [(r['seed'], r['recovered'], r['active_terms']) for r in rows]))
sys.exit(not ok)
PY
grep -q "^recovered: [0-3] of 3 runs" sweep.out && echo "ok   $(grep '^recovered:' sweep.out)" || { echo "FAIL: no recovered line:"; cat sweep.out; fail=1; }
exit $fail
