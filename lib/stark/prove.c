/* prove.c - the multi-table STARK prover (protocol in docs/stark.md, section "Protocol"). */
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "gpu/gpu.h"
#include "ntt/ntt.h"
#include "stark/stark.h"

#define B AIR_BLOCK
#define OPEN_CHUNKS 64 /* fixed row split of the opening sums (results are exact anyway) */

typedef struct tctx {
    const air_table *tb;
    unsigned log_n, log_N, log_qd;
    size_t n, N;
    const bb_t *trace;   /* main, on H */
    bb_t *main_lde;      /* N x main_w, bit-reversed coset */
    const bb_t *pre_trace, *pre_lde;
    bb_t *perm_trace;    /* n x 4*perm_w */
    bb_t *perm_lde;      /* N x 4*perm_w */
    bb4_t cumsum;
    bb_t *q_lde;         /* N x 4*qd */
    bb4_t *q_coef;       /* n*qd true coefficients of the quotient */
    bb4_t *open;         /* all opened values of this table, in proof order */
    size_t n_open;
    bb4_t pts[2];        /* zeta, zeta * g */
    /* resident GPU proving (rk_backend_resident): device copies of the LDEs, or NULL */
    bb_t *d_main, *d_perm, *d_pre;
    bb_t *d_trace;        /* resident: the main trace, kept on the device for the LogUp kernel */
    int d_perm_is_trace;  /* d_perm holds the LogUp trace in its first n rows, not yet its LDE */
    bb_t *d_q;            /* resident: the quotient chunks' LDE (N x 4*qd), on the device only */
    /* the challenges and publics, for making perm_trace or the quotient on the CPU later: a
     * resident proof leaves them on the device only (the openings read their LDEs there) */
    bb4_t *ch;
    bb4_t alpha;
    const bb_t *publics;
} tctx;

static void tctx_free(tctx *c)
{
    free(c->main_lde);
    free(c->perm_trace);
    free(c->perm_lde);
    free(c->q_lde);
    free(c->q_coef);
    free(c->open);
    gpu_free(c->d_main);
    gpu_free(c->d_perm);
    gpu_free(c->d_pre);
    gpu_free(c->d_trace);
    gpu_free(c->d_q);
}

static inline bb_t slot_base(const bb_t *s, air_expr x, size_t r) { return s[(size_t)x * 4 * B + r]; }

/* Row loops over n elements are cut into PAR_CHUNK pieces for the threads;
 * field arithmetic is exact, so the split never changes a result. */
#define PAR_CHUNK 4096
#define PAR_MIN 4096 /* below this a loop stays on one thread */

/* out[i] = g^i, i < n; each piece starts from its own power. */
static void powers(bb_t *out, bb_t g, size_t n)
{
    size_t nch = (n + PAR_CHUNK - 1) / PAR_CHUNK;
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t k = 0; k < nch; k++) {
        size_t lo = k * PAR_CHUNK, hi = lo + PAR_CHUNK < n ? lo + PAR_CHUNK : n;
        bb_t acc = bb_pow(g, lo);
        for (size_t i = lo; i < hi; i++) {
            out[i] = acc;
            acc = bb_mul(acc, g);
        }
    }
}

/* bb4_batch_inv on n elements, piece by piece on the threads. */
static void batch_inv_ext_par(bb4_t *x, size_t n)
{
    size_t nch = (n + PAR_CHUNK - 1) / PAR_CHUNK;
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t k = 0; k < nch; k++) {
        size_t lo = k * PAR_CHUNK, m = n - lo < PAR_CHUNK ? n - lo : PAR_CHUNK;
        bb4_batch_inv(x + lo, x + lo, m);
    }
}
/* ---- resident GPU proving ----
 * With rk_backend_resident(), each main and permutation LDE is made on the device and kept
 * there only: its Merkle tree, the quotient and FRI's row sums read the device copy, and the
 * queries download the rows they open (docs/gpu.md).  When a GPU call fails under "auto", the
 * CPU makes the host LDEs from the traces (host_ldes) and redoes the step.  Every GPU step
 * below returns RK_OK with nothing done when "auto" falls back to the CPU. */

/* Resident proving for this proof: on, its LDEs big enough for the GPU (the size threshold of
 * rk_backend_offload, over all of them) and all of them fitting in the device's free memory. */
static int resident_ok(const tctx *T, size_t nt)
{
    size_t words = 0, fr = 0, tot = 0, N_max = 0;
    for (size_t t = 0; t < nt; t++) {
        words += T[t].N * (T[t].tb->main_width + (size_t)T[t].tb->pre_width + 4 * (size_t)T[t].tb->perm_width);
        if (T[t].tb->n_inter) /* the main trace stays too, for the LogUp kernel */
            words += T[t].n * T[t].tb->main_width;
        words += T[t].N * 4 * ((size_t)1 << T[t].log_qd); /* the quotient's LDE */
        N_max = T[t].N > N_max ? T[t].N : N_max;
    }
    if (!rk_backend_resident() || !rk_backend_offload(words))
        return 0;
    /* the main, permutation and quotient trees keep their layers (lib/merkle: 64 bytes a
     * leaf); headroom for the calls' own buffers: FRI's codewords (<= 64 bytes a row), the
     * quotient's values and slot scratch, twiddles */
    size_t need = words * sizeof(bb_t) + 4 * N_max * 64 + ((size_t)512 << 20);
    rk_err ge;
    rk_err_clear(&ge);
    if (gpu_mem_info(&fr, &tot, &ge) != RK_OK)
        return 0;
    return tot == 0 || need + tot / 20 <= fr; /* tot 0: the host emulation; 5% spare: an OOM later costs a CPU redo */
}

/* A GPU step failed with ge: RK_OK when "auto" continues on the CPU, else the proof's error. */
static int gpu_step_failed(const rk_err *ge, rk_err *e)
{
    int rc = rk_backend_gpu_failed(ge);
    return rc ? rk_fail(e, rc, "stark: %s", ge->msg) : RK_OK;
}

/* The coset LDE of evals (2^log_n x w) on the device into *d (kept; nothing comes down);
 * with d_evals, the evaluations stay on the device too (a copy made before the LDE). */
static int lde_on_device(const bb_t *evals, unsigned log_n, size_t w, unsigned lb, bb_t **d, bb_t **d_evals,
                         rk_err *e)
{
    const size_t n = (size_t)1 << log_n, N = n << lb;
    rk_err ge;
    rk_err_clear(&ge);
    double t0 = rk_backend_clock();
    bb_t *dm = gpu_malloc(N * w * sizeof *dm, &ge), *dv = NULL;
    int ok = dm && gpu_upload(dm, evals, n * w * sizeof *dm, &ge) == RK_OK;
    if (ok && d_evals)
        ok = (dv = gpu_malloc(n * w * sizeof *dv, &ge)) && gpu_copy_dev(dv, dm, n * w * sizeof *dv, &ge) == RK_OK;
    ok = ok && gpu_ntt_coset_lde_batch_dev(dm, log_n, w, lb, bb_generator(), 1, &ge) == RK_OK;
    if (ok) {
        rk_backend_gpu_call_done(t0, n * w * sizeof *dm); /* the evaluations up */
        *d = dm;
        if (d_evals)
            *d_evals = dv;
        return RK_OK;
    }
    gpu_free(dm);
    gpu_free(dv);
    *d = NULL;
    return gpu_step_failed(&ge, e);
}

/* A device copy of a host matrix (the preprocessed LDEs, made at keygen). */
static int upload_copy(const bb_t *m, size_t words, bb_t **d, rk_err *e)
{
    rk_err ge;
    rk_err_clear(&ge);
    double t0 = rk_backend_clock();
    bb_t *dm = gpu_malloc(words * sizeof *dm, &ge);
    if (dm && gpu_upload(dm, m, words * sizeof *dm, &ge) == RK_OK) {
        rk_backend_gpu_call_done(t0, words * sizeof *dm);
        *d = dm;
        return RK_OK;
    }
    gpu_free(dm);
    *d = NULL;
    return gpu_step_failed(&ge, e);
}

static int build_perm(tctx *c, const bb4_t *ch, const bb_t *publics, rk_err *e);
static int compute_quotient(tctx *c, const bb4_t *ch, bb4_t alpha, const bb_t *publics, rk_err *e);

/* The quotient's host LDE and coefficients (a resident proof left its LDE on the device only). */
static int host_quotient(tctx *x, rk_err *e)
{
    if (x->q_lde || !x->ch)
        return RK_OK;
    x->ch[AIR_CH_CUMSUM] = x->cumsum;
    return compute_quotient(x, x->ch, x->alpha, x->publics, e);
}

/* The LogUp rows in host memory (a resident proof left them on the device only). */
static int host_perm_trace(tctx *x, rk_err *e)
{
    if (!x->tb->perm_width || x->perm_trace || !x->ch) /* none, made, or not yet due */
        return RK_OK;
    return build_perm(x, x->ch, x->publics, e);
}

/* The host LDEs of a table that a resident proof left on the device only, made on the CPU
 * from the traces: after the GPU failed under "auto", the CPU's steps need them. */
static int host_ldes(tctx *x, unsigned lb, rk_err *e)
{
    const size_t w = x->tb->main_width, pw = 4 * (size_t)x->tb->perm_width;
    int rc;
    if (pw && !x->perm_lde && (rc = host_perm_trace(x, e)))
        return rc;
    if (!x->main_lde) {
        x->main_lde = malloc(x->N * w * sizeof(bb_t));
        if (!x->main_lde || ntt_coset_lde_batch(x->trace, x->log_n, w, lb, bb_generator(), x->main_lde, 1))
            return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    }
    if (pw && x->perm_trace && !x->perm_lde) {
        x->perm_lde = malloc(x->N * pw * sizeof(bb_t));
        if (!x->perm_lde || ntt_coset_lde_batch(x->perm_trace, x->log_n, pw, lb, bb_generator(), x->perm_lde, 1))
            return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    }
    return RK_OK;
}

/* Commit the main (which = 0), permutation (1) or quotient (2) LDEs of the tables: from their
 * device copies when every one has one and the GPU is in use, else on the CPU (making any host
 * LDE that a resident proof had left on the device). */
static int commit_ldes(tctx *T, size_t nt, int which, unsigned lb, merkle_tree *tree, rk_err *e)
{
    const int perm = which == 1;
    const bb_t **mats = calloc(nt, sizeof *mats), **d_mats = calloc(nt, sizeof *d_mats);
    size_t *widths = calloc(nt, sizeof *widths);
    unsigned *lh = calloc(nt, sizeof *lh);
    int rc = RK_OK;
    if (!mats || !d_mats || !widths || !lh) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto done;
    }
    size_t k = 0;
    int all_dev = rk_backend_is_gpu();
    for (size_t t = 0; t < nt; t++) {
        tctx *x = &T[t];
        if (perm && !x->tb->perm_width)
            continue;
        mats[k] = which == 2 ? x->q_lde : perm ? x->perm_lde : x->main_lde;
        d_mats[k] = which == 2 ? x->d_q : perm ? x->d_perm : x->d_main;
        widths[k] = which == 2 ? 4 * ((size_t)1 << x->log_qd) : perm ? 4 * (size_t)x->tb->perm_width : x->tb->main_width;
        lh[k] = x->log_N;
        all_dev &= d_mats[k] != NULL;
        k++;
    }
    if (all_dev) {
        rc = merkle_commit_dev(tree, k, mats, d_mats, widths, lh, e);
        if (rc == RK_OK || rk_backend_is_gpu()) /* done, or "gpu" failed */
            goto done;
        /* "auto" fell back to the CPU: below, with host LDEs */
    }
    k = 0;
    for (size_t t = 0; t < nt; t++) {
        tctx *x = &T[t];
        if (perm && !x->tb->perm_width)
            continue;
        if ((rc = which == 2 ? host_quotient(x, e) : host_ldes(x, lb, e)))
            goto done;
        mats[k++] = which == 2 ? x->q_lde : perm ? x->perm_lde : x->main_lde;
    }
    rc = merkle_commit(tree, k, mats, widths, lh, e);
done:
    free(mats);
    free(d_mats);
    free(widths);
    free(lh);
    return rc;
}

/* ---- 1. the prover's own constraint check over the trace ---- */

static int check_constraints(const tctx *c, const bb_t *publics, rk_err *e)
{
    const air_table *tb = c->tb;
    const size_t n = c->n, nblk = (n + B - 1) / B, nc = tb->n_user_constraints;
    uint64_t first_bad = UINT64_MAX;
    int oom = 0;
    if (nc == 0)
        return RK_OK;
#pragma omp parallel if (nblk >= 16)
    {
        bb_t *s = malloc(air_block_scratch_words(tb) * sizeof *s);
        uint32_t loc[B], nxt[B];
        bb_t isf[B], isl[B], ist[B];
        if (!s) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(static) reduction(min : first_bad)
        for (size_t k = 0; k < nblk; k++) {
            if (!s)
                continue;
            size_t r0 = k * B, cnt = n - r0 < B ? n - r0 : B;
            for (size_t r = 0; r < cnt; r++) {
                size_t row = r0 + r;
                loc[r] = (uint32_t)row;
                nxt[r] = (uint32_t)((row + 1) & (n - 1));
                isf[r] = row == 0 ? bb_one() : 0;
                isl[r] = row == n - 1 ? bb_one() : 0;
                ist[r] = row != n - 1 ? bb_one() : 0;
            }
            air_block blk = {cnt,       c->trace, c->pre_trace, NULL, tb->main_width, tb->pre_width, 0,
                             loc,       nxt,      isf,          isl,  ist,            publics,       NULL};
            air_eval_block(tb, &blk, tb->n_user_nodes, s);
            for (size_t ci = 0; ci < nc; ci++) {
                air_expr x = tb->constraints[ci];
                int comps = tb->nodes[x].is_ext ? 4 : 1;
                for (size_t r = 0; r < cnt; r++)
                    for (int j = 0; j < comps; j++)
                        if (s[(size_t)x * 4 * B + j * B + r] != 0) {
                            uint64_t code = (uint64_t)(r0 + r) * nc + ci;
                            if (code < first_bad)
                                first_bad = code;
                        }
            }
        }
        free(s);
    }
    if (oom)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    if (first_bad != UINT64_MAX) {
        const char *label = tb->labels[first_bad % nc];
        return rk_fail(e, RK_EINPUT, "stark: table %s: constraint %llu%s%s%s fails at row %llu", tb->name,
                       (unsigned long long)(first_bad % nc), label ? " (" : "", label ? label : "",
                       label ? ")" : "", (unsigned long long)(first_bad / nc));
    }
    return RK_OK;
}

/* ---- 2. LogUp permutation trace ---- */

/* h[q*B + r] += inv[q*B + r] * m[r] (neg: -=) for r < n, the 4 components q: one
 * interaction's term +-mult/den added to its batch's sum, rows in the lanes. */
typedef void (*logup_acc_fn)(bb_t *h, const bb_t *inv, const bb_t *m, int neg, size_t n);

static void logup_acc_scalar(bb_t *h, const bb_t *inv, const bb_t *m, int neg, size_t n)
{
    for (int q = 0; q < 4; q++)
        for (size_t r = 0; r < n; r++) {
            bb_t t = bb_mul(inv[q * B + r], m[r]);
            h[q * B + r] = neg ? bb_sub(h[q * B + r], t) : bb_add(h[q * B + r], t);
        }
}

#if defined(BB_HAVE_AVX2_CODE)
static BB_AVX2 void logup_acc_avx2(bb_t *h, const bb_t *inv, const bb_t *m, int neg, size_t n)
{
    size_t v = n & ~(size_t)7;
    for (size_t r = 0; r < v; r += 8) {
        __m256i mr = bb8_load(m + r);
        for (int q = 0; q < 4; q++) {
            __m256i t = bb8_mul(bb8_load(inv + q * B + r), mr), a = bb8_load(h + q * B + r);
            bb8_store(h + q * B + r, neg ? bb8_sub(a, t) : bb8_add(a, t));
        }
    }
    if (v < n) /* the block's last rows */
        for (int q = 0; q < 4; q++)
            for (size_t r = v; r < n; r++) {
                bb_t t = bb_mul(inv[q * B + r], m[r]);
                h[q * B + r] = neg ? bb_sub(h[q * B + r], t) : bb_add(h[q * B + r], t);
            }
}
#endif

static int build_perm(tctx *c, const bb4_t *ch, const bb_t *publics, rk_err *e)
{
    const air_table *tb = c->tb;
    const size_t n = c->n, nblk = (n + B - 1) / B, ni = tb->n_inter;
    const unsigned pw = tb->perm_width, nb = tb->n_batches;
    c->perm_trace = malloc(n * 4 * pw * sizeof(bb_t));
    if (!c->perm_trace)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    int oom = 0, zero_den = 0;
    logup_acc_fn add_term = logup_acc_scalar;
#if defined(BB_HAVE_AVX2_CODE)
    if (bb_simd_avx2()) /* 8 rows per vector: a 32-row block is 4 of them, AVX-512 would give 2 */
        add_term = logup_acc_avx2;
#endif
#pragma omp parallel if (nblk >= 16)
    {
        bb_t *s = malloc(air_block_scratch_words(tb) * sizeof *s);
        /* the block's denominators, then their inverses: interaction j, component q, row r
         * at den[(j*4 + q)*B + r] (rows in SIMD lanes) */
        bb_t *den = malloc(ni * 4 * B * sizeof *den), *tmp = malloc(ni * 4 * B * sizeof *tmp);
        uint32_t loc[B];
        if (!s || !den || !tmp) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(static)
        for (size_t k = 0; k < nblk; k++) {
            if (!s || !den || !tmp)
                continue;
            size_t r0 = k * B, cnt = n - r0 < B ? n - r0 : B;
            for (size_t r = 0; r < cnt; r++)
                loc[r] = (uint32_t)(r0 + r);
            air_block blk = {cnt, c->trace, c->pre_trace, NULL, tb->main_width, tb->pre_width, 0,
                             loc, loc,      NULL,         NULL, NULL,           publics,       ch};
            air_eval_block(tb, &blk, tb->n_user_nodes, s);
            /* denominators beta + bus + sum_k gamma^(k+1) v_k (the sum vectorized over the rows) */
            int zero = 0;
            for (size_t j = 0; j < ni; j++) {
                const air_interaction *it = &tb->inter[j];
                bb4_t c0 = stark_logup_den_base(ch, it->bus);
                bb_t *d = den + j * 4 * B;
                air_block_combine(tb, s, cnt, it->values, ch + AIR_CH_GAMMA1, it->n_values, d);
                for (size_t r = 0; r < cnt; r++) {
                    for (int q = 0; q < 4; q++)
                        d[q * B + r] = bb_add(c0.c[q], d[q * B + r]);
                    zero |= !(d[r] | d[B + r] | d[2 * B + r] | d[3 * B + r]);
                }
            }
            if (zero) {
#pragma omp atomic write
                zero_den = 1;
            }
            air_block_batch_inv(den, ni, cnt, tmp);
            /* h_b = sum over the batch's interactions of +-mult / den */
            for (unsigned b = 0; b < nb; b++) {
                bb_t h[4 * B];
                memset(h, 0, sizeof h);
                for (uint32_t j = tb->batch_start[b]; j < tb->batch_start[b + 1]; j++)
                    add_term(h, den + (size_t)j * 4 * B, s + (size_t)tb->inter[j].mult * 4 * B,
                        tb->inter[j].sign < 0, cnt);
                for (size_t r = 0; r < cnt; r++)
                    for (int q = 0; q < 4; q++)
                        c->perm_trace[(r0 + r) * 4 * pw + 4 * b + q] = h[q * B + r];
            }
        }
        free(s);
        free(den);
        free(tmp);
    }
    if (oom)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    if (zero_den)
        return rk_fail(e, RK_EINTERNAL, "stark: table %s: a LogUp denominator is zero (negligible event)",
                       tb->name);
    /* running sum: s_0 = sum_b h_b(0), s_i = s_(i-1) + sum_b h_b(i); a prefix sum in two
     * passes over pieces (each piece's own running sum, then the earlier pieces' totals) */
    const size_t nch = (n + PAR_CHUNK - 1) / PAR_CHUNK;
    bb4_t *tot = malloc(nch * sizeof *tot);
    if (!tot)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t k = 0; k < nch; k++) {
        size_t lo = k * PAR_CHUNK, hi = lo + PAR_CHUNK < n ? lo + PAR_CHUNK : n;
        bb4_t acc = bb4_zero();
        for (size_t i = lo; i < hi; i++) {
            bb_t *row = c->perm_trace + i * 4 * pw;
            for (unsigned b = 0; b < nb; b++) {
                bb4_t h;
                memcpy(h.c, row + 4 * b, sizeof h.c);
                acc = bb4_add(acc, h);
            }
            memcpy(row + 4 * nb, acc.c, sizeof acc.c);
        }
        tot[k] = acc;
    }
    bb4_t before = bb4_zero();
    for (size_t k = 0; k < nch; k++) { /* tot[k] becomes the sum of the pieces before k */
        bb4_t t = tot[k];
        tot[k] = before;
        before = bb4_add(before, t);
    }
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t k = 1; k < nch; k++) {
        size_t lo = k * PAR_CHUNK, hi = lo + PAR_CHUNK < n ? lo + PAR_CHUNK : n;
        for (size_t i = lo; i < hi; i++) {
            bb_t *sum = c->perm_trace + i * 4 * pw + 4 * nb;
            for (int q = 0; q < 4; q++)
                sum[q] = bb_add(sum[q], tot[k].c[q]);
        }
    }
    free(tot);
    c->cumsum = before;
    return RK_OK;
}


int stark_logup_program(const air_table *tb, const bb4_t *ch, const bb_t *publics, air_program *p, rk_err *e)
{
    const size_t ni = tb->n_inter;
    size_t nt = 0;
    for (size_t j = 0; j < ni; j++)
        nt += tb->inter[j].n_values + 1;
    air_expr *xs = malloc((nt + 1) * sizeof *xs);
    bb4_t *coef = malloc((nt + 1) * sizeof *coef), *init = calloc(2 * ni + 1, sizeof *init);
    uint32_t *acc_of = malloc((nt + 1) * sizeof *acc_of);
    int rc;
    if (!xs || !coef || !init || !acc_of) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    } else {
        for (size_t j = 0, k = 0; j < ni; j++) {
            const air_interaction *it = &tb->inter[j];
            init[j] = stark_logup_den_base(ch, it->bus);
            for (unsigned v = 0; v < it->n_values; v++, k++)
                xs[k] = it->values[v], coef[k] = ch[AIR_CH_GAMMA1 + v], acc_of[k] = (uint32_t)j;
            xs[k] = it->mult, coef[k] = bb4_one(), acc_of[k++] = (uint32_t)(ni + j);
        }
        rc = air_program_build_multi(p, tb, xs, coef, acc_of, nt, 2 * ni, init, publics, ch, e);
    }
    free(xs);
    free(coef);
    free(init);
    free(acc_of);
    return rc;
}

/* The LogUp trace on the GPU (gpu_logup_dev): the table's interactions as a straight-line
 * program with a denominator and a multiplicity accumulator each, the traces up, the rows
 * down into perm_trace (the openings read them).  keep: the rows stay in x->d_perm (N rows
 * allocated: the LDE is made there in place).  *done = 0 when "auto" fell back: the CPU
 * builds them. */
static int build_perm_gpu(tctx *c, const bb4_t *ch, const bb_t *publics, int keep, int *done, rk_err *e)
{
    const air_table *tb = c->tb;
    const size_t n = c->n, ni = tb->n_inter, pw4 = 4 * (size_t)tb->perm_width;
    *done = 0;
    int32_t *sign = malloc(ni * sizeof *sign);
    air_program prog;
    air_program_init(&prog);
    bb_t *d_main = NULL, *d_pre = NULL, *d_perm = NULL;
    rk_err ge;
    rk_err_clear(&ge);
    int rc = RK_OK, zero = 0, ok = 0;
    if (!sign) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto done;
    }
    for (size_t j = 0; j < ni; j++)
        sign[j] = tb->inter[j].sign;
    if ((rc = stark_logup_program(tb, ch, publics, &prog, e)))
        goto done;
    /* kept on the device: the rows do not come down (host_perm_trace makes them if needed) */
    if (!keep && !(c->perm_trace = malloc(n * pw4 * sizeof(bb_t)))) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto done;
    }
    double t0 = rk_backend_clock();
    bb4_t cum;
    const size_t mw = tb->main_width, prw = tb->pre_width;
    gpu_logup_job job = {&prog, c->log_n, ni, tb->n_batches, tb->batch_start, sign, NULL, NULL, mw, prw};
    const int had_trace = c->d_trace != NULL;
    if (had_trace) { /* resident: the main trace is on the device already */
        d_main = c->d_trace;
        c->d_trace = NULL;
    }
    ok = (d_main || ((d_main = gpu_malloc(n * mw * sizeof(bb_t), &ge)) &&
                     gpu_upload(d_main, c->trace, n * mw * sizeof(bb_t), &ge) == RK_OK)) &&
         (!prw || ((d_pre = gpu_malloc(n * prw * sizeof(bb_t), &ge)) &&
                   gpu_upload(d_pre, c->pre_trace, n * prw * sizeof(bb_t), &ge) == RK_OK)) &&
         (d_perm = gpu_malloc((keep ? c->N : n) * pw4 * sizeof(bb_t), &ge));
    if (ok) {
        job.main = d_main;
        job.pre = d_pre;
        ok = gpu_logup_dev(&job, d_perm, &cum, &zero, &ge) == RK_OK &&
             (keep || gpu_download(c->perm_trace, d_perm, n * pw4 * sizeof(bb_t), &ge) == RK_OK);
    }
    if (ok) {
        /* traces up (unless resident), rows down (unless kept) */
        rk_backend_gpu_call_done(t0, n * ((had_trace ? 0 : mw) + prw + (keep ? 0 : pw4)) * sizeof(bb_t));
        if (zero) {
            rc = rk_fail(e, RK_EINTERNAL, "stark: table %s: a LogUp denominator is zero (negligible event)", tb->name);
            goto done;
        }
        c->cumsum = cum;
        *done = 1;
        if (keep) {
            c->d_perm = d_perm;
            c->d_perm_is_trace = 1;
            d_perm = NULL;
        }
    } else {
        free(c->perm_trace);
        c->perm_trace = NULL;
        rc = gpu_step_failed(&ge, e);
    }
done:
    gpu_free(d_main);
    gpu_free(d_pre);
    gpu_free(d_perm);
    air_program_free(&prog);
    free(sign);
    return rc;
}

/* ---- 3. quotient ---- */

/* The rest of compute_quotient on the device (a resident proof): from Q's values d_Q (bit-
 * reversed over shift*K_M) to the chunks' LDE in c->d_q, the same steps as the host code
 * below (bit reversal, inverse NTT, chunk columns scaled by shift^-(tn), forward NTT). */
static int quotient_lde_dev(tctx *c, bb4_t *d_Q, rk_err *ge)
{
    const unsigned log_M = c->log_n + c->log_qd;
    const size_t w = 4 * ((size_t)1 << c->log_qd), bytes = c->N * w * sizeof(bb_t);
    bb_t *d = gpu_malloc(bytes, ge);
    int ok = d && gpu_ntt_bit_reverse_rows_dev((bb_t *)d_Q, log_M, 4, ge) == RK_OK &&
             gpu_ntt_inverse_batch_dev((bb_t *)d_Q, log_M, 4, ge) == RK_OK && gpu_zero_dev(d, bytes, ge) == RK_OK &&
             gpu_quotient_chunks_dev(d_Q, c->log_n, c->log_qd, bb_pow(bb_inv(bb_generator()), c->n), d, ge) == RK_OK &&
             gpu_ntt_forward_batch_bitrev_out_dev(d, c->log_N, w, ge) == RK_OK;
    if (!ok) {
        gpu_free(d);
        return RK_EINTERNAL;
    }
    c->d_q = d;
    return RK_OK;
}

static int compute_quotient(tctx *c, const bb4_t *ch, bb4_t alpha, const bb_t *publics, rk_err *e)
{
    const air_table *tb = c->tb;
    const unsigned log_M = c->log_n + c->log_qd, qd = 1u << c->log_qd;
    const size_t n = c->n, M = (size_t)1 << log_M, nblk = (M + B - 1) / B, nc = tb->n_constraints;
    const bb_t shift = bb_generator();
    bb4_t *Q = malloc(M * sizeof *Q);
    bb_t *wpow = malloc(M * sizeof *wpow);
    bb4_t *apow = malloc((nc ? nc : 1) * sizeof *apow);
    if (!Q || !wpow || !apow) {
        free(Q);
        free(wpow);
        free(apow);
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    }
    powers(wpow, bb_two_adic_generator(log_M), M);
    apow[0] = bb4_one();
    for (size_t i = 1; i < nc; i++)
        apow[i] = bb4_mul(apow[i - 1], alpha);
    /* Z_H(x) = x^n - 1 takes qd values on the coset: shift^n * w_qd^j - 1 */
    bb_t zh[16], inv_zh[16];
    bb_t sn = bb_pow(shift, n), wq = bb_two_adic_generator(c->log_qd);
    for (unsigned j = 0; j < qd; j++) {
        zh[j] = bb_sub(bb_mul(sn, bb_pow(wq, j)), bb_one());
        inv_zh[j] = bb_inv(zh[j]);
    }
    const bb_t g_inv = bb_inv(bb_two_adic_generator(c->log_n));
    const unsigned pw4 = 4 * tb->perm_width;
    int oom = 0, on_gpu = 0;
    /* Big tables: the same values from lib/gpu (the constraints as a straight-line program
     * run one row per thread; same words), the LDE rows up and Q down. */
    const size_t gpu_words = M * (tb->main_width + (size_t)tb->pre_width + pw4);
    /* resident: the LDEs are on the device already */
    const int dev = rk_backend_is_gpu() && c->d_main && (!tb->pre_width || c->d_pre) && (!pw4 || c->d_perm);
    if (nc && (dev || rk_backend_offload(gpu_words))) {
        air_program prog;
        air_program_init(&prog);
        rk_err ge;
        rk_err_clear(&ge);
        int rc = air_program_build(&prog, tb, tb->constraints, apow, nc, publics, ch, &ge);
        gpu_quotient_job job = {&prog,      c->log_n,       c->log_qd,     shift, c->main_lde, c->pre_lde,
                                c->perm_lde, tb->main_width, tb->pre_width, pw4};
        double t0 = rk_backend_clock();
        bb4_t *d_Q = NULL;
        if (!rc && dev) {
            job.main = c->d_main, job.pre = c->d_pre, job.perm = c->d_perm;
            d_Q = gpu_malloc(M * sizeof *d_Q, &ge);
        }
        if (!rc && (dev ? d_Q && gpu_quotient_dev(&job, d_Q, &ge) == RK_OK && quotient_lde_dev(c, d_Q, &ge) == RK_OK
                        : gpu_quotient(&job, Q, &ge) == RK_OK)) {
            /* resident: nothing moves (the chunks' LDE stays on the device); else the LDE
             * rows up and Q down */
            rk_backend_gpu_call_done(t0, dev ? 0 : (gpu_words + 4 * M) * sizeof(bb_t));
            on_gpu = 1;
        }
        gpu_free(d_Q);
        if (on_gpu && dev) { /* done: c->d_q; no host copy (host_quotient makes one if needed) */
            air_program_free(&prog);
            free(Q);
            free(wpow);
            free(apow);
            return RK_OK;
        }
        if (!on_gpu && (rc || (rc = rk_backend_gpu_failed(&ge)) != RK_OK)) {
            air_program_free(&prog);
            free(Q);
            free(wpow);
            free(apow);
            return rk_fail(e, rc, "stark: table %s: %s", tb->name, ge.msg);
        }
        air_program_free(&prog);
    }
    if (!on_gpu) { /* the CPU reads the host LDEs (a resident proof may have left them on the device) */
        int rc = host_ldes(c, c->log_N - c->log_n, e);
        if (rc) {
            free(Q);
            free(wpow);
            free(apow);
            return rc;
        }
    }
#pragma omp parallel if (nblk >= 16 && !on_gpu)
    if (!on_gpu) {
        bb_t *s = malloc(air_block_scratch_words(tb) * sizeof *s);
        uint32_t loc[B], nxt[B];
        bb_t isf[B], isl[B], ist[B], xm1[B], zr[B];
        bb4_t accb[B];
        bb_t accs[4 * B];
        if (!s) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(static)
        for (size_t k = 0; k < nblk; k++) {
            if (!s)
                continue;
            size_t r0 = k * B, cnt = M - r0 < B ? M - r0 : B;
            for (size_t r = 0; r < cnt; r++) {
                size_t i = r0 + r, j = fri_bitrev(i, log_M);
                bb_t x = bb_mul(shift, wpow[j]);
                loc[r] = (uint32_t)i;
                nxt[r] = (uint32_t)fri_bitrev((j + qd) & (M - 1), log_M);
                xm1[r] = bb_sub(x, bb_one());
                ist[r] = bb_sub(x, g_inv);
                zr[r] = zh[j & (qd - 1)];
            }
            bb_batch_inv(isf, xm1, cnt);
            bb_batch_inv(isl, ist, cnt);
            for (size_t r = 0; r < cnt; r++) {
                isf[r] = bb_mul(isf[r], zr[r]);
                isl[r] = bb_mul(isl[r], zr[r]);
            }
            air_block blk = {cnt, c->main_lde, c->pre_lde, c->perm_lde, tb->main_width, tb->pre_width, pw4,
                             loc, nxt,         isf,        isl,         ist,            publics,       ch};
            air_eval_block(tb, &blk, tb->n_nodes, s);
            /* sum_i alpha^i c_i (exact field arithmetic: any order gives the same words) */
            air_block_combine(tb, s, cnt, tb->constraints, apow, nc, accs);
            for (size_t r = 0; r < cnt; r++)
                for (int j = 0; j < 4; j++)
                    accb[r].c[j] = accs[j * B + r];
            for (size_t r = 0; r < cnt; r++) {
                size_t j = fri_bitrev(r0 + r, log_M);
                Q[r0 + r] = bb4_mul_base(accb[r], inv_zh[j & (qd - 1)]);
            }
        }
        free(s);
    }
    free(apow);
    if (oom) {
        free(Q);
        free(wpow);
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    }
    /* Q (bit-reversed over shift*K_M) -> coefficients a_k of Q(shift*y) -> q_k = a_k shift^-k. */
    ntt_bit_reverse_rows((bb_t *)Q, log_M, 4);
    int rc = ntt_inverse_batch((bb_t *)Q, log_M, 4);
    c->q_coef = malloc(M * sizeof *c->q_coef);
    c->q_lde = calloc(c->N * 4 * qd, sizeof(bb_t));
    if (rc || !c->q_coef || !c->q_lde) {
        free(Q);
        free(wpow);
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    }
    bb_t sinv = bb_inv(shift);
    powers(wpow, sinv, M); /* wpow is free again: now shift^-k */
#pragma omp parallel for schedule(static) if (M >= PAR_MIN)
    for (size_t k = 0; k < M; k++)
        c->q_coef[k] = bb4_mul_base(Q[k], wpow[k]);
    /* chunk t, coefficient k of the LDE input: q_(tn+k) * shift^k = a_(tn+k) * shift^-(tn) */
    bb_t stn = bb_one(), sinv_n = bb_pow(sinv, n);
    for (unsigned t = 0; t < qd; t++) {
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
        for (size_t k = 0; k < n; k++) {
            bb4_t v = bb4_mul_base(Q[t * n + k], stn);
            memcpy(c->q_lde + k * 4 * qd + 4 * t, v.c, sizeof v.c);
        }
        stn = bb_mul(stn, sinv_n);
    }
    free(Q);
    free(wpow);
    if (ntt_forward_batch_bitrev_out(c->q_lde, c->log_N, 4 * qd))
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    return RK_OK;
}

/* ---- 4. openings ---- */

/* Barycentric weights on H (size n = 2^log_n) at z: u_i = (z^n - 1)/n * w^i / (z - w^i). */
static bb4_t *bary_weights(unsigned log_n, bb4_t z)
{
    size_t n = (size_t)1 << log_n;
    bb4_t *u = malloc(n * sizeof *u);
    bb_t *wp = malloc(n * sizeof *wp);
    if (!u || !wp) {
        free(u);
        free(wp);
        return NULL;
    }
    powers(wp, bb_two_adic_generator(log_n), n);
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t i = 0; i < n; i++)
        u[i] = bb4_sub(z, bb4_from_base(wp[i]));
    batch_inv_ext_par(u, n);
    bb4_t scale = bb4_mul_base(bb4_sub(bb4_pow(z, n), bb4_one()), bb_inv(bb_from_u32((uint32_t)n)));
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t i = 0; i < n; i++)
        u[i] = bb4_mul(u[i], bb4_mul_base(scale, wp[i]));
    free(wp);
    return u;
}

/* One row of a matrix-vector product: acc[j*w + col] += u.c[j] * row[col] for every column and
 * extension component j.  Portable, AVX2 and AVX-512 versions (exact: the same words). */
typedef void (*row_mac_fn)(bb_t *acc, const bb_t *row, size_t w, bb4_t u);

static void row_mac_scalar(bb_t *acc, const bb_t *row, size_t w, bb4_t u)
{
    for (int j = 0; j < 4; j++)
        for (size_t col = 0; col < w; col++)
            acc[j * w + col] = bb_add(acc[j * w + col], bb_mul(u.c[j], row[col]));
}

#if defined(BB_HAVE_AVX2_CODE)
static BB_AVX2 void row_mac_avx2(bb_t *acc, const bb_t *row, size_t w, bb4_t u)
{
    size_t v = w & ~(size_t)7;
    for (int j = 0; j < 4; j++) {
        __m256i c = bb8_set1(u.c[j]);
        bb_t *a = acc + j * w;
        for (size_t col = 0; col < v; col += 8)
            bb8_store(a + col, bb8_add(bb8_load(a + col), bb8_mul(c, bb8_load(row + col))));
        for (size_t col = v; col < w; col++)
            a[col] = bb_add(a[col], bb_mul(u.c[j], row[col]));
    }
}
static BB_AVX512 void row_mac_avx512(bb_t *acc, const bb_t *row, size_t w, bb4_t u)
{
    size_t v = w & ~(size_t)15;
    __mmask16 tail = (__mmask16)((1u << (w - v)) - 1);
    for (int j = 0; j < 4; j++) {
        __m512i c = bb16_set1(u.c[j]);
        bb_t *a = acc + j * w;
        for (size_t col = 0; col < v; col += 16)
            bb16_store(a + col, bb16_add(bb16_load(a + col), bb16_mul(c, bb16_load(row + col))));
        if (tail) {
            __m512i x = _mm512_maskz_loadu_epi32(tail, row + v), y = _mm512_maskz_loadu_epi32(tail, a + v);
            _mm512_mask_storeu_epi32(a + v, tail, bb16_add(y, bb16_mul(c, x)));
        }
    }
}
#endif

static row_mac_fn row_mac_choose(void)
{
#if defined(BB_HAVE_AVX2_CODE)
    if (bb_simd_avx512())
        return row_mac_avx512;
    if (bb_simd_avx2())
        return row_mac_avx2;
#endif
    return row_mac_scalar;
}

/* out[c] = sum_i m[i][c] * u[i] for a row-major n x w matrix: OPEN_CHUNKS pieces of rows on the
 * threads, each summing into its own accumulators, then the pieces added in order. */
static int mat_vec(const bb_t *m, size_t n, size_t w, const bb4_t *u, bb4_t *out)
{
    bb_t *part = calloc((size_t)OPEN_CHUNKS * w * 4, sizeof *part);
    if (!part)
        return -1;
    const row_mac_fn mac = row_mac_choose();
    size_t per = (n + OPEN_CHUNKS - 1) / OPEN_CHUNKS;
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t k = 0; k < OPEN_CHUNKS; k++) {
        bb_t *p = part + k * w * 4;
        size_t lo = k * per, hi = lo + per < n ? lo + per : n;
        for (size_t i = lo; i < hi; i++)
            mac(p, m + i * w, w, u[i]);
    }
    for (size_t col = 0; col < w; col++)
        for (int j = 0; j < 4; j++) {
            bb_t a = 0;
            for (size_t k = 0; k < OPEN_CHUNKS; k++)
                a = bb_add(a, part[k * w * 4 + j * w + col]);
            out[col].c[j] = a;
        }
    free(part);
    return 0;
}

/* The trace columns at zeta and zeta*g from the device LDEs of a resident proof (the same
 * values: gpu_coset_eval_dev), and with *q_done the quotient chunks at zeta from theirs.
 * *done = 0 when "auto" fell back: the CPU does them. */
static int open_traces_gpu(tctx *c, int *done, int *q_done, rk_err *e)
{
    const air_table *tb = c->tb;
    const bb_t *d[3] = {c->d_pre, c->d_main, c->d_perm};
    const size_t ws[3] = {tb->pre_width, tb->main_width, 4 * (size_t)tb->perm_width};
    rk_err ge;
    rk_err_clear(&ge);
    double t0 = rk_backend_clock();
    bb4_t *o = c->open;
    int ok = 1;
    size_t bytes = 0;
    for (int k = 0; k < 3 && ok; k++) {
        if (!ws[k])
            continue;
        ok = gpu_coset_eval_dev(d[k], c->log_N, ws[k], bb_generator(), 2, c->pts, o, &ge) == RK_OK;
        o += 2 * ws[k];
        bytes += 2 * ws[k] * sizeof *o;
    }
    if (ok && c->d_q) { /* the quotient chunks at zeta, from their LDE too */
        o = c->open + 2 * (ws[0] + ws[1] + ws[2]);
        ok = gpu_coset_eval_dev(c->d_q, c->log_N, 4 * ((size_t)1 << c->log_qd), bb_generator(), 1, c->pts, o, &ge) ==
             RK_OK;
        bytes += 4 * ((size_t)1 << c->log_qd) * sizeof *o;
        *q_done = ok;
    }
    *done = ok;
    if (ok) {
        rk_backend_gpu_call_done(t0, bytes);
        return RK_OK;
    }
    *q_done = 0;
    return gpu_step_failed(&ge, e);
}

static int open_table(tctx *c, bb4_t zeta, rk_err *e)
{
    const air_table *tb = c->tb;
    const unsigned qd = 1u << c->log_qd;
    const size_t pw4 = 4 * (size_t)tb->perm_width;
    c->n_open = 2 * (tb->pre_width + tb->main_width + pw4) + 4 * qd;
    c->open = malloc(c->n_open * sizeof *c->open);
    if (!c->open)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    c->pts[0] = zeta;
    c->pts[1] = bb4_mul_base(zeta, bb_two_adic_generator(c->log_n));
    int bad = 0, on_gpu = 0, q_on_gpu = 0, rc;
    if (rk_backend_is_gpu() && c->d_main && (!tb->pre_width || c->d_pre) && (!pw4 || c->d_perm) &&
        (rc = open_traces_gpu(c, &on_gpu, &q_on_gpu, e)))
        return rc;
    if (q_on_gpu)
        return RK_OK;
    if ((rc = host_quotient(c, e)))
        return rc;
    bb4_t *o = c->open + 2 * (tb->pre_width + tb->main_width + pw4);
    if (!on_gpu && (rc = host_perm_trace(c, e)))
        return rc;
    if (!on_gpu) {
        bb4_t *u[2] = {bary_weights(c->log_n, c->pts[0]), bary_weights(c->log_n, c->pts[1])};
        bad = !u[0] || !u[1];
        o = c->open;
        const bb_t *mats[3] = {c->pre_trace, c->trace, c->perm_trace};
        size_t ws[3] = {tb->pre_width, tb->main_width, pw4};
        for (int k = 0; k < 3 && !bad; k++) {
            if (!ws[k])
                continue;
            for (int j = 0; j < 2 && !bad; j++) {
                bad |= mat_vec(mats[k], c->n, ws[k], u[j], o) != 0;
                o += ws[k];
            }
        }
        free(u[0]);
        free(u[1]);
    }
    /* quotient chunk columns at zeta, from the coefficients: sum_k zeta^k q_(tn+k).c[j],
     * piece by piece (each piece from its own power of zeta), pieces added in order */
    const size_t n = c->n, nch = (n + PAR_CHUNK - 1) / PAR_CHUNK, nq = 4 * (size_t)qd;
    bb4_t *part = bad ? NULL : calloc(nch * nq, sizeof *part);
    if (!part)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t k = 0; k < nch; k++) {
        size_t lo = k * PAR_CHUNK, hi = lo + PAR_CHUNK < n ? lo + PAR_CHUNK : n;
        bb4_t *a = part + k * nq, zk = bb4_pow(zeta, lo);
        for (size_t i = lo; i < hi; i++) {
            for (unsigned t = 0; t < qd; t++) {
                const bb4_t q = c->q_coef[(size_t)t * n + i];
                for (int j = 0; j < 4; j++)
                    a[4 * t + j] = bb4_add(a[4 * t + j], bb4_mul_base(zk, q.c[j]));
            }
            zk = bb4_mul(zk, zeta);
        }
    }
    for (size_t q = 0; q < nq; q++) {
        bb4_t a = bb4_zero();
        for (size_t k = 0; k < nch; k++)
            a = bb4_add(a, part[k * nq + q]);
        *o++ = a;
    }
    free(part);
    return RK_OK;
}

/* The prover's check of its own openings: every table's out-of-domain equation, as the
 * verifier checks it.  When one fails and the rows were not checked yet, they are now, to
 * name the constraint and row; if they all hold, the prover itself (or its device) erred. */
static int check_at_zeta(const tctx *T, size_t nt, bb4_t *ch, bb4_t alpha, bb4_t zeta, const bb_t *publics,
                         int rows_checked, rk_err *e)
{
    for (size_t t = 0; t < nt; t++) {
        const tctx *x = &T[t];
        stark_topen o;
        stark_table_open_layout(x->tb, x->log_qd, x->open, &o);
        ch[AIR_CH_CUMSUM] = x->cumsum;
        int rc = stark_table_check_at_zeta(x->tb, x->log_n, x->log_qd, &o, publics, ch, alpha, zeta);
        if (rc == RK_EINTERNAL)
            return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        if (rc == RK_OK)
            continue;
        if (!rows_checked && (rc = check_constraints(x, publics, e)))
            return rc;
        return rk_fail(e, RK_EINTERNAL,
                       "stark: table %s: the proof fails its own out-of-domain check although every "
                       "row satisfies the constraints (a prover or device fault)",
                       x->tb->name);
    }
    return RK_OK;
}

/* Only on an imbalance: recompute the LogUp sum bus by bus to name the culprit. */
static const char *unbalanced_bus(const air_machine *m, const tctx *T, const bb4_t *ch,
                                  const bb_t *publics)
{
    bb4_t *sum = calloc(m->n_buses + 1, sizeof *sum);
    bb_t *s = NULL;
    bb4_t *den = NULL;
    const char *name = NULL;
    if (!sum)
        return NULL;
    for (size_t t = 0; t < m->n_tables; t++) {
        const tctx *c = &T[t];
        const air_table *tb = c->tb;
        if (!tb->n_inter)
            continue;
        free(s);
        free(den);
        s = malloc(air_block_scratch_words(tb) * sizeof *s);
        den = malloc(B * tb->n_inter * sizeof *den);
        if (!s || !den)
            goto out;
        uint32_t loc[B];
        for (size_t r0 = 0; r0 < c->n; r0 += B) {
            size_t cnt = c->n - r0 < B ? c->n - r0 : B;
            for (size_t r = 0; r < cnt; r++)
                loc[r] = (uint32_t)(r0 + r);
            air_block blk = {cnt, c->trace, c->pre_trace, NULL, tb->main_width, tb->pre_width, 0,
                             loc, loc,      NULL,         NULL, NULL,           publics,       ch};
            air_eval_block(tb, &blk, tb->n_user_nodes, s);
            for (size_t j = 0; j < tb->n_inter; j++)
                for (size_t r = 0; r < cnt; r++) {
                    const air_interaction *it = &tb->inter[j];
                    bb4_t d = stark_logup_den_base(ch, it->bus);
                    for (unsigned v = 0; v < it->n_values; v++)
                        d = bb4_add(d, bb4_mul_base(ch[AIR_CH_GAMMA1 + v], slot_base(s, it->values[v], r)));
                    den[r * tb->n_inter + j] = d;
                }
            bb4_batch_inv(den, den, cnt * tb->n_inter);
            for (size_t j = 0; j < tb->n_inter; j++)
                for (size_t r = 0; r < cnt; r++) {
                    const air_interaction *it = &tb->inter[j];
                    bb4_t term = bb4_mul_base(den[r * tb->n_inter + j], slot_base(s, it->mult, r));
                    sum[it->bus] = it->sign > 0 ? bb4_add(sum[it->bus], term) : bb4_sub(sum[it->bus], term);
                }
        }
    }
    if (m->pub && m->pub->n_inter) {
        bb4_t pub_total;
        if (stark_public_logup_sum(m, publics, ch, &pub_total, sum) == RK_EINTERNAL)
            goto out;
    }
    for (size_t b = 0; b < m->n_buses && !name; b++)
        if (!bb4_eq(sum[b], bb4_zero()))
            name = m->buses[b].name;
out:
    free(s);
    free(den);
    free(sum);
    return name;
}

/* The prover's own LogUp check: cumulative sums plus public terms must be zero. */
static int check_balance(const air_machine *m, const tctx *T, const bb4_t *ch, const bb_t *publics,
                         rk_err *e)
{
    bb4_t total = bb4_zero();
    for (size_t t = 0; t < m->n_tables; t++)
        total = bb4_add(total, T[t].cumsum);
    bb4_t pub_total;
    if (stark_public_logup_sum(m, publics, ch, &pub_total, NULL) == RK_EINTERNAL)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory");
    total = bb4_add(total, pub_total);
    if (!bb4_eq(total, bb4_zero())) {
        const char *bus = unbalanced_bus(m, T, ch, publics);
        return rk_fail(e, RK_EINPUT, "stark: the lookups do not balance: bus %s receives other messages than it is sent",
                       bus ? bus : "?");
    }
    return RK_OK;
}

/* ---- the prover ---- */

int stark_prove(const stark_pk *pk, const bb_t *const *traces, const unsigned *log_heights,
                const bb_t *publics, const stark_prove_opts *opts, rk_buf *out, rk_err *e)
{
    const air_machine *m = pk->m;
    const stark_vk *vk = &pk->vk;
    const fri_params *fp = &vk->fri;
    const unsigned lb = fp->log_blowup;
    int rc = stark_check_machine(m, vk, e);
    if (rc)
        return rc;
    const size_t nt = m->n_tables;
    const int check = !(opts && opts->test_skip_constraint_check);
    tctx *T = calloc(nt, sizeof *T);
    bb4_t *ch = calloc(AIR_CH_GAMMA1 + m->max_arity + 1, sizeof *ch);
    /* per-batch arrays for the commitments and FRI */
    const bb_t **mats = calloc(nt, sizeof *mats);
    const bb_t **fri_dm = calloc(4 * nt, sizeof *fri_dm);
    size_t *widths = calloc(4 * nt, sizeof *widths);
    unsigned *lh = calloc(4 * nt, sizeof *lh), *np = calloc(4 * nt, sizeof *np);
    const bb4_t **pts = calloc(4 * nt, sizeof *pts), **vals = calloc(4 * nt, sizeof *vals);
    size_t *tab = calloc(4 * nt, sizeof *tab);
    stark_topen *top = calloc(nt, sizeof *top);
    const bb4_t **tpts = calloc(nt, sizeof *tpts);
    merkle_tree main_tree, perm_tree, q_tree;
    merkle_tree_init(&main_tree);
    merkle_tree_init(&perm_tree);
    merkle_tree_init(&q_tree);
    if (!T || !ch || !mats || !fri_dm || !widths || !lh || !np || !pts || !vals || !tab || !top || !tpts) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto out;
    }

    /* shapes */
    int any_perm = 0;
    for (size_t t = 0; t < nt; t++) {
        tctx *c = &T[t];
        const air_table *tb = m->tables[t];
        unsigned h = log_heights[t];
        if (h < 1 || h < fp->log_final_poly_len || h > STARK_MAX_LOG_HEIGHT || h + lb > 27) {
            rc = rk_fail(e, RK_EINPUT, "stark: table %s: log height %u out of range", tb->name, h);
            goto out;
        }
        if (tb->pre_width && h != vk->pre_log_heights[t]) {
            rc = rk_fail(e, RK_EINPUT, "stark: table %s: log height %u, preprocessed columns have %u",
                         tb->name, h, vk->pre_log_heights[t]);
            goto out;
        }
        if (!traces[t]) {
            rc = rk_fail(e, RK_EINPUT, "stark: table %s: no trace", tb->name);
            goto out;
        }
        c->tb = tb;
        c->log_n = h;
        c->log_N = h + lb;
        c->log_qd = stark_log_quotient_degree(tb);
        c->n = (size_t)1 << h;
        c->N = (size_t)1 << c->log_N;
        c->trace = traces[t];
        c->pre_trace = pk->pre_trace[t];
        c->pre_lde = pk->pre_lde[t];
        any_perm |= tb->perm_width > 0;
    }
    stark_phase_times tm;
    memset(&tm, 0, sizeof tm);
    double t_ph = rk_backend_clock(), t_now;
#define PHASE_DONE(field)                                                                          \
    (t_now = rk_backend_clock(), tm.field += t_now - t_ph, t_ph = t_now,                           \
     opts && opts->progress ? opts->progress(opts->progress_ctx, #field) : (void)0)
    /* The prover's own checks, so that a wrong trace gets a clear error instead of a false
     * proof.  On the CPU every row is checked first (a few percent of the proof); on the GPU
     * (where that would be ~15%) the proof's out-of-domain equation is checked after the
     * openings instead - it fails with overwhelming probability when some row does, and then
     * the rows are checked to name the culprit. */
    const int row_check = check && !rk_backend_is_gpu();
    if (row_check)
        for (size_t t = 0; t < nt; t++)
            if ((rc = check_constraints(&T[t], publics, e)))
                goto out;
    PHASE_DONE(check);

    p2_digest vkd;
    if ((rc = stark_vk_digest(vk, &vkd, e)))
        goto out;
    chal c;
    chal_init(&c);
    stark_observe_instance(&c, m, &vkd, publics, log_heights);
    fri_put_digest(out, &vkd);
    for (size_t t = 0; t < nt; t++)
        rk_buf_u32(out, log_heights[t]);

    /* main traces: LDE, commit (resident: on the device, kept there) */
    const int resident = resident_ok(T, nt);
    for (size_t t = 0; t < nt; t++) {
        tctx *x = &T[t];
        size_t w = x->tb->main_width;
        /* resident: the LDE is made and kept on the device only (host copy on demand: host_ldes) */
        if (resident && rk_backend_is_gpu() &&
            (rc = lde_on_device(x->trace, x->log_n, w, lb, &x->d_main, x->tb->n_inter ? &x->d_trace : NULL, e)))
            goto out;
        if (!x->d_main && (rc = host_ldes(x, lb, e)))
            goto out;
    }
    if ((rc = commit_ldes(T, nt, 0, lb, &main_tree, e)))
        goto out;
    fri_put_digest(out, merkle_root(&main_tree));
    chal_observe_digest(&c, merkle_root(&main_tree));
    PHASE_DONE(main);

    /* LogUp challenges, permutation traces, commit, cumulative sums */
    ch[AIR_CH_BETA] = chal_sample_ext(&c);
    bb4_t gamma = chal_sample_ext(&c);
    ch[AIR_CH_GAMMA1] = gamma;
    for (unsigned k = 1; k < m->max_arity; k++)
        ch[AIR_CH_GAMMA1 + k] = bb4_mul(ch[AIR_CH_GAMMA1 + k - 1], gamma);
    if (any_perm) {
        for (size_t t = 0; t < nt; t++) {
            tctx *x = &T[t];
            if (!x->tb->perm_width)
                continue;
            /* the LogUp rows on the GPU when the proof is resident or they are big */
            size_t w = 4 * (size_t)x->tb->perm_width;
            x->ch = ch;
            x->publics = publics;
            int on_gpu = 0;
            if (rk_backend_is_gpu() && (resident || rk_backend_offload(x->n * (x->tb->main_width + w))) &&
                (rc = build_perm_gpu(x, ch, publics, resident, &on_gpu, e)))
                goto out;
            if (!on_gpu && (rc = build_perm(x, ch, publics, e)))
                goto out;
            if (x->d_perm_is_trace) { /* the rows are on the device already: the LDE in place */
                rk_err ge;
                rk_err_clear(&ge);
                double t0 = rk_backend_clock();
                x->d_perm_is_trace = 0;
                if (rk_backend_is_gpu() &&
                    gpu_ntt_coset_lde_batch_dev(x->d_perm, x->log_n, w, lb, bb_generator(), 1, &ge) == RK_OK) {
                    rk_backend_gpu_call_done(t0, 0);
                } else {
                    gpu_free(x->d_perm);
                    x->d_perm = NULL;
                    if (ge.msg[0] && (rc = gpu_step_failed(&ge, e)))
                        goto out;
                }
            } else if (resident && rk_backend_is_gpu() &&
                       (rc = lde_on_device(x->perm_trace, x->log_n, w, lb, &x->d_perm, NULL, e))) {
                goto out;
            }
            if (!x->d_perm && (rc = host_ldes(x, lb, e)))
                goto out;
        }
        if ((rc = commit_ldes(T, nt, 1, lb, &perm_tree, e)))
            goto out;
        fri_put_digest(out, merkle_root(&perm_tree));
        chal_observe_digest(&c, merkle_root(&perm_tree));
        for (size_t t = 0; t < nt; t++)
            if (T[t].tb->perm_width) {
                fri_put_ext(out, T[t].cumsum);
                chal_observe_ext(&c, T[t].cumsum);
            }
    }
    PHASE_DONE(perm);
    if (check && (rc = check_balance(m, T, ch, publics, e)))
        goto out;
    PHASE_DONE(check);

    /* quotients (resident: the preprocessed LDEs go up once, for the quotient and FRI) */
    for (size_t t = 0; t < nt && resident; t++)
        if (T[t].tb->pre_width && rk_backend_is_gpu() &&
            (rc = upload_copy(T[t].pre_lde, T[t].N * T[t].tb->pre_width, &T[t].d_pre, e)))
            goto out;
    bb4_t alpha = chal_sample_ext(&c);
    for (size_t t = 0; t < nt; t++) {
        tctx *x = &T[t];
        ch[AIR_CH_CUMSUM] = x->cumsum;
        x->ch = ch;
        x->alpha = alpha;
        x->publics = publics;
        if ((rc = compute_quotient(x, ch, alpha, publics, e)))
            goto out;
    }
    if ((rc = commit_ldes(T, nt, 2, lb, &q_tree, e)))
        goto out;
    fri_put_digest(out, merkle_root(&q_tree));
    chal_observe_digest(&c, merkle_root(&q_tree));
    PHASE_DONE(quotient);

    /* out-of-domain point and openings */
    bb4_t zeta = chal_sample_ext(&c);
    if (zeta.c[1] == 0 && zeta.c[2] == 0 && zeta.c[3] == 0) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: zeta fell in the base field (negligible event)");
        goto out;
    }
    for (size_t t = 0; t < nt; t++) {
        if ((rc = open_table(&T[t], zeta, e)))
            goto out;
        for (size_t i = 0; i < T[t].n_open; i++) {
            fri_put_ext(out, T[t].open[i]);
            chal_observe_ext(&c, T[t].open[i]);
        }
    }
    PHASE_DONE(open);
    if (check && (rc = check_at_zeta(T, nt, ch, alpha, zeta, publics, row_check, e)))
        goto out;
    PHASE_DONE(check);
    /* FRI over the batches: preprocessed, main, permutation, quotient (stark_fri_layout) */
    fri_batch fb[4];
    int commit[4];
    for (size_t t = 0; t < nt; t++) {
        stark_table_open_layout(T[t].tb, T[t].log_qd, T[t].open, &top[t]);
        tpts[t] = T[t].pts;
    }
    size_t nfb = stark_fri_layout(m, log_heights, lb, top, tpts, widths, lh, np, pts, vals, tab, fb, commit);
    for (size_t k = 0, slot = 0; k < nfb; k++) {
        const int r = commit[k];
        const merkle_tree *tr = r == 0 ? &pk->pre_tree : r == 1 ? &main_tree : r == 2 ? &perm_tree : &q_tree;
        fb[k].root = *merkle_root(tr);
        fb[k].tree = tr;
        for (size_t i = 0; i < fb[k].n_mats; i++, slot++) {
            const tctx *x = &T[tab[slot]];
            fri_dm[slot] = r == 0 ? x->d_pre : r == 1 ? x->d_main : r == 2 ? x->d_perm : x->d_q;
        }
        fb[k].d_mats = rk_backend_is_gpu() ? fri_dm + (fb[k].widths - widths) : NULL;
    }
    const chal c_fri = c; /* a retry on the CPU starts FRI again from here */
    const size_t len_fri = out->len;
    rc = fri_prove(fp, &c, fb, nfb, out, e);
    if (rc && !rk_backend_is_gpu() && rk_backend_gpu_error()) {
        /* "auto": the GPU failed while FRI read LDEs that only it held; make them on the CPU
         * and prove FRI again from the same transcript (same bytes) */
        size_t k = 0;
        for (size_t t = 0; t < nt && !(rc = host_ldes(&T[t], lb, e)) && !(rc = host_quotient(&T[t], e)); t++) {
            main_tree.mats[t] = T[t].main_lde;
            q_tree.mats[t] = T[t].q_lde;
            if (T[t].tb->perm_width)
                perm_tree.mats[k++] = T[t].perm_lde;
        }
        for (size_t b = 0; b < nfb; b++)
            fb[b].d_mats = NULL;
        /* trees that kept their lower layers on the device: those layers again, on the CPU */
        if (!rc && !(rc = merkle_rebuild_on_host(&main_tree, e)) && !(rc = merkle_rebuild_on_host(&q_tree, e)) &&
            perm_tree.n_mats)
            rc = merkle_rebuild_on_host(&perm_tree, e);
        c = c_fri;
        out->len = len_fri;
        if (!rc)
            rc = fri_prove(fp, &c, fb, nfb, out, e);
    }
    if (rc)
        goto out;
    PHASE_DONE(fri);
#undef PHASE_DONE
    if (opts && opts->times)
        *opts->times = tm;
    if (out->oom)
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory writing the proof");
out:
    if (T)
        for (size_t t = 0; t < nt; t++)
            tctx_free(&T[t]);
    free(T);
    free(ch);
    free(mats);
    free(fri_dm);
    free(widths);
    free(lh);
    free(np);
    free(pts);
    free(vals);
    free(tab);
    free(top);
    free(tpts);
    merkle_tree_free(&main_tree);
    merkle_tree_free(&perm_tree);
    merkle_tree_free(&q_tree);
    return rc;
}
