#!/usr/bin/env bash
# The `phynn` command's front door: `phynn version` works, an unknown command or a misspelled
# option is a one-line error with a non-zero exit (and a suggestion when the typo is close).
#
#   cli.sh PHYNN_EXE        (CTest passes the built executable)
set -euo pipefail

exe=${1:-${PHYNN_EXE:-}}
[[ -x $exe ]] || { echo "FAIL usage: cli.sh PATH/TO/phynn (got '$exe')" >&2; exit 2; }
failures=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

# run EXPECTED_RC ARGS...: runs phynn, stdout+stderr into $out; checks the exit status class.
run() {
  local want=$1 rc=0
  shift
  "$exe" "$@" >"$out" 2>&1 || rc=$?
  if [[ $want == 0 && $rc -ne 0 ]] || [[ $want == nonzero && $rc -eq 0 ]]; then
    fail "phynn $* exited with $rc (want $want); output:"
    sed 's/^/    /' "$out" >&2
    return 1
  fi
}

# expect_in FILE PATTERN WHAT: a fixed-string check with the output shown on failure.
expect_in() {
  if grep -qF -- "$2" "$out"; then ok "$3: $(grep -F -- "$2" "$out" | head -1)"; else
    fail "$3: output lacks '$2':"
    sed 's/^/    /' "$out" >&2
  fi
}

# `phynn version` is one line: the project version of CMakeLists.txt and the git revision the
# binary was built from (12 hex digits, "-dirty" for uncommitted changes, or "unknown").
if run 0 version; then
  want=$(sed -n 's/^project(phynn VERSION \([0-9.]*\) .*/\1/p' "${PHYNN_SOURCE_DIR:?CTest sets PHYNN_SOURCE_DIR}/CMakeLists.txt")
  if [[ -n $want && $(wc -l < "$out") -eq 1 ]] && grep -Eqx "phynn ${want//./\\.} \(git ([0-9a-f]{12}(-dirty)?|unknown)\)" "$out"; then
    ok "phynn version: $(cat "$out")"
  else
    fail "phynn version: want one line 'phynn $want (git <12 hex digits>[-dirty])', got:"
    sed 's/^/    /' "$out" >&2
  fi
fi
if run 0; then expect_in "$out" "usage:" "phynn with no arguments prints the usage"; fi
if run nonzero no-such-command; then expect_in "$out" "unknown command 'no-such-command'" "unknown command"; fi

if run nonzero version -phynn_tracebak; then
  expect_in "$out" "unknown option -phynn_tracebak" "misspelled option"
  # One error line: the user sees what was wrong and how to fix it, not a PETSc traceback.
  n=$(grep -c '^phynn: error:' "$out" || true)
  if [[ $n -eq 1 ]] && ! grep -q 'PETSC ERROR' "$out"; then ok "the error is one line"; else
    fail "want exactly one 'phynn: error:' line and no PETSc traceback, got:"
    sed 's/^/    /' "$out" >&2
  fi
fi

# "did you mean": misspell the longest option some command declares (long names make the
# nearest match unambiguous), so this keeps working as commands come and go.
best=""
while read -r cmd; do
  # shellcheck disable=SC2086 # two-word commands ("solve pendulum") split on purpose
  while read -r name; do
    [[ ${#name} -gt ${#best} ]] && best=$name
  done < <("$exe" $cmd -help 2>/dev/null | sed -n 's/^ *-\([A-Za-z0-9_]*\) <.*/\1/p')
done < <("$exe" 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\( [a-z][a-z0-9-]*\)\?\)  .*/\1/p' | sed 's/ *$//')
if [[ ${#best} -ge 5 ]]; then
  typo=${best:0:$((${#best} - 2))}${best: -1} # drop the second-to-last letter
  if run nonzero version -"$typo" 1; then expect_in "$out" "did you mean -$best?" "close typo -$typo"; fi
else
  # the commands declare options like -checkpoint_every: finding none means the -help parsing
  # above stopped matching, which would silently disable this check
  fail "'did you mean': found no option of 5 or more letters in the commands' -help (longest: '$best')"
fi

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
