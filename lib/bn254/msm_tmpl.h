/* msm_tmpl.h - Pippenger multi-scalar multiplication for one group, included
 * by msm.c for G1 and G2 with GN/GA/GJ/FE/FO as in group_tmpl.h.
 *
 * Per window (c bits, signed digits in [-2^(c-1), 2^(c-1))):
 *   1. counting-sort the points by |digit| into one scratch array, negating
 *      the points with negative digits, so bucket b is a contiguous run;
 *   2. sum every bucket by a pairwise tree: each round adds neighbours
 *      (a0+a1, a2+a3, ...) in all buckets at once, in AFFINE coordinates
 *      with one field inversion per chunk of additions (Montgomery's trick):
 *      about 6 multiplications per addition instead of 11 for mixed Jacobian;
 *   3. running sum over buckets from the top: sum_b b * B_b.
 * Windows are independent and go to OpenMP threads whole; each is computed
 * by the same serial code whichever thread runs it, and the windows are
 * combined serially, so the output does not depend on the thread count. */

enum { GN(MSM_CH) = 512 };

typedef struct {
    size_t src, dst;   /* pair at src, src+1 (or the single element src for a copy) -> dst */
    int kind;
} GN(msm_ent);

/* Process a chunk of pair entries: classify, invert the denominators together, write results. */
static void GN(msm_flush)(GA *A, GN(msm_ent) *ent, size_t m)
{
    FE den[GN(MSM_CH)], pre[GN(MSM_CH)], acc, inv, t;
    for (size_t i = 0; i < m; i++) {
        GN(msm_ent) *e = &ent[i];
        if (i + 6 < m) {
            /* the scratch array is far larger than the caches: ask for the
             * pair six entries ahead while this one is classified */
            __builtin_prefetch(&A[ent[i + 6].src]);
            __builtin_prefetch(&A[ent[i + 6].src + 1]);
        }
        if (e->kind == ENT_COPY) {
            FO(one)(&den[i]);
            continue;
        }
        const GA *p = &A[e->src], *q = &A[e->src + 1];
        if (p->infinity || q->infinity) {
            /* whichever is finite (or infinity) survives */
            e->kind = ENT_COPY;
            if (p->infinity)
                e->src = e->src + 1;
            FO(one)(&den[i]);
        } else if (FO(eq)(&p->x, &q->x)) {
            if (FO(eq)(&p->y, &q->y)) {
                e->kind = ENT_DBL;
                FO(double)(&den[i], &p->y);   /* y != 0: no points of order 2 */
            } else {
                e->kind = ENT_INF;
                FO(one)(&den[i]);
            }
        } else {
            e->kind = ENT_ADD;
            FO(sub)(&den[i], &q->x, &p->x);
        }
    }
    /* Montgomery's trick with two interleaved chains (even and odd entries):
     * the prefix products are serial multiplications, and two independent
     * chains let the CPU overlap them.  One inversion for the whole chunk. */
    FE acc1, inv1, t1, all;
    FO(one)(&acc);
    FO(one)(&acc1);
    size_t i2;
    for (i2 = 0; i2 + 1 < m; i2 += 2) {
        pre[i2] = acc;
        pre[i2 + 1] = acc1;
        FO(mul)(&acc, &acc, &den[i2]);
        FO(mul)(&acc1, &acc1, &den[i2 + 1]);
    }
    if (i2 < m) {
        pre[i2] = acc;
        FO(mul)(&acc, &acc, &den[i2]);
    }
    FO(mul)(&all, &acc, &acc1);
    FO(inv)(&all, &all);
    FO(mul)(&inv, &all, &acc1);   /* = acc^-1 */
    FO(mul)(&inv1, &all, &acc);   /* = acc1^-1 */
    if (i2 < m) {
        FO(mul)(&t, &inv, &pre[i2]);
        FO(mul)(&inv, &inv, &den[i2]);
        den[i2] = t;
    }
    while (i2 >= 2) {
        i2 -= 2;
        FO(mul)(&t, &inv, &pre[i2]);
        FO(mul)(&t1, &inv1, &pre[i2 + 1]);
        FO(mul)(&inv, &inv, &den[i2]);
        FO(mul)(&inv1, &inv1, &den[i2 + 1]);
        den[i2] = t;
        den[i2 + 1] = t1;
    }
    /* results in entry order: a write to dst never clobbers a later entry's inputs */
    for (size_t i = 0; i < m; i++) {
        GN(msm_ent) *e = &ent[i];
        GA *d = &A[e->dst];
        if (e->kind == ENT_COPY) {
            if (e->dst != e->src)
                *d = A[e->src];
            continue;
        }
        if (e->kind == ENT_INF) {
            d->infinity = 1;
            continue;
        }
        const GA *p = &A[e->src], *q = &A[e->src + 1];
        FE lam, x3, y3;
        if (e->kind == ENT_ADD) {
            FO(sub)(&lam, &q->y, &p->y);
            FO(mul)(&lam, &lam, &den[i]);
            FO(sqr)(&x3, &lam);
            FO(sub)(&x3, &x3, &p->x);
            FO(sub)(&x3, &x3, &q->x);
        } else {
            FO(sqr)(&t, &p->x);
            FO(double)(&lam, &t);
            FO(add)(&lam, &lam, &t);
            FO(mul)(&lam, &lam, &den[i]);
            FO(sqr)(&x3, &lam);
            FO(sub)(&x3, &x3, &p->x);
            FO(sub)(&x3, &x3, &p->x);
        }
        FO(sub)(&t, &p->x, &x3);
        FO(mul)(&y3, &lam, &t);
        FO(sub)(&y3, &y3, &p->y);
        d->x = x3;
        d->y = y3;
        d->infinity = 0;
    }
}

/* The sum of one window: sum_i digit_i * P_i. */
static void GN(msm_window)(GJ *res, const GA *pts, const int32_t *dig, size_t n, size_t nb,
                           GA *A, size_t *start, size_t *cnt)
{
    GN(msm_ent) ent[GN(MSM_CH)];
    memset(cnt, 0, (nb + 1) * sizeof *cnt);
    for (size_t i = 0; i < n; i++)
        if (dig[i] != 0 && !pts[i].infinity)
            cnt[dig[i] < 0 ? -dig[i] : dig[i]]++;
    size_t acc = 0;
    for (size_t b = 0; b <= nb; b++) {
        start[b] = acc;
        acc += cnt[b];
        cnt[b] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t d = dig[i];
        if (d == 0 || pts[i].infinity)
            continue;
        size_t b = (size_t)(d < 0 ? -d : d);
        GA *slot = &A[start[b] + cnt[b]++];
        if (d > 0)
            *slot = pts[i];
        else
            GN(affine_neg)(slot, &pts[i]);
    }
    /* pairwise rounds until every bucket holds at most one point */
    for (;;) {
        size_t m = 0;
        int more = 0;
        for (size_t b = 1; b <= nb; b++) {
            size_t c = cnt[b];
            if (c < 2)
                continue;
            size_t s = start[b];
            for (size_t k = 0; k < c / 2; k++) {
                ent[m].src = s + 2 * k;
                ent[m].dst = s + k;
                ent[m].kind = ENT_ADD;
                if (++m == GN(MSM_CH)) {
                    GN(msm_flush)(A, ent, m);
                    m = 0;
                }
            }
            if (c & 1) {
                ent[m].src = s + c - 1;
                ent[m].dst = s + c / 2;
                ent[m].kind = ENT_COPY;
                if (++m == GN(MSM_CH)) {
                    GN(msm_flush)(A, ent, m);
                    m = 0;
                }
            }
            cnt[b] = (c + 1) / 2;
            if (cnt[b] > 1)
                more = 1;
        }
        if (m)
            GN(msm_flush)(A, ent, m);
        if (!more)
            break;
    }
    GJ run, sum;
    GN(jac_infinity)(&run);
    GN(jac_infinity)(&sum);
    for (size_t b = nb; b >= 1; b--) {
        if (cnt[b] == 1)
            GN(jac_add_affine)(&run, &run, &A[start[b]]);
        if (!GN(jac_is_infinity)(&run))
            GN(jac_add)(&sum, &sum, &run);
    }
    *res = sum;
}

/* Small inputs: Jacobian buckets (mixed additions, no inversions).  The
 * affine trees pay one inversion per chunk and round, which only amortizes
 * once buckets receive many points. */
static void GN(msm_window_jac)(GJ *res, const GA *pts, const int32_t *dig, size_t n, size_t nb, GJ *bk)
{
    for (size_t b = 1; b <= nb; b++)
        GN(jac_infinity)(&bk[b]);
    for (size_t i = 0; i < n; i++) {
        int32_t d = dig[i];
        if (d == 0 || pts[i].infinity)
            continue;
        if (d > 0) {
            GN(jac_add_affine)(&bk[d], &bk[d], &pts[i]);
        } else {
            GA neg;
            GN(affine_neg)(&neg, &pts[i]);
            GN(jac_add_affine)(&bk[-d], &bk[-d], &neg);
        }
    }
    GJ run, sum;
    GN(jac_infinity)(&run);
    GN(jac_infinity)(&sum);
    for (size_t b = nb; b >= 1; b--) {
        GN(jac_add)(&run, &run, &bk[b]);
        if (!GN(jac_is_infinity)(&run))
            GN(jac_add)(&sum, &sum, &run);
    }
    *res = sum;
}

int GN(msm)(GJ *out, const GA *points, const fr_t *scalars, size_t n)
{
    GN(jac_infinity)(out);
    if (n == 0)
        return RK_OK;
    unsigned c = msm_window_bits(n), nwin = msm_num_windows(c);
    size_t nb = (size_t)1 << (c - 1);
    int32_t *dig = malloc(n * nwin * sizeof *dig);
    GJ *win = malloc(nwin * sizeof *win);
    if (!dig || !win) {
        free(dig);
        free(win);
        return RK_EINTERNAL;
    }
    msm_digits(dig, scalars, n, c, nwin);
    int fail = 0, affine = n >= MSM_AFFINE_MIN;
    #pragma omp parallel
    {
        /* scratch is allocated by a thread only once it gets a window: with
         * more threads than windows the idle ones take no memory */
        GA *A = NULL;
        GJ *bk = NULL;
        size_t *start = NULL, *cnt = NULL;
        int ok = 1, have = 0;
        #pragma omp for schedule(dynamic, 1)
        for (unsigned w = 0; w < nwin; w++) {
            if (ok && !have) {
                have = 1;
                if (affine) {
                    A = malloc(n * sizeof *A);
                    start = malloc((nb + 1) * sizeof *start);
                    cnt = malloc((nb + 1) * sizeof *cnt);
                    ok = A && start && cnt;
                } else {
                    bk = malloc((nb + 1) * sizeof *bk);
                    ok = bk != NULL;
                }
                if (!ok) {
                    #pragma omp atomic write
                    fail = 1;
                }
            }
            if (!ok)
                continue;
            if (affine)
                GN(msm_window)(&win[w], points, dig + (size_t)w * n, n, nb, A, start, cnt);
            else
                GN(msm_window_jac)(&win[w], points, dig + (size_t)w * n, n, nb, bk);
        }
        free(A);
        free(bk);
        free(start);
        free(cnt);
    }
    if (!fail) {
        GJ r = win[nwin - 1];
        for (unsigned w = nwin - 1; w-- > 0;) {
            for (unsigned k = 0; k < c; k++)
                GN(jac_double)(&r, &r);
            GN(jac_add)(&r, &r, &win[w]);
        }
        *out = r;
    }
    free(dig);
    free(win);
    return fail ? RK_EINTERNAL : RK_OK;
}
