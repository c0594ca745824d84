#!/bin/bash
# The tutorial's single-neuron examples (docs/tutorial-examples.md):
#   perceptron-iris reaches test accuracy 1 with the documented weights; linreg ends at the
#   documented w = 0.5056958044, b = -0.004073175399 (both runs are deterministic: fixed start,
#   fixed sample order, so the tolerance 1e-8 only allows for the 10 printed digits and a
#   different libm); a dead ReLU start (all w t + b <= 0) is reported with a warning.
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
# close WHAT LINE WANT...: every number after the "key:" of LINE against WANT, absolute 1e-8
close() {
  local what=$1 line=$2; shift 2
  awk -v want="$*" -v line="$line" -v what="$what" 'BEGIN { n = split(want, w, " "); sub(/^[a-z_]+: /, "", line); m = split(line, g, /, */);
    ok = m == n; for (k = 1; k <= n && ok; k++) { d = g[k] - w[k]; if (d < 0) d = -d; if (d > 1e-8) ok = 0 }
    printf "%s   %s %s (want %s, tolerance 1e-8)\n", (ok ? "ok" : "FAIL:"), what, line, want; exit !ok }'
}
close "perceptron w:" "$(grep '^w: ' "$dir/p.txt")" -0.2013480636 -1.326472394 1.449610396 0.2958212103 || fail=1
close "perceptron b:" "$(grep '^b: ' "$dir/p.txt")" 0.1482412677 || fail=1

"$phynn" train linreg -quiet > "$dir/l.txt" 2>&1 || { echo "FAIL: linreg failed"; cat "$dir/l.txt"; exit 1; }
cat "$dir/l.txt"
close "linreg w:" "$(grep '^w: ' "$dir/l.txt")" 0.5056958044 || fail=1
close "linreg b:" "$(grep '^b: ' "$dir/l.txt")" -0.004073175399 || fail=1

"$phynn" train linreg -quiet -w0 -1 -b0 -0.5 > "$dir/d.txt" 2> "$dir/d.err" || { echo "FAIL: a dead ReLU is a warning, not an error"; fail=1; }
if grep -q "^phynn: warning: the ReLU unit died" "$dir/d.err" && grep -qx "w: -1" "$dir/d.txt"; then echo "ok   dead ReLU start: warning, weights unchanged"
else echo "FAIL: no dead-ReLU warning"; cat "$dir/d.txt" "$dir/d.err"; fail=1; fi
exit $fail
