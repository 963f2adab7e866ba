# t/helper.bash - shared setup for the bats tests: `load helper` at the top.
# Puts the built tools first on PATH, gives each test a scratch dir $T, and
# loads bats-support/bats-assert (Debian's packages).
top=${RAIKO_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
RAIKO_BIN=${RAIKO_BIN:-$top/bin}
RAIKO_HELPERS=${RAIKO_HELPERS:-$top/build/t/helpers}
export PATH="$RAIKO_BIN:$PATH"
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
}

teardown() {
    chmod -R u+w "$T" 2>/dev/null
    rm -rf "$T"
}

# mkfile KIND PAYLOAD_BYTES OUT: a valid container (1 segment, 2 receipt, 3 aggregate,
# 4 wrapped, 5 input, 6 proof)
mkfile() { "$RAIKO_HELPERS/mkfile" "$@"; }

# reference_run DIR: the local raiko-prove run the pipeline tests compare with, byte for
# byte: guests/build/fib.elf on fib(150) ($F/n150), 3 segments of 2^12 cycles, into work
# directory DIR (DIR/run.ragg), its messages in DIR.log.  A failure is left for setup to name.
reference_run() {
    printf '\x96\0\0\0' >"$F/n150"
    PATH="$RAIKO_BIN:$top/scripts:$PATH" raiko-prove -q -w "$1" --po2 12 --input-item "$F/n150" -j 2 \
        "$top/guests/build/fib.elf" >"$1.log" 2>&1 || true
}

# assert the output is exactly one line (the house rule for errors)
assert_one_line() {
    [ "$(printf '%s' "$output" | wc -l)" -le 1 ] || fail "expected one line, got: $output"
}
