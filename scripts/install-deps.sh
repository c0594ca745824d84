#!/usr/bin/env bash
# Installs the Debian 12 packages phynn builds, tests and runs with. Idempotent: checks every
# package with dpkg-query first and touches apt only when something is missing, so running it on
# a ready machine (every CI run) costs a second and needs no network.
#
#   scripts/install-deps.sh          as root, or as a user with sudo
set -euo pipefail

packages=(
  build-essential cmake pkg-config git   # compiler, build, provenance (git revision)
  openmpi-bin libopenmpi-dev             # MPI: mpirun, mpicc
  petsc-dev                              # TS time steppers, DMDA, options database (PETSc 3.18)
  libfftw3-dev libfftw3-mpi-dev          # split-step Fourier, spectral layers
  libnetcdf-dev netcdf-bin               # NetCDF-4 files; ncdump to look at them
  libscalapack-openmpi-dev               # distributed PCA baseline
  libopenblas-dev                        # BLAS for the dense layers
  libsleef-dev                           # vectorised tanh/sin/exp
  python3-netcdf4 python3-numpy python3-xarray  # docs/model-file.md's Python snippet; tests/apps/files_open.sh opens every kind of file with xarray
  python3-scipy                          # tests/sindy: an independent integration of a discovered law
  gnuplot-nox                            # plots in validation reports
  slurm-wlm munge                        # tests/slurm: a one-node Slurm cluster (slurmctld, slurmd, sbatch) for jobs/*.sbatch
  clang libclang-rt-14-dev               # tests/fuzz: libFuzzer harnesses (-fsanitize=fuzzer) in build-fuzz/
)

say() { echo "install-deps: $*"; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  say "error: dpkg-query/apt-get not found; this script is for Debian 12, install the packages listed in $0 with your system's package manager" >&2
  exit 1
fi

say "checking ${#packages[@]} packages"
missing=()
for p in "${packages[@]}"; do
  # "install ok installed" is the only state in which a package is fully there (not half-configured,
  # not removed with its configuration left behind).
  if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then missing+=("$p"); fi
done
if ((${#missing[@]} == 0)); then
  say "all ${#packages[@]} packages are installed"
  exit 0
fi
say "missing: ${missing[*]}"

# Root runs apt directly; anyone else needs sudo. `env` sets the variable inside sudo, where a
# plain VAR=value prefix would be dropped by sudo's environment reset.
if [[ $(id -u) -eq 0 ]]; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
else
  say "error: installing packages needs root: run this script as root or install sudo" >&2
  exit 1
fi

# apt's own output goes to a log, shown only when a step fails: CI logs stay readable.
log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX.log")
run_logged() {
  if ! "$@" >>"$log" 2>&1; then
    say "error: '$*' failed; its output:" >&2
    tail -n 40 "$log" >&2
    say "(full log: $log)" >&2
    exit 1
  fi
}

say "apt-get update"
run_logged "${as_root[@]}" apt-get update -q
say "apt-get install --no-install-recommends ${missing[*]}"
run_logged "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
rm -f "$log"

# Check again: apt can succeed and still leave a package unconfigured.
for p in "${missing[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
    say "error: $p is still not installed after apt-get install; run 'apt-get install $p' by hand to see why" >&2
    exit 1
  fi
done
say "installed ${#missing[@]} package(s); all ${#packages[@]} are present"
