#!/bin/bash
# phynn validate on SINDy autoencoders (docs/validation.md, "SINDy autoencoders"), on the fixture
# of make_fixture.sh (a tiny trained model, its law replaced by z'' = -sin z, and by z'' = -0.5):
#   1. a report for the trained model: exit 0, metrics.json parses and holds the metrics, every
#      picture is a non-empty PNG shown by index.html, the header shows the equation, no
#      temporary files; its numbers against numpy (check_sindy_metrics.py: Champion's relative
#      errors from a re-implementation of the networks' jets, the initial states, the true periods);
#   2. the law z'' = -sin z: the discovered period from the reported initial state equals
#      4 K(sin(z_max/2)) to 1e-6, and the decoded simulation's errors equal scipy's integration
#      decoded by numpy (1e-6); the page shows the set equation and that /sindy records another;
#   3. thresholds gate the exit status: passing ones exit 0, a failing rel_sq and a failing
#      period_err exit 1 with one line and a complete report (passed false), on 1 and 2 ranks
#      (the same numbers); a law that does not oscillate fails period_err with "does not oscillate".
# Usage: validate_sindy.sh PHYNN FIXTURE_DIR SOURCE_DIR MPIEXEC NUMPROC_FLAG
set -u
PHYNN=$1 FX=$2 HERE=$3 MPIEXEC=$4 NP=$5
W=$(mktemp -d "$PWD/validate_sindy.XXXXXX")
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=($2); print(', '.join(map(str, r)) if isinstance(r, tuple) else r)" "$1"; }
run() { # run NAME WANT_STATUS ARGS...: stdout/stderr in NAME.out/NAME.err
  local name=$1 want=$2; shift 2
  "$@" > "$name.out" 2> "$name.err"
  local rc=$?
  [ $rc -eq "$want" ] && ok "$name: exit $rc" || { bad "$name: exit $rc, expected $want"; cat "$name.err"; }
}
cd "$W" || exit 1
for f in val.nc model.nc sin.nc flat.nc; do [ -s "$FX/$f" ] || { echo "FAIL fixture $FX/$f missing (run sindy_validate_fixture)"; exit 1; }; done

# ---- 1. the report of the trained model ----
run report 0 "$PHYNN" validate "$FX/model.nc" "$FX/val.nc" -report r
/usr/bin/python3 -c "import json; json.load(open('r/metrics.json'))" && ok "metrics.json parses (python3 json)" || bad "metrics.json does not parse"
json r/metrics.json "d['kind'], sorted(d['rel_sq']), len(d['trajectories']), sorted(d['highlighted']), [c['metric'] for c in d['components']].count('period_err')" \
  | grep -q "^sindy-ae, \['sim', 'x', 'x_tt', 'z_tt'\], 3, \['largest', 'middle', 'smallest'\], 3$" \
  && ok "metrics.json: rel_sq of x, x_tt, z_tt, sim; 3 trajectories, 3 highlighted, 3 period_err components" || bad "metrics.json contents: $(json r/metrics.json "d['rel_sq'], d['highlighted']")"
json r/metrics.json "all(t['true_period'] > 0 and t['period']['status'] in ('oscillates', 'does not oscillate', 'diverges', 'integration failed') and len(t['simulation']['mse']) == t['frames'] for t in d['trajectories'])" | grep -q True \
  && ok "every trajectory has its true period, a period status and its error over time" || bad "trajectory entries"
for f in frames coefficients latent_theta latent_sim sim_error period loss_history; do
  if [ -s "r/$f.png" ] && head -c 8 "r/$f.png" | grep -q PNG && grep -q "src=\"$f.png\"" r/index.html; then ok "r/$f.png: a non-empty PNG, shown by index.html"
  else bad "r/$f.png missing, empty, not a PNG or not on the page"; fi
done
eq=$(json r/metrics.json "d['law']['equation']")
grep -qF "$(echo "$eq" | sed 's/&/\&amp;/g')" r/index.html && grep -q "Active terms" r/index.html && grep -q "Model command line" r/index.html \
  && ok "the page shows the equation ($eq), the active terms and the provenance" || bad "the page header"
[ "$eq" = "$(ncdump -h "$FX/model.nc" | sed -n 's/^.*:equation = "\(.*\)" ;$/\1/p' | sed "s/\\\\'/'/g")" ] && ok "the equation recomputed from theta is the one /sindy records" || bad "recomputed equation differs from /sindy's"
[ -z "$(ls -d r.tmp.* r.old.* r/plotdata r/plots.gp 2>/dev/null)" ] && ok "no temporary files or plot data left" || bad "temporary files left"
/usr/bin/python3 "$HERE/check_sindy_metrics.py" r/metrics.json "$FX/model.nc" "$FX/val.nc" || fail=1

# ---- 2. a known law: z'' = -sin z ----
run known 0 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report k
/usr/bin/python3 "$HERE/check_sindy_metrics.py" k/metrics.json "$FX/sin.nc" "$FX/val.nc" --law-known || fail=1
grep -q "z0'' = -1 sin(z0)" k/index.html && grep -q "Equation recorded in /sindy (differs)" k/index.html \
  && ok "the page shows the law of theta, z0'' = -1 sin(z0), and that /sindy records another" || bad "the page of the known law"

# ---- 3. thresholds and the exit status ----
run pass 0 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report p -threshold 'rel_sq[x]=10,rel_sq=100,period_err=100'
json p/metrics.json "d['passed'], [(c['name'], c['threshold']) for c in d['components']][:5]" | grep -q "^True, \[('x', 10), ('x_tt', 100), ('z_tt', 100), ('sim', 100), ('traj0', 100)\]$" \
  && ok "pass: the thresholds in force are in metrics.json (own over general)" || bad "pass: $(json p/metrics.json "d['passed'], [(c['name'], c['threshold']) for c in d['components']]")"
run fail_rel 1 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report f1 -threshold 'rel_sq[x]=1e-9,period_err=100'
if [ "$(grep -c . fail_rel.err)" = 1 ] && grep -q "^phynn: error: validation failed: rel_sq of x is .* > 1e-9; the report is in f1/index.html" fail_rel.err; then ok "fail_rel: one line: $(cat fail_rel.err)"
else bad "fail_rel: the message"; cat fail_rel.err; fi
[ -s f1/frames.png ] && [ -s f1/sim_error.png ] && json f1/metrics.json "d['passed'], d['failure'][:14]" | grep -q "^False, rel_sq of x is" && grep -q 'class="verdict fail"' f1/index.html \
  && ok "fail_rel: complete report, passed false" || bad "fail_rel: report"
run fail_period 1 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report f2 -threshold 'period_err=1e-9'
grep -q "validation failed: period_err of traj[0-9]* is .* > 1e-9 (and 2 more)" fail_period.err && ok "fail_period: $(cat fail_period.err)" || { bad "fail_period: the message"; cat fail_period.err; }
run flat 1 "$PHYNN" validate "$FX/flat.nc" "$FX/val.nc" -report f3 -threshold 'period_err=0.5'
grep -q "validation failed: period_err of traj[0-9]*: the discovered law does not oscillate" flat.err && grep -q "does not oscillate" f3/index.html \
  && json f3/metrics.json "[t['period']['status'] for t in d['trajectories']], [t['period']['period_err'] for t in d['trajectories']]" | grep -q "^\['does not oscillate', 'does not oscillate', 'does not oscillate'\], \[None, None, None\]$" \
  && ok "a law that does not oscillate: 'does not oscillate' entries, null period_err, the threshold fails: $(cat flat.err)" || { bad "flat law"; cat flat.err; }
run flat_nothreshold 0 "$PHYNN" validate "$FX/flat.nc" "$FX/val.nc" -report f4
run np2_pass 0 "$MPIEXEC" "$NP" 2 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report n2 -threshold 'rel_sq[x]=10'
run np2_fail 1 "$MPIEXEC" "$NP" 2 "$PHYNN" validate "$FX/sin.nc" "$FX/val.nc" -report n2f -threshold 'period_err=1e-9'
grep -q "validation failed: period_err of" np2_fail.err && [ -s n2f/metrics.json ] && ok "np2_fail: message and report" || bad "np2_fail: message or report"
nums() { json "$1" "d['rel_sq'], [(t['period']['discovered'], t['simulation']['rel_sq']) for t in d['trajectories']]"; }
[ "$(nums n2/metrics.json)" = "$(nums k/metrics.json)" ] && ok "2 ranks: the numbers of 1 rank" || bad "2 ranks: other numbers"
run replace 0 "$PHYNN" validate "$FX/model.nc" "$FX/val.nc" -report k
[ "$(json k/metrics.json "d['model']")" = "$FX/model.nc" ] && [ -z "$(ls -d k.tmp.* k.old.* 2>/dev/null)" ] && ok "an existing report is replaced as a whole" || bad "replacing a report"

if [ $fail = 0 ]; then cd / && rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
