#!/usr/bin/env bash
# PINN commands reject bad input with one error line, a non-zero exit and no output file.
# usage: bad_input.sh PHYNN
set -uo pipefail
phynn=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
fail=0
expect_error() { # $1 = what the message must contain; the rest: the command
  local want=$1; shift
  "$@" -o out.nc > out.txt 2> err.txt; local rc=$?
  if [ $rc -eq 0 ]; then echo "FAIL: '$*' succeeded"; fail=1; return; fi
  if ! grep -q "^phynn: error: .*$want" err.txt; then echo "FAIL: '$*': no error line with '$want':"; cat err.txt; fail=1; return; fi
  if [ "$(grep -c 'phynn: error' err.txt)" -ne 1 ]; then echo "FAIL: '$*': more than one error line"; fail=1; fi
  if [ -e out.nc ]; then echo "FAIL: '$*' left an output file"; fail=1; rm -f out.nc; fi
  echo "ok   $* -> $(head -n 1 err.txt)"
}
expect_error "must start with 2" "$phynn" train pinn-heat -layers 3,10,1
expect_error "not positive" "$phynn" train pinn-heat -k -0.4
expect_error "must be even" "$phynn" train pinn-heat -n_b 3
expect_error "unknown option -max_iter" "$phynn" train pinn-heat -max_iter 10
expect_error "unknown value 'foo'" "$phynn" train pinn-nls -activation foo
expect_error "unknown value 'bfgs'" "$phynn" train pinn-nls -optimizer bfgs
expect_error "cannot read missing.nc" "$phynn" train pinn-heat -max_it 1 -lbfgs_it 0 -resume missing.nc
expect_error "not positive" "$phynn" train pinn-pendulum -l 0
expect_error "is not a number" "$phynn" train pinn-pendulum -theta0 abc
expect_error "no data" "$phynn" train pendulum-g
exit $fail
