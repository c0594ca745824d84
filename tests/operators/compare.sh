#!/bin/bash
# `phynn compare`: a PINN, an FNO and a DeepONet of one heat problem against its solver. The
# report's numbers are checked against independent evaluations: the PINN's field from phynn eval
# on the reference grid, the operators' predictions from phynn eval on a one-sample family built
# (in Python) from the reference's initial condition; each rel_l2 must agree to 1e-10. Also: the
# training and answer seconds and the solver's seconds are there, and the one-line errors for a
# reference without the operators' output time and for operators of different output times.
# Usage: compare.sh MPIEXEC NUMPROC_FLAG PHYNN
set -u
mpiexec=$1 npflag=$2 phynn=$3
python=${PHYNN_PYTHON:-/usr/bin/python3}
dir=$(mktemp -d "$PWD/operator_compare.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
export OPENBLAS_NUM_THREADS=1
cd "$dir" || exit 1
"$phynn" solve heat -nx 64 -nt 11 -quiet -o ref.nc || { echo "FAIL: solve heat"; exit 1; }
"$phynn" solve heat -nx 64 -nt 11 -nsamples 40 -quiet -o family.nc || { echo "FAIL: solve heat -nsamples"; exit 1; }
"$phynn" solve heat -nx 64 -nt 6 -tf 0.5 -quiet -o ref_half.nc || { echo "FAIL: solve heat -tf 0.5"; exit 1; }
"$mpiexec" "$npflag" 2 "$phynn" train pinn-heat -layers 2,10,10,1 -n_f 200 -max_it 200 -lbfgs_it 50 -quiet -o pinn.nc > pinn.out 2>&1 || { echo "FAIL: train pinn-heat"; cat pinn.out; exit 1; }
"$mpiexec" "$npflag" 2 "$phynn" train operator -arch fno -width 8 -modes 8 -layers 2 -data family.nc -holdout 8 -batch 8 -epochs 10 -quiet -o fno.nc > fno.out 2>&1 || { echo "FAIL: train fno"; cat fno.out; exit 1; }
"$mpiexec" "$npflag" 2 "$phynn" train operator -arch deeponet -width 16 -layers 2 -data family.nc -holdout 8 -batch 8 -epochs 10 -quiet -o don.nc > don.out 2>&1 || { echo "FAIL: train deeponet"; cat don.out; exit 1; }
"$phynn" train operator -arch fno -width 4 -modes 4 -layers 1 -data family.nc -holdout 8 -batch 8 -max_it 2 -output_time 0.5 -quiet -o fno_half.nc > half.out 2>&1 || { echo "FAIL: train fno -output_time 0.5"; cat half.out; exit 1; }
"$phynn" compare pinn.nc fno.nc don.nc -reference ref.nc -report rep > cmp.out 2>&1 || { echo "FAIL: compare"; cat cmp.out; exit 1; }
for f in index.html metrics.json fields errors; do ls rep/$f* > /dev/null 2>&1 || { echo "FAIL: the report has no $f"; fail=1; }; done
"$phynn" eval pinn.nc -in ref.nc -o pinn_grid.nc > /dev/null 2>&1 || { echo "FAIL: eval pinn"; fail=1; }
"$python" - <<'PY' || { echo "FAIL: one-sample family"; fail=1; }
import netCDF4, numpy as np
r = netCDF4.Dataset("ref.nc"); u = r["u"][:]
d = netCDF4.Dataset("one.nc", "w")
d.createDimension("sample", 1); d.createDimension("t", u.shape[0]); d.createDimension("x", u.shape[1])
d.createVariable("t", "f8", ("t",))[:] = r["t"][:]; d.createVariable("x", "f8", ("x",))[:] = r["x"][:]
d.createVariable("u0", "f8", ("sample", "x"))[:] = u[0][None]; d.createVariable("u", "f8", ("sample", "t", "x"))[:] = u[None]
d.xmin, d.xmax, d.boundary_condition = r.xmin, r.xmax, r.boundary_condition
d.close()
PY
for m in fno don; do "$phynn" eval $m.nc -in one.nc -o ${m}_one.nc > /dev/null 2>&1 || { echo "FAIL: eval $m"; fail=1; }; done
"$python" - <<'PY' || fail=1
import json, sys, numpy as np, xarray as xr
m = json.load(open("rep/metrics.json")); ref = xr.open_dataset("ref.nc"); u = ref.u.values[-1]
def rel(p): return np.linalg.norm(p - u) / np.linalg.norm(u)
want = {"pinn.nc": rel(xr.open_dataset("pinn_grid.nc").u.values[-1]), "fno.nc": rel(xr.open_dataset("fno_one.nc").u_pred.values[0]), "don.nc": rel(xr.open_dataset("don_one.nc").u_pred.values[0])}
ok = m["time"] == 1 and len(m["models"]) == 3 and m["solver_seconds"] > 0
for e in m["models"]:
    good = abs(e["rel_l2"] - want[e["path"]]) <= 1e-10 * want[e["path"]] and e["train_seconds"] > 0 and e["answer_seconds"] > 0
    ok &= good
    print("%s   %s (%s): rel_l2 at t = 1 %.6g, independently %.6g; trained %.2f s, answers in %.2g s" % ("ok" if good else "FAIL:", e["path"], e["kind"], e["rel_l2"], want[e["path"]], e["train_seconds"], e["answer_seconds"]))
print("%s   the solver took %.3g s (solver_seconds of ref.nc)" % ("ok" if m["solver_seconds"] > 0 else "FAIL:", m["solver_seconds"]))
sys.exit(0 if ok else 1)
PY
expect() { # name pattern args...
  local name=$1 pat=$2; shift 2
  if "$phynn" compare "$@" > $name.out 2>&1; then echo "FAIL: $name: exit 0"; fail=1; return; fi
  if [ "$(grep -c error $name.out)" != 1 ] || ! grep -q -- "$pat" $name.out || [ -e ${name}_rep ]; then echo "FAIL: $name:"; cat $name.out; fail=1
  else echo "ok   $name: $(grep error $name.out | cut -c1-140)"; fi
}
expect no_time "holds no time 1" fno.nc -reference ref_half.nc -report no_time_rep
expect two_times "another operator for t = " fno.nc fno_half.nc -reference ref.nc -report two_times_rep
expect no_reference "no reference given" fno.nc -report no_reference_rep
exit $fail
