#!/usr/bin/env bats
# raiko-split seen from the command line (docs/exec.md): outputs, determinism,
# --segment K, po2 independence, and every bad input with its exit code.
load helper

G=${RAIKO_GUESTS:-$top/guests/build}

need_guests() {
    [ -f "$G/fib.elf" ] || skip "guests not built (make -C guests needs riscv64-unknown-elf-gcc)"
}

# yaml field of a manifest
mf() { sed -n "s/^$2: //p" "$1/manifest.yaml"; }

@test "split: --help, --version, usage errors exit 2" {
    run raiko-split --help
    assert_success
    assert_output --partial "Usage: raiko-split"
    run raiko-split --version
    assert_success
    assert_output --regexp '^raiko-split [0-9]+\.[0-9]+\.[0-9]+$'
    run raiko-split --bogus
    assert_failure 2
    run raiko-split
    assert_failure 2
    assert_output --partial "no program given"
    run raiko-split "$T/x.elf"
    assert_failure 2
    assert_output --partial "give -o DIR"
}

@test "split: --po2 outside 10..24 or not a number is a usage error" {
    for v in 9 25 abc -1 ""; do
        run raiko-split --po2 "$v" --execute-only x.elf
        assert_failure 2
        assert_output --partial "--po2 must be an integer in 10..24"
    done
}

@test "split: --execute-only prints the summary; SHA-256 guest commits the FIPS 180-2 digest of abc" {
    need_guests
    printf 'abc' >"$T/abc"
    run raiko-split --execute-only --input-item "$T/abc" "$G/sha256.elf"
    assert_success
    assert_line "public_values: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert_line "exit_code: 0"
    assert_line --regexp '^cycles: [0-9]+$'
    assert_line --regexp '^segments: 1 \(po2 20\)$'
}

@test "split: writes segments + manifest, prints nothing, and is deterministic" {
    need_guests
    run raiko-split --po2 10 -o "$T/a" "$G/fib.elf"
    assert_success
    assert_output ""
    [ -f "$T/a/manifest.yaml" ] && [ -f "$T/a/seg-00000.rseg" ] && [ -f "$T/a/seg-00003.rseg" ]
    n=$(mf "$T/a" segment_count)
    [ "$n" -ge 4 ]
    [ "$(ls "$T/a" | grep -c '\.rseg$')" -eq "$n" ]
    [ "$(mf "$T/a" image_id)" = "$(raiko-split --image-id "$G/fib.elf")" ]
    [ "$(mf "$T/a" exit_code)" = 0 ]
    run raiko-split --po2 10 -o "$T/b" "$G/fib.elf"
    assert_success
    for f in "$T"/a/*; do cmp "$f" "$T/b/$(basename "$f")"; done
    ls "$T/a" | grep -qv tmp
    # raiko-verify recognises the files as segments
    run raiko-verify --info "$T/a/seg-00001.rseg"
    assert_success
    assert_output --partial "segment"
}

@test "split: --segment K is byte-identical to the full split's file; K past the end is exit 2" {
    need_guests
    raiko-split --po2 10 -o "$T/full" "$G/fib.elf"
    for k in 0 3; do
        run raiko-split --po2 10 --segment $k -o "$T/one" "$G/fib.elf"
        assert_success
        cmp "$T/full/seg-0000$k.rseg" "$T/one/seg-0000$k.rseg"
    done
    [ ! -e "$T/one/manifest.yaml" ]
    run raiko-split --po2 10 --segment 9999 -o "$T/two" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "segment 9999 does not exist"
    [ -z "$(ls -A "$T/two")" ]
}

@test "split: different po2 give the same cycles, exit code and public values" {
    need_guests
    printf '\x10\x27\x00\x00' >"$T/n"     # fib(10000)
    raiko-split --po2 10 --input-item "$T/n" -o "$T/p10" "$G/fib.elf"
    raiko-split --po2 14 --input-item "$T/n" -o "$T/p14" "$G/fib.elf"
    raiko-split --input-item "$T/n" -o "$T/p20" "$G/fib.elf"
    for k in total_cycles exit_code public_values_digest image_id; do
        [ "$(mf "$T/p10" $k)" = "$(mf "$T/p14" $k)" ]
        [ "$(mf "$T/p10" $k)" = "$(mf "$T/p20" $k)" ]
    done
    last10=$(grep post_state "$T/p10/manifest.yaml" | tail -1)
    last14=$(grep post_state "$T/p14/manifest.yaml" | tail -1)
    [ "$last10" = "$last14" ]
    [ "$(mf "$T/p10" segment_count)" -gt "$(mf "$T/p14" segment_count)" ]
}

@test "split: input files from --input-item / --write-input round-trip" {
    need_guests
    printf 'abc' >"$T/i1"; : >"$T/i2"
    run raiko-split --write-input "$T/in.rin" --input-item "$T/i1" --input-item "$T/i2"
    assert_success
    a=$(raiko-split --execute-only --input "$T/in.rin" "$G/t/io.elf" | grep '^public_values:')
    b=$(raiko-split --execute-only --input-item "$T/i1" --input-item "$T/i2" "$G/t/io.elf" | grep '^public_values:')
    [ "$a" = "$b" ]
    run raiko-verify --info "$T/in.rin"
    assert_success
    assert_output --partial "input"
}

@test "split: guest stdout goes to stdout, or to stderr with --json" {
    need_guests
    run raiko-split --execute-only "$G/t/io.elf"
    assert_success
    assert_line "hello from the guest"
    raiko-split --json --execute-only "$G/t/io.elf" 2>"$T/err" >"$T/out"
    grep -q "hello from the guest" "$T/err"
    grep -q '"exit_code":0' "$T/out"
    grep -q '"image_id":"' "$T/out"
    ! grep -q hello "$T/out"
}

@test "split: not an ELF, ELF64, wrong machine, RVC, outside memory: exit 2, one line, no files" {
    need_guests
    echo "hello" >"$T/text.elf"
    run raiko-split -o "$T/o" "$T/text.elf"
    assert_failure 2
    assert_output "raiko-split: $T/text.elf: not an ELF file"
    run raiko-split -o "$T/o" "$G/t/rv64.elf"
    assert_failure 2
    assert_output --partial "ELF64 file"
    cp "$G/fib.elf" "$T/x86.elf"
    printf '\x3e' | dd of="$T/x86.elf" bs=1 seek=18 conv=notrunc 2>/dev/null
    run raiko-split -o "$T/o" "$T/x86.elf"
    assert_failure 2
    assert_output --partial "wrong machine 62"
    run raiko-split -o "$T/o" "$G/t/rvc.elf"
    assert_failure 2
    assert_output --partial "compressed instructions (RVC)"
    run raiko-split -o "$T/o" "$G/t/outside.elf"
    assert_failure 2
    assert_output --partial "outside guest memory"
    assert_one_line
    head -c 40 "$G/fib.elf" >"$T/trunc.elf"
    run raiko-split -o "$T/o" "$T/trunc.elf"
    assert_failure 2
    assert_output --partial "truncated ELF header"
    run raiko-split -o "$T/o" "$T/missing.elf"
    assert_failure 2
    assert_output --partial "no such file"
    [ ! -e "$T/o" ] || [ -z "$(ls -A "$T/o")" ]
}

@test "split: truncated or wrong-kind input file is exit 2" {
    need_guests
    printf 'abc' >"$T/i1"
    raiko-split --write-input "$T/in.rin" --input-item "$T/i1"
    head -c 30 "$T/in.rin" >"$T/short.rin"
    run raiko-split -o "$T/o" --input "$T/short.rin" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "$T/short.rin"
    assert_one_line
    raiko-split --po2 10 -o "$T/s" "$G/fib.elf"
    run raiko-split -o "$T/o" --input "$T/s/seg-00000.rseg" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "not an input file"
    run raiko-split -o "$T/o" --input-item "$T/nope" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "no such file"
}

@test "split: guest fault, unknown syscall, non-zero exit: exit 1; unsupported precompile: exit 3" {
    need_guests
    run raiko-split --po2 10 -o "$T/f" "$G/t/fault.elf"
    assert_failure 1
    assert_output --partial "guest fault at pc 0x00200808 (insn 0x0005a503): load of 4 bytes at bad address 0x00300001"
    assert_one_line
    [ -z "$(ls -A "$T/f")" ]
    run raiko-split -o "$T/u" "$G/t/unknown_syscall.elf"
    assert_failure 1
    assert_output --partial "unknown syscall 0x00abcdef"
    [ -z "$(ls -A "$T/u")" ]
    run raiko-split -o "$T/s" "$G/t/ed_add.elf"
    assert_failure 3
    assert_output --partial "syscall ED_ADD (0x00010107)"
    assert_output --partial "not supported yet"
    [ -z "$(ls -A "$T/s")" ]
    # a non-zero exit is a valid, provable run: files are written, exit 1 says so
    run raiko-split -o "$T/e" "$G/t/exit3.elf"
    assert_failure 1
    assert_output "raiko-split: exit3.elf: guest exited with code 3"
    [ "$(mf "$T/e" exit_code)" = 3 ]
    run raiko-split --execute-only "$G/t/exit3.elf"
    assert_failure 1
    assert_line "exit_code: 3"
}

@test "split: an output path that is a file, or under a file, is exit 2; missing parents are created" {
    need_guests
    : >"$T/file"
    run raiko-split -o "$T/file" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "not a directory"
    assert_one_line
    run raiko-split -o "$T/file/sub" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "$T/file/sub: cannot create directory"
    assert_one_line
    run raiko-split --po2 10 -o "$T/no/such/dir" "$G/fib.elf"
    assert_success
    [ -f "$T/no/such/dir/manifest.yaml" ] && [ -f "$T/no/such/dir/seg-00000.rseg" ]
}

@test "split: a directory holding an earlier split is refused (exit 2) unless --force, which replaces it" {
    need_guests
    printf '\x10\x27\x00\x00' >"$T/n"     # fib(10000): a longer run than fib's default
    raiko-split --po2 10 --input-item "$T/n" -o "$T/d" "$G/fib.elf"
    long=$(ls "$T/d" | grep -c '\.rseg$')
    cp "$T/d/manifest.yaml" "$T/old-manifest"
    run raiko-split --po2 10 -o "$T/d" "$G/fib.elf"
    assert_failure 2
    assert_output --partial "$T/d: holds an earlier split"
    assert_one_line
    cmp "$T/d/manifest.yaml" "$T/old-manifest"
    # --force: no segment of the longer run is left beside the new ones
    run raiko-split --force --po2 10 -o "$T/d" "$G/fib.elf"
    assert_success
    raiko-split --po2 10 -o "$T/fresh" "$G/fib.elf"
    [ "$(ls "$T/d")" = "$(ls "$T/fresh")" ] || fail "left behind: $(diff <(ls "$T/d") <(ls "$T/fresh"))"
    [ "$(ls "$T/d" | grep -c '\.rseg$')" -lt "$long" ]
    # a split killed after --force removed the old files leaves no manifest of the old run
    raiko-split --po2 10 --input-item "$T/n" -o "$T/k" "$G/fib.elf"
    run env RAIKO_TEST_KILL_WRITE=1 raiko-split --force --po2 10 -o "$T/k" "$G/fib.elf"
    [ ! -e "$T/k/manifest.yaml" ]
    # another file in the directory is not an earlier split, and is left alone
    mkdir "$T/o"; echo keep >"$T/o/notes.txt"
    run raiko-split --po2 10 -o "$T/o" "$G/fib.elf"
    assert_success
    [ "$(cat "$T/o/notes.txt")" = keep ]
    # --segment K replaces only its own file
    run raiko-split --po2 10 --segment 1 -o "$T/o" "$G/fib.elf"
    assert_success
}

@test "split: a guest built with picolibc (printf, malloc, qsort) runs" {
    need_guests
    [ -f "$G/t/hello_picolibc.elf" ] || skip "picolibc-riscv64-unknown-elf not installed"
    run raiko-split --execute-only "$G/t/hello_picolibc.elf"
    assert_success
    assert_line "picolibc: sorted 0..9, ok"
    assert_line "exit_code: 0"
}

@test "split: segment files do not depend on the thread count" {
    need_guests
    # 2^16 words: ~500 changed pages per segment, so page hashing takes the parallel path
    printf '\x00\x00\x01\x00\x05\x00\x00\x00' >"$T/n"
    OMP_NUM_THREADS=1 raiko-split --po2 22 --input-item "$T/n" -o "$T/t1" "$G/memsort.elf"
    OMP_NUM_THREADS=2 raiko-split --po2 22 --input-item "$T/n" -o "$T/t2" "$G/memsort.elf"
    [ "$(ls "$T/t1" | wc -l)" -ge 3 ]
    for f in "$T"/t1/*; do cmp "$f" "$T/t2/$(basename "$f")"; done
}

@test "split: --max-cycles stops a longer run as a guest fault (exit 1, no files)" {
    need_guests
    n=$(raiko-split --execute-only "$G/fib.elf" | sed -n 's/^cycles: //p')
    run raiko-split --max-cycles "$n" --po2 10 -o "$T/ok" "$G/fib.elf"
    assert_success
    run raiko-split --max-cycles $((n - 1)) --po2 10 -o "$T/m" "$G/fib.elf"
    assert_failure 1
    assert_output --partial "guest still running after --max-cycles $((n - 1))"
    [ -z "$(ls -A "$T/m")" ]
    run raiko-split --max-cycles 100 --execute-only "$G/fib.elf"
    assert_failure 1
    run raiko-split --max-cycles 0 --execute-only "$G/fib.elf"
    assert_success
    run raiko-split --max-cycles -1 --execute-only "$G/fib.elf"
    assert_failure 2
    assert_output --partial "--max-cycles must be a number of cycles"
}

@test "split: a guest that never halts stops at the default limit (4096 segments) with exit 1, no files" {
    command -v riscv64-unknown-elf-gcc >/dev/null || skip "no RISC-V cross compiler"
    printf '.section .text\n.globl _start\n_start: j _start\n' >"$T/loop.S"
    riscv64-unknown-elf-gcc -march=rv32im -mabi=ilp32 -nostdlib -static -T "$top/guests/sdk/guest.ld" \
        -Wl,--build-id=none -o "$T/loop.elf" "$T/loop.S"
    run raiko-split --po2 10 -o "$T/o" "$T/loop.elf"
    assert_failure 1
    assert_output --partial "guest still running after 4194304 cycles"
    assert_output --partial "the default limit (4096 segments, at most 2^32 cycles): raise it with --max-cycles N, or 0 for none"
    assert_one_line
    [ -z "$(ls -A "$T/o")" ]
    run raiko-split --po2 10 --max-cycles 5000 --execute-only "$T/loop.elf"
    assert_failure 1
    assert_output --partial "guest still running after --max-cycles 5000"
}
