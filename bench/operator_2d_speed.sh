#!/bin/bash
# Seconds per epoch of the 2-D operators at np = 1 and 2 (docs/results.md, "2-D heat"): the 2-D
# FNO (width 16, 8 x 8 bins, 3 layers) and the 2-D CNN U-Net (width 8, 2 levels) on the one-step
# map u(t) -> u(t + 0.1) of `phynn solve heat2d -nsamples 120 -nx 64 -nt 11` (100 trajectories x
# 10 pairs for training, 20 held out), batch 20, for EPOCHS epochs (default 2: the speed, not the
# accuracy). Prints one markdown table with the speed-up of 2 ranks over 1.
#
#   bench/operator_2d_speed.sh
#   EPOCHS=5 NPS="1 2" bench/operator_2d_speed.sh
#
# PHYNN: the executable (default build/phynn). OUTDIR: the family, models and outputs (default: a
# temporary directory, printed at the end).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "operator_2d_speed.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
epochs=${EPOCHS:-2}
nps=${NPS:-1 2}
outdir=${OUTDIR:-$(mktemp -d)}
mkdir -p "$outdir"
mpi=(mpirun --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
[ -f "$outdir/heat2d.nc" ] || "$phynn" solve heat2d -nsamples 120 -nx 64 -nt 11 -quiet -o "$outdir/heat2d.nc"
opts_of() {
  case $1 in
  fno) echo "-arch fno -width 16 -modes 8 -layers 3" ;;
  cnn) echo "-arch cnn -width 8 -layers 2" ;;
  esac
}
echo "| model | np | seconds per epoch | speed-up |"
echo "|---|---|---|---|"
for row in fno cnn; do
  base=
  for np in $nps; do
    name=${row}_np$np
    # shellcheck disable=SC2046
    "${mpi[@]}" -np "$np" "$phynn" train operator $(opts_of $row) -data "$outdir/heat2d.nc" -input u -output u -output_time next \
      -holdout 20 -batch 20 -epochs "$epochs" -quiet -o "$outdir/$name.nc" > "$outdir/$name.out" 2>&1
    s=$(awk '$1 == "seconds_per_epoch:" { print $2 }' "$outdir/$name.out")
    [ -n "$base" ] || base=$s
    echo "| $row 2-D | $np | $s | $(awk -v a="$base" -v b="$s" 'BEGIN { printf "%.2f", a / b }') |"
  done
done
echo "(runs in $outdir)" >&2
