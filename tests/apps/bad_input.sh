#!/bin/bash
# Bad input to train fit / eval / the tutorial commands: ONE line on stderr, "phynn: error: ...",
# a non-zero exit, and no output file (not even a temporary one) left behind.
# Usage: bad_input.sh PHYNN
set -u
phynn=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "$PWD/apps_bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
bash "$here/fit_data.sh" good.csv
printf 'x,y,u\n1,2,3\n4,5\n' > malformed.csv
printf 'x,y,u\n1,2,3\nnan,5,6\n' > nan.csv
printf 'this is not NetCDF\n' > text.nc
printf 'x,t\n1,2\n' > points.csv
"$phynn" train fit -data good.csv -layers 2,4,1 -max_it 2 -quiet -o model.nc > /dev/null || { echo "FAIL: setup model"; exit 1; }
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/expect_error.sh"
expect_error "missing -data file" out.nc train fit -data missing.csv -o out.nc
expect_error "no -data" out.nc train fit -o out.nc
expect_error "malformed CSV" out.nc train fit -data malformed.csv -o out.nc
expect_error "NaN in the data" out.nc train fit -data nan.csv -o out.nc
expect_error "-layers with 0" out.nc train fit -data good.csv -layers 2,0,1 -o out.nc
expect_error "-layers not a number" out.nc train fit -data good.csv -layers 2,a,1 -o out.nc
expect_error "-activation foo" out.nc train fit -data good.csv -activation foo -o out.nc
expect_error "-optimizer bar" out.nc train fit -data good.csv -optimizer bar -o out.nc
expect_error "wrong first layer size" out.nc train fit -data good.csv -layers 3,8,1 -o out.nc
expect_error "wrong last layer size" out.nc train fit -data good.csv -layers 2,8,2 -o out.nc
expect_error "misspelled option" out.nc train fit -data good.csv -max_itt 5 -o out.nc
expect_error "-o into a missing directory" nodir/out.nc train fit -data good.csv -o nodir/out.nc
expect_error "eval: missing model" out.csv eval missing.nc -in points.csv -o out.csv
expect_error "eval: model is not NetCDF" out.csv eval text.nc -in points.csv -o out.csv
expect_error "eval: a CSV as the model" out.csv eval good.csv -in points.csv -o out.csv
expect_error "eval: no model argument" out.csv eval -in points.csv -o out.csv
expect_error "eval: missing points file" out.csv eval model.nc -in nopoints.csv -o out.csv
expect_error "eval: malformed points CSV" out.csv eval model.nc -in malformed.csv -o out.csv
expect_error "eval: points lack an input column (y)" out.csv eval model.nc -in points.csv -o out.csv
expect_error "eval: unknown derivative" out.csv eval model.nc -in good.csv -derivs z -o out.csv
expect_error "perceptron: missing -data file" out.nc train perceptron-iris -data missing.csv -o out.nc
expect_error "perceptron: wrong -w0 length" out.nc train perceptron-iris -w0 1,2 -o out.nc
expect_error "linreg: negative -lr" out.nc train linreg -lr -1 -o out.nc
exit $fail
