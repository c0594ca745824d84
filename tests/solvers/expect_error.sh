# Sourced by the cli_errors*.sh tests: a scratch directory to run in (removed on exit), a failure
# count, and expect_error. Needs $PHYNN_EXE.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0

launch=() # a launcher for expect_error (e.g. mpiexec -n 5); empty: run phynn directly
expect_error() { # expect_error "stderr pattern" phynn args...: exit != 0, that one error line, no file
  local pattern=$1
  shift
  "${launch[@]}" "$PHYNN_EXE" "$@" -o out.nc > stdout.txt 2> stderr.txt
  local rc=$?
  local leftover
  leftover=$(ls out.nc* 2> /dev/null)
  if [ $rc -eq 0 ]; then echo "FAIL: phynn $* exited 0"; fails=$((fails + 1)); return; fi
  if ! grep -q -- "$pattern" stderr.txt; then echo "FAIL: phynn $*: stderr lacks '$pattern':"; cat stderr.txt; fails=$((fails + 1)); return; fi
  # exactly one stderr line, and it is the error (no PETSc traceback or warning around it). Under
  # a launcher, the launcher's own MPI_ABORT banner follows (phynn aborts a multi-rank job on
  # error): there, phynn's and PETSc's lines are counted, not mpiexec's.
  local lines
  if [ ${#launch[@]} -eq 0 ]; then lines=$(wc -l < stderr.txt); else lines=$(grep -c -e '^phynn' -e 'PETSC ERROR' stderr.txt); fi
  if [ "$lines" != 1 ] || ! grep -q '^phynn: error: ' stderr.txt; then echo "FAIL: phynn $*: expected exactly one stderr line, 'phynn: error: ...':"; cat stderr.txt; fails=$((fails + 1)); return; fi
  if [ -n "$leftover" ]; then echo "FAIL: phynn $* left $leftover"; fails=$((fails + 1)); rm -f out.nc*; return; fi
  echo "ok   phynn $*: exit $rc, $(head -1 stderr.txt)"
}
