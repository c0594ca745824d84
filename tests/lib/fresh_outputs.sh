#!/bin/bash
# fresh_outputs.sh OUTPUT... -- COMMAND...: a setup test that writes OUTPUTs for later tests.
# Removes every OUTPUT, runs COMMAND, and fails unless COMMAND exits 0 AND wrote every OUTPUT
# (a non-empty file). So a command that exits 0 without writing cannot leave a stale file from an
# earlier run in the build directory for the dependent tests to read
# (phynn_add_test/phynn_add_mpi_test OUTPUTS, cmake/PhynnTesting.cmake).
set -euo pipefail
outputs=()
while (($#)) && [[ $1 != -- ]]; do
  outputs+=("$1")
  shift
done
if (($# < 2)) || ((${#outputs[@]} == 0)); then
  echo "usage: fresh_outputs.sh OUTPUT... -- COMMAND..." >&2
  exit 2
fi
shift
rm -f -- "${outputs[@]}"
"$@"
for f in "${outputs[@]}"; do
  if [[ ! -s $f ]]; then
    echo "FAIL: '$*' exited 0 without writing $f" >&2
    exit 1
  fi
done
echo "ok   wrote ${outputs[*]}"
