#!/usr/bin/env bash
# Builds phynn and runs the whole test suite, then the unit tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer. This is what CI runs (.ci/run); the README's second command.
#
#   scripts/test.sh                 from anywhere; builds in build/ and build-asan/ of the checkout
#   PHYNN_JOBS=4 scripts/test.sh    more parallel build and test jobs (default 2)
#   PHYNN_SKIP_SLURM=1 scripts/test.sh   without the slurm tier (ctest -LE slurm; CI never skips it)
#   PHYNN_SKIP_FUZZ=1 scripts/test.sh   skip the fuzz tier (build-fuzz/, clang + libFuzzer); CI never does
#   PHYNN_FUZZ_SECONDS=60 scripts/test.sh   seconds each fuzz harness runs (default 30)
#
# Exit status: 0 when everything built and passed, 1 otherwise. A build failure stops at once; a
# failing test does not stop the sanitizer pass, so one run reports both.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=${PHYNN_JOBS:-2}

# One BLAS thread per process: tests run MPI ranks and CTest jobs side by side on few cores, and
# OpenBLAS threads inside each would fight over them (and make timings meaningless).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

start=$SECONDS
say() { printf 'test.sh: [%d:%02d] %s\n' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) "$*"; }
failed=()

say "configure + build: Release in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
say "ctest: whole suite (build/)"
# The slurm tier (tests/slurm) starts a one-node Slurm cluster; skip it where none can run.
skip=()
if [[ ${PHYNN_SKIP_SLURM:-} == 1 ]]; then skip+=(-LE slurm); say "PHYNN_SKIP_SLURM=1: without the slurm tier"; fi
if ! ctest --test-dir build --output-on-failure -j"$jobs" "${skip[@]}"; then failed+=("test suite (build/)"); fi

say "configure + build: Debug with -DPHYNN_SANITIZE=ON in build-asan/"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPHYNN_SANITIZE=ON
cmake --build build-asan -j"$jobs"
say "ctest: unit tests under ASan + UBSan (build-asan/)"
# detect_leaks=0: Open MPI and PETSc keep allocations alive until process exit on purpose
# (communicator and datatype caches, the options database, hwloc topology), and LeakSanitizer
# reports hundreds of those per run, drowning any real leak; phynn's own memory goes through
# PetscMalloc, whose -malloc_dump/-malloc_debug checks are the tool for that. Everything else
# ASan finds (overflows, use after free) still fails the test.
# halt_on_error=1 + print_stacktrace=1: undefined behaviour fails the test, with the place.
if ! ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j"$jobs"; then
  failed+=("unit tests under sanitizers (build-asan/)")
fi

# The fuzz tier: every reader of outside data under libFuzzer + ASan + UBSan, from the seed corpora
# of tests/fuzz/ (tests/fuzz/README.md). A separate clang build; the fuzz tests only.
if [[ ${PHYNN_SKIP_FUZZ:-0} == 1 ]]; then
  say "fuzz tier skipped (PHYNN_SKIP_FUZZ=1)"
else
  say "configure + build: clang libFuzzer harnesses with -DPHYNN_FUZZ=ON in build-fuzz/"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DPHYNN_FUZZ=ON -DPHYNN_FUZZ_SECONDS="${PHYNN_FUZZ_SECONDS:-30}"
  cmake --build build-fuzz -j"$jobs"
  say "ctest: fuzz harnesses, ${PHYNN_FUZZ_SECONDS:-30} s each (build-fuzz/)"
  if ! ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$jobs"; then failed+=("fuzz harnesses (build-fuzz/)"); fi
fi

if ((${#failed[@]})); then
  for f in "${failed[@]}"; do say "FAILED: $f"; done
  exit 1
fi
say "all passed"
