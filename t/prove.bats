#!/usr/bin/env bats
# raiko-prove-seg and raiko-verify on real segments of the example guests:
# receipts verify, print their claims, are deterministic, and every kind of
# damage is refused with the documented exit code.
load helper
bats_require_minimum_version 1.5.0

G=${RAIKO_GUESTS:-$top/guests/build}

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    # tiny FRI parameters keep the tests fast; the verifier's floor is lowered to match
    printf 'fri:\n  num_queries: 2\n  proof_of_work_bits: 1\nsecurity:\n  min_bits: 3\n' >"$F/small.yaml"
    [ -f "$G/fib.elf" ] || return 0
    raiko-split -q --po2 10 -o "$F/fib" "$G/fib.elf"
    RAIKO_CONFIG="$F/small.yaml" raiko-prove-seg -q "$F/fib/seg-00000.rseg"
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    [ -f "$G/fib.elf" ] || skip "guests not built (make -C guests needs riscv64-unknown-elf-gcc)"
    export RAIKO_CONFIG="$F/small.yaml"
    R0=$F/fib/seg-00000.rrcpt
}

@test "prove-seg: a receipt next to the segment, that raiko-verify accepts and describes" {
    [ -f "$R0" ]
    run raiko-verify --min-bits 3 "$R0"
    assert_success
    assert_output --partial "$R0: valid receipt: image "
    img=$(sed -n 's/^image_id: //p' "$F/fib/manifest.yaml")
    assert_output --partial "image $img segment 0, 1024 cycles, running"
    run raiko-verify --min-bits 3 --json "$R0"
    assert_success
    assert_output --partial '"valid":true'
    assert_output --partial "\"image_id\":\"$img\""
    assert_output --partial '"index":0,"cycles":1024'
}

@test "prove-seg: --json reports cycles, time, kHz, proof size and peak memory" {
    run raiko-prove-seg --json "$F/fib/seg-00001.rseg" -o "$T/r1.rrcpt"
    assert_success
    assert_output --partial '"cycles":1024'
    assert_output --partial '"khz":'
    assert_output --partial '"proof_bytes":'
    assert_output --partial '"peak_rss_bytes":'
    # the prover's phases: each present, together at most the prove time, main and fri > 0
    for k in check_s main_s perm_s quotient_s open_s fri_s; do
        assert_output --partial "\"$k\":"
    done
    num() { echo "$output" | grep -o "\"$1\":[0-9.e+-]*" | head -1 | cut -d: -f2; }
    awk -v c="$(num check_s)" -v m="$(num main_s)" -v p="$(num perm_s)" -v q="$(num quotient_s)" \
        -v o="$(num open_s)" -v f="$(num fri_s)" -v t="$(num prove_s)" \
        'BEGIN { exit !(c + m + p + q + o + f <= t + 0.001 && m > 0 && f > 0) }'
    run raiko-verify -q --min-bits 3 "$T/r1.rrcpt"
    assert_success
    assert_output ""
}

@test "prove-seg: the last segment proves HALT, the exit code and the public-values digest" {
    last=$(ls "$F"/fib/seg-*.rseg | tail -1)
    raiko-prove-seg -o "$T/last.rrcpt" "$last"
    run raiko-verify --min-bits 3 --json "$T/last.rrcpt"
    assert_success
    assert_output --partial '"halted":true,"exit_code":0'
    pv=$(sed -n 's/^public_values_digest: //p' "$F/fib/manifest.yaml")
    assert_output --partial "\"public_values_digest\":\"$pv\""
}

@test "prove-seg: byte-identical receipts whatever the thread count" {
    OMP_NUM_THREADS=1 raiko-prove-seg -o "$T/a.rrcpt" "$F/fib/seg-00000.rseg"
    OMP_NUM_THREADS=2 raiko-prove-seg -o "$T/b.rrcpt" "$F/fib/seg-00000.rseg"
    cmp "$T/a.rrcpt" "$T/b.rrcpt"
    cmp "$T/a.rrcpt" "$R0"
}

@test "prove-seg: a 2^15-cycle segment: the parallel replay (2 threads) gives the serial replay's receipt (1 thread)" {
    [ -f "$G/sha256.elf" ] || skip "no sha256 guest"
    head -c 3000 /dev/zero | tr '\0' 'a' >"$T/msg"
    raiko-split -q --po2 15 --segment 0 --input-item "$T/msg" -o "$T/s" "$G/sha256.elf"
    OMP_NUM_THREADS=1 raiko-prove-seg -q -o "$T/a.rrcpt" "$T/s/seg-00000.rseg"
    OMP_NUM_THREADS=2 raiko-prove-seg -q -o "$T/b.rrcpt" "$T/s/seg-00000.rseg"
    cmp "$T/a.rrcpt" "$T/b.rrcpt"
    run raiko-verify -q --min-bits 3 "$T/b.rrcpt"
    assert_success
}

@test "prove-seg: the same receipt with or without huge pages for malloc, and with the user's GLIBC_TUNABLES" {
    RAIKO_NO_HUGEPAGES=1 raiko-prove-seg -o "$T/a.rrcpt" "$F/fib/seg-00000.rseg"
    GLIBC_TUNABLES=glibc.malloc.hugetlb=0 raiko-prove-seg -o "$T/b.rrcpt" "$F/fib/seg-00000.rseg"
    GLIBC_TUNABLES=glibc.malloc.check=0 raiko-prove-seg -o "$T/c.rrcpt" "$F/fib/seg-00000.rseg"
    cmp "$T/a.rrcpt" "$R0"
    cmp "$T/b.rrcpt" "$R0"
    cmp "$T/c.rrcpt" "$R0"
}

@test "verify: a changed claim is invalid (exit 1, one line naming the receipt)" {
    cp "$R0" "$T/r.rrcpt"
    "$RAIKO_HELPERS/reseal" "$T/r.rrcpt" 80    # a byte of the claimed pre-state (40-byte header + 40)
    run raiko-verify -q --min-bits 3 "$T/r.rrcpt"
    assert_failure 1
    assert_one_line
    assert_output --partial "raiko-verify: $T/r.rrcpt: invalid receipt:"
    cp "$R0" "$T/s.rrcpt"
    "$RAIKO_HELPERS/reseal" "$T/s.rrcpt" 140   # the halted flag (40-byte header + 100): 0 -> 1
    run raiko-verify --min-bits 3 "$T/s.rrcpt"
    assert_failure 1
    assert_line --index 0 --partial "below the built-in 100, as --min-bits asks"
    assert_line --index 1 "raiko-verify: $T/s.rrcpt: invalid receipt: a halted segment must end at pc 0"
    [ "${#lines[@]}" -eq 2 ]
}

@test "verify: a receipt below the configured security floor is refused" {
    unset RAIKO_CONFIG
    run raiko-verify "$R0"
    assert_failure 1
    assert_output --partial "below the 100 required"
}

@test "verify: a damaged receipt file is unreadable (exit 2)" {
    head -c 300 "$R0" >"$T/cut.rrcpt"
    run raiko-verify "$T/cut.rrcpt"
    assert_failure 2
}

@test "prove-seg: a segment whose replay does not match its claim is refused, nothing written" {
    cp "$F/fib/seg-00000.rseg" "$T/s.rseg"
    "$RAIKO_HELPERS/reseal" "$T/s.rseg" 92    # the claimed end pc (40-byte header + 52)
    run raiko-prove-seg "$T/s.rseg" -o "$T/out.rrcpt"
    assert_failure 1
    assert_one_line
    assert_output --partial "claims"
    [ ! -e "$T/out.rrcpt" ]
}

@test "prove-seg: every example guest has a segment proven and verified" {
    for g in sha256 keccak bigint memsort; do
        [ -f "$G/$g.elf" ] || continue
        raiko-split -q --po2 10 --segment 0 -o "$T/$g" "$G/$g.elf" || true
        raiko-prove-seg -q "$T/$g/seg-00000.rseg"
        run raiko-verify -q -c "$F/small.yaml" "$T/$g/seg-00000.rrcpt"
        assert_success
    done
}

@test "verify: ./raiko.yaml and \$RAIKO_CONFIG never lower the floor; --min-bits and --config do, and say so" {
    cp "$F/small.yaml" "$T/raiko.yaml"
    cd "$T"
    run raiko-verify "$R0"                     # RAIKO_CONFIG=small.yaml and ./raiko.yaml both say min_bits 3
    assert_failure 1
    assert_one_line
    assert_output --partial "$R0: invalid receipt: FRI parameters give 3 bits of conjectured security, below the 100 required"
    run raiko-aggregate -o "$T/x.ragg" "$R0"
    assert_failure 1
    assert_output --partial "below the 100 required"
    [ ! -e "$T/x.ragg" ]
    run raiko-verify --min-bits 3 "$R0"
    assert_success
    assert_line --index 0 "raiko-verify: accepting proofs of 3 conjectured security bits or more, below the built-in 100, as --min-bits asks"
    assert_output --partial "$R0: valid receipt: "
    assert_output --partial ", 3-bit FRI"
    run raiko-verify -c "$F/small.yaml" "$R0"
    assert_success
    assert_output --partial "as --config $F/small.yaml asks"
    run raiko-verify --min-bits 4 "$R0"
    assert_failure 1
    run raiko-verify --min-bits x "$R0"
    assert_failure 2
    assert_one_line
}

@test "verify: an aggregate shows the bits of its weakest receipt, and is held to the floor" {
    raiko-aggregate -q --min-bits 3 -o "$T/a.ragg" "$R0"
    run raiko-verify "$T/a.ragg"
    assert_failure 1
    assert_output --partial "below the 100 required"
    run raiko-verify --min-bits 3 "$T/a.ragg"
    assert_success
    assert_output --partial "$T/a.ragg: valid aggregate: "
    assert_output --partial ", 3-bit FRI (its weakest receipt)"
    run raiko-verify -q --min-bits 3 --json "$T/a.ragg"
    assert_output --partial '"security_bits":3,"min_bits":3'
    run raiko-aggregate --min-bits 3 --json -o "$T/b.ragg" "$R0"
    assert_success
    assert_output --partial '"security_bits":3'
}

@test "verify: --complete on a receipt that is not a whole run fails (exit 1), and nothing says valid first" {
    run raiko-verify --min-bits 3 --complete "$R0"
    assert_failure 1
    refute_output --partial "valid receipt"
    assert_output --partial "raiko-verify: $R0: valid, but a receipt of segment 0 that does not halt, not of the whole run"
    raiko-prove-seg -q "$F/fib/seg-00001.rseg" -o "$T/r1.rrcpt"
    run raiko-verify -q --min-bits 3 --complete "$T/r1.rrcpt"
    assert_failure 1
    assert_output "raiko-verify: $T/r1.rrcpt: valid, but a receipt of segment 1 that does not halt, not of the whole run"
}

@test "verify --json: valid:false on a --segment mismatch, an error object for a missing file; -q keeps errors" {
    run raiko-verify -q --min-bits 3 --json --segment "$F/fib/seg-00001.rseg" "$R0" "$T/nope.rrcpt"
    assert_failure 2
    assert_line "{\"file\":\"$R0\",\"valid\":false,\"error\":\"$R0: valid, but not the receipt of $F/fib/seg-00001.rseg (segment 1)\",\"exit_code\":1}"
    assert_line "{\"file\":\"$T/nope.rrcpt\",\"valid\":false,\"error\":\"$T/nope.rrcpt: no such file\",\"exit_code\":2}"
    refute_output --partial '"valid":true'
    run raiko-verify -q --min-bits 3 --segment "$F/fib/seg-00001.rseg" "$R0"
    assert_failure 1
    assert_output "raiko-verify: $R0: valid, but not the receipt of $F/fib/seg-00001.rseg (segment 1)"
}

@test "verify and prove-seg: a write error on stdout is exit 3, not success" {
    run bash -c 'raiko-verify -q --min-bits 3 --json "$1" >/dev/full' _ "$R0"
    assert_failure 3
    assert_output --partial "raiko-verify: <stdout>: write error"
    run bash -c 'raiko-verify --min-bits 3 "$1" >/dev/full' _ "$R0"
    assert_failure 3
    run bash -c 'raiko-prove-seg --json -o "$2" "$1" >/dev/full' _ "$F/fib/seg-00001.rseg" "$T/r.rrcpt"
    assert_failure 3
    run bash -c 'raiko-verify --help >/dev/full'
    assert_failure 3
}

@test "verify: a segment file is parsed and replayed, an input parsed, each named valid or invalid" {
    run raiko-verify "$F/fib/seg-00001.rseg"
    assert_success
    assert_output --regexp "^$F/fib/seg-00001.rseg: valid segment: image [0-9a-f]{64} segment 1, 1024 cycles, running: its claims hold on replay"
    cp "$F/fib/seg-00001.rseg" "$T/s.rseg"
    "$RAIKO_HELPERS/reseal" "$T/s.rseg" 92    # the claimed end pc
    run raiko-verify "$T/s.rseg"
    assert_failure 1
    assert_one_line
    assert_output --partial "raiko-verify: $T/s.rseg: invalid segment: "
    printf 'abc' >"$T/item"
    raiko-split --write-input "$T/in.rin" --input-item "$T/item"
    run raiko-verify "$T/in.rin"
    assert_success
    assert_output "$T/in.rin: valid input: 1 items, 3 bytes"
    run raiko-verify --complete "$F/fib/seg-00001.rseg"
    assert_failure 2
    assert_output "raiko-verify: $F/fib/seg-00001.rseg: --complete applies to receipts and aggregates, and this is a segment"
    run raiko-verify --segment "$F/fib/seg-00001.rseg" "$T/in.rin"
    assert_failure 2
    assert_output --partial "--segment applies to receipts, and this is an input"
}

@test "prove-seg: segment 0 that does not start from the image id is refused (exit 1), nothing written" {
    cp "$F/fib/seg-00000.rseg" "$T/s.rseg"
    "$RAIKO_HELPERS/reseal" "$T/s.rseg" 40    # a byte of the claimed image id: the replay alone does not see it
    run raiko-prove-seg "$T/s.rseg" -o "$T/out.rrcpt"
    assert_failure 1
    assert_output "raiko-prove-seg: $T/s.rseg: the segment's claims cannot hold: segment 0 does not start from the image id"
    [ ! -e "$T/out.rrcpt" ]
    run raiko-verify "$T/s.rseg"
    assert_failure 1
    assert_output --partial "segment 0 does not start from the image id"
}

@test "verify --info: a receipt's and a segment's claim" {
    img=$(sed -n 's/^image_id: //p' "$F/fib/manifest.yaml")
    run raiko-verify --info "$R0"
    assert_success
    assert_line --index 1 --regexp "^$R0: claims: image $img segment 0, 1024 cycles, running, pre-state $img, post-state [0-9a-f]{64}, public values digest [0-9a-f]{64}$"
    run raiko-verify --info --json "$F/fib/seg-00000.rseg"
    assert_success
    assert_output --partial "\"image_id\":\"$img\",\"index\":0,\"po2\":10,\"cycles\":1024"
    run raiko-verify --info --complete "$R0"
    assert_failure 2
}

@test "prove-seg --progress: each phase and the elapsed time on stderr; nothing in a pipe unless asked; shown on a terminal" {
    run --separate-stderr raiko-prove-seg --progress "$F/fib/seg-00001.rseg" -o "$T/p.rrcpt"
    assert_success
    [ -z "$output" ]
    for phase in "replay done" "trace rows and tables done" "main trace commit done" "quotient done" "FRI done"; do
        [[ "$stderr" == *"raiko-prove-seg: $F/fib/seg-00001.rseg: ["*"] $phase, "*" s"* ]] || fail "no '$phase' in: $stderr"
    done
    [[ "$stderr" == *"raiko-prove-seg: $F/fib/seg-00001.rseg: proven, "* ]]
    run --separate-stderr raiko-prove-seg "$F/fib/seg-00001.rseg" -o "$T/q.rrcpt"
    assert_success
    [ -z "$stderr" ]
    cmp "$T/p.rrcpt" "$T/q.rrcpt"     # progress changes no byte
    run script -qec "raiko-prove-seg '$F/fib/seg-00001.rseg' -o '$T/r.rrcpt'" /dev/null
    assert_success
    assert_output --partial "FRI done"
    run --separate-stderr raiko-prove-seg -q --progress "$F/fib/seg-00001.rseg" -o "$T/s.rrcpt"
    [ -z "$stderr" ]
}
