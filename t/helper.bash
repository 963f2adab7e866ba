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

# assert the output is exactly one line (the house rule for errors)
assert_one_line() {
    [ "$(printf '%s' "$output" | wc -l)" -le 1 ] || fail "expected one line, got: $output"
}
