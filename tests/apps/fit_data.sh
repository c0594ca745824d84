#!/bin/bash
# Writes the small regression data set the `train fit` tests use to $1 (CSV: x, y, u):
# u = sin(pi x) (1 + y) on 101 rows (an odd count, so 2 and 3 ranks get uneven shares).
awk 'BEGIN { pi = atan2(0, -1); print "x,y,u";
  for (i = 0; i < 101; i++) { x = -1 + 2 * i / 100; y = (i % 7) / 6;
    printf "%.17g,%.17g,%.17g\n", x, y, sin(pi * x) * (1 + y) } }' > "$1"
