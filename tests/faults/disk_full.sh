#!/usr/bin/env bash
# A full disk while phynn writes, on a real filesystem that fills up: a small tmpfs.
#   1. a training run whose checkpoint no longer fits: one error line that says the disk is full,
#      a non-zero exit, the previous checkpoint intact under its name, no temporary file left,
#      no final model; after space is freed, -resume from that checkpoint ends with bitwise the
#      weights of an uninterrupted run;
#   2. a solver output written over an existing file on a full disk: the old file unchanged;
#   3. the live loss log on a full disk: the run stops with one line instead of reporting success;
#   4. a file-size limit (ulimit -f, EFBIG), the other way a write runs out of room.
# The tmpfs is mounted in a private mount namespace (unshare -rm: works for root and, where user
# namespaces are allowed, for other users), so nothing outside this script sees it and it goes
# away with the script.
# usage: disk_full.sh PHYNN
set -euo pipefail
phynn=$1
if [ -z "${PHYNN_IN_NAMESPACE:-}" ]; then
  PHYNN_IN_NAMESPACE=1 exec unshare -rm bash "$0" "$@" ||
    { echo "FAIL: cannot make a private mount namespace (unshare -rm) for the test tmpfs"; exit 1; }
fi
work=$(mktemp -d)
trap 'umount "$work/disk" 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"
mkdir disk
mount -t tmpfs -o size=2m tmpfs disk || { echo "FAIL: cannot mount a tmpfs in the private namespace"; exit 1; }
fail=0
say_fail() { echo "FAIL: $*"; fail=1; }
# theta only (the /training group holds each run's options)
weights() { ncdump -p 17,17 -v theta "$1" | sed -n '/^ theta =/,/;/p'; }
# one line on stderr, starting "phynn: error: cannot write", naming the full disk
check_error_line() {
  local what=$1 file=$2
  [ "$(wc -l < "$file")" -eq 1 ] && grep -q '^phynn: error: cannot write .*No space left on device.*free space' "$file" ||
    { say_fail "$what: expected one 'cannot write ... No space left on device' line, got:"; cat "$file"; }
}
no_temporaries() { ! ls -A "$1" | grep -q '\.tmp\.' || say_fail "$2: a temporary file was left behind: $(ls -A "$1" | grep '\.tmp\.')"; }

# 1. The checkpoint stops fitting in the middle of a run.
opts=(-n_f 300 -n_0 40 -n_b 40 -layers 2,16,16,1 -max_it 4000 -lbfgs_it 0 -seed 3 -quiet -progress_s 100)
"$phynn" train pinn-heat "${opts[@]}" -o ref.nc > /dev/null
"$phynn" train pinn-heat "${opts[@]}" -checkpoint disk/ck.nc -checkpoint_every 50 -o disk/final.nc > run.out 2> run.err &
pid=$!
for _ in $(seq 1 1000); do [ -f disk/ck.nc ] && break; sleep 0.01; done
[ -f disk/ck.nc ] || { echo "FAIL: no first checkpoint appeared"; exit 1; }
dd if=/dev/zero of=disk/fill bs=4k 2> /dev/null || true # fills the tmpfs to the last block
rc=0
wait $pid || rc=$?
[ $rc -ne 0 ] || say_fail "the run went on with a full disk (exit 0)"
check_error_line "checkpoint on a full disk" run.err
[ ! -e disk/final.nc ] || say_fail "a final model was written although the run failed"
no_temporaries disk "checkpoint on a full disk"
it=$(ncdump -h disk/ck.nc | sed -n 's/.*:iteration = \([0-9]*\).*/\1/p')
[ -n "$it" ] && [ "$it" -ge 50 ] && [ "$it" -lt 4000 ] || say_fail "the previous checkpoint does not read back (iteration '$it')"
echo "     full disk after the checkpoint at iteration $it: $(cat run.err)"
rm disk/fill
"$phynn" train pinn-heat "${opts[@]}" -checkpoint disk/ck.nc -checkpoint_every 50 -resume disk/ck.nc -o disk/resumed.nc > /dev/null
cmp -s <(weights ref.nc) <(weights disk/resumed.nc) || say_fail "resuming the checkpoint kept through the full disk does not give the uninterrupted run's weights"
[ $fail -eq 0 ] && echo "ok   checkpoint on a full disk: one error line, checkpoint at iteration $it intact, resume bitwise equal"
rm -f disk/*

# 2. An output over an existing file: the old file stays as it was.
"$phynn" solve heat -nx 33 -nt 11 -o disk/heat.nc > /dev/null
cp disk/heat.nc heat_before.nc
dd if=/dev/zero of=disk/fill bs=4k 2> /dev/null || true
rc=0
"$phynn" solve heat -nx 257 -nt 201 -o disk/heat.nc > /dev/null 2> solve.err || rc=$?
[ $rc -ne 0 ] || say_fail "solve heat on a full disk exited 0"
check_error_line "solver output on a full disk" solve.err
cmp -s heat_before.nc disk/heat.nc || say_fail "the existing output file was changed by the failed write"
no_temporaries disk "solver output on a full disk"
[ $fail -eq 0 ] && echo "ok   solver output on a full disk: $(cat solve.err)"
rm -f disk/*

# 3. The live loss log (written row by row) stops fitting: the run stops with one line; it must
# not go on and report success with a log that ends early.
dd if=/dev/zero of=disk/fill bs=4k count=$(( (2048 - 64) / 4 )) 2> /dev/null
rc=0
"$phynn" train pinn-heat "${opts[@]}" -max_it 3000 -loss_log disk/log.csv -log_every 1 -o model.nc > /dev/null 2> log.err || rc=$?
[ $rc -ne 0 ] || say_fail "a run whose loss log hit a full disk exited 0"
[ "$(wc -l < log.err)" -eq 1 ] && grep -q '^phynn: error: cannot write the loss log .*No space left on device' log.err ||
  { say_fail "loss log on a full disk: expected one 'cannot write the loss log' line, got:"; cat log.err; }
[ ! -e model.nc ] || say_fail "a model was written by the run whose loss log failed"
[ $fail -eq 0 ] && echo "ok   loss log on a full disk: $(cat log.err)"
rm -f disk/*

# 4. A file-size limit: writes fail with EFBIG (SIGXFSZ ignored, so the write returns the error
# instead of killing the process, as on a batch system that enforces a file-size limit).
rc=0
(trap '' XFSZ; ulimit -f 4096; exec "$phynn" solve heat -nx 1025 -nt 1001 -o big.nc) > /dev/null 2> limit.err || rc=$?
[ $rc -ne 0 ] || say_fail "solve heat beyond the file-size limit exited 0"
[ "$(wc -l < limit.err)" -eq 1 ] && grep -q '^phynn: error: cannot write .*File too large' limit.err ||
  { say_fail "file-size limit: expected one 'cannot write ... File too large' line, got:"; cat limit.err; }
[ ! -e big.nc ] || say_fail "a file over the size limit was left under the final name"
no_temporaries . "file-size limit"
[ $fail -eq 0 ] && echo "ok   file-size limit: $(cat limit.err)"
exit $fail
