#!/usr/bin/env bats
# The container format seen from the tools: every bad input gets one clear
# line naming the file and the cause, and the documented exit code.
load helper

@test "info describes a valid file; --json is machine-readable" {
    mkfile 2 2000 "$T/r.rrcpt"
    run raiko-verify --info "$T/r.rrcpt"
    assert_success
    assert_output --regexp "^$T/r.rrcpt: receipt \(kind version 1\), [0-9]+ bytes, meta 16 bytes, payload 2000 bytes"
    run raiko-verify --info --json "$T/r.rrcpt"
    assert_success
    assert_output --partial '"kind":"receipt"'
    assert_output --partial '"payload_bytes":2000'
}

@test "a missing file is named, exit 2" {
    run raiko-verify --info "$T/nope.rrcpt"
    assert_failure 2
    assert_output "raiko-verify: $T/nope.rrcpt: no such file"
}

@test "an empty file is not a raiko file, exit 2" {
    : >"$T/empty"
    run raiko-verify --info "$T/empty"
    assert_failure 2
    assert_output "raiko-verify: $T/empty: empty file, not a raiko file"
}

@test "a directory given as a file, exit 2" {
    run raiko-verify --info "$T"
    assert_failure 2
    assert_output --partial "$T: is a directory"
}

@test "a file of another format, exit 2" {
    printf '\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0' >"$T/prog.elf"
    run raiko-verify --info "$T/prog.elf"
    assert_failure 2
    assert_output "raiko-verify: $T/prog.elf: not a raiko file (bad magic)"
}

@test "every truncation is reported as truncated" {
    mkfile 2 100 "$T/r"
    size=$(stat -c %s "$T/r")
    for n in 9 20 47 48 60 $((size - 9)) $((size - 1)); do
        head -c "$n" "$T/r" >"$T/cut"
        run raiko-verify --info "$T/cut"
        assert_failure 2
        assert_one_line
        assert_output --partial "$T/cut: truncated"
    done
}

@test "every single-byte flip of a small file is rejected with exit 2" {
    mkfile 2 64 "$T/r"
    size=$(stat -c %s "$T/r")
    for ((i = 0; i < size; i++)); do
        cp "$T/r" "$T/f"
        orig=$(od -An -tu1 -j "$i" -N1 "$T/r" | tr -d ' ')
        printf "$(printf '\\%03o' $(( (orig ^ 0x20) & 255 )))" | dd of="$T/f" bs=1 seek="$i" conv=notrunc status=none
        run raiko-verify --info "$T/f"
        [ "$status" -eq 2 ] || fail "flip at byte $i accepted (status $status): $output"
        assert_one_line
        [[ "$output" == "raiko-verify: $T/f: "* ]] || fail "message does not name the file: $output"
    done
}

@test "trailing bytes are reported" {
    mkfile 2 100 "$T/r"
    printf 'x' >>"$T/r"
    run raiko-verify --info "$T/r"
    assert_failure 2
    assert_output "raiko-verify: $T/r: 1 trailing bytes after the end of the file"
}

@test "a newer container version is named as such" {
    mkfile 2 100 "$T/r"
    printf '\x07' | dd of="$T/r" bs=1 seek=8 conv=notrunc status=none
    run raiko-verify --info "$T/r"
    assert_failure 2
    assert_output --partial "$T/r: unsupported container version 7 (this build reads 1)"
}

@test "a receipt given to raiko-prove-seg is the wrong kind" {
    mkfile 2 100 "$T/r.rrcpt"
    run raiko-prove-seg "$T/r.rrcpt" -o "$T/out"
    assert_failure 2
    assert_output "raiko-prove-seg: $T/r.rrcpt: wrong kind of file: this is a receipt, expected a segment"
    [ ! -e "$T/out" ]
}

@test "a segment given to raiko-aggregate or raiko-wrap is the wrong kind" {
    mkfile 1 100 "$T/s.rseg"
    run raiko-aggregate -o "$T/a" "$T/s.rseg"
    assert_failure 2
    assert_output --partial "this is a segment, expected a receipt or an aggregate"
    run raiko-wrap -o "$T/w" "$T/s.rseg"
    assert_failure 2
    assert_output --partial "this is a segment, expected a receipt or an aggregate"
    [ ! -e "$T/a" ] && [ ! -e "$T/w" ]
}

@test "stdin is read with '-'" {
    mkfile 5 100 "$T/in"
    run bash -c "raiko-verify --info - <'$T/in'"
    assert_success
    assert_output --partial "<stdin>: input"
}

@test "writing into a missing or unwritable directory fails cleanly, exit 2" {
    run "$RAIKO_HELPERS/mkfile" 2 10 "$T/no/such/dir/x"
    assert_failure 2
    assert_output --partial "does not exist"
    if [ "$(id -u)" != 0 ]; then
        mkdir "$T/ro" && chmod 555 "$T/ro"
        run "$RAIKO_HELPERS/mkfile" 2 10 "$T/ro/x"
        assert_failure 2
        assert_output --partial "cannot write in"
    fi
}

@test "a killed writer leaves no file under the final name, and an old file intact" {
    RAIKO_TEST_KILL_WRITE=1 run "$RAIKO_HELPERS/mkfile" 2 100000 "$T/out"
    [ "$status" -eq 137 ] || fail "writer was not killed (status $status)"
    [ ! -e "$T/out" ]
    mkfile 2 50 "$T/out"
    before=$(md5sum <"$T/out")
    RAIKO_TEST_KILL_WRITE=1 run "$RAIKO_HELPERS/mkfile" 2 100000 "$T/out"
    [ "$(md5sum <"$T/out")" = "$before" ]
    run raiko-verify --info "$T/out"
    assert_success
}

@test "the same content gives byte-identical files" {
    mkfile 2 100000 "$T/a"
    mkfile 2 100000 "$T/b"
    cmp "$T/a" "$T/b"
}

@test "-o /dev/null and other non-regular outputs are written into, not replaced" {
    if [ "$(id -u)" = 0 ]; then    # a private node like /dev/null's, never the real one
        mknod "$T/null" c 1 3
        mkfile 2 100 "$T/null"
        [ -c "$T/null" ]
    fi
    mkfifo "$T/fifo"
    cat "$T/fifo" >"$T/copy" &
    mkfile 2 100 "$T/fifo"
    wait
    [ -p "$T/fifo" ]
    run raiko-verify --info "$T/copy"
    assert_success
}

@test "a zstd bomb (a small file that decompresses to 2 GiB) is refused by its kind's limit before any allocation" {
    "$RAIKO_HELPERS/mkbomb" 2 $((2 << 30)) "$T/bomb.rrcpt"
    [ "$(stat -c %s "$T/bomb.rrcpt")" -lt 200000 ]
    # 1 GiB of address space: allocating the announced payload would fail (exit 3); not under
    # ASan, which reserves terabytes of address space for its shadow memory
    lim="ulimit -v 1048576;"
    [[ "$RAIKO_BIN" != *build-san* ]] || lim=""
    run bash -c "$lim"' raiko-verify "$1"' _ "$T/bomb.rrcpt"
    assert_failure 2
    assert_one_line
    assert_output "raiko-verify: $T/bomb.rrcpt: payload of 2147483648 bytes exceeds the limit of 268435456 for a receipt"
    "$RAIKO_HELPERS/mkbomb" 1 $((2 << 30)) "$T/bomb.rseg"
    run bash -c "$lim"' raiko-prove-seg "$1" -o "$2"' _ "$T/bomb.rseg" "$T/out.rrcpt"
    assert_failure 2
    assert_output --partial "$T/bomb.rseg: payload of 2147483648 bytes exceeds the limit of 268435456 for a segment"
    [ ! -e "$T/out.rrcpt" ]
}

@test "an aggregate that decompresses far beyond its compressed receipts is refused as a bomb" {
    "$RAIKO_HELPERS/mkbomb" 3 $((64 << 20)) "$T/bomb.ragg"
    run raiko-verify "$T/bomb.ragg"
    assert_failure 2
    assert_one_line
    assert_output --partial "$T/bomb.ragg: payload of 67108864 bytes from "
    assert_output --partial "a decompression bomb"
}

@test "a payload within its kind's limit is decompressed in steps and read whole" {
    "$RAIKO_HELPERS/mkbomb" 5 $((40 << 20)) "$T/big.rin"
    run raiko-verify --info "$T/big.rin"
    assert_success
    assert_output --partial "payload 41943040 bytes"
}
