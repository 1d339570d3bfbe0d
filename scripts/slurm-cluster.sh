#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for the sweep tests (tests/cluster) and for trying
# `luthier-cli sweep run --slurm` by hand. Runs as root: munged, slurmctld and slurmd (Debian 12: Slurm 22.05),
# every file (key, slurm.conf, state, logs, pid files, munge socket) inside STATE_DIR, nothing in /etc.
#
#   scripts/slurm-cluster.sh start [STATE_DIR]      # prints the SLURM_CONF line to export
#   scripts/slurm-cluster.sh stop [STATE_DIR]       # cancels every job, stops the daemons
#   scripts/slurm-cluster.sh kill-slurmd [STATE_DIR]  # SIGKILL slurmd only (a node failing mid-sweep)
#   scripts/slurm-cluster.sh start-slurmd [STATE_DIR] # bring the node back
#
# What works on a plain Debian 12 machine without systemd or cgroups: ProctrackType=proctrack/linuxproc,
# TaskPlugin=task/none, no accounting storage (so sacct has nothing; squeue is what the executor follows).
set -euo pipefail

command=${1:-}
state=${2:-/tmp/luthier-slurm}
conf=$state/slurm.conf
host=$(hostname -s)
# Ports away from Slurm's defaults, so that a real slurmctld on the machine is never disturbed.
ctld_port=16817
slurmd_port=16818

die() {
  echo "slurm-cluster: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null && return 0
  echo "slurm-cluster: $1 is not installed (scripts/deps.sh installs slurmctld, slurmd, slurm-client, munge)" >&2
  return 1
}

pid_of() { # the pid in FILE when that process is alive (a killed process not yet reaped, state Z, is not)
  [ -f "$1" ] || return 1
  local pid
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  echo "$pid"
}

stop_pid_file() {
  local pid
  if pid=$(pid_of "$1"); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

wait_for_node() { # until the node takes jobs (idle, mixed or allocated) and responds (no '*')
  for _ in $(seq 150); do
    case "$(SLURM_CONF=$conf sinfo -h -n "$host" -o %T 2>/dev/null)" in
      *\*) ;;
      idle* | mixed* | allocated* | completing*) return 0 ;;
    esac
    SLURM_CONF=$conf scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
    sleep 0.2
  done
  die "node $host did not come up; see $state/slurmd.log and $state/slurmctld.log"
}

start_slurmd() {
  pid_of "$state/slurmd.pid" >/dev/null && return 0
  rm -f "$state/slurmd.pid"
  slurmd -f "$conf"
  # slurmd forks into the background: it is up once it has written its pid file.
  for _ in $(seq 100); do pid_of "$state/slurmd.pid" >/dev/null && break; sleep 0.1; done
  pid_of "$state/slurmd.pid" >/dev/null || die "slurmd did not start; see $state/slurmd.log"
  wait_for_node
}

write_conf() {
  cat >"$conf" <<EOF
ClusterName=luthier-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmdTimeout=30
MinJobAge=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

case "$command" in
  start)
    # Exit status 77 (ctest's "skipped", SKIP_RETURN_CODE): this machine cannot host the cluster at all.
    [ "$(id -u)" -eq 0 ] || { echo "slurm-cluster: run as root (slurmd starts jobs as their users)" >&2; exit 77; }
    for p in munged slurmctld slurmd sbatch squeue; do need "$p" || exit 77; done
    mkdir -p "$state/ctld" "$state/slurmd"
    chmod 700 "$state"
    [ -f "$state/munge.key" ] || { head -c 1024 /dev/urandom >"$state/munge.key"; chmod 400 "$state/munge.key"; }
    write_conf
    if ! pid_of "$state/munged.pid" >/dev/null; then
      munged --socket="$state/munge.socket" --key-file="$state/munge.key" --pid-file="$state/munged.pid" \
        --log-file="$state/munged.log" --seed-file="$state/munge.seed" --force
    fi
    if ! pid_of "$state/slurmctld.pid" >/dev/null; then
      slurmctld -f "$conf"
      for _ in $(seq 100); do SLURM_CONF=$conf scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.1; done
    fi
    start_slurmd
    echo "export SLURM_CONF=$conf"
    ;;
  stop)
    [ -f "$conf" ] || exit 0
    # Jobs first, while the daemons can still end them, so that no job step outlives the cluster.
    if pid_of "$state/slurmctld.pid" >/dev/null; then
      pid_of "$state/slurmd.pid" >/dev/null || slurmd -f "$conf" || true
      SLURM_CONF=$conf scancel --full --quiet --user=root 2>/dev/null || true
      for _ in $(seq 100); do
        [ -z "$(SLURM_CONF=$conf squeue -h -o %i 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
    stop_pid_file "$state/slurmd.pid"
    stop_pid_file "$state/slurmctld.pid"
    stop_pid_file "$state/munged.pid"
    ;;
  kill-slurmd)
    pid=$(pid_of "$state/slurmd.pid") || die "slurmd is not running"
    kill -9 "$pid"
    # SIGKILL is delivered asynchronously: return once the process is gone, so a start-slurmd right after
    # this starts a new one instead of finding the dying one.
    for _ in $(seq 100); do pid_of "$state/slurmd.pid" >/dev/null || break; sleep 0.05; done
    ;;
  start-slurmd)
    start_slurmd
    ;;
  *)
    die "usage: slurm-cluster.sh start|stop|kill-slurmd|start-slurmd [STATE_DIR]"
    ;;
esac
