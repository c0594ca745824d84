#!/usr/bin/env bash
# The time-limit pattern of jobs/nls_full.sbatch under Slurm: a job signalled with SIGTERM before
# its end (scancel --signal=TERM, what Slurm does at --signal=TERM@N before the time limit) writes
# its checkpoint and exits 0 without a model; the same script resubmitted with the same OUT
# resumes from the checkpoint, and its final weights equal an uninterrupted run's bitwise.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(work_dir resubmit)
export EXTRA_OPTIONS=$PHYNN_SOURCE_DIR/tests/slurm/nls_resume.opts THRESHOLD='rel_l2[|h|]=10'
script=$PHYNN_SOURCE_DIR/jobs/nls_full.sbatch
# theta only: the file's /training group holds the run's options and timings, which differ
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }

# 1. The uninterrupted run.
full=$(OUT=$work/full submit full "$script" --ntasks=2 --cpus-per-task=1 --time=5)
check_model "$work/full/model.nc"
weights "$work/full/model.nc" > "$work/full.txt"
[ -s "$work/full.txt" ] || fail "no theta in $work/full/model.nc"

# 2. The same job, signalled once training runs (its loss log has 20 rows: 200 iterations).
OUT=$work/part timeout 150 sbatch --wait --parsable --chdir="$PHYNN_SOURCE_DIR" --output="$work/part-%j.out" --ntasks=2 --cpus-per-task=1 --time=5 \
  "$script" > "$work/part.jobid" &
waiter=$!
# (up to 140 s: the job may wait in the queue behind the other tests' jobs)
training() { [ -f "$work/part/loss.csv" ] && [ "$(wc -l < "$work/part/loss.csv")" -gt 20 ]; }
for _ in $(seq 1 1400); do
  training && break
  kill -0 $waiter 2> /dev/null || break
  sleep 0.1
done
job=$(cat "$work/part.jobid")
job=${job%%;*}
[ -n "$job" ] || fail "sbatch printed no job id"
if ! training && kill -0 $waiter 2> /dev/null; then
  squeue >&2 || true
  scancel "$job" || true
  fail "job $job did not start training within 140 s (squeue above)"
fi
# Without --batch/--full scancel signals the job's steps (the srun-launched ranks), not the batch
# shell: the script goes on after the training step ends and says to resubmit, as at a time limit.
scancel --signal=TERM "$job" || fail "scancel --signal=TERM $job failed"
rc=0
wait $waiter || rc=$?
log=$work/part-$job.out
cat "$log"
((rc == 0)) || fail "the signalled job $job did not exit cleanly (sbatch --wait: $rc)"
[ ! -f "$work/part/model.nc" ] || fail "the signal came after the training's end (the machine is too fast for this test: raise -max_it in tests/slurm/nls_resume.opts)"
grep -q '^stopped by a signal at iteration' "$log" || fail "the job log has no 'stopped by a signal' line"
grep -q '^stopped before the end; resubmit' "$log" || fail "the job script did not say to resubmit"
[ -f "$work/part/checkpoint.nc" ] || fail "the signalled job wrote no checkpoint"
stopped=$(sed -n 's/^stopped by a signal at iteration \([0-9]*\);.*/\1/p' "$log")

# 3. Resubmitted: resumes from the checkpoint and finishes.
again=$(OUT=$work/part submit again "$script" --ntasks=2 --cpus-per-task=1 --time=5)
grep -q "^resumed from $work/part/checkpoint.nc at iteration $stopped\$" "$work/again-$again.out" ||
  fail "the resubmitted job did not resume from the checkpoint at iteration $stopped: $(grep -i resum "$work/again-$again.out")"
check_model "$work/part/model.nc"
check_validation "$work/part/report"
weights "$work/part/model.nc" > "$work/part.txt"
cmp -s "$work/full.txt" "$work/part.txt" || fail "weights after signal + resubmit differ from the uninterrupted run ($work/full.txt, $work/part.txt)"
cmp -s <(cut -d, -f1 "$work/full/loss.csv") <(cut -d, -f1 "$work/part/loss.csv") ||
  fail "the resumed loss log's iterations differ from the uninterrupted run's"
echo "ok   signalled at iteration $stopped (job $job), resubmitted (job $again): bitwise the same weights as the uninterrupted job $full"
