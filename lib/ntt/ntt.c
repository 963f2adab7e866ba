/* ntt.c - radix-2 decimation-in-frequency NTT over BabyBear, batched over matrix columns,
 * cache-blocked, OpenMP-parallel, with AVX2 butterflies.
 *
 * One network serves every transform: the DIF network (natural-order input, bit-reversed
 * output), run with the forward or the inverse twiddles.  A stage of half-size h pairs row q with
 * row q + h (q mod 2h < h) and maps (x, y) -> (x + y, (x - y) * T_h[q mod h]), T_h[j] = w_{2h}^j.
 *
 * Memory order of the work:
 *  - "global" stages (2h rows larger than a cache block) are fused in groups of up to 4, so each
 *    pass over memory does up to 4 stages on 2^r rows held in L1;
 *  - the remaining stages run block by block (a block of rows fits in L2), all stages per block.
 * Vectorization: width >= 4 -> across the columns of a row pair (one twiddle per pair; the last
 * width % 8 columns as one masked vector); width 1 -> across consecutive butterflies of a stage
 * (a twiddle vector), with the last three stages (h = 4, 2, 1) done inside registers; widths 2
 * and 3 -> the columns are transposed out, transformed as single columns, and transposed back.
 */
#include "ntt/ntt.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "common/err.h"
#include "gpu/gpu.h"

/* Tuning (compile-time overridable; on the reference box 64 KiB..512 KiB blocks and 3..6 fused
 * stages measured within noise of each other): */
#ifndef BLOCK_BYTES
#define BLOCK_BYTES (256u * 1024u) /* rows processed together in the block phase (L2-resident) */
#endif
static size_t block_bytes = BLOCK_BYTES;
void ntt_test_set_block_bytes(size_t bytes) { block_bytes = bytes ? bytes : BLOCK_BYTES; }
#ifndef MAX_FUSE
#define MAX_FUSE 4 /* global stages fused per pass over memory */
#endif
#define COL_CHUNK 64               /* width-1 global stages: consecutive butterflies per unit */
/* Below this many elements a loop runs on one thread: a parallel region costs microseconds on an
 * idle machine but can cost a scheduler time slice per barrier on a loaded one. */
#define PAR_MIN_ELEMS ((size_t)1 << 16)
#define RUN_ELEMS 256              /* wider rows: about this many elements of consecutive rows per run */

/* ---------------------------------------------------------------------------------------------
 * Twiddles: tw[dir][k] has 2^k entries, T_h[j] = w_{2h}^j for h = 2^k (dir 1: w^-1).  Computed
 * once per level on first use, never freed (at most 2 * 2^27 words); published with release
 * stores so readers need no lock. */

static _Atomic(bb_t *) tw_tab[2][BB_TWO_ADICITY];
static pthread_mutex_t tw_lock = PTHREAD_MUTEX_INITIALIZER;

static bb_t *tw_compute(int inv, unsigned k)
{
    size_t h = (size_t)1 << k;
    bb_t *t = malloc(h * sizeof *t);
    if (!t) return NULL;
    bb_t w = bb_two_adic_generator(k + 1);
    if (inv) w = bb_inv(w);
    /* chunks start from an exact power, so the table does not depend on the thread count */
    const size_t chunk = 4096;
    size_t nchunks = (h + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (nchunks > 4)
    for (size_t c = 0; c < nchunks; c++) {
        size_t lo = c * chunk, hi = lo + chunk < h ? lo + chunk : h;
        bb_t x = bb_pow(w, lo);
        for (size_t j = lo; j < hi; j++) {
            t[j] = x;
            x = bb_mul(x, w);
        }
    }
    return t;
}

/* Fill tw[0..log_n) for both directions; 0 on success, -1 on allocation failure. */
static int tw_ensure(unsigned log_n, const bb_t *tw[2][BB_TWO_ADICITY])
{
    for (unsigned k = 0; k < log_n; k++) {
        for (int d = 0; d < 2; d++) {
            bb_t *t = atomic_load_explicit(&tw_tab[d][k], memory_order_acquire);
            if (!t) {
                pthread_mutex_lock(&tw_lock);
                t = atomic_load_explicit(&tw_tab[d][k], memory_order_acquire);
                if (!t) {
                    t = tw_compute(d, k);
                    if (t) atomic_store_explicit(&tw_tab[d][k], t, memory_order_release);
                }
                pthread_mutex_unlock(&tw_lock);
                if (!t) return -1;
            }
            tw[d][k] = t;
        }
    }
    return 0;
}

static inline size_t bitrev(size_t i, unsigned bits)
{
    if (bits == 0) return 0;
    uint64_t x = i;
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    x = __builtin_bswap64(x);
    return (size_t)(x >> (64 - bits));
}

/* ---------------------------------------------------------------------------------------------
 * Butterfly kernels.  bfly_bcast: rows x, y of len elements, one twiddle w.  bfly_vec: x[i], y[i]
 * with twiddle t[i].  Both: (x, y) -> (x + y, (x - y) w). */

static void bfly_bcast_scalar(bb_t *x, bb_t *y, size_t len, bb_t w)
{
    for (size_t i = 0; i < len; i++) {
        bb_t a = x[i], b = y[i];
        x[i] = bb_add(a, b);
        y[i] = bb_mul(bb_sub(a, b), w);
    }
}

static void bfly_vec_scalar(bb_t *x, bb_t *y, size_t len, const bb_t *t)
{
    for (size_t i = 0; i < len; i++) {
        bb_t a = x[i], b = y[i];
        x[i] = bb_add(a, b);
        y[i] = bb_mul(bb_sub(a, b), t[i]);
    }
}

#ifdef BB_HAVE_AVX2_CODE
static inline BB_AVX2 void bfly_bcast_avx2(bb_t *x, bb_t *y, size_t len, bb_t w)
{
    size_t i = 0;
    if (w == bb_one()) { /* j = 0 of every stage: no multiplication */
        for (; i + 8 <= len; i += 8) {
            __m256i a = bb8_load(x + i), b = bb8_load(y + i);
            bb8_store(x + i, bb8_add(a, b));
            bb8_store(y + i, bb8_sub(a, b));
        }
    } else {
        __m256i wv = bb8_set1(w);
        for (; i + 8 <= len; i += 8) {
            __m256i a = bb8_load(x + i), b = bb8_load(y + i);
            bb8_store(x + i, bb8_add(a, b));
            bb8_store(y + i, bb8_mul(bb8_sub(a, b), wv));
        }
    }
    if (i < len) bfly_bcast_scalar(x + i, y + i, len - i, w);
}

static inline BB_AVX2 void bfly_vec_avx2(bb_t *x, bb_t *y, size_t len, const bb_t *t)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        __m256i a = bb8_load(x + i), b = bb8_load(y + i);
        bb8_store(x + i, bb8_add(a, b));
        bb8_store(y + i, bb8_mul(bb8_sub(a, b), bb8_load(t + i)));
    }
    if (i < len) bfly_vec_scalar(x + i, y + i, len - i, t + i);
}

/* The last three DIF stages (h = 4, 2, 1) of a single column, 16 elements (two blocks of 8) per
 * step, done in registers.  t4 = T_4 (4 entries), t2 = T_2 (2 entries); T_1 = [1]. */
static BB_AVX2 void small_stages_avx2(bb_t *m, size_t n, const bb_t *t4, const bb_t *t2)
{
    const __m256i w4 = _mm256_setr_epi32((int)t4[0], (int)t4[1], (int)t4[2], (int)t4[3],
                                         (int)t4[0], (int)t4[1], (int)t4[2], (int)t4[3]);
    const __m256i w2 = _mm256_setr_epi32((int)t2[0], (int)t2[1], (int)t2[0], (int)t2[1],
                                         (int)t2[0], (int)t2[1], (int)t2[0], (int)t2[1]);
    for (size_t i = 0; i < n; i += 16) { /* n is a power of two >= 16 */
        __m256i a = bb8_load(m + i), b = bb8_load(m + i + 8);
        /* h = 4: u = [a0..3 b0..3], v = [a4..7 b4..7] */
        __m256i u = _mm256_permute2x128_si256(a, b, 0x20), v = _mm256_permute2x128_si256(a, b, 0x31);
        __m256i s = bb8_add(u, v), d = bb8_mul(bb8_sub(u, v), w4);
        a = _mm256_permute2x128_si256(s, d, 0x20);
        b = _mm256_permute2x128_si256(s, d, 0x31);
        /* h = 2: u = [a0 a1 b0 b1 | a4 a5 b4 b5], v = [a2 a3 b2 b3 | a6 a7 b6 b7] */
        u = _mm256_unpacklo_epi64(a, b);
        v = _mm256_unpackhi_epi64(a, b);
        s = bb8_add(u, v);
        d = bb8_mul(bb8_sub(u, v), w2);
        a = _mm256_unpacklo_epi64(s, d);
        b = _mm256_unpackhi_epi64(s, d);
        /* h = 1 (twiddle 1): u = even lanes, v = odd lanes */
        u = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), 0x88));
        v = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), 0xdd));
        s = bb8_add(u, v);
        d = bb8_sub(u, v);
        /* s, d pair up as [a0a1 a2a3 b0b1 b2b3 | a4a5 a6a7 b4b5 b6b7]: interleaving them gives
         * back a = [s0 d0 s1 d1 | s4 d4 s5 d5] and b = [s2 d2 s3 d3 | s6 d6 s7 d7] */
        bb8_store(m + i, _mm256_unpacklo_epi32(s, d));
        bb8_store(m + i + 8, _mm256_unpackhi_epi32(s, d));
    }
}
#endif

static void small_stages_scalar(bb_t *m, size_t n, const bb_t *t4, const bb_t *t2)
{
    for (size_t b = 0; b < n; b += 8) {
        if (n >= 8) bfly_vec_scalar(m + b, m + b + 4, 4, t4);
        for (size_t c = b; c < b + 8 && c < n; c += 4)
            if (n >= 4) bfly_vec_scalar(m + c, m + c + 2, 2, t2);
        for (size_t c = b; c < b + 8 && c < n; c += 2)
            if (n >= 2) bfly_bcast_scalar(m + c, m + c + 1, 1, bb_one());
    }
}

/* ---------------------------------------------------------------------------------------------
 * The DIF network. */

typedef void (*bcast_fn)(bb_t *, bb_t *, size_t, bb_t);
typedef void (*vec_fn)(bb_t *, bb_t *, size_t, const bb_t *);
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* One unit of a fused group of r global stages starting at half h (smallest half s = h >> (r-1)):
 * the 2^r runs of len consecutive rows starting at rows b + j + k s (k < 2^r).  Stage i has half
 * h_i = s 2^(r-1-i); runs k and k + 2^(r-1-i) pair up, twiddle index j + (k mod 2^(r-1-i)) s + jj
 * for row jj of the run.  Width 1: a run is a vector of len consecutive butterflies. */
ALWAYS_INLINE void fused_unit_t(bb_t *m, size_t W, size_t L, size_t b, size_t j, size_t s, unsigned r,
                                size_t len, const bb_t *const *twk, unsigned ks, bcast_fn bcast,
                                vec_fn vec)
{
    for (unsigned i = 0; i < r; i++) {
        size_t span = (size_t)1 << (r - 1 - i); /* pair distance in k */
        const bb_t *t = twk[ks + (r - 1 - i)];
        for (size_t k = 0; k < ((size_t)1 << r); k++) {
            if (k & span) continue;
            size_t q = b + j + k * s, tidx = j + (k & (span - 1)) * s;
            bb_t *x = m + q * W, *y = m + (q + span * s) * W;
            if (W == 1)
                vec(x, y, len, t + tidx);
            else
                for (size_t jj = 0; jj < len; jj++) bcast(x + jj * W, y + jj * W, L, t[tidx + jj]);
        }
    }
}

/* All stages with 2h <= 2^log_rows, within one block of rows starting at row r0. */
ALWAYS_INLINE void block_stages_t(bb_t *m, size_t W, size_t L, size_t r0, unsigned log_rows,
                                  const bb_t *const *twk, bcast_fn bcast, vec_fn vec, int avx2)
{
    size_t rows = (size_t)1 << log_rows;
    bb_t *base = m + r0 * W;
    if (W == 1) {
        unsigned k = log_rows;
        for (; k >= 1 && ((size_t)1 << (k - 1)) >= 8; k--) {
            size_t h = (size_t)1 << (k - 1);
            for (size_t b = 0; b < rows; b += 2 * h) vec(base + b, base + b + h, h, twk[k - 1]);
        }
        /* remaining stages h = 4, 2, 1 (or fewer for tiny sizes) */
        if (log_rows == 0) return;
#ifdef BB_HAVE_AVX2_CODE
        if (avx2 && rows >= 16) {
            small_stages_avx2(base, rows, twk[2], twk[1]);
            return;
        }
#endif
        small_stages_scalar(base, rows, log_rows >= 3 ? twk[2] : NULL, log_rows >= 2 ? twk[1] : NULL);
        return;
    }
    for (unsigned k = log_rows; k >= 1; k--) {
        size_t h = (size_t)1 << (k - 1);
        const bb_t *t = twk[k - 1];
        for (size_t b = 0; b < rows; b += 2 * h)
            for (size_t j = 0; j < h; j++) bcast(base + (b + j) * W, base + (b + j + h) * W, L, t[j]);
    }
}

static void fused_unit_scalar(bb_t *m, size_t W, size_t L, size_t b, size_t j, size_t s, unsigned r,
                              size_t len, const bb_t *const *twk, unsigned ks)
{
    fused_unit_t(m, W, L, b, j, s, r, len, twk, ks, bfly_bcast_scalar, bfly_vec_scalar);
}
static void block_stages_scalar(bb_t *m, size_t W, size_t L, size_t r0, unsigned log_rows,
                                const bb_t *const *twk)
{
    block_stages_t(m, W, L, r0, log_rows, twk, bfly_bcast_scalar, bfly_vec_scalar, 0);
}
#ifdef BB_HAVE_AVX2_CODE
static BB_AVX2 void fused_unit_avx2(bb_t *m, size_t W, size_t L, size_t b, size_t j, size_t s,
                                    unsigned r, size_t len, const bb_t *const *twk, unsigned ks)
{
    fused_unit_t(m, W, L, b, j, s, r, len, twk, ks, bfly_bcast_avx2, bfly_vec_avx2);
}
static BB_AVX2 void block_stages_avx2(bb_t *m, size_t W, size_t L, size_t r0, unsigned log_rows,
                                      const bb_t *const *twk)
{
    block_stages_t(m, W, L, r0, log_rows, twk, bfly_bcast_avx2, bfly_vec_avx2, 1);
}
#endif

/* DIF network on columns [0, L) of 2^log_n rows of width W (row stride), L <= W.  The vector
 * paths want W == L == 1 or L a multiple of 8; any L works. */
static void dif(bb_t *m, unsigned log_n, size_t W, size_t L, const bb_t *const *twk)
{
    if (log_n == 0 || L == 0) return;
    void (*unit)(bb_t *, size_t, size_t, size_t, size_t, size_t, unsigned, size_t, const bb_t *const *,
                 unsigned) = fused_unit_scalar;
    void (*block)(bb_t *, size_t, size_t, size_t, unsigned, const bb_t *const *) = block_stages_scalar;
#ifdef BB_HAVE_AVX2_CODE
    if (bb_simd_avx2()) {
        unit = fused_unit_avx2;
        block = block_stages_avx2;
    }
#endif
    size_t n = (size_t)1 << log_n;
    unsigned log_block = 0;
    while (log_block < log_n && ((size_t)2 << log_block) * W * sizeof(bb_t) <= block_bytes) log_block++;
    if (log_block < 4 && log_n >= 4 && block_bytes == BLOCK_BYTES) log_block = 4; /* very wide rows */
    if (log_block > log_n) log_block = log_n;

    /* global stages: halves h = 2^(k-1) for k = log_n down to log_block + 1 */
    unsigned k = log_n;
    while (k > log_block) {
        unsigned r = k - log_block < MAX_FUSE ? k - log_block : MAX_FUSE;
        size_t h = (size_t)1 << (k - 1), s = h >> (r - 1);
        size_t nblk = n / (2 * h);
        /* a run: COL_CHUNK butterflies (width 1) or about RUN_ELEMS elements of consecutive rows */
        size_t len = W == 1 ? COL_CHUNK : (W >= RUN_ELEMS ? 1 : RUN_ELEMS / W);
        while (len & (len - 1)) len &= len - 1; /* a power of two, so runs tile [0, s) */
        if (len > s) len = s;
        size_t per_blk = s / len, units = nblk * per_blk;
        unsigned ks = k - r; /* twiddle level of the smallest half s */
#pragma omp parallel for schedule(static) if (n * W >= PAR_MIN_ELEMS)
        for (size_t u = 0; u < units; u++) {
            size_t b = (u / per_blk) * 2 * h, j = (u % per_blk) * len;
            unit(m, W, L, b, j, s, r, len, twk, ks);
        }
        k -= r;
    }
    size_t nb = n >> log_block;
#pragma omp parallel for schedule(static) if (n * W >= PAR_MIN_ELEMS)
    for (size_t bi = 0; bi < nb; bi++) block(m, W, L, bi << log_block, log_block, twk);
}

/* ---------------------------------------------------------------------------------------------
 * Bit reversal, optionally scaling each destination row k by scale[k] (a split power table). */

typedef struct { /* c * g^k = lo[k & 4095] * hi[k >> 12] */
    bb_t *lo, *hi;
} powtab;

static void row_scale(bb_t *row, size_t W, bb_t c)
{
    for (size_t i = 0; i < W; i++) row[i] = bb_mul(row[i], c);
}

#ifdef BB_HAVE_AVX2_CODE
static BB_AVX2 void row_scale_avx2(bb_t *row, size_t W, bb_t c)
{
    __m256i cv = bb8_set1(c);
    size_t i = 0;
    for (; i + 8 <= W; i += 8) bb8_store(row + i, bb8_mul(bb8_load(row + i), cv));
    for (; i < W; i++) row[i] = bb_mul(row[i], c);
}
#endif

static inline bb_t pow_at(const powtab *pt, size_t k) { return bb_mul(pt->lo[k & 4095], pt->hi[k >> 12]); }

/* swap rows i and r = rev(i) (i <= r), scaling destination row k by pt(k) when pt is given */
static inline void swap_rows(bb_t *m, size_t W, size_t i, size_t r, const powtab *pt,
                             void (*scale)(bb_t *, size_t, bb_t))
{
    if (W == 1) {
        bb_t a = m[i], b = m[r];
        if (pt) {
            a = bb_mul(a, pow_at(pt, r));
            b = bb_mul(b, pow_at(pt, i));
        }
        m[i] = b;
        m[r] = a;
        return;
    }
    bb_t *x = m + i * W, *y = m + r * W;
    if (r != i)
        for (size_t c = 0; c < W; c++) {
            bb_t t = x[c];
            x[c] = y[c];
            y[c] = t;
        }
    if (pt) {
        scale(x, W, pow_at(pt, i));
        if (r != i) scale(y, W, pow_at(pt, r));
    }
}

#ifdef BB_HAVE_AVX2_CODE
/* Width-1 bit reversal with AVX2, in 16 x 16 tiles: index i = (a, mid, c) with 4-bit a, c.
 * Tile(mid) row a (16 consecutive words, one cache line) goes, transposed and with rows and
 * columns bit-reversed, to tile(rev mid): dst[x][y] = src[rev y][rev x].  Done as four 8x8
 * register transposes per tile; the destination index runs of 8 also pick up the scale. */
static BB_AVX2 void bitrev_tile_store(bb_t *m, unsigned log_n, size_t dst_mid, const bb_t (*src)[16],
                                      const powtab *pt)
{
    static const uint8_t rev4[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    for (int R = 0; R < 2; R++)
        for (int C = 0; C < 2; C++) {
            __m256i a[8], t[8];
            for (int l = 0; l < 8; l++) a[l] = bb8_load(&src[rev4[8 * R + l]][8 * C]);
            bb8_transpose8(t, a); /* t[i] = column 8C+i of the row-reversed tile, rows 8R.. */
            for (int i = 0; i < 8; i++) {
                size_t x = rev4[8 * C + i];
                size_t idx = (x << (log_n - 4)) | (dst_mid << 4) | (size_t)(8 * R);
                __m256i v = t[i];
                if (pt) v = bb8_mul(v, bb8_mul(bb8_load(pt->lo + (idx & 4095)), bb8_set1(pt->hi[idx >> 12])));
                bb8_store(m + idx, v);
            }
        }
}

static BB_AVX2 void bitrev_w1_avx2(bb_t *m, unsigned log_n, const powtab *pt)
{
    unsigned mb = log_n - 8;
    size_t nmid = (size_t)1 << mb;
#pragma omp parallel for schedule(static, 16) if (nmid << 8 >= PAR_MIN_ELEMS)
    for (size_t mid = 0; mid < nmid; mid++) {
        size_t rmid = bitrev(mid, mb);
        if (rmid < mid) continue;
        bb_t ta[16][16], tb[16][16];
        for (size_t a = 0; a < 16; a++) memcpy(ta[a], m + (a << (log_n - 4)) + (mid << 4), sizeof ta[a]);
        if (rmid != mid)
            for (size_t a = 0; a < 16; a++) memcpy(tb[a], m + (a << (log_n - 4)) + (rmid << 4), sizeof tb[a]);
        bitrev_tile_store(m, log_n, rmid, (const bb_t(*)[16])ta, pt);
        if (rmid != mid) bitrev_tile_store(m, log_n, mid, (const bb_t(*)[16])tb, pt);
    }
}
#endif

/* Bit reversal in tiles, so that it costs about one pass over memory instead of a cache miss per
 * row: write i = (a, mid, c) with a, c of tb bits.  Row (a, mid, c) goes to (rev c, rev mid,
 * rev a), so the 2^tb x 2^tb tile of rows {(a, mid, .)} trades places with the tile of rev(mid);
 * both tiles (2^tb runs of 2^tb consecutive rows each) stay in L1 while they are swapped. */
static void bitrev_rows(bb_t *m, unsigned log_n, size_t W, const powtab *pt)
{
    size_t n = (size_t)1 << log_n;
    void (*scale)(bb_t *, size_t, bb_t) = row_scale;
#ifdef BB_HAVE_AVX2_CODE
    if (bb_simd_avx2()) scale = row_scale_avx2;
#endif
#ifdef BB_HAVE_AVX2_CODE
    if (W == 1 && log_n >= 8 && bb_simd_avx2()) {
        bitrev_w1_avx2(m, log_n, pt);
        return;
    }
#endif
    unsigned tb = 4;
    while (tb > 1 && ((size_t)1 << (2 * tb)) * W * sizeof(bb_t) > 16384) tb--;
    if (log_n < 2 * tb + 1) {
        for (size_t i = 0; i < n; i++) {
            size_t r = bitrev(i, log_n);
            if (r >= i) swap_rows(m, W, i, r, pt, scale);
        }
        return;
    }
    unsigned mb = log_n - 2 * tb;
    size_t nmid = (size_t)1 << mb, T = (size_t)1 << tb;
#pragma omp parallel for schedule(static, 16) if (n * W >= PAR_MIN_ELEMS)
    for (size_t mid = 0; mid < nmid; mid++) {
        size_t rmid = bitrev(mid, mb);
        if (rmid < mid) continue;
        for (size_t a = 0; a < T; a++)
            for (size_t c = 0; c < T; c++) {
                size_t i = (a << (log_n - tb)) | (mid << tb) | c;
                size_t r = (bitrev(c, tb) << (log_n - tb)) | (rmid << tb) | bitrev(a, tb);
                if (mid == rmid && r < i) continue;
                swap_rows(m, W, i, r, pt, scale);
            }
    }
}

static int powtab_init(powtab *pt, bb_t c, bb_t g, size_t n)
{
    size_t nhi = (n >> 12) + 1;
    pt->lo = malloc(4096 * sizeof(bb_t));
    pt->hi = malloc(nhi * sizeof(bb_t));
    if (!pt->lo || !pt->hi) {
        free(pt->lo);
        free(pt->hi);
        return -1;
    }
    bb_t x = c;
    for (size_t i = 0; i < 4096; i++) {
        pt->lo[i] = x;
        x = bb_mul(x, g);
    }
    bb_t g4096 = bb_pow(g, 4096), y = bb_one();
    for (size_t i = 0; i < nhi; i++) {
        pt->hi[i] = y;
        y = bb_mul(y, g4096);
    }
    return 0;
}

static void powtab_free(powtab *pt)
{
    free(pt->lo);
    free(pt->hi);
}

/* ---------------------------------------------------------------------------------------------
 * Columns that do not fill a vector (all of a matrix of width 2..7, or the last W % 8 columns of a
 * wider one) are copied out as single contiguous columns, transformed with the width-1 kernels
 * (a full vector each), and copied back. */

/* columns [c0, W): DIF, then, when brev (only used with c0 == 0), bit reversal with scaling */
static int narrow(bb_t *m, unsigned log_n, size_t W, size_t c0, int brev, const powtab *pt,
                  const bb_t *const *twk)
{
    size_t n = (size_t)1 << log_n, k = W - c0;
    bb_t *col = malloc(n * k * sizeof *col);
    if (!col) return -1;
#pragma omp parallel for schedule(static) if (n * k >= PAR_MIN_ELEMS)
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < k; c++) col[c * n + i] = m[i * W + c0 + c];
    for (size_t c = 0; c < k; c++) {
        dif(col + c * n, log_n, 1, 1, twk);
        if (brev) bitrev_rows(col + c * n, log_n, 1, pt);
    }
#pragma omp parallel for schedule(static) if (n * k >= PAR_MIN_ELEMS)
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < k; c++) m[i * W + c0 + c] = col[c * n + i];
    free(col);
    return 0;
}

/* The DIF network over every column; then, when brev, the bit reversal (scaling destination row k
 * by pt(k) when pt is given).  0, or -1 on allocation failure. */
static int dif_matrix(bb_t *m, unsigned log_n, size_t W, int brev, const powtab *pt, const bb_t *const *twk)
{
    if (W == 1 || log_n < 4) {
        dif(m, log_n, W, W, twk);
    } else if (W < 8) {
        return narrow(m, log_n, W, 0, brev, pt, twk);
    } else {
        size_t L = W & ~(size_t)7;
        dif(m, log_n, W, L, twk);
        if (L < W && narrow(m, log_n, W, L, 0, NULL, twk) != 0) return -1;
    }
    if (brev) bitrev_rows(m, log_n, W, pt);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Public API */

void ntt_bit_reverse_rows(bb_t *m, unsigned log_n, size_t width)
{
    assert(log_n <= BB_TWO_ADICITY);
    if (width == 0) return;
    bitrev_rows(m, log_n, width, NULL);
}

static int transform(bb_t *m, unsigned log_n, size_t W, int inv, int bitrev_out)
{
    assert(log_n <= BB_TWO_ADICITY);
    const bb_t *tw[2][BB_TWO_ADICITY];
    if (W == 0 || log_n == 0) return RK_OK;
    if (tw_ensure(log_n, tw) != 0) return RK_EINTERNAL;
    powtab pt, *ppt = NULL;
    if (inv) { /* fold the 1/n into the bit-reversal pass */
        if (powtab_init(&pt, bb_inv(bb_from_u32((uint32_t)1 << log_n)), bb_one(), (size_t)1 << log_n) != 0)
            return RK_EINTERNAL;
        ppt = &pt;
    }
    int rc = dif_matrix(m, log_n, W, !bitrev_out, ppt, tw[inv]);
    if (ppt) powtab_free(ppt);
    return rc ? RK_EINTERNAL : RK_OK;
}

/* GPU dispatch (lib/backend): big calls run on the GPU, which gives the same bytes (lib/gpu).
 * RK_OK when the GPU did the work, 1 when the caller must run the CPU code (small call, CPU
 * backend, or a GPU failure under "auto"), RK_EINTERNAL when the GPU failed under "gpu" (the
 * reason is in rk_backend_gpu_error: these functions have no rk_err). */
#define NTT_ON_CPU 1
static int gpu_done(int gpu_rc, const rk_err *ge)
{
    if (gpu_rc == RK_OK)
        return RK_OK;
    return rk_backend_gpu_failed(ge) == RK_OK ? NTT_ON_CPU : RK_EINTERNAL;
}

static int transform_gpu(bb_t *m, unsigned log_n, size_t W, int inv, int bitrev_out)
{
    if (W == 0 || log_n == 0 || !rk_backend_offload(W << log_n))
        return NTT_ON_CPU;
    rk_err ge;
    rk_err_clear(&ge);
    double t0 = rk_backend_clock();
    int rc = inv ? gpu_ntt_inverse_batch(m, log_n, W, &ge)
                 : bitrev_out ? gpu_ntt_forward_batch_bitrev_out(m, log_n, W, &ge)
                              : gpu_ntt_forward_batch(m, log_n, W, &ge);
    if (rc == RK_OK)
        rk_backend_gpu_call_done(t0, 2 * (W << log_n) * sizeof(bb_t)); /* up and down */
    return gpu_done(rc, &ge);
}

int ntt_forward_batch(bb_t *m, unsigned log_n, size_t width)
{
    int rc = transform_gpu(m, log_n, width, 0, 0);
    return rc != NTT_ON_CPU ? rc : transform(m, log_n, width, 0, 0);
}

int ntt_forward_batch_bitrev_out(bb_t *m, unsigned log_n, size_t width)
{
    int rc = transform_gpu(m, log_n, width, 0, 1);
    return rc != NTT_ON_CPU ? rc : transform(m, log_n, width, 0, 1);
}

int ntt_inverse_batch(bb_t *m, unsigned log_n, size_t width)
{
    int rc = transform_gpu(m, log_n, width, 1, 0);
    return rc != NTT_ON_CPU ? rc : transform(m, log_n, width, 1, 0);
}

/* LDE = inverse NTT (DIF, bit-reversed coefficients), one bit-reversal pass that also multiplies
 * coefficient k by shift^k / n, zero padding, forward DIF over the big domain, and a final
 * bit reversal unless the caller wants bit-reversed rows. */
int ntt_coset_lde_batch(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                        bb_t shift, bb_t *out, int bitrev_out)
{
    unsigned log_N = log_n + log_blowup;
    assert(log_N <= BB_TWO_ADICITY);
    size_t n = (size_t)1 << log_n, N = (size_t)1 << log_N, W = width;
    if (W == 0) return RK_OK;
    if (rk_backend_offload(W << log_N)) { /* the prover's biggest transform (lib/gpu: same bytes) */
        rk_err ge;
        rk_err_clear(&ge);
        double t0 = rk_backend_clock();
        int grc = gpu_ntt_coset_lde_batch(evals, log_n, W, log_blowup, shift, out, bitrev_out, &ge);
        if (grc == RK_OK) rk_backend_gpu_call_done(t0, (n + N) * W * sizeof(bb_t)); /* n rows up, N down */
        int rc = gpu_done(grc, &ge);
        if (rc != NTT_ON_CPU) return rc;
    }
    const bb_t *tw[2][BB_TWO_ADICITY];
    if (tw_ensure(log_N, tw) != 0) return RK_EINTERNAL;
    powtab pt;
    if (powtab_init(&pt, bb_inv(bb_from_u32((uint32_t)n)), shift, n) != 0) return RK_EINTERNAL;
    memcpy(out, evals, n * W * sizeof *out);
    int rc = dif_matrix(out, log_n, W, 1, &pt, tw[1]);
    powtab_free(&pt);
    if (rc) return RK_EINTERNAL;
    memset(out + n * W, 0, (N - n) * W * sizeof *out);
    if (dif_matrix(out, log_N, W, !bitrev_out, NULL, tw[0]) != 0) return RK_EINTERNAL;
    return RK_OK;
}
