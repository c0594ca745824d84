#!/bin/bash
# phynn validate -threshold: a component's own threshold overrides the general one
# (docs/validation.md "Threshold syntax"; validation/metrics.c PhynnThresholdFind), and the
# threshold text's parse errors.
#
# Fixture (test_validate fixtures): nls.nc against ref_nls.nc, whose errors are built in: u
# rel_l2 1.0543470e-2 and max_abs 3.0e-2, v exact (0), |h| rel_l2 2.4288538e-3 and max_abs
# 1.8387660e-2 (checked in metrics.json to 1e-9 relative). For each threshold text the exit
# status, the one "validation failed" line, and per component the threshold that was applied
# and pass/fail, both in metrics.json and in the index.html metrics table:
#   rel_l2=1e-2,rel_l2[|h|]=2e-3   the documented example: u fails the general 1e-2, |h| its own 2e-3
#   rel_l2=2e-2,rel_l2[|h|]=2e-3   the general passes (u, v), the component's own fails (|h|)
#   rel_l2=3e-3,rel_l2[u]=2e-2     the general would fail u, u's own passes: exit 0 (and the same
#                                  with the two in the other order; without rel_l2[u] it fails)
#   max_abs=5e-2,max_abs[|h|]=1e-2 the same for max_abs
#   on 2 ranks: the same statuses and tables.
# Parse errors (missing '=', negative, non-numeric, a metric given twice for every component or
# for one, an empty item): exit non-zero, exactly one "phynn: error: option -threshold: ..." line
# on stderr, nothing on stdout, no report directory nor a temporary one; an existing report in
# that place is left as it was.
#   validate_thresholds.sh PHYNN TEST_VALIDATE MPIEXEC NUMPROC_FLAG
set -u
PHYNN=$1 FIX=$2 MPIEXEC=$3 NP=$4
PY=/usr/bin/python3
W=$(mktemp -d /tmp/phynn_validate_thresholds_XXXXXX)
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
"$FIX" fixtures "$W" > /dev/null || { echo "FAIL fixtures"; exit 1; }

# run NAME WANT(0|nonzero) ARGS...: stdout/stderr in $W/NAME.out, $W/NAME.err
run() {
  local name=$1 want=$2; shift 2
  "$@" >"$W/$name.out" 2>"$W/$name.err"
  local rc=$?
  if [ "$want" = 0 ] && [ $rc -eq 0 ]; then ok "$name: exit 0"
  elif [ "$want" = nonzero ] && [ $rc -ne 0 ]; then ok "$name: exit $rc"
  else bad "$name: exit $rc, expected $want"; cat "$W/$name.err"; fi
}
# one_line NAME TEXT: stderr is exactly one line, "phynn: error: " followed by TEXT (a fixed string)
one_line() {
  local n; n=$(grep -c . "$W/$1.err")
  if [ "$n" = 1 ] && grep -qF "phynn: error: $2" "$W/$1.err" && [ "$(head -c 14 "$W/$1.err")" = "phynn: error: " ]; then ok "$1: one line: $(cut -c1-140 "$W/$1.err")"
  else bad "$1: expected one line 'phynn: error: $2...', got:"; cat "$W/$1.err"; fi
}
# one_phynn_line NAME TEXT: under mpiexec, which adds its own MPI_ABORT banner: exactly one line
# from phynn (one rank reports), and it is "phynn: error: " followed by TEXT
one_phynn_line() {
  local n; n=$(grep -c '^phynn' "$W/$1.err")
  if [ "$n" = 1 ] && grep -q '^phynn: error: ' "$W/$1.err" && grep '^phynn' "$W/$1.err" | grep -qF "phynn: error: $2"; then ok "$1: one phynn line: $(grep '^phynn' "$W/$1.err" | cut -c1-140)"
  else bad "$1: expected one line 'phynn: error: $2...', got:"; cat "$W/$1.err"; fi
}
# table NAME DIR EXPECT: EXPECT is "component:threshold:pass|FAIL ..." for the metric $4; checks
# metrics.json (threshold applied, passed) and the index.html row (threshold cell, result cell)
table() {
  local name=$1 dir=$2 expect=$3 metric=$4
  if "$PY" - "$dir" "$expect" "$metric" <<'EOF'
import html, json, re, sys
d, expect, metric = sys.argv[1], sys.argv[2].split(), sys.argv[3]
m = json.load(open(d + "/metrics.json"))
known = {"u": {"rel_l2": 1.0543470288435249e-2, "max_abs": 3.0e-2}, "v": {"rel_l2": 0.0, "max_abs": 0.0},
         "|h|": {"rel_l2": 2.4288537938405674e-3, "max_abs": 1.8387660436483877e-2}}
comps = {c["name"]: c for c in m["components"]}
page = open(d + "/index.html").read()
col = {"rel_l2": 4, "max_abs": 5}[metric]
bad = []
for e in expect:
    name, thr, res = e.rsplit(":", 2)
    c = comps[name]
    for k, want in known[name].items():
        if abs(c[k] - want) > 1e-9 * abs(want): bad.append("%s %s is %r, want %r" % (name, k, c[k], want))
    if c["thresholds"][metric] != float(thr): bad.append("%s: metrics.json threshold %s %r, want %s" % (name, metric, c["thresholds"][metric], thr))
    if c["passed"] != (res == "pass"): bad.append("%s: metrics.json passed %r, want %s" % (name, c["passed"], res))
    row = re.search(r"<tr><td><b>%s</b></td>(.*?)</tr>" % re.escape(html.escape(name)), page)
    cells = [html.unescape(re.sub("<[^>]*>", "", x)) for x in re.findall(r"<td[^>]*>.*?</td>", row.group(1))] if row else []
    if len(cells) != 6 or float(cells[col - 1]) != float(thr) or cells[5] != res:
        bad.append("%s: index.html row %r, want threshold %s and %s" % (name, cells, thr, res))
want_all = all(e.endswith(":pass") for e in expect)
if m["passed"] != want_all: bad.append("metrics.json passed %r" % m["passed"])
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
  then ok "$name: per component (threshold:result) in metrics.json and index.html: $expect"
  else bad "$name: the report's thresholds or results differ from $expect"; fi
}

# (svg: the quickest terminal; the plots are not what is tested here)
N=("$W/nls.nc" "$W/ref_nls.nc" -terminal svg)
# the documented example
run doc nonzero "$PHYNN" validate "${N[@]}" -report "$W/r_doc" -threshold 'rel_l2=1e-2,rel_l2[|h|]=2e-3'
one_line doc "validation failed: rel_l2 of u is 1.05e-2 > 1e-2 (and 1 more); the report is in"
table doc "$W/r_doc" "u:1e-2:FAIL v:1e-2:pass |h|:2e-3:FAIL" rel_l2
# the general one passes, the component's own fails
run general_passes nonzero "$PHYNN" validate "${N[@]}" -report "$W/r_gp" -threshold 'rel_l2=2e-2,rel_l2[|h|]=2e-3'
one_line general_passes "validation failed: rel_l2 of |h| is 2.43e-3 > 2e-3; the report is in"
table general_passes "$W/r_gp" "u:2e-2:pass v:2e-2:pass |h|:2e-3:FAIL" rel_l2
# the general one fails u, u's own passes it: the override, not both
run general_fails 0 "$PHYNN" validate "${N[@]}" -report "$W/r_gf" -threshold 'rel_l2=3e-3,rel_l2[u]=2e-2'
grep -q "^phynn validate: passed (every threshold holds)" "$W/general_fails.out" && [ ! -s "$W/general_fails.err" ] && ok "general_fails: 'passed (every threshold holds)', nothing on stderr" || bad "general_fails: output"
table general_fails "$W/r_gf" "u:2e-2:pass v:3e-3:pass |h|:3e-3:pass" rel_l2
run general_fails_reversed 0 "$PHYNN" validate "${N[@]}" -report "$W/r_gfr" -threshold 'rel_l2[u]=2e-2,rel_l2=3e-3'
table general_fails_reversed "$W/r_gfr" "u:2e-2:pass v:3e-3:pass |h|:3e-3:pass" rel_l2
run general_alone nonzero "$PHYNN" validate "${N[@]}" -report "$W/r_ga" -threshold 'rel_l2=3e-3'
one_line general_alone "validation failed: rel_l2 of u is 1.05e-2 > 3e-3; the report is in"
# max_abs
run max_abs nonzero "$PHYNN" validate "${N[@]}" -report "$W/r_ma" -threshold 'max_abs=5e-2,max_abs[|h|]=1e-2'
one_line max_abs "validation failed: max_abs of |h| is 1.84e-2 > 1e-2; the report is in"
table max_abs "$W/r_ma" "u:5e-2:pass v:5e-2:pass |h|:1e-2:FAIL" max_abs
# two ranks
run np2_general_passes nonzero "$MPIEXEC" "$NP" 2 "$PHYNN" validate "${N[@]}" -report "$W/r_np2gp" -threshold 'rel_l2=2e-2,rel_l2[|h|]=2e-3'
one_phynn_line np2_general_passes "validation failed: rel_l2 of |h| is 2.43e-3 > 2e-3; the report is in"
table np2_general_passes "$W/r_np2gp" "u:2e-2:pass v:2e-2:pass |h|:2e-3:FAIL" rel_l2
run np2_general_fails 0 "$MPIEXEC" "$NP" 2 "$PHYNN" validate "${N[@]}" -report "$W/r_np2gf" -threshold 'rel_l2=3e-3,rel_l2[u]=2e-2'
table np2_general_fails "$W/r_np2gf" "u:2e-2:pass v:3e-3:pass |h|:3e-3:pass" rel_l2

# parse errors: NAME THRESHOLD MESSAGE
P="$W/plane.nc $W/ref_plane.nc"
while IFS='|' read -r name th msg; do
  [ -n "$name" ] || continue
  run "$name" nonzero "$PHYNN" validate $P -report "$W/r_$name" -threshold "$th"
  one_line "$name" "option -threshold: $msg"
  [ ! -s "$W/$name.out" ] || bad "$name: something on stdout: $(cat "$W/$name.out")"
  ls -d "$W/r_$name"* >/dev/null 2>&1 && bad "$name: a report directory or temporary file was left: $(ls -d "$W/r_$name"*)" || ok "$name: no report directory, no temporary one"
done <<'EOF'
no_equals|rel_l2|'rel_l2' has no '='
negative|rel_l2=-1e-3|rel_l2=-1e-3 must be a finite number >= 0
not_a_number|rel_l2=abc|'abc' is not a number
trailing_garbage|rel_l2=1e-3x|'1e-3x' is not a number
infinite|rel_l2=inf|'inf' is not a finite number
twice|rel_l2=1e-3,max_abs=1,rel_l2=2e-3|rel_l2 for every component is given twice; keep one
twice_component|rel_l2[u]=1e-3,rel_l2=1,rel_l2[u]=2e-3|rel_l2 for component 'u' is given twice; keep one
empty_item|rel_l2=1e-3,,max_abs=1|'rel_l2=1e-3,,max_abs=1' has an empty item
only_comma|,|',' has an empty item
EOF
# on 2 ranks: still one line
run np2_twice nonzero "$MPIEXEC" "$NP" 2 "$PHYNN" validate $P -report "$W/r_np2_twice" -threshold 'rel_l2=1e-3,rel_l2=2e-3'
one_phynn_line np2_twice "option -threshold: rel_l2 for every component is given twice; keep one"
ls -d "$W/r_np2_twice"* >/dev/null 2>&1 && bad "np2_twice: a report directory was left" || ok "np2_twice: no report directory"
# an existing report is left as it was
run keep_before 0 "$PHYNN" validate $P -terminal svg -report "$W/r_keep" -threshold rel_l2=1e-12
before=$(cd "$W/r_keep" && find . -type f | sort | xargs md5sum)
run keep nonzero "$PHYNN" validate $P -report "$W/r_keep" -threshold 'rel_l2=-1'
one_line keep "option -threshold: rel_l2=-1 must be a finite number >= 0"
[ "$(cd "$W/r_keep" && find . -type f | sort | xargs md5sum)" = "$before" ] && [ "$(ls -d "$W"/r_keep* | wc -l)" = 1 ] &&
  ok "keep: the existing report is unchanged, no temporary directory" || bad "keep: the existing report was changed or a temporary directory left"

if [ $fail = 0 ]; then rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
