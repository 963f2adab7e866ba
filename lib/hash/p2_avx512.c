/* p2_avx512.c - Poseidon2-16 on 16 states at once with AVX-512 (one state per 32-bit lane:
 * vector i holds word i of 16 states), for p2_permute_batch, p2_hash_rows and
 * p2_compress_layer.  The scalar permutation in poseidon2.c is the reference; this gives the
 * same canonical words, so the bytes are identical on every path (the tests compare them).
 *
 * Where it differs from the 8-lane AVX2 code, and why:
 *  - The S-box x^7 splits its input once into even and odd 64-bit lanes and keeps the four
 *    Montgomery products in signed form in (-p, p): no blend, no sign fix and no recombination
 *    between the products, only one at the end.  The round constant is added as rc - p, which
 *    leaves x + rc - p in [-p, p) in one instruction instead of a modular add.
 *  - The internal layer has no multiplies at all: x 2^-k = (x >> k) - 15 (x mod 2^k) 2^(27-k)
 *    (mod p), because 2^-27 = -15 (mod p) (15 2^27 = p - 1).  That holds for any k <= 27, and
 *    for the stored Montgomery words too, since the map is linear.
 *  - One group of 16 states: the 16 state vectors and the temporaries fit the 32 vector
 *    registers, and a full round has 16 independent S-boxes of parallel work anyway. */
#include "hash/p2_int.h"

#ifdef BB_HAVE_AVX2_CODE

#define A512 BB_AVX512
/* the round functions must be inlined and their loops unrolled, or the state goes through memory */
#define INLINE512 static inline __attribute__((always_inline)) A512

/* ---- S-box ---- */

/* Montgomery product of two signed words held in the low halves of 64-bit lanes, |a|, |b| <= p.
 * x = a b is exact (|x| <= p^2); q = x p^-1 mod 2^32 taken as a signed word makes x - q p a
 * multiple of 2^32 with |x - q p| < p^2 + 2^31 p < 2^32 p, so its high half, the result,
 * lies in (-p, p) and its low half is zero.  Returned unshifted (the result is the high half). */
INLINE512 __m512i mont_signed(__m512i a, __m512i b)
{
    const __m512i p = _mm512_set1_epi64(BB_P), mu = _mm512_set1_epi64(BB_MONTY_MU);
    __m512i x = _mm512_mul_epi32(a, b);
    __m512i q = _mm512_mul_epu32(x, mu); /* only its low 32 bits matter */
    __m512i qp = _mm512_mul_epi32(q, p);
    return _mm512_sub_epi64(x, qp);
}

/* s[j] <- (s[j] + rc[j])^7 for j < n (n <= 4), s[j] and rc[j] in [0, p), result in [0, p).
 * The input x + rc - p lies in [-p, p), as mont_signed needs, in one add instead of a modular
 * one.  mul_epi32 reads only the low (signed) half of each 64-bit lane, so the even lanes need
 * no preparation and each intermediate product just moves its high half down.  The n S-boxes
 * go step by step in lockstep: a full round has 16 independent ones, and interleaving 4 in the
 * source lets the core overlap their multiply chains (about 13% faster than one after another;
 * 8 at a time runs out of registers). */
INLINE512 void sbox16_n(__m512i *s, const bb_t *rc, int n)
{
    __m512i ae[4], ao[4], e2[4], o2[4], e3[4], o3[4], e4[4], o4[4], e7[4], o7[4];
#pragma GCC unroll 4
    for (int j = 0; j < n; j++) {
        ae[j] = _mm512_add_epi32(s[j], _mm512_set1_epi32((int)(rc[j] - BB_P)));
        ao[j] = _mm512_srli_epi64(ae[j], 32);
    }
#pragma GCC unroll 4
    for (int j = 0; j < n; j++) {
        e2[j] = _mm512_srli_epi64(mont_signed(ae[j], ae[j]), 32);
        o2[j] = _mm512_srli_epi64(mont_signed(ao[j], ao[j]), 32);
    }
#pragma GCC unroll 4
    for (int j = 0; j < n; j++) {
        e3[j] = _mm512_srli_epi64(mont_signed(e2[j], ae[j]), 32);
        o3[j] = _mm512_srli_epi64(mont_signed(o2[j], ao[j]), 32);
        e4[j] = _mm512_srli_epi64(mont_signed(e2[j], e2[j]), 32);
        o4[j] = _mm512_srli_epi64(mont_signed(o2[j], o2[j]), 32);
    }
#pragma GCC unroll 4
    for (int j = 0; j < n; j++) {
        e7[j] = mont_signed(e3[j], e4[j]);
        o7[j] = mont_signed(o3[j], o4[j]);
    }
#pragma GCC unroll 4
    for (int j = 0; j < n; j++) {
        /* even lanes <- high halves of e7 (duplicated down: shuffle 3,3,1,1), odd lanes <- o7 */
        __m512i r = _mm512_mask_shuffle_epi32(o7[j], 0x5555, e7[j], (_MM_PERM_ENUM)0xf5);
        /* (-p, p) -> [0, p): a negative word plus p is the smaller one as unsigned */
        s[j] = _mm512_min_epu32(r, _mm512_add_epi32(r, _mm512_set1_epi32((int)BB_P)));
    }
}

/* ---- linear layers ---- */

INLINE512 void mat4_16(__m512i *x)
{
    __m512i t01 = bb16_add(x[0], x[1]), t23 = bb16_add(x[2], x[3]);
    __m512i t0123 = bb16_add(t01, t23);
    __m512i t01123 = bb16_add(t0123, x[1]), t01233 = bb16_add(t0123, x[3]);
    __m512i y3 = bb16_add(t01233, bb16_add(x[0], x[0]));
    __m512i y1 = bb16_add(t01123, bb16_add(x[2], x[2]));
    __m512i y0 = bb16_add(t01123, t01);
    __m512i y2 = bb16_add(t01233, t23);
    x[0] = y0; x[1] = y1; x[2] = y2; x[3] = y3;
}

/* circ(2 M4, M4, M4, M4): M4 on each 4-block, then add the column sums */
INLINE512 void external_layer16(__m512i *s)
{
#pragma GCC unroll 4
    for (int b = 0; b < 16; b += 4) mat4_16(s + b);
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        __m512i sum = bb16_add(bb16_add(s[k], s[4 + k]), bb16_add(s[8 + k], s[12 + k]));
#pragma GCC unroll 4
        for (int b = 0; b < 16; b += 4) s[b + k] = bb16_add(s[b + k], sum);
    }
}

/* sum + x 2^-k (neg = 0) or sum - x 2^-k (neg = 1), for x, sum in [0, p), 1 <= k <= 27.
 * x 2^-k = hi - t with hi = x >> k < 2^(31-k) and t = 15 (x mod 2^k) 2^(27-k) < p - 1, computed
 * as lo 2^(31-k) - lo 2^(27-k) (no overflow: lo 2^(31-k) < 2^31). */
INLINE512 __m512i add_div_pow2(__m512i sum, __m512i x, int k, int neg)
{
    __m512i hi = _mm512_srli_epi32(x, (unsigned)k);
    __m512i lo = _mm512_and_si512(x, _mm512_set1_epi32((int)((1u << k) - 1)));
    __m512i t = _mm512_sub_epi32(_mm512_slli_epi32(lo, 31u - (unsigned)k), _mm512_slli_epi32(lo, 27u - (unsigned)k));
    /* sum + hi - t  or  sum - hi + t, one modular step at a time (every partial stays < 2p) */
    return neg ? bb16_sub(bb16_add(sum, t), hi) : bb16_add(bb16_sub(sum, t), hi);
}

/* x / 2 for x in [0, p): (x + p) / 2 when x is odd (x + p < 2^32) */
INLINE512 __m512i halve16(__m512i x)
{
    __mmask16 odd = _mm512_test_epi32_mask(x, _mm512_set1_epi32(1));
    return _mm512_srli_epi32(_mm512_mask_add_epi32(x, odd, x, _mm512_set1_epi32((int)BB_P)), 1);
}

/* J + diag(V), V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16,
 * -1/2^27]: small integers by additions, powers of 1/2 by shifts (add_div_pow2, halve16). */
INLINE512 void internal_layer16(__m512i *s)
{
    /* s[1..15] do not depend on this round's S-box: sum them as a tree, off the critical path,
     * and add s[0] last */
    __m512i a01 = bb16_add(s[1], s[2]), a23 = bb16_add(s[3], s[4]), a45 = bb16_add(s[5], s[6]);
    __m512i a67 = bb16_add(s[7], s[8]), a89 = bb16_add(s[9], s[10]), aab = bb16_add(s[11], s[12]);
    __m512i acd = bb16_add(s[13], s[14]);
    __m512i b0 = bb16_add(a01, a23), b1 = bb16_add(a45, a67), b2 = bb16_add(a89, aab), b3 = bb16_add(acd, s[15]);
    __m512i rest = bb16_add(bb16_add(b0, b1), bb16_add(b2, b3));
    __m512i sum = bb16_add(s[0], rest);
    __m512i t;
    s[0] = bb16_sub(sum, bb16_add(s[0], s[0]));   /* -2 */
    s[1] = bb16_add(sum, s[1]);                    /* 1 */
    s[2] = bb16_add(sum, bb16_add(s[2], s[2]));   /* 2 */
    s[3] = bb16_add(sum, halve16(s[3]));          /* 1/2 */
    t = bb16_add(s[4], s[4]);
    s[4] = bb16_add(sum, bb16_add(t, s[4]));      /* 3 */
    t = bb16_add(s[5], s[5]);
    s[5] = bb16_add(sum, bb16_add(t, t));         /* 4 */
    s[6] = bb16_sub(sum, halve16(s[6]));          /* -1/2 */
    t = bb16_add(s[7], s[7]);
    s[7] = bb16_sub(sum, bb16_add(t, s[7]));      /* -3 */
    t = bb16_add(s[8], s[8]);
    s[8] = bb16_sub(sum, bb16_add(t, t));         /* -4 */
    s[9] = add_div_pow2(sum, s[9], 8, 0);         /* 1/2^8 */
    s[10] = add_div_pow2(sum, s[10], 2, 0);       /* 1/4 */
    s[11] = add_div_pow2(sum, s[11], 3, 0);       /* 1/8 */
    s[12] = add_div_pow2(sum, s[12], 27, 0);      /* 1/2^27 */
    s[13] = add_div_pow2(sum, s[13], 8, 1);       /* -1/2^8 */
    s[14] = add_div_pow2(sum, s[14], 4, 1);       /* -1/16 */
    s[15] = add_div_pow2(sum, s[15], 27, 1);      /* -1/2^27 */
}

INLINE512 void full_round16(__m512i *s, const bb_t *rc)
{
#pragma GCC unroll 4
    for (int i = 0; i < 16; i += 4) sbox16_n(s + i, rc + i, 4);
    external_layer16(s);
}

static A512 void permute16(__m512i *s)
{
    external_layer16(s);
    for (int r = 0; r < 4; r++) full_round16(s, p2_rc_ext_init[r]);
    for (int r = 0; r < 13; r++) {
        sbox16_n(s, &p2_rc_int[r], 1);
        internal_layer16(s);
    }
    for (int r = 0; r < 4; r++) full_round16(s, p2_rc_ext_final[r]);
}

/* ---- 16 rows x 8 words <-> 8 vectors of 16 lanes ---- */

/* In each 256-bit half separately: the 8x8 transpose of 32-bit words (r[i] word j <- a[j]
 * word i, within the half).  It is its own inverse. */
static inline A512 void transpose8x8_halves(__m512i r[8], const __m512i a[8])
{
    const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    __m512i t0 = _mm512_unpacklo_epi32(a[0], a[1]), t1 = _mm512_unpackhi_epi32(a[0], a[1]);
    __m512i t2 = _mm512_unpacklo_epi32(a[2], a[3]), t3 = _mm512_unpackhi_epi32(a[2], a[3]);
    __m512i t4 = _mm512_unpacklo_epi32(a[4], a[5]), t5 = _mm512_unpackhi_epi32(a[4], a[5]);
    __m512i t6 = _mm512_unpacklo_epi32(a[6], a[7]), t7 = _mm512_unpackhi_epi32(a[6], a[7]);
    __m512i u0 = _mm512_unpacklo_epi64(t0, t2), u1 = _mm512_unpackhi_epi64(t0, t2);
    __m512i u2 = _mm512_unpacklo_epi64(t1, t3), u3 = _mm512_unpackhi_epi64(t1, t3);
    __m512i u4 = _mm512_unpacklo_epi64(t4, t6), u5 = _mm512_unpackhi_epi64(t4, t6);
    __m512i u6 = _mm512_unpacklo_epi64(t5, t7), u7 = _mm512_unpackhi_epi64(t5, t7);
    /* 128-bit blocks: r[i] = (u_i block 0, u_(i+4) block 0 | u_i block 2, u_(i+4) block 2), r[i+4] the odd blocks */
    r[0] = _mm512_permutex2var_epi64(u0, lo, u4);
    r[1] = _mm512_permutex2var_epi64(u1, lo, u5);
    r[2] = _mm512_permutex2var_epi64(u2, lo, u6);
    r[3] = _mm512_permutex2var_epi64(u3, lo, u7);
    r[4] = _mm512_permutex2var_epi64(u0, hi, u4);
    r[5] = _mm512_permutex2var_epi64(u1, hi, u5);
    r[6] = _mm512_permutex2var_epi64(u2, hi, u6);
    r[7] = _mm512_permutex2var_epi64(u3, hi, u7);
}

/* rows v[0..16) of 8 words -> r[k] lane l = v[l] word k */
static inline A512 void rows_to_lanes(__m512i r[8], const __m256i v[16])
{
    __m512i a[8];
    for (int l = 0; l < 8; l++) a[l] = _mm512_inserti64x4(_mm512_castsi256_si512(v[l]), v[l + 8], 1);
    transpose8x8_halves(r, a);
}

/* s[0..8) (word k of 16 states) -> 8 words of state l at dst + l * stride, l < 16 */
static inline A512 void lanes_to_rows(bb_t *dst, size_t stride, const __m512i s[8])
{
    __m512i a[8];
    transpose8x8_halves(a, s);
    for (int l = 0; l < 8; l++) {
        _mm256_storeu_si256((__m256i *)(dst + stride * l), _mm512_castsi512_si256(a[l]));
        _mm256_storeu_si256((__m256i *)(dst + stride * (l + 8)), _mm512_extracti64x4_epi64(a[l], 1));
    }
}

/* 16 whole states with `stride` words between consecutive states (16 for states, 16 for
 * digest pairs) -> s[0..16) */
static inline A512 void load_states16(__m512i s[16], const bb_t *src, size_t stride)
{
    for (int h = 0; h < 2; h++) {
        __m256i v[16];
        for (int l = 0; l < 16; l++) v[l] = _mm256_loadu_si256((const __m256i *)(src + stride * l + 8 * h));
        rows_to_lanes(s + 8 * h, v);
    }
}

A512 void p2_avx512_permute16(bb_t (*st)[P2_WIDTH])
{
    __m512i s[16];
    load_states16(s, st[0], P2_WIDTH);
    permute16(s);
    lanes_to_rows(st[0], P2_WIDTH, s);
    lanes_to_rows(st[0] + 8, P2_WIDTH, s + 8);
}

A512 void p2_avx512_compress16(const p2_digest *in, p2_digest *out)
{
    __m512i s[16];
    load_states16(s, in[0].v, 2 * P2_DIGEST); /* in[2j] || in[2j+1] is state j */
    permute16(s);
    lanes_to_rows(out[0].v, P2_DIGEST, s);
}

/* overwrite state words 0..fill with the chunk words of the 16 rows and permute */
static inline A512 void absorb16(__m512i s[16], const __m256i v[16], size_t fill)
{
    __m512i t[8];
    rows_to_lanes(t, v);
    for (size_t k = 0; k < fill; k++) s[k] = t[k];
    permute16(s);
}

/* The 16 sponges run in lockstep: the chunk boundaries are the same for every row.  A chunk
 * of 8 words inside one matrix is one 256-bit load per row straight from the matrix; a chunk
 * that straddles matrices (or the end of the row) is assembled in registers, each piece by a
 * masked load (which reads nothing past the piece) moved up to its place by a masked permute. */
A512 void p2_avx512_hash_rows16(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t i,
                                p2_digest *out)
{
    __m512i s[16];
    __m256i v[16];
    for (int k = 0; k < 16; k++) {
        s[k] = _mm512_setzero_si512();
        v[k] = _mm256_setzero_si256();
    }
    const __m256i iota = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
    size_t fill = 0;
    for (size_t m = 0; m < n_mats; m++) {
        size_t W = widths[m];
        if (W == 0) continue; /* an empty matrix may come with a NULL pointer */
        const bb_t *row0 = mats[m] + i * W;
        for (size_t c = 0; c < W;) {
            size_t take = W - c < P2_RATE - fill ? W - c : P2_RATE - fill;
            if (take == P2_RATE) {
                for (int l = 0; l < 16; l++) v[l] = _mm256_loadu_si256((const __m256i *)(row0 + (size_t)l * W + c));
            } else {
                __mmask8 src = (__mmask8)((1u << take) - 1), dst = (__mmask8)(src << fill);
                __m256i idx = _mm256_sub_epi32(iota, _mm256_set1_epi32((int)fill)); /* lane j <- word j - fill */
                for (int l = 0; l < 16; l++)
                    v[l] = _mm256_mask_permutexvar_epi32(v[l], dst, idx, _mm256_maskz_loadu_epi32(src, row0 + (size_t)l * W + c));
            }
            fill += take;
            c += take;
            if (fill == P2_RATE) {
                absorb16(s, v, P2_RATE);
                fill = 0;
            }
        }
    }
    if (fill) absorb16(s, v, fill); /* a last partial chunk overwrites only words 0..fill */
    lanes_to_rows(out[0].v, P2_DIGEST, s);
}

#endif
