#!/usr/bin/env bash
# One rank of a 2-rank training run killed with SIGKILL (a node lost, the OOM killer):
#   - the whole job ends within 30 s (the other rank must not hang in MPI_Allreduce), with the
#     launcher's message naming the rank and the signal;
#   - the last checkpoint is intact under its name (checkpoints are written to a temporary name
#     and renamed, so a kill in the middle of a write leaves the previous one);
#   - -resume from it ends with bitwise the weights of an uninterrupted run, exactly as after a
#     SIGTERM stop at that checkpoint.
# Rank 0 is the victim: it is the rank that writes the checkpoints, so the kill can land in the
# middle of a write (-checkpoint_every 5 makes that likely).
# usage: rank_killed.sh PHYNN MPIEXEC
set -euo pipefail
phynn=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
limit_s=30

opts=(-n_f 300 -n_0 40 -n_b 40 -layers 2,16,16,1 -max_it 4000 -lbfgs_it 50 -seed 3 -quiet -progress_s 100)
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }
"$mpiexec" -n 2 "$phynn" train pinn-heat "${opts[@]}" -o ref.nc > /dev/null

"$mpiexec" -n 2 "$phynn" train pinn-heat "${opts[@]}" -checkpoint ck.nc -checkpoint_every 5 -o killed.nc > run.out 2>&1 &
pid=$!
for _ in $(seq 1 1000); do [ -f ck.nc ] && break; sleep 0.01; done
[ -f ck.nc ] || { echo "FAIL: no checkpoint appeared"; exit 1; }
sleep 0.3
# rank 0 is the first process mpiexec started: the lowest pid among its phynn children
victim=$(pgrep -P $pid -x phynn | sort -n | head -n 1)
[ -n "$victim" ] || { echo "FAIL: no rank to kill"; exit 1; }
t0=$(date +%s.%N)
kill -KILL "$victim"
# wait for the job, but never longer than the limit: a hung rank fails the test, not the suite
for _ in $(seq 1 $((limit_s * 10))); do kill -0 $pid 2> /dev/null || break; sleep 0.1; done
if kill -0 $pid 2> /dev/null; then
  pkill -KILL -P $pid phynn || true; kill -KILL $pid || true
  echo "FAIL: the job was still running $limit_s s after one rank was killed"; cat run.out; exit 1
fi
rc=0
wait $pid || rc=$?
elapsed=$(echo "$(date +%s.%N) - $t0" | bc)
[ $rc -ne 0 ] || { echo "FAIL: the job exited 0 after a rank was killed"; exit 1; }
grep -q 'exited on signal 9' run.out || { echo "FAIL: no message naming the killed rank:"; cat run.out; exit 1; }
[ ! -e killed.nc ] || { echo "FAIL: a final model was written by a job that lost a rank"; exit 1; }
it=$(ncdump -h ck.nc | sed -n 's/.*:iteration = \([0-9]*\).*/\1/p')
[ -n "$it" ] && [ "$it" -ge 5 ] || { echo "FAIL: the checkpoint does not read back (iteration '$it')"; exit 1; }
printf '     the job ended %.2f s after rank 0 was killed (exit %d): %s\n' "$elapsed" $rc "$(grep 'exited on signal' run.out | sed 's/^ *//')"

"$mpiexec" -n 2 "$phynn" train pinn-heat "${opts[@]}" -checkpoint ck.nc -checkpoint_every 5 -resume ck.nc -o resumed.nc > /dev/null
cmp -s <(weights ref.nc) <(weights resumed.nc) || { echo "FAIL: resuming after the kill does not give the uninterrupted run's weights"; exit 1; }
echo "ok   rank 0 killed at about iteration $it: job ended in $(printf %.1f "$elapsed") s, checkpoint intact, resume bitwise equal"
