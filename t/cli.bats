#!/usr/bin/env bats
# CLI conventions shared by every tool (docs/cli.md).
load helper
bats_require_minimum_version 1.5.0

tools="raiko-verify raiko-prove-seg raiko-aggregate raiko-wrap"

@test "every tool has --help (exit 0, usage on stdout) and --version" {
    for t in $tools; do
        run "$t" --help
        assert_success
        assert_output --partial "Usage: $t"
        run "$t" -h
        assert_success
        run "$t" --version
        assert_success
        assert_output --regexp "^$t [0-9]+\.[0-9]+\.[0-9]+$"
    done
}

@test "an unknown option is a usage error, exit 2" {
    for t in $tools; do
        run "$t" --no-such-option
        assert_failure 2
        assert_output "$t: unknown option '--no-such-option' (try '$t --help')"
    done
}

@test "missing arguments are usage errors, exit 2" {
    run raiko-verify
    assert_failure 2
    assert_output --partial "no input file"
    run raiko-prove-seg
    assert_failure 2
    run raiko-aggregate x.rrcpt
    assert_failure 2
    assert_output --partial "no output file (-o)"
    run raiko-prove-seg --device tpu x.rseg
    assert_failure 2
    assert_output --partial "--device must be cpu, gpu or auto"
}

@test "raiko-wrap: a malformed receipt or aggregate is bad input (exit 2), not 'not implemented'" {
    mkfile 2 100 "$T/r.rrcpt"
    run raiko-wrap "$T/r.rrcpt" -o "$T/w.rwrap"
    assert_failure 2
    assert_one_line
    assert_output --partial "raiko-wrap: $T/r.rrcpt: "
    mkfile 3 100 "$T/a.ragg"
    run raiko-wrap "$T/a.ragg" -o "$T/w.rwrap"
    assert_failure 2
    assert_output "raiko-wrap: $T/a.ragg: aggregate claim is 16 bytes, want 160"
    [ ! -e "$T/w.rwrap" ]
    mkfile 5 10 "$T/in.rin"
    run raiko-wrap "$T/in.rin" -o "$T/w.rwrap"
    assert_failure 2
    assert_output --partial "this is an input, expected a receipt or an aggregate"
}

@test "tools print nothing on success unless asked" {
    mkfile 2 100 "$T/r"
    run raiko-verify --info -q "$T/r"
    assert_success
    assert_output ""
}

@test "man pages are generated from --help for every tool" {
    for t in $tools; do
        run "$top/scripts/mkman" "$RAIKO_BIN/$t" "$T"
        assert_success
        grep -q '^\.SH NAME' "$T/$t.1"
        grep -q "^$t" "$T/$t.1"
    done
}

@test "option errors are one line naming the option" {
    for t in $tools; do
        run "$t" -Z
        assert_failure 2
        assert_output "$t: unknown option -Z (try '$t --help')"
        run "$t" --version=2
        assert_failure 2
        assert_output "$t: option '--version=2' takes no argument (try '$t --help')"
    done
    run raiko-verify --segment
    assert_failure 2
    assert_output "raiko-verify: option '--segment' needs an argument (try 'raiko-verify --help')"
    run raiko-aggregate x.rrcpt -o
    assert_failure 2
    assert_output "raiko-aggregate: option -o needs an argument (try 'raiko-aggregate --help')"
}

@test "an empty file name is named as such, exit 2" {
    run raiko-verify ""
    assert_failure 2
    assert_output "raiko-verify: '': an empty file name"
    run raiko-prove-seg ""
    assert_failure 2
    assert_output --partial "an empty file name"
    run raiko-aggregate -o "" x.rrcpt
    assert_failure 2
    assert_output --partial "an empty file name"
}

@test "--json with -o - (binary output on stdout) is refused, exit 2, nothing on stdout" {
    mkfile 2 100 "$T/r.rrcpt"
    for t in raiko-prove-seg raiko-aggregate raiko-wrap; do
        run --separate-stderr "$t" --json -o - "$T/r.rrcpt"
        assert_failure 2
        [ -z "$output" ]
        [[ "$stderr" == "$t: --json and -o - would both write to stdout (try '$t --help')" ]]
    done
}

@test "verify: --info with options that check proofs is a usage error" {
    mkfile 2 100 "$T/r.rrcpt"
    for o in --complete "--segment $T/r.rrcpt" "--min-bits 3"; do
        run raiko-verify --info $o "$T/r.rrcpt"
        assert_failure 2
        assert_output --partial "do not apply"
    done
}

@test "verify: a wrapped proof is not verified yet: exit 3, naming the file" {
    mkfile 4 100 "$T/w.rwrap"
    run raiko-verify "$T/w.rwrap"
    assert_failure 3
    assert_output "raiko-verify: $T/w.rwrap: not implemented yet: verification of wrapped proofs (--info describes it)"
}

@test "every tool: a write error on stdout (--help > /dev/full) is exit 3" {
    for t in $tools; do
        run bash -c "$t --help >/dev/full"
        assert_failure 3
        assert_output "$t: <stdout>: write error: No space left on device"
        run bash -c "$t --version >/dev/full"
        assert_failure 3
    done
}

@test "raiko-split and raiko-groth16: an option error is one line of ours, not getopt's too" {
    for t in raiko-split raiko-groth16; do
        run "$t" -Z
        assert_failure 2
        assert_output "$t: unknown option -Z (try '$t --help')"
        run "$t" --no-such-option
        assert_failure 2
        assert_output "$t: unknown option '--no-such-option' (try '$t --help')"
    done
}
