#!/usr/bin/env bats
# The loopback ssh hosts that the distribution tests run on: real sshd, keys only.
load helper
load sshd

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    command -v /usr/sbin/sshd >/dev/null || skip "sshd not installed (scripts/install-deps installs it)"
    [ "$(id -u)" = 0 ] || skip "the loopback sshd tests run as root (CI does)"
}

teardown() {
    stop_hosts "$T/hosts"
    rm -rf "$T"
}

@test "three loopback hosts answer over ssh with key authentication, each with its own environment" {
    start_hosts 3 "$T/hosts"
    for i in 1 2 3; do
        run ssh -F "$T/hosts/ssh_config" "h$i" 'echo $RAIKO_HOST; command -v raiko-verify'
        assert_success
        assert_line --index 0 "h$i"
        assert_line --index 1 "$RAIKO_BIN/raiko-verify"
    done
    # password authentication is refused
    run ssh -F "$T/hosts/ssh_config" -o PubkeyAuthentication=no -o PreferredAuthentications=password h1 true
    assert_failure 255   # ssh: connection or authentication refused
}

@test "GNU parallel runs raiko tools across the hosts, transferring files both ways" {
    start_hosts 2 "$T/hosts"
    mkdir "$T/job" && cd "$T/job"
    for i in 1 2 3 4; do mkfile 1 $((i * 1000)) "seg-$i.rseg"; done
    run parallel --ssh "ssh -F $T/hosts/ssh_config" -S 1/h1,1/h2 --wd ... \
        --transferfile {} --return {.}.info --cleanup \
        'raiko-verify --info {} > {.}.info; echo $RAIKO_HOST' ::: seg-*.rseg
    assert_success
    assert_output --partial h1
    assert_output --partial h2
    for i in 1 2 3 4; do
        grep -q "seg-$i.rseg: segment" "seg-$i.info"
    done
}

@test "a killed host stops answering" {
    start_hosts 2 "$T/hosts"
    kill_host "$T/hosts" 1
    run ssh -F "$T/hosts/ssh_config" h1 true
    assert_failure 255   # ssh: connection or authentication refused
    run ssh -F "$T/hosts/ssh_config" h2 true
    assert_success
}
