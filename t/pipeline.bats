#!/usr/bin/env bats
# scripts/raiko-prove on this machine: options, signals, locks, resource
# errors, progress, the jobs' environment.  Most tests use a stand-in
# raiko-prove-seg that copies the receipt of a reference run (valid receipts,
# no proving time), so that only the script's behaviour is measured.
load helper

fib=$top/guests/build/fib.elf

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    reference_run "$F/ref"
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    [ -f "$F/ref/run.ragg" ] || fail "the reference run failed: $(cat "$F/ref.log")"
    export PATH="$RAIKO_BIN:$top/scripts:$PATH"
}

# stand_in DIR [SHELL LINES]: a raiko-prove-seg in DIR that runs the lines, then
# copies the reference receipt of its segment to its -o
stand_in() {
    mkdir -p "$1"
    cat >"$1/raiko-prove-seg" <<SH
#!/usr/bin/env bash
out=""; seg=""; a=("\$@")
for ((i = 0; i < \${#a[@]}; i++)); do case \${a[i]} in -o) out=\${a[i+1]}; i=\$((i+1)) ;; -c) i=\$((i+1)) ;; -*) ;; *) seg=\${a[i]} ;; esac; done
$2
cp "$F/ref/split/\$(basename "\${seg%.rseg}").rrcpt" "\$out"
SH
    chmod +x "$1/raiko-prove-seg"
}

rp() { raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" "$@" "$fib"; }

@test "raiko-prove: a missing option argument is one line, exit 2" {
    for o in -o -w --input -c -j -S --timeout --gpus --min-bits; do
        run raiko-prove "$o"
        assert_failure 2
        assert_output "raiko-prove: option $o needs an argument (try --help)"
    done
}

@test "raiko-prove: -c FILE, -S : (this machine) and a relative -o work; -o is relative to the current directory" {
    printf 'prover:\n  device: cpu\n' >"$T/cfg.yaml"
    mkdir "$T/here"
    cd "$T/here"
    run raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" -c ../cfg.yaml -S 2/: -o out.ragg "$fib"
    assert_success
    cmp "$T/here/out.ragg" "$F/ref/run.ragg"
    [ ! -e "$T/w/split/out.ragg" ]
    # stderr is not a terminal: no line per segment unless asked
    refute_output --partial "proven ("
}

@test "raiko-prove: a configuration proving below 100 bits needs --min-bits, which every check then uses" {
    printf 'fri:\n  num_queries: 20\n  proof_of_work_bits: 0\nsecurity:\n  min_bits: 20\n' >"$T/low.yaml"
    run rp -c "$T/low.yaml" --retries 0
    assert_failure 1
    assert_output --partial "seg-00000.rrcpt: invalid receipt: FRI parameters give 20 bits of conjectured security, below the 100 required"
    assert_output --partial "no valid receipt for"
    run rp -c "$T/low.yaml" --min-bits 20
    assert_success
    run raiko-verify --min-bits 20 --complete "$T/w/run.ragg"
    assert_success
    run raiko-verify "$T/w/run.ragg"
    assert_failure 1
    run raiko-prove --min-bits 1x "$fib"
    assert_failure 2
    assert_output "raiko-prove: --min-bits must be an integer in 0..256, not '1x'"
}

@test "raiko-prove: ./raiko.yaml is the prover configuration when there is no -c" {
    mkdir "$T/here"; cd "$T/here"
    printf 'fri:\n  queries: 3\n' >raiko.yaml
    run raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --retries 0 "$fib"
    assert_failure 1
    assert_output --partial "unknown key 'queries'"
}

@test "raiko-prove: --progress says a line per segment; a receipt that does not check out says why" {
    stand_in "$T/s"
    run env PATH="$T/s:$PATH" raiko-prove --progress -w "$T/w" --po2 12 --input-item "$F/n150" "$fib"
    assert_success
    [ "$(grep -c 'seg-0000[0-2].rseg proven (' <<<"$output")" = 3 ]
    cmp "$T/w/run.ragg" "$F/ref/run.ragg"
    printf '\x55' | dd of="$T/w/split/seg-00001.rrcpt" bs=1 seek=200 conv=notrunc status=none
    run env PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" "$fib"
    assert_success
    assert_output --partial "seg-00001.rrcpt does not check out (raiko-verify: seg-00001.rrcpt: checksum mismatch"
}

@test "raiko-prove: each receipt is verified once by the script" {
    stand_in "$T/s"
    cat >"$T/s/raiko-verify" <<SH
#!/usr/bin/env bash
echo "\$*" >>"$T/verify.log"
exec "$RAIKO_BIN/raiko-verify" "\$@"
SH
    chmod +x "$T/s/raiko-verify"
    run env PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" "$fib"
    assert_success
    [ "$(grep -c -- --segment "$T/verify.log")" = 3 ] || fail "$(cat "$T/verify.log")"
}

@test "raiko-prove: local jobs get cores/jobs threads, passive waits, and with --gpus distinct GPUs" {
    stand_in "$T/s" "echo \"\$OMP_NUM_THREADS \$OMP_WAIT_POLICY \${CUDA_VISIBLE_DEVICES:-none}\" >>$T/env.log; sleep 1"
    run env -u OMP_NUM_THREADS -u OMP_WAIT_POLICY PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" "$fib"
    assert_success
    [ "$(sort -u "$T/env.log")" = "$(nproc) passive none" ] || fail "$(cat "$T/env.log")"
    rm -rf "$T/w" "$T/env.log"
    run env -u OMP_NUM_THREADS PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --gpus 2 "$fib"
    assert_success
    t=$(( $(nproc) / 2 )); [ $t -ge 1 ] || t=1
    # two jobs at once (-j defaults to --gpus), never two on one GPU
    [ "$(cut -d' ' -f1 "$T/env.log" | sort -u)" = "$t" ] || fail "$(cat "$T/env.log")"
    [ "$(cut -d' ' -f3 "$T/env.log" | sort -u | tr '\n' ' ')" = "0 1 " ] || fail "$(cat "$T/env.log")"
}

@test "raiko-prove: a job that hangs is killed after --timeout and proven again" {
    stand_in "$T/s" "mkdir $T/hung 2>/dev/null && exec sleep 600"
    run env PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --timeout 2 "$fib"
    assert_success
    [ -d "$T/hung" ]
    cmp "$T/w/run.ragg" "$F/ref/run.ragg"
    ! pgrep -f "sleep 600" >/dev/null || fail "the hung job still runs"
}

@test "raiko-prove: a full disk (a job's exit 3) is exit 3" {
    stand_in "$T/s" 'echo "raiko-prove-seg: $out: write error: No space left on device" >&2; exit 3'
    run env PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" --retries 0 "$fib"
    assert_failure 3
    assert_output --partial "No space left on device"
}

@test "raiko-prove: two runs on one work directory: the second is refused (exit 2)" {
    mkdir -p "$T/w"
    exec 8>>"$T/w/lock"
    flock 8
    run rp
    exec 8>&-
    assert_failure 2
    assert_output --partial "in use by another raiko-prove run"
}

@test "raiko-prove: Ctrl-C stops the run with exit 130 and its jobs; kill stops it with 143" {
    stand_in "$T/s" "echo \$\$ >>$T/pids; exec sleep 300"
    for sig in INT TERM; do
        rm -rf "$T/w" "$T/pids"
        # Ctrl-C signals the terminal's foreground process group; kill only the script.
        # (set -m: the run gets its own process group, and SIGINT is not ignored as
        # it is for a background job without job control)
        set -m
        PATH="$T/s:$PATH" raiko-prove -w "$T/w" --po2 12 --input-item "$F/n150" -j 2 "$fib" 2>"$T/err" &
        pid=$!
        set +m
        for _ in $(seq 200); do [ -s "$T/pids" ] && break; sleep 0.1; done
        [ -s "$T/pids" ] || fail "no job started: $(cat "$T/err")"
        sleep 0.5
        if [ $sig = INT ]; then kill -INT -- -$pid; else kill -TERM $pid; fi
        rc=0; wait $pid || rc=$?
        [ $rc = $([ $sig = INT ] && echo 130 || echo 143) ] || fail "$sig: exit $rc: $(cat "$T/err")"
        sleep 0.5
        for p in $(cat "$T/pids"); do ! kill -0 "$p" 2>/dev/null || fail "$sig: job $p still runs"; done
        ! pgrep -f "parallel.*$T/w/joblog" >/dev/null || fail "$sig: parallel still runs"
    done
}

@test "raiko-prove: is in the build's bin/ beside the tools, and gets a man page at install" {
    [ -x "$RAIKO_BIN/raiko-prove" ]
    cmp "$RAIKO_BIN/raiko-prove" "$top/scripts/raiko-prove"
    run env PATH=/usr/bin:/bin "$RAIKO_BIN/raiko-prove" --version
    assert_success
    assert_output --regexp '^raiko-prove [0-9]+\.[0-9]+\.[0-9]+$'
    run make -C "$top" -n install DESTDIR="$T/d"
    assert_success
    # the man-page loop of install names raiko-prove among what it documents
    assert_line --regexp '^for t in .*scripts/raiko-prove[ ;].*scripts/mkman'
    "$top/scripts/mkman" "$RAIKO_BIN/raiko-prove" "$T"
    grep -q '^raiko-prove \\- Prove a guest run end to end' "$T/raiko-prove.1"
    grep -q -- '--timeout SECS' "$T/raiko-prove.1"
}
