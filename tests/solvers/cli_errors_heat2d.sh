#!/bin/bash
# Bad input to `phynn solve heat2d`: a one-line error on stderr naming the option and the fix, a
# non-zero exit status, and no output file (not even a temporary one); -help lists every option.
# Usage: cli_errors_heat2d.sh (needs $PHYNN_EXE; $MPIEXEC, e.g. "mpiexec -n", for the rank check).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/expect_error.sh"

expect_error "option -nx: 3 is too small" solve heat2d -nx 3
expect_error "option -k: 0 is not positive" solve heat2d -k 0
expect_error "option -tf: 0 is not positive" solve heat2d -tf 0
expect_error "option -nt: 1 is too small" solve heat2d -nt 1
expect_error "did you mean -nx" solve heat2d -nxx 64
expect_error "option -ic_mode: give two mode numbers" solve heat2d -ic_mode 3
expect_error "option -ic_mode: 32,1 is not resolved on 64 points" solve heat2d -ic_mode 32,1
expect_error "option -ic_center: give two numbers" solve heat2d -ic gaussian -ic_center 0.5
expect_error "option -ic_width: 0 is not positive" solve heat2d -ic gaussian -ic_width 0
# more ranks than grid rows: one distributed problem refuses (a family splits samples instead)
if [ -n "${MPIEXEC:-}" ]; then
  read -r -a launch <<< "$MPIEXEC 5"
  expect_error "option -nx: 4 rows cannot be spread over 5 ranks" solve heat2d -nx 4
  launch=()
else
  echo "FAIL: MPIEXEC is not set; the rank-count check did not run"
  fails=$((fails + 1))
fi
# -help lists every option the command reads, and writes nothing
"$PHYNN_EXE" solve heat2d -help -o help.nc > stdout.txt 2>&1
missing=""
for o in k xmin xmax tf nx nt ic ic_mode ic_center ic_width nsamples seed grf_length grf_sigma o quiet; do
  grep -q -- "^  -$o <" stdout.txt || missing="$missing -$o"
done
if [ -z "$missing" ] && [ ! -e help.nc ]; then echo "ok   solve heat2d -help lists its 16 options, writes nothing"; else echo "FAIL: solve heat2d -help lacks:$missing"; cat stdout.txt; fails=$((fails + 1)); fi
exit $fails
