# slurm_local.sh: a one-node Slurm cluster in a temporary directory, for t_slurm.sh (see
# ../shared/spec/slurm-local.md): munged with its own key and socket, slurmctld and slurmd
# on free ports, on 127.0.0.1 (no name lookup needed), all state and logs in the directory.
# Started and stopped by pid only.
#   slurm_start DIR   starts it; exports SLURM_CONF; returns non-zero if it did not come up
#   slurm_stop DIR    stops every daemon it started (by the pids in DIR/run), then munged

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

slurm_start() {
    d=$1 host=$(hostname -s)
    mkdir -p "$d/munge" "$d/run" "$d/spool" "$d/state" "$d/log"
    chmod 755 "$d"
    chown munge:munge "$d/munge" && chmod 755 "$d/munge" || return
    head -c 1024 /dev/urandom > "$d/munge/munge.key"
    chown munge:munge "$d/munge/munge.key" && chmod 400 "$d/munge/munge.key"
    runuser -u munge -- /usr/sbin/munged --key-file="$d/munge/munge.key" --socket="$d/munge/munge.socket" \
        --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" --seed-file="$d/munge/munged.seed" \
        || { cat "$d/munge/munged.log"; return 1; }
    mem=$(awk '/MemTotal/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
    cat > "$d/slurm.conf" <<CONF
ClusterName=test
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmdSpoolDir=$d/spool
StateSaveLocation=$d/state
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$d/slurm.conf
    /usr/sbin/slurmctld -f "$SLURM_CONF" || return
    /usr/sbin/slurmd -f "$SLURM_CONF" || return
    for _ in $(seq 100); do
        [ "$(sinfo -h -o %t 2> /dev/null)" = idle ] && return 0
        sleep 0.2
    done
    echo "the Slurm node never became idle: $(sinfo 2>&1)"; tail -5 "$d/log/slurmctld.log" "$d/log/slurmd.log"
    return 1
}

# Stops a daemon by the pid in FILE and waits (up to 10 s) until it is gone.
stop_pid() {
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    kill "$pid" 2> /dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$pid" 2> /dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2> /dev/null
}

slurm_stop() {
    stop_pid "$1/run/slurmd.pid"
    stop_pid "$1/run/slurmctld.pid"
    stop_pid "$1/munge/munged.pid"
}
