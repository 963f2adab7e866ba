/* blake2b.c - BLAKE2b-512 (RFC 7693), unkeyed: snarkjs hashes the circuit
 * (the .zkey "csHash") and the phase-2 transcript with it. */
#include "snarkjs/snarkjs.h"

#include <string.h>

static const uint64_t b2b_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

static const uint8_t b2b_sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return x >> n | x << (64 - n); }

#define B2B_G(a, b, c, d, x, y)                                                \
    do {                                                                       \
        v[a] = v[a] + v[b] + (x); v[d] = rotr64(v[d] ^ v[a], 32);              \
        v[c] = v[c] + v[d];       v[b] = rotr64(v[b] ^ v[c], 24);              \
        v[a] = v[a] + v[b] + (y); v[d] = rotr64(v[d] ^ v[a], 16);              \
        v[c] = v[c] + v[d];       v[b] = rotr64(v[b] ^ v[c], 63);              \
    } while (0)

static void b2b_compress(sj_blake2b *s, int last)
{
    uint64_t v[16], m[16];
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[i + 8] = b2b_iv[i];
    }
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    if (last)
        v[14] = ~v[14];
    for (int i = 0; i < 16; i++)
        m[i] = rk_le64(s->buf + 8 * i);
    for (int r = 0; r < 12; r++) {
        const uint8_t *sg = b2b_sigma[r];
        B2B_G(0, 4, 8, 12, m[sg[0]], m[sg[1]]);
        B2B_G(1, 5, 9, 13, m[sg[2]], m[sg[3]]);
        B2B_G(2, 6, 10, 14, m[sg[4]], m[sg[5]]);
        B2B_G(3, 7, 11, 15, m[sg[6]], m[sg[7]]);
        B2B_G(0, 5, 10, 15, m[sg[8]], m[sg[9]]);
        B2B_G(1, 6, 11, 12, m[sg[10]], m[sg[11]]);
        B2B_G(2, 7, 8, 13, m[sg[12]], m[sg[13]]);
        B2B_G(3, 4, 9, 14, m[sg[14]], m[sg[15]]);
    }
    for (int i = 0; i < 8; i++)
        s->h[i] ^= v[i] ^ v[i + 8];
}

void sj_blake2b_init(sj_blake2b *s)
{
    memset(s, 0, sizeof *s);
    memcpy(s->h, b2b_iv, sizeof s->h);
    s->h[0] ^= 0x01010000ULL ^ 64; /* fanout 1, depth 1, no key, 64-byte digest */
}

void sj_blake2b_update(sj_blake2b *s, const void *p, size_t n)
{
    const uint8_t *in = p;
    while (n) {
        /* compress a full block only once more input follows (the last block is special) */
        if (s->n == 128) {
            s->t[0] += 128;
            if (s->t[0] < 128)
                s->t[1]++;
            b2b_compress(s, 0);
            s->n = 0;
        }
        size_t k = 128 - s->n < n ? 128 - s->n : n;
        memcpy(s->buf + s->n, in, k);
        s->n += k;
        in += k;
        n -= k;
    }
}

void sj_blake2b_final(sj_blake2b *s, uint8_t out[64])
{
    s->t[0] += s->n;
    if (s->t[0] < s->n)
        s->t[1]++;
    memset(s->buf + s->n, 0, 128 - s->n);
    b2b_compress(s, 1);
    for (int i = 0; i < 8; i++)
        rk_put_le64(out + 8 * i, s->h[i]);
}
