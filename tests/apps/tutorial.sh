#!/bin/bash
# The tutorial's single-neuron examples (docs/tutorial-examples.md):
#   perceptron-iris reaches test accuracy 1; linreg ends near w = 0.5, b = 0 (within 0.02);
#   a dead ReLU start (all w t + b <= 0) is reported with a warning.
# Usage: tutorial.sh PHYNN
set -u
phynn=$1
dir=$(mktemp -d "$PWD/apps_tutorial.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
# No -data: the default path resolution must find data/iris.csv (installed or source tree).
"$phynn" train perceptron-iris -quiet -o "$dir/iris.nc" > "$dir/p.txt" 2>&1 || { echo "FAIL: perceptron-iris failed"; cat "$dir/p.txt"; exit 1; }
cat "$dir/p.txt"
grep -qx "test_accuracy: 1" "$dir/p.txt" && echo "ok   perceptron test_accuracy 1" || { echo "FAIL: test accuracy is not 1"; fail=1; }
[ -f "$dir/iris.nc" ] || { echo "FAIL: -o iris.nc not written"; fail=1; }

"$phynn" train linreg -quiet > "$dir/l.txt" 2>&1 || { echo "FAIL: linreg failed"; cat "$dir/l.txt"; exit 1; }
cat "$dir/l.txt"
awk '/^w:/ { w = $2 } /^b:/ { b = $2 } END { dw = w - 0.5; if (dw < 0) dw = -dw; ab = b < 0 ? -b : b;
  printf "%s   linreg w = %s (|w - 0.5| = %.4f < 0.02), b = %s (|b| = %.4f < 0.02)\n", (dw < 0.02 && ab < 0.02 ? "ok" : "FAIL:"), w, dw, b, ab;
  exit !(dw < 0.02 && ab < 0.02) }' "$dir/l.txt" || fail=1

"$phynn" train linreg -quiet -w0 -1 -b0 -0.5 > "$dir/d.txt" 2> "$dir/d.err" || { echo "FAIL: a dead ReLU is a warning, not an error"; fail=1; }
if grep -q "^phynn: warning: the ReLU unit died" "$dir/d.err" && grep -qx "w: -1" "$dir/d.txt"; then echo "ok   dead ReLU start: warning, weights unchanged"
else echo "FAIL: no dead-ReLU warning"; cat "$dir/d.txt" "$dir/d.err"; fail=1; fi
exit $fail
