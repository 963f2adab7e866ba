# t/ports.bash - sourced by t/sshd.bash and t/slurmd.bash (and bench/dist.sh through sshd.bash).

# free_port: a TCP port nobody listens on at 127.0.0.1 now (for the test daemons)
free_port() {
    local p
    for _ in $(seq 50); do
        p=$(( 20000 + RANDOM % 20000 ))
        (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return 0; }
    done
    return 1
}
