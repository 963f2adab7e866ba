/* test_fri.c - FRI/DEEP openings: low-degree accepted, high degree / wrong values rejected. */
#include <omp.h>

#include "fri/fri.h"
#include "test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}
static bb4_t rnd4(void)
{
    bb4_t v;
    for (int i = 0; i < 4; i++)
        v.c[i] = bb_from_u32(rnd());
    return v;
}

/* Horner in the extension field. */
static bb4_t peval(const bb_t *coef, size_t n, bb4_t x)
{
    bb4_t acc = bb4_zero();
    for (size_t k = n; k-- > 0;)
        acc = bb4_add(bb4_mul(acc, x), bb4_from_base(coef[k]));
    return acc;
}

/* A matrix of LDE evaluations (2^h rows, bit-reversed coset) of `w` random polynomials of
 * `deg_bound` coefficients, and their values at the points. */
typedef struct tmat {
    unsigned h;
    size_t w;
    bb_t *coef, *lde;
    unsigned np;
    bb4_t pts[2];
    bb4_t *vals;
} tmat;

static void tmat_make(tmat *m, unsigned h, size_t w, size_t deg_bound, unsigned np, const bb4_t *pts)
{
    size_t n = (size_t)1 << h;
    m->h = h;
    m->w = w;
    m->np = np;
    m->coef = malloc(w * deg_bound * sizeof(bb_t));
    m->lde = malloc(n * w * sizeof(bb_t));
    m->vals = malloc(np * w * sizeof(bb4_t));
    for (size_t i = 0; i < w * deg_bound; i++)
        m->coef[i] = bb_from_u32(rnd());
    bb_t g = bb_two_adic_generator(h);
    for (size_t i = 0; i < n; i++) {
        bb_t x = bb_mul(bb_generator(), bb_pow(g, fri_bitrev(i, h)));
        for (size_t c = 0; c < w; c++)
            m->lde[i * w + c] = peval(m->coef + c * deg_bound, deg_bound, bb4_from_base(x)).c[0];
    }
    for (unsigned j = 0; j < np; j++) {
        m->pts[j] = pts[j];
        for (size_t c = 0; c < w; c++)
            m->vals[j * w + c] = peval(m->coef + c * deg_bound, deg_bound, pts[j]);
    }
}

static void tmat_free(tmat *m)
{
    free(m->coef);
    free(m->lde);
    free(m->vals);
}

/* Two batches: {2^6 x 3 at z, zg ; 2^4 x 2 at z} and {2^5 x 4 at z}; log_blowup 1. */
typedef struct setup {
    tmat m[3];
    merkle_tree t[2];
    fri_batch b[2];
    unsigned lh[3];
    size_t w[3];
    unsigned np[3];
    const bb4_t *pts[3];
    const bb4_t *vals[3];
} setup;

static void setup_make(setup *s, size_t extra_degree)
{
    bb4_t z = rnd4(), pts[2] = {z, bb4_mul_base(z, bb_two_adic_generator(5))};
    tmat_make(&s->m[0], 6, 3, 32 + extra_degree, 2, pts);
    tmat_make(&s->m[1], 4, 2, 8, 1, pts);
    tmat_make(&s->m[2], 5, 4, 16, 1, pts);
    for (int i = 0; i < 3; i++) {
        s->lh[i] = s->m[i].h;
        s->w[i] = s->m[i].w;
        s->np[i] = s->m[i].np;
        s->pts[i] = s->m[i].pts;
        s->vals[i] = s->m[i].vals;
    }
    rk_err e;
    merkle_tree_init(&s->t[0]);
    merkle_tree_init(&s->t[1]);
    const bb_t *a[2] = {s->m[0].lde, s->m[1].lde}, *b[1] = {s->m[2].lde};
    merkle_commit(&s->t[0], 2, a, s->w, s->lh, &e);
    merkle_commit(&s->t[1], 1, b, s->w + 2, s->lh + 2, &e);
    for (int i = 0; i < 2; i++) {
        fri_batch *bt = &s->b[i];
        memset(bt, 0, sizeof *bt); /* fields not set here (d_mats) are off */
        bt->root = *merkle_root(&s->t[i]);
        bt->tree = &s->t[i];
        int o = i ? 2 : 0;
        bt->n_mats = i ? 1 : 2;
        bt->log_heights = s->lh + o;
        bt->widths = s->w + o;
        bt->n_points = s->np + o;
        bt->points = s->pts + o;
        bt->values = s->vals + o;
    }
}

static void setup_free(setup *s)
{
    for (int i = 0; i < 3; i++)
        tmat_free(&s->m[i]);
    merkle_tree_free(&s->t[0]);
    merkle_tree_free(&s->t[1]);
}

static int prove_verify_arity(setup *s, const fri_params *p, unsigned pa, unsigned va, rk_buf *proof,
                              rk_err *e)
{
    chal c;
    chal_init(&c);
    rk_buf_init(proof);
    int rc = fri_prove_ex(p, pa, &c, s->b, 2, proof, e);
    if (rc)
        return 100 + rc;
    chal v;
    chal_init(&v);
    fri_batch vb[2] = {s->b[0], s->b[1]};
    vb[0].tree = vb[1].tree = NULL;
    rk_rd rd;
    rk_rd_init(&rd, proof->data, proof->len);
    rc = fri_verify_ex(p, va, &v, vb, 2, &rd, e);
    if (rc == RK_OK && !rk_rd_done(&rd))
        rc = 200;
    return rc;
}

static int prove_verify(setup *s, const fri_params *p, rk_buf *proof, rk_err *e)
{
    return prove_verify_arity(s, p, 1, 1, proof, e);
}

/* Folding by up to 2, 4, 8, 16 per round (rounds never skip a height with inputs). */
static void arity_accepts_and_rejects(void)
{
    for (unsigned a = 1; a <= FRI_MAX_LOG_ARITY; a++)
        for (unsigned lfp = 0; lfp <= 1; lfp++) {
            fri_params p = {1, 5, 2, lfp, 1};
            setup s;
            rk_buf proof;
            rk_err e = {0};
            setup_make(&s, 0);
            CHECK_EQ_U64(prove_verify_arity(&s, &p, a, a, &proof, &e), RK_OK);
            size_t len = proof.len;
            rk_buf_free(&proof);
            if (a > 1) /* binary folding reads another layout (here the schedules differ) */
                CHECK(prove_verify_arity(&s, &p, a, 1, &proof, &e) != RK_OK);
            rk_buf_free(&proof);
            setup_free(&s);
            setup_make(&s, 2);
            CHECK_EQ_U64(prove_verify_arity(&s, &p, a, a, &proof, &e), RK_EFALSE);
            rk_buf_free(&proof);
            setup_free(&s);
            printf("# arity 2^%u, final poly 2^%u: proof %zu bytes\n", a, lfp, len);
        }
}

static void low_degree_accepted(void)
{
    fri_params p = {1, 6, 2, 0, 1};
    for (unsigned lfp = 0; lfp <= 2; lfp++) {
        p.log_final_poly_len = lfp;
        setup s;
        setup_make(&s, 0);
        rk_buf proof;
        rk_err e = {0};
        int rc = prove_verify(&s, &p, &proof, &e);
        CHECK_EQ_U64(rc, RK_OK);
        if (rc)
            printf("# %s\n", e.msg);
        rk_buf_free(&proof);
        setup_free(&s);
    }
}

static void high_degree_rejected(void)
{
    fri_params p = {1, 8, 2, 0, 1};
    setup s;
    /* 34 coefficients on a 64-row LDE with blowup 2 (bound 32).  (33 would pass: the DEEP
     * quotient (p(x) - p(z))/(x - z) of a degree-32 p has degree 31, as in Plonky3.) */
    setup_make(&s, 2);
    rk_buf proof;
    rk_err e = {0};
    CHECK_EQ_U64(prove_verify(&s, &p, &proof, &e), RK_EFALSE);
    rk_buf_free(&proof);
    setup_free(&s);
    /* random (full-degree) evaluations */
    setup_make(&s, 0);
    for (size_t i = 0; i < 64 * 3; i++)
        s.m[0].lde[i] = bb_from_u32(rnd());
    merkle_tree_free(&s.t[0]);
    const bb_t *a[2] = {s.m[0].lde, s.m[1].lde};
    merkle_commit(&s.t[0], 2, a, s.w, s.lh, &e);
    s.b[0].root = *merkle_root(&s.t[0]);
    CHECK_EQ_U64(prove_verify(&s, &p, &proof, &e), RK_EFALSE);
    rk_buf_free(&proof);
    setup_free(&s);
}

static void wrong_value_rejected(void)
{
    fri_params p = {1, 4, 1, 0, 1};
    setup s;
    setup_make(&s, 0);
    s.m[1].vals[1] = bb4_add(s.m[1].vals[1], bb4_one());
    rk_buf proof;
    rk_err e = {0};
    CHECK_EQ_U64(prove_verify(&s, &p, &proof, &e), RK_EFALSE);
    rk_buf_free(&proof);
    setup_free(&s);
}

static void deterministic_across_threads(void)
{
    fri_params p = {2, 5, 4, 1, 1};
    rk_buf a, b;
    rk_err e;
    setup s;
    uint64_t save = rng;
    setup_make(&s, 0);
    omp_set_num_threads(1);
    CHECK_EQ_U64(prove_verify(&s, &p, &a, &e), RK_EFALSE); /* blowup 4 claims need degree < 16 */
    setup_free(&s);
    rng = save;
    setup_make(&s, 0);
    omp_set_num_threads(2);
    CHECK_EQ_U64(prove_verify(&s, &p, &b, &e), RK_EFALSE);
    CHECK_EQ_U64(a.len, b.len);
    if (a.len == b.len)
        CHECK_MEM(a.data, b.data, a.len);
    rk_buf_free(&a);
    rk_buf_free(&b);
    setup_free(&s);
}

/* The proof-of-work check alone: a proof made with no grinding (witness 0) is consistent in
 * every other respect (the transcript after the witness does not depend on pow_bits: the
 * witness is observed and one element sampled either way), so a verifier that asks for 12
 * bits must reject it at the witness and nowhere else; without that check it would pass. */
static void wrong_pow_witness_rejected(void)
{
    fri_params p0 = {1, 6, 0, 0, 1}, p12 = {1, 6, 12, 0, 1};
    setup s;
    setup_make(&s, 0);
    chal c;
    chal_init(&c);
    rk_buf proof;
    rk_buf_init(&proof);
    rk_err e = {0};
    CHECK_EQ_U64(fri_prove_ex(&p0, 1, &c, s.b, 2, &proof, &e), RK_OK);
    fri_batch vb[2] = {s.b[0], s.b[1]};
    vb[0].tree = vb[1].tree = NULL;
    for (int k = 0; k < 2; k++) {
        const fri_params *p = k ? &p12 : &p0;
        chal v;
        chal_init(&v);
        rk_rd rd;
        rk_rd_init(&rd, proof.data, proof.len);
        int rc = fri_verify_ex(p, 1, &v, vb, 2, &rd, &e);
        if (!k) { /* the same bytes are a valid proof at 0 bits */
            CHECK_EQ_U64(rc, RK_OK);
            CHECK(rk_rd_done(&rd));
        } else {
            CHECK_EQ_U64(rc, RK_EFALSE);
            if (rc)
                CHECK_STR_HAS(e.msg, "proof-of-work witness is wrong");
        }
    }
    rk_buf_free(&proof);
    /* an honest 12-bit proof with its witness changed: rejected at the witness (before the
     * queries that the changed transcript no longer matches) */
    chal_init(&c);
    rk_buf_init(&proof);
    CHECK_EQ_U64(fri_prove_ex(&p12, 1, &c, s.b, 2, &proof, &e), RK_OK);
    rk_rd rd;
    chal v;
    chal_init(&v);
    rk_rd_init(&rd, proof.data, proof.len);
    CHECK_EQ_U64(fri_verify_ex(&p12, 1, &v, vb, 2, &rd, &e), RK_OK);
    /* the witness: the u32 after the roots and the final polynomial (every field before it is
     * a multiple of 4 bytes); find it as the first word that differs from the same openings
     * proven at 0 bits, whose witness is 0 */
    chal_init(&c);
    rk_buf p0b;
    rk_buf_init(&p0b);
    CHECK_EQ_U64(fri_prove_ex(&p0, 1, &c, s.b, 2, &p0b, &e), RK_OK);
    size_t at = 0;
    while (at + 4 <= proof.len && at + 4 <= p0b.len && !memcmp(proof.data + at, p0b.data + at, 4))
        at += 4;
    CHECK(at + 4 <= proof.len && rk_le32(p0b.data + at) == 0 && rk_le32(proof.data + at) != 0);
    if (at + 4 <= proof.len) {
        rk_put_le32(proof.data + at, rk_le32(proof.data + at) + 1);
        chal_init(&v);
        rk_rd_init(&rd, proof.data, proof.len);
        CHECK_EQ_U64(fri_verify_ex(&p12, 1, &v, vb, 2, &rd, &e), RK_EFALSE);
        CHECK_STR_HAS(e.msg, "proof-of-work witness is wrong");
    }
    rk_buf_free(&p0b);
    rk_buf_free(&proof);
    setup_free(&s);
}

int main(void)
{
    RUN(low_degree_accepted);
    RUN(high_degree_rejected);
    RUN(wrong_value_rejected);
    RUN(deterministic_across_threads);
    RUN(arity_accepts_and_rejects);
    RUN(wrong_pow_witness_rejected);
    return t_done();
}
