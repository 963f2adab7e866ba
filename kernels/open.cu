/* open.cu - the openings at zeta from a coset LDE on the device (lib/stark open_table).
 *
 * The CPU evaluates each trace column at z from the trace itself (barycentric weights over
 * H).  A resident proof has no trace on the device, but it has the column's LDE over the
 * coset D = shift*K, |K| = N: the polynomial (degree < n <= N) interpolates those N values
 * too, so the barycentric sum over D gives the very same field element:
 *   p(z) = sum_i u_i p(x_i),  u_i = (z^N - s^N) / (N s^N) * x_i / (z - x_i),
 * with x_i = s * w_N^bitrev(i) for row i of the bit-reversed LDE.
 *
 * Three flat kernels: the weights (one inversion a row and point), the matrix-vector
 * product in row chunks (thread = one column of one chunk: a warp reads consecutive words
 * of a row, coalesced), and the sum over the chunks.  Field arithmetic is exact, so the
 * chunking never changes a result.
 */
#include "api.cuh"
#include "ntt.cuh"
#include "rt.cuh"

namespace rk {

#define RK_OPEN_MAX_PTS 4

/* u[j][i] = c_j * x_i / (z_j - x_i). */
struct open_weights_body {
    bb4 *u;
    uint64_t N;
    unsigned log_N, npts;
    uint32_t shift, w;
    bb4 z[RK_OPEN_MAX_PTS], c[RK_OPEN_MAX_PTS];
    RK_HD void operator()(uint64_t i) const
    {
        uint32_t x = bb_mul(shift, bb_pow(w, RK_BITREV(i, log_N)));
        for (unsigned j = 0; j < npts; j++) {
            bb4 d = z[j];
            d.c[0] = bb_sub(d.c[0], x);
            u[j * N + i] = bb4_mul(bb4_mul_base(c[j], x), bb4_inv(d));
        }
    }
};

/* part[(k npts + j) w + col] = sum over the rows of chunk k of u[j][row] * m[row][col]. */
struct open_chunk_body {
    const uint32_t *m;
    const bb4 *u;
    bb4 *part;
    uint64_t N, w, rows; /* rows per chunk */
    unsigned npts;
    RK_HD void operator()(uint64_t t) const
    {
        uint64_t k = t / w, col = t % w, r0 = k * rows;
        bb4 acc[RK_OPEN_MAX_PTS];
        for (unsigned j = 0; j < RK_OPEN_MAX_PTS; j++)
            acc[j].c[0] = acc[j].c[1] = acc[j].c[2] = acc[j].c[3] = 0;
        RK_UNROLL1
        for (uint64_t r = r0; r < r0 + rows; r++) {
            uint32_t v = m[r * w + col];
            for (unsigned j = 0; j < npts; j++)
                acc[j] = bb4_add(acc[j], bb4_mul_base(u[j * N + r], v));
        }
        for (unsigned j = 0; j < npts; j++)
            part[(k * npts + j) * w + col] = acc[j];
    }
};

/* out[j w + col] = sum_k part[(k npts + j) w + col]. */
struct open_sum_body {
    const bb4 *part;
    bb4 *out;
    uint64_t w, chunks;
    unsigned npts;
    RK_HD void operator()(uint64_t t) const
    {
        uint64_t j = t / w, col = t % w;
        bb4 a;
        a.c[0] = a.c[1] = a.c[2] = a.c[3] = 0;
        for (uint64_t k = 0; k < chunks; k++)
            a = bb4_add(a, part[(k * npts + j) * w + col]);
        out[t] = a;
    }
};

static bb4 pow4(bb4 a, uint64_t e)
{
    bb4 r;
    r.c[0] = RK_ONE;
    r.c[1] = r.c[2] = r.c[3] = 0;
    for (; e; e >>= 1) {
        if (e & 1)
            r = rk::bb4_mul(r, a);
        a = rk::bb4_mul(a, a);
    }
    return r;
}

} /* namespace rk */

using namespace rk;

extern "C" int gpu_coset_eval_dev(const bb_t *d_m, unsigned log_N, size_t w, bb_t shift, size_t npts,
                                  const bb4_t *z, bb4_t *out, rk_err *e)
{
    RK_API_LOCK;
    if (log_N > 27)
        return rk_fail(e, RK_EINPUT, "gpu: openings: log height %u > 27", log_N);
    if (w == 0 || w > ((size_t)1 << 24))
        return rk_fail(e, RK_EINPUT, "gpu: openings: width %zu", w);
    if (npts == 0 || npts > RK_OPEN_MAX_PTS)
        return rk_fail(e, RK_EINPUT, "gpu: openings: %zu points (1..%d)", npts, RK_OPEN_MAX_PTS);
    if (shift == 0)
        return rk_fail(e, RK_EINPUT, "gpu: openings: zero coset shift");
    int rc = rt_init(e);
    if (rc)
        return rc;
    const uint64_t N = (uint64_t)1 << log_N;
    /* chunks: about 2^19 threads in all, a power of two dividing N */
    uint64_t chunks = 1;
    while (chunks < N && chunks * 2 * w <= ((uint64_t)1 << 19))
        chunks *= 2;

    open_weights_body wb;
    wb.N = N;
    wb.log_N = log_N;
    wb.npts = (unsigned)npts;
    wb.shift = shift;
    wb.w = bb_two_adic_gen(log_N);
    /* c_j = (z_j^N - s^N) / (N s^N) */
    uint32_t sN = rk::bb_pow(shift, N), inv_NsN = rk::bb_inv(rk::bb_mul(rk::bb_to_mont((uint32_t)(N % RK_P)), sN));
    for (unsigned j = 0; j < RK_OPEN_MAX_PTS; j++) {
        bb4 zj = to_rk(z[j < npts ? j : 0]), zN = pow4(zj, N);
        zN.c[0] = rk::bb_sub(zN.c[0], sN);
        wb.z[j] = zj;
        wb.c[j] = rk::bb4_mul_base(zN, inv_NsN);
    }
    bb4 *d_u = NULL, *d_part = NULL, *d_out = NULL;
    rc = rt_alloc((void **)&d_u, npts * N * sizeof *d_u, "opening weights", e);
    if (!rc)
        rc = rt_alloc((void **)&d_part, chunks * npts * w * sizeof *d_part, "opening partial sums", e);
    if (!rc)
        rc = rt_alloc((void **)&d_out, npts * w * sizeof *d_out, "opened values", e);
    if (!rc) {
        wb.u = d_u;
        rc = rt_flat("open_weights", N, wb, e);
    }
    if (!rc) {
        open_chunk_body cb{d_m, d_u, d_part, N, w, N / chunks, (unsigned)npts};
        rc = rt_flat("open_chunks", chunks * w, cb, e);
    }
    if (!rc) {
        open_sum_body sb{d_part, d_out, w, chunks, (unsigned)npts};
        rc = rt_flat("open_sum", npts * w, sb, e);
    }
    if (!rc)
        rc = rt_sync("openings", e);
    if (!rc)
        rc = rt_d2h(out, d_out, npts * w * sizeof *d_out, e);
    rt_free(d_u);
    rt_free(d_part);
    rt_free(d_out);
    return rc;
}
