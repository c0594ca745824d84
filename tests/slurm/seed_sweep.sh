#!/usr/bin/env bash
# jobs/seed_sweep.sbatch under Slurm as a job array at a tiny size (3 seeds of the heat PINN,
# tests/slurm/heat_tiny.opts after jobs/heat.opts), srun as the launcher: every array task has its
# model, trained with its own seed on the job's 2 ranks, and a passing validation.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(work_dir seed_sweep)

job=$(OUT=$work/out EXTRA_OPTIONS=$PHYNN_SOURCE_DIR/tests/slurm/heat_tiny.opts THRESHOLD=rel_l2=10 \
  submit sweep "$PHYNN_SOURCE_DIR/jobs/seed_sweep.sbatch" --array=0-2 --time=5)
for seed in 0 1 2; do
  dir=$work/out/seed-$seed
  log=$work/sweep-${job}_$seed.out
  [ -f "$log" ] || fail "array task $seed left no log $log"
  check_model "$dir/model.nc"
  check_validation "$dir/report"
  header=$(ncdump -h "$dir/model.nc")
  grep -q "options = \".*-seed $seed " <<< "$header" || fail "array task $seed's model was not trained with -seed $seed"
  grep -q 'options = ".*-max_it 50 ' <<< "$header" || fail "array task $seed's model was not trained at the tiny size (-max_it 50)"
  grep -q '2 rank(s)' "$log" || fail "array task $seed did not train on the job's 2 ranks (srun without PMIx starts 1-rank copies): $(grep 'rank(s)' "$log")"
done
# Different seeds, different networks: the array tasks really are different runs.
cmp -s "$work/out/seed-0/model.nc" "$work/out/seed-1/model.nc" && fail "seeds 0 and 1 gave the same model file"
echo "ok   jobs/seed_sweep.sbatch --array=0-2 (job $job): 3 models on 2 ranks each, 3 validations passed"
