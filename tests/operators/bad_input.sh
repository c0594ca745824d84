#!/bin/bash
# Bad operator input: one line naming what is wrong and what to do, a non-zero exit, and no output
# file. A family without the named variable, outputs on another grid than the inputs, a time the
# family lacks, more Fourier bins than the grid has (K > nx/2 + 1), a DeepONet asked for two
# output fields, a held-out count that leaves nothing to train on, a misspelt option, and an
# architecture that is neither built in nor a file.
# Usage: bad_input.sh PHYNN
set -u
phynn=$1
python=${PHYNN_PYTHON:-/usr/bin/python3}
dir=$(mktemp -d "$PWD/operator_bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
export OPENBLAS_NUM_THREADS=1
"$phynn" solve heat -bc periodic -method spectral -k 0.01 -nx 64 -nt 3 -nsamples 12 -quiet -o "$dir/heat.nc" || { echo "FAIL: solve heat"; exit 1; }
"$phynn" solve nls -nx 64 -nt 3 -nsamples 12 -quiet -o "$dir/nls.nc" || { echo "FAIL: solve nls"; exit 1; }
"$python" - "$dir/grids.nc" <<'PY' || { echo "FAIL: cannot write the mismatched family"; exit 1; }
import sys, numpy as np, netCDF4
d = netCDF4.Dataset(sys.argv[1], "w")
d.createDimension("sample", 4); d.createDimension("x", 32); d.createDimension("xo", 16); d.createDimension("t", 2)
d.createVariable("x", "f8", ("x",))[:] = np.arange(32) / 32
d.createVariable("t", "f8", ("t",))[:] = [0, 1]
d.createVariable("u0", "f8", ("sample", "x"))[:] = np.ones((4, 32))
d.createVariable("u", "f8", ("sample", "t", "xo"))[:] = np.ones((4, 2, 16))
d.close()
PY
cd "$dir" || exit 1
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/expect_error.sh"
expect() { # name pattern args...: the shared bad-input contract, and the message names the problem
  local name=$1 pat=$2 before=$fail; shift 2
  expect_error "$name" out.nc train operator -o out.nc -quiet "$@"
  if [ "$fail" = "$before" ] && ! grep -q -- "$pat" stderr.txt; then echo "FAIL: $name: the message does not say '$pat'"; fail=1; fi
}
expect missing_variable "has no variable 'h0_re'" -data "$dir/heat.nc" -input h0_re
expect missing_output "has no variable 'v'" -data "$dir/heat.nc" -output v
expect grids "not on the grid of input 'u0'" -data "$dir/grids.nc"
expect time "holds no time 0.7" -data "$dir/heat.nc" -output_time 0.7
expect modes "modes=40 but a grid of 64 points has only 33" -data "$dir/heat.nc" -modes 40 -batch 4
expect deeponet_two "deeponet maps to one 1-D output field" -data "$dir/nls.nc" -arch deeponet -input h0_re,h0_im -output h_re,h_im -batch 4
expect holdout "leaves none of the 12 samples" -data "$dir/heat.nc" -holdout 12
expect option "moddes" -data "$dir/heat.nc" -moddes 8 -batch 4
expect arch "neither fno, deeponet, cnn nor a readable model-spec file" -data "$dir/heat.nc" -arch unet
expect no_data "no family given" -arch fno
exit $fail
