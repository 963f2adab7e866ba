#!/usr/bin/env bats
# raiko-aggregate: joining real segment receipts, and every way a set of
# receipts can fail to be one run.
load helper
bats_require_minimum_version 1.5.0

fib=$top/guests/build/fib.elf

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    [ -x "$RAIKO_BIN/raiko-prove-seg" ] || return 0
    printf '\x96\0\0\0' >"$F/n150"; printf '\x97\0\0\0' >"$F/n151"
    raiko-split -q --po2 12 --input-item "$F/n150" -o "$F/a" "$fib"
    raiko-split -q --po2 12 --input-item "$F/n151" -o "$F/b" "$fib"
    raiko-split -q --po2 10 -o "$F/x" "$top/guests/build/t/exit3.elf" || true   # exits 3: still a run
    ls "$F"/a/seg-*.rseg "$F/b/seg-00001.rseg" "$F/x/seg-00000.rseg" |
        parallel -j2 'raiko-prove-seg -q {} -o {.}.rrcpt'
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    [ -f "$F/a/seg-00002.rrcpt" ] || fail "fixture receipts were not proven"
    A0=$F/a/seg-00000.rrcpt A1=$F/a/seg-00001.rrcpt A2=$F/a/seg-00002.rrcpt
}

@test "aggregate: receipts in any order give one valid aggregate of the whole run, byte-identical" {
    run raiko-aggregate -o "$T/all.ragg" "$A2" "$A0" "$A1"
    assert_success
    assert_output ""
    raiko-aggregate -o "$T/sorted.ragg" "$A0" "$A1" "$A2"
    cmp "$T/all.ragg" "$T/sorted.ragg"
    run raiko-verify --complete --json "$T/all.ragg"
    assert_success
    assert_output --partial '"first_segment":0,"last_segment":2,"complete":true'
    assert_output --partial '"exit_code":0'
    # the public-values digest and exit code are the run's, as raiko-split reported them
    pv=$(sed -n 's/^public_values_digest: //p' "$F/a/manifest.yaml")
    assert_output --partial "\"public_values_digest\":\"$pv\""
}

@test "aggregate: a tree of aggregates equals the flat aggregate" {
    raiko-aggregate -o "$T/01.ragg" "$A0" "$A1"
    raiko-aggregate -o "$T/2.ragg" "$A2"
    run raiko-verify "$T/01.ragg"
    assert_success
    assert_output --partial "segments 0..1, "
    run raiko-verify --complete "$T/01.ragg"
    assert_failure 1
    assert_output --partial "not the whole run"
    raiko-aggregate -o "$T/tree.ragg" "$T/2.ragg" "$T/01.ragg"
    raiko-aggregate -o "$T/flat.ragg" "$A0" "$A1" "$A2"
    cmp "$T/tree.ragg" "$T/flat.ragg"
}

@test "aggregate: a missing segment is named, exit 1, no output" {
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$A2"
    assert_failure 1
    assert_output "raiko-aggregate: segment 1 missing (between $A0 and $A2)"
    [ ! -e "$T/x.ragg" ]
}

@test "aggregate: a duplicate segment is named, exit 1" {
    cp "$A1" "$T/copy.rrcpt"
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$A1" "$T/copy.rrcpt" "$A2"
    assert_failure 1
    assert_output --partial "segment 1 given twice"
    [ ! -e "$T/x.ragg" ]
}

@test "aggregate: a receipt of another program is refused, exit 1" {
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$F/x/seg-00000.rrcpt"
    assert_failure 1
    assert_output --partial "$F/x/seg-00000.rrcpt: receipt of another program"
    [ ! -e "$T/x.ragg" ]
}

@test "aggregate: a segment of another run of the same program breaks the chain, exit 1" {
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$F/b/seg-00001.rrcpt"
    assert_failure 1
    assert_output --partial "broken chain between segments 0 and 1"
    [ ! -e "$T/x.ragg" ]
}

@test "aggregate: a receipt whose claim was altered does not verify, and is named" {
    cp "$A1" "$T/bad.rrcpt"
    "$RAIKO_HELPERS/reseal" "$T/bad.rrcpt" $((40 + 140)) 0x01     # cycles field of the claim
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$T/bad.rrcpt" "$A2"
    assert_failure 1
    assert_output --partial "$T/bad.rrcpt: does not verify"
    [ ! -e "$T/x.ragg" ]
}

@test "aggregate: an altered aggregate claim or carried receipt is rejected by raiko-verify" {
    raiko-aggregate -o "$T/all.ragg" "$A0" "$A1" "$A2"
    # claim fields at their docs/formats.md offsets: the 40-byte container header, then
    # first (32), pre-state (40), post-state (72), exit code (108), cycles (144)
    for f in 32 40 72 108 144; do
        off=$((40 + f))
        cp "$T/all.ragg" "$T/bad.ragg"
        "$RAIKO_HELPERS/reseal" "$T/bad.ragg" "$off" 0x02
        run raiko-verify "$T/bad.ragg"
        if [ "$f" = 32 ]; then  # first 0 -> 2: the 3 carried receipts cannot be segments 2..2
            assert_failure 2
            assert_output "raiko-verify: $T/bad.ragg: carries 3 receipts for segments 2..2"
        else
            assert_failure 1
            assert_output "raiko-verify: $T/bad.ragg: the claim does not match the receipts it carries"
        fi
    done
}

@test "aggregate: wrong kinds, missing files and no inputs are input errors, exit 2" {
    run raiko-aggregate -o "$T/x.ragg" "$A0" "$F/a/seg-00001.rseg"
    assert_failure 2
    assert_output --partial "expected a receipt or an aggregate"
    run raiko-aggregate -o "$T/x.ragg" "$T/nope.rrcpt"
    assert_failure 2
    assert_output --partial "no such file"
    [ ! -e "$T/x.ragg" ]
}

@test "verify --segment: a valid receipt of another segment is refused, exit 1" {
    run raiko-verify -q --segment "$F/a/seg-00000.rseg" "$A0"
    assert_success
    run raiko-verify --segment "$F/a/seg-00001.rseg" "$A0"
    assert_failure 1
    assert_output --partial "valid, but not the receipt of $F/a/seg-00001.rseg (segment 1)"
    run raiko-verify --segment "$F/b/seg-00001.rseg" "$F/b/seg-00001.rrcpt"
    assert_success
    run raiko-verify --segment "$F/b/seg-00001.rseg" "$A1"    # same index, another run
    assert_failure 1
}

@test "verify --segment on an aggregate is an error (exit 2), never a pass" {
    raiko-aggregate -o "$T/a.ragg" "$A0"
    run raiko-verify --segment "$F/a/seg-00000.rseg" "$T/a.ragg"
    assert_failure 2
    assert_output "raiko-verify: $T/a.ragg: --segment applies to segment receipts, and this is an aggregate"
    run raiko-verify --json --segment "$F/a/seg-00000.rseg" "$T/a.ragg"
    assert_failure 2
    refute_output --partial '"valid":true'
}

@test "verify: an aggregate of default receipts shows their bits; a whole run's single receipt passes --complete" {
    raiko-aggregate -o "$T/all.ragg" "$A0" "$A1" "$A2"
    run raiko-verify "$T/all.ragg"
    assert_success
    assert_output --regexp ", 1[0-9][0-9]-bit FRI \(its weakest receipt\)$"
    x=$F/x/seg-00000.rrcpt
    [ -f "$x" ] && [ ! -f "$F/x/seg-00001.rseg" ] || skip "exit3.elf is not one segment at po2 10"
    run raiko-verify --complete "$x"
    assert_success
}

@test "wrap: a valid receipt or aggregate reaches 'not implemented yet' (exit 3); a tampered one is exit 1" {
    raiko-aggregate -o "$T/all.ragg" "$A0" "$A1" "$A2"
    run raiko-wrap -o "$T/w.rwrap" "$T/all.ragg"
    assert_failure 3
    assert_output --partial "raiko-wrap: not implemented yet:"
    [ ! -e "$T/w.rwrap" ]
    cp "$A0" "$T/bad.rrcpt"
    "$RAIKO_HELPERS/reseal" "$T/bad.rrcpt" $((40 + 140)) 0x01     # cycles field of the claim
    run raiko-wrap -o "$T/w.rwrap" "$T/bad.rrcpt"
    assert_failure 1
    assert_output --partial "raiko-wrap: $T/bad.rrcpt: invalid receipt:"
}

@test "progress: receipts verified are shown with --progress or on a terminal, never in a pipe unless asked" {
    run --separate-stderr raiko-aggregate -o "$T/p.ragg" "$A0" "$A1" "$A2"
    assert_success
    [ -z "$stderr" ]
    run --separate-stderr raiko-aggregate --progress -o "$T/p.ragg" "$A0" "$A1" "$A2"
    assert_success
    [[ "$stderr" == *"raiko-aggregate: verified 3 receipts ($A2)"* ]]
    run --separate-stderr raiko-verify --progress "$T/p.ragg"
    assert_success
    [[ "$stderr" == *"raiko-verify: [1/1] $T/p.ragg"* ]]
    [[ "$stderr" == *"raiko-verify: verified 3 receipts ($T/p.ragg[receipt 2])"* ]]
    # a terminal (script gives the tool a pty): shown without asking
    run script -qec "raiko-aggregate -o '$T/q.ragg' '$A0' '$A1' '$A2'" /dev/null
    assert_success
    assert_output --partial "raiko-aggregate: verified 3 receipts"
}

@test "verify --info: an aggregate's claim (segment range, cycles, states, public values) in text and JSON" {
    raiko-aggregate -q -o "$T/all.ragg" "$A0" "$A1" "$A2"
    img=$(sed -n 's/^image_id: //p' "$F/a/manifest.yaml")
    pv=$(sed -n 's/^public_values_digest: //p' "$F/a/manifest.yaml")
    run raiko-verify --info "$T/all.ragg"
    assert_success
    assert_line --regexp "^$T/all.ragg: claims: image $img segments 0\.\.2, [0-9]+ cycles, halted with exit code 0, pre-state $img, post-state [0-9a-f]{64}, public values digest $pv$"
    run raiko-verify --info --json "$T/all.ragg"
    assert_success
    assert_output --regexp "\"image_id\":\"$img\",\"first_segment\":0,\"last_segment\":2,\"cycles\":[0-9]+,\"pre_state\":\"$img\""
    assert_output --partial "\"halted\":true,\"exit_code\":0,\"public_values_digest\":\"$pv\""
}
