#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the slurm test tier: munged, slurmctld and slurmd
# from Debian's slurm-wlm, started directly (no systemd), everything (configuration, key, sockets,
# state, spool, logs) under one directory, so nothing in /etc or /run is touched and a second
# checkout's cluster cannot collide with this one (free ports are picked at start).
#
#   cluster.sh start DIR     writes DIR/slurm.conf, starts the daemons, waits for the node idle
#   cluster.sh stop DIR      cancels what is left in the queue, stops the three daemons
#
# Clients find the cluster through SLURM_CONF=DIR/slurm.conf (the tier's tests have it set).
# start fails, with the reason, when the cluster cannot come up: a tier that cannot run must not
# pass.
set -euo pipefail
action=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export SLURM_CONF=$dir/slurm.conf

say() { echo "cluster.sh: $*"; }
fail() {
  say "FAIL: $*" >&2
  exit 1
}

# The daemons' logs, shown when something does not come up: the reason is almost always there.
show_logs() {
  for f in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -f "$f" ] && { echo "---- last lines of $f"; tail -n 15 "$f"; }
  done >&2
}

stop_pidfile() { # stop_pidfile NAME FILE: SIGTERM to the pid in FILE, SIGKILL after 10 s
  local name=$1 file=$2 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name ($pid) ignored SIGTERM for 10 s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name ($pid)"
  fi
  rm -f "$file"
}

stop() {
  # Jobs first: slurmstepd outlives slurmd, so a job left running would keep its ranks alive.
  if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    if [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
      say "cancelling the jobs still in the queue: $(squeue -h -o %i | tr '\n' ' ')"
      scancel --full --user="$(id -un)" 2>/dev/null || true
      for _ in $(seq 1 150); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
    fi
  fi
  stop_pidfile slurmd "$dir/slurmd.pid"
  stop_pidfile slurmctld "$dir/slurmctld.pid"
  stop_pidfile munged "$dir/munged.pid"
}

free_port() { # a TCP port nobody listens on now (the daemons bind it a second later)
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  for exe in munged mungekey slurmctld slurmd sinfo sbatch scancel squeue; do
    command -v "$exe" > /dev/null || fail "$exe not found: the slurm tier needs Debian's slurm-wlm and munge (scripts/install-deps.sh installs them; PHYNN_SKIP_SLURM=1 scripts/test.sh skips the tier locally)"
  done
  # A cluster left by an earlier run that did not reach its cleanup (killed ctest) goes first.
  stop
  rm -rf "$dir"/state "$dir"/spool
  mkdir -p "$dir"/state "$dir"/spool "$dir"/munge
  # munged refuses a key or socket directory others can write to; the build tree may be 0775.
  chmod 0700 "$dir"/munge

  local socket=$dir/munge/munge.socket
  # A Unix socket's path has at most 107 bytes; a deep build directory would fail obscurely.
  ((${#socket} < 100)) || fail "the munge socket path $socket is too long for a Unix socket: use a shorter build directory"

  say "munged: key and daemon in $dir/munge"
  mungekey --create --force --keyfile="$dir/munge/munge.key" 2> "$dir/mungekey.log" ||
    { cat "$dir/mungekey.log" >&2; fail "mungekey could not create a key"; }
  chmod 0400 "$dir/munge/munge.key"
  # --force: as root in a container munged finds directories it does not trust (/ owned by
  # another uid, group-writable paths) and would refuse to start; the key is ours and 0400.
  munged --force --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" ||
    { show_logs; fail "munged did not start"; }
  echo test | munge --socket="$socket" | unmunge --socket="$socket" > /dev/null ||
    { show_logs; fail "munge does not work: a credential made by munged could not be decoded"; }

  local host cpus ctld_port slurmd_port
  host=$(hostname -s)
  # nproc counts OMP_NUM_THREADS (1 in the tests' environment) as the limit: drop it to get the
  # CPUs this process may run on.
  cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  say "slurm.conf: node $host with $cpus CPUs, slurmctld on port $ctld_port, slurmd on port $slurmd_port"
  # Container settings: no cgroups (none is mounted for us, and no systemd), so processes are
  # tracked by parent pid (proctrack/linuxproc) and not pinned (task/none); root runs everything.
  # select/cons_tres with CR_CPU: jobs share the node by CPUs, so small jobs can run side by side.
  # MpiDefault=pmix: srun starts Open MPI ranks that find each other through PMIx (with "none"
  # every rank would be a separate 1-rank MPI job). KillWait: a job past its limit or cancelled
  # gets SIGTERM, then SIGKILL this many seconds later (phynn needs well under a second).
# MinJobAge=4: sbatch --wait polls every 2 s while that is under MinJobAge/2, and 4x slower
# each time otherwise (up to 32 s), so the default 300 would add half a minute to a job's wait.
# EnforcePartLimits=ALL: a job that asks for more than the node has is refused at sbatch, at once,
# instead of pending for ever (a test would only see its timeout).
  cat > "$SLURM_CONF" << EOF
# Generated by tests/slurm/cluster.sh for the slurm test tier; do not edit (rewritten at start).
ClusterName=phynn-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=pmix
SchedulerType=sched/backfill
ReturnToService=2
EnforcePartLimits=ALL
KillWait=10
MinJobAge=4
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

  say "slurmctld"
  # -i: ignore state files (there are none: a fresh cluster each time); no -D: it daemonises.
  slurmctld -i -f "$SLURM_CONF" || { show_logs; fail "slurmctld did not start"; }
  say "slurmd"
  slurmd -f "$SLURM_CONF" || { show_logs; fail "slurmd did not start"; }

  # The node registers within a few seconds; 60 s is the limit on a loaded machine.
  local state=""
  for _ in $(seq 1 300); do
    state=$(sinfo -h -n "$host" -o %T 2> /dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
  done
  if [ "$state" != idle ]; then
    show_logs
    sinfo -N -l >&2 || true
    fail "the node $host is '${state:-not listed}' after 60 s, not idle"
  fi
  say "up: $(sinfo -h -o '%P %D node(s) %c CPUs %T')"
}

case $action in
start) start ;;
stop) stop ;;
*) fail "unknown action '$action' (start or stop)" ;;
esac
