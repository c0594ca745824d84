#!/bin/bash
# `ncdump -h` of each default output explains it: equation, parameters, solver, provenance, units.
set -u
fails=0
check() { # check FILE PATTERN...
  local f=$1
  shift
  local header
  header=$(ncdump -h "$f") || { echo "FAIL: ncdump -h $f"; fails=$((fails + 1)); return; }
  for p in "$@"; do
    if ! grep -q -- "$p" <<< "$header"; then echo "FAIL: $f: header lacks '$p'"; fails=$((fails + 1)); else echo "ok   $f: $p"; fi
  done
}
common=(":Conventions = \"CF-1.8\"" ":phynn_version" ":phynn_git_revision" ":command_line" ":history" ":equation" ":solver" ":initial_condition" "t:units" "t:long_name")
check pendulum.nc "${common[@]}" ":g = 9.81" ":l = 1" ":solver_rtol" "theta:units = \"rad\"" "double energy(t)"
check heat.nc "${common[@]}" ":k = 0.4" ":boundary_condition" ":solver_dt" "x:units" "double u(t, x)" ":exact_solution"
check nls.nc "${common[@]}" ":nx = 256" "double h_re(t, x)" "double h_im(t, x)" "double mass(t)" "double hamiltonian(t)" ":solver_substeps"
check heat_samples.nc "${common[@]}" "sample = 4" "double u0(sample, x)" "double u(sample, t, x)" ":grf_length" ":seed"
check heat2d.nc "${common[@]}" ":k = 0.01" ":boundary_condition" ":exact_solution" ":nx = 64" ":nt = 11" "y = 64" "x = 64" "y:units" "x:units" "double u(t, y, x)"
check heat2d_samples_np1.nc "${common[@]}" "sample = 5" "double u0(sample, y, x)" "double u(sample, t, y, x)" ":nsamples = 5" ":seed = 3" ":grf_length" ":grf_sigma"
check pendulum_ntraj_np1.nc "${common[@]}" "double theta(traj, t)" "double theta0(traj)" ":sampling"
img=("image:units = \"1\"" "image_t:units = \"s-1\"" "image_tt:units = \"s-2\"" "image:long_name" "theta:units = \"rad\"" "omega:units = \"rad s-1\"" ":render_formula" ":derivatives" ":sample_order")
check pendulum_images.nc "${common[@]}" "${img[@]}" ":render = \"rod\"" "sample = 100" "y = 160" "x = 160" "double image(sample, y, x)" "double image_t(sample, y, x)" "double image_tt(sample, y, x)" "double traj(sample)" ":theta0 = 0.349" ":tf = 2.079" ":rod_width_pixels = 2"
check images_blob_np1.nc "${common[@]}" "${img[@]}" ":render = \"blob\"" "y = 51" "x = 51" "sample = 55" ":sampling" ":seed = 7"
exit $fails
