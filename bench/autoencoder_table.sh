#!/bin/bash
# Trains the default autoencoder of docs/results.md (tutorial Example 3) on the tutorial's frames
# (theta0 = 20 degrees, 100 frames of 160 x 160 over 2.1 s) and on a large swing (theta0 = 2.5 rad,
# frames of the whole circle, x and y in [-1.1 l, 1.1 l]) at latent 1 and 2, on NP MPI ranks (one
# BLAS thread each); validates every model on its frames with salt and Gaussian noise and PCA as
# the baseline, and prints one markdown table: parameters, held-out and training mean absolute
# pixel error, the held-out error with noisy input (against the clean frame), training seconds,
# and the smallest number of PCA components that matches the model.
#
#   bench/autoencoder_table.sh                 np 2, all four rows
#   NP=1 ROWS="20:1 2.5:1" bench/autoencoder_table.sh
#
# PHYNN: the executable (default build/phynn). OUTDIR: where frames, models and reports go
# (default: a temporary directory, printed at the end). EXTRA: more train autoencoder options.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "autoencoder_table.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
np=${NP:-2}
rows=${ROWS:-20:1 20:2 2.5:1 2.5:2}
outdir=${OUTDIR:-$(mktemp -d)}
mkdir -p "$outdir"
mpi=(mpirun -np "$np" --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
cd "$outdir"

frames() { # amplitude -> file
  case $1 in
  20) [ -f rod20.nc ] || "$phynn" solve pendulum-images -quiet -o rod20.nc; echo rod20.nc ;;
  2.5) [ -f rod250.nc ] || "$phynn" solve pendulum-images -theta0 2.5 -window -1.1,1.1,-1.1,1.1 -quiet -o rod250.nc; echo rod250.nc ;;
  *) echo "autoencoder_table.sh: unknown amplitude '$1' (20 or 2.5)" >&2; exit 1 ;;
  esac
}
value() { sed -n "s/^$1: //p" "$2" | head -1; }

echo "| frames | latent | parameters | held-out MAE | train MAE | salt 0.2 | salt 0.4 | gauss 0.05 | training s (np $np) | PCA components matching |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for row in $rows; do
  amp=${row%%:*} latent=${row##*:}
  data=$(frames "$amp")
  [ -f "pca_$amp.nc" ] || "$phynn" pca "$data" -k 29 -o "pca_$amp.nc" > /dev/null
  name=ae_${amp}_$latent
  # shellcheck disable=SC2086
  "${mpi[@]}" "$phynn" train autoencoder -data "$data" -latent "$latent" ${EXTRA:-} -progress_s 1000 -o "$name.nc" > "$name.out"
  "$phynn" validate "$name.nc" "$data" -report "$name.report" -noise salt:0.2,salt:0.4,gauss:0.05 -baseline "pca_$amp.nc" > "$name.validate"
  noise=$(/usr/bin/python3 - "$name.report/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
c = {x["name"]: x["mae"] for x in m["components"]}
print(" | ".join("%.2e" % c[k] for k in ("salt:0.2", "salt:0.4", "gauss:0.05")), "|", m["baseline"]["smallest_k_matching"])
PY
)
  label=$([ "$amp" = 20 ] && echo "θ0 = 20°" || echo "θ0 = 2.5 rad")
  printf '| %s | %s | %s | %.2e | %.2e | %s | %s |\n' "$label" "$latent" "$(value parameters "$name.out")" "$(value heldout_mae "$name.out")" "$(value train_mae "$name.out")" "${noise% |*}" "$(value seconds "$name.out") | ${noise##*| }"
done
echo "outputs in $outdir"
