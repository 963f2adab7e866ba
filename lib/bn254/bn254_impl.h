/* bn254_impl.h - internal to lib/bn254: the 4-limb Montgomery core shared by
 * Fq and Fr, and helpers shared by the .c files.  Not a public header. */
#ifndef RAIKO_BN254_IMPL_H
#define RAIKO_BN254_IMPL_H

#include "bn254/bn254.h"
#include "common/err.h"

typedef unsigned __int128 u128;

/* a < b as 256-bit integers */
static inline int u256_lt(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

/* c = a - b mod 2^256, returns the borrow */
static inline uint64_t u256_sub(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    u128 t = 0;
    uint64_t br = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)a[i] - b[i] - br;
        c[i] = (uint64_t)t;
        br = (uint64_t)(t >> 64) & 1;
    }
    return br;
}

/* c = a + b mod 2^256, returns the carry */
static inline uint64_t u256_add(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)a[i] + b[i] + (uint64_t)(t >> 64);
        c[i] = (uint64_t)t;
    }
    return (uint64_t)(t >> 64);
}

/* Modular add/sub for a, b < p < 2^254: a + b < 2^255 never carries out. */
static inline void mod_add(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    uint64_t s[4], d[4];
    u256_add(s, a, b);
    uint64_t br = u256_sub(d, s, p);
    /* select without a branch on the data: keep s when s < p */
    uint64_t m = 0 - br;
    for (int i = 0; i < 4; i++)
        c[i] = (s[i] & m) | (d[i] & ~m);
}

static inline void mod_sub(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    uint64_t d[4], pm[4];
    uint64_t br = u256_sub(d, a, b);
    uint64_t m = 0 - br;
    for (int i = 0; i < 4; i++)
        pm[i] = p[i] & m;
    u256_add(c, d, pm);
}

/* Montgomery product c = a*b/2^256 mod p, a, b < p.  CIOS with the "spare
 * top bit" shortcut: p's top limb is < 2^62, so the running sum fits in four
 * limbs plus a word that never overflows, and the result is < 2p before the
 * final conditional subtraction. */
static inline void mont_mul_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                     const uint64_t p[4], uint64_t pinv)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int i = 0; i < 4; i++) {
        u128 acc;
        uint64_t k, t4;
        acc = (u128)a[0] * b[i] + t0;
        t0 = (uint64_t)acc;
        acc = (u128)a[1] * b[i] + t1 + (uint64_t)(acc >> 64);
        t1 = (uint64_t)acc;
        acc = (u128)a[2] * b[i] + t2 + (uint64_t)(acc >> 64);
        t2 = (uint64_t)acc;
        acc = (u128)a[3] * b[i] + t3 + (uint64_t)(acc >> 64);
        t3 = (uint64_t)acc;
        t4 = (uint64_t)(acc >> 64);
        k = t0 * pinv;
        acc = (u128)k * p[0] + t0;
        acc = (u128)k * p[1] + t1 + (uint64_t)(acc >> 64);
        t0 = (uint64_t)acc;
        acc = (u128)k * p[2] + t2 + (uint64_t)(acc >> 64);
        t1 = (uint64_t)acc;
        acc = (u128)k * p[3] + t3 + (uint64_t)(acc >> 64);
        t2 = (uint64_t)acc;
        t3 = t4 + (uint64_t)(acc >> 64);
    }
    uint64_t t[4] = {t0, t1, t2, t3}, d[4];
    uint64_t br = u256_sub(d, t, p);
    uint64_t m = 0 - br;
    for (int i = 0; i < 4; i++)
        c[i] = (t[i] & m) | (d[i] & ~m);
}

#endif
