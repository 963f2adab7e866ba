/* field.c - the non-inline parts of the BabyBear field and its quartic extension. */
#include "field/field.h"

#include <assert.h>

bb_t bb_pow(bb_t a, uint64_t e)
{
    bb_t r = bb_one();
    while (e) {
        if (e & 1) r = bb_mul(r, a);
        a = bb_sqr(a);
        e >>= 1;
    }
    return r;
}

/* Fermat: a^(p-2); maps 0 to 0 as the contract asks. */
bb_t bb_inv(bb_t a) { return bb_pow(a, BB_P - 2); }

/* Montgomery's trick: one inversion and 3(n-1) multiplications per chunk.  Zeros are skipped
 * (treated as 1 in the running product) so they neither poison the product nor need a branch by
 * the caller.  The prefix products live in a stack buffer, so out may alias in and nothing is
 * allocated; the cost is one field inversion (~50 multiplications) per BATCH_CHUNK elements. */
#define BATCH_CHUNK 1024
void bb_batch_inv(bb_t *out, const bb_t *in, size_t n)
{
    bb_t prefix[BATCH_CHUNK];
    for (size_t base = 0; base < n; base += BATCH_CHUNK) {
        size_t m = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;
        const bb_t *x = in + base;
        bb_t *y = out + base;
        bb_t acc = bb_one();
        for (size_t i = 0; i < m; i++) {
            prefix[i] = acc; /* product of the nonzero x[0..i) */
            if (x[i] != 0) acc = bb_mul(acc, x[i]);
        }
        bb_t inv = bb_inv(acc); /* inverse of the product of all nonzero x */
        for (size_t i = m; i-- > 0;) {
            bb_t xi = x[i];
            if (xi == 0) {
                y[i] = 0;
                continue;
            }
            y[i] = bb_mul(inv, prefix[i]);
            inv = bb_mul(inv, xi);
        }
    }
}

bb_t bb_generator(void) { return bb_from_u32(31); }

bb_t bb_two_adic_generator(unsigned bits)
{
    assert(bits <= BB_TWO_ADICITY);
    bb_t g = bb_from_u32(0x1a427a41u); /* primitive 2^27-th root, 31^15 (Plonky3) */
    for (unsigned i = bits; i < BB_TWO_ADICITY; i++) g = bb_sqr(g);
    return g;
}

/* ---- extension ---- */

bb4_t bb4_pow(bb4_t a, uint64_t e)
{
    bb4_t r = bb4_one();
    while (e) {
        if (e & 1) r = bb4_mul(r, a);
        a = bb4_sqr(a);
        e >>= 1;
    }
    return r;
}

/* Inverse through the tower F[Y]/(Y^2 - 11), Y = X^2: write a = A + X B with A = a0 + a2 Y and
 * B = a1 + a3 Y.  Then a (A - X B) = A^2 - Y B^2 =: C = c0 + c1 Y lies in F[Y], and
 * C (c0 - c1 Y) = c0^2 - 11 c1^2 =: n lies in F_p.  So a^-1 = (A - X B)(c0 - c1 Y) / n.
 * n = 0 only for a = 0 (X^4 - 11 is irreducible), which yields 0 as the contract asks. */
bb4_t bb4_inv(bb4_t a)
{
    const bb_t w = bb_from_u32(BB4_W);
    bb_t a0 = a.c[0], a1 = a.c[1], a2 = a.c[2], a3 = a.c[3];
    /* A^2 = (a0^2 + 11 a2^2) + 2 a0 a2 Y;  B^2 = (a1^2 + 11 a3^2) + 2 a1 a3 Y;  Y B^2 = 11*2 a1 a3 + (a1^2 + 11 a3^2) Y */
    bb_t A2_0 = bb_add(bb_sqr(a0), bb_mul(w, bb_sqr(a2)));
    bb_t A2_1 = bb_double(bb_mul(a0, a2));
    bb_t B2_0 = bb_add(bb_sqr(a1), bb_mul(w, bb_sqr(a3)));
    bb_t B2_1 = bb_double(bb_mul(a1, a3));
    bb_t c0 = bb_sub(A2_0, bb_mul(w, B2_1));
    bb_t c1 = bb_sub(A2_1, B2_0);
    bb_t n = bb_sub(bb_sqr(c0), bb_mul(w, bb_sqr(c1)));
    bb_t ninv = bb_inv(n);
    /* D = (c0 - c1 Y) / n = d0 + d1 Y */
    bb_t d0 = bb_mul(c0, ninv), d1 = bb_neg(bb_mul(c1, ninv));
    /* (A - X B) D = (A D) - X (B D);  A D = (a0 d0 + 11 a2 d1) + (a0 d1 + a2 d0) Y,  same for B */
    bb4_t r;
    r.c[0] = bb_add(bb_mul(a0, d0), bb_mul(w, bb_mul(a2, d1)));
    r.c[2] = bb_add(bb_mul(a0, d1), bb_mul(a2, d0));
    r.c[1] = bb_neg(bb_add(bb_mul(a1, d0), bb_mul(w, bb_mul(a3, d1))));
    r.c[3] = bb_neg(bb_add(bb_mul(a1, d1), bb_mul(a3, d0)));
    return r;
}

static int bb4_is_zero(bb4_t a) { return (a.c[0] | a.c[1] | a.c[2] | a.c[3]) == 0; }

void bb4_batch_inv(bb4_t *out, const bb4_t *in, size_t n)
{
    bb4_t prefix[BATCH_CHUNK / 4]; /* same scheme as bb_batch_inv, 4 KiB of stack */
    for (size_t base = 0; base < n; base += BATCH_CHUNK / 4) {
        size_t m = n - base < BATCH_CHUNK / 4 ? n - base : BATCH_CHUNK / 4;
        const bb4_t *x = in + base;
        bb4_t *y = out + base;
        bb4_t acc = bb4_one();
        for (size_t i = 0; i < m; i++) {
            prefix[i] = acc;
            if (!bb4_is_zero(x[i])) acc = bb4_mul(acc, x[i]);
        }
        bb4_t inv = bb4_inv(acc);
        for (size_t i = m; i-- > 0;) {
            bb4_t xi = x[i];
            if (bb4_is_zero(xi)) {
                y[i] = bb4_zero();
                continue;
            }
            y[i] = bb4_mul(inv, prefix[i]);
            inv = bb4_mul(inv, xi);
        }
    }
}
