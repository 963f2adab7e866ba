/* test_bn254_msm.c - MSM against the naive sum, edge cases, thread-count
 * independence; FFT against the naive DFT, inverses, cosets. */
#include "test.h"
#include "bn254/bn254.h"
#include "bn254/bn254_impl.h"   /* the IFMA chords, tested against the field code */
#include "common/err.h"
#include <omp.h>

static uint64_t rng_state = 0x13198a2e03707344ULL;
static uint64_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static void rnd_fr(fr_t *a)
{
    uint64_t v[4] = {rnd64(), rnd64(), rnd64(), rnd64() & 0x0fffffffffffffffULL};
    fr_from_u256(a, v);
}

/* n distinct-ish random G1 points: multiples of the generator by random scalars */
static void rnd_g1_points(g1_affine *p, size_t n)
{
    g1_affine g;
    g1_jac j, acc;
    fr_t k;
    g1_generator(&g);
    g1_jac_from_affine(&j, &g);
    rnd_fr(&k);
    g1_jac_mul(&acc, &j, &k);
    g1_jac *tmp = malloc(n * sizeof *tmp);
    /* a random walk keeps generation cheap: P_i = P_{i-1} * 1 + R_i with R_i = small multiple */
    for (size_t i = 0; i < n; i++) {
        g1_jac step;
        uint64_t s[4] = {rnd64(), 0, 0, 0};
        g1_jac_mul_u256(&step, &j, s);
        g1_jac_add(&acc, &acc, &step);
        tmp[i] = acc;
    }
    g1_jac_batch_to_affine(p, tmp, n);
    free(tmp);
}

static void naive_g1(g1_jac *out, const g1_affine *p, const fr_t *s, size_t n)
{
    g1_jac_infinity(out);
    for (size_t i = 0; i < n; i++) {
        g1_jac t;
        g1_jac_from_affine(&t, &p[i]);
        g1_jac_mul(&t, &t, &s[i]);
        g1_jac_add(out, out, &t);
    }
}

static void test_g1_msm_random_sizes(void)
{
    static const size_t sizes[] = {1, 2, 3, 5, 8, 17, 31, 64, 100, 129, 255, 300};
    g1_affine *p = malloc(300 * sizeof *p);
    fr_t *s = malloc(300 * sizeof *s);
    rnd_g1_points(p, 300);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        for (size_t i = 0; i < n; i++)
            rnd_fr(&s[i]);
        g1_jac a, b;
        CHECK(g1_msm(&a, p, s, n) == RK_OK);
        naive_g1(&b, p, s, n);
        if (!g1_jac_eq(&a, &b)) {
            printf("# g1_msm differs at n=%zu\n", n);
            t_case_failed = 1;
        }
    }
    free(p);
    free(s);
}

/* N < 512 runs Jacobian buckets, N >= 512 the affine bucket trees */
static void g1_msm_edge_cases(const int N)
{
    g1_affine *p = malloc(N * sizeof *p);
    fr_t *s = malloc(N * sizeof *s);
    g1_jac a, b;
    rnd_g1_points(p, N);
    /* zero scalars, infinity points, repeats, P next to -P, r-1, tiny and equal scalars */
    fr_t rm1;
    fr_one(&rm1);
    fr_neg(&rm1, &rm1);
    for (int i = 0; i < N; i++) {
        switch (i % 9) {
        case 0: fr_zero(&s[i]); break;
        case 1: g1_affine_infinity(&p[i]); rnd_fr(&s[i]); break;
        case 2: p[i] = p[0]; rnd_fr(&s[i]); break;              /* the same point many times */
        case 3: g1_affine_neg(&p[i], &p[i - 1]); s[i] = s[i - 1]; break; /* cancels its neighbour */
        case 4: s[i] = rm1; break;
        case 5: fr_from_u64(&s[i], 1); break;
        case 6: fr_from_u64(&s[i], 7); p[i] = p[6]; break;      /* same point, same scalar: doubling in a bucket */
        default: rnd_fr(&s[i]); break;
        }
    }
    CHECK(g1_msm(&a, p, s, N) == RK_OK);
    naive_g1(&b, p, s, N);
    CHECK(g1_jac_eq(&a, &b));
    /* all zero -> infinity; n = 0 -> infinity */
    for (int i = 0; i < N; i++)
        fr_zero(&s[i]);
    CHECK(g1_msm(&a, p, s, N) == RK_OK && g1_jac_is_infinity(&a));
    CHECK(g1_msm(&a, p, s, 0) == RK_OK && g1_jac_is_infinity(&a));
    /* all points equal with equal scalars: everything lands in one bucket */
    fr_t k;
    rnd_fr(&k);
    for (int i = 0; i < N; i++) {
        p[i] = p[7];
        s[i] = k;
    }
    CHECK(g1_msm(&a, p, s, N) == RK_OK);
    naive_g1(&b, p, s, N);
    CHECK(g1_jac_eq(&a, &b));
    /* P and -P with the same scalar sum to infinity */
    g1_affine_neg(&p[1], &p[0]);
    CHECK(g1_msm(&a, p, s, 2) == RK_OK && g1_jac_is_infinity(&a));
    free(p);
    free(s);
}

static void test_g1_msm_edge_cases(void) { g1_msm_edge_cases(200); }
static void test_g1_msm_edge_cases_affine(void) { g1_msm_edge_cases(600); }

static void test_g1_msm_larger_and_threads(void)
{
    /* n = 2048 uses 7-bit windows with many points per bucket */
    enum { N = 2048 };
    g1_affine *p = malloc(N * sizeof *p);
    fr_t *s = malloc(N * sizeof *s);
    rnd_g1_points(p, N);
    for (int i = 0; i < N; i++)
        rnd_fr(&s[i]);
    g1_jac a, b, c;
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(g1_msm(&a, p, s, N) == RK_OK);
    omp_set_num_threads(3);
    CHECK(g1_msm(&b, p, s, N) == RK_OK);
    omp_set_num_threads(nt);
    /* same Jacobian coordinates, not just the same point */
    CHECK_MEM(&a, &b, sizeof a);
    naive_g1(&c, p, s, N);
    CHECK(g1_jac_eq(&a, &c));
    free(p);
    free(s);
}

static void test_g2_msm(void)
{
    /* 520: the affine bucket trees (>= 512 points) */
    static const size_t sizes[] = {1, 3, 10, 40, 77, 520};
    enum { NMAX = 520 };
    g2_affine g, *p = malloc(NMAX * sizeof *p);
    g2_jac j, acc, a, b, t;
    fr_t *s = malloc(NMAX * sizeof *s), k;
    g2_generator(&g);
    g2_jac_from_affine(&j, &g);
    rnd_fr(&k);
    g2_jac_mul(&acc, &j, &k);
    for (int i = 0; i < NMAX; i++) {   /* a walk of small steps: cheap to make */
        g2_jac step;
        uint64_t sm[4] = {rnd64() & 0xffff, 0, 0, 0};
        g2_jac_mul_u256(&step, &j, sm);
        g2_jac_add(&acc, &acc, &step);
        g2_jac_to_affine(&p[i], &acc);
    }
    p[300] = p[301];
    g2_affine_neg(&p[303], &p[302]);
    p[5] = p[4];
    g2_affine_infinity(&p[6]);
    g2_affine_neg(&p[8], &p[7]);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t n = sizes[z];
        for (size_t i = 0; i < n; i++)
            rnd_fr(&s[i]);
        if (n > 8) {
            s[8] = s[7];
            fr_zero(&s[2]);
        }
        CHECK(g2_msm(&a, p, s, n) == RK_OK);
        g2_jac_infinity(&b);
        for (size_t i = 0; i < n; i++) {
            g2_jac_from_affine(&t, &p[i]);
            g2_jac_mul(&t, &t, &s[i]);
            g2_jac_add(&b, &b, &t);
        }
        if (!g2_jac_eq(&a, &b)) {
            printf("# g2_msm differs at n=%zu\n", n);
            t_case_failed = 1;
        }
        if (n == NMAX) {
            /* same scalar on P and -P (303 = -302), and equal points with equal scalars */
            s[303] = s[302];
            s[301] = s[300];
            CHECK(g2_msm(&a, p, s, n) == RK_OK);
            g2_jac_infinity(&b);
            for (size_t i = 0; i < n; i++) {
                g2_jac_from_affine(&t, &p[i]);
                g2_jac_mul(&t, &t, &s[i]);
                g2_jac_add(&b, &b, &t);
            }
            CHECK(g2_jac_eq(&a, &b));
        }
    }
    free(p);
    free(s);
}

/* ---- the AVX-512 IFMA path against the portable one */

static void rnd_fq(fq_t *a)
{
    uint64_t v[4] = {rnd64(), rnd64(), rnd64(), rnd64() & 0x3fffffffffffffffULL};
    if (fq_from_u256(a, v) != RK_OK)
        fq_from_u64(a, v[0]);
}

/* the chords core: t = 1/den, lam = num t, x3 = lam^2 - px - qx, y3 = lam (px - x3) - py,
 * with edge values (0, 1, q-1) among random ones and m not a multiple of the lane group */
static void test_ifma_chords(void)
{
    if (!bn254_use_ifma(1)) {
        printf("# no AVX-512 IFMA here (or RAIKO_NO_AVX512): only the portable path runs\n");
        return;
    }
    enum { M = 96 };   /* a multiple of 32, as the MSM pads */
    fq_t *den = malloc(7 * M * sizeof *den), *num = den + M, *px = num + M, *qx = px + M, *py = qx + M,
         *x3 = py + M, *y3 = x3 + M;
    fq2_t *den2 = malloc(7 * M * sizeof *den2), *num2 = den2 + M, *px2 = num2 + M, *qx2 = px2 + M,
          *py2 = qx2 + M, *x32 = py2 + M, *y32 = x32 + M;
    void *vec = aligned_alloc(64, (bn254_ifma_scratch_bytes(M) + 63) / 64 * 64);
    fq_t qm1, one;
    fq_one(&one);
    fq_neg(&qm1, &one);
    for (int i = 0; i < M; i++) {
        fq_t *v[5] = {&den[i], &num[i], &px[i], &qx[i], &py[i]};
        for (int k = 0; k < 5; k++) {
            rnd_fq(v[k]);
            if ((i + k) % 7 == 0) *v[k] = qm1;
            if ((i + k) % 11 == 0 && k > 0) fq_zero(v[k]);
            if ((i + k) % 13 == 0) *v[k] = one;
        }
        fq2_t *w[5] = {&den2[i], &num2[i], &px2[i], &qx2[i], &py2[i]};
        for (int k = 0; k < 5; k++) {
            rnd_fq(&w[k]->c0);
            rnd_fq(&w[k]->c1);
            if ((i + k) % 5 == 0) w[k]->c1 = qm1;
            if ((i + k) % 9 == 0 && k > 0) fq_zero(&w[k]->c0);
        }
    }
    bn254_ifma_chords_fq(x3, y3, den, num, px, qx, py, M, vec);
    bn254_ifma_chords_fq2(x32, y32, den2, num2, px2, qx2, py2, M, vec);
    int bad = 0;
    for (int i = 0; i < M; i++) {
        fq_t t, lam, x, y;
        fq_inv(&t, &den[i]);
        fq_mul(&lam, &num[i], &t);
        fq_sqr(&x, &lam);
        fq_sub(&x, &x, &px[i]);
        fq_sub(&x, &x, &qx[i]);
        fq_sub(&t, &px[i], &x);
        fq_mul(&y, &lam, &t);
        fq_sub(&y, &y, &py[i]);
        bad += memcmp(&x, &x3[i], sizeof x) != 0 || memcmp(&y, &y3[i], sizeof y) != 0;
        fq2_t t2, lam2, xx, yy;
        fq2_inv(&t2, &den2[i]);
        fq2_mul(&lam2, &num2[i], &t2);
        fq2_sqr(&xx, &lam2);
        fq2_sub(&xx, &xx, &px2[i]);
        fq2_sub(&xx, &xx, &qx2[i]);
        fq2_sub(&t2, &px2[i], &xx);
        fq2_mul(&yy, &lam2, &t2);
        fq2_sub(&yy, &yy, &py2[i]);
        bad += memcmp(&xx, &x32[i], sizeof xx) != 0 || memcmp(&yy, &y32[i], sizeof yy) != 0;
    }
    CHECK_EQ_U64(bad, 0);
    free(den);
    free(den2);
    free(vec);
}

/* whole MSMs (affine bucket trees, doublings, cancellations, infinity) give
 * the same Jacobian bytes on both paths */
static void test_msm_ifma_matches_portable(void)
{
    if (!bn254_use_ifma(1)) {
        printf("# no AVX-512 IFMA here: skipped\n");
        return;
    }
    enum { N = 1500 };
    g1_affine *p = malloc(N * sizeof *p);
    fr_t *s = malloc(N * sizeof *s);
    rnd_g1_points(p, N);
    for (int i = 0; i < N; i++) {
        rnd_fr(&s[i]);
        if (i % 10 == 1) p[i] = p[0];                       /* doublings in the trees */
        if (i % 10 == 2) { g1_affine_neg(&p[i], &p[i - 2]); s[i] = s[i - 2]; }  /* P + (-P) */
        if (i % 10 == 3) g1_affine_infinity(&p[i]);
        if (i % 10 == 4) s[i] = s[0];
    }
    g1_jac a, b;
    CHECK(g1_msm(&a, p, s, N) == RK_OK);
    bn254_use_ifma(0);
    CHECK(g1_msm(&b, p, s, N) == RK_OK);
    bn254_use_ifma(1);
    CHECK_MEM(&a, &b, sizeof a);
    g1_jac c;
    naive_g1(&c, p, s, 300);   /* and a prefix against the naive sum */
    CHECK(g1_msm(&a, p, s, 300) == RK_OK);
    CHECK(g1_jac_eq(&a, &c));
    free(p);
    free(s);
    /* G2: a walk of small steps, with repeats */
    enum { N2 = 600 };
    g2_affine g, *q = malloc(N2 * sizeof *q);
    g2_jac j, acc, x, y;
    fr_t *t = malloc(N2 * sizeof *t);
    g2_generator(&g);
    g2_jac_from_affine(&j, &g);
    acc = j;
    for (int i = 0; i < N2; i++) {
        g2_jac step;
        uint64_t sm[4] = {rnd64() & 0xffff, 0, 0, 0};
        g2_jac_mul_u256(&step, &j, sm);
        g2_jac_add(&acc, &acc, &step);
        g2_jac_to_affine(&q[i], &acc);
        rnd_fr(&t[i]);
        if (i % 9 == 5) q[i] = q[i - 1];
        if (i % 9 == 7) g2_affine_neg(&q[i], &q[i - 1]);
    }
    CHECK(g2_msm(&x, q, t, N2) == RK_OK);
    bn254_use_ifma(0);
    CHECK(g2_msm(&y, q, t, N2) == RK_OK);
    bn254_use_ifma(1);
    CHECK_MEM(&x, &y, sizeof x);
    free(q);
    free(t);
}

/* ---- FFT */

static void naive_eval(fr_t *out, const fr_t *coef, size_t n, const fr_t *w, const fr_t *shift)
{
    fr_t x = *shift;
    for (size_t i = 0; i < n; i++) {
        fr_t acc, pw;
        fr_zero(&acc);
        fr_one(&pw);
        for (size_t j = 0; j < n; j++) {
            fr_t t;
            fr_mul(&t, &coef[j], &pw);
            fr_add(&acc, &acc, &t);
            fr_mul(&pw, &pw, &x);
        }
        out[i] = acc;
        fr_mul(&x, &x, w);
    }
}

static void test_roots_of_unity(void)
{
    /* omega_{2^28} = 5^((r-1)/2^28): recompute from the definition */
    fr_t five, w, t;
    uint64_t e[4];
    uint64_t rm1[4] = {BN254_R[0] - 1, BN254_R[1], BN254_R[2], BN254_R[3]};
    for (int i = 0; i < 4; i++)
        e[i] = (rm1[i] >> 28) | (i < 3 ? rm1[i + 1] << 36 : 0);
    fr_from_u64(&five, 5);
    fr_pow(&t, &five, e);
    fr_root_of_unity(&w, 28);
    CHECK(fr_eq(&t, &w));
    for (unsigned lg = 1; lg <= 28; lg++) {
        fr_root_of_unity(&w, lg);
        for (unsigned k = 0; k < lg - 1; k++)
            fr_sqr(&w, &w);
        /* w^(2^(lg-1)) = -1: primitive of order exactly 2^lg */
        fr_one(&t);
        fr_neg(&t, &t);
        CHECK(fr_eq(&w, &t));
    }
    fr_root_of_unity(&w, 0);
    CHECK(fr_is_one(&w));
    fr_t a[2];
    CHECK(fr_fft(a, 29) == RK_EINPUT);
}

static void test_fft_vs_naive(void)
{
    for (unsigned lg = 0; lg <= 6; lg++) {
        size_t n = (size_t)1 << lg;
        fr_t a[64], b[64], c[64], w, one, shift;
        for (size_t i = 0; i < n; i++)
            rnd_fr(&a[i]);
        memcpy(b, a, n * sizeof a[0]);
        fr_root_of_unity(&w, lg);
        fr_one(&one);
        CHECK(fr_fft(b, lg) == RK_OK);
        naive_eval(c, a, n, &w, &one);
        CHECK_MEM(b, c, n * sizeof b[0]);
        CHECK(fr_ifft(b, lg) == RK_OK);
        CHECK_MEM(b, a, n * sizeof b[0]);
        /* coset: evaluations at shift * w^i */
        fr_from_u64(&shift, 7);
        memcpy(b, a, n * sizeof a[0]);
        CHECK(fr_coset_fft(b, lg, &shift) == RK_OK);
        naive_eval(c, a, n, &w, &shift);
        CHECK_MEM(b, c, n * sizeof b[0]);
        CHECK(fr_coset_ifft(b, lg, &shift) == RK_OK);
        CHECK_MEM(b, a, n * sizeof b[0]);
    }
}

static void test_fft_large_roundtrip_threads(void)
{
    enum { LG = 14, N = 1 << LG };
    fr_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
    for (int i = 0; i < N; i++)
        rnd_fr(&a[i]);
    memcpy(b, a, N * sizeof *a);
    memcpy(c, a, N * sizeof *a);
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(fr_fft(b, LG) == RK_OK);
    omp_set_num_threads(3);
    CHECK(fr_fft(c, LG) == RK_OK);
    omp_set_num_threads(nt);
    CHECK_MEM(b, c, N * sizeof *b);
    /* spot-check one evaluation: a(w^5) */
    fr_t w, x, acc, pw;
    uint64_t e[4] = {5, 0, 0, 0};
    fr_root_of_unity(&w, LG);
    fr_pow(&x, &w, e);
    fr_zero(&acc);
    fr_one(&pw);
    for (int j = 0; j < N; j++) {
        fr_t t;
        fr_mul(&t, &a[j], &pw);
        fr_add(&acc, &acc, &t);
        fr_mul(&pw, &pw, &x);
    }
    CHECK(fr_eq(&acc, &b[5]));
    CHECK(fr_ifft(b, LG) == RK_OK);
    CHECK_MEM(b, a, N * sizeof *b);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    RUN(test_g1_msm_random_sizes);
    RUN(test_g1_msm_edge_cases);
    RUN(test_g1_msm_edge_cases_affine);
    RUN(test_g1_msm_larger_and_threads);
    RUN(test_g2_msm);
    if (bn254_use_ifma(1)) { /* the IFMA cases compare two paths: without IFMA, say they did not run */
        RUN(test_ifma_chords);
        RUN(test_msm_ifma_matches_portable);
    } else {
        SKIP(test_ifma_chords, "no AVX-512 IFMA on this CPU (or RAIKO_NO_AVX512)");
        SKIP(test_msm_ifma_matches_portable, "no AVX-512 IFMA on this CPU (or RAIKO_NO_AVX512)");
    }
    RUN(test_roots_of_unity);
    RUN(test_fft_vs_naive);
    RUN(test_fft_large_roundtrip_threads);
    return t_done();
}
