#!/bin/bash
# The sharp test of the Fourier layer (docs/operators.md): on a periodic domain of length L the
# heat equation's solution operator multiplies Fourier mode k of u(0) by exp(-nu (2 pi k/L)^2 T).
# A one-layer linear FNO (one spectral convolution, no pointwise path, no activation) represents it
# exactly, so trained on a family it must LEARN that multiplier: the weights read back from the
# model file (netCDF4, no phynn) match the formula at the bins the data excite (k = 0..4 of
# Gaussian random fields of correlation length 0.1; the higher bins see almost no signal), and
# the imaginary parts vanish. Also: the held-out relative L2 error is below 1e-4.
# Usage: heat_multiplier.sh PHYNN   (PHYNN_PYTHON: a python with netCDF4, default Debian's)
set -u
phynn=$1 python=${PHYNN_PYTHON:-/usr/bin/python3}
dir=$(mktemp -d "$PWD/operator_heat.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -tf 1 -nx 64 -nt 2 -nsamples 64 -quiet -o "$dir/family.nc" || { echo "FAIL: solve heat -nsamples"; exit 1; }
printf 'input u0 dims=1,1,64\nfourier u(u0) modes=33 act=identity linear=0\noutput u ref=u\n' > "$dir/linear.spec"
OPENBLAS_NUM_THREADS=1 "$phynn" train operator -arch "$dir/linear.spec" -data "$dir/family.nc" -holdout 8 -batch 0 -optimizer lbfgs -max_it 100 -quiet -o "$dir/linear.nc" > "$dir/train.out" 2>&1 \
  || { echo "FAIL: train operator"; cat "$dir/train.out"; exit 1; }
held=$(awk '/^heldout_rel_l2:/ { print $2 }' "$dir/train.out")
awk -v e="$held" 'BEGIN { ok = e != "" && e <= 1e-4; printf "%s   one-layer linear FNO on the heat family: held-out relative L2 %s (tolerance 1e-4)\n", ok ? "ok" : "FAIL:", e; exit !ok }' || exit 1
"$python" - "$dir/linear.nc" <<'PY'
import sys
import numpy as np
import netCDF4
d = netCDF4.Dataset(sys.argv[1])
R = np.asarray(d["u.R"][:])          # (rows, K, IC, OC, re/im)
R = R[0, :, 0, 0, 0] + 1j * R[0, :, 0, 0, 1]
k = np.arange(R.size)
exact = np.exp(-0.01 * (2 * np.pi * k / 1.0) ** 2 * 1.0)
ok = True
for i in range(5):
    # bin 0 of a real signal has no imaginary part (the layer ignores it): compare its real part
    err = abs(R[i].real - exact[i]) if i == 0 else abs(R[i] - exact[i])
    good = err <= 1e-5
    ok &= good
    print("%s   bin %d: learned %.10f%+.2ei, exact exp(-nu kappa^2 T) = %.10f, |error| %.2e (tolerance 1e-5)" % ("ok" if good else "FAIL:", i, R[i].real, R[i].imag, exact[i], err))
sys.exit(0 if ok else 1)
PY
