#!/usr/bin/env bash
# jobs/sindy_sweep.sbatch under Slurm as a job array at a tiny size (2 seeds; tests/slurm/
# sindy_tiny*.opts after the quick configuration), then jobs/sindy_gather.sh over the tasks: every
# task has its data, model, one-row summary and validation metrics, and the gather counts both.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(work_dir sindy_sweep)

job=$(OUT=$work/out EXTRA_OPTIONS=$PHYNN_SOURCE_DIR/tests/slurm/sindy_tiny.opts \
  DATA_OPTIONS=$PHYNN_SOURCE_DIR/tests/slurm/sindy_tiny_data.opts NVAL=2 \
  submit sindy "$PHYNN_SOURCE_DIR/jobs/sindy_sweep.sbatch" --array=0-1 --time=5)
for seed in 0 1; do
  dir=$work/out/seed-$seed
  log=$work/sindy-${job}_$seed.out
  [ -f "$log" ] || fail "array task $seed left no log $log"
  for f in train.nc val.nc; do [ -f "$dir/$f" ] || fail "array task $seed wrote no data $dir/$f"; done
  check_model "$dir/model.nc"
  grep -q 'options = ".*-epochs 4 ' <<< "$(ncdump -h "$dir/model.nc")" || fail "array task $seed's model was not trained at the tiny size (-epochs 4)"
  [ "$(wc -l < "$dir/summary.csv")" = 2 ] || fail "array task $seed's summary $dir/summary.csv is not a header and one row"
  [ "$(cut -d, -f2 <<< "$(tail -n 1 "$dir/summary.csv")")" = "$seed" ] || fail "array task $seed's summary names another seed: $(tail -n 1 "$dir/summary.csv")"
  # The sweep does not fail on a run that found another law, but the metrics must be there.
  [ -f "$dir/report/metrics.json" ] || fail "array task $seed wrote no validation metrics $dir/report/metrics.json"
  /usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["phynn_file"] == "validation" else 1)' "$dir/report/metrics.json" ||
    fail "array task $seed's $dir/report/metrics.json is not validation metrics"
done
gathered=$(bash "$PHYNN_SOURCE_DIR/jobs/sindy_gather.sh" "$work/out")
echo "$gathered"
grep -q '^recovered: [0-9]* of 2 runs$' <<< "$gathered" || fail "sindy_gather.sh did not count the 2 array tasks"
[ "$(wc -l < "$work/out/summary.csv")" = 3 ] || fail "the gathered $work/out/summary.csv is not a header and 2 rows"
echo "ok   jobs/sindy_sweep.sbatch --array=0-1 (job $job): data, models, summaries and metrics for both tasks; gathered"
