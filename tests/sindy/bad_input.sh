#!/bin/bash
# phynn train sindy-ae refuses bad input with one line, a non-zero exit and no output file: frames
# without their derivatives (order 2 needs image_tt), a non-smooth activation, an empty library, a
# threshold <= 0, more rank groups than ranks, a spec without a sindy block, and a
# ReLU layer in a spec of order 2, velocity=0 of order 1 and velocity 2.
# Usage: bad_input.sh PHYNN
set -u
phynn=$1
dir=$(mktemp -d "$PWD/sindy_bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
. "$(dirname "$0")/../lib/expect_error.sh"
"$phynn" solve pendulum-images -render blob -nx 8 -ny 8 -ntraj 2 -nt 6 -tf 1 -g 1 -quiet -o frames.nc || { echo "FAIL: solve pendulum-images"; exit 1; }
/usr/bin/python3 - <<'PY' || { echo "FAIL: making the test files"; exit 1; }
import netCDF4
src = netCDF4.Dataset('frames.nc')
for name, keep in (('no_tt.nc', ('image', 'image_t')), ('no_t.nc', ('image',))):
    d = netCDF4.Dataset(name, 'w')
    for k, v in src.dimensions.items(): d.createDimension(k, len(v))
    for k in keep: d.createVariable(k, 'f8', src[k].dimensions)[:] = src[k][:]
    d.close()
PY
cat > norlaw.spec <<'S'
input frames dims=1,8,8
mlp code(frames) sizes=64,4,1 act=sigmoid
mlp recon(code) sizes=1,4,64 act=sigmoid
output code
output recon
S
cat > relu.spec <<'S'
input frames dims=1,8,8
mlp code(frames) sizes=64,4,1 act=relu
mlp recon(code) sizes=1,4,64 act=sigmoid
sindy law(code) order=2 poly=2
output code
output recon
S
t=(-epochs 1 -refine_epochs 0 -batch 0 -quiet -o out.nc)
expect_error "order 2 without image_tt" out.nc train sindy-ae -data no_tt.nc "${t[@]}"
expect_error "no image_t at all (order 1)" out.nc train sindy-ae -data no_t.nc -order 1 "${t[@]}"
expect_error "relu activation at order 2" out.nc train sindy-ae -data frames.nc -act relu "${t[@]}"
expect_error "an empty library" out.nc train sindy-ae -data frames.nc -poly 0 -sine 0 "${t[@]}"
expect_error "threshold 0" out.nc train sindy-ae -data frames.nc -threshold 0 "${t[@]}"
expect_error "negative threshold" out.nc train sindy-ae -data frames.nc -threshold -0.1 "${t[@]}"
expect_error "more rank groups than ranks" out.nc train sindy-ae -data frames.nc -runs 4 -groups 2 "${t[@]}"
expect_error "resume in a sweep" out.nc train sindy-ae -data frames.nc -runs 2 -resume x.nc "${t[@]}"
expect_error "a spec without a sindy block" out.nc train sindy-ae -data frames.nc -arch norlaw.spec "${t[@]}"
expect_error "a relu layer in a spec of order 2" out.nc train sindy-ae -data frames.nc -arch relu.spec "${t[@]}"
expect_error "order 3" out.nc train sindy-ae -data frames.nc -order 3 "${t[@]}"
expect_error "velocity=0 of order 1" out.nc train sindy-ae -data frames.nc -order 1 -velocity 0 "${t[@]}"
expect_error "velocity 2" out.nc train sindy-ae -data frames.nc -velocity 2 "${t[@]}"
expect_error "a misspelt option" out.nc train sindy-ae -data frames.nc -lamda_x 1 "${t[@]}"
expect_error "no data" out.nc train sindy-ae "${t[@]}"
exit $fail
