/* ntt.cuh - the bodies of the batched NTT kernels (DIF passes in shared memory, bit reversal).
 *
 * Matrices are row-major (element (r, c) at m[r * width + c]); every column is
 * one polynomial.  A forward transform of size n = 2^log_n is log_n radix-2
 * decimation-in-frequency stages; stage S (S = 0 first) pairs rows r and
 * r + M/2 inside blocks of M = n >> S rows:
 *     x[r] = a + b,   x[r + M/2] = (a - b) * w_M^(r mod M),
 * which leaves the evaluations in bit-reversed row order.  One kernel pass runs
 * k <= tile_log - 4 consecutive stages on a tile held in shared memory: the 2^k rows that
 * those stages mix (row = base + mid * stride + l, stride = 2^(log_n - s - k)),
 * times L consecutive low rows and cb columns, so that each tile row is one
 * contiguous run of L * cb <= 16 words (64 bytes) in global memory.
 *
 * Inside a pass, up to 3 stages at a time run in registers (radix 8, see
 * ntt_tile_stages_reg).  Each kernel is split into __host__ __device__ phase
 * bodies (load, stage group, store) indexed by (block, thread); the GPU runs
 * them with __syncthreads() between phases, the host emulation runs every
 * thread of a phase in a loop.
 */
#ifndef RAIKO_KERNELS_NTT_CUH
#define RAIKO_KERNELS_NTT_CUH

#include "bb.cuh"

namespace rk {

/* A tile holds 2^tile_log words (default 2^13 = 32 KiB of shared memory, up
 * to 2^15 = 128 KiB: RAIKO_NTT_TILE_LOG / gpu_ntt_set_tile_log), so one pass
 * runs up to tile_log - 4 stages; fewer passes mean fewer trips through HBM. */
#define NTT_TILE_LOG_DEFAULT 13
#define NTT_TILE_LOG_MIN 11
#define NTT_TILE_LOG_MAX 15
#define NTT_ROW_LOG 4       /* 16 words of one tile row: 64 bytes, two full 32-byte sectors */
#define NTT_ROW_WORDS (1u << NTT_ROW_LOG)

struct ntt_pass {
    uint32_t *m;
    uint64_t width;
    unsigned cb_log;       /* columns per column chunk: cb = 2^cb_log <= 16 (the last chunk may be partial) */
    uint32_t n_cchunks;    /* ceil(width / cb) */
    unsigned log_n;
    unsigned s;            /* first stage of this pass */
    unsigned k;            /* stages in this pass */
    unsigned log_l;        /* L = 2^log_l consecutive low rows per tile row; L * cb <= 16 */
    unsigned max_r;        /* stages per register group (radix 2^max_r), 1..3 */
    const uint32_t *tw;    /* tw[i] = w_T^i for i < T/2, T = 2^(log_n + tw_extra) */
    unsigned tw_extra;
};

/* Where block b's tile lives: first row, stride between tile rows, first
 * column and how many of the chunk's cb columns exist. */
struct ntt_tile_pos {
    uint64_t base, stride;
    uint32_t lo0;
    uint64_t c0;
    uint32_t cvalid;
};

RK_HD ntt_tile_pos ntt_tile_locate(const ntt_pass &a, uint64_t b)
{
    ntt_tile_pos t;
    uint64_t cc = b % a.n_cchunks, g = b / a.n_cchunks;
    t.stride = (uint64_t)1 << (a.log_n - a.s - a.k);
    uint64_t lo_groups = t.stride >> a.log_l;
    t.lo0 = (uint32_t)((g % lo_groups) << a.log_l);
    uint64_t hi = g / lo_groups;
    t.base = (hi << (a.log_n - a.s)) + t.lo0;
    t.c0 = cc << a.cb_log;
    uint64_t rest = a.width - t.c0;
    t.cvalid = rest < (1u << a.cb_log) ? (uint32_t)rest : (1u << a.cb_log);
    return t;
}

/* Tile word idx = ((mid * L + l) * cb + c): all powers of two, so the index
 * math is shifts and masks (no integer division in the inner loops). */
RK_HD uint64_t ntt_tile_global(const ntt_pass &a, const ntt_tile_pos &t, uint32_t idx)
{
    uint32_t c = idx & ((1u << a.cb_log) - 1);
    uint32_t l = (idx >> a.cb_log) & ((1u << a.log_l) - 1);
    uint32_t mid = idx >> (a.cb_log + a.log_l);
    return (t.base + (uint64_t)mid * t.stride + l) * a.width + t.c0 + c;
}

/* Load / store the tile NTT_BATCH words per thread at a time: all loads of a
 * batch are issued before any is used, so each thread keeps several memory
 * requests in flight (one at a time leaves HBM latency-bound). */
#define NTT_BATCH 8

RK_HD void ntt_tile_load(const ntt_pass &a, const ntt_tile_pos &t, uint32_t thr, uint32_t nthr,
                         uint32_t *tile)
{
    uint32_t words = 1u << (a.k + a.log_l + a.cb_log), cmask = (1u << a.cb_log) - 1;
    for (uint32_t base = thr; base < words; base += NTT_BATCH * nthr) {
        uint32_t v[NTT_BATCH];
        RK_UNROLL
        for (int u = 0; u < NTT_BATCH; u++) {
            uint32_t idx = base + u * nthr;
            v[u] = idx < words && (idx & cmask) < t.cvalid ? a.m[ntt_tile_global(a, t, idx)] : 0;
        }
        RK_UNROLL
        for (int u = 0; u < NTT_BATCH; u++) {
            uint32_t idx = base + u * nthr;
            if (idx < words)
                tile[idx] = v[u];
        }
    }
}

RK_HD void ntt_tile_store(const ntt_pass &a, const ntt_tile_pos &t, uint32_t thr, uint32_t nthr,
                          const uint32_t *tile)
{
    uint32_t words = 1u << (a.k + a.log_l + a.cb_log), cmask = (1u << a.cb_log) - 1;
    for (uint32_t base = thr; base < words; base += NTT_BATCH * nthr) {
        uint32_t v[NTT_BATCH];
        RK_UNROLL
        for (int u = 0; u < NTT_BATCH; u++) {
            uint32_t idx = base + u * nthr;
            v[u] = idx < words ? tile[idx] : 0;
        }
        RK_UNROLL
        for (int u = 0; u < NTT_BATCH; u++) {
            uint32_t idx = base + u * nthr;
            if (idx < words && (idx & cmask) < t.cvalid)
                a.m[ntt_tile_global(a, t, idx)] = v[u];
        }
    }
}

#ifdef __CUDA_ARCH__
#define RK_LDG(p) __ldg(p)
#else
#define RK_LDG(p) (*(p))
#endif

/* R consecutive stages j0 .. j0+R-1 of the pass in registers (radix 2^R): the
 * tile rows those stages mix differ only in bits [top-R, top) of the row
 * index mid (top = k - j0), so each thread takes such groups of 2^R words of
 * one column, runs the R stages on them, and writes them back.  Fewer shared
 * memory round trips and barriers than one stage at a time, and the 2^R - 1
 * twiddle loads of a group are independent, so they overlap. */
template <int R>
RK_HD void ntt_tile_stages_reg(const ntt_pass &a, const ntt_tile_pos &t, unsigned j0, uint32_t thr,
                               uint32_t nthr, uint32_t *tile)
{
    const unsigned lc = a.log_l + a.cb_log;
    const unsigned top = a.k - j0, lowbits = top - R;
    const uint32_t groups = 1u << (a.k - R + lc);
    const uint32_t cmask = (1u << a.cb_log) - 1, lmask = (1u << a.log_l) - 1;
    const uint32_t smask = (1u << lc) - 1, lomask = (1u << lowbits) - 1;
    const uint32_t stride = (uint32_t)t.stride; /* < 2^27 */
    for (uint32_t g = thr; g < groups; g += nthr) {
        if ((g & cmask) >= t.cvalid)
            continue;
        uint32_t slot = g & smask, rest = g >> lc;
        uint32_t mid0 = ((rest >> lowbits) << top) | (rest & lomask);
        uint32_t tw_base = t.lo0 + ((slot >> a.cb_log) & lmask);
        uint32_t x[1 << R];
        RK_UNROLL
        for (int i = 0; i < (1 << R); i++)
            x[i] = tile[((mid0 | ((uint32_t)i << lowbits)) << lc) | slot];
        RK_UNROLL
        for (int st = 0; st < R; st++) {
            const int hb = R - 1 - st;             /* the pair's bit in i */
            unsigned log_half = top - 1 - st;      /* ... and in mid */
            unsigned tw_shift = a.s + j0 + st + a.tw_extra;
            RK_UNROLL
            for (int i = 0; i < (1 << R); i++) {
                if (i & (1 << hb))
                    continue;
                uint32_t mid = mid0 | ((uint32_t)i << lowbits);
                uint32_t off = mid & ((1u << log_half) - 1);
                uint32_t w = RK_LDG(a.tw + ((off * stride + tw_base) << tw_shift)); /* < T/2 <= 2^26 */
                uint32_t u = x[i], v = x[i | (1 << hb)];
                x[i] = bb_add(u, v);
                x[i | (1 << hb)] = bb_mul(bb_sub(u, v), w);
            }
        }
        RK_UNROLL
        for (int i = 0; i < (1 << R); i++)
            tile[((mid0 | ((uint32_t)i << lowbits)) << lc) | slot] = x[i];
    }
}

/* Stages j0 .. j0+r-1 (r = 1..3) with the register kernel of that radix. */
RK_HD void ntt_tile_stages(const ntt_pass &a, const ntt_tile_pos &t, unsigned j0, unsigned r,
                           uint32_t thr, uint32_t nthr, uint32_t *tile)
{
    if (r >= 3)
        ntt_tile_stages_reg<3>(a, t, j0, thr, nthr, tile);
    else if (r == 2)
        ntt_tile_stages_reg<2>(a, t, j0, thr, nthr, tile);
    else
        ntt_tile_stages_reg<1>(a, t, j0, thr, nthr, tile);
}

/* How a pass of k stages is cut into register groups of at most max_r stages:
 * the size of the group starting at stage j0 (balanced: 8 = 3+3+2). */
RK_HD unsigned ntt_group_size(unsigned k, unsigned j0, unsigned max_r)
{
    unsigned left = k - j0, groups = (left + max_r - 1) / max_r;
    return (left + groups - 1) / groups;
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
        uint64_t r, c;
        if ((idx >> 32) == 0 && (width >> 32) == 0) { /* 32-bit division is far cheaper on GPUs */
            r = (uint32_t)idx / (uint32_t)width;
            c = (uint32_t)idx - (uint32_t)r * (uint32_t)width;
        } else {
            r = idx / width;
            c = idx % width;
        }
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
