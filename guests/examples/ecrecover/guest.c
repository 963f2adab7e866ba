/* ecrecover/guest.c - Ethereum's ECRECOVER through SP1's precompiles, the
 * way k256's patched recovery does it: R from r with SECP256K1_DECOMPRESS
 * (cross-checked against the FP_SQRT hook), scalars mod n with UINT256_MUL
 * and the FP_INV hook (each hint checked with a constrained multiply), and
 * Q = r^-1 (s R - z G) with SECP256K1_ADD / DOUBLE.
 * Input: one 97-byte item z | r | s (32-byte big-endian each) | v (0/1).
 * Output (public values): Q's x | y, 32-byte big-endian each. */
#include "raiko_guest.h"

typedef struct { uint32_t c[16]; int inf; } point; /* x words 0..7, y words 8..15 (LE) */

static const uint32_t N[8] = {0xD0364141, 0xBFD25E8C, 0xAF48A03B, 0xBAAEDCE6,
                              0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
static const uint32_t P[8] = {0xFFFFFC2F, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF,
                              0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
static const uint32_t GX[8] = {0x16F81798, 0x59F2815B, 0x2DCE28D9, 0x029BFCDB,
                               0xCE870B07, 0x55A06295, 0xF9DCBBAC, 0x79BE667E};
static const uint32_t GY[8] = {0xFB10D4B8, 0x9C47D08F, 0xA6855419, 0xFD17B448,
                               0x0E1108A8, 0x5DA4FBFC, 0x26A3C465, 0x483ADA77};

static void from_be(uint32_t w[8], const uint8_t *b)
{
    for (int i = 0; i < 8; i++)
        w[i] = (uint32_t)b[31 - 4 * i] | (uint32_t)b[30 - 4 * i] << 8 | (uint32_t)b[29 - 4 * i] << 16 |
               (uint32_t)b[28 - 4 * i] << 24;
}

static void to_be(uint8_t *b, const uint32_t w[8])
{
    for (int i = 0; i < 8; i++) {
        b[31 - 4 * i] = (uint8_t)w[i];
        b[30 - 4 * i] = (uint8_t)(w[i] >> 8);
        b[29 - 4 * i] = (uint8_t)(w[i] >> 16);
        b[28 - 4 * i] = (uint8_t)(w[i] >> 24);
    }
}

static int lt(const uint32_t *a, const uint32_t *b)
{
    for (int i = 7; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

static int is_zero(const uint32_t *a)
{
    uint32_t o = 0;
    for (int i = 0; i < 8; i++)
        o |= a[i];
    return o == 0;
}

static int is_one(const uint32_t *a) { return a[0] == 1 && is_zero((const uint32_t[8]){0, a[1], a[2], a[3], a[4], a[5], a[6], a[7]}); }

/* x = x * y mod m */
static void mulmod(uint32_t x[8], const uint32_t y[8], const uint32_t m[8])
{
    uint32_t ym[16];
    memcpy(ym, y, 32);
    memcpy(ym + 8, m, 32);
    rk_uint256_mulmod(x, ym);
}

/* r = a^-1 mod m from the FP_INV hook, checked: a * r == 1 */
static void invmod(uint32_t r[8], const uint32_t a[8], const uint32_t m[8])
{
    uint8_t ab[32], mb[32], rb[32];
    to_be(ab, a);
    to_be(mb, m);
    rk_fp_inv_hint(rb, ab, mb, 32);
    from_be(r, rb);
    uint32_t t[8];
    memcpy(t, a, 32);
    mulmod(t, r, m);
    if (!is_one(t) || !lt(r, m))
        rk_panic("ecrecover: wrong inverse hint");
}

static void pt_double(point *a)
{
    if (a->inf)
        return;
    if (is_zero(a->c + 8)) {
        a->inf = 1;
        return;
    }
    rk_secp256k1_double(a->c);
}

static void pt_add(point *a, const point *b)
{
    if (b->inf)
        return;
    if (a->inf) {
        *a = *b;
        return;
    }
    if (!memcmp(a->c, b->c, 32)) { /* same x: the same point or its negative */
        if (!memcmp(a->c + 8, b->c + 8, 32))
            pt_double(a);
        else
            a->inf = 1;
        return;
    }
    rk_secp256k1_add(a->c, b->c);
}

/* a = u1 G + u2 R, one double-and-add pass over both scalars (Shamir's trick) */
static void dual_mul(point *acc, const uint32_t u1[8], const point *g, const uint32_t u2[8], const point *rp)
{
    acc->inf = 1;
    for (int bit = 255; bit >= 0; bit--) {
        pt_double(acc);
        if ((u1[bit / 32] >> (bit % 32)) & 1)
            pt_add(acc, g);
        if ((u2[bit / 32] >> (bit % 32)) & 1)
            pt_add(acc, rp);
    }
}

int main(void)
{
    uint32_t len = 0;
    const uint8_t *in = rk_read_item(&len);
    if (!in || len != 97 || in[96] > 1)
        rk_panic("ecrecover: input must be z | r | s | v (97 bytes, v 0 or 1)");
    static uint32_t z[8], r[8], s[8], one[8] = {1};
    from_be(z, in);
    from_be(r, in + 32);
    from_be(s, in + 64);
    if (is_zero(r) || is_zero(s) || !lt(r, N) || !lt(s, N))
        rk_panic("ecrecover: r or s out of range");
    mulmod(z, one, N); /* z mod n */

    /* R: x = r, y of parity v */
    static point R, G, Q;
    memcpy(R.c + 8, r, 32);
    rk_secp256k1_decompress(R.c, in[96]);
    memcpy(R.c + 8, R.c, 32);   /* decompress leaves y in words 0..7, x stays in 8..15 */
    memcpy(R.c, r, 32);         /* our point layout is x then y */
    /* cross-check y with the FP_SQRT hook: y^2 = r^3 + 7 (mod p), constrained by UINT256_MUL */
    uint32_t y2[8], t[8];
    memcpy(y2, r, 32);
    mulmod(y2, r, P);
    mulmod(y2, r, P);
    /* y2 + 7 mod p: r^3 < p, so add and subtract p once if needed */
    uint64_t c = 7;
    for (int i = 0; i < 8; i++) { c += y2[i]; y2[i] = (uint32_t)c; c >>= 32; }
    if (c || !lt(y2, P)) {
        uint64_t bw = 0;
        for (int i = 0; i < 8; i++) { uint64_t d = (uint64_t)y2[i] - P[i] - bw; y2[i] = (uint32_t)d; bw = (d >> 32) & 1; }
    }
    uint8_t eb[32], pb[32], nqr[32] = {0}, rb[32];
    nqr[31] = 3;
    to_be(eb, y2);
    to_be(pb, P);
    if (!rk_fp_sqrt_hint(rb, eb, pb, nqr, 32))
        rk_panic("ecrecover: r is not the x of a curve point (sqrt hook)");
    from_be(t, rb);
    uint32_t sq[8];
    memcpy(sq, t, 32);
    mulmod(sq, t, P);
    if (memcmp(sq, y2, 32))
        rk_panic("ecrecover: wrong square-root hint");
    uint32_t ry[8];
    memcpy(ry, R.c + 8, 32);
    mulmod(ry, ry, P);
    if (memcmp(ry, y2, 32))
        rk_panic("ecrecover: SECP256K1_DECOMPRESS gave a y that is not a root");

    /* u1 = -z / r, u2 = s / r (mod n) */
    uint32_t rinv[8], u1[8], u2[8];
    invmod(rinv, r, N);
    memcpy(u1, z, 32);
    mulmod(u1, rinv, N);
    if (!is_zero(u1)) {
        uint64_t bw = 0;
        for (int i = 0; i < 8; i++) { uint64_t d = (uint64_t)N[i] - u1[i] - bw; u1[i] = (uint32_t)d; bw = (d >> 32) & 1; }
    }
    memcpy(u2, s, 32);
    mulmod(u2, rinv, N);
    memcpy(G.c, GX, 32);
    memcpy(G.c + 8, GY, 32);
    dual_mul(&Q, u1, &G, u2, &R);
    if (Q.inf)
        rk_panic("ecrecover: the recovered key is the point at infinity");
    uint8_t out[64];
    to_be(out, Q.c);
    to_be(out + 32, Q.c + 8);
    rk_commit(out, 64);
    return 0;
}
