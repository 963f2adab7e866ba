#!/usr/bin/env bats
# SP1's hash precompiles (SHA_EXTEND, SHA_COMPRESS, KECCAK_PERMUTE) as guests
# use them: the sha256_pre / keccak_pre example guests against python3's
# hashlib and an independent python Keccak-256, and raiko-prove-seg's exit 3
# for a segment that uses them (the segment AIR has no table for them yet).
load helper

G=${RAIKO_GUESTS:-$top/guests/build}

need_pre() {
    [ -f "$G/sha256_pre.elf" ] || skip "guests not built (make -C guests needs riscv64-unknown-elf-gcc)"
}

pv() { sed -n 's/^public_values: //p'; }
cyc() { sed -n 's/^cycles: //p'; }

@test "precompile: sha256_pre equals python3 hashlib.sha256 on edge and random lengths, in fewer cycles than software" {
    need_pre
    for n in 0 1 55 56 63 64 65 119 120 128 1000 4097; do
        head -c $n /dev/urandom >"$T/m"
        want=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$T/m")
        run raiko-split --execute-only --input-item "$T/m" "$G/sha256_pre.elf"
        assert_success
        [ "$(echo "$output" | pv)" = "$want" ] || { echo "n=$n: $(echo "$output" | pv) != $want"; false; }
    done
    # 4097 bytes = 65 blocks: the precompile saves thousands of cycles per block
    pre=$(echo "$output" | cyc)
    run raiko-split --execute-only --input-item "$T/m" "$G/sha256.elf"
    assert_success
    [ "$(echo "$output" | pv)" = "$want" ]
    soft=$(echo "$output" | cyc)
    echo "cycles: software $soft, precompile $pre"
    [ $((pre * 10)) -lt "$soft" ]
}

# keccak guest input: u32 count, then count x (u32 len, bytes); output: u32 count,
# keccak256 of the first item, keccak256 of all the hashes concatenated
keccak_py() {
    python3 - "$@" <<'PY'
import struct, sys
M = (1 << 64) - 1
def rol(x, n): return ((x << n) | (x >> (64 - n))) & M if n else x
def rc_bit(t):
    r = 1
    for _ in range(t % 255):
        r <<= 1
        if r & 0x100: r ^= 0x171
    return r & 1
RC = [sum(rc_bit(j + 7 * i) << ((1 << j) - 1) for j in range(7)) for i in range(24)]
OFF = [[0] * 5 for _ in range(5)]
x, y = 1, 0
for t in range(24):
    OFF[x][y] = (t + 1) * (t + 2) // 2 % 64
    x, y = y, (2 * x + 3 * y) % 5
def f(A):
    for r in range(24):
        C = [A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4] for x in range(5)]
        D = [C[(x - 1) % 5] ^ rol(C[(x + 1) % 5], 1) for x in range(5)]
        A = [[A[x][y] ^ D[x] for y in range(5)] for x in range(5)]
        B = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                B[y][(2 * x + 3 * y) % 5] = rol(A[x][y], OFF[x][y])
        A = [[B[x][y] ^ (~B[(x + 1) % 5][y] & B[(x + 2) % 5][y] & M) for y in range(5)] for x in range(5)]
        A[0][0] ^= RC[r]
    return A
def keccak256(m):
    m = bytearray(m) + b'\x01'
    while len(m) % 136: m += b'\x00'
    m[-1] ^= 0x80
    A = [[0] * 5 for _ in range(5)]
    for o in range(0, len(m), 136):
        for i in range(17):
            A[i % 5][i // 5] ^= int.from_bytes(m[o + 8 * i:o + 8 * i + 8], 'little')
        A = f(A)
    return b''.join(A[i % 5][i // 5].to_bytes(8, 'little') for i in range(4))
assert keccak256(b'').hex() == 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
items = [open(p, 'rb').read() for p in sys.argv[2:]]
with open(sys.argv[1], 'wb') as o:
    o.write(struct.pack('<I', len(items)))
    for it in items: o.write(struct.pack('<I', len(it)) + it)
hs = [keccak256(it) for it in items]
print((struct.pack('<I', len(items)) + hs[0] + keccak256(b''.join(hs))).hex())
PY
}

@test "precompile: keccak_pre equals an independent python Keccak-256 on edge and random lengths" {
    need_pre
    files=()
    for n in 0 1 135 136 137 271 272 1000; do
        head -c $n /dev/urandom >"$T/k$n"
        files+=("$T/k$n")
    done
    want=$(keccak_py "$T/in" "${files[@]}")
    run raiko-split --execute-only --input-item "$T/in" "$G/keccak_pre.elf"
    assert_success
    [ "$(echo "$output" | pv)" = "$want" ]
    pre=$(echo "$output" | cyc)
    run raiko-split --execute-only --input-item "$T/in" "$G/keccak.elf"
    assert_success
    [ "$(echo "$output" | pv)" = "$want" ]
    soft=$(echo "$output" | cyc)
    echo "cycles: software $soft, precompile $pre"
    [ $((pre * 10)) -lt "$soft" ]
}

@test "precompile: prove-seg refuses a segment that calls them: exit 3 naming the syscall" {
    need_pre
    printf 'abc' >"$T/abc"
    raiko-split -q --po2 12 -o "$T/s" --input-item "$T/abc" "$G/sha256_pre.elf"
    run raiko-prove-seg -o "$T/r.rrcpt" "$T/s/seg-00000.rseg"
    assert_failure 3
    assert_output --partial "SHA_EXTEND (0x00300105) at pc 0x"
    assert_output --partial "was executed but is not provable yet"
    [ ! -e "$T/r.rrcpt" ]
    printf '\1\0\0\0\3\0\0\0abc' >"$T/kin"
    raiko-split -q --po2 12 -o "$T/k" --input-item "$T/kin" "$G/keccak_pre.elf"
    run raiko-prove-seg -o "$T/r.rrcpt" "$T/k/seg-00000.rseg"
    assert_failure 3
    assert_output --partial "KECCAK_PERMUTE (0x00010109) at pc 0x"
    assert_output --partial "was executed but is not provable yet"
}
