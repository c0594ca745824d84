#!/usr/bin/env bash
# PINN commands reject bad input with one error line, a non-zero exit and no output file.
# usage: bad_input.sh PHYNN
set -uo pipefail
phynn=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work"
fail=0
expect_error() { # $1 = what the message must contain; the rest: the command. The contract of
  # tests/lib/expect_error.sh: exit != 0, exactly ONE stderr line "phynn: error: ...", no out.nc
  # and no temporary out.nc.tmp.* left behind.
  local want=$1; shift
  "$@" -o out.nc > out.txt 2> err.txt; local rc=$? lines left
  lines=$(wc -l < err.txt); left=$(ls out.nc* 2> /dev/null)
  if [ $rc -eq 0 ]; then echo "FAIL: '$*' succeeded"; fail=1; return; fi
  if ! grep -q "^phynn: error: .*$want" err.txt; then echo "FAIL: '$*': no error line with '$want':"; cat err.txt; fail=1; return; fi
  if [ "$lines" -ne 1 ]; then echo "FAIL: '$*': $lines stderr lines, want 1:"; cat err.txt; fail=1; return; fi
  if [ -n "$left" ]; then echo "FAIL: '$*' left $left"; fail=1; rm -f out.nc*; return; fi
  echo "ok   $* -> $(cat err.txt)"
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
expect_error "option -resample_every: -1 is negative" "$phynn" train pinn-heat -resample_every -1 -max_it 1
# -resume compares the canonical specs, not only the parameter counts: tanh and sine networks of
# the same sizes are not interchangeable.
"$phynn" train pinn-heat -layers 2,4,1 -max_it 2 -lbfgs_it 0 -quiet -checkpoint ck.nc -o first.nc > /dev/null
expect_error "was written for another model" "$phynn" train pinn-heat -layers 2,4,1 -activation sine -max_it 4 -lbfgs_it 0 -quiet -resume ck.nc
# another width (another parameter count) and another problem are refused the same way (U5)
expect_error "was written for another model" "$phynn" train pinn-heat -layers 2,5,1 -max_it 4 -lbfgs_it 0 -quiet -resume ck.nc
expect_error "was written for another model" "$phynn" train pinn-nls -layers 2,4,2 -max_it 4 -lbfgs_it 0 -quiet -resume ck.nc
# -model_spec: a spec file replaces the network; it must take the problem's coordinates
printf 'input p dims=2 names=x,y\nmlp net(p) sizes=2,4,1\noutput net names=u\n' > other.spec
expect_error "needs one input with names=x,t" "$phynn" train pinn-heat -model_spec other.spec -max_it 1
printf 'input p dims=2 names=x,t\nmlp net(p) sizes=2,4,1 actv=tanh\noutput net names=u\n' > typo.spec
expect_error "spec file typo.spec, line 2 (mlp net): unknown key 'actv'; did you mean 'act'?" "$phynn" train pinn-heat -model_spec typo.spec -max_it 1
printf 'input p dims=2 names=x,t lb=0,0 ub=1,1\nmlp net(p) sizes=2,5,5,1 act=sine\noutput net names=u ref=u\n' > good.spec
"$phynn" train pinn-heat -model_spec good.spec -max_it 3 -lbfgs_it 0 -quiet -o spec.nc > spec.txt || { echo "FAIL: a valid -model_spec did not train"; fail=1; }
grep -q "sizes=2,5,5,1 act=sine" <(ncdump -h spec.nc) && echo "ok   -model_spec good.spec trains and is stored" || { echo "FAIL: the -model_spec network is not the one stored"; fail=1; }
exit $fail
