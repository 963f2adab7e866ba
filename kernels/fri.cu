/* fri.cu - one FRI fold on the GPU (mirrors the commit-phase step of lib/fri, fri.h step 2).
 *
 * Codeword in bit-reversed order: f[2j], f[2j+1] = f(y), f(-y) with
 * y = w_h^bitrev_(h-1)(j) (bitrev_h(2j) = bitrev_(h-1)(j)), so
 *   out[j] = (f(y) + f(-y))/2 + beta (f(y) - f(-y)) / (2y)  [+ beta^2 reduced[j]].
 */
#include "api.cuh"
#include "ntt.cuh"
#include "rt.cuh"

namespace rk {

struct fri_fold_body {
    const bb4 *f;
    const bb4 *reduced; /* NULL: no injection */
    bb4 *out;
    bb4 half_beta;      /* beta / 2 */
    bb4 beta2;          /* beta^2 */
    uint32_t half;      /* 1/2 */
    uint32_t w_inv;     /* w_h^-1 */
    unsigned log_half;  /* h - 1 */
    RK_HD void operator()(uint64_t j) const
    {
        bb4 lo = f[2 * j], hi = f[2 * j + 1];
        uint32_t y_inv = bb_pow(w_inv, RK_BITREV(j, log_half));
        bb4 r = bb4_add(bb4_mul_base(bb4_add(lo, hi), half),
                        bb4_mul(bb4_mul_base(bb4_sub(lo, hi), y_inv), half_beta));
        if (reduced)
            r = bb4_add(r, bb4_mul(beta2, reduced[j]));
        out[j] = r;
    }
};

/* S[i] = sum_k coef[k] * m[i][k]: one thread per row. */
struct deep_dot_body {
    const uint32_t *m;
    const bb4 *coef;
    bb4 *S;
    uint64_t w;
    RK_HD void operator()(uint64_t i) const
    {
        const uint32_t *row = m + i * w;
        bb4 acc;
        acc.c[0] = acc.c[1] = acc.c[2] = acc.c[3] = 0;
        RK_UNROLL1
        for (uint64_t k = 0; k < w; k++)
            acc = bb4_add(acc, bb4_mul_base(coef[k], row[k]));
        S[i] = acc;
    }
};

/* inv[i] = 1/(x_i - z), x_i = shift * w^bitrev_h(i): the FRI rows' points (lib/fri lde_points). */
struct fri_inv_body {
    bb4 *inv;
    bb4 z;
    uint32_t shift, w;
    unsigned log_h;
    RK_HD void operator()(uint64_t i) const
    {
        uint32_t x = bb_mul(shift, bb_pow(w, RK_BITREV(i, log_h)));
        bb4 d;
        d.c[0] = bb_sub(x, z.c[0]);
        d.c[1] = bb_neg(z.c[1]);
        d.c[2] = bb_neg(z.c[2]);
        d.c[3] = bb_neg(z.c[3]);
        inv[i] = bb4_inv(d);
    }
};

/* One matrix's DEEP terms added to the reduced codeword, one thread per row:
 *   R[i] += sum_j coef[j] (S_i - Y[j]) inv_j[i],  S_i = sum_k apow[k] m[i][k]. */
#define RK_DEEP_MAX_PTS 4
struct deep_reduce_body {
    const uint32_t *m;
    const bb4 *apow;
    uint64_t w;
    unsigned npts;
    bb4 coef[RK_DEEP_MAX_PTS], Y[RK_DEEP_MAX_PTS];
    const bb4 *inv[RK_DEEP_MAX_PTS];
    bb4 *R;
    RK_HD void operator()(uint64_t i) const
    {
        const uint32_t *row = m + i * w;
        bb4 S;
        S.c[0] = S.c[1] = S.c[2] = S.c[3] = 0;
        RK_UNROLL1
        for (uint64_t k = 0; k < w; k++)
            S = bb4_add(S, bb4_mul_base(apow[k], row[k]));
        bb4 r = R[i];
        for (unsigned j = 0; j < npts; j++)
            r = bb4_add(r, bb4_mul(coef[j], bb4_mul(bb4_sub(S, Y[j]), inv[j][i])));
        R[i] = r;
    }
};

} /* namespace rk */

using namespace rk;

extern "C" {

int gpu_fri_fold_dev(const bb4_t *d_f, unsigned log_h, bb4_t beta, const bb4_t *d_reduced,
                     bb4_t *d_out, rk_err *e)
{
    RK_API_LOCK;
    if (log_h < 1 || log_h > 27)
        return rk_fail(e, RK_EINPUT, "gpu: FRI fold: log height %u not in 1..27", log_h);
    int rc = rt_init(e);
    if (rc)
        return rc;
    uint32_t half = rk::bb_inv(rk::bb_to_mont(2));
    bb4 b = to_rk(beta);
    fri_fold_body body{(const bb4 *)d_f, (const bb4 *)d_reduced, (bb4 *)d_out,
                       bb4_mul_base(b, half), bb4_mul(b, b), half,
                       rk::bb_inv(bb_two_adic_gen(log_h)), log_h - 1};
    rc = rt_flat("fri_fold", (uint64_t)1 << (log_h - 1), body, e);
    return rc ? rc : rt_sync("FRI fold", e);
}

int gpu_deep_dot_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *coef, bb4_t *d_S, rk_err *e)
{
    RK_API_LOCK;
    if (w == 0 || w > ((size_t)1 << 24))
        return rk_fail(e, RK_EINPUT, "gpu: DEEP sum: width %zu", w);
    int rc = rt_init(e);
    if (rc)
        return rc;
    bb4 *d_coef = NULL;
    rc = rt_alloc((void **)&d_coef, w * sizeof *d_coef, "DEEP coefficients", e);
    if (!rc)
        rc = rt_h2d(d_coef, coef, w * sizeof *d_coef, e);
    if (!rc) {
        deep_dot_body body{d_m, d_coef, (bb4 *)d_S, w};
        rc = rt_flat("deep_dot", n, body, e);
    }
    if (!rc)
        rc = rt_sync("DEEP sum", e);
    rt_free(d_coef);
    return rc;
}

int gpu_fri_inv_points_dev(unsigned log_h, bb_t shift, bb4_t z, bb4_t *d_inv, rk_err *e)
{
    RK_API_LOCK;
    if (log_h > 27)
        return rk_fail(e, RK_EINPUT, "gpu: FRI points: log height %u > 27", log_h);
    int rc = rt_init(e);
    if (rc)
        return rc;
    fri_inv_body body{(bb4 *)d_inv, to_rk(z), shift, bb_two_adic_gen(log_h), log_h};
    rc = rt_flat("fri_inv_points", (uint64_t)1 << log_h, body, e);
    return rc ? rc : rt_sync("FRI points", e);
}

int gpu_deep_reduce_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *apow, size_t npts,
                        const bb4_t *coef, const bb4_t *Y, const bb4_t *const *d_inv, bb4_t *d_R,
                        rk_err *e)
{
    RK_API_LOCK;
    if (w == 0 || w > ((size_t)1 << 24))
        return rk_fail(e, RK_EINPUT, "gpu: DEEP reduction: width %zu", w);
    if (npts == 0 || npts > RK_DEEP_MAX_PTS)
        return rk_fail(e, RK_EINPUT, "gpu: DEEP reduction: %zu points (1..%d)", npts, RK_DEEP_MAX_PTS);
    int rc = rt_init(e);
    if (rc)
        return rc;
    bb4 *d_apow = NULL;
    rc = rt_alloc((void **)&d_apow, w * sizeof *d_apow, "DEEP coefficients", e);
    if (!rc)
        rc = rt_h2d(d_apow, apow, w * sizeof *d_apow, e);
    if (!rc) {
        deep_reduce_body body;
        body.m = d_m;
        body.apow = d_apow;
        body.w = w;
        body.npts = (unsigned)npts;
        for (size_t j = 0; j < RK_DEEP_MAX_PTS; j++) {
            body.coef[j] = to_rk(coef[j < npts ? j : 0]);
            body.Y[j] = to_rk(Y[j < npts ? j : 0]);
            body.inv[j] = (const bb4 *)d_inv[j < npts ? j : 0];
        }
        body.R = (bb4 *)d_R;
        rc = rt_flat("deep_reduce", n, body, e);
    }
    if (!rc)
        rc = rt_sync("DEEP reduction", e);
    rt_free(d_apow);
    return rc;
}

int gpu_fri_fold(const bb4_t *f, unsigned log_h, bb4_t beta, const bb4_t *reduced, bb4_t *out,
                 rk_err *e)
{
    RK_API_LOCK;
    if (log_h < 1 || log_h > 27)
        return rk_fail(e, RK_EINPUT, "gpu: FRI fold: log height %u not in 1..27", log_h);
    int rc = rt_init(e);
    if (rc)
        return rc;
    size_t n = (size_t)1 << log_h, bytes_in = n * sizeof(bb4_t), bytes_out = bytes_in / 2;
    bb4_t *d_f = NULL, *d_r = NULL, *d_o = NULL;
    rc = rt_alloc((void **)&d_f, bytes_in, "FRI codeword", e);
    if (!rc)
        rc = rt_alloc((void **)&d_o, bytes_out, "FRI folded codeword", e);
    if (!rc && reduced)
        rc = rt_alloc((void **)&d_r, bytes_out, "FRI reduced codeword", e);
    if (!rc)
        rc = rt_h2d(d_f, f, bytes_in, e);
    if (!rc && reduced)
        rc = rt_h2d(d_r, reduced, bytes_out, e);
    if (!rc)
        rc = gpu_fri_fold_dev(d_f, log_h, beta, d_r, d_o, e);
    if (!rc)
        rc = rt_d2h(out, d_o, bytes_out, e);
    rt_free(d_f);
    rt_free(d_r);
    rt_free(d_o);
    return rc;
}

} /* extern "C" */
