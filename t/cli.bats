#!/usr/bin/env bats
# CLI conventions shared by every tool (docs/cli.md).
load helper

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
        assert_output --partial "Try '$t --help'."
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

@test "capabilities not built yet say so and exit 3, writing nothing" {
    mkfile 2 100 "$T/r.rrcpt"
    run raiko-wrap "$T/r.rrcpt" -o "$T/w.rwrap"
    assert_failure 3
    assert_output --partial "raiko-wrap: not implemented yet:"
    [ ! -e "$T/w.rwrap" ]
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
