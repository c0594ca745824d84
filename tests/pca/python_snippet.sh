#!/usr/bin/env bash
# The Python snippet of docs/pca.md, exactly as it stands there, reads a `phynn pca` model with
# netCDF4 + numpy only. Its reconstruction of every frame must give the mean absolute error that
# phynn pca printed (its own evaluation through the model's graph): over all frames,
#   MAE = (n_train train_mae + n_held heldout_mae) / n,
# to the 7 digits printed, for a fit on all frames and one with frames held out; and `phynn eval`
# of the model (an image model: frames in, reconstruction and codes out) agrees with it to 1e-12.
# usage: python_snippet.sh PHYNN SOURCE_DIR
set -euo pipefail
phynn=$1
src=$2
python=${PHYNN_PYTHON:-/usr/bin/python3} # Debian's, which has python3-netcdf4 (scripts/install-deps.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sed -n '/^```python$/,/^```$/p' "$src/docs/pca.md" | sed '1d;$d' > snippet.py
[ -s snippet.py ] || { echo "FAIL: no python block in docs/pca.md"; exit 1; }
"$phynn" solve pendulum-images -nt 20 -nx 32 -ny 32 -o frames.nc -quiet > /dev/null
fails=0
check() { # options...
  "$phynn" pca frames.nc "$@" -o pca.nc > out.txt 2> /dev/null
  cat snippet.py > run.py
  cat >> run.py <<'PY'
import sys
vals = dict(line.split(": ", 1) for line in open("out.txt") if ": " in line)
n, nh = int(vals["frames"]), int(vals.get("heldout_frames", 0))
want = (n * float(vals["train_mae"]) + nh * float(vals.get("heldout_mae", 0))) / (n + nh)
with netCDF4.Dataset("frames.nc") as d:
    x = np.asarray(d["image"][:], float).reshape((n + nh,) + mean.shape)
got = np.abs(decode(encode(x)) - x).mean()
assert np.allclose(components @ components.T, np.eye(len(components)), atol=1e-12)
print(f"snippet MAE over {n + nh} frames {got:.6g}, phynn pca's {want:.6g}; spectrum of {len(spectrum)}")
sys.exit(0 if abs(got - want) <= 1e-5 * want else 1)
PY
  if "$python" run.py; then echo "ok   $*"; else echo "FAIL: the snippet disagrees with phynn pca $*"; fails=$((fails + 1)); fi
}
check -k 4 -holdout 0
check -k 6 -holdout 0.25 -seed 3
# phynn eval treats the PCA model as the image model it is: its reconstruction file holds
# decode(encode(x)) and the codes encode(x) of every frame, as the snippet computes them
"$phynn" eval pca.nc -in frames.nc -o rec.nc > /dev/null
cat snippet.py > run.py
cat >> run.py <<'PY'
import sys
with netCDF4.Dataset("frames.nc") as d, netCDF4.Dataset("rec.nc") as r:
    x = np.asarray(d["image"][:], float).reshape((-1,) + mean.shape)
    ex = np.abs(np.asarray(r["image"][:]).reshape(x.shape) - decode(encode(x))).max()
    ez = np.abs(np.asarray(r["code"][:]) - encode(x)).max()
print(f"phynn eval vs the snippet: recon {ex:.2e}, code {ez:.2e}")
sys.exit(0 if ex <= 1e-12 and ez <= 1e-12 else 1)
PY
if "$python" run.py; then echo "ok   phynn eval of the PCA model"; else echo "FAIL: phynn eval of the PCA model disagrees with the snippet"; fails=$((fails + 1)); fi
exit $fails
