#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12 machine, install what is missing, build phynn,
# and train a small network data-parallel over 2 MPI ranks.
#
#   scripts/demo.sh                 writes demo/data.csv, demo/log.csv, demo/model.nc
#   PHYNN_NP=4 scripts/demo.sh      more ranks (oversubscribes when there are fewer cores)
#
# The network (2 -> 32 -> 32 -> 1, tanh) learns y = sin(pi x1) cos(pi x2) from 2000 random points
# in [-1, 1]^2; phynn prints the loss as it trains and saves the model as NetCDF.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
np=${PHYNN_NP:-2}
jobs=${PHYNN_JOBS:-2}
say() { echo "demo.sh: $*"; }

scripts/install-deps.sh

say "configure + build: Release in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release --log-level=WARNING
cmake --build build -j"$jobs"

if ! build/phynn 2>/dev/null | grep -q '^  train fit'; then
  say "error: this build of phynn has no 'train fit' command yet ('build/phynn' lists the commands); update the checkout and rerun" >&2
  exit 1
fi

# The data set: columns x1, x2 (inputs) and y (output), in the order -layers 2,...,1 reads them.
# awk's generator with a fixed seed, so every run of the demo trains on the same points
# (with the same awk); written under a temporary name first, like everything phynn writes.
mkdir -p demo
say "data: demo/data.csv, y = sin(pi x1) cos(pi x2) at 2000 random points in [-1, 1]^2"
awk -v n=2000 -v seed=7 'BEGIN {
  srand(seed)
  pi = atan2(0, -1)
  print "x1,x2,y"
  for (i = 0; i < n; i++) {
    x1 = 2 * rand() - 1
    x2 = 2 * rand() - 1
    printf "%.17g,%.17g,%.17g\n", x1, x2, sin(pi * x1) * cos(pi * x2)
  }
}' >demo/data.csv.tmp
mv demo/data.csv.tmp demo/data.csv

# Open MPI refuses to run as root, and to start more ranks than cores, unless told; ask only
# when it applies, so a normal user's run looks like the README says.
mpi_flags=()
if [[ $(id -u) -eq 0 ]]; then mpi_flags+=(--allow-run-as-root); fi
if ((np > $(nproc))); then mpi_flags+=(--oversubscribe); fi
# Containers often forbid the cross-memory attach Open MPI's shared-memory transport uses by
# default; copying through shared memory instead works everywhere and costs nothing at this size.
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}

# One BLAS thread per rank (-x exports it to every rank): ranks already use the cores.
say "train: mpirun -np $np build/phynn train fit ... (progress below)"
mpirun "${mpi_flags[@]}" -np "$np" -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 \
  build/phynn train fit -data demo/data.csv -layers 2,32,32,1 -activation tanh \
  -optimizer adam -lr 1e-3 -max_it 2000 -seed 7 -log demo/log.csv -o demo/model.nc

[[ -s demo/model.nc ]] || { say "error: training finished but demo/model.nc was not written" >&2; exit 1; }
say "model: demo/model.nc ($(du -h demo/model.nc | cut -f1)); training log: demo/log.csv; look inside with 'ncdump -h demo/model.nc'"
