#!/bin/bash
# phynn validate on image models, bad input: each is one line "phynn: error: ...", a non-zero
# exit, and no report directory (nor its temporary one): data without the variable, frames of
# another size than the model's, a baseline that is not an image model, not a PCA, or of other
# frames, bad -noise text, thresholds on components that were not measured, image options for a
# point model, and image metrics for a point model.
# Usage: validate_images_errors.sh PHYNN SOURCE_DIR
set -u
PHYNN=$1 SRC=$2
W=$(mktemp -d "$PWD/validate_images_errors.XXXXXX")
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
cd "$W" || exit 1

"$PHYNN" solve pendulum-images -nx 32 -ny 32 -nt 12 -quiet -o f.nc || { echo "FAIL solve"; exit 1; }
"$PHYNN" solve pendulum-images -nx 16 -ny 16 -nt 6 -quiet -o small.nc || { echo "FAIL solve"; exit 1; }
"$PHYNN" train autoencoder -data f.nc -latent 2 -holdout 0.5 -max_it 2 -lbfgs_it 0 -quiet -o ae.nc > /dev/null || { echo "FAIL training"; exit 1; }
"$PHYNN" pca small.nc -k 2 -holdout 0.5 -o pca_small.nc > /dev/null 2>&1 || { echo "FAIL pca"; exit 1; }
POINT=$SRC/tests/data/v1/fit_v1.nc # a point model (train fit)

# err NAME PATTERN ARGS...: `phynn validate ARGS -report NAME` fails with one line matching PATTERN and leaves nothing
err() {
  local name=$1 pattern=$2; shift 2
  "$PHYNN" validate "$@" -report "$name" > "$name.out" 2> "$name.err"
  local rc=$? n
  n=$(grep -c . "$name.err")
  if [ $rc -ne 0 ] && [ "$n" = 1 ] && grep -q "^phynn: error: .*$pattern" "$name.err" && [ -z "$(ls -d "$name" "$name".tmp.* "$name".old.* 2>/dev/null)" ]; then ok "$name: exit $rc, no report: $(cat "$name.err")"
  else bad "$name: exit $rc, $n line(s), expected one matching '$pattern' and no report:"; cat "$name.err"; ls -d "$name" "$name".tmp.* "$name".old.* 2>/dev/null; fi
}
err no_variable "has no variable 'frames'" ae.nc f.nc -var frames
err no_image "has no variable 'image'" ae.nc ae.nc
err frame_size "takes frames of 1 x 32 x 32 but 'image' in small.nc has frames of 1 x 16 x 16" ae.nc small.nc
err baseline_points "baseline .* is not an image model" ae.nc f.nc -baseline "$POINT"
err baseline_not_pca "is an image model but not a PCA (it has no parameter code.mean)" ae.nc f.nc -baseline ae.nc
err baseline_size "baseline pca_small.nc takes frames of 1 x 16 x 16 but the model and the data have 1 x 32 x 32" ae.nc f.nc -baseline pca_small.nc
err baseline_missing "nope.nc" ae.nc f.nc -baseline nope.nc
err noise_number "'salt:abc' needs a number after the colon" ae.nc f.nc -noise salt:abc
err noise_kind "'pepper:0.1' is not salt:P" ae.nc f.nc -noise salt:0.2,pepper:0.1
err noise_range "salt:1.5 is not a probability in \[0, 1\]" ae.nc f.nc -noise salt:1.5
err noise_sigma "gauss:-1.* needs a standard deviation >= 0" ae.nc f.nc -noise gauss:-1
err noise_twice "salt:0.2 is given twice" ae.nc f.nc -noise salt:0.2,salt:0.2
err noise_none "'none' is the clean input" ae.nc f.nc -noise none
err noise_empty "'salt:0.2,,gauss:0.1' has an empty entry" ae.nc f.nc -noise salt:0.2,,gauss:0.1
err component "mae for component 'salt:0.3': there is no such measurement; the measured components are: heldout, all, salt:0.2, salt:0.2@all" ae.nc f.nc -noise salt:0.2 -threshold 'mae[salt:0.3]=1'
err metric "unknown metric 'l1'" ae.nc f.nc -threshold l1=1
err holdout_range "holdout 1.5 is not a fraction in \[0, 1\]" ae.nc f.nc -holdout 1.5
err both_aliases "-threshold and -thresholds are the same option" ae.nc f.nc -threshold mae=1 -thresholds mse=1
err point_noise "option -noise is for image models" "$POINT" f.nc -noise salt:0.2
err point_baseline "option -baseline is for image models" "$POINT" f.nc -baseline pca_small.nc
err point_mae "mae is a metric of image models" "$POINT" f.nc -threshold mae=1

if [ $fail = 0 ]; then cd / && rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
