#!/bin/bash
# Trains the neural operators of docs/results.md on the periodic heat family of the issue's anchor
# (phynn solve heat -bc periodic -method spectral -k 0.01 -tf 1 -nsamples 1100: nx 256, the first
# 1000 samples for training, the last 100 held out) on 1 and 2 MPI ranks (one BLAS thread each),
# then validates each on a test family of another seed, and prints one markdown table: held-out
# relative L2, test relative L2 (mean and worst), training seconds, seconds per epoch, and the
# milliseconds to infer one sample.
#
#   bench/operator_table.sh                            all rows, np 1 and 2
#   NPS="2" ROWS="fno" bench/operator_table.sh
#
# PHYNN: the executable (default build/phynn). OUTDIR: where families, models and every run's
# output go (default: a temporary directory, printed at the end). Rows and their options:
#   fno        -arch fno (width 32, 16 bins, 4 layers), batch 10, lr 5e-3, 40 epochs
#   deeponet   -arch deeponet (128 wide, 3 layers each), batch 20, lr 1e-3, 300 epochs
#   cnn        -arch cnn (16 channels, levels from the grid: 5 at nx 256), batch 20, lr 2e-3, 40 epochs
#   deeponet64 -arch deeponet -width 64, batch 20, lr 1e-3, 1000 epochs (the goal's row, not default)
#   cnn60      -arch cnn as above, 60 epochs (the goal's row, not default)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "operator_table.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
nps=${NPS:-1 2}
rows=${ROWS:-fno deeponet cnn}
outdir=${OUTDIR:-$(mktemp -d)}
mkdir -p "$outdir"
mpi=(mpirun --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

opts_of() {
  case $1 in
  fno) echo "-arch fno -batch 10 -lr 5e-3 -epochs 40" ;;
  deeponet) echo "-arch deeponet -batch 20 -lr 1e-3 -epochs 300" ;;
  cnn) echo "-arch cnn -batch 20 -lr 2e-3 -epochs 40" ;;
  deeponet64) echo "-arch deeponet -width 64 -batch 20 -lr 1e-3 -epochs 1000" ;;
  cnn60) echo "-arch cnn -batch 20 -lr 2e-3 -epochs 60" ;;
  *) echo "operator_table.sh: unknown row '$1' (fno deeponet cnn deeponet64 cnn60)" >&2; exit 1 ;;
  esac
}
family=(solve heat -bc periodic -method spectral -k 0.01 -tf 1)
[ -f "$outdir/heat_family.nc" ] || "$phynn" "${family[@]}" -nsamples 1100 -quiet -o "$outdir/heat_family.nc"
[ -f "$outdir/heat_test.nc" ] || "$phynn" "${family[@]}" -nsamples 100 -seed 1 -quiet -o "$outdir/heat_test.nc"
key() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
echo "| model | np | held-out rel. L2 | test rel. L2 (mean / worst) | training s | s per epoch | infer one sample (ms) |"
echo "|---|---|---|---|---|---|---|"
for row in $rows; do
  for np in $nps; do
    name=${row}_np$np
    # shellcheck disable=SC2046
    "${mpi[@]}" -np "$np" "$phynn" train operator $(opts_of "$row") -data "$outdir/heat_family.nc" -holdout 100 -quiet -o "$outdir/$name.nc" > "$outdir/$name.out" 2>&1
    "$phynn" validate "$outdir/$name.nc" "$outdir/heat_test.nc" -report "$outdir/${name}_report" > "$outdir/${name}_validate.out" 2>&1
    m=$outdir/${name}_report/metrics.json
    test=$(/usr/bin/python3 -c "import json; c = json.load(open('$m'))['components'][0]; print('%.2e / %.2e' % (c['rel_l2'], c['rel_l2_worst']))")
    infer=$(/usr/bin/python3 -c "import json; print('%.2f' % (1e3 * json.load(open('$m'))['inference_seconds_per_sample']))")
    echo "| $row | $np | $(key heldout_rel_l2 "$outdir/$name.out") | $test | $(key seconds "$outdir/$name.out") | $(key seconds_per_epoch "$outdir/$name.out") | $infer |"
  done
done
echo "(runs in $outdir)" >&2
