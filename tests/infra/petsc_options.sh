#!/usr/bin/env bash
# No phynn option shadows one of PETSc's. phynn reads its options from PETSc's database, so an
# option of the same name is read by both: PETSc's -log (an event log written to FILE.<rank> at
# PetscFinalize) made every `-log FILE.csv` run leave FILE.csv.0 behind, until the loss log became
# -loss_log. The old name is now a one-line error that names the new one, and leaves no file.
#
# phynn's names: `phynn options` (every command's, from the registry behind the unused-option
# check). PETSc's: every NUL-delimited string "-name" in the PETSc library this phynn loads (ldd),
# which is how PETSc's C code spells each option it reads (PetscOptionsHasName(NULL, NULL,
# "-log", ...), PetscOptionsInt("-ts_max_steps", ...)); the list is checked to hold -log,
# -log_view, -options_file and -help, so a library this cannot read fails instead of passing.
#
#   petsc_options.sh PHYNN_EXE
set -uo pipefail
exe=$1
python=${PHYNN_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0

"$exe" options > phynn_options.txt || { echo "FAIL: phynn options exited with $?"; exit 1; }
lib=$(ldd "$exe" | awk '$1 ~ /^libpetsc/ && $3 ~ /^\// {print $3; exit}')
[[ -n $lib && -r $lib ]] || { echo "FAIL: ldd $exe names no readable PETSc library"; ldd "$exe"; exit 1; }
"$python" - "$lib" phynn_options.txt <<'PY' || fails=$((fails + 1))
import re, sys
lib, listing = sys.argv[1], sys.argv[2]
data = open(lib, "rb").read()
petsc = {m.group(1).decode() for m in re.finditer(rb"(?<=\x00)-([a-z][a-z0-9_]*)\x00", data)}
phynn = {line.strip()[1:] for line in open(listing) if line.startswith("-")}
bad = False
need_petsc = {"log", "log_view", "options_file", "help"}
if not need_petsc <= petsc:
    print(f"FAIL: {len(petsc)} option names read from {lib} lack {sorted(need_petsc - petsc)}; the extraction no longer works")
    bad = True
need_phynn = {"loss_log", "log_every", "max_it", "o", "phynn_traceback"}
if not need_phynn <= phynn:
    print(f"FAIL: phynn options lists {len(phynn)} names and lacks {sorted(need_phynn - phynn)}")
    bad = True
clash = sorted(phynn & petsc)
for name in clash:
    print(f"FAIL: phynn's option -{name} is also PETSc's -{name} (in {lib}): PETSc acts on it too; rename phynn's")
if not bad and not clash:
    print(f"ok   none of phynn's {len(phynn)} options is one of the {len(petsc)} option names in {lib}")
sys.exit(1 if bad or clash else 0)
PY

# The old name: a one-line error naming -loss_log (with the trainer's prefix), no CSV, no event log.
data="${PHYNN_SOURCE_DIR:-$(dirname "$0")/../..}/tests/data/v1/fit.csv"
check_old() { # WHAT EXPECTED_LINE ARGS...
  local what=$1 want=$2 rc=0
  shift 2
  "$exe" "$@" > out.txt 2>&1 || rc=$?
  if [[ $rc -ne 0 ]] && grep -qxF "phynn: error: $want" out.txt && [[ $(grep -c . out.txt) -eq 1 ]] && ! ls old.csv* > /dev/null 2>&1; then
    echo "ok   $what: $want"
  else
    echo "FAIL: $what: want exit != 0, the one line 'phynn: error: $want' and no old.csv*; got exit $rc, files: $(ls old.csv* 2>/dev/null)"
    sed 's/^/    /' out.txt
    fails=$((fails + 1))
  fi
  rm -f old.csv*
}
check_old "train fit -log" "option -log was renamed -loss_log (PETSc's own -log writes an event log); use -loss_log FILE" \
  train fit -data "$data" -layers 2,3,1 -max_it 2 -quiet -log old.csv -o m.nc
"$exe" solve pendulum-images -nx 8 -ny 8 -nt 4 -quiet -o frames.nc || { echo "FAIL: solve pendulum-images"; exit 1; }
check_old "train autoencoder -restart_log" "option -restart_log was renamed -restart_loss_log (PETSc's own -log writes an event log); use -restart_loss_log FILE" \
  train autoencoder -data frames.nc -quiet -restart_log old.csv -o m.nc
# The new name writes the CSV and nothing else.
if "$exe" train fit -data "$data" -layers 2,3,1 -max_it 2 -quiet -loss_log new.csv -o m.nc > out.txt 2>&1 && [[ $(ls new.csv*) == new.csv ]] && head -1 new.csv | grep -q '^iteration,elapsed_s,loss'; then
  echo "ok   train fit -loss_log new.csv writes new.csv ($(head -1 new.csv)) and no new.csv.0"
else
  echo "FAIL: train fit -loss_log new.csv: want new.csv alone; got: $(ls new.csv* 2>&1)"
  sed 's/^/    /' out.txt
  fails=$((fails + 1))
fi
exit $fails
