/* keccak/core.c - Keccak-256 (Ethereum's, pad 0x01) over many inputs, as in
 * state-trie hashing.  Input: u32 count, then count x (u32 len, bytes).
 * Output: u32 count, the hash of the first input, and the Keccak-256 of the
 * concatenation of all the hashes (32 + 32 bytes). */
#include <stddef.h>
#include <stdint.h>
#ifdef RK_KECCAK_PRECOMPILE
#include "raiko_guest.h"
#endif

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
static const unsigned keccak_rot[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43,
                                        25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static uint64_t rol64(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccak_f1600(uint64_t a[25])
{
#ifdef RK_KECCAK_PRECOMPILE
    /* SP1's KECCAK_PERMUTE ecall (as SP1's tiny-keccak patch does) */
    rk_keccak_permute(a);
    return;
#endif
    for (int r = 0; r < 24; r++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++)
            a[i] ^= d[i % 5];
        for (int x = 0; x < 5; x++)          /* rho and pi: b[y, 2x+3y] = rot(a[x, y]) */
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(a[x + 5 * y], keccak_rot[x + 5 * y]);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= keccak_rc[r];
    }
}

static void keccak256(const uint8_t *in, size_t len, uint8_t out[32])
{
    uint64_t a[25] = {0};
    const size_t rate = 136;
    uint8_t blk[136];
    for (;;) {
        size_t k = len < rate ? len : rate;
        for (size_t i = 0; i < rate; i++)
            blk[i] = i < k ? in[i] : 0;
        if (k < rate) {
            blk[k] ^= 0x01;
            blk[rate - 1] ^= 0x80;
        }
        for (size_t i = 0; i < rate / 8; i++) {
            uint64_t w = 0;
            for (int j = 7; j >= 0; j--)
                w = w << 8 | blk[8 * i + (size_t)j];
            a[i] ^= w;
        }
        keccak_f1600(a);
        if (k < rate)
            break;
        in += rate;
        len -= rate;
    }
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

static uint32_t keccak_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t keccak_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));
size_t keccak_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t))
{
    uint32_t count = len >= 4 ? keccak_le32(in) : 0;
    uint8_t *all = alloc((size_t)count * 32 + 1);
    size_t off = 4;
    uint32_t done = 0;
    for (; done < count && off + 4 <= len; done++) {
        uint32_t n = keccak_le32(in + off);
        off += 4;
        if (n > len - off)
            break;
        keccak256(in + off, n, all + 32 * (size_t)done);
        off += n;
    }
    out[0] = (uint8_t)done; out[1] = (uint8_t)(done >> 8); out[2] = (uint8_t)(done >> 16); out[3] = (uint8_t)(done >> 24);
    for (int i = 0; i < 32; i++)
        out[4 + i] = done ? all[i] : 0;
    keccak256(all, (size_t)done * 32, out + 36);
    return 68;
}
