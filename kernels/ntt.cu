/* ntt.cu - batched NTT, inverse NTT and coset LDE on the GPU (mirrors lib/ntt).
 *
 * Results equal lib/ntt's word for word: the transforms are mathematically
 * determined (evaluations over the two-adic subgroup H = <w_n>, w_n =
 * two_adic_generator(log_n), rows in natural order) and every element is kept
 * in canonical Montgomery form.  See ntt.cuh for the kernel layout.
 */
#include <stdlib.h>

#include "api.cuh"
#include "ntt.cuh"
#include "rt.cuh"

namespace rk {

/* Twiddle tables, one per direction, kept between calls: tw[i] = w_T^i (or
 * w_T^-i), i < T/2, T = 2^g_tw_log[dir]; a smaller transform uses every
 * (T/n)-th entry. */
static uint32_t *g_tw[2];
static unsigned g_tw_log[2];

static int ntt_twiddles(unsigned log_n, int inverse, const uint32_t **tw, unsigned *extra, rk_err *e)
{
    if (!g_tw[inverse] || g_tw_log[inverse] < log_n) {
        rt_free(g_tw[inverse]);
        g_tw[inverse] = NULL;
        unsigned lg = log_n < 1 ? 1 : log_n;
        uint64_t cnt = (uint64_t)1 << (lg - 1);
        int rc = rt_alloc((void **)&g_tw[inverse], cnt * 4, "NTT twiddles", e);
        if (rc)
            return rc;
        uint32_t w = bb_two_adic_gen(lg);
        if (inverse)
            w = bb_inv(w);
        ntt_powers_body body{g_tw[inverse], w, RK_ONE};
        rc = rt_flat("ntt_twiddles", cnt, body, e);
        if (rc) {
            rt_free(g_tw[inverse]);
            g_tw[inverse] = NULL;
            return rc;
        }
        g_tw_log[inverse] = lg;
    }
    *tw = g_tw[inverse];
    *extra = g_tw_log[inverse] - log_n;
    return RK_OK;
}

static unsigned g_tile_log; /* 0: not chosen yet */
static unsigned g_max_r;    /* 0: not chosen yet */

static unsigned ntt_max_r(void)
{
    if (!g_max_r) {
        const char *env = getenv("RAIKO_NTT_RADIX_LOG");
        unsigned v = env ? (unsigned)atoi(env) : 3;
        g_max_r = v >= 1 && v <= 3 ? v : 3;
    }
    return g_max_r;
}

static unsigned ntt_tile_log(void)
{
    if (!g_tile_log) {
        const char *env = getenv("RAIKO_NTT_TILE_LOG");
        unsigned v = env ? (unsigned)atoi(env) : NTT_TILE_LOG_DEFAULT;
        g_tile_log = v >= NTT_TILE_LOG_MIN && v <= NTT_TILE_LOG_MAX ? v : NTT_TILE_LOG_DEFAULT;
    }
    return g_tile_log;
}

/* Threads per block: enough that each thread moves about 32 words of the tile. */
static unsigned ntt_threads(unsigned tile_log)
{
    return tile_log <= 13 ? 256 : tile_log == 14 ? 512 : 1024;
}

#ifdef __CUDACC__
__global__ void __launch_bounds__(1024) ntt_pass_kernel(ntt_pass a)
{
    extern __shared__ uint32_t tile[];
    ntt_tile_pos t = ntt_tile_locate(a, blockIdx.x);
    ntt_tile_load(a, t, threadIdx.x, blockDim.x, tile);
    __syncthreads();
    for (unsigned j = 0; j < a.k;) {
        unsigned r = ntt_group_size(a.k, j, a.max_r);
        ntt_tile_stages(a, t, j, r, threadIdx.x, blockDim.x, tile);
        __syncthreads();
        j += r;
    }
    ntt_tile_store(a, t, threadIdx.x, blockDim.x, tile);
}
#endif

static int ntt_run_pass(const ntt_pass &a, uint64_t blocks, rk_err *e)
{
    unsigned tile_log = ntt_tile_log(), nthr = ntt_threads(tile_log);
    if (rt_emulating()) {
        static uint32_t tile[1u << NTT_TILE_LOG_MAX];
        for (uint64_t b = 0; b < blocks; b++) {
            ntt_tile_pos t = ntt_tile_locate(a, b);
            for (uint32_t thr = 0; thr < nthr; thr++)
                ntt_tile_load(a, t, thr, nthr, tile);
            for (unsigned j = 0; j < a.k;) {
                unsigned r = ntt_group_size(a.k, j, a.max_r);
                for (uint32_t thr = 0; thr < nthr; thr++)
                    ntt_tile_stages(a, t, j, r, thr, nthr, tile);
                j += r;
            }
            for (uint32_t thr = 0; thr < nthr; thr++)
                ntt_tile_store(a, t, thr, nthr, tile);
        }
        return RK_OK;
    }
    if (blocks > 0x7fffffffu)
        return rk_fail(e, RK_EINTERNAL, "gpu: NTT pass needs %llu blocks", (unsigned long long)blocks);
    /* only the words this pass uses: 2^(k + log_l) tile rows of at most 16 words */
    size_t smem = (size_t)4 << (a.k + a.log_l + a.cb_log);
    static size_t smem_allowed = 48 * 1024;
    if (smem > smem_allowed) {
        RK_CU(cudaFuncSetAttribute(ntt_pass_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                   (int)smem), e);
        smem_allowed = smem;
    }
    ntt_pass_kernel<<<(unsigned)blocks, nthr, smem>>>(a);
    return rt_launched("ntt_pass_kernel", e);
}

/* All log_n DIF stages on d_m in place: natural order in, bit-reversed out. */
static int ntt_dif(uint32_t *d_m, unsigned log_n, uint64_t width, int inverse, rk_err *e)
{
    if (log_n == 0 || width == 0)
        return RK_OK;
    const uint32_t *tw;
    unsigned extra;
    int rc = ntt_twiddles(log_n, inverse, &tw, &extra, e);
    if (rc)
        return rc;
    unsigned cb_log = 0;
    while (cb_log < NTT_ROW_LOG && ((uint64_t)2 << cb_log) <= width)
        cb_log++;
    unsigned max_k = ntt_tile_log() - NTT_ROW_LOG;
    unsigned passes = (log_n + max_k - 1) / max_k;
    unsigned s = 0;
    for (unsigned i = 0; i < passes; i++) {
        unsigned k = log_n / passes + (i < log_n % passes ? 1 : 0);
        unsigned log_stride = log_n - s - k;
        ntt_pass a;
        a.m = d_m;
        a.width = width;
        a.cb_log = cb_log;
        a.n_cchunks = (uint32_t)((width + (1u << cb_log) - 1) >> cb_log);
        a.log_n = log_n;
        a.s = s;
        a.k = k;
        a.log_l = NTT_ROW_LOG - cb_log < log_stride ? NTT_ROW_LOG - cb_log : log_stride;
        a.max_r = ntt_max_r();
        a.tw = tw;
        a.tw_extra = extra;
        uint64_t groups = (uint64_t)1 << (log_n - k - a.log_l);
        rc = ntt_run_pass(a, groups * a.n_cchunks, e);
        if (rc)
            return rc;
        s += k;
    }
    return RK_OK;
}

static int ntt_bitrev_scaled(uint32_t *d_m, unsigned log_n, uint64_t width, const uint32_t *fac,
                             uint32_t scale, rk_err *e)
{
    ntt_bitrev_body body{d_m, width, log_n, fac, scale};
    return rt_flat("ntt_bit_reverse", ((uint64_t)1 << log_n) * width, body, e);
}

static int ntt_check(unsigned log_n, size_t width, const char *what, rk_err *e)
{
    if (log_n > 27)
        return rk_fail(e, RK_EINPUT, "gpu: %s: log_n %u > 27 (BabyBear two-adicity)", what, log_n);
    (void)width;
    return rt_init(e);
}

} /* namespace rk */

using namespace rk;

extern "C" {

int gpu_ntt_bit_reverse_rows_dev(uint32_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n, width, "bit reverse", e);
    if (rc)
        return rc;
    rc = ntt_bitrev_scaled(d_m, log_n, width, NULL, 0, e);
    return rc ? rc : rt_sync("bit reverse", e);
}

int gpu_ntt_forward_batch_dev(uint32_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n, width, "forward NTT", e);
    if (!rc)
        rc = ntt_dif(d_m, log_n, width, 0, e);
    if (!rc)
        rc = ntt_bitrev_scaled(d_m, log_n, width, NULL, 0, e);
    return rc ? rc : rt_sync("forward NTT", e);
}

int gpu_ntt_forward_batch_bitrev_out_dev(uint32_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n, width, "forward NTT", e);
    if (!rc)
        rc = ntt_dif(d_m, log_n, width, 0, e);
    return rc ? rc : rt_sync("forward NTT", e);
}

int gpu_ntt_inverse_batch_dev(uint32_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n, width, "inverse NTT", e);
    if (!rc)
        rc = ntt_dif(d_m, log_n, width, 1, e);
    if (!rc)
        rc = ntt_bitrev_scaled(d_m, log_n, width, NULL, rk::bb_inv(rk::bb_pow(rk::bb_to_mont(2), log_n)), e);
    return rc ? rc : rt_sync("inverse NTT", e);
}

/* d_out (2^(log_n+log_blowup) rows) holds the evaluations in its first 2^log_n rows on entry. */
int gpu_ntt_coset_lde_batch_dev(uint32_t *d_out, unsigned log_n, size_t width, unsigned log_blowup,
                                uint32_t shift, int bitrev_out, rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n + log_blowup, width, "coset LDE", e);
    if (rc)
        return rc;
    uint64_t n = (uint64_t)1 << log_n, big = n << log_blowup;
    uint32_t *d_fac = NULL;
    rc = rt_alloc((void **)&d_fac, n * 4, "LDE coefficient factors", e);
    /* coefficient j of the interpolant gets n^-1 * shift^j: evaluating it on K then gives the coset shift*K */
    if (!rc) {
        ntt_powers_body body{d_fac, shift, rk::bb_inv(rk::bb_pow(rk::bb_to_mont(2), log_n))};
        rc = rt_flat("lde_factors", n, body, e);
    }
    if (!rc)
        rc = ntt_dif(d_out, log_n, width, 1, e);
    if (!rc)
        rc = ntt_bitrev_scaled(d_out, log_n, width, d_fac, 0, e);
    if (!rc)
        rc = rt_zero(d_out + n * width, (big - n) * width * 4, e);
    if (!rc)
        rc = ntt_dif(d_out, log_n + log_blowup, width, 0, e);
    if (!rc && !bitrev_out)
        rc = ntt_bitrev_scaled(d_out, log_n + log_blowup, width, NULL, 0, e);
    if (!rc)
        rc = rt_sync("coset LDE", e);
    rt_free(d_fac);
    return rc;
}

/* ---- host-memory API: copy in, run, copy out ---- */

static int ntt_host(uint32_t *m, unsigned log_n, size_t width, int which, rk_err *e)
{
    static const char *names[] = {"forward NTT", "inverse NTT", "bit reverse", "forward NTT"};
    int rc = ntt_check(log_n, width, names[which], e);
    size_t bytes = 0;
    if (!rc)
        rc = rt_size(&bytes, (size_t)1 << log_n, width, 4, names[which], e);
    if (rc || bytes == 0)
        return rc;
    uint32_t *d = NULL;
    rc = rt_alloc((void **)&d, bytes, names[which], e);
    if (!rc)
        rc = rt_h2d(d, m, bytes, e);
    if (!rc)
        rc = which == 0   ? gpu_ntt_forward_batch_dev(d, log_n, width, e)
             : which == 1 ? gpu_ntt_inverse_batch_dev(d, log_n, width, e)
             : which == 2 ? gpu_ntt_bit_reverse_rows_dev(d, log_n, width, e)
                          : gpu_ntt_forward_batch_bitrev_out_dev(d, log_n, width, e);
    if (!rc)
        rc = rt_d2h(m, d, bytes, e);
    rt_free(d);
    return rc;
}

int gpu_ntt_forward_batch(uint32_t *m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    return ntt_host(m, log_n, width, 0, e);
}

int gpu_ntt_inverse_batch(uint32_t *m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    return ntt_host(m, log_n, width, 1, e);
}

int gpu_ntt_bit_reverse_rows(uint32_t *m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    return ntt_host(m, log_n, width, 2, e);
}

int gpu_ntt_forward_batch_bitrev_out(uint32_t *m, unsigned log_n, size_t width, rk_err *e)
{
    RK_API_LOCK;
    return ntt_host(m, log_n, width, 3, e);
}

unsigned gpu_ntt_set_radix_log(unsigned r)
{
    RK_API_LOCK;
    g_max_r = r >= 1 && r <= 3 ? r : 0;
    return ntt_max_r();
}

unsigned gpu_ntt_set_tile_log(unsigned tile_log)
{
    RK_API_LOCK;
    g_tile_log = tile_log >= NTT_TILE_LOG_MIN && tile_log <= NTT_TILE_LOG_MAX ? tile_log : 0;
    return ntt_tile_log();
}

int gpu_ntt_coset_lde_batch(const uint32_t *evals, unsigned log_n, size_t width,
                            unsigned log_blowup, uint32_t shift, uint32_t *out, int bitrev_out,
                            rk_err *e)
{
    RK_API_LOCK;
    int rc = ntt_check(log_n + log_blowup, width, "coset LDE", e);
    size_t in_bytes = 0, out_bytes = 0;
    if (!rc)
        rc = rt_size(&in_bytes, (size_t)1 << log_n, width, 4, "coset LDE", e);
    if (!rc)
        rc = rt_size(&out_bytes, (size_t)1 << (log_n + log_blowup), width, 4, "coset LDE", e);
    if (rc || out_bytes == 0)
        return rc;
    uint32_t *d = NULL;
    rc = rt_alloc((void **)&d, out_bytes, "coset LDE", e);
    if (!rc)
        rc = rt_h2d(d, evals, in_bytes, e);
    if (!rc)
        rc = gpu_ntt_coset_lde_batch_dev(d, log_n, width, log_blowup, shift, bitrev_out, e);
    if (!rc)
        rc = rt_d2h(out, d, out_bytes, e);
    rt_free(d);
    return rc;
}

/* Free the cached twiddle tables (gpu_shutdown). */
void gpu_ntt_release(void)
{
    RK_API_LOCK;
    for (int i = 0; i < 2; i++) {
        rt_free(g_tw[i]);
        g_tw[i] = NULL;
        g_tw_log[i] = 0;
    }
}

} /* extern "C" */
