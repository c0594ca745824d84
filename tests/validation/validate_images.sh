#!/bin/bash
# phynn validate on image models (docs/validation.md, "Image models"): a short autoencoder
# training on 24 frames of 32 x 32, half held out, and a PCA of the same split.
#   1. the numbers of metrics.json equal an independent numpy computation over `phynn eval`'s
#      reconstructions, on the held-out frames metrics.json lists (check_image_metrics.py), and
#      the PCA baseline's truncation k = 1..K equals numpy's;
#   2. the report has its pictures (PNG, non-empty) and an index page that shows them;
#   3. noise: each level changes the error; the same -noise_seed gives the same numbers, another
#      seed other noisy numbers and the same clean ones; salt:0.4 corrupts more than salt:0.2;
#   4. thresholds: a failing one exits 1 with one line and a complete report, as for a PINN, on 1
#      and 2 ranks; -thresholds is -threshold;
#   5. the split: validate's -holdout/-seed override the record; a model without a record counts
#      every frame as held out; a model trained with -holdout 0 has only the @all components.
# Usage: validate_images.sh PHYNN MPIEXEC NUMPROC_FLAG
set -u
PHYNN=$1 MPIEXEC=$2 NP=$3
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "$PWD/validate_images.XXXXXX")
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
# json FILE EXPR: EXPR of the parsed file d, a tuple printed as "a, b, c"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=($2); print(', '.join(map(str, r)) if isinstance(r, tuple) else r)" "$1"; }
cd "$W" || exit 1

"$PHYNN" solve pendulum-images -nx 32 -ny 32 -nt 24 -quiet -o f.nc || { echo "FAIL solve pendulum-images"; exit 1; }
"$PHYNN" train autoencoder -data f.nc -latent 2 -holdout 0.5 -max_it 30 -lbfgs_it 0 -quiet -o ae.nc > train.out || { echo "FAIL training"; cat train.out; exit 1; }
"$PHYNN" eval ae.nc -in f.nc -o rec.nc > eval.out || { echo "FAIL eval"; cat eval.out; exit 1; }
"$PHYNN" pca f.nc -k 6 -holdout 0.5 -seed 7 -o pca.nc > pca.out || { echo "FAIL pca"; cat pca.out; exit 1; }

# ---- 1. the numbers ----
"$PHYNN" validate ae.nc f.nc -report r -noise salt:0.2,salt:0.4,gauss:0.05 -baseline pca.nc > r.out 2> r.err \
  && ok "validate with noise and baseline: exit 0" || { bad "validate: exit $?"; cat r.err; }
/usr/bin/python3 "$here/check_image_metrics.py" r/metrics.json f.nc rec.nc train.out pca.nc || fail=1

# ---- 2. the pictures ----
for f in frames latent_time latent_plane latent_theta baseline loss_history; do
  if [ -s "r/$f.png" ] && head -c 8 "r/$f.png" | grep -q PNG && grep -q "src=\"$f.png\"" r/index.html; then ok "r/$f.png: a non-empty PNG, shown by index.html"
  else bad "r/$f.png missing, empty, not a PNG or not on the page"; fi
done
[ -z "$(ls -d r.tmp.* r.old.* r/plotdata r/plots.gp 2>/dev/null)" ] && ok "no temporary files or plot data left" || bad "temporary files left"

# ---- 3. noise ----
/usr/bin/python3 - r/metrics.json <<'PY' || fail=1
import json, sys
c = {x["name"]: x for x in json.load(open(sys.argv[1]))["components"]}
bad = 0
for lvl in ("salt:0.2", "salt:0.4", "gauss:0.05"):
    for s in ("", "@all"):
        a, b = c[lvl + s]["mae"], c[("all" if s else "heldout")]["mae"]
        ok = a != b and c[lvl + s]["input"] == lvl
        print(("ok   " if ok else "FAIL ") + "mae[%s] = %.9g differs from the clean input's %.9g" % (lvl + s, a, b))
        bad |= not ok
ok = c["salt:0.4"]["mae"] > c["salt:0.2"]["mae"] > c["heldout"]["mae"]
print(("ok   " if ok else "FAIL ") + "salt:0.4 hurts more than salt:0.2 (the same draws: a superset of the corrupted pixels): %.6g > %.6g > %.6g" % (c["salt:0.4"]["mae"], c["salt:0.2"]["mae"], c["heldout"]["mae"]))
sys.exit(bad or not ok)
PY
"$PHYNN" validate ae.nc f.nc -report r_same -noise salt:0.2,salt:0.4,gauss:0.05 > /dev/null 2>&1
"$PHYNN" validate ae.nc f.nc -report r_seed -noise salt:0.2,salt:0.4,gauss:0.05 -noise_seed 5 > /dev/null 2>&1
comps() { json "$1" "[(c['name'], c['mae'], c['mse'], c['max_abs']) for c in d['components']]"; }
[ "$(comps r/metrics.json)" = "$(comps r_same/metrics.json)" ] && ok "the same -noise_seed: the same numbers" || bad "a rerun gives other numbers"
if [ "$(json r/metrics.json "d['components'][0]")" = "$(json r_seed/metrics.json "d['components'][0]")" ] \
   && [ "$(json r/metrics.json "d['components'][2]['mae']")" != "$(json r_seed/metrics.json "d['components'][2]['mae']")" ]; then ok "-noise_seed 5: other noisy numbers, the same clean ones"
else bad "-noise_seed does not change (only) the noisy numbers"; fi

# ---- 4. thresholds and the exit status ----
run() { # run NAME WANT_STATUS ARGS...: stderr in NAME.err
  local name=$1 want=$2; shift 2
  "$@" > "$name.out" 2> "$name.err"
  local rc=$?
  [ $rc -eq "$want" ] && ok "$name: exit $rc" || { bad "$name: exit $rc, expected $want"; cat "$name.err"; }
}
run pass 0 "$PHYNN" validate ae.nc f.nc -report r_pass -threshold 'mae[heldout]=1,mse=1,rel_l2=2'
json r_pass/metrics.json "d['passed'], d['components'][0]['thresholds']" | grep -q "True, {'mae': 1, 'mse': 1, 'rel_l2': 2, 'max_abs': None}" \
  && ok "pass: thresholds in metrics.json" || bad "pass: thresholds in metrics.json"
run failing 1 "$PHYNN" validate ae.nc f.nc -report r_fail -noise salt:0.2 -threshold 'mae[heldout]=1e-6,max_abs[salt:0.2@all]=1e-6'
if [ "$(grep -c . failing.err)" = 1 ] && grep -q "^phynn: error: validation failed: mae of heldout is .* > 1e-6 (and 1 more); the report is in r_fail/index.html" failing.err; then ok "failing: one line: $(cat failing.err)"
else bad "failing: the message"; cat failing.err; fi
[ -s r_fail/frames.png ] && json r_fail/metrics.json "d['passed'], d['failure']" | grep -q "^False, mae of heldout" && grep -q 'class="verdict fail"' r_fail/index.html \
  && ok "failing: complete report, passed false" || bad "failing: report"
run alias 1 "$PHYNN" validate ae.nc f.nc -report r_alias -thresholds 'mse=1e-9'
grep -q "validation failed: mse of heldout" alias.err && ok "-thresholds is -threshold" || bad "-thresholds"
run np2_pass 0 "$MPIEXEC" "$NP" 2 "$PHYNN" validate ae.nc f.nc -report r_np2 -threshold 'mae=1'
run np2_fail 1 "$MPIEXEC" "$NP" 2 "$PHYNN" validate ae.nc f.nc -report r_np2f -threshold 'mae=1e-6'
grep -q "validation failed: mae of heldout" np2_fail.err && [ -s r_np2f/metrics.json ] && ok "np2_fail: message and report" || bad "np2_fail: message or report"
[ "$(comps r_np2/metrics.json)" = "$(json r_pass/metrics.json "[(c['name'], c['mae'], c['mse'], c['max_abs']) for c in d['components']]")" ] \
  && ok "2 ranks: the numbers of 1 rank" || bad "2 ranks: other numbers"

# ---- 5. the split ----
"$PHYNN" validate ae.nc f.nc -report r_opt -holdout 0.25 -seed 3 > /dev/null 2>&1
json r_opt/metrics.json "d['split']['source'], d['split']['heldout_count'], d['split']['seed']" | grep -q "^validate options, 6, 3$" \
  && ok "-holdout 0.25 -seed 3 override the record: 6 frames held out" || bad "-holdout/-seed override: $(json r_opt/metrics.json "d['split']")"
nccopy -G / ae.nc ae_norecord.nc # the model without its /training group
"$PHYNN" validate ae_norecord.nc f.nc -report r_norec > /dev/null 2>&1
json r_norec/metrics.json "d['split']['source'][:4], d['split']['heldout_count'], d['components'][0]['mae'] == d['components'][1]['mae']" | grep -q "^none, 24, True$" \
  && ok "no training record: every frame counts as held out (heldout = all)" || bad "no record: $(json r_norec/metrics.json "d['split']")"
"$PHYNN" train autoencoder -data f.nc -latent 1 -holdout 0 -max_it 3 -lbfgs_it 0 -quiet -o ae0.nc > /dev/null || bad "training -holdout 0"
"$PHYNN" validate ae0.nc f.nc -report r_h0 -noise gauss:0.1 -baseline pca.nc > /dev/null 2> h0.err || { bad "-holdout 0 model: validate failed"; cat h0.err; }
json r_h0/metrics.json "[c['name'] for c in d['components']], d['baseline']['frames'], d['latent']['size']" | grep -q "^\['all', 'gauss:0.1@all'\], all, 1$" \
  && ok "-holdout 0: only the @all components, the baseline on all frames, latent 1 (no latent_plane)" || bad "-holdout 0: $(json r_h0/metrics.json "[c['name'] for c in d['components']]")"
[ ! -e r_h0/latent_plane.png ] && [ -s r_h0/latent_time.png ] && ok "latent 1: latent_time only" || bad "latent 1 pictures"
run h0_threshold 1 "$PHYNN" validate ae0.nc f.nc -report r_h0t -threshold 'mae[heldout]=1'
grep -q "no frame is held out" h0_threshold.err && [ ! -e r_h0t ] && ok "-holdout 0: a threshold on heldout is an error, no report" || bad "-holdout 0 heldout threshold"

if [ $fail = 0 ]; then cd / && rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
