#!/usr/bin/env bats
# scripts/raiko-spool: workers sharing one spool directory.  Two workers run
# at once, one dies mid-proof (its whole process group, as when its host
# dies); its claim must expire and be proven by the other, every segment must
# be published exactly once, and the aggregate must equal, byte for byte, the
# receipt of a local run.
load helper

fib=$top/guests/build/fib.elf

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    reference_run "$F/local"
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    export PATH="$RAIKO_BIN:$top/scripts:$PATH"
    [ -f "$F/local/run.ragg" ] || fail "the local reference run failed: $(cat "$F/local.log")"
    S=$T/spool
    pids=()
}

teardown() {
    local p
    for p in "${pids[@]+"${pids[@]}"}"; do kill -- -"$p" 2>/dev/null; done
    rm -rf "$T"
}

# tool DIR MODE: a raiko-prove-seg that records each call in $T/calls and then
# hang: hangs for ever on its first call (a worker to kill mid-proof)
# slow: takes 8 s (twice the lease timeout) before proving
# bad: damages its receipt
# race: before proving, another worker "publishes" seg-00000 (the local run's receipt)
tool() {
    mkdir -p "$1"
    cat >"$1/raiko-prove-seg" <<SH
#!/usr/bin/env bash
echo "\$\$ \$*" >>"$T/calls"
out=""; a=("\$@"); for ((i = 0; i < \${#a[@]}; i++)); do [ "\${a[i]}" = -o ] && out=\${a[i+1]}; done
case $2 in
hang) mkdir "$T/hung" 2>/dev/null && { sleep 300; exit 1; } ;;
slow) sleep 8 ;;
race) case "\$*" in *seg-00000.rseg*) cp "$F/local/split/seg-00000.rrcpt" "$S/done/seg-00000.rrcpt.x" && mv "$S/done/seg-00000.rrcpt.x" "$S/done/seg-00000.rrcpt" ;; esac ;;
bad) "$RAIKO_BIN/raiko-prove-seg" "\$@" || exit; printf '\\x55' | dd of="\$out" bs=1 seek=300 conv=notrunc status=none; exit 0 ;;
esac
exec "$RAIKO_BIN/raiko-prove-seg" "\$@"
SH
    chmod +x "$1/raiko-prove-seg"
}

worker() {   # worker NAME PATHPREFIX ARGS...: a spool worker in its own process group
    local name=$1 pre=$2; shift 2
    PATH="$pre:$PATH" setsid raiko-spool --id "$name" --loop --interval 1 --lease-timeout 4 "$@" "$S" \
        >"$T/$name.out" 2>&1 3>&- &
    pids+=($!)
}

wait_for() {   # wait_for SECONDS TEST...
    local n=$1; shift
    for _ in $(seq $((n * 5))); do "$@" && return 0; sleep 0.2; done
    return 1
}

published_once() {   # every segment published exactly once, in all the logs together
    local s
    for s in 0 1 2; do
        [ "$(cat "$S"/log/*.log | grep -c "published seg-0000$s.rrcpt")" = 1 ] || fail "seg-0000$s published $(cat "$S"/log/*.log | grep -c "published seg-0000$s.rrcpt") times: $(cat "$S"/log/*.log)"
    done
    [ "$(ls "$S/done"/*.rrcpt | wc -l)" = 3 ]
    [ -z "$(find "$S/incoming" "$S/claimed" "$S/leases" -mindepth 1)" ] || fail "left over: $(find "$S/incoming" "$S/claimed" "$S/leases" -mindepth 1)"
    for s in 0 1 2; do raiko-verify -q --segment "$S/done/seg-0000$s.rseg" "$S/done/seg-0000$s.rrcpt"; done
}

@test "spool usage: errors are one line with exit 2; --help and the man page" {
    run raiko-spool "$T/nothing"
    assert_failure 2
    assert_output "raiko-spool: $T/nothing: not a spool directory (no incoming/; raiko-spool --add makes one)"
    run raiko-spool --lease-timeout x "$T"
    assert_failure 2
    assert_output "raiko-spool: not a number: x"
    run raiko-spool --id 'a b' "$T"
    assert_failure 2
    assert_one_line
    run raiko-spool --add "$S" "$T/missing.rseg"
    assert_failure 2
    assert_output "raiko-spool: $T/missing.rseg: no such file"
    "$top/scripts/mkman" "$top/scripts/raiko-spool" "$T"
    grep -q '^raiko-spool \\- Prove the segments of a spool directory shared by many hosts' "$T/raiko-spool.1"
}

@test "spool: two workers, one killed mid-proof: its claim expires, each segment is published once, the aggregate is the local run's" {
    raiko-spool -q --add "$S" "$F/local/split"
    run raiko-spool --status "$S"
    assert_output "$S: 3 waiting, 0 claimed, 0 done"
    tool "$T/a" hang
    worker a "$T/a"
    wait_for 30 test -d "$T/hung" || fail "worker a never started proving: $(cat "$T/a.out")"
    worker b "$RAIKO_BIN"
    sleep 1
    # a dies with its prover, as with its host: nothing is cleaned up
    kill -9 -- -"${pids[0]}"
    wait_for 120 test -f "$S/run.ragg" || fail "no run.ragg: $(cat "$S"/log/*.log)"
    cmp "$S/run.ragg" "$F/local/run.ragg"
    grep -q "reclaimed seg-0000.\.rseg: lease of a [0-9]* .* not renewed" "$S/log/b.log"
    published_once
    grep -q 'published' "$S/log/b.log"
    ! grep -q 'published' "$S/log/a.log"
}

@test "spool: a slow prover keeps its claim by renewing its lease; two workers share the segments" {
    raiko-spool -q --add "$S" "$F/local/split"
    tool "$T/a" slow
    worker a "$T/a"
    wait_for 30 grep -qs claimed "$S/log/a.log" || fail "worker a never claimed: $(cat "$T/a.out")"
    worker b "$RAIKO_BIN"
    wait_for 120 test -f "$S/run.ragg" || fail "no run.ragg: $(cat "$S"/log/*.log)"
    cmp "$S/run.ragg" "$F/local/run.ragg"
    # a's proof took longer than the lease timeout, yet nobody took it from a
    ! grep -q reclaimed "$S"/log/*.log
    grep -q published "$S/log/a.log"
    published_once
}

@test "spool: one pass per call (cron): --max, a damaged receipt is never published, a finished run is left alone" {
    raiko-spool -q --add "$S" "$F/local/split"
    tool "$T/bad" bad
    run env PATH="$T/bad:$PATH" raiko-spool --id c "$S"
    assert_failure 1
    assert_output --partial "seg-00000.rseg: no valid receipt"
    assert_output --partial "put back"
    [ -z "$(ls "$S/done")" ]
    [ -f "$S/incoming/seg-00000.rseg" ]
    run raiko-spool --id c --max 1 "$S"
    assert_success
    run raiko-spool --status "$S"
    assert_output "$S: 2 waiting, 0 claimed, 1 done"
    run raiko-spool --id c "$S"
    assert_success
    assert_output --partial "run.ragg: 3 receipts, the whole run, verified"
    cmp "$S/run.ragg" "$F/local/run.ragg"
    # a segment added again after its receipt was published is dropped, not proven again
    cp "$S/done/seg-00001.rseg" "$S/incoming/"
    : >"$T/calls"
    run env PATH="$T/bad:$PATH" raiko-spool --id c "$S"
    assert_success
    assert_output --partial "seg-00001.rseg: its receipt is already published: dropped"
    [ ! -s "$T/calls" ]
    published_once
}

@test "spool: a receipt published by another worker meanwhile is never replaced" {
    raiko-spool -q --add "$S" "$F/local/split"
    tool "$T/race" race
    run env PATH="$T/race:$PATH" raiko-spool --id r --max 1 "$S"
    assert_success
    assert_output --partial "seg-00000.rrcpt was published by another worker meanwhile: ours dropped"
    refute_output --partial "published seg-00000.rrcpt"
    # the file in done/ is the one published first (same bytes, but not replaced: same inode)
    [ "$(stat -c %h "$S/done/seg-00000.rrcpt")" = 1 ]
    [ -f "$S/done/seg-00000.rseg" ] && [ -z "$(find "$S/claimed" "$S/leases" "$S/tmp" -mindepth 1)" ]
}
