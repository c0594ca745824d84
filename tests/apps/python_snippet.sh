#!/usr/bin/env bash
# The Python snippet of docs/model-file.md, exactly as it stands there, reads a model file with
# netCDF4 + numpy only and evaluates it; its outputs must agree with `phynn eval` at the same
# points to 1e-13 (the two differ only in the order of floating-point operations), for a train
# fit model without and with input scaling and for a pinn-heat model (two inputs scaled to
# [-1, 1] over the domain).
# usage: python_snippet.sh PHYNN SOURCE_DIR
set -euo pipefail
phynn=$1
src=$2
python=${PHYNN_PYTHON:-/usr/bin/python3} # Debian's, which has python3-netcdf4 (scripts/install-deps.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sed -n '/^```python$/,/^```$/p' "$src/docs/model-file.md" | sed '1d;$d' > snippet.py
[ -s snippet.py ] || { echo "FAIL: no python block in docs/model-file.md"; exit 1; }

"$phynn" train fit -data "$src/tests/data/v1/fit.csv" -layers 2,6,6,1 -max_it 50 -quiet -o fit.nc > /dev/null
"$phynn" train fit -data "$src/tests/data/v1/fit.csv" -layers 2,5,1 -activation sine -scale_inputs false -max_it 50 -quiet -o fit_raw.nc > /dev/null
"$phynn" train pinn-heat -layers 2,6,6,1 -max_it 20 -lbfgs_it 0 -quiet -o heat.nc > /dev/null
fails=0
check() { # model points.csv
  "$phynn" eval "$1" -in "$2" -o eval.csv > /dev/null
  sed "s/\"model.nc\"/\"$1\"/" snippet.py > run.py
  cat >> run.py <<'PY'
import csv, sys
rows = list(csv.DictReader(open("eval.csv")))
x = np.array([[float(r[c]) for c in inputs] for r in rows])
want = np.array([[float(r[c]) for c in outputs] for r in rows])
err = np.abs(model(x) - want).max()
print(f"{sys.argv[1]}: {len(rows)} points, max |snippet - phynn eval| = {err:.2e}")
sys.exit(0 if err <= 1e-13 else 1)
PY
  if "$python" run.py "$1"; then echo "ok   $1"; else echo "FAIL: the snippet disagrees with phynn eval on $1"; fails=$((fails + 1)); fi
}
check fit.nc "$src/tests/data/v1/fit.csv"
check fit_raw.nc "$src/tests/data/v1/fit.csv"
check heat.nc "$src/tests/data/v1/points.csv"
# xarray, as docs/model-file.md shows it: the parameters at the root, the record in /training
if "$python" - <<'PY'
import xarray as xr
ds = xr.open_dataset("heat.nc")
tr = xr.open_dataset("heat.nc", group="training")
assert ds["net.W1"].shape == (6, 2) and "mlp net(points)" in ds.attrs["model_spec"]
assert tr.history.attrs["columns"].startswith("iteration,elapsed_s,loss") and tr.history.shape[1] == 6
print("ok   xarray opens the model (net.W1", ds["net.W1"].shape, ") and its /training group (history", tr.history.shape, ")")
PY
then :; else echo "FAIL: xarray cannot open the model file as docs/model-file.md says"; fails=$((fails + 1)); fi
# The autoencoder snippet (```python autoencoder): its encoder on every frame against the codes of
# phynn eval, to 1e-12.
sed -n '/^```python autoencoder$/,/^```$/p' "$src/docs/model-file.md" | sed '1d;$d' > ae_snippet.py
"$phynn" solve pendulum-images -nx 32 -ny 32 -nt 12 -quiet -o frames.nc
"$phynn" train autoencoder -data frames.nc -latent 2 -holdout 0.5 -max_it 20 -lbfgs_it 0 -restarts 1 -quiet -o autoencoder.nc > /dev/null
"$phynn" eval autoencoder.nc -in frames.nc -o rec.nc > /dev/null
cat ae_snippet.py - > run_ae.py <<'PY'
import sys
with netCDF4.Dataset("frames.nc") as d, netCDF4.Dataset("rec.nc") as r:
    frames, codes = np.asarray(d["image"][:], dtype=float), np.asarray(r["code"][:])
err = max(np.abs(encode(frames[i]) - codes[i]).max() for i in range(len(frames)))
print(f"autoencoder: {len(frames)} frames, max |snippet encoder - phynn eval code| = {err:.2e}")
sys.exit(0 if err <= 1e-12 and codes.shape == (12, 2) else 1)
PY
if [ -s ae_snippet.py ] && "$python" run_ae.py; then echo "ok   the autoencoder snippet's encoder"; else echo "FAIL: the autoencoder snippet disagrees with phynn eval"; fails=$((fails + 1)); fi
exit $fails
