#!/bin/bash
# Bad input to `phynn solve ...`: a one-line error on stderr naming the problem, a non-zero exit
# status, and no output file (not even a temporary one). Usage: cli_errors.sh (needs $PHYNN_EXE).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/expect_error.sh"
printf '1 2 3\n' > short.txt
printf '0.1 abc\n' > bad.txt

expect_error "option -k: -0.4 is not positive" solve heat -k -0.4
expect_error "option -l: -1 is not positive" solve pendulum -l -1
expect_error "option -g: 0 is not positive" solve pendulum -g 0
expect_error "option -nx: 3 is too small" solve heat -nx 3
expect_error "option -nx: 2 is too small" solve nls -nx 2
expect_error "option -tf: 0 is not positive" solve pendulum -tf 0
expect_error "option -tf: -1 is not positive" solve heat -tf -1
expect_error "option -tf: -1 is not positive" solve nls -tf -1
expect_error "option -nt: 1 is too small" solve nls -nt 1
expect_error "cannot read '/nonexistent/u0.txt'" solve heat -ic file -ic_file /nonexistent/u0.txt
expect_error "holds 3 values, expected 256" solve heat -ic file -ic_file short.txt
expect_error "is not a number" solve nls -ic file -ic_file bad.txt
expect_error "needs -ic_file" solve nls -ic file
expect_error "needs -bc periodic" solve heat -method spectral
expect_error "did you mean -nx" solve heat -nxx 10
expect_error "is not a non-negative integer" solve pendulum -ntraj 3 -seed 1.5
expect_error "render" solve pendulum-images -render stick
expect_error "option -nx: 0 is too small" solve pendulum-images -nx 0
expect_error "option -ny: -5 is too small" solve pendulum-images -render blob -ny -5
expect_error "option -nt: 1 is too small" solve pendulum-images -nt 1
expect_error "option -window: give 4 numbers" solve pendulum-images -window 0,1
expect_error "option -window: need xmin < xmax" solve pendulum-images -window 0.5,-0.5,-1.1,0.05
expect_error "must be > 0" solve pendulum-images -bob_diameter 0
expect_error "option -l: 0 is not positive" solve pendulum-images -l 0
expect_error "is not a non-negative integer" solve pendulum-images -ntraj 2 -seed -1
expect_error "exceed 2^31 values" solve pendulum-images -ntraj 1000 -nt 1000
# an unwritable output path (a directory that does not exist)
"$PHYNN_EXE" solve heat -o "$dir/missing/heat.nc" 2> stderr.txt
rc=$?
if [ $rc -ne 0 ] && grep -q "does not exist" stderr.txt && [ ! -e "$dir/missing" ]; then echo "ok   unwritable -o path: $(cat stderr.txt)"; else echo "FAIL: unwritable -o path (rc $rc)"; cat stderr.txt; fails=$((fails + 1)); fi
# -help runs nothing and writes nothing
"$PHYNN_EXE" solve nls -help -o help.nc > stdout.txt 2>&1
if [ $? -eq 0 ] && grep -q -- "-substeps" stdout.txt && [ ! -e help.nc ]; then echo "ok   solve nls -help lists options, writes nothing"; else echo "FAIL: solve nls -help"; cat stdout.txt; fails=$((fails + 1)); fi
# a valid initial-condition file is accepted (the positive path of -ic file)
awk 'BEGIN { for (i = 0; i < 64; i++) { x = -5 + 10 * i / 64; printf "%.17g 0\n", 2 / ((exp(x) + exp(-x)) / 2) } }' > ic.txt
if "$PHYNN_EXE" solve nls -ic file -ic_file ic.txt -nx 64 -nt 5 -o ok.nc -quiet && [ -s ok.nc ]; then echo "ok   solve nls -ic file with 64 rows"; else echo "FAIL: solve nls -ic file with a valid file"; fails=$((fails + 1)); fi
# ... and its values are h(t = 0): the first 64 values of h_re (row t = 0) are the file's first
# column to the 17 printed digits, and h_im(t = 0) is 0.
row0() { ncdump -p 17,17 -v "$1" ok.nc | sed -n "/^ $1 =/,/;/p" | sed "s/^ $1 =//; s/;//" | tr ',' '\n' | tr -d ' \t' | sed '/^$/d' | head -n 64; }
if paste -d' ' <(cut -d' ' -f1 ic.txt) <(row0 h_re) <(row0 h_im) | awk 'NF != 3 || $1 != $2 || $3 != 0 { bad++ } END { exit !(NR == 64 && !bad) }'; then
  echo "ok   solve nls -ic file: h(t = 0) is the file's 64 values exactly"
else echo "FAIL: solve nls -ic file: h(t = 0) differs from ic.txt"; fails=$((fails + 1)); fi
exit $fails
