/* field.h - the BabyBear prime field and its quartic extension (Plonky3 / SP1 conventions).
 *
 * p = 2^31 - 2^27 + 1 = 0x78000001.  An element bb_t is stored in Montgomery form with R = 2^32
 * (the stored word is a*R mod p, always in [0, p)), exactly as Plonky3's MontyField31 does, so
 * multiplication is one 32x32 product and one Montgomery reduction.  The stored word is NOT the
 * value: convert with bb_from_u32 / bb_to_u32.  Serialization is always the canonical value
 * bb_to_u32(a) as a little-endian u32; readers must reject words >= p (bb_is_canonical).
 *
 * The extension is F_p[X]/(X^4 - 11) (Plonky3 BinomialExtensionField<BabyBear, 4>, W = 11),
 * element c0 + c1 X + c2 X^2 + c3 X^3 stored as c[0..3].
 *
 * See docs/primitives.md.
 */
#ifndef RAIKO_FIELD_FIELD_H
#define RAIKO_FIELD_FIELD_H

#include <stddef.h>
#include <stdint.h>

#define BB_P 0x78000001u
#define BB_MONTY_MU 0x88000001u  /* p^-1 mod 2^32 */
#define BB_R2 0x45dddde3u        /* 2^64 mod p: multiplying by it (Montgomery) converts into internal form */
#define BB_TWO_ADICITY 27

typedef uint32_t bb_t; /* BabyBear element in INTERNAL (Montgomery) form - not its integer value! */

/* Montgomery reduction: x < 2^32 * p  ->  x * 2^-32 mod p, in [0, p). */
static inline uint32_t bb_monty_reduce(uint64_t x)
{
    uint32_t t = (uint32_t)x * BB_MONTY_MU;  /* x - t*p is divisible by 2^32 */
    uint64_t u = (uint64_t)t * BB_P;
    uint64_t d = x - u;
    uint32_t hi = (uint32_t)(d >> 32);
    return x < u ? hi + BB_P : hi;
}

/* any u32 (not necessarily < p), reduced mod p, into internal form */
static inline bb_t bb_from_u32(uint32_t x) { return bb_monty_reduce((uint64_t)x * BB_R2); }
/* canonical value in [0, p) */
static inline uint32_t bb_to_u32(bb_t a) { return bb_monty_reduce(a); }
/* 1 iff x is a canonical encoding (x < p); parsers use it to reject non-canonical words */
static inline int bb_is_canonical(uint32_t x) { return x < BB_P; }

static inline bb_t bb_zero(void) { return 0; }
static inline bb_t bb_one(void) { return 0x0ffffffeu; } /* R mod p */

static inline bb_t bb_add(bb_t a, bb_t b)
{
    uint32_t s = a + b; /* < 2p < 2^32 */
    return s >= BB_P ? s - BB_P : s;
}
static inline bb_t bb_sub(bb_t a, bb_t b)
{
    uint32_t d = a - b;
    return a < b ? d + BB_P : d;
}
static inline bb_t bb_neg(bb_t a) { return bb_sub(0, a); }
static inline bb_t bb_double(bb_t a) { return bb_add(a, a); }
static inline bb_t bb_mul(bb_t a, bb_t b) { return bb_monty_reduce((uint64_t)a * b); }
static inline bb_t bb_sqr(bb_t a) { return bb_mul(a, a); }
static inline int bb_eq(bb_t a, bb_t b) { return a == b; } /* representation is unique */

bb_t bb_pow(bb_t a, uint64_t e);
bb_t bb_inv(bb_t a);                                   /* bb_inv(0) = 0 */
void bb_batch_inv(bb_t *out, const bb_t *in, size_t n); /* zeros stay zero; out may == in */
bb_t bb_generator(void);                               /* 31, the multiplicative generator / coset shift */
/* Plonky3's TWO_ADIC_GENERATORS[bits]: 0x1a427a41^(2^(27-bits)), a primitive 2^bits-th root of
 * unity.  bits <= 27 (asserted: a larger value is a caller bug, not an input error). */
bb_t bb_two_adic_generator(unsigned bits);

/* ---- quartic extension F_p[X]/(X^4 - 11) ---- */
#define BB4_W 11u
typedef struct { bb_t c[4]; } bb4_t; /* c0 + c1 X + c2 X^2 + c3 X^3 with X^4 = 11 (Plonky3/SP1) */

static inline bb4_t bb4_zero(void) { bb4_t r = {{0, 0, 0, 0}}; return r; }
static inline bb4_t bb4_from_base(bb_t a) { bb4_t r = {{a, 0, 0, 0}}; return r; }
static inline bb4_t bb4_one(void) { return bb4_from_base(bb_one()); }
static inline bb4_t bb4_add(bb4_t a, bb4_t b)
{
    bb4_t r;
    for (int i = 0; i < 4; i++) r.c[i] = bb_add(a.c[i], b.c[i]);
    return r;
}
static inline bb4_t bb4_sub(bb4_t a, bb4_t b)
{
    bb4_t r;
    for (int i = 0; i < 4; i++) r.c[i] = bb_sub(a.c[i], b.c[i]);
    return r;
}
static inline bb4_t bb4_neg(bb4_t a)
{
    bb4_t r;
    for (int i = 0; i < 4; i++) r.c[i] = bb_neg(a.c[i]);
    return r;
}
static inline bb4_t bb4_mul_base(bb4_t a, bb_t b)
{
    bb4_t r;
    for (int i = 0; i < 4; i++) r.c[i] = bb_mul(a.c[i], b);
    return r;
}
static inline int bb4_eq(bb4_t a, bb4_t b)
{
    return a.c[0] == b.c[0] && a.c[1] == b.c[1] && a.c[2] == b.c[2] && a.c[3] == b.c[3];
}
/* Schoolbook product with lazy reduction.  The X^4 wrap-around terms are folded in by using
 * 11*b_j (X^4 = 11); each coefficient is then a sum of 4 products of words < p, reduced in two
 * pairs (2 p^2 < 2^32 p keeps one Montgomery reduction exact) and added. */
static inline bb4_t bb4_mul(bb4_t a, bb4_t b)
{
    const bb_t w = 0x37ffffe9u; /* 11 in internal form (11 * 2^32 mod p) */
    uint64_t a0 = a.c[0], a1 = a.c[1], a2 = a.c[2], a3 = a.c[3];
    uint64_t b0 = b.c[0], b1 = b.c[1], b2 = b.c[2], b3 = b.c[3];
    uint64_t wb1 = bb_mul(b.c[1], w), wb2 = bb_mul(b.c[2], w), wb3 = bb_mul(b.c[3], w);
    bb4_t r;
    r.c[0] = bb_add(bb_monty_reduce(a0 * b0 + a1 * wb3), bb_monty_reduce(a2 * wb2 + a3 * wb1));
    r.c[1] = bb_add(bb_monty_reduce(a0 * b1 + a1 * b0), bb_monty_reduce(a2 * wb3 + a3 * wb2));
    r.c[2] = bb_add(bb_monty_reduce(a0 * b2 + a1 * b1), bb_monty_reduce(a2 * b0 + a3 * wb3));
    r.c[3] = bb_add(bb_monty_reduce(a0 * b3 + a1 * b2), bb_monty_reduce(a2 * b1 + a3 * b0));
    return r;
}
static inline bb4_t bb4_sqr(bb4_t a) { return bb4_mul(a, a); }

bb4_t bb4_inv(bb4_t a);                                   /* bb4_inv(0) = 0 */
bb4_t bb4_pow(bb4_t a, uint64_t e);
void bb4_batch_inv(bb4_t *out, const bb4_t *in, size_t n); /* zeros stay zero; out may == in */

/* ---- SIMD dispatch shared by lib/ntt and lib/hash ----
 * The AVX2 paths run when the CPU supports AVX2 and the environment variable RAIKO_NO_AVX2 is
 * unset or "0" (read once).  Both paths give byte-identical results; the switch exists so tests
 * can compare them and so a user can rule the vector code out. */
int bb_simd_avx2(void);          /* 1 iff the AVX2 paths are in use */
void bb_simd_set_avx2(int on);   /* test hook: 0 forces the scalar paths; 1 re-enables AVX2 if the CPU has it */
/* AVX-512 (F, BW, DQ, VL): used only when the AVX2 paths are on too, the CPU has it and
 * RAIKO_NO_AVX512 is unset or "0".  bb_simd_set_avx512(0) keeps AVX2 but rules AVX-512 out
 * (tests compare all three paths); bb_simd_set_avx2(0) turns both off. */
int bb_simd_avx512(void);        /* 1 iff the AVX-512 paths are in use */
void bb_simd_set_avx512(int on); /* test hook, as bb_simd_set_avx2 */

/* ---- 8-lane AVX2 arithmetic (x86-64 only) ----
 * Eight elements in internal form, one per 32-bit lane, every lane in [0, p).  These functions
 * carry __attribute__((target("avx2"))): call them only from functions with the same attribute
 * (BB_AVX2), and only when bb_simd_avx2() says so.  They give exactly the scalar results. */
#if defined(__x86_64__)
#include <immintrin.h>
#define BB_AVX2 __attribute__((target("avx2")))
#define BB_HAVE_AVX2_CODE 1

static inline BB_AVX2 __m256i bb8_set1(bb_t a) { return _mm256_set1_epi32((int)a); }
static inline BB_AVX2 __m256i bb8_load(const bb_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
static inline BB_AVX2 void bb8_store(bb_t *p, __m256i a) { _mm256_storeu_si256((__m256i *)p, a); }

/* a + b: the sum is < 2p < 2^32; min(s, s - p) picks s - p exactly when s >= p (else it wraps) */
static inline BB_AVX2 __m256i bb8_add(__m256i a, __m256i b)
{
    __m256i s = _mm256_add_epi32(a, b);
    return _mm256_min_epu32(s, _mm256_sub_epi32(s, _mm256_set1_epi32((int)BB_P)));
}
/* a - b: if it borrowed, d + p is the smaller (wrapped) word */
static inline BB_AVX2 __m256i bb8_sub(__m256i a, __m256i b)
{
    __m256i d = _mm256_sub_epi32(a, b);
    return _mm256_min_epu32(d, _mm256_add_epi32(d, _mm256_set1_epi32((int)BB_P)));
}
static inline BB_AVX2 __m256i bb8_neg(__m256i a) { return bb8_sub(_mm256_setzero_si256(), a); }
/* Montgomery product of 8 lanes: even and odd lanes go through _mm256_mul_epu32 separately;
 * only the high halves of x = a b and of q p (q = x mu mod 2^32) are needed, since their low
 * halves are equal by construction.  (x - q p) / 2^32 lies in (-p, p): fix the sign with min. */
static inline BB_AVX2 __m256i bb8_mul(__m256i a, __m256i b)
{
    const __m256i p = _mm256_set1_epi32((int)BB_P), mu = _mm256_set1_epi32((int)BB_MONTY_MU);
    __m256i x_evn = _mm256_mul_epu32(a, b);
    __m256i x_odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    __m256i qp_evn = _mm256_mul_epu32(_mm256_mul_epu32(x_evn, mu), p);
    __m256i qp_odd = _mm256_mul_epu32(_mm256_mul_epu32(x_odd, mu), p);
    __m256i x_hi = _mm256_blend_epi32(_mm256_srli_epi64(x_evn, 32), x_odd, 0xaa);
    __m256i qp_hi = _mm256_blend_epi32(_mm256_srli_epi64(qp_evn, 32), qp_odd, 0xaa);
    __m256i r = _mm256_sub_epi32(x_hi, qp_hi);
    return _mm256_min_epu32(r, _mm256_add_epi32(r, p));
}
static inline BB_AVX2 __m256i bb8_sqr(__m256i a) { return bb8_mul(a, a); }
/* 8x8 transpose of 32-bit words: r[i] lane j <- a[j] lane i */
static inline BB_AVX2 void bb8_transpose8(__m256i r[8], const __m256i a[8])
{
    __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]), t1 = _mm256_unpackhi_epi32(a[0], a[1]);
    __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]), t3 = _mm256_unpackhi_epi32(a[2], a[3]);
    __m256i t4 = _mm256_unpacklo_epi32(a[4], a[5]), t5 = _mm256_unpackhi_epi32(a[4], a[5]);
    __m256i t6 = _mm256_unpacklo_epi32(a[6], a[7]), t7 = _mm256_unpackhi_epi32(a[6], a[7]);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* ---- 16-lane AVX-512 arithmetic: the same as the 8-lane functions, twice as wide.
 * Call only from BB_AVX512 functions, and only when bb_simd_avx512() says so. */
#define BB_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static inline BB_AVX512 __m512i bb16_set1(bb_t a) { return _mm512_set1_epi32((int)a); }
static inline BB_AVX512 __m512i bb16_load(const bb_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline BB_AVX512 void bb16_store(bb_t *p, __m512i a) { _mm512_storeu_si512((void *)p, a); }
static inline BB_AVX512 __m512i bb16_add(__m512i a, __m512i b)
{
    __m512i s = _mm512_add_epi32(a, b);
    return _mm512_min_epu32(s, _mm512_sub_epi32(s, _mm512_set1_epi32((int)BB_P)));
}
static inline BB_AVX512 __m512i bb16_sub(__m512i a, __m512i b)
{
    __m512i d = _mm512_sub_epi32(a, b);
    return _mm512_min_epu32(d, _mm512_add_epi32(d, _mm512_set1_epi32((int)BB_P)));
}
static inline BB_AVX512 __m512i bb16_neg(__m512i a) { return bb16_sub(_mm512_setzero_si512(), a); }
/* as bb8_mul: even and odd lanes separately, keep the high halves, fix the sign with min */
static inline BB_AVX512 __m512i bb16_mul(__m512i a, __m512i b)
{
    const __m512i p = _mm512_set1_epi32((int)BB_P), mu = _mm512_set1_epi32((int)BB_MONTY_MU);
    __m512i x_evn = _mm512_mul_epu32(a, b);
    __m512i x_odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    __m512i qp_evn = _mm512_mul_epu32(_mm512_mul_epu32(x_evn, mu), p);
    __m512i qp_odd = _mm512_mul_epu32(_mm512_mul_epu32(x_odd, mu), p);
    __m512i x_hi = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(x_evn, 32), x_odd);
    __m512i qp_hi = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(qp_evn, 32), qp_odd);
    __m512i r = _mm512_sub_epi32(x_hi, qp_hi);
    return _mm512_min_epu32(r, _mm512_add_epi32(r, p));
}
static inline BB_AVX512 __m512i bb16_sqr(__m512i a) { return bb16_mul(a, a); }
#endif

#endif
