#!/bin/bash
# Bad image input to train autoencoder / eval: ONE line on stderr ("phynn: error: ..."), a non-zero
# exit, and no output file (nor a temporary one) left behind.
# Usage: bad_input.sh PHYNN
set -u
phynn=$1
dir=$(mktemp -d "$PWD/images_bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
"$phynn" solve pendulum-images -nx 24 -ny 24 -nt 24 -quiet -o frames.nc || { echo "FAIL: setup frames"; exit 1; }
/usr/bin/python3 - <<'PY' || { echo "FAIL: setup NaN frames"; exit 1; }
import netCDF4, numpy as np
src = netCDF4.Dataset('frames.nc'); img = np.array(src['image'][:]); img[5, 3, 4] = np.nan
d = netCDF4.Dataset('nan.nc', 'w'); d.createDimension('sample', 24); d.createDimension('y', 24); d.createDimension('x', 24)
d.createVariable('image', 'f4', ('sample', 'y', 'x'))[:] = img; d.close()
d = netCDF4.Dataset('flat.nc', 'w'); d.createDimension('sample', 24); d.createDimension('pixel', 576)
d.createVariable('image', 'f8', ('sample', 'pixel'))[:] = img.reshape(24, -1); d.close()
PY
cat > big_kernel.spec <<'SPEC'
input image dims=1,24,24
conv c1(image) out=4 k=30 s=1 p=0 act=relu
mlp code(c1) sizes=4,1
mlp dec(code) sizes=1,576
reshape recon(dec) dims=1,24,24
output code
output recon
SPEC
polar_spec() { # a polar block with the given input and keys; an mlp with the given extra keys
  printf 'input image dims=1,24,24\nsoftargmax kp(image) gain=20\npolar angle(%s) dims=24,24 %s\nmlp code(angle) sizes=1,8,1 %s\nmlp pose(code) sizes=1,8,1\nwarp recon(pose) dims=1,24,24 train_pivot=0\noutput code\noutput recon\n' "$1" "$2" "$3"
}
polar_spec image "" "" > polar_images.spec
polar_spec kp "pivot=0" "" > polar_pivot.spec
polar_spec kp "" "skip=2" > skip2.spec
"$phynn" train autoencoder -data frames.nc -max_it 1 -lbfgs_it 0 -restarts 1 -quiet -o ae.nc > /dev/null || { echo "FAIL: setup model"; exit 1; }
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/expect_error.sh"
ae=(train autoencoder -max_it 2 -lbfgs_it 0 -restarts 1 -quiet)
expect_error "no -data" out.nc "${ae[@]}" -o out.nc
expect_error "missing data file" out.nc "${ae[@]}" -data missing.nc -o out.nc
expect_error "no such variable" out.nc "${ae[@]}" -data frames.nc -var frames -o out.nc
expect_error "a 1-D variable as frames" out.nc "${ae[@]}" -data frames.nc -var theta -o out.nc
expect_error "frames of 2 dimensions (sample, pixel)" out.nc "${ae[@]}" -data flat.nc -o out.nc
expect_error "NaN pixel" out.nc "${ae[@]}" -data nan.nc -holdout 0 -o out.nc
expect_error "batch larger than the training frames" out.nc "${ae[@]}" -data frames.nc -batch 100 -o out.nc
expect_error "-latent 0" out.nc "${ae[@]}" -data frames.nc -latent 0 -o out.nc
expect_error "-holdout leaving no training frame" out.nc "${ae[@]}" -data frames.nc -holdout 0.99 -o out.nc
expect_error "-holdout 1.5" out.nc "${ae[@]}" -data frames.nc -holdout 1.5 -o out.nc
expect_error "-arch conv on 24 x 24 frames" out.nc "${ae[@]}" -data frames.nc -arch conv -o out.nc
expect_error "-arch with a kernel larger than the frames" out.nc "${ae[@]}" -data frames.nc -arch big_kernel.spec -o out.nc
expect_error "-arch that is neither built in nor a file" out.nc "${ae[@]}" -data frames.nc -arch unet -o out.nc
expect_error "polar block on images, not positions" out.nc "${ae[@]}" -data frames.nc -arch polar_images.spec -o out.nc
expect_error "polar block with one pivot value" out.nc "${ae[@]}" -data frames.nc -arch polar_pivot.spec -o out.nc
expect_error "mlp skip=2" out.nc "${ae[@]}" -data frames.nc -arch skip2.spec -o out.nc
expect_error "-denoise pepper:0.2" out.nc "${ae[@]}" -data frames.nc -denoise pepper:0.2 -o out.nc
expect_error "-denoise salt:2" out.nc "${ae[@]}" -data frames.nc -denoise salt:2 -o out.nc
expect_error "misspelt option -latnet" out.nc "${ae[@]}" -data frames.nc -latnet 2 -o out.nc
expect_error "eval: image model on CSV points" out.nc eval ae.nc -in points.csv -o out.nc
expect_error "eval: -derivs with an image model" out.nc eval ae.nc -in frames.nc -derivs t -o out.nc
expect_error "eval: frames of another size" out.nc eval ae.nc -in flat.nc -o out.nc
exit $fail
