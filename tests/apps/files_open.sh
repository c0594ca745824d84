#!/usr/bin/env bash
# Every kind of file phynn writes opens with xarray.open_dataset (every group too) and with
# netCDF4, and holds what it should (files_open.py checks a shape or a value in each). At tiny
# sizes, a few seconds each:
#   references      solve pendulum, solve heat, solve nls
#   families        solve pendulum -ntraj, solve heat -nsamples, solve nls -nsamples
#   image data      solve pendulum-images (rod and blob)
#   models          train fit, pinn-heat, pinn-pendulum, pinn-nls, pendulum-g, perceptron-iris,
#                   linreg, autoencoder, sindy-ae (its /sindy group), a -runs sweep, pca, FNO, DeepONet
#   checkpoints     train fit, autoencoder, sindy-ae, operator -checkpoint
#   eval output     phynn eval of a point model on points and on a grid, and of image models
#   reports         phynn validate -report DIR of a PINN, an autoencoder, a SINDy autoencoder and an FNO
# and that an early format-2 model file (the history's row dimension named `history`) still loads.
# Beyond the list, files_open.py opens every NetCDF file found under the work directory (by its
# magic bytes, whatever its name), so a new kind of output is covered once a command here writes it.
#
#   files_open.sh PHYNN SOURCE_DIR
set -uo pipefail
phynn=$1
src=$2
python=${PHYNN_PYTHON:-/usr/bin/python3} # Debian's, with python3-xarray and python3-netcdf4 (scripts/install-deps.sh)
work=$(mktemp -d "$PWD/files_open.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export OPENBLAS_NUM_THREADS=1
fails=0

run() { # OUTPUT ARGS...: runs phynn, stops the test with its output if it fails
  local what=$1
  shift
  "$phynn" "$@" > "$what.out" 2>&1 || { echo "FAIL: phynn $* (for $what) exited with $?:"; sed 's/^/    /' "$what.out"; exit 1; }
}
fit=$src/tests/data/v1/fit.csv
run pendulum solve pendulum -tf 1 -nt 51 -quiet -o pendulum.nc
run pendulum_family solve pendulum -ntraj 3 -tf 1 -nt 51 -seed 1 -quiet -o pendulum_family.nc
run heat solve heat -nx 16 -nt 6 -quiet -o heat.nc
run heat_family solve heat -nsamples 3 -nx 16 -nt 6 -seed 2 -quiet -o heat_family.nc
run nls solve nls -nx 32 -nt 6 -quiet -o nls.nc
run nls_family solve nls -nsamples 2 -nx 32 -nt 6 -seed 2 -quiet -o nls_family.nc
run frames solve pendulum-images -nx 12 -ny 12 -nt 12 -quiet -o frames.nc
run blob solve pendulum-images -render blob -nx 12 -ny 12 -ntraj 4 -nt 12 -tf 3 -g 1 -seed 3 -quiet -o blob.nc
run fit train fit -data "$fit" -layers 2,5,1 -max_it 20 -quiet -checkpoint fit_checkpoint.nc -o fit.nc
run pinn_heat train pinn-heat -layers 2,5,1 -max_it 4 -lbfgs_it 0 -quiet -o pinn_heat.nc
run pinn_pendulum train pinn-pendulum -layers 1,5,1 -max_it 4 -lbfgs_it 0 -quiet -o pinn_pendulum.nc
run pinn_nls train pinn-nls -layers 2,5,2 -max_it 4 -lbfgs_it 0 -quiet -o pinn_nls.nc
run g_data solve pendulum -linear -l 10 -tf 3 -quiet -o g_data.nc
run pendulum_g train pendulum-g -data g_data.nc -quiet -o pendulum_g.nc
run iris train perceptron-iris -epochs 5 -quiet -o iris.nc
run linreg train linreg -quiet -o linreg.nc
run autoencoder train autoencoder -data frames.nc -latent 2 -max_it 4 -lbfgs_it 0 -restarts 1 -quiet -checkpoint autoencoder_checkpoint.nc -o autoencoder.nc
run pca pca frames.nc -k 3 -o pca.nc
sindy=(-data blob.nc -widths 10,6 -poly 2 -batch 24 -epochs 2 -refine_epochs 1 -threshold_every 2 -threshold 0.01 -lr 1e-2 -quiet)
run sindy train sindy-ae "${sindy[@]}" -checkpoint sindy_checkpoint.nc -o sindy.nc
run sweep train sindy-ae "${sindy[@]}" -runs 2 -seed 5 -o sweep.nc
run heat_periodic_family solve heat -bc periodic -method spectral -nsamples 6 -nx 16 -nt 3 -quiet -o heat_periodic_family.nc
run fno train operator -arch fno -width 4 -modes 4 -layers 1 -data heat_periodic_family.nc -holdout 2 -batch 2 -max_it 3 -quiet -checkpoint fno_checkpoint.nc -o fno.nc
run deeponet train operator -arch deeponet -width 4 -layers 1 -data heat_periodic_family.nc -holdout 2 -batch 2 -max_it 3 -quiet -o deeponet.nc
run eval_points eval fit.nc -in "$fit" -derivs a -o eval_points.nc
run eval_grid eval pinn_heat.nc -in heat.nc -o eval_grid.nc
run eval_autoencoder eval autoencoder.nc -in frames.nc -o eval_autoencoder.nc
run eval_pca eval pca.nc -in frames.nc -o eval_pca.nc
run eval_sindy eval sindy.nc -in blob.nc -o eval_sindy.nc
run report_pinn validate pinn_heat.nc heat.nc -report report_pinn
run report_autoencoder validate autoencoder.nc frames.nc -report report_autoencoder
run report_sindy validate sindy.nc blob.nc -report report_sindy
run report_operator validate fno.nc heat_periodic_family.nc -report report_operator
"$python" "$src/tests/apps/files_open.py" . || fails=1

# Early format-2 files (history(history, history_column), which xarray refuses) still load: eval
# reads one, and a run resumed from one continues its history and writes today's layout.
mkdir early
"$python" "$src/tests/apps/early_layout.py" fit_checkpoint.nc early/checkpoint.nc || { echo "FAIL: early_layout.py"; exit 1; }
run early_eval eval early/checkpoint.nc -in "$fit" -o early/eval.csv
run early_resume train fit -data "$fit" -layers 2,5,1 -max_it 30 -quiet -resume early/checkpoint.nc -o early/resumed.nc
"$python" - <<'PY' || fails=1
import netCDF4, xarray as xr
with netCDF4.Dataset("early/checkpoint.nc") as f:
    old = f["training/history"]
    early = old.dimensions == ("history", "history_column") and old.shape == (3, 4)
t = xr.open_dataset("early/resumed.nc", group="training")
rows = [int(i) for i in t.history.values[:, 0]]
ok = early and t.history.dims == ("history_row", "history_column") and rows == [1, 10, 20, 30]
print(("ok   " if ok else "FAIL ") + "an early format-2 checkpoint, history(history, history_column), loads: phynn eval reads it, and"
      f" resumed to 30 iterations it gives history(history_row, history_column), rows at iterations {rows}")
raise SystemExit(0 if ok else 1)
PY
# Frames are stored one per chunk (io/ncfile.c, PhynnNcChecksum): a checksummed array needs chunks,
# and netCDF's default of a thousand frames per chunk made every one-frame read (a rank's share of
# a minibatch) read and checksum the whole chunk: 51 s instead of 3.7 s for 3 SINDy epochs.
run frames32 solve pendulum-images -render blob -nx 32 -ny 32 -ntraj 2 -nt 40 -tf 3 -g 1 -quiet -o frames32.nc
"$python" - <<'PY' || fails=1
import netCDF4
with netCDF4.Dataset("frames32.nc") as f:
    chunks = {v: f[v].chunking() for v in ("image", "image_t", "image_tt")}
ok = all(c == [1, 32, 32] for c in chunks.values())
print(("ok   " if ok else "FAIL ") + f"frames of 32 x 32 are stored one per chunk: {chunks}")
raise SystemExit(0 if ok else 1)
PY
exit $fails
