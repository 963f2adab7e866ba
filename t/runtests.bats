#!/usr/bin/env bats
# scripts/run-tests itself: a runner that stops early, exits non-zero without a
# failing case (ASan/UBSan exit 1) or hangs is counted as failed, never as passed.
load helper

# fake_unit NAME BODY: a "unit test binary" (a shell script) in $T/units
fake_unit() {
    mkdir -p "$T/units"
    printf '#!/bin/sh\n%s\n' "$2" >"$T/units/$1"
    chmod +x "$T/units/$1"
}

runtests() { RAIKO_UNITS="$T/units" run "$top/scripts/run-tests" "$@"; }

@test "run-tests: honest TAP passes, a failing case fails" {
    fake_unit test_fakeok 'echo "ok 1 - a"; echo "ok 2 - b # SKIP no avx512"; echo "1..2"'
    runtests test_fake
    assert_success
    assert_output --partial "1 passed, 0 failed, 1 skipped"
    fake_unit test_fakebad 'echo "ok 1 - a"; echo "not ok 2 - b"; echo "1..2"; exit 1'
    runtests test_fake
    [ "$status" -eq 1 ]
    assert_output --partial "2 passed, 1 failed, 1 skipped"
    assert_output --partial "test_fakebad: 2 - b"
}

@test "run-tests: a binary stopped by a sanitizer (exit 1, no plan) is failed" {
    fake_unit test_fakesan 'echo "ok 1 - a"; echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow" >&2; exit 1'
    runtests test_fake
    [ "$status" -eq 1 ]
    assert_output --partial "not ok - test_fakesan: no TAP plan (exit status 1): it stopped early"
    assert_output --partial "1 passed, 1 failed"
}

@test "run-tests: a short plan, a non-zero exit without a failing case, and a crash are failed" {
    fake_unit test_fakeshort 'echo "1..3"; echo "ok 1 - a"; echo "ok 2 - b"'
    runtests test_fakeshort
    [ "$status" -eq 1 ]
    assert_output --partial "not ok - test_fakeshort: planned 3 cases, reported 2 (exit status 0)"
    fake_unit test_fakerc 'echo "ok 1 - a"; echo "1..1"; exit 1'
    runtests test_fakerc
    [ "$status" -eq 1 ]
    assert_output --partial "not ok - test_fakerc: exited with status 1 without a failing case"
    fake_unit test_fakesegv 'echo "ok 1 - a"; echo "1..1"; kill -SEGV $$'
    runtests test_fakesegv
    [ "$status" -eq 1 ]
    assert_output --partial "not ok - test_fakesegv: exited with status 139"
}

@test "run-tests: a runner past RAIKO_TEST_TIMEOUT is killed and failed" {
    fake_unit test_fakehang 'echo "ok 1 - a"; sleep 60; echo "1..1"'
    SECONDS=0
    RAIKO_TEST_TIMEOUT=2 runtests test_fakehang
    [ "$status" -eq 1 ]
    [ "$SECONDS" -lt 30 ]
    assert_output --partial "not ok - test_fakehang: timed out after 2s"
}

@test "run-tests: skips are listed, and missing snarkjs/node is a visible warning" {
    fake_unit test_fakeskip 'echo "ok 1 - a"; echo "ok 2 - g16 # skip snarkjs is not installed"; echo "1..2"'
    runtests test_fakeskip
    assert_success
    assert_output --partial "# WARNING: 1 tests skipped:"
    assert_output --partial "#   test_fakeskip: 2 - g16 # skip snarkjs is not installed"
    assert_output --partial "# WARNING: the live snarkjs/EVM cross-checks did not run"
}
