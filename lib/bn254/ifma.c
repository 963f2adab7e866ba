/* ifma.c - batched affine chords for the MSM on 8 lanes of AVX-512 IFMA.
 *
 * The MSM's bucket trees spend their time in one computation, repeated for
 * thousands of independent point pairs:
 *     t = 1/den (one inversion for the whole batch, Montgomery's trick),
 *     lam = num t,  x3 = lam^2 - px - qx,  y3 = lam (px - x3) - py.
 * This file computes it for 8 pairs at a time with VPMADD52LUQ/HUQ (52-bit
 * multiply-accumulate): on this project's machine an 8-lane Montgomery
 * product has the throughput of one or two scalar MULX products
 * (docs/bn254.md has the numbers).  The portable path in msm_tmpl.h
 * computes the same values; results are canonical field elements, so both
 * give the same bytes.
 *
 * Representation inside: an element of Fq as 5 limbs of 52 bits, one limb
 * per 512-bit register (8 lanes = 8 elements), in Montgomery form with
 * R' = 2^260.  Elements enter and leave as the library's stored integers
 * (R = 2^256, 4 x 64-bit limbs, canonical) without conversion: chords()
 * explains why the factor 16 between the two forms cancels.  Values are
 * kept lazily reduced (below a small multiple of q, limbs normalized to
 * < 2^52); the bounds are noted at each step.  The Montgomery product
 * returns a value < 2q for any inputs whose product is < 2^260 q.
 *
 * Fq2 (for G2) is built on the same lanes: component-wise linear operations
 * and the schoolbook product (4 lane products: cheap here, and simpler bounds
 * than Karatsuba). */
#include "bn254/bn254_impl.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && !defined(RAIKO_NO_ASM)
#include <immintrin.h>
#define HAVE_IFMA_BUILD 1
#endif

int bn254_ifma;

static int cpu_has_ifma(void)
{
#ifdef HAVE_IFMA_BUILD
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
    return 0;
#endif
}

/* RAIKO_NO_AVX512 (as for lib/field) rules the 512-bit path out */
static int ifma_allowed(void)
{
    const char *env = getenv("RAIKO_NO_AVX512");
    return !(env && *env && strcmp(env, "0") != 0);
}

static void ifma_init(void);

/* at load time: the switch, and the constant tables (so no thread ever
 * races to build them) */
__attribute__((constructor)) static void bn254_detect_ifma(void)
{
    bn254_ifma = ifma_allowed() && cpu_has_ifma();
    if (bn254_ifma)
        ifma_init();
}

int bn254_use_ifma(int on)
{
    bn254_ifma = on && ifma_allowed() && cpu_has_ifma();
    if (bn254_ifma)
        ifma_init();
    return bn254_ifma;
}

#ifdef HAVE_IFMA_BUILD

#define IFMA __attribute__((target("avx512f,avx512ifma")))
#define M52 0xfffffffffffffULL

typedef struct { __m512i l[5]; } v5;   /* 8 elements, radix 2^52 */

/* constants in radix 2^52: q, -q^-1 mod 2^52, k*q for the lazy subtractions
 * and reductions, made once from the 64-bit forms by ifma_init. */
static uint64_t Q52[5], QINV52, KQ52[9][5];

static void to52(uint64_t o[5], const uint64_t x[4])
{
    o[0] = x[0] & M52;
    o[1] = ((x[0] >> 52) | (x[1] << 12)) & M52;
    o[2] = ((x[1] >> 40) | (x[2] << 24)) & M52;
    o[3] = ((x[2] >> 28) | (x[3] << 36)) & M52;
    o[4] = x[3] >> 16;
}

static void ifma_init(void)
{
    to52(Q52, BN254_Q);
    uint64_t inv = 1;
    #pragma GCC unroll 8
    for (int i = 0; i < 6; i++)
        inv *= 2 - BN254_Q[0] * inv;   /* Newton: q^-1 mod 2^64 */
    QINV52 = (0 - inv) & M52;
    #pragma GCC unroll 8
    for (int k = 0; k <= 8; k++) {
        /* k q < 2^257: four words and a carry word, then five 52-bit limbs */
        u128 c = 0;
        uint64_t kq[5];
        #pragma GCC unroll 8
        for (int i = 0; i < 4; i++) {
            c += (u128)BN254_Q[i] * (unsigned)k;
            kq[i] = (uint64_t)c;
            c >>= 64;
        }
        kq[4] = (uint64_t)c;
        KQ52[k][0] = kq[0] & M52;
        KQ52[k][1] = ((kq[0] >> 52) | (kq[1] << 12)) & M52;
        KQ52[k][2] = ((kq[1] >> 40) | (kq[2] << 24)) & M52;
        KQ52[k][3] = ((kq[2] >> 28) | (kq[3] << 36)) & M52;
        KQ52[k][4] = (kq[3] >> 16) | (kq[4] << 48);
    }
}

static inline IFMA __attribute__((always_inline)) v5 v5_bcast(const uint64_t c[5])
{
    v5 r;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        r.l[i] = _mm512_set1_epi64((long long)c[i]);
    return r;
}

/* G independent products r[j] = a[j] b[j], as v5_mul, with the G
 * computations interleaved instruction by instruction: one product is a
 * chain of ~75 cycles of latency, G of them keep the multipliers busy. */
enum { G = 2 };
static inline IFMA __attribute__((always_inline)) void v5_mul4(v5 *r, const v5 *const a[G], const v5 *const b[G])
{
    const __m512i z = _mm512_setzero_si512(), mask = _mm512_set1_epi64((long long)M52);
    const __m512i qinv = _mm512_set1_epi64((long long)QINV52);
    __m512i q[5];
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        q[i] = _mm512_set1_epi64((long long)Q52[i]);
    __m512i t[G][6];
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++)
        #pragma GCC unroll 8
        for (int i = 0; i < 6; i++)
            t[j][i] = z;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++) {
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++) {
            __m512i bi = b[j]->l[i];
            #pragma GCC unroll 8
            for (int l = 0; l < 5; l++)
                t[j][l] = _mm512_madd52lo_epu64(t[j][l], a[j]->l[l], bi);
            #pragma GCC unroll 8
            for (int l = 0; l < 5; l++)
                t[j][l + 1] = _mm512_madd52hi_epu64(t[j][l + 1], a[j]->l[l], bi);
        }
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++) {
            __m512i m = _mm512_madd52lo_epu64(z, t[j][0], qinv);
            #pragma GCC unroll 8
            for (int l = 0; l < 5; l++)
                t[j][l] = _mm512_madd52lo_epu64(t[j][l], m, q[l]);
            #pragma GCC unroll 8
            for (int l = 0; l < 5; l++)
                t[j][l + 1] = _mm512_madd52hi_epu64(t[j][l + 1], m, q[l]);
        }
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++) {
            t[j][0] = _mm512_add_epi64(t[j][1], _mm512_srli_epi64(t[j][0], 52));
            t[j][1] = t[j][2];
            t[j][2] = t[j][3];
            t[j][3] = t[j][4];
            t[j][4] = t[j][5];
            t[j][5] = z;
        }
    }
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++) {
        #pragma GCC unroll 8
        for (int l = 0; l < 4; l++) {
            t[j][l + 1] = _mm512_add_epi64(t[j][l + 1], _mm512_srli_epi64(t[j][l], 52));
            r[j].l[l] = _mm512_and_si512(t[j][l], mask);
        }
        r[j].l[4] = t[j][4];
    }
}

/* limbs of any sign back to [0, 2^52) with the carries (arithmetic shifts)
 * moved up; the total must be non-negative */
static inline IFMA __attribute__((always_inline)) v5 v5_norm(v5 r)
{
    const __m512i mask = _mm512_set1_epi64((long long)M52);
    #pragma GCC unroll 8
    for (int i = 0; i < 4; i++) {
        r.l[i + 1] = _mm512_add_epi64(r.l[i + 1], _mm512_srai_epi64(r.l[i], 52));
        r.l[i] = _mm512_and_si512(r.l[i], mask);
    }
    return r;
}

static inline IFMA __attribute__((always_inline)) v5 v5_add(const v5 *a, const v5 *b)
{
    v5 r;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        r.l[i] = _mm512_add_epi64(a->l[i], b->l[i]);
    return v5_norm(r);
}

/* a - b + k q (k chosen by the caller so the result is positive) */
static inline IFMA __attribute__((always_inline)) v5 v5_sub(const v5 *a, const v5 *b, int k)
{
    v5 r;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        r.l[i] = _mm512_add_epi64(_mm512_sub_epi64(a->l[i], b->l[i]), _mm512_set1_epi64((long long)KQ52[k][i]));
    return v5_norm(r);
}

/* a < 2kq -> a - kq when that is not negative (k in 1, 2, 4) */
static inline IFMA __attribute__((always_inline)) v5 v5_csub(const v5 *a, int k)
{
    v5 d;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        d.l[i] = _mm512_sub_epi64(a->l[i], _mm512_set1_epi64((long long)KQ52[k][i]));
    d = v5_norm(d);
    /* negative difference (top limb's sign) keeps a */
    __mmask8 neg = _mm512_cmplt_epi64_mask(d.l[4], _mm512_setzero_si512());
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        d.l[i] = _mm512_mask_blend_epi64(neg, d.l[i], a->l[i]);
    return d;
}

/* a < 8q -> a mod q */
static inline IFMA __attribute__((always_inline)) v5 v5_canon8(const v5 *a)
{
    v5 t = v5_csub(a, 4);
    t = v5_csub(&t, 2);
    return v5_csub(&t, 1);
}

/* a / 2 mod q for a < 4q: add q when odd, shift right (a + q < 2^257) */
static inline IFMA __attribute__((always_inline)) v5 v5_half(const v5 *a)
{
    const __m512i one = _mm512_set1_epi64(1), mask = _mm512_set1_epi64((long long)M52);
    __mmask8 odd = _mm512_test_epi64_mask(a->l[0], one);
    v5 t;
    #pragma GCC unroll 8
    for (int i = 0; i < 5; i++)
        t.l[i] = _mm512_mask_add_epi64(a->l[i], odd, a->l[i], _mm512_set1_epi64((long long)Q52[i]));
    t = v5_norm(t);
    v5 r;
    #pragma GCC unroll 8
    for (int i = 0; i < 4; i++)
        r.l[i] = _mm512_and_si512(
            _mm512_or_si512(_mm512_srli_epi64(t.l[i], 1), _mm512_slli_epi64(t.l[i + 1], 51)), mask);
    r.l[4] = _mm512_srli_epi64(t.l[4], 1);
    return r;
}

/* 8 elements of 4 x 64-bit limbs, element e's at a[e] (+ off), into
 * radix 2^52 (no reduction): eight 256-bit loads, a transpose by two rounds
 * of two-source permutes (gathers cost several times more on this CPU), then
 * the limb split. */
static inline IFMA __attribute__((always_inline)) v5 v5_load8(const char *const a[8], size_t off)
{
    __m512i r[4];
    #pragma GCC unroll 8
    for (int p = 0; p < 4; p++)
        r[p] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(a[2 * p] + off))),
                                  _mm256_loadu_si256((const __m256i *)(a[2 * p + 1] + off)), 1);
    const __m512i i01 = _mm512_set_epi64(13, 9, 5, 1, 12, 8, 4, 0), i23 = _mm512_set_epi64(15, 11, 7, 3, 14, 10, 6, 2);
    const __m512i lo = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0), hi = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
    __m512i t0 = _mm512_permutex2var_epi64(r[0], i01, r[1]), t1 = _mm512_permutex2var_epi64(r[0], i23, r[1]);
    __m512i t2 = _mm512_permutex2var_epi64(r[2], i01, r[3]), t3 = _mm512_permutex2var_epi64(r[2], i23, r[3]);
    __m512i x0 = _mm512_permutex2var_epi64(t0, lo, t2), x1 = _mm512_permutex2var_epi64(t0, hi, t2);
    __m512i x2 = _mm512_permutex2var_epi64(t1, lo, t3), x3 = _mm512_permutex2var_epi64(t1, hi, t3);
    const __m512i mask = _mm512_set1_epi64((long long)M52);
    v5 v;
    v.l[0] = _mm512_and_si512(x0, mask);
    v.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x0, 52), _mm512_slli_epi64(x1, 12)), mask);
    v.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x1, 40), _mm512_slli_epi64(x2, 24)), mask);
    v.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x2, 28), _mm512_slli_epi64(x3, 36)), mask);
    v.l[4] = _mm512_srli_epi64(x3, 16);
    return v;
}

/* canonical (< q, normalized) radix-2^52 elements back to 4 x 64-bit limbs
 * at a[e] + off (the transpose of v5_load8) */
static inline IFMA __attribute__((always_inline)) void v5_store8(char *const a[8], size_t off, const v5 *v)
{
    __m512i x0 = _mm512_or_si512(v->l[0], _mm512_slli_epi64(v->l[1], 52));
    __m512i x1 = _mm512_or_si512(_mm512_srli_epi64(v->l[1], 12), _mm512_slli_epi64(v->l[2], 40));
    __m512i x2 = _mm512_or_si512(_mm512_srli_epi64(v->l[2], 24), _mm512_slli_epi64(v->l[3], 28));
    __m512i x3 = _mm512_or_si512(_mm512_srli_epi64(v->l[3], 36), _mm512_slli_epi64(v->l[4], 16));
    const __m512i ilo = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), ihi = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
    const __m512i p0 = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0), p1 = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
    __m512i u0 = _mm512_permutex2var_epi64(x0, ilo, x1), u1 = _mm512_permutex2var_epi64(x2, ilo, x3);
    __m512i u2 = _mm512_permutex2var_epi64(x0, ihi, x1), u3 = _mm512_permutex2var_epi64(x2, ihi, x3);
    __m512i r[4];
    r[0] = _mm512_permutex2var_epi64(u0, p0, u1);
    r[1] = _mm512_permutex2var_epi64(u0, p1, u1);
    r[2] = _mm512_permutex2var_epi64(u2, p0, u3);
    r[3] = _mm512_permutex2var_epi64(u2, p1, u3);
    #pragma GCC unroll 8
    for (int p = 0; p < 4; p++) {
        _mm256_storeu_si256((__m256i *)(a[2 * p] + off), _mm512_castsi512_si256(r[p]));
        _mm256_storeu_si256((__m256i *)(a[2 * p + 1] + off), _mm512_extracti64x4_epi64(r[p], 1));
    }
}

/* ---- elements of Fq (nl = 1) or Fq2 (nl = 2) as nl lanes-vectors */
typedef struct { v5 c[2]; } vfe;

static inline IFMA __attribute__((always_inline)) vfe vfe_sub(const vfe *a, const vfe *b, int k, int nl)
{
    vfe r;
    #pragma GCC unroll 8
    for (int c = 0; c < nl; c++)
        r.c[c] = v5_sub(&a->c[c], &b->c[c], k);
    return r;
}

/* G elements at once: r[j] = a[j] b[j] (components below 8q in, 4q out) */
static inline IFMA __attribute__((always_inline)) void vfe_mul4(vfe *r, const vfe *a, const vfe *b, int nl)
{
    const v5 *pa[G], *pb[G];
    v5 o[G];
    if (nl == 1) {
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            pa[j] = &a[j].c[0], pb[j] = &b[j].c[0];
        v5_mul4(o, pa, pb);
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            r[j].c[0] = o[j];
        return;
    }
    v5 t00[G], t11[G], t01[G], t10[G];
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++)
        pa[j] = &a[j].c[0], pb[j] = &b[j].c[0];
    v5_mul4(t00, pa, pb);
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++)
        pa[j] = &a[j].c[1], pb[j] = &b[j].c[1];
    v5_mul4(t11, pa, pb);
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++)
        pa[j] = &a[j].c[0], pb[j] = &b[j].c[1];
    v5_mul4(t01, pa, pb);
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++)
        pa[j] = &a[j].c[1], pb[j] = &b[j].c[0];
    v5_mul4(t10, pa, pb);
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++) {
        r[j].c[0] = v5_sub(&t00[j], &t11[j], 2);
        r[j].c[1] = v5_add(&t01[j], &t10[j]);
    }
}

/* load 8 elements (component c of element e at a[e] + off + 32c) */
static inline IFMA __attribute__((always_inline)) vfe vfe_load(const char *const a[8], size_t off, int nl)
{
    vfe r;
    #pragma GCC unroll 8
    for (int c = 0; c < nl; c++)
        r.c[c] = v5_load8(a, off + 32 * (size_t)c);
    return r;
}

/* G groups of 8 elements (components < 8q), reduced and stored at
 * base + (first + 8j + e) * fe_bytes */
static inline IFMA __attribute__((always_inline)) void vfe_store4(void *base, size_t first, size_t fe_bytes, const vfe *v,
                                                                  int nl)
{
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++) {
        char *a[8];
        #pragma GCC unroll 8
        for (int e = 0; e < 8; e++)
            a[e] = (char *)base + (first + 8 * (size_t)j + (size_t)e) * fe_bytes;
        #pragma GCC unroll 8
        for (int c = 0; c < nl; c++) {
            v5 t = v5_canon8(&v[j].c[c]);
            v5_store8(a, 32 * (size_t)c, &t);
        }
    }
}

/* G groups of 8 elements from base + (first + 8j + e) * fe_bytes, as they are */
static inline IFMA __attribute__((always_inline)) void vfe_load4(vfe *r, const void *base, size_t first, size_t fe_bytes,
                                                                 int nl)
{
    #pragma GCC unroll 8
    for (int j = 0; j < G; j++) {
        const char *a[8];
        #pragma GCC unroll 8
        for (int e = 0; e < 8; e++)
            a[e] = (const char *)base + (first + 8 * (size_t)j + (size_t)e) * fe_bytes;
        r[j] = vfe_load(a, 0, nl);
    }
}

/* The chords of m pairs (the contract in bn254_impl.h), m a multiple of 8G.
 *
 * No conversions between the library's Montgomery form (R = 2^256) and this
 * file's (R' = 2^260): a stored integer X = v 2^256, read as a 2^260-form
 * number, stands for v/16.  Montgomery's trick inverts whatever it is given,
 * so with den' = den/16 and num' = num/16 it yields t' = 16/den and
 * lam' = num' t' = lam exactly; then with l4 = lam'/4 (two halvings)
 *   x3' = l4^2 - px' - qx' = x3/16,   y3' = lam' (px' - x3') - py' = y3/16,
 * which are, as stored integers, x3 and y3 in the library's form.  Only the
 * 8G lane chains' products cross to the scalar inversion (a factor 2^8 there).
 *
 * Montgomery's trick runs as G chains of vectors (vector k in chain k mod G),
 * 8G lane chains in all, processed G vectors at a time so the products of a
 * step are independent; the 8G chain products are inverted together by the
 * scalar field code (one inversion per batch). */
static inline IFMA __attribute__((always_inline)) void chords(int nl, size_t fe_bytes, void *x3, void *y3,
                                                              const void *den, const void *num, const void *pxs,
                                                              const void *qxs, const void *pys, size_t m, void *vec)
{
    size_t K = m / 8;   /* vectors; a multiple of G */
    vfe *pre = vec, *d = pre + K;
    vfe acc[G];
    {
        /* one in the 2^260 form: the stored integer 2^260 mod q = the library's 16 */
        fq_t one;
        fq_from_u64(&one, 16);
        uint64_t o52[5];
        to52(o52, one.l);
        v5 o = v5_bcast(o52);
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++) {
            acc[j].c[0] = o;
            #pragma GCC unroll 8
            for (int i = 0; i < 5; i++)
                acc[j].c[1].l[i] = _mm512_setzero_si512();
        }
    }
    /* forward: pre[k] = product of the earlier dens of its chain */
    for (size_t k = 0; k < K; k += G) {
        vfe_load4(&d[k], den, 8 * k, fe_bytes, nl);   /* canonical: < q */
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            pre[k + (size_t)j] = acc[j];
        vfe_mul4(acc, acc, &d[k], nl);
    }
    /* the 8G chain products A' (stored integers A' 2^260 = the library's
     * 16 A'): inverted by the scalar code to (16 A')^-1, whose stored
     * integer read back here is A'^-1 / 2^8, so multiply by 2^8 first */
    enum { NL8 = G * 8 };
    uint64_t lim[NL8 * 2 * 4];   /* NL8 elements of nl components of 4 limbs */
    vfe_store4(lim, 0, fe_bytes, acc, nl);
    fq_t k256;
    fq_from_u64(&k256, 256);
    if (nl == 1) {
        fq_t *e = (fq_t *)lim;
        fq_batch_inv(e, e, NL8);
        #pragma GCC unroll 8
        for (int i = 0; i < NL8; i++)
            fq_mul(&e[i], &e[i], &k256);
    } else {
        fq2_t *e = (fq2_t *)lim, prefix[NL8], a, inv, t;
        fq2_one(&a);
        #pragma GCC unroll 8
        for (int i = 0; i < NL8; i++) {
            prefix[i] = a;
            fq2_mul(&a, &a, &e[i]);
        }
        fq2_inv(&inv, &a);
        #pragma GCC unroll 8
        for (int i = NL8; i-- > 0;) {
            fq2_mul(&t, &inv, &prefix[i]);
            fq2_mul(&inv, &inv, &e[i]);
            fq2_mul_fq(&e[i], &t, &k256);
        }
    }
    vfe inv[G];
    vfe_load4(inv, lim, 0, fe_bytes, nl);
    /* backward: pre[k] becomes 1/den' (below 4q) */
    for (size_t k = K; k > 0;) {
        k -= G;
        vfe t[G];
        vfe_mul4(t, inv, &pre[k], nl);
        vfe_mul4(inv, inv, &d[k], nl);
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            pre[k + (size_t)j] = t[j];
    }
    /* the chords, G vectors at a time (bounds per component; Fq2 products
     * give < 4q, Fq ones < 2q) */
    for (size_t k = 0; k < K; k += G) {
        vfe nm[G], px[G], qx[G], py[G], lam[G], l4[G], x[G], y[G], dx[G];
        vfe_load4(nm, num, 8 * k, fe_bytes, nl);          /* all < q */
        vfe_load4(px, pxs, 8 * k, fe_bytes, nl);
        vfe_load4(qx, qxs, 8 * k, fe_bytes, nl);
        vfe_load4(py, pys, 8 * k, fe_bytes, nl);
        vfe_mul4(lam, nm, &pre[k], nl);                   /* < 4q */
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            #pragma GCC unroll 8
            for (int c = 0; c < nl; c++) {
                l4[j].c[c] = v5_half(&lam[j].c[c]);       /* < 2.5q */
                l4[j].c[c] = v5_half(&l4[j].c[c]);        /* < 1.75q */
            }
        vfe_mul4(x, l4, l4, nl);                          /* < 4q */
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++) {
            x[j] = vfe_sub(&x[j], &px[j], 1, nl);         /* < 5q */
            x[j] = vfe_sub(&x[j], &qx[j], 1, nl);         /* < 6q */
            dx[j] = vfe_sub(&px[j], &x[j], 6, nl);        /* < 7q: lam dx < 28 q^2 */
        }
        vfe_mul4(y, lam, dx, nl);                         /* < 4q */
        #pragma GCC unroll 8
        for (int j = 0; j < G; j++)
            y[j] = vfe_sub(&y[j], &py[j], 1, nl);         /* < 5q */
        vfe_store4(x3, 8 * k, fe_bytes, x, nl);
        vfe_store4(y3, 8 * k, fe_bytes, y, nl);
    }
}

IFMA void bn254_ifma_chords_fq(fq_t *x3, fq_t *y3, const fq_t *den, const fq_t *num, const fq_t *px, const fq_t *qx,
                               const fq_t *py, size_t m, void *vec)
{
    chords(1, sizeof(fq_t), x3, y3, den, num, px, qx, py, m, vec);
}

IFMA void bn254_ifma_chords_fq2(fq2_t *x3, fq2_t *y3, const fq2_t *den, const fq2_t *num, const fq2_t *px,
                                const fq2_t *qx, const fq2_t *py, size_t m, void *vec)
{
    chords(2, sizeof(fq2_t), x3, y3, den, num, px, qx, py, m, vec);
}

size_t bn254_ifma_scratch_bytes(size_t m) { return 2 * ((m + 8 * G - 1) / (8 * G) * G) * sizeof(vfe); }


#else

void bn254_ifma_chords_fq(fq_t *x3, fq_t *y3, const fq_t *den, const fq_t *num, const fq_t *px, const fq_t *qx,
                          const fq_t *py, size_t m, void *vec)
{
    (void)x3, (void)y3, (void)den, (void)num, (void)px, (void)qx, (void)py, (void)m, (void)vec;
}
void bn254_ifma_chords_fq2(fq2_t *x3, fq2_t *y3, const fq2_t *den, const fq2_t *num, const fq2_t *px,
                           const fq2_t *qx, const fq2_t *py, size_t m, void *vec)
{
    (void)x3, (void)y3, (void)den, (void)num, (void)px, (void)qx, (void)py, (void)m, (void)vec;
}
size_t bn254_ifma_scratch_bytes(size_t m) { return m; }
static void ifma_init(void) {}

#endif
