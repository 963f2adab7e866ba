# t/sshd.bash - real sshd instances on loopback for the distribution tests.
#
# start_hosts N DIR: starts N sshd processes on 127.0.0.1 (free ports), with a
# temporary host key, a temporary client key, key authentication only, and
# writes DIR/ssh_config with hosts h1..hN.  Each host gets SetEnv PATH from
# HOST_PATH_<i> (default: the built tools first), so a test can give one host a
# faulty tool.  HOST_CWD_<i> makes host i run every command in that directory
# instead of the home directory (a home shared with this machine: the same
# relative paths name the same files).  Nothing outside this machine is contacted.
# stop_hosts DIR: stops them.  kill_host DIR I: kills host I's sshd (and its sessions).

. "$(dirname "${BASH_SOURCE[0]}")/ports.bash"

start_hosts() {
    local n=$1 d=$2 i port
    mkdir -p "$d" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" </dev/null
    ssh-keygen -q -t ed25519 -N '' -f "$d/clientkey" </dev/null
    cp "$d/clientkey.pub" "$d/authorized_keys"
    chmod 600 "$d/authorized_keys" "$d/clientkey"
    : >"$d/ssh_config"
    for i in $(seq "$n"); do
        port=$(free_port) || return 1
        local path_var="HOST_PATH_$i"
        local hpath=${!path_var:-$RAIKO_BIN:$top/scripts:/usr/local/bin:/usr/bin:/bin}
        cat >"$d/sshd_$i.conf" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $d/hostkey
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd_$i.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
SetEnv PATH=$hpath RAIKO_HOST=h$i
MaxStartups 50
MaxSessions 50
CONF
        local cwd_var="HOST_CWD_$i"
        [ -n "${!cwd_var:-}" ] && echo "ForceCommand cd ${!cwd_var} && eval \"\$SSH_ORIGINAL_COMMAND\"" >>"$d/sshd_$i.conf"
        /usr/sbin/sshd -f "$d/sshd_$i.conf" -E "$d/sshd_$i.log" || return 1
        cat >>"$d/ssh_config" <<CONF
Host h$i
  HostName 127.0.0.1
  Port $port
  User $(id -un)
  IdentityFile $d/clientkey
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
  ConnectTimeout 5
CONF
    done
    # wait until every host answers (a loaded machine can take seconds)
    local ok
    for i in $(seq "$n"); do
        ok=0
        for _ in $(seq 150); do
            ssh -F "$d/ssh_config" "h$i" true 2>/dev/null && { ok=1; break; }
            sleep 0.2
        done
        [ $ok = 1 ] || { echo "sshd h$i did not answer: $(tail -3 "$d/sshd_$i.log")" >&2; return 1; }
    done
}

kill_host() {
    local d=$1 i=$2 pid
    pid=$(cat "$d/sshd_$i.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null
    # its running sessions too: they are the sshd children serving h$i's port
    pkill -P "$pid" 2>/dev/null || true
    return 0
}

stop_hosts() {
    local d=$1 f
    for f in "$d"/sshd_*.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    return 0
}
