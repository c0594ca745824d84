#!/bin/bash
# `ncdump -h` of each default output explains it: equation, parameters, solver, provenance, units.
#
# Every expectation is a whole line of the header (leading tabs dropped), matched as a fixed
# string against whole lines (grep -Fx): ':l = 1. ;' does not match ':l = 10. ;', and
# 'sample = 4 ;' does not match 'sample = 40 ;'. The provenance is checked by value: the version
# and git revision are those the same binary prints (`phynn help`), the revision has the format
# cmake/git_revision.cmake writes (12 hex digits, optionally "-dirty"; "unknown" outside a git
# checkout), command_line is the exact command the setup test ran (tests/solvers/CMakeLists.txt),
# and history is "<UTC time stamp>: <command_line>".
set -euo pipefail
: "${PHYNN_EXE:?PHYNN_EXE must name the phynn binary (the CTest harness sets it)}"
exe=$PHYNN_EXE
fails=0
fail() {
  echo "FAIL: $*"
  fails=$((fails + 1))
}

banner=$("$exe" help | head -n 1) # "phynn 0.1.0 (95ff40cd1a44): physics-informed ..."
if [[ ! $banner =~ ^phynn\ ([0-9]+\.[0-9]+\.[0-9]+)\ \(([^\)]*)\):\  ]]; then
  echo "FAIL: cannot read the version and git revision from '$banner'"
  exit 1
fi
version=${BASH_REMATCH[1]}
rev=${BASH_REMATCH[2]}
if [[ -n ${PHYNN_SOURCE_DIR:-} ]] && command -v git > /dev/null && git -C "$PHYNN_SOURCE_DIR" rev-parse --verify -q HEAD > /dev/null; then
  revformat='^[0-9a-f]{12}(-dirty)?$' # built from a git checkout
else
  revformat='^([0-9a-f]{12}(-dirty)?|unknown)$'
fi
if [[ $rev =~ $revformat ]]; then echo "ok   git revision '$rev' matches $revformat"; else fail "git revision '$rev' does not match $revformat"; fi

# check FILE ARGS: the header of FILE, written by `phynn ARGS`, holds the provenance lines and
# every line read from stdin (blank lines skipped).
check() {
  local f=$1 args=$2 header line value stamp
  if ! header=$(ncdump -h "$f" | sed 's/^[[:space:]]*//'); then
    fail "ncdump -h $f"
    cat > /dev/null
    return 0
  fi
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    if grep -qxF -- "$line" <<< "$header"; then echo "ok   $f: $line"; else fail "$f: no header line '$line'"; fi
  done < <(
    cat << EOF
:Conventions = "CF-1.8" ;
:source = "phynn $version" ;
:phynn_version = "$version" ;
:phynn_git_revision = "$rev" ;
:command_line = "$exe $args" ;
EOF
    cat
  )
  # history: "<YYYY-MM-DDTHH:MM:SSZ>: <command_line>", exactly one such attribute
  value=$(grep -F ':history = "' <<< "$header" || true)
  stamp='[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'
  # shellcheck disable=SC2053 # $stamp is a glob on purpose; the command line is quoted (literal)
  if [[ $(grep -c . <<< "$value") == 1 && $value == :history\ =\ \"$stamp:\ "$exe $args"\"\ \; ]]; then
    echo "ok   $f: history = <time stamp>: command line"
  else
    fail "$f: history is '$value', expected '\"<UTC time stamp>: $exe $args\"'"
  fi
}

pendulum_solver=':solver = "PETSc TS rk 5dp, step adaptor basic (Dormand-Prince RK5(4))" ;'
heat_solver=':solver = "PETSc TS cn (Crank-Nicolson) with 10 equal steps per output interval on a DMDA (second-order central differences); KSP preonly (rtol 1e-14), PC redundant" ;'
sampling=':sampling = "Champion et al. 2019: theta0 ~ U[-3.14159, 3.14159], omega0 ~ U[-6.57739, 6.57739], kept if |omega0^2/2 - (g/l) cos theta0| <= 0.99 (g/l); Philox draws per trajectory'

check pendulum.nc "solve pendulum -quiet" << EOF
:title = "phynn reference solution of the simple pendulum" ;
:equation = "theta\'\' + (g/l) sin(theta) = 0 (simple pendulum)" ;
:initial_condition = "theta(0) = theta0, theta\'(0) = omega0" ;
:g = 9.81 ;
:l = 1. ;
:linear = "false" ;
:tf = 10. ;
:nt = 501LL ;
:theta0 = 0.785398163397448 ;
:omega0 = 0. ;
$pendulum_solver
:solver_rtol = 1.e-13 ;
:solver_atol = 1.e-13 ;
t = 501 ;
t:units = "s" ;
t:long_name = "time" ;
theta:units = "rad" ;
omega:units = "rad s-1" ;
double theta(t) ;
double energy(t) ;
EOF

check heat.nc "solve heat -quiet" << EOF
:title = "phynn reference solution of the 1D heat equation" ;
:equation = "u_t = k u_xx" ;
:k = 0.4 ;
:xmin = 0. ;
:xmax = 1. ;
:tf = 1. ;
:nx = 256LL ;
:nt = 101LL ;
:boundary_condition = "dirichlet: u(t, xmin) = u(t, xmax) = 0; x includes both ends" ;
:initial_condition = "sin: u(0, x) = sin(1 pi (x - xmin)/(xmax - xmin))" ;
:exact_solution = "u = exp(-k kappa^2 t) u(0, x), kappa = 1 pi/(xmax - xmin)" ;
$heat_solver
:solver_substeps = 10LL ;
:solver_dt = 0.001 ;
t = 101 ;
x = 256 ;
t:units = "1" ;
x:units = "1" ;
t:long_name = "time" ;
double u(t, x) ;
EOF

check nls.nc "solve nls -quiet" << EOF
:title = "phynn reference solution of the nonlinear Schrodinger equation" ;
:equation = "i h_t + 0.5 h_xx + |h|^2 h = 0, h = h_re + i h_im" ;
:boundary_condition = "periodic on [xmin, xmax): x_i = xmin + i (xmax - xmin)/nx" ;
:xmin = -5. ;
:xmax = 5. ;
:tf = 1.5707963267949 ;
:nx = 256LL ;
:nt = 201LL ;
:initial_condition = "2sech: h(0, x) = 2 sech(x) (Raissi et al. 2019)" ;
:solver = "FFTW split-step Fourier, 256 modes; fourth-order Yoshida composition S2(w1 s) S2(w0 s) S2(w1 s) of Strang steps N(s/2) L(s) N(s/2), both parts exact; FFTW_ESTIMATE" ;
:solver_substeps = 32LL ;
:solver_dt = 0.000245436926061703 ;
t = 201 ;
x = 256 ;
t:units = "1" ;
t:long_name = "time" ;
double h_re(t, x) ;
double h_im(t, x) ;
double mass(t) ;
double hamiltonian(t) ;
EOF

check heat_samples.nc "solve heat -nsamples 4 -nx 64 -nt 11 -o heat_samples.nc -quiet" << EOF
:title = "phynn solution family of the 1D heat equation" ;
:equation = "u_t = k u_xx" ;
:k = 0.4 ;
:nx = 64LL ;
:nt = 11LL ;
:nsamples = 4LL ;
:seed = 0LL ;
:grf_length = 0.1 ;
:grf_sigma = 1. ;
:initial_condition = "random sine series (zero at both ends) of a Gaussian random field per sample: squared-exponential covariance, length 0.1, standard deviation 1, seed 0 (solvers/grf.c)" ;
$heat_solver
:solver_dt = 0.01 ;
sample = 4 ;
t = 11 ;
x = 64 ;
t:units = "1" ;
t:long_name = "time" ;
double u0(sample, x) ;
double u(sample, t, x) ;
EOF

check heat2d.nc "solve heat2d -quiet" << EOF
:title = "phynn reference solution of the 2D heat equation" ;
:equation = "u_t = k (u_xx + u_yy)" ;
:k = 0.01 ;
:nx = 64LL ;
:ny = 64LL ;
:nt = 11LL ;
:boundary_condition = "periodic in x and y on the square [xmin, xmax)^2 (y has the range of x); x and y exclude xmax" ;
:initial_condition = "sin: u(0, x, y) = sin(2 pi 1 (x - xmin)/L) sin(2 pi 1 (y - ymin)/L), L = xmax - xmin" ;
:exact_solution = "u = exp(-k (kappa_x^2 + kappa_y^2) t) u(0, x, y), kappa_x = 2 pi 1/(xmax - xmin), kappa_y = 2 pi 1/(xmax - xmin)" ;
:solver = "FFTW MPI spectral (2D r2c/c2r, FFTW_ESTIMATE, transposed coefficients): each Fourier mode multiplied by exp(-k |kappa|^2 t), exact in time; grid split in slabs of y rows over 1 rank(s)" ;
t = 11 ;
y = 64 ;
x = 64 ;
t:units = "1" ;
y:units = "1" ;
x:units = "1" ;
t:long_name = "time" ;
double u(t, y, x) ;
EOF

check heat2d_samples_np1.nc "solve heat2d -nsamples 5 -nx 30 -nt 6 -seed 3 -o heat2d_samples_np1.nc -quiet" << EOF
:title = "phynn solution family of the 2D heat equation" ;
:equation = "u_t = k (u_xx + u_yy)" ;
:nx = 30LL ;
:nt = 6LL ;
:nsamples = 5LL ;
:seed = 3LL ;
:grf_length = 0.1 ;
:grf_sigma = 1. ;
:initial_condition = "periodic 2D Gaussian random field per sample: squared-exponential covariance, length 0.1, standard deviation 1, seed 3, modes |m|, |n| <= (nx-1)/2 (solvers/grf.c)" ;
:solver = "FFTW spectral (2D r2c/c2r, FFTW_ESTIMATE): each Fourier mode multiplied by exp(-k |kappa|^2 t), exact in time; samples split over the ranks, each solved on one" ;
sample = 5 ;
t = 6 ;
y = 30 ;
x = 30 ;
t:long_name = "time" ;
double u0(sample, y, x) ;
double u(sample, t, y, x) ;
EOF

check pendulum_ntraj_np1.nc "solve pendulum -ntraj 12 -seed 7 -tf 5 -nt 251 -o pendulum_ntraj_np1.nc -quiet" << EOF
:title = "phynn reference trajectories of the simple pendulum" ;
:initial_condition = "theta(0) = theta0(traj), theta\'(0) = omega0(traj), sampled (see sampling)" ;
:tf = 5. ;
:nt = 251LL ;
:ntraj = 12LL ;
:seed = 7LL ;
:theta_range = 3.14159265358979 ;
:omega_range = 6.57739310061365 ;
:accept = 0.99 ;
$sampling" ;
$pendulum_solver
t = 251 ;
traj = 12 ;
t:units = "s" ;
double theta(traj, t) ;
double theta0(traj) ;
double omega0(traj) ;
EOF

img=$(
  cat << 'EOF'
image:units = "1" ;
image_t:units = "s-1" ;
image_tt:units = "s-2" ;
theta:units = "rad" ;
omega:units = "rad s-1" ;
:derivatives = "image_t = I_theta theta\', image_tt = I_thetatheta theta\'^2 + I_theta theta\'\' (exact chain rule; theta\'\' from the equation of motion)" ;
:sample_order = "sample = traj nt + i, time index i fastest" ;
EOF
)

check pendulum_images.nc "solve pendulum-images -quiet" << EOF
$img
:title = "phynn pendulum images: rod and bob" ;
:render = "rod" ;
:theta0 = 0.349065850398866 ;
:omega0 = 0. ;
:tf = 2.079 ;
:nt = 100LL ;
:rod_width_pixels = 2. ;
:bob_diameter_pixels = 10. ;
$pendulum_solver
sample = 100 ;
y = 160 ;
x = 160 ;
double image(sample, y, x) ;
double image_t(sample, y, x) ;
double image_tt(sample, y, x) ;
double traj(sample) ;
EOF

check images_blob_np1.nc "solve pendulum-images -render blob -ntraj 5 -seed 7 -tf 1 -nt 11 -o images_blob_np1.nc -quiet" << EOF
$img
:title = "phynn pendulum images: Champion et al.\'s Gaussian blob" ;
:render = "blob" ;
:render_formula = "image = exp(-((x - sin theta)^2 + (y + cos theta)^2)/0.05) on Champion\'s grid (x, y)" ;
:ntraj = 5LL ;
:seed = 7LL ;
$sampling (as solve pendulum -ntraj)" ;
$pendulum_solver
sample = 55 ;
y = 51 ;
x = 51 ;
EOF

if ((fails)); then echo "$fails check(s) failed"; fi
exit $((fails ? 1 : 0))
