#!/usr/bin/env bats
# Replay every fuzz target over its corpus (seeds + crashes found by `make fuzz`,
# kept as regressions), under whatever sanitizers this build has.
load helper

@test "fuzz corpora replay without a crash" {
    n=0
    for src in "$top"/t/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c); name=${name#fuzz_}
        bin="$RAIKO_HELPERS/../fuzz/replay_$name"
        [ -x "$bin" ] || fail "replay_$name not built"
        run "$bin" "$top"/t/fuzz/corpus/"$name"/*
        assert_success
        assert_output --partial "replayed"
        n=$((n + 1))
    done
    [ "$n" -ge 2 ]
}
