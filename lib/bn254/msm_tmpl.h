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

/* Entries per batch: one field inversion per batch, so larger batches spread
 * it thinner (it costs ~380 products); 2048 keeps the batch's arrays in L2. */
enum { GN(MSM_CH) = 2048 };

typedef struct {
    size_t src, dst;   /* pair at src, src+1 (or the single element src for a copy) -> dst */
    int kind;
} GN(msm_ent);

/* per-thread scratch of the bucket trees (heap: too big for a thread's stack) */
typedef struct {
    GN(msm_ent) *ent;
    FE *den, *num, *x3, *y3;          /* MSM_CH + 32 each */
    FE *px, *py, *qx;                 /* the pair's coordinates, copied while hot */
    void *vec;                        /* IFMA scratch (64-byte aligned) */
} GN(msm_buf);

static void GN(msm_buf_free)(GN(msm_buf) *b)
{
    free(b->ent);
    free(b->den);
    free(b->num);
    free(b->x3);
    free(b->y3);
    free(b->px);
    free(b->py);
    free(b->qx);
    free(b->vec);
    memset(b, 0, sizeof *b);
}

static int GN(msm_buf_init)(GN(msm_buf) *b)
{
    size_t n = GN(MSM_CH) + 32;   /* the IFMA chords pad to a multiple of 32 */
    memset(b, 0, sizeof *b);
    b->ent = malloc(GN(MSM_CH) * sizeof *b->ent);
    b->den = malloc(n * sizeof *b->den);
    b->num = malloc(n * sizeof *b->num);
    b->x3 = malloc(n * sizeof *b->x3);
    b->y3 = malloc(n * sizeof *b->y3);
    b->px = malloc(n * sizeof *b->px);
    b->py = malloc(n * sizeof *b->py);
    b->qx = malloc(n * sizeof *b->qx);
    size_t vb = (bn254_ifma_scratch_bytes(n) + 63) / 64 * 64;
    b->vec = bn254_ifma ? aligned_alloc(64, vb) : NULL;
    if (!b->ent || !b->den || !b->num || !b->x3 || !b->y3 || !b->px || !b->py || !b->qx || (bn254_ifma && !b->vec)) {
        GN(msm_buf_free)(b);
        return RK_EINTERNAL;
    }
    return RK_OK;
}

/* Portable chords: x3, y3 from den, num and the points (the IFMA contract in
 * bn254_impl.h), Montgomery's trick with two interleaved chains (even and odd
 * entries: the prefix products are serial, two independent chains let the
 * CPU overlap them).  den is overwritten with the inverses. */
static void GN(msm_chords_portable)(GN(msm_buf) *b, size_t m)
{
    FE *den = b->den, *pre = b->x3;   /* x3 doubles as the prefix products' store */
    FE acc, acc1, inv, inv1, t, t1, all;
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
    for (size_t i = 0; i < m; i++) {
        FE lam, x3, y3;
        FO(mul)(&lam, &b->num[i], &den[i]);
        FO(sqr)(&x3, &lam);
        FO(sub)(&x3, &x3, &b->px[i]);
        FO(sub)(&x3, &x3, &b->qx[i]);
        FO(sub)(&t, &b->px[i], &x3);
        FO(mul)(&y3, &lam, &t);
        FO(sub)(&y3, &y3, &b->py[i]);
        b->x3[i] = x3;
        b->y3[i] = y3;
    }
}

/* the same chords on AVX-512 IFMA (ifma.c), m a multiple of 32 (padded) */
static void GN(ifma_chords)(GN(msm_buf) *b, size_t m)
{
    GN_IFMA_CHORDS(b->x3, b->y3, b->den, b->num, b->px, b->qx, b->py, m, b->vec);
}

/* Process a batch of pair entries: classify, compute every chord with one
 * inversion, write the results. */
static void GN(msm_flush)(GA *A, GN(msm_buf) *b, size_t m)
{
    GN(msm_ent) *ent = b->ent;
    for (size_t i = 0; i < m; i++) {
        GN(msm_ent) *e = &ent[i];
        if (i + 6 < m) {
            /* the scratch array is far larger than the caches: ask for the
             * pair six entries ahead while this one is classified */
            __builtin_prefetch(&A[ent[i + 6].src]);
            __builtin_prefetch(&A[ent[i + 6].src + 1]);
        }
        const GA *p = &A[e->src], *q = &A[e->src + 1];
        /* a copy or a result of infinity: a harmless chord (den = 1) whose
         * output is not used */
        FO(one)(&b->den[i]);
        FO(zero)(&b->num[i]);
        if (e->kind == ENT_COPY)
            continue;
        if (p->infinity || q->infinity) {
            /* whichever is finite (or infinity) survives */
            e->kind = ENT_COPY;
            if (p->infinity)
                e->src = e->src + 1;
        } else if (FO(eq)(&p->x, &q->x)) {
            if (FO(eq)(&p->y, &q->y)) {
                /* doubling: lam = 3x^2 / 2y (y != 0: no points of order 2) */
                FE t;
                e->kind = ENT_DBL;
                b->px[i] = b->qx[i] = p->x;
                b->py[i] = p->y;
                FO(double)(&b->den[i], &p->y);
                FO(sqr)(&t, &p->x);
                FO(double)(&b->num[i], &t);
                FO(add)(&b->num[i], &b->num[i], &t);
            } else {
                e->kind = ENT_INF;
            }
        } else {
            e->kind = ENT_ADD;
            FO(sub)(&b->den[i], &q->x, &p->x);
            FO(sub)(&b->num[i], &q->y, &p->y);
            b->px[i] = p->x;
            b->py[i] = p->y;
            b->qx[i] = q->x;
        }
    }
    if (bn254_ifma) {
        size_t mp = (m + 31) / 32 * 32;
        for (size_t i = m; i < mp; i++) {
            FO(one)(&b->den[i]);
            FO(zero)(&b->num[i]);
            FO(zero)(&b->px[i]);
            FO(zero)(&b->qx[i]);
            FO(zero)(&b->py[i]);
        }
        GN(ifma_chords)(b, mp);
    } else {
        GN(msm_chords_portable)(b, m);
    }
    /* results in entry order: a write to dst never clobbers a later entry's source */
    for (size_t i = 0; i < m; i++) {
        GN(msm_ent) *e = &ent[i];
        GA *d = &A[e->dst];
        if (e->kind == ENT_COPY) {
            if (e->dst != e->src)
                *d = A[e->src];
        } else if (e->kind == ENT_INF) {
            d->infinity = 1;
        } else {
            d->x = b->x3[i];
            d->y = b->y3[i];
            d->infinity = 0;
        }
    }
}

/* The sum of one window: sum_i digit_i * P_i. */
static void GN(msm_window)(GJ *res, const GA *pts, const int32_t *dig, size_t n, size_t nb,
                           GA *A, size_t *start, size_t *cnt, GN(msm_buf) *buf)
{
    GN(msm_ent) *ent = buf->ent;
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
        /* inline negation: the out-of-line affine_neg was 4-6% of a proof */
        slot->x = pts[i].x;
        if (d > 0)
            slot->y = pts[i].y;
        else
            FO(neg)(&slot->y, &pts[i].y);
        slot->infinity = 0;
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
                    GN(msm_flush)(A, buf, m);
                    m = 0;
                }
            }
            if (c & 1) {
                ent[m].src = s + c - 1;
                ent[m].dst = s + c / 2;
                ent[m].kind = ENT_COPY;
                if (++m == GN(MSM_CH)) {
                    GN(msm_flush)(A, buf, m);
                    m = 0;
                }
            }
            cnt[b] = (c + 1) / 2;
            if (cnt[b] > 1)
                more = 1;
        }
        if (m)
            GN(msm_flush)(A, buf, m);
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
    int32_t *dig = rk_big_alloc(n * nwin * sizeof *dig);
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
        GN(msm_buf) buf;
        int ok = 1, have = 0;
        memset(&buf, 0, sizeof buf);
        #pragma omp for schedule(dynamic, 1)
        for (unsigned w = 0; w < nwin; w++) {
            if (ok && !have) {
                have = 1;
                if (affine) {
                    A = rk_big_alloc(n * sizeof *A);
                    start = malloc((nb + 1) * sizeof *start);
                    cnt = malloc((nb + 1) * sizeof *cnt);
                    ok = A && start && cnt && GN(msm_buf_init)(&buf) == RK_OK;
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
                GN(msm_window)(&win[w], points, dig + (size_t)w * n, n, nb, A, start, cnt, &buf);
            else
                GN(msm_window_jac)(&win[w], points, dig + (size_t)w * n, n, nb, bk);
        }
        free(A);
        free(bk);
        free(start);
        free(cnt);
        GN(msm_buf_free)(&buf);
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
