#!/bin/bash
# Bad input to phynn pca: ONE line on stderr, "phynn: error: ...", a non-zero exit, and no output
# file (not even a temporary one) left behind.
# Usage: bad_input.sh PHYNN
set -u
phynn=$1
dir=$(mktemp -d "$PWD/pca_bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
"$phynn" solve pendulum-images -nt 20 -nx 32 -ny 32 -o f.nc -quiet > /dev/null || { echo "FAIL: setup frames"; exit 1; }
printf 'this is not NetCDF\n' > text.nc
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/expect_error.sh"
expect_error "missing file" out.nc pca missing.nc -k 2 -o out.nc
expect_error "not NetCDF" out.nc pca text.nc -k 2 -o out.nc
expect_error "no file argument" out.nc pca -k 2 -o out.nc
expect_error "missing variable" out.nc pca f.nc -var nosuch -k 2 -o out.nc
expect_error "a variable that is not frames (t)" out.nc pca f.nc -var t -k 2 -o out.nc
expect_error "no -k" out.nc pca f.nc -o out.nc
expect_error "-k 0" out.nc pca f.nc -k 0 -o out.nc
expect_error "-k -3" out.nc pca f.nc -k -3 -o out.nc
expect_error "-k larger than the training frames (15 of 20)" out.nc pca f.nc -k 16 -holdout 0.25 -o out.nc
expect_error "-k 7 with the default -holdout 0.7 (6 training frames)" out.nc pca f.nc -k 7 -o out.nc
expect_error "-k larger than all frames" out.nc pca f.nc -k 21 -holdout 0 -o out.nc
expect_error "-holdout 1" out.nc pca f.nc -k 2 -holdout 1 -o out.nc
expect_error "-holdout negative" out.nc pca f.nc -k 2 -holdout -0.1 -o out.nc
expect_error "-seed negative" out.nc pca f.nc -k 2 -holdout 0.5 -seed -1 -o out.nc
expect_error "misspelled option" out.nc pca f.nc -k 2 -holdot 0.5 -o out.nc
expect_error "-o into a missing directory" nodir/out.nc pca f.nc -k 2 -o nodir/out.nc
# -k equal to the training frames is allowed, with a warning (the last direction is arbitrary)
if "$phynn" pca f.nc -k 15 -holdout 0.25 -o ok.nc > stdout.txt 2> stderr.txt && grep -q '^phynn: warning: -k 15 equals the training frames' stderr.txt && [ -e ok.nc ]; then
  echo "ok   -k = training frames: a warning and a file"
else
  echo "FAIL: -k 15 with 15 training frames:"; cat stderr.txt; fail=1
fi
exit $fail
