#!/bin/bash
# phynn validate on SINDy autoencoders, bad input: each is ONE line "phynn: error: ...", a
# non-zero exit, no report directory and no other file left behind (tests/lib/expect_error.sh),
# with the message naming what is wrong: data without image_tt, without t, of another frame size,
# with trajectories that are not contiguous; thresholds of other models' metrics on a SINDy
# model, SINDy metrics on an autoencoder and on a point model, components that were not measured,
# period_err without the truth; image options (-noise, -baseline, -holdout) on a SINDy model.
# Usage: validate_sindy_errors.sh PHYNN FIXTURE_DIR SOURCE_DIR
set -u
phynn=$1 FX=$2 SRC=$3
W=$(mktemp -d "$PWD/validate_sindy_errors.XXXXXX")
cd "$W" || exit 1
for f in val.nc model.nc ae.nc; do [ -s "$FX/$f" ] || { echo "FAIL fixture $FX/$f missing (run sindy_validate_fixture)"; exit 1; }; done
POINT=$SRC/tests/data/v1/fit_v1.nc # a point model (train fit)
M=$FX/model.nc V=$FX/val.nc
nccopy -V sample,y,x,t,theta,omega,traj,image,image_t "$V" no_tt.nc
nccopy -V sample,y,x,theta,omega,traj,image,image_t,image_tt "$V" no_t.nc
nccopy -V sample,y,x,t,omega,traj,image,image_t,image_tt "$V" no_theta.nc
"$phynn" solve pendulum-images -render blob -nx 12 -ny 12 -ntraj 2 -g 1 -tf 2 -nt 10 -quiet -o small.nc
/usr/bin/python3 - "$V" <<'PY' || { echo "FAIL: setup"; exit 1; }
import shutil, sys, netCDF4
shutil.copy(sys.argv[1], "mixed.nc")
with netCDF4.Dataset("mixed.nc", "r+") as f: # trajectories 0 and 1 interleaved in blocks of 10 frames
    tr = f["traj"][:]
    tr[:20] = [0] * 10 + [1] * 10
    tr[20:50] = [0] * 10 + [1] * 10 + [0] * 10
    f["traj"][:] = tr
PY
rm -f stdout.txt stderr.txt before.lst after.lst
fail=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/expect_error.sh"
# err NAME PATTERN ARGS...: `phynn validate ARGS -report NAME` fails by the contract, with PATTERN in the line
err() {
  local name=$1 pattern=$2; shift 2
  expect_error "$name" "$name" validate "$@" -report "$name"
  grep -q "^phynn: error: .*$pattern" stderr.txt || { echo "FAIL: $name: the message does not match '$pattern'"; fail=1; }
  [ -z "$(ls -d "$name".tmp.* "$name".old.* 2>/dev/null)" ] || { echo "FAIL: $name: a temporary report is left"; fail=1; }
}
err no_image_tt "has no variable 'image_tt' of the frames' shape" "$M" no_tt.nc
err no_t "has no t(sample); the discovered law is integrated over each trajectory's times" "$M" no_t.nc
err frame_size "takes frames of 256 values but 'image' in small.nc has frames of 1 x 12 x 12 = 144" "$M" small.nc
err no_data "nope.nc" "$M" nope.nc
err no_variable "has no variable 'frames'" "$M" "$V" -var frames
err mixed "the frames of trajectory traj0 are not contiguous" "$M" mixed.nc
err sindy_mae "mae is not a metric of SINDy autoencoders" "$M" "$V" -threshold mae=1
err sindy_rel_l2 "rel_l2 is not a metric of SINDy autoencoders" "$M" "$V" -threshold 'rel_sq=1,rel_l2=1'
err component "rel_sq for component 'y': there is no such measurement; the rel_sq components are: x, x_tt, z_tt, sim" "$M" "$V" -threshold 'rel_sq[y]=1'
err traj_component "period_err for component 'traj9': there is no such measurement; the period_err components are: traj0, traj1, traj2" "$M" "$V" -threshold 'period_err[traj9]=1'
err no_truth "period_err needs the true pendulum period, but data no_theta.nc lacks theta" "$M" no_theta.nc -threshold period_err=0.1
err metric "unknown metric 'period'" "$M" "$V" -threshold period=1
err noise "option -noise is for autoencoders and PCA" "$M" "$V" -noise salt:0.2
err baseline "option -baseline is for autoencoders and PCA" "$M" "$V" -baseline "$FX/ae.nc"
err holdout "option -holdout is for autoencoders and PCA" "$M" "$V" -holdout 0.5
err ae_rel_sq "rel_sq is a metric of SINDy autoencoders (phynn train sindy-ae); an image model is judged by mae, mse, rel_l2 and max_abs" "$FX/ae.nc" "$V" -threshold rel_sq=1
err ae_period "period_err is a metric of SINDy autoencoders" "$FX/ae.nc" "$V" -threshold 'mae=1,period_err=1'
err point_period "period_err is a metric of SINDy autoencoders (phynn train sindy-ae); a point model is judged by rel_l2 and max_abs" "$POINT" "$V" -threshold period_err=1
expect_error report_parent nodir validate "$M" "$V" -report nodir/r
grep -q "^phynn: error: cannot write report nodir/r: directory 'nodir' does not exist" stderr.txt || { echo "FAIL: report_parent: the message"; fail=1; }

if [ $fail = 0 ]; then cd / && rm -rf "$W"; else echo "files kept in $W"; fi
exit $fail
