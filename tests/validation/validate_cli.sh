#!/bin/bash
# phynn validate on the command line: exit 0 when every threshold holds, non-zero with one line
# "phynn: error: validation failed: ..." and a complete report when one fails (on 1 and 2 ranks),
# and one-line errors with no report directory for bad input.
#   validate_cli.sh PHYNN TEST_VALIDATE MPIEXEC NUMPROC_FLAG
set -u
PHYNN=$1 FIX=$2 MPIEXEC=$3 NP=$4
W=$(mktemp -d /tmp/phynn_validate_cli_XXXXXX)
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
"$FIX" fixtures "$W" || { echo "FAIL fixtures"; exit 1; }

# run NAME EXPECTED_STATUS ARGS...: status 0 or "nonzero"; stderr in $W/NAME.err
run() {
  local name=$1 want=$2; shift 2
  "$@" >"$W/$name.out" 2>"$W/$name.err"
  local rc=$?
  if [ "$want" = 0 ] && [ $rc -eq 0 ]; then ok "$name: exit 0"
  elif [ "$want" = nonzero ] && [ $rc -ne 0 ]; then ok "$name: exit $rc"
  else bad "$name: exit $rc, expected $want"; cat "$W/$name.err"; fi
}
complete() { # report directory has every file, none empty
  local d=$1 f
  for f in index.html metrics.json field_u.png error_over_time.png loss_history.png; do
    [ -s "$d/$f" ] || { bad "$d/$f missing or empty"; return; }
  done
  for f in field_u.png error_over_time.png loss_history.png; do # PNG signature
    [ "$(head -c 8 "$d/$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { bad "$d/$f is not a PNG file"; return; }
  done
  [ ! -e "$d/plotdata" ] && [ ! -e "$d/plots.gp" ] || { bad "$d: plot scratch (plotdata/, plots.gp) left"; return; }
  ok "report $d complete"
}
one_line() { # stderr is exactly one line starting with phynn: error: and matching $2
  local n; n=$(grep -c . "$W/$1.err")
  if [ "$n" = 1 ] && grep -q "^phynn: error: .*$2" "$W/$1.err"; then ok "$1: one line: $(cat "$W/$1.err")"
  else bad "$1: expected one error line matching '$2', got:"; cat "$W/$1.err"; fi
}

run exact 0 "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_exact" -threshold rel_l2=1e-12,max_abs=1e-12
complete "$W/r_exact"
run nothreshold 0 "$PHYNN" validate "$W/plane.nc" "$W/ref_perturbed.nc" -report "$W/r_none"
run failing nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_perturbed.nc" -report "$W/r_fail" -threshold rel_l2=1e-3
one_line failing "validation failed: rel_l2 of u is 1.05e-2 > 1e-3"
# thresholds just either side of the fixture's rel_l2 (0.0105434703, test_validate.c): the exit status flips
run just_above 0 "$PHYNN" validate "$W/plane.nc" "$W/ref_perturbed.nc" -report "$W/r_above" -threshold rel_l2=0.0105445
run just_below nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_perturbed.nc" -report "$W/r_below" -threshold rel_l2=0.0105424
one_line just_below "validation failed: rel_l2 of u is 1.05e-2 > 0.0105424"
complete "$W/r_below"
complete "$W/r_fail"
grep -q '"passed": false' "$W/r_fail/metrics.json" && ok "failing: metrics.json says passed false" || bad "failing: metrics.json"
grep -q 'class="verdict fail"' "$W/r_fail/index.html" && ok "failing: index.html shows FAILED" || bad "failing: index.html verdict"
run nls_h nonzero "$PHYNN" validate "$W/nls.nc" "$W/ref_nls.nc" -report "$W/r_nls" -threshold 'rel_l2[|h|]=1e-3,rel_l2[v]=1e-12'
one_line nls_h "rel_l2 of |h| is 2.43e-3 > 1e-3"
# replacing an existing report: the old one is gone, the new one complete
run replace 0 "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_fail" -threshold rel_l2=1e-12
grep -q '"passed": true' "$W/r_fail/metrics.json" && ok "replace: new report in place" || bad "replace: old report still there"
ls -d "$W"/r_fail.* >/dev/null 2>&1 && bad "replace: temporary directories left" || ok "replace: no temporary directories left"

# two ranks: the same statuses
run np2_pass 0 "$MPIEXEC" "$NP" 2 "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_np2" -threshold rel_l2=1e-12
run np2_fail nonzero "$MPIEXEC" "$NP" 2 "$PHYNN" validate "$W/plane.nc" "$W/ref_perturbed.nc" -report "$W/r_np2f" -threshold rel_l2=1e-3
grep -q "validation failed: rel_l2 of u" "$W/np2_fail.err" && ok "np2_fail: message" || bad "np2_fail: message"
complete "$W/r_np2f"

# bad input: one line, no report directory
run no_model nonzero "$PHYNN" validate "$W/nope.nc" "$W/ref_plane.nc" -report "$W/r_e1"
one_line no_model "nope.nc"
run no_ref nonzero "$PHYNN" validate "$W/plane.nc" "$W/nope_ref.nc" -report "$W/r_e2"
one_line no_ref "nope_ref.nc"
run no_var nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_no_u.nc" -report "$W/r_e3"
one_line no_var "has no variable 'u'"
run shape nonzero "$PHYNN" validate "$W/pendulum.nc" "$W/ref_plane.nc" -report "$W/r_e4"
one_line shape "reference"
run bad_threshold nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_e5" -threshold rel_l3=1
one_line bad_threshold "unknown metric 'rel_l3'"
run bad_component nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_e6" -threshold 'rel_l2[|h|]=1'
one_line bad_component "component '|h|': the model has no such component"
run no_gnuplot nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/r_e7" -gnuplot /nonexistent/gnuplot
one_line no_gnuplot "gnuplot"
run no_report nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc"
one_line no_report "pass -report DIR"
run no_parent nonzero "$PHYNN" validate "$W/plane.nc" "$W/ref_plane.nc" -report "$W/missing/r"
one_line no_parent "does not exist"
for d in r_e1 r_e2 r_e3 r_e4 r_e5 r_e6 r_e7; do
  ls -d "$W/$d"* >/dev/null 2>&1 && bad "$d: report directory created after an error" || ok "$d: no report directory"
done
run svg 0 "$PHYNN" validate "$W/pendulum.nc" "$W/ref_pendulum.nc" -report "$W/r_svg" -terminal svg
# a real SVG document (an <svg element, ending with </svg>), shown by the page
[ -s "$W/r_svg/field_theta.svg" ] && grep -q '<svg' "$W/r_svg/field_theta.svg" && [ "$(tail -c 64 "$W/r_svg/field_theta.svg" | tr -d ' \n\r' | tail -c 6)" = "</svg>" ] \
  && grep -qF '<img src="field_theta.svg"' "$W/r_svg/index.html" && ok "svg terminal" || bad "svg terminal"

if [ $fail = 0 ]; then rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
