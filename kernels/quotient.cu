/* quotient.cu - the constraint quotient of one table on the GPU (lib/stark compute_quotient).
 *
 * One thread per row of the quotient domain shift*K_M (M = 2^(log_n + log_qd), rows in
 * bit-reversed order, as the LDE stores them).  Each thread runs the table's
 * straight-line program (lib/air air_program: slot-allocated, row-independent values
 * folded in, the alpha-combination fused in) and writes
 *   Q[i] = (sum_c alpha^c C_c(row i)) / Z_H(x_i),   x_i = shift * w_M^bitrev(i).
 * Slots live in a global scratch laid out slot-major (word w of thread t at
 * w * T + t), so the warp's accesses are coalesced; rows are processed in chunks of T
 * threads to bound that scratch.  All threads of a warp run the same instruction (no
 * divergence: the program has no branches that depend on the row).
 *
 * Same words as the CPU: every value is a field element in canonical Montgomery form
 * and the arithmetic is exact, so the order of the sum does not matter.
 */
#include <string.h>

#include "api.cuh"
#include "bb.cuh"
#include "ntt.cuh"
#include "program.cuh"
#include "rt.cuh"

namespace rk {

/* The one accumulator of the quotient: sum alpha^c C_c. */
struct quotient_acc {
    bb4 v;
    RK_HD void add(const air_prog_term &, bb4 x) { v = bb4_add(v, x); }
};

struct quotient_body {
    prog_view P;
    bb4 acc_init;
    uint64_t row0;       /* first row of the chunk */
    uint64_t mat_row0;   /* row r of the matrices (and of Q) is at r - mat_row0: a block of rows */
    unsigned log_M;
    uint32_t qd;
    uint32_t shift, w_M, g_inv;
    uint32_t zh[16], inv_zh[16];
    bb4 *Q;

    RK_HD void operator()(uint64_t t) const
    {
        const uint64_t M = (uint64_t)1 << log_M, i = row0 + t, j = RK_BITREV(i, log_M);
        /* the next row keeps i's top log_qd bits: a block of M/qd rows is self-contained */
        const uint64_t loc = i - mat_row0, nxt = RK_BITREV((j + qd) & (M - 1), log_M) - mat_row0;
        const uint32_t x = bb_mul(shift, bb_pow(w_M, j)), z = zh[j & (qd - 1)];
        const uint32_t sel[3] = {bb_mul(z, bb_inv(bb_sub(x, RK_ONE))), bb_mul(z, bb_inv(bb_sub(x, g_inv))),
                                 bb_sub(x, g_inv)};
        quotient_acc acc{acc_init};
        P.run(t, loc, nxt, sel, acc);
        Q[loc] = bb4_mul_base(acc.v, inv_zh[j & (qd - 1)]);
    }
};

static size_t g_chunk_rows; /* test hook: 0 = by the scratch budget */

/* Scratch budget: chunks of T rows with T * slot words <= 2^26 words (256 MiB). */
static uint64_t quotient_chunk_rows(uint64_t M, uint64_t words)
{
    if (g_chunk_rows)
        return g_chunk_rows < M ? g_chunk_rows : M;
    uint64_t T = (uint64_t)1 << 26;
    T /= words ? words : 1;
    uint64_t p = 1024;
    while (2 * p <= T)
        p *= 2;
    return p < M ? p : M;
}

static int quotient_check(const gpu_quotient_job *q, rk_err *e)
{
    if (q->prog && q->prog->n_acc != 1)
        return rk_fail(e, RK_EINPUT, "gpu: quotient: a program with %zu accumulators", q->prog->n_acc);
    if (!q->prog || q->log_qd > 4 || q->log_n + q->log_qd > 27 || q->log_n < 1)
        return rk_fail(e, RK_EINPUT, "gpu: quotient: log height %u, log quotient degree %u out of range",
                       q->log_n, q->log_qd);
    return RK_OK;
}

} /* namespace rk */

using namespace rk;

extern "C" {

size_t gpu_quotient_set_chunk_rows(size_t rows)
{
    RK_API_LOCK;
    g_chunk_rows = rows;
    return rows;
}

} /* extern "C" */

/* Rows [lo, hi) of the quotient, the matrices and d_Q holding rows from mat_row0 on. */
static int quotient_rows(const gpu_quotient_job *q, bb4_t *d_Q, uint64_t lo, uint64_t hi, uint64_t mat_row0,
                         rk_err *e)
{
    int rc;
    const air_program *p = q->prog;
    const unsigned log_M = q->log_n + q->log_qd;
    const uint64_t M = (uint64_t)1 << log_M, qd = (uint64_t)1 << q->log_qd, n = (uint64_t)1 << q->log_n;
    const uint64_t words = (uint64_t)p->n_base_slots + 4 * (uint64_t)p->n_ext_slots;
    const uint64_t T = quotient_chunk_rows(M, words);
    quotient_body body;
    memset(&body, 0, sizeof body);
    air_prog_ins *d_ins = NULL;
    air_prog_term *d_terms = NULL;
    bb4 *d_consts = NULL;
    uint32_t *d_slots = NULL;
    rc = rt_alloc((void **)&d_ins, p->n_ins * sizeof *d_ins, "quotient program", e);
    if (!rc)
        rc = rt_alloc((void **)&d_terms, p->n_terms * sizeof *d_terms, "quotient terms", e);
    if (!rc)
        rc = rt_h2d(d_terms, p->terms, p->n_terms * sizeof *d_terms, e);
    if (!rc)
        rc = rt_alloc((void **)&d_consts, p->n_consts * sizeof *d_consts, "quotient constants", e);
    if (!rc)
        rc = rt_alloc((void **)&d_slots, (words ? words : 1) * T * sizeof(uint32_t), "quotient slots", e);
    if (!rc)
        rc = rt_h2d(d_ins, p->ins, p->n_ins * sizeof *d_ins, e);
    if (!rc)
        rc = rt_h2d(d_consts, p->consts, p->n_consts * sizeof *d_consts, e);
    if (!rc) {
        body.P.ins = d_ins;
        body.P.n_ins = (uint32_t)p->n_ins;
        body.P.consts = d_consts;
        body.P.terms = d_terms;
        for (int k = 0; k < 4; k++)
            body.acc_init.c[k] = p->acc_init[0].c[k];
        body.P.main = q->main;
        body.P.pre = q->pre;
        body.P.perm = q->perm;
        body.P.main_w = q->main_w;
        body.P.pre_w = q->pre_w;
        body.P.perm_w = q->perm_w;
        body.P.slots = d_slots;
        body.P.T = T;
        body.P.n_base = p->n_base_slots;
        body.log_M = log_M;
        body.qd = (uint32_t)qd;
        body.shift = q->shift;
        body.w_M = bb_two_adic_gen(log_M);
        body.g_inv = rk::bb_inv(bb_two_adic_gen(q->log_n));
        /* Z_H(x) = x^n - 1 takes qd values on the coset: shift^n w_qd^k - 1 */
        const uint32_t sn = rk::bb_pow(q->shift, n), wq = bb_two_adic_gen(q->log_qd);
        for (uint32_t k = 0; k < qd; k++) {
            body.zh[k] = rk::bb_sub(rk::bb_mul(sn, rk::bb_pow(wq, k)), RK_ONE);
            body.inv_zh[k] = rk::bb_inv(body.zh[k]);
        }
        body.Q = (bb4 *)d_Q;
    }
    body.mat_row0 = mat_row0;
    for (uint64_t row0 = lo; !rc && row0 < hi; row0 += T) {
        body.row0 = row0;
        rc = rt_flat("quotient", T < hi - row0 ? T : hi - row0, body, e);
    }
    if (!rc)
        rc = rt_sync("quotient", e);
    rt_free(d_ins);
    rt_free(d_terms);
    rt_free(d_consts);
    rt_free(d_slots);
    return rc;
}

/* out[k * 4qd + 4t + j] = component j of a[t n + k] * sinv_n^t, k < n, t < qd. */
struct quotient_chunks_body {
    const bb4 *a;
    uint32_t *out;
    uint64_t n;
    unsigned qd;
    uint32_t sinv_n;
    RK_HD void operator()(uint64_t i) const
    {
        uint64_t k = i % n, t = i / n;
        bb4 v = rk::bb4_mul_base(a[t * n + k], rk::bb_pow(sinv_n, t));
        uint32_t *o = out + k * 4 * qd + 4 * t;
        for (int j = 0; j < 4; j++)
            o[j] = v.c[j];
    }
};

extern "C" {

int gpu_quotient_chunks_dev(const bb4_t *d_a, unsigned log_n, unsigned log_qd, bb_t sinv_n, bb_t *d_out,
                            rk_err *e)
{
    RK_API_LOCK;
    if (log_qd > 4 || log_n + log_qd > 27)
        return rk_fail(e, RK_EINPUT, "gpu: quotient chunks: log_n %u, log_qd %u", log_n, log_qd);
    int rc = rt_init(e);
    if (rc)
        return rc;
    quotient_chunks_body body{(const bb4 *)d_a, d_out, (uint64_t)1 << log_n, 1u << log_qd, sinv_n};
    rc = rt_flat("quotient_chunks", (uint64_t)1 << (log_n + log_qd), body, e);
    return rc ? rc : rt_sync("quotient chunks", e);
}

int gpu_quotient_dev(const gpu_quotient_job *q, bb4_t *d_Q, rk_err *e)
{
    RK_API_LOCK;
    int rc = quotient_check(q, e);
    if (rc || (rc = rt_init(e)))
        return rc;
    return quotient_rows(q, d_Q, 0, (uint64_t)1 << (q->log_n + q->log_qd), 0, e);
}

int gpu_quotient(const gpu_quotient_job *q, bb4_t *Q, rk_err *e)
{
    RK_API_LOCK;
    int rc = quotient_check(q, e);
    if (rc || (rc = rt_init(e)))
        return rc;
    /* Block by block (the rows with the same top log_qd bits: each block's next rows are in
     * it): 1/qd of the LDE rows on the device at a time (a 2^22-cycle segment on a 16 GB card). */
    const uint64_t M = (uint64_t)1 << (q->log_n + q->log_qd), Bk = M >> q->log_qd;
    gpu_quotient_job d = *q;
    const bb_t *src[3] = {q->main, q->pre, q->perm};
    const size_t w[3] = {q->main_w, q->pre_w, q->perm_w};
    const char *what[3] = {"quotient: main LDE rows", "quotient: preprocessed LDE rows", "quotient: permutation LDE rows"};
    bb_t *dm[3] = {NULL, NULL, NULL};
    bb4_t *d_Q = NULL;
    for (int k = 0; k < 3 && !rc; k++)
        if (w[k] && src[k])
            rc = rt_alloc((void **)&dm[k], Bk * w[k] * sizeof(bb_t), what[k], e);
    if (!rc)
        rc = rt_alloc((void **)&d_Q, Bk * sizeof *d_Q, "quotient values", e);
    d.main = dm[0];
    d.pre = dm[1];
    d.perm = dm[2];
    for (uint64_t r0 = 0; !rc && r0 < M; r0 += Bk) {
        for (int k = 0; k < 3 && !rc; k++)
            if (dm[k])
                rc = gpu_upload(dm[k], src[k] + r0 * w[k], Bk * w[k] * sizeof(bb_t), e);
        if (!rc)
            rc = quotient_rows(&d, d_Q, r0, r0 + Bk, r0, e);
        if (!rc)
            rc = gpu_download(Q + r0, d_Q, Bk * sizeof *d_Q, e);
    }
    for (int k = 0; k < 3; k++)
        rt_free(dm[k]);
    rt_free(d_Q);
    return rc;
}

} /* extern "C" */
