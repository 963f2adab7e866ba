/* poseidon2.c - Poseidon2-16 over BabyBear (Plonky3 default instance), sponge and compression.
 * The scalar permutation is the reference; the AVX2 8-lane version here and the AVX-512 16-lane
 * one in p2_avx512.c must match it bit for bit. */
#include "hash/poseidon2.h"

#include <string.h>

#include "hash/p2_int.h"

/* Round constants of Plonky3's
 * default_babybear_poseidon2_16, verbatim canonical values from Plonky3 baby-bear/src/poseidon2.rs
 * @ 5dc50e51 (BABYBEAR_POSEIDON2_RC_16_*, = HorizenLabs poseidon2_instance_babybear.rs) and the
 * internal diagonal V16 = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8,
 * -1/16, -1/2^27] (BabyBearInternalLayerParameters, Plonky3 >= Nov 2024).  M() converts a
 * canonical value into internal (Montgomery) form at compile time. */
#define M(x) ((bb_t)(((uint64_t)(x) << 32) % BB_P))

const bb_t p2_rc_ext_init[4][16] = {
    {M(0x69cbb6af), M(0x46ad93f9), M(0x60a00f4e), M(0x6b1297cd), M(0x23189afe), M(0x732e7bef), M(0x72c246de), M(0x2c941900),
     M(0x0557eede), M(0x1580496f), M(0x3a3ea77b), M(0x54f3f271), M(0x0f49b029), M(0x47872fe1), M(0x221e2e36), M(0x1ab7202e)},
    {M(0x487779a6), M(0x3851c9d8), M(0x38dc17c0), M(0x209f8849), M(0x268dcee8), M(0x350c48da), M(0x5b9ad32e), M(0x0523272b),
     M(0x3f89055b), M(0x01e894b2), M(0x13ddedde), M(0x1b2ef334), M(0x7507d8b4), M(0x6ceeb94e), M(0x52eb6ba2), M(0x50642905)},
    {M(0x05453f3f), M(0x06349efc), M(0x6922787c), M(0x04bfff9c), M(0x768c714a), M(0x3e9ff21a), M(0x15737c9c), M(0x2229c807),
     M(0x0d47f88c), M(0x097e0ecc), M(0x27eadba0), M(0x2d7d29e4), M(0x3502aaa0), M(0x0f475fd7), M(0x29fbda49), M(0x018afffd)},
    {M(0x0315b618), M(0x6d4497d1), M(0x1b171d9e), M(0x52861abd), M(0x2e5d0501), M(0x3ec8646c), M(0x6e5f250a), M(0x148ae8e6),
     M(0x17f5fa4a), M(0x3e66d284), M(0x0051aa3b), M(0x483f7913), M(0x2cfe5f15), M(0x023427ca), M(0x2cc78315), M(0x1e36ea47)},
};
const bb_t p2_rc_ext_final[4][16] = {
    {M(0x7290a80d), M(0x6f7e5329), M(0x598ec8a8), M(0x76a859a0), M(0x6559e868), M(0x657b83af), M(0x13271d3f), M(0x1f876063),
     M(0x0aeeae37), M(0x706e9ca6), M(0x46400cee), M(0x72a05c26), M(0x2c589c9e), M(0x20bd37a7), M(0x6a2d3d10), M(0x20523767)},
    {M(0x5b8fe9c4), M(0x2aa501d6), M(0x1e01ac3e), M(0x1448bc54), M(0x5ce5ad1c), M(0x4918a14d), M(0x2c46a83f), M(0x4fcf6876),
     M(0x61d8d5c8), M(0x6ddf4ff9), M(0x11fda4d3), M(0x02933a8f), M(0x170eaf81), M(0x5a9c314f), M(0x49a12590), M(0x35ec52a1)},
    {M(0x58eb1611), M(0x5e481e65), M(0x367125c9), M(0x0eba33ba), M(0x1fc28ded), M(0x066399ad), M(0x0cbec0ea), M(0x75fd1af0),
     M(0x50f5bf4e), M(0x643d5f41), M(0x6f4fe718), M(0x5b3cbbde), M(0x1e3afb3e), M(0x296fb027), M(0x45e1547b), M(0x4a8db2ab)},
    {M(0x59986d19), M(0x30bcdfa3), M(0x1db63932), M(0x1d7c2824), M(0x53b33681), M(0x0673b747), M(0x038a98a3), M(0x2c5bce60),
     M(0x351979cd), M(0x5008fb73), M(0x547bca78), M(0x711af481), M(0x3f93bf64), M(0x644d987b), M(0x3c8bcd87), M(0x608758b8)},
};
const bb_t p2_rc_int[13] = {M(0x5a8053c0), M(0x693be639), M(0x3858867d), M(0x19334f6b), M(0x128f0fd8), M(0x4e2b1ccb), M(0x61210ce0),
                             M(0x3c318939), M(0x0b5b2f22), M(0x2edb11d5), M(0x213effdf), M(0x0cac4606), M(0x241af16d)};
static const bb_t p2_v_diag[16] = {M(0x77ffffff), M(0x00000001), M(0x00000002), M(0x3c000001), M(0x00000003), M(0x00000004), M(0x3c000000), M(0x77fffffe),
                                    M(0x77fffffd), M(0x77880001), M(0x5a000001), M(0x69000001), M(0x77fffff2), M(0x00780000), M(0x07800000), M(0x0000000f)};

#undef M

/* Below this many rows / outputs the batched functions stay on one thread (a parallel region can
 * cost a scheduler time slice per barrier on a loaded machine). */
#define PAR_MIN_ROWS 256

/* ---- scalar permutation ---- */

static inline bb_t sbox(bb_t x) /* x^7 */
{
    bb_t x2 = bb_sqr(x), x3 = bb_mul(x2, x), x4 = bb_sqr(x2);
    return bb_mul(x4, x3);
}

/* M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] with 7 additions and 2 doublings */
static inline void mat4(bb_t *x)
{
    bb_t t01 = bb_add(x[0], x[1]), t23 = bb_add(x[2], x[3]);
    bb_t t0123 = bb_add(t01, t23);
    bb_t t01123 = bb_add(t0123, x[1]), t01233 = bb_add(t0123, x[3]);
    bb_t y3 = bb_add(t01233, bb_double(x[0]));
    bb_t y1 = bb_add(t01123, bb_double(x[2]));
    bb_t y0 = bb_add(t01123, t01);
    bb_t y2 = bb_add(t01233, t23);
    x[0] = y0; x[1] = y1; x[2] = y2; x[3] = y3;
}

/* external layer circ(2 M4, M4, M4, M4): M4 on each 4-block, then add the column sums */
static void external_layer(bb_t *s)
{
    for (int b = 0; b < 16; b += 4) mat4(s + b);
    for (int k = 0; k < 4; k++) {
        bb_t sum = bb_add(bb_add(s[k], s[4 + k]), bb_add(s[8 + k], s[12 + k]));
        for (int b = 0; b < 16; b += 4) s[b + k] = bb_add(s[b + k], sum);
    }
}

/* internal layer J + diag(V): s_i <- sum(s) + V_i s_i */
static void internal_layer(bb_t *s)
{
    bb_t sum = 0;
    for (int i = 0; i < 16; i++) sum = bb_add(sum, s[i]);
    for (int i = 0; i < 16; i++) s[i] = bb_add(sum, bb_mul(p2_v_diag[i], s[i]));
}

static void full_round(bb_t *s, const bb_t *rc)
{
    for (int i = 0; i < 16; i++) s[i] = sbox(bb_add(s[i], rc[i]));
    external_layer(s);
}

static void p2_permute_scalar(bb_t st[P2_WIDTH])
{
    external_layer(st);
    for (int r = 0; r < 4; r++) full_round(st, p2_rc_ext_init[r]);
    for (int r = 0; r < 13; r++) {
        st[0] = sbox(bb_add(st[0], p2_rc_int[r]));
        internal_layer(st);
    }
    for (int r = 0; r < 4; r++) full_round(st, p2_rc_ext_final[r]);
}

void p2_permute(bb_t st[P2_WIDTH]) { p2_permute_scalar(st); }

void p2_hash(const bb_t *in, size_t n, p2_digest *out)
{
    bb_t st[P2_WIDTH] = {0};
    for (size_t off = 0; off < n; off += P2_RATE) {
        size_t len = n - off < P2_RATE ? n - off : P2_RATE;
        memcpy(st, in + off, len * sizeof(bb_t)); /* overwrite mode: the rest of the state stays */
        p2_permute(st);
    }
    memcpy(out->v, st, sizeof out->v);
}

void p2_compress(const p2_digest *l, const p2_digest *r, p2_digest *out)
{
    bb_t st[P2_WIDTH];
    memcpy(st, l->v, sizeof l->v);
    memcpy(st + P2_DIGEST, r->v, sizeof r->v);
    p2_permute(st);
    memcpy(out->v, st, sizeof out->v);
}

/* Row i of the concatenated matrices, fed to the sponge chunk by chunk without copying the row. */
static void hash_row_scalar(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t i,
                            p2_digest *out)
{
    bb_t st[P2_WIDTH] = {0};
    size_t fill = 0;
    for (size_t m = 0; m < n_mats; m++) {
        if (widths[m] == 0) continue; /* an empty matrix may come with a NULL pointer */
        const bb_t *row = mats[m] + i * widths[m];
        for (size_t c = 0; c < widths[m]; c++) {
            st[fill++] = row[c];
            if (fill == P2_RATE) {
                p2_permute(st);
                fill = 0;
            }
        }
    }
    if (fill) p2_permute(st); /* a last partial chunk overwrote only st[0..fill) */
    memcpy(out->v, st, sizeof out->v);
}

/* ---- AVX2: 8 permutations at once, state held transposed (vector i = word i of 8 states) ---- */
#ifdef BB_HAVE_AVX2_CODE

static inline BB_AVX2 __m256i sbox8(__m256i x)
{
    __m256i x2 = bb8_sqr(x), x3 = bb8_mul(x2, x), x4 = bb8_sqr(x2);
    return bb8_mul(x4, x3);
}

static inline BB_AVX2 void mat4_8(__m256i *x)
{
    __m256i t01 = bb8_add(x[0], x[1]), t23 = bb8_add(x[2], x[3]);
    __m256i t0123 = bb8_add(t01, t23);
    __m256i t01123 = bb8_add(t0123, x[1]), t01233 = bb8_add(t0123, x[3]);
    __m256i y3 = bb8_add(t01233, bb8_add(x[0], x[0]));
    __m256i y1 = bb8_add(t01123, bb8_add(x[2], x[2]));
    __m256i y0 = bb8_add(t01123, t01);
    __m256i y2 = bb8_add(t01233, t23);
    x[0] = y0; x[1] = y1; x[2] = y2; x[3] = y3;
}

static inline BB_AVX2 void external_layer8(__m256i *s)
{
    for (int b = 0; b < 16; b += 4) mat4_8(s + b);
    for (int k = 0; k < 4; k++) {
        __m256i sum = bb8_add(bb8_add(s[k], s[4 + k]), bb8_add(s[8 + k], s[12 + k]));
        for (int b = 0; b < 16; b += 4) s[b + k] = bb8_add(s[b + k], sum);
    }
}

/* x * 2^-k for 1 <= k <= 31 as a Montgomery product with the plain integer 2^(32-k): the
 * product a 2^(32-k) needs no multiplier (a shift), leaving the two multiplies of the reduction. */
static inline BB_AVX2 __m256i div_pow2_8(__m256i a, int k)
{
    const __m256i p = _mm256_set1_epi32((int)BB_P), mu = _mm256_set1_epi32((int)BB_MONTY_MU);
    __m256i x_evn = _mm256_slli_epi64(_mm256_and_si256(a, _mm256_set1_epi64x(0xffffffff)), 32 - k);
    __m256i x_odd = _mm256_slli_epi64(_mm256_srli_epi64(a, 32), 32 - k);
    __m256i qp_evn = _mm256_mul_epu32(_mm256_mul_epu32(x_evn, mu), p);
    __m256i qp_odd = _mm256_mul_epu32(_mm256_mul_epu32(x_odd, mu), p);
    __m256i x_hi = _mm256_blend_epi32(_mm256_srli_epi64(x_evn, 32), x_odd, 0xaa);
    __m256i qp_hi = _mm256_blend_epi32(_mm256_srli_epi64(qp_evn, 32), qp_odd, 0xaa);
    __m256i r = _mm256_sub_epi32(x_hi, qp_hi);
    return _mm256_min_epu32(r, _mm256_add_epi32(r, p));
}

/* internal layer J + diag(V), V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27,
 * -1/2^8, -1/16, -1/2^27]: small integers by additions, powers of 1/2 by div_pow2_8. */
static inline BB_AVX2 void internal_layer8(__m256i *s)
{
    /* s[1..15] do not depend on this round's S-box: sum them as a tree, off the critical path,
     * and add s[0] last (a serial chain here made the partial rounds latency-bound) */
    __m256i a01 = bb8_add(s[1], s[2]), a23 = bb8_add(s[3], s[4]), a45 = bb8_add(s[5], s[6]);
    __m256i a67 = bb8_add(s[7], s[8]), a89 = bb8_add(s[9], s[10]), aab = bb8_add(s[11], s[12]);
    __m256i acd = bb8_add(s[13], s[14]);
    __m256i b0 = bb8_add(a01, a23), b1 = bb8_add(a45, a67), b2 = bb8_add(a89, aab), b3 = bb8_add(acd, s[15]);
    __m256i rest = bb8_add(bb8_add(b0, b1), bb8_add(b2, b3));
    __m256i sum = bb8_add(s[0], rest);
    __m256i t;
    t = bb8_add(s[0], s[0]);
    s[0] = bb8_sub(sum, t);                                /* -2 */
    s[1] = bb8_add(sum, s[1]);                             /* 1 */
    s[2] = bb8_add(sum, bb8_add(s[2], s[2]));              /* 2 */
    s[3] = bb8_add(sum, div_pow2_8(s[3], 1));              /* 1/2 */
    t = bb8_add(s[4], s[4]);
    s[4] = bb8_add(sum, bb8_add(t, s[4]));                 /* 3 */
    t = bb8_add(s[5], s[5]);
    s[5] = bb8_add(sum, bb8_add(t, t));                    /* 4 */
    s[6] = bb8_sub(sum, div_pow2_8(s[6], 1));              /* -1/2 */
    t = bb8_add(s[7], s[7]);
    s[7] = bb8_sub(sum, bb8_add(t, s[7]));                 /* -3 */
    t = bb8_add(s[8], s[8]);
    s[8] = bb8_sub(sum, bb8_add(t, t));                    /* -4 */
    s[9] = bb8_add(sum, div_pow2_8(s[9], 8));              /* 1/2^8 */
    s[10] = bb8_add(sum, div_pow2_8(s[10], 2));            /* 1/4 */
    s[11] = bb8_add(sum, div_pow2_8(s[11], 3));            /* 1/8 */
    s[12] = bb8_add(sum, div_pow2_8(s[12], 27));           /* 1/2^27 */
    s[13] = bb8_sub(sum, div_pow2_8(s[13], 8));            /* -1/2^8 */
    s[14] = bb8_sub(sum, div_pow2_8(s[14], 4));            /* -1/16 */
    s[15] = bb8_sub(sum, div_pow2_8(s[15], 27));           /* -1/2^27 */
}

static BB_AVX2 void permute8(__m256i *s)
{
    external_layer8(s);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++) s[i] = sbox8(bb8_add(s[i], bb8_set1(p2_rc_ext_init[r][i])));
        external_layer8(s);
    }
    for (int r = 0; r < 13; r++) {
        s[0] = sbox8(bb8_add(s[0], bb8_set1(p2_rc_int[r])));
        internal_layer8(s);
    }
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++) s[i] = sbox8(bb8_add(s[i], bb8_set1(p2_rc_ext_final[r][i])));
        external_layer8(s);
    }
}

/* Two independent groups of 8, round by round: the out-of-order core overlaps one group's
 * partial-round dependency chain (S-box of word 0, then the sum) with the other's. */
static BB_AVX2 void permute8x2(__m256i *s, __m256i *u)
{
    external_layer8(s);
    external_layer8(u);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++) {
            __m256i rc = bb8_set1(p2_rc_ext_init[r][i]);
            s[i] = sbox8(bb8_add(s[i], rc));
            u[i] = sbox8(bb8_add(u[i], rc));
        }
        external_layer8(s);
        external_layer8(u);
    }
    for (int r = 0; r < 13; r++) {
        __m256i rc = bb8_set1(p2_rc_int[r]);
        s[0] = sbox8(bb8_add(s[0], rc));
        u[0] = sbox8(bb8_add(u[0], rc));
        internal_layer8(s);
        internal_layer8(u);
    }
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++) {
            __m256i rc = bb8_set1(p2_rc_ext_final[r][i]);
            s[i] = sbox8(bb8_add(s[i], rc));
            u[i] = sbox8(bb8_add(u[i], rc));
        }
        external_layer8(s);
        external_layer8(u);
    }
}

/* 8 consecutive states (AoS, 16 words each, stride 16) <-> transposed vectors */
static inline BB_AVX2 void load8_states(__m256i *s, const bb_t *st)
{
    __m256i a[8];
    for (int h = 0; h < 2; h++) {
        for (int l = 0; l < 8; l++) a[l] = bb8_load(st + 16 * l + 8 * h);
        bb8_transpose8(s + 8 * h, a);
    }
}
static inline BB_AVX2 void store8_words(bb_t *st, size_t stride, const __m256i *s, int halves)
{
    __m256i a[8];
    for (int h = 0; h < halves; h++) {
        bb8_transpose8(a, s + 8 * h);
        for (int l = 0; l < 8; l++) bb8_store(st + stride * l + 8 * h, a[l]);
    }
}

static BB_AVX2 void permute_batch_avx2(bb_t (*st)[P2_WIDTH], size_t n)
{
    __m256i s[16];
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i u[16];
        load8_states(s, st[i]);
        load8_states(u, st[i + 8]);
        permute8x2(s, u);
        store8_words(st[i], 16, s, 2);
        store8_words(st[i + 8], 16, u, 2);
    }
    for (; i + 8 <= n; i += 8) {
        load8_states(s, st[i]);
        permute8(s);
        store8_words(st[i], 16, s, 2);
    }
    if (i < n) { /* pad the tail with zero states */
        bb_t buf[8][16];
        memset(buf, 0, sizeof buf);
        memcpy(buf, st[i], (n - i) * sizeof buf[0]);
        load8_states(s, buf[0]);
        permute8(s);
        store8_words(buf[0], 16, s, 2);
        memcpy(st[i], buf, (n - i) * sizeof buf[0]);
    }
}

/* Rows i .. i+8G-1 (G = 1 or 2 groups of 8): the sponge over the concatenated rows, chunk by
 * chunk.  The chunk boundaries are the same for every row, so the sponges run in lockstep. */
static inline BB_AVX2 void absorb_groups(__m256i (*s)[16], int G, bb_t (*buf)[8], size_t fill)
{
    for (int g = 0; g < G; g++) {
        __m256i a[8], t[8];
        for (int l = 0; l < 8; l++) a[l] = bb8_load(buf[8 * g + l]);
        bb8_transpose8(t, a);
        for (size_t k = 0; k < fill; k++) s[g][k] = t[k]; /* overwrite words 0..fill only */
    }
    if (G == 2)
        permute8x2(s[0], s[1]);
    else
        permute8(s[0]);
}

static BB_AVX2 void hash_rows_avx2(const bb_t *const *mats, const size_t *widths, size_t n_mats,
                                   size_t i, int G, p2_digest *out)
{
    __m256i s[2][16];
    memset(s, 0, sizeof s);
    bb_t buf[16][8];
    memset(buf, 0, sizeof buf);
    size_t fill = 0;
    for (size_t m = 0; m < n_mats; m++) {
        size_t W = widths[m];
        for (size_t c = 0; c < W;) {
            size_t take = W - c < P2_RATE - fill ? W - c : P2_RATE - fill;
            for (int l = 0; l < 8 * G; l++) memcpy(&buf[l][fill], mats[m] + (i + l) * W + c, take * sizeof(bb_t));
            fill += take;
            c += take;
            if (fill == P2_RATE) {
                absorb_groups(s, G, buf, P2_RATE);
                fill = 0;
            }
        }
    }
    if (fill) absorb_groups(s, G, buf, fill); /* a last partial chunk */
    for (int g = 0; g < G; g++) store8_words(out[8 * g].v, P2_DIGEST, s[g], 1);
}

static BB_AVX2 void compress_avx2(const p2_digest *in, int G, p2_digest *out)
{
    __m256i s[16], u[16];
    load8_states(s, in[0].v); /* in[2i] || in[2i+1] is one 16-word state */
    if (G == 2) {
        load8_states(u, in[16].v);
        permute8x2(s, u);
        store8_words(out[8].v, P2_DIGEST, u, 1);
    } else {
        permute8(s);
    }
    store8_words(out[0].v, P2_DIGEST, s, 1);
}
#endif

/* How a batch of n items (states, rows or outputs) is split over the vector paths: AVX-512
 * blocks of 16 from 0, then AVX2 blocks of 16 (two interleaved groups of 8) and one of 8, then
 * the scalar rest.  Every path gives the same bytes, so only speed depends on the split. */
typedef struct {
    size_t n16;   /* AVX-512 blocks: items [0, 16 n16) */
    size_t pairs; /* AVX2 blocks of 16 after them: [16 n16, 16 n16 + 16 pairs) */
    size_t vec;   /* items [0, vec) are vectorized; one AVX2 block of 8 covers what pairs leave below vec */
} vec_split;

static vec_split split_batch(size_t n)
{
    vec_split v = {0, 0, 0};
#ifdef BB_HAVE_AVX2_CODE
    if (bb_simd_avx512()) v.n16 = n / 16;
    if (bb_simd_avx2()) {
        size_t r0 = 16 * v.n16;
        v.pairs = (n - r0) / 16;
        v.vec = r0 + (n - r0) / 8 * 8;
    }
#endif
    return v;
}

void p2_permute_batch(bb_t (*st)[P2_WIDTH], size_t n)
{
#ifdef BB_HAVE_AVX2_CODE
    if (bb_simd_avx2()) {
        vec_split v = split_batch(n);
        for (size_t g = 0; g < v.n16; g++) p2_avx512_permute16(st + 16 * g);
        permute_batch_avx2(st + 16 * v.n16, n - 16 * v.n16);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) p2_permute_scalar(st[i]);
}

void p2_hash_rows(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t height,
                  p2_digest *out)
{
    vec_split v = split_batch(height);
#pragma omp parallel if (height >= PAR_MIN_ROWS)
    {
#ifdef BB_HAVE_AVX2_CODE
        size_t r0 = 16 * v.n16, r1 = r0 + 16 * v.pairs;
#pragma omp for schedule(static) nowait
        for (size_t g = 0; g < v.n16; g++) p2_avx512_hash_rows16(mats, widths, n_mats, 16 * g, out + 16 * g);
#pragma omp for schedule(static) nowait
        for (size_t g = 0; g < v.pairs; g++) hash_rows_avx2(mats, widths, n_mats, r0 + 16 * g, 2, out + r0 + 16 * g);
#pragma omp single nowait
        if (v.vec > r1) hash_rows_avx2(mats, widths, n_mats, r1, 1, out + r1);
#endif
#pragma omp for schedule(static)
        for (size_t i = v.vec; i < height; i++) hash_row_scalar(mats, widths, n_mats, i, out + i);
    }
}

void p2_compress_layer(const p2_digest *in, size_t n, p2_digest *out)
{
    vec_split v = split_batch(n);
    /* out == in is allowed: a block of outputs [o, o+k) reads in[2o..2o+2k) (all of it before
     * writing) and writes behind everything later blocks read, so the aliased case runs the
     * blocks in order, serially. */
    if (out == in) {
#ifdef BB_HAVE_AVX2_CODE
        size_t r0 = 16 * v.n16, r1 = r0 + 16 * v.pairs;
        for (size_t g = 0; g < v.n16; g++) p2_avx512_compress16(in + 32 * g, out + 16 * g);
        for (size_t g = 0; g < v.pairs; g++) compress_avx2(in + 2 * r0 + 32 * g, 2, out + r0 + 16 * g);
        if (v.vec > r1) compress_avx2(in + 2 * r1, 1, out + r1);
#endif
        for (size_t i = v.vec; i < n; i++) p2_compress(&in[2 * i], &in[2 * i + 1], &out[i]);
        return;
    }
#pragma omp parallel if (n >= PAR_MIN_ROWS)
    {
#ifdef BB_HAVE_AVX2_CODE
        size_t r0 = 16 * v.n16, r1 = r0 + 16 * v.pairs;
#pragma omp for schedule(static) nowait
        for (size_t g = 0; g < v.n16; g++) p2_avx512_compress16(in + 32 * g, out + 16 * g);
#pragma omp for schedule(static) nowait
        for (size_t g = 0; g < v.pairs; g++) compress_avx2(in + 2 * r0 + 32 * g, 2, out + r0 + 16 * g);
#pragma omp single nowait
        if (v.vec > r1) compress_avx2(in + 2 * r1, 1, out + r1);
#endif
#pragma omp for schedule(static)
        for (size_t i = v.vec; i < n; i++) p2_compress(&in[2 * i], &in[2 * i + 1], &out[i]);
    }
}
