#!/usr/bin/env bats
# scripts/raiko-prove across real ssh hosts (loopback sshd, t/sshd.bash), with
# faults: a host that dies mid-run, a worker that returns a damaged receipt,
# an interrupted run resumed.  Every distributed result must equal, byte for
# byte, the receipt of a local run.
load helper
load sshd

fib=$top/guests/build/fib.elf

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    reference_run "$F/local"
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    [ "$(id -u)" = 0 ] || skip "the loopback sshd tests run as root (CI does)"
    [ -f "$F/local/run.ragg" ] || fail "the local reference run failed: $(cat "$F/local.log")"
    export PATH="$RAIKO_BIN:$top/scripts:$PATH"
    H=$T/hosts
}

teardown() {
    stop_hosts "$T/hosts"
    rm -rf "$T"
}

prove_on() {   # prove_on WORKDIR HOSTS... : raiko-prove on the given ssh hosts
    local w=$1; shift
    local s=(); for h in "$@"; do s+=(-S "1/$h"); done
    raiko-prove -w "$w" --po2 12 --input-item "$F/n150" --ssh "ssh -F $H/ssh_config" "${s[@]}" "$fib"
}

# a raiko-prove-seg for one host that misbehaves once, then works
fault_tool() {   # fault_tool DIR KIND   (KIND: corrupt | truncate | die HOSTNUM)
    mkdir -p "$1"
    cat >"$1/raiko-prove-seg" <<SH
#!/usr/bin/env bash
out=""; a=("\$@"); for ((i = 0; i < \${#a[@]}; i++)); do [ "\${a[i]}" = -o ] && out=\${a[i+1]}; done
if mkdir "$T/fault-done" 2>/dev/null; then
    case "$2" in
    die)  kill -9 \$(cat "$H/sshd_$3.pid") \$(pgrep -P "\$(cat "$H/sshd_$3.pid")") 2>/dev/null; sleep 30; exit 255 ;;
    corrupt) "$RAIKO_BIN/raiko-prove-seg" "\$@" || exit; printf '\\x55' | dd of="\$out" bs=1 seek=200 conv=notrunc status=none ;;
    truncate) "$RAIKO_BIN/raiko-prove-seg" "\$@" || exit; truncate -s 500 "\$out" ;;
    esac
    exit 0
fi
exec "$RAIKO_BIN/raiko-prove-seg" "\$@"
SH
    chmod +x "$1/raiko-prove-seg"
}

@test "distributed: segments proven on three ssh hosts give the local run's receipt, byte for byte" {
    start_hosts 3 "$H"
    run prove_on "$T/w" h1 h2 h3
    assert_success
    assert_output --partial "valid aggregate"
    assert_output --partial "(the whole run)"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
    # the jobs really ran remotely (the joblog names the hosts)
    grep -q 'h[123]' "$T/w/joblog"
    # one ssh connection per host and run (ControlMaster), not four per job
    for i in 1 2 3; do
        n=$(grep -c "Accepted publickey" "$H/sshd_$i.log")
        [ "$n" -le 3 ] || fail "h$i accepted $n ssh connections"
    done
    # and none is left open
    [ -z "$(ls /tmp/raiko-ssh.* 2>/dev/null)" ] || ! ls /tmp/raiko-ssh.*/* 2>/dev/null | grep -q .
}

@test "distributed: the README's step-by-step recipe, as written, on hosts sharing the home directory" {
    mkdir "$T/home"
    HOST_CWD_1=$T/home HOST_CWD_2=$T/home start_hosts 2 "$H"
    cd "$T/home"
    cp "$fib" guest.elf
    raiko-split --write-input block.rin --input-item "$F/n150"
    # the README's commands from "# or step by step:" to the blank line, its hosts renamed
    sed -n '/^    # or step by step:/,/^$/p' "$top/README.md" | sed 's/^    //; s/gpu1/h1/g; s/gpu2/h2/g' >recipe.sh
    grep -q 'parallel --sshlogin' recipe.sh || fail "no recipe found in README.md"
    PARALLEL_SSH="ssh -F $H/ssh_config" run bash -e recipe.sh
    assert_success
    refute_output --partial redo
    assert_output --partial "(the whole run)"
    # the segments and receipts survive the remote cleanup
    [ -f job/seg-00000.rseg ] && [ -f job/seg-00000.rrcpt ]
    raiko-verify --segment job/seg-00000.rseg job/seg-00000.rrcpt
}

@test "distributed: -j N gives each remote job 1/N of its host's cores, --gpus its GPU" {
    mkdir -p "$T/env"
    cat >"$T/env/raiko-prove-seg" <<SH
#!/usr/bin/env bash
echo "\${OMP_NUM_THREADS:-unset} \${CUDA_VISIBLE_DEVICES:-unset}" >>"$T/env.log"
exec "$RAIKO_BIN/raiko-prove-seg" "\$@"
SH
    chmod +x "$T/env/raiko-prove-seg"
    HOST_PATH_1="$T/env:$RAIKO_BIN:/usr/bin:/bin" start_hosts 1 "$H"
    run env -u OMP_NUM_THREADS raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --ssh "ssh -F $H/ssh_config" \
        -S h1 -j 2 --gpus 1 "$fib"
    assert_success
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
    want=$(( $(nproc) / 2 )); [ "$want" -ge 1 ] || want=1
    [ "$(sort -u "$T/env.log")" = "$want 0" ] || fail "jobs ran with: $(sort -u "$T/env.log")"
}

@test "distributed: a host that dies mid-run: its segments are retried elsewhere, same result" {
    fault_tool "$T/bad" die 1
    HOST_PATH_1="$T/bad:$RAIKO_BIN:/usr/bin:/bin" start_hosts 2 "$H"
    run prove_on "$T/w" h1 h2
    assert_success
    [ -d "$T/fault-done" ] || fail "the fault never fired"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
}

@test "distributed: a worker that returns a corrupted receipt: detected, re-proven, same result" {
    fault_tool "$T/bad" corrupt
    HOST_PATH_1="$T/bad:$RAIKO_BIN:/usr/bin:/bin" HOST_PATH_2="$T/bad:$RAIKO_BIN:/usr/bin:/bin" start_hosts 2 "$H"
    run prove_on "$T/w" h1 h2
    assert_success
    [ -d "$T/fault-done" ] || fail "the fault never fired"
    assert_output --partial "does not check out (raiko-verify: "
    assert_output --partial "): proving seg-"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
}

@test "distributed: a worker that returns a truncated receipt: detected, re-proven, same result" {
    fault_tool "$T/bad" truncate
    HOST_PATH_1="$T/bad:$RAIKO_BIN:/usr/bin:/bin" HOST_PATH_2="$T/bad:$RAIKO_BIN:/usr/bin:/bin" start_hosts 2 "$H"
    run prove_on "$T/w" h1 h2
    assert_success
    assert_output --partial "does not check out (raiko-verify: "
    assert_output --partial "): proving seg-"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
}

@test "distributed: an interrupted run, rerun, reuses the finished receipts and gives the same result" {
    # first attempt, without retries: every job that lands on h2 fails (h2 lacks the tools)
    mkdir "$T/none"
    HOST_PATH_2="$T/none:/usr/bin:/bin" start_hosts 2 "$H"
    run raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --retries 0 --ssh "ssh -F $H/ssh_config" \
        -S 1/h1 -S 1/h2 "$fib"
    assert_failure 1
    assert_output --partial "no valid receipt for"
    good=""
    for r in "$T"/w/split/*.rrcpt; do
        [ -f "$r" ] && raiko-verify -q --segment "${r%.rrcpt}.rseg" "$r" && good="$good $r"
    done
    [ -n "$good" ] || fail "no valid receipt survived the first attempt"
    for r in $good; do stat -c '%n %Y %i' "$r"; done >"$T/before"
    sleep 1
    # the rerun, on the working host only: the survivors are kept, the rest proven
    run prove_on "$T/w" h1
    assert_success
    for r in $good; do stat -c '%n %Y %i' "$r"; done >"$T/after"
    cmp "$T/before" "$T/after" || fail "a finished receipt was proven again"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
}

@test "distributed: usage errors exit 2" {
    run raiko-prove
    assert_failure 2
    run raiko-prove --fan-in 1 "$fib"
    assert_failure 2
    assert_output --partial "fan-in"
    run raiko-prove "$T/nope.elf"
    assert_failure 2
    assert_output --partial "no such file"
}
