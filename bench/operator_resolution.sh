#!/bin/bash
# FNO's mesh independence on the anchor's heat family (docs/results.md, "Resolution"): an FNO is
# trained at nx = 128 on the periodic heat family (phynn solve heat -bc periodic -method spectral
# -k 0.01 -tf 1 -nx 128 -nsamples 1100: the first 1000 for training, the last 100 held out) and
# the same model is validated, with its weights unchanged, on test families of another seed at
# nx = 128, 256 and 512. Prints one markdown table: the grid, the test relative L2 (mean, median,
# worst) and the error by Fourier band.
#
#   bench/operator_resolution.sh                 np 2, the options of bench/operator_table.sh's fno row
#   NP=1 EPOCHS=20 bench/operator_resolution.sh
#   GRF_LENGTH=0.03 bench/operator_resolution.sh  rougher initial fields (the default 0.1 has no
#                                                 energy above mode ~12: see docs/results.md)
#
# PHYNN: the executable (default build/phynn). OUTDIR: where families, the model and the reports go
# (default: a temporary directory, printed at the end).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "operator_resolution.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
np=${NP:-2}
epochs=${EPOCHS:-40}
outdir=${OUTDIR:-$(mktemp -d)}
mkdir -p "$outdir"
mpi=(mpirun --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
grf=${GRF_LENGTH:-0.1}
family=(solve heat -bc periodic -method spectral -k 0.01 -tf 1 -grf_length "$grf")

[ -f "$outdir/train_128.nc" ] || "$phynn" "${family[@]}" -nx 128 -nsamples 1100 -quiet -o "$outdir/train_128.nc"
for nx in 128 256 512; do
  [ -f "$outdir/test_$nx.nc" ] || "$phynn" "${family[@]}" -nx "$nx" -nsamples 100 -seed 1 -quiet -o "$outdir/test_$nx.nc"
done
[ -f "$outdir/fno_128.nc" ] || "${mpi[@]}" -np "$np" "$phynn" train operator -arch fno -batch 10 -lr 5e-3 -epochs "$epochs" \
  -data "$outdir/train_128.nc" -holdout 100 -quiet -o "$outdir/fno_128.nc" > "$outdir/train.out" 2>&1
heldout=$(awk '$1 == "heldout_rel_l2:" { print $2 }' "$outdir/train.out")
echo "FNO trained at nx = 128 ($epochs epochs, $np ranks, -grf_length $grf): held-out relative L2 $heldout"
echo
echo "| evaluated at nx | test rel. L2 mean | median | worst | band [0, 4) | band [4, 12) | band [12, ...) |"
echo "|---|---|---|---|---|---|---|"
for nx in 128 256 512; do
  "$phynn" validate "$outdir/fno_128.nc" "$outdir/test_$nx.nc" -report "$outdir/report_$nx" > "$outdir/validate_$nx.out" 2>&1
  /usr/bin/python3 - "$outdir/report_$nx/metrics.json" "$nx" << 'EOF'
import json, sys
m = json.load(open(sys.argv[1])); c = m['components'][0]
b = c['rel_l2_bands']; bands = [b['low'], b['mid'], b['high']]
cells = ['%.3e' % c['rel_l2'], '%.3e' % c['rel_l2_median'], '%.3e' % c['rel_l2_worst']] + ['%.3e' % b for b in bands]
print('| %s | %s |' % (sys.argv[2], ' | '.join(cells)))
EOF
done
echo "(runs in $outdir)" >&2
