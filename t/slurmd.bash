# t/slurmd.bash - a real single-node Slurm cluster on this machine for the
# scheduler tests: munged, slurmctld and slurmd from Debian's packages, all
# with a temporary configuration, state directory and munge key under DIR,
# on free loopback ports; nothing outside this machine is contacted.
#
# start_slurm DIR: starts them and waits until the node is idle; exports
#   SLURM_CONF so that sbatch, squeue, scontrol, sacct ... talk to this cluster.
#   The node has SLURM_TEST_GPUS (default 2) fake GPUs: gres "gpu" backed by
#   character devices DIR/gpu<i> (copies of /dev/null) (there is no GPU here), so --gres=gpu:1 schedules
#   and Slurm sets CUDA_VISIBLE_DEVICES as it does on a GPU node.  No systemd,
#   no cgroups: proctrack/linuxproc and task/none.
# stop_slurm DIR: stops all three (by their pid files).
# Needs root (slurmd runs jobs as their users; munged wants its own files).

. "$(dirname "${BASH_SOURCE[0]}")/ports.bash"

start_slurm() {
    local d=$1 gpus=${SLURM_TEST_GPUS:-2} host cpus i files=""
    mkdir -p "$d/state" "$d/spool" "$d/munge" "$d/log"
    chmod 700 "$d/munge"
    host=$(hostname -s)
    cpus=$(nproc)
    # munge: a fresh key and a private socket (a munged already running here is left alone)
    dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$d/munge/munge.key"
    munged --force --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
        --pid-file="$d/munge/munged.pid" --log-file="$d/log/munged.log" --seed-file="$d/munge/seed" || return 1
    # Slurm wants character devices for gres files: copies of /dev/null
    for i in $(seq 0 $((gpus - 1))); do mknod "$d/gpu$i" c 1 3 || return 1; done
    local ctl_port slurmd_port
    ctl_port=$(free_port) && slurmd_port=$(free_port) || return 1
    cat >"$d/slurm.conf" <<CONF
ClusterName=raikotest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$d/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
ReturnToService=2
MinJobAge=600
SchedulerParameters=sched_interval=1,bf_interval=1
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Gres=gpu:$gpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    cat >"$d/gres.conf" <<CONF
NodeName=$host Name=gpu File=$d/gpu[0-$((gpus - 1))]
CONF
    # slurmd 22.05 initializes a cgroup plugin even with proctrack/linuxproc and task/none, and
    # fails where /sys/fs/cgroup is not mounted (a chroot, as fresh-debian-check's): the v1
    # plugin on an empty private directory is enough, and touches no cgroup of the machine
    mkdir -p "$d/cgroup"
    printf 'CgroupPlugin=cgroup/v1\nCgroupMountpoint=%s/cgroup\n' "$d" >"$d/cgroup.conf"
    export SLURM_CONF=$d/slurm.conf
    slurmctld -D -i -f "$d/slurm.conf" >>"$d/log/slurmctld.out" 2>&1 3>&- &
    slurmd -D -f "$d/slurm.conf" -N "$host" >>"$d/log/slurmd.out" 2>&1 3>&- &
    for i in $(seq 100); do
        sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle && return 0
        sleep 0.2
    done
    echo "slurm did not come up; logs in $d/log" >&2
    tail -n 5 "$d"/log/*.log "$d"/log/*.out >&2
    return 1
}

stop_slurm() {
    local d=$1 f p
    for f in slurmd.pid slurmctld.pid munge/munged.pid; do
        p=$(cat "$d/$f" 2>/dev/null) || continue
        kill "$p" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
    done
    return 0
}
