#!/usr/bin/env bats
# SP1 precompiles and hooks in the executor (docs/exec.md "Precompiles"),
# each compared with an independent python3 big-integer model of SP1 v5's
# executor on random and edge inputs (t/precompile/oracle.py), and the
# example guests that use them run by raiko-split.
load helper

G=${RAIKO_GUESTS:-$top/guests/build}

@test "precompile: secp256k1, BN254, uint256 syscalls and fd 20/21 hooks match the python oracle" {
    command -v python3 >/dev/null || skip "python3 not installed"
    run python3 "$top/t/precompile/oracle.py" "$RAIKO_HELPERS/rvsys" 40
    echo "$output" | tail -20
    assert_success
    assert_output --partial " 0 mismatches"
}
