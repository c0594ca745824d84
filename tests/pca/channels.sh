#!/usr/bin/env bash
# Frames from elsewhere: 12 two-channel 9 x 7 frames stored as float32 image(sample, channel, y, x),
# with no t, theta, x or y (the image layout requires only the frames). phynn pca on 2 ranks must
# pass the same LAPACK check as the pendulum frames (test_pca): the mean and components keep the
# (C, H, W) = (2, 9, 7) shape and the model reconstructs both channels.
# usage: channels.sh MPIEXEC NPFLAG PHYNN TEST_PCA
set -euo pipefail
mpiexec=$1 npflag=$2 phynn=$3 test_pca=$4
python=${PHYNN_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$python" - <<'PY'
import netCDF4, numpy as np
t = np.linspace(0, 1, 12)[:, None, None, None]
c = np.arange(2)[None, :, None, None]
y, x = np.meshgrid(np.linspace(-1, 1, 9), np.linspace(-1, 1, 7), indexing="ij")
frames = np.sin(3 * t + c) * np.exp(-(x - t) ** 2 - y ** 2) + 0.1 * np.cos(5 * t * x * (1 + c))
with netCDF4.Dataset("frames2.nc", "w") as f:
    for name, n in zip(("sample", "channel", "y", "x"), frames.shape):
        f.createDimension(name, n)
    f.createVariable("image", "f4", ("sample", "channel", "y", "x"))[:] = frames
PY
"$mpiexec" "$npflag" 2 "$phynn" pca frames2.nc -k 4 -holdout 0.2 -seed 5 -o pca2.nc
"$python" -c "
import netCDF4
f = netCDF4.Dataset('pca2.nc')
assert f['code.mean'].shape == (1, 2, 9, 7) and f['code.components'].shape == (4, 2, 9, 7), (f['code.mean'].shape, f['code.components'].shape)
print('ok   mean', f['code.mean'].shape, 'components', f['code.components'].shape)
"
"$test_pca" frames2.nc pca2.nc 0.2 5
