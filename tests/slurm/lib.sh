# shellcheck shell=bash
# Shared by the slurm tier's job tests (sourced): the work directory, submitting a job and
# waiting for it, and the checks every job's outputs get.
# Needs SLURM_CONF (the cluster of tests/slurm/cluster.sh), PHYNN_EXE and PHYNN_SOURCE_DIR.
# The caller sets work (its work_dir) before calling submit.
# shellcheck disable=SC2154

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ -f "${SLURM_CONF:-}" ] || fail "SLURM_CONF (${SLURM_CONF:-unset}) is no slurm.conf: the cluster fixture (slurm_cluster_start) did not run"
export PHYNN=$PHYNN_EXE

# A fresh work directory per test, kept after the run for a look at the job logs.
work_dir() { # work_dir NAME: prints the directory
  local d=$PWD/work/$1
  rm -rf "$d"
  mkdir -p "$d"
  echo "$d"
}

# submit LOG_PREFIX SCRIPT [SBATCH_ARGS...]: sbatch --wait from the repository root (the scripts
# name jobs/*.opts relative to it), every job's log under $work; fails with the job logs when the
# job (or any array task) does not exit 0. The environment (sizes, OUT, PHYNN) goes with the job
# (sbatch exports it). Prints the job id.
submit() {
  local prefix=$1 script=$2 out rc=0 pattern=%j
  shift 2
  # logs: PREFIX-JOBID.out, or PREFIX-ARRAYJOBID_TASK.out for an array
  [[ " $* " == *" --array"* ]] && pattern=%A_%a
  # A job that cannot start (node down, too large) would keep sbatch --wait waiting: 150 s is
  # ten times what the tier's jobs need, and the failure then says why.
  out=$(timeout 150 sbatch --wait --parsable --chdir="$PHYNN_SOURCE_DIR" --output="$work/$prefix-$pattern.out" "$@" "$script") || rc=$?
  if ((rc == 124)); then
    squeue >&2 || true
    scancel "${out%%;*}" 2> /dev/null || true
    fail "job ${out:-?} ($script) did not finish within 150 s (squeue above)"
  fi
  if ((rc != 0)); then
    for f in "$work/$prefix"-*.out; do [ -f "$f" ] && { echo "---- $f" >&2; tail -n 30 "$f" >&2; }; done
    fail "sbatch --wait $script exited $rc (job ${out:-not submitted})"
  fi
  echo "${out%%;*}"
}

# check_model FILE: a phynn model file (not a checkpoint, not half-written).
check_model() {
  [ -f "$1" ] || fail "no model file $1"
  local header
  header=$(ncdump -h "$1") || fail "ncdump cannot read the model file $1"
  grep -q ':phynn_file = "model"' <<< "$header" || fail "$1 is not a phynn model file ($(grep phynn_file <<< "$header"))"
}

# check_validation DIR: validate wrote its report and metrics, and every threshold held.
check_validation() {
  [ -f "$1/index.html" ] || fail "no validation report $1/index.html"
  [ -f "$1/metrics.json" ] || fail "no validation metrics $1/metrics.json"
  /usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["passed"] is True and m["components"] else 1)' "$1/metrics.json" ||
    fail "validation did not pass or has no metrics: $1/metrics.json"
}
