#!/usr/bin/env bash
# jobs/nls_full.sbatch under Slurm at a tiny size (tests/slurm/nls_tiny.opts after the published
# options): the reference, a 2-rank training launched by mpirun inside the allocation (the
# documented alternative to srun), the model and a passing validation. --ntasks=2 --cpus-per-task=1
# on the command line (they override the #SBATCH lines): the script's 8 x 2 CPUs do not fit the node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(work_dir nls_full)

job=$(OUT=$work/out LAUNCHER=mpirun EXTRA_OPTIONS=$PHYNN_SOURCE_DIR/tests/slurm/nls_tiny.opts \
  THRESHOLD='rel_l2[|h|]=10' submit nls "$PHYNN_SOURCE_DIR/jobs/nls_full.sbatch" --ntasks=2 --cpus-per-task=1 --time=5)
log=$work/nls-$job.out
[ -f "$work/out/nls_ref.nc" ] || fail "no reference $work/out/nls_ref.nc"
check_model "$work/out/model.nc"
check_validation "$work/out/report"
# The tiny options were the ones used (not the 50000-iteration published run), on 2 ranks.
grep -q '2 rank(s)' "$log" || fail "the training did not run on the job's 2 ranks: $(grep 'rank(s)' "$log")"
grep -q 'options = ".*-max_it 100 ' <<< "$(ncdump -h "$work/out/model.nc")" || fail "the model was not trained with the tiny size's -max_it 100 (EXTRA_OPTIONS ignored?)"
[ "$(($(wc -l < "$work/out/loss.csv") > 1))" = 1 ] || fail "the loss log $work/out/loss.csv has no rows"
echo "ok   jobs/nls_full.sbatch (job $job): reference, 2-rank model, validation passed"
