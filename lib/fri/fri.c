/* fri.c - FRI (arity 2, final polynomial) and the batched DEEP opening of committed matrices. */
#include "fri/fri.h"

#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "gpu/gpu.h"

#define FRI_MAX_LOG 27 /* sample_bits limit: the largest LDE height is 2^27 */

void fri_params_default(fri_params *p)
{
    p->log_blowup = 1;
    p->num_queries = 100;
    p->pow_bits = 16;
    p->log_final_poly_len = 0;
    p->log_arity = 1;
}

int fri_params_check(const fri_params *p, rk_err *e)
{
    if (p->log_blowup < 1 || p->log_blowup > 4)
        return rk_fail(e, RK_EINPUT, "fri: log_blowup %u not in 1..4", p->log_blowup);
    if (p->num_queries < 1 || p->num_queries > 1000)
        return rk_fail(e, RK_EINPUT, "fri: num_queries %u not in 1..1000", p->num_queries);
    if (p->pow_bits > CHAL_MAX_BITS)
        return rk_fail(e, RK_EINPUT, "fri: pow_bits %u above %d", p->pow_bits, CHAL_MAX_BITS);
    if (p->log_final_poly_len > 8)
        return rk_fail(e, RK_EINPUT, "fri: log_final_poly_len %u above 8", p->log_final_poly_len);
    if (p->log_arity > FRI_MAX_LOG_ARITY)
        return rk_fail(e, RK_EINPUT, "fri: log_arity %u not in 1..%d", p->log_arity, FRI_MAX_LOG_ARITY);
    return RK_OK;
}

unsigned fri_security_bits(const fri_params *p) { return p->log_blowup * p->num_queries + p->pow_bits; }

/* ---- serialization ---- */

void fri_put_ext(rk_buf *b, bb4_t v)
{
    for (int i = 0; i < 4; i++)
        rk_buf_u32(b, bb_to_u32(v.c[i]));
}

void fri_put_digest(rk_buf *b, const p2_digest *d)
{
    for (int i = 0; i < P2_DIGEST; i++)
        rk_buf_u32(b, bb_to_u32(d->v[i]));
}

bb_t fri_get_base(rk_rd *r)
{
    uint32_t x = rk_rd_u32(r);
    if (!bb_is_canonical(x)) {
        r->bad = 1;
        return 0;
    }
    return bb_from_u32(x);
}

bb4_t fri_get_ext(rk_rd *r)
{
    bb4_t v;
    for (int i = 0; i < 4; i++)
        v.c[i] = fri_get_base(r);
    return v;
}

p2_digest fri_get_digest(rk_rd *r)
{
    p2_digest d;
    for (int i = 0; i < P2_DIGEST; i++)
        d.v[i] = fri_get_base(r);
    return d;
}

/* ---- shared math ---- */

static int in_base_field(bb4_t z) { return z.c[1] == 0 && z.c[2] == 0 && z.c[3] == 0; }

/* The LDE point of row i of a height-2^h matrix: s * w_h^bitrev_h(i). */
static bb_t lde_point(unsigned h, size_t i)
{
    return bb_mul(bb_generator(), bb_pow(bb_two_adic_generator(h), fri_bitrev(i, h)));
}

/* One fold of the pair (f(y), f(-y)) at y^-1 = y_inv:
 *   (f(y) + f(-y))/2 + beta (f(y) - f(-y)) / (2y). */
static bb4_t fold_pair(bb4_t lo, bb4_t hi, bb4_t beta, bb_t y_inv)
{
    bb_t half = bb_inv(bb_from_u32(2));
    bb4_t even = bb4_mul_base(bb4_add(lo, hi), half);
    bb4_t odd = bb4_mul_base(bb4_sub(lo, hi), bb_mul(half, y_inv));
    return bb4_add(even, bb4_mul(beta, odd));
}

/* Evaluate the final polynomial (coefficients c[0..n)) at x. */
static bb4_t eval_poly(const bb4_t *c, size_t n, bb_t x)
{
    bb4_t acc = bb4_zero();
    for (size_t k = n; k-- > 0;)
        acc = bb4_add(bb4_mul_base(acc, x), c[k]);
    return acc;
}

/* Log arity of the round that starts at codeword length 2^lc: at most
 * max_log_arity, never below 2^lf, and never past a height whose reduced codeword
 * must be rolled in (the verifier only knows R_h at the query's own position). */
static unsigned round_log_arity(unsigned max_log_arity, const uint8_t *present, unsigned lc, unsigned lf)
{
    unsigned a = max_log_arity;
    if (a > lc - lf)
        a = lc - lf;
    for (unsigned s = 1; s < a; s++)
        if (present[lc - s])
            return s;
    return a;
}

static int check_batches(const fri_params *p, const fri_batch *batches, size_t n_batches,
                         unsigned *L_out, uint8_t *present, rk_err *e)
{
    unsigned lf = p->log_final_poly_len + p->log_blowup, L = 0;
    memset(present, 0, FRI_MAX_LOG + 1);
    if (n_batches == 0)
        return rk_fail(e, RK_EINPUT, "fri: nothing to open");
    for (size_t b = 0; b < n_batches; b++) {
        const fri_batch *bt = &batches[b];
        if (bt->n_mats == 0)
            return rk_fail(e, RK_EINPUT, "fri: batch %zu has no matrices", b);
        for (size_t m = 0; m < bt->n_mats; m++) {
            unsigned h = bt->log_heights[m];
            if (h < lf || h > FRI_MAX_LOG)
                return rk_fail(e, RK_EINPUT, "fri: batch %zu matrix %zu: log height %u not in %u..%d",
                               b, m, h, lf, FRI_MAX_LOG);
            for (unsigned j = 0; j < bt->n_points[m]; j++)
                if (in_base_field(bt->points[m][j]))
                    return rk_fail(e, RK_EINPUT, "fri: opening point in the base field");
            if (bt->n_points[m])
                present[h] = 1;
            if (h > L)
                L = h;
        }
    }
    if (!present[L])
        return rk_fail(e, RK_EINPUT, "fri: the tallest matrices are opened at no point");
    *L_out = L;
    return RK_OK;
}

/* ---- prover ---- */

typedef struct inv_cache {
    bb4_t z;
    unsigned h;
    bb4_t *inv; /* 1/(x_i - z) for the 2^h rows */
} inv_cache;

static bb4_t *get_inv(inv_cache *cache, size_t *n_cache, size_t cap, unsigned h, bb4_t z,
                      const bb_t *xs)
{
    for (size_t i = 0; i < *n_cache; i++)
        if (cache[i].h == h && bb4_eq(cache[i].z, z))
            return cache[i].inv;
    if (*n_cache == cap)
        return NULL;
    size_t n = (size_t)1 << h;
    bb4_t *v = malloc(n * sizeof *v);
    if (!v)
        return NULL;
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t i = 0; i < n; i++)
        v[i] = bb4_sub(bb4_from_base(xs[i]), z);
    bb4_batch_inv(v, v, n);
    cache[*n_cache].z = z;
    cache[*n_cache].h = h;
    cache[*n_cache].inv = v;
    (*n_cache)++;
    return v;
}

/* xs[i] = s * w_h^bitrev(i) for all rows of height 2^h. */
static bb_t *lde_points(unsigned h)
{
    size_t n = (size_t)1 << h;
    bb_t *nat = malloc(n * sizeof *nat), *xs = malloc(n * sizeof *xs);
    if (!nat || !xs) {
        free(nat);
        free(xs);
        return NULL;
    }
    bb_t w = bb_two_adic_generator(h), acc = bb_generator();
    for (size_t i = 0; i < n; i++) {
        nat[i] = acc;
        acc = bb_mul(acc, w);
    }
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t i = 0; i < n; i++)
        xs[i] = nat[fri_bitrev(i, h)];
    free(nat);
    return xs;
}

/* Step 1's row sums S[i] = sum_k apow[k] row_i[k] from a device copy of the matrix.  1 when
 * done; 0 to do them on the CPU (*rc = RK_OK: none or a GPU failure that "auto" recovers
 * from; else *rc and e say why the proof fails). */
static int deep_dot_gpu(const bb_t *d_mat, size_t n, size_t w, const bb4_t *apow, bb4_t *S, int *rc, rk_err *e)
{
    rk_err ge;
    rk_err_clear(&ge);
    *rc = RK_OK;
    double t0 = rk_backend_clock();
    bb4_t *d_S = gpu_malloc(n * sizeof *d_S, &ge);
    int ok = d_S && gpu_deep_dot_dev(d_mat, n, w, apow, d_S, &ge) == RK_OK &&
             gpu_download(S, d_S, n * sizeof *S, &ge) == RK_OK;
    gpu_free(d_S);
    if (ok) {
        rk_backend_gpu_call_done(t0, n * sizeof *S);
        return 1;
    }
    if ((*rc = rk_backend_gpu_failed(&ge)) != RK_OK)
        rk_fail(e, *rc, "fri: %s", ge.msg);
    return 0;
}

/* Step 1 on the GPU: every matrix's terms go into device codewords (gpu_deep_reduce_dev: the
 * row sums, minus the opened values, over x - z, times the running power of alpha), read from
 * the device copy of the matrix or from an upload of the host one; then R[h] comes down.
 * The same field elements as the CPU loop (exact arithmetic, any order).  1 when done; 0 to
 * do it on the CPU (*rc = RK_OK: "auto" continues after a GPU failure; else *rc and e say
 * why the proof fails). */
#define FRI_GPU_MAX_INV 64
static int reduce_gpu(const fri_batch *batches, size_t n_batches, const uint8_t *present, unsigned L,
                      bb4_t alpha, bb4_t **R, int *rc, rk_err *e)
{
    rk_err ge;
    rk_err_clear(&ge);
    *rc = RK_OK;
    /* shapes the kernel takes: up to 4 points a matrix, FRI_GPU_MAX_INV (height, point) pairs
     * (the STARK has 2 and a few); anything else stays on the CPU */
    size_t pairs = 0;
    for (size_t b = 0; b < n_batches; b++)
        for (size_t m = 0; m < batches[b].n_mats; m++) {
            if (batches[b].n_points[m] > 4)
                return 0;
            pairs += batches[b].n_points[m];
        }
    if (pairs > FRI_GPU_MAX_INV)
        return 0;
    double t0 = rk_backend_clock();
    size_t pcie = 0;
    bb4_t *d_R[FRI_MAX_LOG + 1] = {0};
    struct {
        bb4_t z;
        unsigned h;
        bb4_t *d;
    } inv[FRI_GPU_MAX_INV];
    size_t n_inv = 0;
    bb4_t alpha_off[FRI_MAX_LOG + 1];
    int ok = 1;
    for (unsigned h = 0; h <= L && ok; h++) {
        alpha_off[h] = bb4_one();
        if (present[h])
            ok = (d_R[h] = gpu_malloc(((size_t)1 << h) * sizeof(bb4_t), &ge)) &&
                 gpu_zero_dev(d_R[h], ((size_t)1 << h) * sizeof(bb4_t), &ge) == RK_OK;
    }
    for (size_t b = 0; b < n_batches && ok; b++) {
        const fri_batch *bt = &batches[b];
        for (size_t m = 0; m < bt->n_mats && ok; m++) {
            unsigned h = bt->log_heights[m], np = bt->n_points[m];
            size_t w = bt->widths[m], n = (size_t)1 << h;
            if (np == 0)
                continue;
            const bb4_t *d_inv[4];
            bb4_t coef[4], Y[4];
            bb4_t *apow = malloc(w * sizeof *apow);
            if (!apow) {
                *rc = rk_fail(e, RK_EINTERNAL, "fri: out of memory");
                ok = 0;
                break;
            }
            apow[0] = bb4_one();
            for (size_t k = 1; k < w; k++)
                apow[k] = bb4_mul(apow[k - 1], alpha);
            const bb4_t alpha_w = bb4_mul(apow[w - 1], alpha);
            for (unsigned j = 0; j < np && ok; j++) {
                const bb4_t *y = bt->values[m] + (size_t)j * w, z = bt->points[m][j];
                Y[j] = bb4_zero();
                for (size_t k = 0; k < w; k++)
                    Y[j] = bb4_add(Y[j], bb4_mul(apow[k], y[k]));
                coef[j] = alpha_off[h];
                alpha_off[h] = bb4_mul(alpha_off[h], alpha_w);
                size_t i = 0;
                while (i < n_inv && !(inv[i].h == h && bb4_eq(inv[i].z, z)))
                    i++;
                if (i == n_inv) { /* < FRI_GPU_MAX_INV: counted above */
                    inv[i].h = h;
                    inv[i].z = z;
                    ok = (inv[i].d = gpu_malloc(n * sizeof(bb4_t), &ge)) &&
                         gpu_fri_inv_points_dev(h, bb_generator(), z, inv[i].d, &ge) == RK_OK;
                    n_inv++;
                }
                d_inv[j] = inv[i].d;
            }
            /* the matrix: its device copy, else an upload of the host one */
            const bb_t *d_mat = bt->d_mats ? bt->d_mats[m] : NULL;
            bb_t *d_tmp = NULL;
            if (ok && !d_mat) {
                const bb_t *mat = bt->tree->mats[m];
                if (!mat) {
                    ok = 0;
                    rk_fail(&ge, RK_EINTERNAL, "gpu: matrix %zu of batch %zu is in no memory", m, b);
                } else {
                    ok = (d_tmp = gpu_malloc(n * w * sizeof *d_tmp, &ge)) &&
                         gpu_upload(d_tmp, mat, n * w * sizeof *d_tmp, &ge) == RK_OK;
                    d_mat = d_tmp;
                    pcie += n * w * sizeof *d_tmp;
                }
            }
            if (ok)
                ok = gpu_deep_reduce_dev(d_mat, n, w, apow, np, coef, Y, d_inv, d_R[h], &ge) == RK_OK;
            gpu_free(d_tmp);
            free(apow);
        }
    }
    for (unsigned h = 0; h <= L && ok; h++)
        if (present[h]) {
            ok = gpu_download(R[h], d_R[h], ((size_t)1 << h) * sizeof(bb4_t), &ge) == RK_OK;
            pcie += ((size_t)1 << h) * sizeof(bb4_t);
        }
    for (unsigned h = 0; h <= L; h++)
        gpu_free(d_R[h]);
    for (size_t i = 0; i < n_inv; i++)
        gpu_free(inv[i].d);
    if (ok) {
        rk_backend_gpu_call_done(t0, pcie);
        return 1;
    }
    if (*rc)
        return 0;
    for (unsigned h = 0; h <= L; h++) /* a download may have begun */
        if (present[h])
            memset(R[h], 0, ((size_t)1 << h) * sizeof(bb4_t));
    if ((*rc = rk_backend_gpu_failed(&ge)) != RK_OK)
        rk_fail(e, *rc, "fri: %s", ge.msg);
    return 0;
}

int fri_prove(const fri_params *p, chal *c, const fri_batch *batches, size_t n_batches,
              rk_buf *out, rk_err *e)
{
    return fri_prove_ex(p, fri_log_arity(p), c, batches, n_batches, out, e);
}

int fri_verify(const fri_params *p, chal *c, const fri_batch *batches, size_t n_batches, rk_rd *in,
               rk_err *e)
{
    return fri_verify_ex(p, fri_log_arity(p), c, batches, n_batches, in, e);
}

int fri_prove_ex(const fri_params *p, unsigned max_log_arity, chal *c, const fri_batch *batches,
                 size_t n_batches, rk_buf *out, rk_err *e)
{
    int rc = fri_params_check(p, e);
    if (rc)
        return rc;
    if (max_log_arity < 1 || max_log_arity > FRI_MAX_LOG_ARITY)
        return rk_fail(e, RK_EINPUT, "fri: max_log_arity %u not in 1..%d", max_log_arity, FRI_MAX_LOG_ARITY);
    unsigned L;
    uint8_t present[FRI_MAX_LOG + 1];
    if ((rc = check_batches(p, batches, n_batches, &L, present, e)))
        return rc;
    const unsigned lf = p->log_final_poly_len + p->log_blowup;

    bb4_t *R[FRI_MAX_LOG + 1] = {0};
    bb_t *xs[FRI_MAX_LOG + 1] = {0};
    inv_cache cache[64];
    size_t n_cache = 0;
    bb4_t *f[FRI_MAX_LOG + 1] = {0};
    merkle_tree trees[FRI_MAX_LOG + 1];
    for (unsigned r = 0; r <= FRI_MAX_LOG; r++)
        merkle_tree_init(&trees[r]);
    bb4_t *S = NULL, *final_coeffs = NULL;
    rc = RK_EINTERNAL;

    /* 1. alpha and the reduced codewords R_h. */
    bb4_t alpha = chal_sample_ext(c);
    bb4_t alpha_off[FRI_MAX_LOG + 1]; /* alpha^(next power) per height */
    for (unsigned h = 0; h <= FRI_MAX_LOG; h++)
        alpha_off[h] = bb4_one();
    for (unsigned h = 0; h <= L; h++)
        if (present[h] && !(R[h] = calloc((size_t)1 << h, sizeof(bb4_t))))
            goto oom;
    int reduced = 0;
    if (rk_backend_is_gpu() && rk_backend_offload((size_t)4 << L)) {
        reduced = reduce_gpu(batches, n_batches, present, L, alpha, R, &rc, e);
        if (rc)
            goto out;
        rc = RK_EINTERNAL;
    }
    if (!reduced) {
        S = malloc(((size_t)1 << L) * sizeof *S);
        if (!S)
            goto oom;
        for (unsigned h = 0; h <= L; h++)
            if (present[h] && !(xs[h] = lde_points(h)))
                goto oom;
    }
    for (size_t b = 0; b < n_batches && !reduced; b++) {
        const fri_batch *bt = &batches[b];
        for (size_t m = 0; m < bt->n_mats; m++) {
            unsigned h = bt->log_heights[m];
            size_t w = bt->widths[m], n = (size_t)1 << h;
            if (bt->n_points[m] == 0)
                continue;
            const bb_t *mat = bt->tree->mats[m];
            /* S(x) = sum_c alpha^c p_c(x); Y_j = sum_c alpha^c y_jc */
            bb4_t *apow = malloc(w * sizeof *apow);
            if (!apow)
                goto oom;
            apow[0] = bb4_one();
            for (size_t k = 1; k < w; k++)
                apow[k] = bb4_mul(apow[k - 1], alpha);
            bb4_t alpha_w = bb4_mul(apow[w - 1], alpha);
            rc = RK_OK;
            if (!(bt->d_mats && bt->d_mats[m] && deep_dot_gpu(bt->d_mats[m], n, w, apow, S, &rc, e))) {
                if (!rc && !mat) /* "auto" fell back, but the matrix is only on the device */
                    rc = rk_fail(e, RK_EINTERNAL, "fri: matrix %zu of batch %zu is not in host memory: %s", m, b,
                                 rk_backend_gpu_error() ? rk_backend_gpu_error() : "no device copy either");
                if (rc) {
                    free(apow);
                    goto out;
                }
#pragma omp parallel for schedule(static) if (n >= 4096)
                for (size_t i = 0; i < n; i++)
                    S[i] = fri_dot_ext_base(apow, mat + i * w, w);
            }
            rc = RK_EINTERNAL;
            for (unsigned j = 0; j < bt->n_points[m]; j++) {
                const bb4_t *y = bt->values[m] + (size_t)j * w;
                bb4_t Y = bb4_zero();
                for (size_t k = 0; k < w; k++)
                    Y = bb4_add(Y, bb4_mul(apow[k], y[k]));
                bb4_t *inv = get_inv(cache, &n_cache, 64, h, bt->points[m][j], xs[h]);
                if (!inv) {
                    free(apow);
                    goto oom;
                }
                bb4_t coef = alpha_off[h];
                bb4_t *Rh = R[h];
#pragma omp parallel for schedule(static) if (n >= 4096)
                for (size_t i = 0; i < n; i++)
                    Rh[i] = bb4_add(Rh[i], bb4_mul(coef, bb4_mul(bb4_sub(S[i], Y), inv[i])));
                alpha_off[h] = bb4_mul(alpha_off[h], alpha_w);
            }
            free(apow);
        }
    }
    for (size_t i = 0; i < n_cache; i++)
        free(cache[i].inv);
    n_cache = 0;
    free(S);
    S = NULL;

    /* 2. commit phase: round r commits f[r] (2^lcs[r] values) in rows of 2^ars[r]
     * values, samples beta_r, folds ars[r] times in halves with beta_r, beta_r^2,
     * beta_r^4, ..., and rolls in beta_r^(2^ars[r]) * R at the new height. */
    unsigned lcs[FRI_MAX_LOG + 1], ars[FRI_MAX_LOG + 1], n_rounds = 0;
    f[0] = R[L];
    R[L] = NULL;
    const bb_t half = bb_inv(bb_from_u32(2));
    for (unsigned lc = L; lc > lf; n_rounds++) {
        const unsigned r = n_rounds, a = round_log_arity(max_log_arity, present, lc, lf);
        lcs[r] = lc;
        ars[r] = a;
        const bb_t *mat = (const bb_t *)f[r];
        size_t wrow = (size_t)4 << a;
        unsigned lh = lc - a;
        if ((rc = merkle_commit(&trees[r], 1, &mat, &wrow, &lh, e)))
            goto out;
        rc = RK_EINTERNAL;
        fri_put_digest(out, merkle_root(&trees[r]));
        chal_observe_digest(c, merkle_root(&trees[r]));
        bb4_t bpow = chal_sample_ext(c);
        bb4_t *cur = f[r];
        for (unsigned st = 0; st < a; st++, lc--) {
            size_t half_n = (size_t)1 << (lc - 1);
            bb4_t *nxt = malloc(half_n * sizeof *nxt);
            if (!nxt)
                goto oom;
            if (rk_backend_offload((size_t)4 << lc)) { /* big folds on the GPU (lib/gpu: same bytes) */
                rk_err ge;
                rk_err_clear(&ge);
                double t0 = rk_backend_clock();
                if (gpu_fri_fold(cur, lc, bpow, NULL, nxt, &ge) == RK_OK) {
                    rk_backend_gpu_call_done(t0, (size_t)3 << (lc + 3)); /* 2^lc x 16 B up, half down */
                    goto folded;
                }
                if ((rc = rk_backend_gpu_failed(&ge)) != RK_OK) {
                    free(nxt);
                    rc = rk_fail(e, rc, "fri: %s", ge.msg);
                    goto out;
                }
                rc = RK_EINTERNAL;
            }
            /* y_i^-1 = w_lc^-bitrev_{lc-1}(i): natural powers of w^-1, then permuted */
            bb_t *nat = malloc(half_n * sizeof *nat);
            if (!nat) {
                free(nxt);
                goto oom;
            }
            bb_t winv = bb_inv(bb_two_adic_generator(lc)), acc = bb_one();
            for (size_t i = 0; i < half_n; i++) {
                nat[i] = acc;
                acc = bb_mul(acc, winv);
            }
#pragma omp parallel for schedule(static) if (half_n >= 4096)
            for (size_t i = 0; i < half_n; i++) {
                bb_t yi = nat[fri_bitrev(i, lc - 1)];
                bb4_t lo = cur[2 * i], hi = cur[2 * i + 1];
                bb4_t even = bb4_mul_base(bb4_add(lo, hi), half);
                bb4_t odd = bb4_mul_base(bb4_sub(lo, hi), bb_mul(half, yi));
                nxt[i] = bb4_add(even, bb4_mul(bpow, odd));
            }
            free(nat);
        folded:
            if (cur != f[r])
                free(cur);
            cur = nxt;
            bpow = bb4_sqr(bpow);
        }
        if (present[lc]) {
            const bb4_t *ro = R[lc];
            size_t n = (size_t)1 << lc;
#pragma omp parallel for schedule(static) if (n >= 4096)
            for (size_t i = 0; i < n; i++)
                cur[i] = bb4_add(cur[i], bb4_mul(bpow, ro[i]));
        }
        f[r + 1] = cur;
    }

    /* 3. final polynomial: the first 2^lfp coefficients of f[n_rounds] (2^lf values,
     * bit-reversed over K_lf): c_k = 2^-lf sum_j f(w^j) w^-jk. */
    {
        size_t N = (size_t)1 << lf, nc = (size_t)1 << p->log_final_poly_len;
        final_coeffs = malloc(nc * sizeof *final_coeffs);
        if (!final_coeffs)
            goto oom;
        const bb4_t *fin = f[n_rounds];
        bb_t winv = bb_inv(bb_two_adic_generator(lf)), ninv = bb_inv(bb_from_u32((uint32_t)N));
        for (size_t k = 0; k < nc; k++) {
            bb4_t acc = bb4_zero();
            bb_t step = bb_pow(winv, k), pw = bb_one();
            for (size_t j = 0; j < N; j++) {
                acc = bb4_add(acc, bb4_mul_base(fin[fri_bitrev(j, lf)], pw));
                pw = bb_mul(pw, step);
            }
            final_coeffs[k] = bb4_mul_base(acc, ninv);
            fri_put_ext(out, final_coeffs[k]);
            chal_observe_ext(c, final_coeffs[k]);
        }
    }

    /* 4. proof of work */
    {
        uint32_t w = chal_grind(c, p->pow_bits);
        rk_buf_u32(out, w);
        chal_check_witness(c, p->pow_bits, w);
    }

    /* 5. queries: every index first (the openings do not touch the transcript), then each
     * batch's tree opened at all of them at once (merkle_open_many: one transfer for what only
     * the device holds), then the proof in query order */
    {
        const size_t nq = p->num_queries;
        size_t *index = malloc((nq ? nq : 1) * sizeof *index), *bidx = malloc((nq ? nq : 1) * sizeof *bidx);
        bb_t **brows = calloc(n_batches + 1, sizeof *brows), *rows = malloc(64 * sizeof *rows);
        p2_digest **bpath = calloc(n_batches + 1, sizeof *bpath), path[FRI_MAX_LOG + 1];
        int ok = index && bidx && rows && brows && bpath;
        for (size_t q = 0; q < nq && ok; q++)
            index[q] = chal_sample_bits(c, L);
        for (size_t b = 0; b < n_batches && ok; b++) {
            const merkle_tree *t = batches[b].tree;
            brows[b] = malloc((nq * t->total_width + 1) * sizeof *brows[b]);
            bpath[b] = malloc((nq * t->log_max + 1) * sizeof *bpath[b]);
            if (!brows[b] || !bpath[b]) {
                ok = 0;
                break;
            }
            for (size_t q = 0; q < nq; q++)
                bidx[q] = index[q] >> (L - t->log_max);
            if ((rc = merkle_open_many(t, nq, bidx, brows[b], bpath[b], e))) /* a row only on the device, lost */
                break;
        }
        for (size_t q = 0; q < nq && ok && !rc; q++) {
            for (size_t b = 0; b < n_batches; b++) {
                const merkle_tree *t = batches[b].tree;
                const bb_t *rw = brows[b] + q * t->total_width;
                for (size_t k = 0; k < t->total_width; k++)
                    rk_buf_u32(out, bb_to_u32(rw[k]));
                for (unsigned k = 0; k < t->log_max; k++)
                    fri_put_digest(out, &bpath[b][q * t->log_max + k]);
            }
            for (unsigned r = 0; r < n_rounds; r++) {
                size_t idx = index[q] >> (L - lcs[r]), row = idx >> ars[r], k = idx & ((1u << ars[r]) - 1);
                for (size_t m = 0; m < ((size_t)1 << ars[r]); m++)
                    if (m != k)
                        fri_put_ext(out, f[r][(row << ars[r]) + m]);
                merkle_open(&trees[r], row, rows, path, e); /* host matrices: cannot fail */
                for (unsigned q2 = 0; q2 < trees[r].log_max; q2++)
                    fri_put_digest(out, &path[q2]);
            }
        }
        for (size_t b = 0; b < n_batches && brows && bpath; b++) {
            free(brows[b]);
            free(bpath[b]);
        }
        free(brows);
        free(bpath);
        free(index);
        free(bidx);
        free(rows);
        if (rc)
            goto out;
        if (!ok)
            goto oom;
    }
    rc = out->oom ? rk_fail(e, RK_EINTERNAL, "fri: out of memory") : RK_OK;
    goto out;
oom:
    rc = rk_fail(e, RK_EINTERNAL, "fri: out of memory");
out:
    for (size_t i = 0; i < n_cache; i++)
        free(cache[i].inv);
    for (unsigned h = 0; h <= FRI_MAX_LOG; h++) {
        free(R[h]);
        free(xs[h]);
        free(f[h]);
        merkle_tree_free(&trees[h]);
    }
    free(S);
    free(final_coeffs);
    return rc;
}

/* ---- verifier ---- */

int fri_verify_ex(const fri_params *p, unsigned max_log_arity, chal *c, const fri_batch *batches,
                  size_t n_batches, rk_rd *in, rk_err *e)
{
    int rc = fri_params_check(p, e);
    if (rc)
        return rc;
    if (max_log_arity < 1 || max_log_arity > FRI_MAX_LOG_ARITY)
        return rk_fail(e, RK_EINPUT, "fri: max_log_arity %u not in 1..%d", max_log_arity, FRI_MAX_LOG_ARITY);
    unsigned L;
    uint8_t present[FRI_MAX_LOG + 1];
    if ((rc = check_batches(p, batches, n_batches, &L, present, e)))
        return rc;
    const unsigned lf = p->log_final_poly_len + p->log_blowup;
    const size_t n_final = (size_t)1 << p->log_final_poly_len;
    unsigned lcs[FRI_MAX_LOG + 1], ars[FRI_MAX_LOG + 1], n_rounds = 0;
    for (unsigned lc = L; lc > lf; lc -= ars[n_rounds++]) {
        lcs[n_rounds] = lc;
        ars[n_rounds] = round_log_arity(max_log_arity, present, lc, lf);
    }

    bb4_t alpha = chal_sample_ext(c);
    p2_digest roots[FRI_MAX_LOG + 1];
    bb4_t betas[FRI_MAX_LOG + 1];
    for (unsigned r = 0; r < n_rounds; r++) {
        roots[r] = fri_get_digest(in);
        chal_observe_digest(c, &roots[r]);
        betas[r] = chal_sample_ext(c);
    }
    bb4_t final_coeffs[256];
    for (size_t k = 0; k < n_final; k++) {
        final_coeffs[k] = fri_get_ext(in);
        chal_observe_ext(c, final_coeffs[k]);
    }
    uint32_t w = rk_rd_u32(in);
    if (in->bad || !bb_is_canonical(w))
        return rk_fail(e, RK_EFALSE, "fri: proof truncated or not canonical");
    if (!chal_check_witness(c, p->pow_bits, w))
        return rk_fail(e, RK_EFALSE, "fri: proof-of-work witness is wrong");

    size_t maxw = 0;
    for (size_t b = 0; b < n_batches; b++) {
        size_t tw = 0;
        for (size_t m = 0; m < batches[b].n_mats; m++)
            tw += batches[b].widths[m];
        if (tw > maxw)
            maxw = tw;
    }
    bb_t *rows = malloc(maxw * sizeof *rows);
    if (!rows)
        return rk_fail(e, RK_EINTERNAL, "fri: out of memory");
    p2_digest path[FRI_MAX_LOG + 1];
    rc = RK_OK;
    for (unsigned q = 0; q < p->num_queries && rc == RK_OK; q++) {
        size_t index = chal_sample_bits(c, L);

        /* Input openings and the reduced values R_h at this query. */
        bb4_t R[FRI_MAX_LOG + 1], apow[FRI_MAX_LOG + 1];
        for (unsigned h = 0; h <= L; h++) {
            R[h] = bb4_zero();
            apow[h] = bb4_one();
        }
        for (size_t b = 0; b < n_batches && rc == RK_OK; b++) {
            const fri_batch *bt = &batches[b];
            size_t tw = 0;
            unsigned Lb = 0;
            for (size_t m = 0; m < bt->n_mats; m++) {
                tw += bt->widths[m];
                if (bt->log_heights[m] > Lb)
                    Lb = bt->log_heights[m];
            }
            for (size_t k = 0; k < tw; k++)
                rows[k] = fri_get_base(in);
            for (unsigned k = 0; k < Lb; k++)
                path[k] = fri_get_digest(in);
            if (in->bad) {
                rc = rk_fail(e, RK_EFALSE, "fri: proof truncated or not canonical");
                break;
            }
            size_t idx = index >> (L - Lb);
            if ((rc = merkle_verify(&bt->root, bt->n_mats, bt->widths, bt->log_heights, idx, rows,
                                    path, e))) {
                rk_err_prefix(e, "fri: query %u, batch %zu", q, b);
                break;
            }
            size_t off = 0;
            for (size_t m = 0; m < bt->n_mats; m++) {
                unsigned h = bt->log_heights[m];
                bb_t x = lde_point(h, idx >> (Lb - h));
                for (unsigned j = 0; j < bt->n_points[m]; j++) {
                    bb4_t inv = bb4_inv(bb4_sub(bb4_from_base(x), bt->points[m][j]));
                    const bb4_t *y = bt->values[m] + (size_t)j * bt->widths[m];
                    for (size_t k = 0; k < bt->widths[m]; k++) {
                        bb4_t d = bb4_sub(bb4_from_base(rows[off + k]), y[k]);
                        R[h] = bb4_add(R[h], bb4_mul(apow[h], bb4_mul(d, inv)));
                        apow[h] = bb4_mul(apow[h], alpha);
                    }
                }
                off += bt->widths[m];
            }
        }
        if (rc)
            break;

        /* Folding: each round's row (the running value at its place, the others from
         * the proof) must hash to the round's commitment; then fold it to one value. */
        bb4_t folded = R[L];
        for (unsigned r = 0; r < n_rounds && rc == RK_OK; r++) {
            const unsigned lc = lcs[r], a = ars[r];
            const size_t idx = index >> (L - lc), row = idx >> a, k = idx & ((1u << a) - 1);
            bb4_t v[16];
            for (size_t m = 0; m < ((size_t)1 << a); m++)
                v[m] = m == k ? folded : fri_get_ext(in);
            for (unsigned d = 0; d < lc - a; d++)
                path[d] = fri_get_digest(in);
            if (in->bad) {
                rc = rk_fail(e, RK_EFALSE, "fri: proof truncated or not canonical");
                break;
            }
            size_t wrow = (size_t)4 << a;
            unsigned lh = lc - a;
            if ((rc = merkle_verify(&roots[r], 1, &wrow, &lh, row, (const bb_t *)v, path, e))) {
                rk_err_prefix(e, "fri: query %u, fold round %u", q, r);
                break;
            }
            bb4_t bpow = betas[r];
            for (unsigned st = 0; st < a; st++) {
                unsigned ls = lc - st; /* the values are entries of a codeword of 2^ls */
                size_t pairs = (size_t)1 << (a - st - 1);
                for (size_t i = 0; i < pairs; i++) {
                    size_t pidx = (row << (a - st - 1)) + i;
                    bb_t y_inv = bb_inv(bb_pow(bb_two_adic_generator(ls), fri_bitrev(pidx, ls - 1)));
                    v[i] = fold_pair(v[2 * i], v[2 * i + 1], bpow, y_inv);
                }
                bpow = bb4_sqr(bpow);
            }
            folded = v[0];
            if (present[lc - a])
                folded = bb4_add(folded, bb4_mul(bpow, R[lc - a]));
        }
        if (rc)
            break;
        size_t fidx = index >> (L - lf);
        bb_t x = bb_pow(bb_two_adic_generator(lf), fri_bitrev(fidx, lf));
        if (!bb4_eq(folded, eval_poly(final_coeffs, n_final, x)))
            rc = rk_fail(e, RK_EFALSE, "fri: query %u does not match the final polynomial", q);
    }
    free(rows);
    return rc;
}
