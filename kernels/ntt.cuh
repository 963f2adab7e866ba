/* ntt.cuh - the bodies of the batched NTT kernels (DIF passes in shared memory, bit reversal).
 *
 * Matrices are row-major (element (r, c) at m[r * width + c]); every column is
 * one polynomial.  A forward transform of size n = 2^log_n is log_n radix-2
 * decimation-in-frequency stages; stage S (S = 0 first) pairs rows r and
 * r + M/2 inside blocks of M = n >> S rows:
 *     x[r] = a + b,   x[r + M/2] = (a - b) * w_M^(r mod M),
 * which leaves the evaluations in bit-reversed row order.  One kernel pass runs
 * k <= 9 consecutive stages on a tile held in shared memory: the 2^k rows that
 * those stages mix (row = base + mid * stride + l, stride = 2^(log_n - s - k)),
 * times L consecutive low rows and cb columns, so that each tile row is one
 * contiguous run of L * cb <= 16 words (64 bytes) in global memory.
 *
 * Each kernel is split into __host__ __device__ phase bodies (load, stage j,
 * store) indexed by (block, thread); the GPU runs them with __syncthreads()
 * between phases, the host emulation runs every thread of a phase in a loop.
 */
#ifndef RAIKO_KERNELS_NTT_CUH
#define RAIKO_KERNELS_NTT_CUH

#include "bb.cuh"

namespace rk {

#define NTT_TILE_WORDS 8192 /* 32 KiB of shared memory per block */
#define NTT_ROW_WORDS 16    /* words of one tile row: 64 bytes, two full 32-byte sectors */
#define NTT_MAX_K 9         /* 2^9 rows * 16 words = NTT_TILE_WORDS */
#define NTT_THREADS 256

struct ntt_pass {
    uint32_t *m;
    uint64_t width;
    uint32_t cbmax;        /* columns per column chunk (<= 16) */
    uint32_t n_cchunks;    /* ceil(width / cbmax) */
    unsigned log_n;
    unsigned s;            /* first stage of this pass */
    unsigned k;            /* stages in this pass */
    unsigned log_l;        /* L = 2^log_l consecutive low rows per tile row */
    const uint32_t *tw;    /* tw[i] = w_T^i for i < T/2, T = 2^(log_n + tw_extra) */
    unsigned tw_extra;
};

/* Where block b's tile lives: first row, stride between tile rows, first
 * column and column count. */
struct ntt_tile_pos {
    uint64_t base, stride, lo0;
    uint64_t c0;
    uint32_t cb;
};

RK_HD ntt_tile_pos ntt_tile_locate(const ntt_pass &a, uint64_t b)
{
    ntt_tile_pos t;
    uint64_t cc = b % a.n_cchunks, g = b / a.n_cchunks;
    t.stride = (uint64_t)1 << (a.log_n - a.s - a.k);
    uint64_t lo_groups = t.stride >> a.log_l;
    t.lo0 = (g % lo_groups) << a.log_l;
    uint64_t hi = g / lo_groups;
    t.base = (hi << (a.log_n - a.s)) + t.lo0;
    t.c0 = cc * a.cbmax;
    uint64_t rest = a.width - t.c0;
    t.cb = rest < a.cbmax ? (uint32_t)rest : a.cbmax;
    return t;
}

/* Global word index of tile word idx (idx = ((mid << log_l) + l) * cb + c). */
RK_HD uint64_t ntt_tile_global(const ntt_pass &a, const ntt_tile_pos &t, uint32_t idx)
{
    uint32_t c = idx % t.cb, q = idx / t.cb;
    uint32_t l = q & ((1u << a.log_l) - 1), mid = q >> a.log_l;
    return (t.base + (uint64_t)mid * t.stride + l) * a.width + t.c0 + c;
}

RK_HD uint32_t ntt_tile_words(const ntt_pass &a, const ntt_tile_pos &t)
{
    return (1u << (a.k + a.log_l)) * t.cb;
}

RK_HD void ntt_tile_load(const ntt_pass &a, const ntt_tile_pos &t, uint32_t thr, uint32_t nthr,
                         uint32_t *tile)
{
    uint32_t words = ntt_tile_words(a, t);
    for (uint32_t idx = thr; idx < words; idx += nthr)
        tile[idx] = a.m[ntt_tile_global(a, t, idx)];
}

RK_HD void ntt_tile_store(const ntt_pass &a, const ntt_tile_pos &t, uint32_t thr, uint32_t nthr,
                          const uint32_t *tile)
{
    uint32_t words = ntt_tile_words(a, t);
    for (uint32_t idx = thr; idx < words; idx += nthr)
        a.m[ntt_tile_global(a, t, idx)] = tile[idx];
}

/* Stage j of the pass (global stage S = s + j) on the tile. */
RK_HD void ntt_tile_stage(const ntt_pass &a, const ntt_tile_pos &t, unsigned j, uint32_t thr,
                          uint32_t nthr, uint32_t *tile)
{
    unsigned log_half = a.k - 1 - j;
    uint32_t half = 1u << log_half;
    uint32_t lmask = (1u << a.log_l) - 1;
    uint32_t pairs = (1u << (a.k - 1 + a.log_l)) * t.cb;
    unsigned tw_shift = a.s + j + a.tw_extra;
    for (uint32_t p = thr; p < pairs; p += nthr) {
        uint32_t c = p % t.cb, q = p / t.cb;
        uint32_t l = q & lmask, pm = q >> a.log_l;
        uint32_t off = pm & (half - 1), blk = pm >> log_half;
        uint32_t i0 = (blk << (log_half + 1)) + off, i1 = i0 + half;
        uint32_t x0 = ((i0 << a.log_l) + l) * t.cb + c;
        uint32_t x1 = ((i1 << a.log_l) + l) * t.cb + c;
        uint32_t u = tile[x0], v = tile[x1];
        uint64_t e = ((uint64_t)off * t.stride + t.lo0 + l) << tw_shift;
        tile[x0] = bb_add(u, v);
        tile[x1] = bb_mul(bb_sub(u, v), a.tw[e]);
    }
}

RK_HD uint64_t ntt_bitrev(uint64_t x, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++) {
        r = (r << 1) | (x & 1);
        x >>= 1;
    }
    return r;
}

#ifdef __CUDA_ARCH__
#define RK_BITREV(x, bits) ((bits) ? (uint64_t)(__brevll((unsigned long long)(x)) >> (64 - (bits))) : 0)
#else
#define RK_BITREV(x, bits) ntt_bitrev((x), (bits))
#endif

/* In-place row bit reversal of an n x width matrix, optionally scaling the
 * element that lands in row j by fac[j] (table) or by one constant. */
struct ntt_bitrev_body {
    uint32_t *m;
    uint64_t width;
    unsigned log_n;
    const uint32_t *fac; /* NULL: use scale */
    uint32_t scale;      /* 0: no scaling */
    RK_HD void operator()(uint64_t idx) const
    {
        uint64_t r = idx / width, c = idx % width;
        uint64_t rr = RK_BITREV(r, log_n);
        if (r > rr)
            return;
        uint32_t fr = fac ? fac[r] : scale, frr = fac ? fac[rr] : scale;
        uint32_t x = m[r * width + c];
        if (r == rr) {
            if (fr)
                m[r * width + c] = bb_mul(x, fr);
            return;
        }
        uint32_t y = m[rr * width + c];
        m[r * width + c] = fr ? bb_mul(y, fr) : y;
        m[rr * width + c] = frr ? bb_mul(x, frr) : x;
    }
};

/* tab[i] = c * g^i. */
struct ntt_powers_body {
    uint32_t *tab;
    uint32_t g, c;
    RK_HD void operator()(uint64_t i) const { tab[i] = bb_mul(c, bb_pow(g, i)); }
};

} /* namespace rk */

#endif
