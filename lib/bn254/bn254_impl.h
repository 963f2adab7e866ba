/* bn254_impl.h - internal to lib/bn254: the 4-limb Montgomery core shared by
 * Fq and Fr, and helpers shared by the .c files.  Not a public header. */
#ifndef RAIKO_BN254_IMPL_H
#define RAIKO_BN254_IMPL_H

#include "bn254/bn254.h"
#include "common/err.h"
#include "common/mem.h" /* rk_big_alloc: MSM scratch on huge pages */

typedef unsigned __int128 u128;

/* a < b as 256-bit integers */
static inline int u256_lt(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

#if defined(__x86_64__)
#include <x86intrin.h>
/* carry chains as ADC/SBB (base x86-64, no target flags needed) */
static inline uint64_t u256_sub(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    unsigned long long r0, r1, r2, r3;
    unsigned char br = _subborrow_u64(0, a[0], b[0], &r0);
    br = _subborrow_u64(br, a[1], b[1], &r1);
    br = _subborrow_u64(br, a[2], b[2], &r2);
    br = _subborrow_u64(br, a[3], b[3], &r3);
    c[0] = r0; c[1] = r1; c[2] = r2; c[3] = r3;
    return br;
}
static inline uint64_t u256_add(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    unsigned long long r0, r1, r2, r3;
    unsigned char cy = _addcarry_u64(0, a[0], b[0], &r0);
    cy = _addcarry_u64(cy, a[1], b[1], &r1);
    cy = _addcarry_u64(cy, a[2], b[2], &r2);
    cy = _addcarry_u64(cy, a[3], b[3], &r3);
    c[0] = r0; c[1] = r1; c[2] = r2; c[3] = r3;
    return cy;
}
#else
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
#endif

/* Modular add/sub for a, b < p < 2^254: a + b < 2^255 never carries out.
 * Portable C; on x86-64 the hot paths use the asm below instead (left to
 * itself GCC turns the final select into SSE shuffles, about 3x the
 * instructions). */
static inline void mod_add_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    uint64_t s[4], d[4];
    u256_add(s, a, b);
    uint64_t br = u256_sub(d, s, p);
    /* select without a branch on the data: keep s when s < p */
    uint64_t m = 0 - br;
    for (int i = 0; i < 4; i++)
        c[i] = (s[i] & m) | (d[i] & ~m);
}

static inline void mod_sub_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    uint64_t d[4], pm[4];
    uint64_t br = u256_sub(d, a, b);
    uint64_t m = 0 - br;
    for (int i = 0; i < 4; i++)
        pm[i] = p[i] & m;
    u256_add(c, d, pm);
}

#if defined(__x86_64__) && !defined(RAIKO_NO_ASM)
#define BN254_HAVE_ADX 1
/* 1 when the CPU has BMI2 + ADX and the asm paths are in use (fq.c sets it
 * at load time; bn254_use_asm() switches it for tests).  The add/sub asm
 * needs only base x86-64 but follows the same switch, so bn254_use_asm(0)
 * runs the whole portable field layer. */
extern int bn254_adx;

/* c = a + b mod p: add/adc, then a trial subtraction of p whose borrow
 * picks the sum back with CMOV (no branch, no SSE round trip). */
static inline __attribute__((always_inline)) void mod_add_asm(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                                              const uint64_t p[4])
{
    uint64_t s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3], d0, d1, d2, d3;
    __asm__("addq %[b0], %[s0]\n\t"
            "adcq %[b1], %[s1]\n\t"
            "adcq %[b2], %[s2]\n\t"
            "adcq %[b3], %[s3]\n\t"
            "movq %[s0], %[d0]\n\t"
            "movq %[s1], %[d1]\n\t"
            "movq %[s2], %[d2]\n\t"
            "movq %[s3], %[d3]\n\t"
            "subq %[p0], %[d0]\n\t"
            "sbbq %[p1], %[d1]\n\t"
            "sbbq %[p2], %[d2]\n\t"
            "sbbq %[p3], %[d3]\n\t"
            "cmovcq %[s0], %[d0]\n\t"
            "cmovcq %[s1], %[d1]\n\t"
            "cmovcq %[s2], %[d2]\n\t"
            "cmovcq %[s3], %[d3]"
            : [s0] "+&r"(s0), [s1] "+&r"(s1), [s2] "+&r"(s2), [s3] "+&r"(s3),
              [d0] "=&r"(d0), [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3)
            : [b0] "m"(b[0]), [b1] "m"(b[1]), [b2] "m"(b[2]), [b3] "m"(b[3]),
              [p0] "m"(p[0]), [p1] "m"(p[1]), [p2] "m"(p[2]), [p3] "m"(p[3])
            : "cc");
    c[0] = d0;
    c[1] = d1;
    c[2] = d2;
    c[3] = d3;
}

/* c = a - b mod p: sub/sbb; on a borrow CMOV loads p into the zeroed
 * addend, which the add/adc chain then adds back. */
static inline __attribute__((always_inline)) void mod_sub_asm(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                                              const uint64_t p[4])
{
    uint64_t d0 = a[0], d1 = a[1], d2 = a[2], d3 = a[3], t0, t1, t2, t3;
    __asm__("xorl %k[t0], %k[t0]\n\t"
            "xorl %k[t1], %k[t1]\n\t"
            "xorl %k[t2], %k[t2]\n\t"
            "xorl %k[t3], %k[t3]\n\t"
            "subq %[b0], %[d0]\n\t"
            "sbbq %[b1], %[d1]\n\t"
            "sbbq %[b2], %[d2]\n\t"
            "sbbq %[b3], %[d3]\n\t"
            "cmovcq %[p0], %[t0]\n\t"
            "cmovcq %[p1], %[t1]\n\t"
            "cmovcq %[p2], %[t2]\n\t"
            "cmovcq %[p3], %[t3]\n\t"
            "addq %[t0], %[d0]\n\t"
            "adcq %[t1], %[d1]\n\t"
            "adcq %[t2], %[d2]\n\t"
            "adcq %[t3], %[d3]"
            : [d0] "+&r"(d0), [d1] "+&r"(d1), [d2] "+&r"(d2), [d3] "+&r"(d3),
              [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [b0] "m"(b[0]), [b1] "m"(b[1]), [b2] "m"(b[2]), [b3] "m"(b[3]),
              [p0] "m"(p[0]), [p1] "m"(p[1]), [p2] "m"(p[2]), [p3] "m"(p[3])
            : "cc");
    c[0] = d0;
    c[1] = d1;
    c[2] = d2;
    c[3] = d3;
}

/* out-of-line portable add/sub (fq.c): the fallback stays a call */
void bn254_mod_add_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]);
void bn254_mod_sub_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]);

static inline __attribute__((always_inline)) void mod_add(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                                          const uint64_t p[4])
{
    if (__builtin_expect(bn254_adx, 1))
        mod_add_asm(c, a, b, p);
    else
        bn254_mod_add_portable(c, a, b, p);
}
static inline __attribute__((always_inline)) void mod_sub(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                                          const uint64_t p[4])
{
    if (__builtin_expect(bn254_adx, 1))
        mod_sub_asm(c, a, b, p);
    else
        bn254_mod_sub_portable(c, a, b, p);
}
#else
#define mod_add mod_add_portable
#define mod_sub mod_sub_portable
#endif

/* Montgomery product c = a*b/2^256 mod p, a, b < p.  CIOS with the "spare
 * top bit" shortcut: p's top limb is < 2^62, so the running sum fits in four
 * limbs plus a word that never overflows, and the result is < 2p before the
 * final conditional subtraction. */
static inline __attribute__((always_inline)) void mont_mul_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                     const uint64_t p[4], uint64_t pinv)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
#pragma GCC unroll 4
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

#ifdef BN254_HAVE_ADX
/* The same CIOS Montgomery product with MULX and two independent carry
 * chains (ADOX for the low halves, ADCX for the high halves).  Four rows of
 * "t += a * b_i; t += m p; drop the zero limb"; the limb that becomes zero
 * is reused as the next row's top limb, so the five accumulators rotate.
 * Bounds as in the portable code keep every chain's final carry zero.
 * Inline asm (not a target attribute) so it inlines into any caller. */
static inline __attribute__((always_inline)) void mont_mul_adx(uint64_t c[4], const uint64_t a[4], const uint64_t b[4],
                                const uint64_t p[4], const uint64_t *pinv)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi, z;
    __asm__(
        "movq 0(%[b]), %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %[z], %[t4]\n\t"
        "movq %[t0], %%rdx\n\t"
        "imulq %[pinv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 8(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 16(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 24(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %[z], %[t4]\n\t"
        "movq 8(%[b]), %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %[z], %[t0]\n\t"
        "movq %[t1], %%rdx\n\t"
        "imulq %[pinv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 8(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 16(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 24(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %[z], %[t0]\n\t"
        "movq 16(%[b]), %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %[z], %[t1]\n\t"
        "movq %[t2], %%rdx\n\t"
        "imulq %[pinv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 8(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 16(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 24(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %[z], %[t1]\n\t"
        "movq 24(%[b]), %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %[z], %[t2]\n\t"
        "movq %[t3], %%rdx\n\t"
        "imulq %[pinv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq 0(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 8(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 16(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 24(%[p]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %[z], %[t2]\n\t"
        /* the result t4, t0, t1, t2 is < 2p: subtract p into the spare
         * registers and keep the difference unless it borrowed (in asm:
         * as C, GCC turned this select into SSE with a store-forwarding
         * stall) */
        "movq %[t4], %[t3]\n\t"
        "movq %[t0], %[lo]\n\t"
        "movq %[t1], %[hi]\n\t"
        "movq %[t2], %[z]\n\t"
        "subq 0(%[p]), %[t3]\n\t"
        "sbbq 8(%[p]), %[lo]\n\t"
        "sbbq 16(%[p]), %[hi]\n\t"
        "sbbq 24(%[p]), %[z]\n\t"
        "cmovncq %[t3], %[t4]\n\t"
        "cmovncq %[lo], %[t0]\n\t"
        "cmovncq %[hi], %[t1]\n\t"
        "cmovncq %[z], %[t2]\n\t"
        : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
          [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
        : [a] "r"(a), [b] "r"(b), [p] "r"(p), [pinv] "m"(*pinv)
#ifdef __clang__
        /* the template reads a, b, p through the pointers: clang would spend
         * a register on each array operand (it runs out under ASan), so it
         * gets the coarser "memory" clobber (about 10% slower) */
        : "rdx", "cc", "memory");
#else
          , "m"(*(const uint64_t(*)[4])a), "m"(*(const uint64_t(*)[4])b), "m"(*(const uint64_t(*)[4])p)
        : "rdx", "cc");
#endif
    /* after row 3 the accumulators read t4, t0, t1, t2 (t3 was the dropped zero) */
    c[0] = t4;
    c[1] = t0;
    c[2] = t1;
    c[3] = t2;
}
#endif

/* ---- inline field layer: the hot paths (towers, curves, MSM, FFT) call
 * these so the compiler sees whole formulas; the public fq_/fr_/fq2_
 * functions are thin wrappers around them. */

static const uint64_t BN254_Q_I[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                      0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t BN254_R_I[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                      0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FQ_PINV_I = 0x87d20782e4866389ULL;   /* -q^-1 mod 2^64 */
static const uint64_t FR_PINV_I = 0xc2e1f593efffffffULL;   /* -r^-1 mod 2^64 */
static const uint64_t FQ_ONE_I[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                     0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
static const uint64_t FR_ONE_I[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL,
                                     0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};

/* Out-of-line portable products (fq.c, fr.c): with the asm path inlined
 * everywhere, the fallback stays a call so the hot code stays small. */
void bn254_fq_mont_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4]);
void bn254_fr_mont_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4]);

#ifdef BN254_HAVE_ADX
#define BN254_MONT(c, a, b, P, PINV, PORTABLE)                                 \
    do {                                                                       \
        if (__builtin_expect(bn254_adx, 1))                                    \
            mont_mul_adx(c, a, b, P, &PINV);                                   \
        else                                                                   \
            PORTABLE(c, a, b);                                                 \
    } while (0)
#else
#define BN254_MONT(c, a, b, P, PINV, PORTABLE) mont_mul_portable(c, a, b, P, PINV)
#endif

#define BN254_INLINE_FIELD(X, T, P, PINV, ONE, PORTABLE)                                 \
    static inline void X##_zero(T *a) { a->l[0] = a->l[1] = a->l[2] = a->l[3] = 0; } \
    static inline void X##_one(T *a)                                           \
    {                                                                          \
        a->l[0] = ONE[0]; a->l[1] = ONE[1]; a->l[2] = ONE[2]; a->l[3] = ONE[3]; \
    }                                                                          \
    static inline void X##_add(T *c, const T *a, const T *b) { mod_add(c->l, a->l, b->l, P); } \
    static inline void X##_sub(T *c, const T *a, const T *b) { mod_sub(c->l, a->l, b->l, P); } \
    static inline void X##_double(T *c, const T *a) { mod_add(c->l, a->l, a->l, P); } \
    static inline void X##_neg(T *c, const T *a)                               \
    {                                                                          \
        static const uint64_t z[4] = {0, 0, 0, 0};                             \
        mod_sub(c->l, z, a->l, P);                                             \
    }                                                                          \
    static inline __attribute__((always_inline)) void X##_mul(T *c, const T *a, const T *b) \
    {                                                                          \
        BN254_MONT(c->l, a->l, b->l, P, PINV, PORTABLE);                       \
    }                                                                          \
    static inline __attribute__((always_inline)) void X##_sqr(T *c, const T *a) \
    {                                                                          \
        BN254_MONT(c->l, a->l, a->l, P, PINV, PORTABLE);                       \
    }                                                                          \
    static inline int X##_eq(const T *a, const T *b)                           \
    {                                                                          \
        return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) | (a->l[3] ^ b->l[3])) == 0; \
    }                                                                          \
    static inline int X##_is_zero(const T *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }

BN254_INLINE_FIELD(fqi, fq_t, BN254_Q_I, FQ_PINV_I, FQ_ONE_I, bn254_fq_mont_portable)
BN254_INLINE_FIELD(fri, fr_t, BN254_R_I, FR_PINV_I, FR_ONE_I, bn254_fr_mont_portable)

static inline void fqi_inv(fq_t *c, const fq_t *a) { fq_inv(c, a); }

/* c = a/2: a, or a + q when a is odd, shifted right (a + q < 2^255 fits).
 * Montgomery form commutes with halving, so this is the field's a * 2^-1. */
static inline void fqi_half(fq_t *c, const fq_t *a)
{
    uint64_t t[4], m = 0 - (a->l[0] & 1), pm[4];
    for (int i = 0; i < 4; i++)
        pm[i] = BN254_Q_I[i] & m;
    u256_add(t, a->l, pm);
    c->l[0] = (t[0] >> 1) | (t[1] << 63);
    c->l[1] = (t[1] >> 1) | (t[2] << 63);
    c->l[2] = (t[2] >> 1) | (t[3] << 63);
    c->l[3] = t[3] >> 1;
}

/* Fq2 = Fq[u]/(u^2+1) */
static inline void fq2i_zero(fq2_t *a) { fqi_zero(&a->c0); fqi_zero(&a->c1); }
static inline void fq2i_one(fq2_t *a) { fqi_one(&a->c0); fqi_zero(&a->c1); }
static inline void fq2i_add(fq2_t *c, const fq2_t *a, const fq2_t *b) { fqi_add(&c->c0, &a->c0, &b->c0); fqi_add(&c->c1, &a->c1, &b->c1); }
static inline void fq2i_sub(fq2_t *c, const fq2_t *a, const fq2_t *b) { fqi_sub(&c->c0, &a->c0, &b->c0); fqi_sub(&c->c1, &a->c1, &b->c1); }
static inline void fq2i_neg(fq2_t *c, const fq2_t *a) { fqi_neg(&c->c0, &a->c0); fqi_neg(&c->c1, &a->c1); }
static inline void fq2i_double(fq2_t *c, const fq2_t *a) { fqi_double(&c->c0, &a->c0); fqi_double(&c->c1, &a->c1); }
static inline void fq2i_conj(fq2_t *c, const fq2_t *a) { c->c0 = a->c0; fqi_neg(&c->c1, &a->c1); }
static inline int fq2i_eq(const fq2_t *a, const fq2_t *b) { return fqi_eq(&a->c0, &b->c0) & fqi_eq(&a->c1, &b->c1); }
static inline int fq2i_is_zero(const fq2_t *a) { return fqi_is_zero(&a->c0) & fqi_is_zero(&a->c1); }
static inline void fq2i_mul(fq2_t *c, const fq2_t *a, const fq2_t *b)
{
    /* (a0 + a1 u)(b0 + b1 u) = a0b0 - a1b1 + ((a0+a1)(b0+b1) - a0b0 - a1b1) u */
    fq_t t0, t1, s0, s1;
    fqi_mul(&t0, &a->c0, &b->c0);
    fqi_mul(&t1, &a->c1, &b->c1);
    fqi_add(&s0, &a->c0, &a->c1);
    fqi_add(&s1, &b->c0, &b->c1);
    fqi_mul(&s0, &s0, &s1);
    fqi_sub(&c->c0, &t0, &t1);
    fqi_sub(&s0, &s0, &t0);
    fqi_sub(&c->c1, &s0, &t1);
}
static inline void fq2i_sqr(fq2_t *c, const fq2_t *a)
{
    /* (a0 + a1 u)^2 = (a0+a1)(a0-a1) + 2 a0 a1 u */
    fq_t s, d, m;
    fqi_add(&s, &a->c0, &a->c1);
    fqi_sub(&d, &a->c0, &a->c1);
    fqi_mul(&m, &a->c0, &a->c1);
    fqi_mul(&c->c0, &s, &d);
    fqi_double(&c->c1, &m);
}
static inline void fq2i_mul_fq(fq2_t *c, const fq2_t *a, const fq_t *b)
{
    fqi_mul(&c->c0, &a->c0, b);
    fqi_mul(&c->c1, &a->c1, b);
}
static inline void fq2i_mul_xi(fq2_t *c, const fq2_t *a)
{
    /* (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u; 9x = 8x + x by doublings */
    fq_t t0, t1;
    fqi_double(&t0, &a->c0); fqi_double(&t0, &t0); fqi_double(&t0, &t0); fqi_add(&t0, &t0, &a->c0);
    fqi_double(&t1, &a->c1); fqi_double(&t1, &t1); fqi_double(&t1, &t1); fqi_add(&t1, &t1, &a->c1);
    fqi_sub(&t0, &t0, &a->c1);
    fqi_add(&t1, &t1, &a->c0);
    c->c0 = t0;
    c->c1 = t1;
}
static inline void fq2i_inv(fq2_t *c, const fq2_t *a) { fq2_inv(c, a); }
static inline void fq2i_half(fq2_t *c, const fq2_t *a) { fqi_half(&c->c0, &a->c0); fqi_half(&c->c1, &a->c1); }

/* ---- AVX-512 IFMA chords for the MSM (ifma.c).  bn254_ifma: 1 when the CPU
 * has AVX-512F + IFMA, RAIKO_NO_AVX512 is unset, and bn254_use_ifma() left it
 * on (the constant tables are built at load time).
 * For i < m (m a multiple of 32; the caller pads with den = 1, the rest 0):
 *   t = 1/den[i], lam = num[i] t, x3[i] = lam^2 - px[i] - qx[i],
 *   y3[i] = lam (px[i] - x3[i]) - py[i];
 * vec: bn254_ifma_scratch_bytes(m) bytes, 64-byte aligned. */
extern int bn254_ifma;
size_t bn254_ifma_scratch_bytes(size_t m);
void bn254_ifma_chords_fq(fq_t *x3, fq_t *y3, const fq_t *den, const fq_t *num, const fq_t *px, const fq_t *qx,
                          const fq_t *py, size_t m, void *vec);
void bn254_ifma_chords_fq2(fq2_t *x3, fq2_t *y3, const fq2_t *den, const fq2_t *num, const fq2_t *px,
                           const fq2_t *qx, const fq2_t *py, size_t m, void *vec);


#endif
