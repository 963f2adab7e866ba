/* test_bn254_curve.c - towers, G1/G2, encodings, pairing: group laws,
 * bilinearity, the exact final exponentiation, and Ethereum's EIP-196/197
 * precompile vectors (t/data/bn254/, source named in its README). */
#include "test.h"
#include "bn254/bn254.h"
#include "common/err.h"

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
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
static void rnd_fq(fq_t *a)
{
    uint64_t v[4] = {rnd64(), rnd64(), rnd64(), rnd64() & 0x0fffffffffffffffULL};
    fq_from_u256(a, v);
}
static void rnd_fq12(fq12_t *a)
{
    fq_t *c = (fq_t *)a;
    for (int i = 0; i < 12; i++)
        rnd_fq(&c[i]);
}

/* (q^12 - 1)/r, 44 little-endian limbs (python3 big integers) */
static const uint64_t FINAL_EXP[44] = {
    0x86964b64ca86f120ULL, 0x40a4efb7e54523a4ULL, 0x837fa97896e84abbULL, 0x361102b6b9b2b918ULL,
    0xc0de81def35692daULL, 0xbe04c7e8a6c3c760ULL, 0xd766f9c9d570bb7fULL, 0xc230974d83561841ULL,
    0x5bba1668c3be69a3ULL, 0x7f3811c410526294ULL, 0x29baee7ddadda71cULL, 0xbf813b8d145da900ULL,
    0x641bbadf423f9a2cULL, 0xa80bb4ea44eacc5eULL, 0xcd65664814fde37cULL, 0x4a0364b9580291d2ULL,
    0xee93dfb10826f0ddULL, 0x6b42db8dc5514724ULL, 0xbb10cf430b0f3785ULL, 0x40494e406f804216ULL,
    0x55cfe107acf3aafbULL, 0x2088ec80e0ebae87ULL, 0x846a3ed011a337a0ULL, 0x48a45a4a1e3a5195ULL,
    0xe5664568dfc50e16ULL, 0xab6a41294c0cc4ebULL, 0x82d0d602d268c7daULL, 0x6668449aed3cc48aULL,
    0x5062cd0fb2015dfcULL, 0x7f2940a8b1ddb3d1ULL, 0x77f5b63a2a226448ULL, 0xfef0781361e443aeULL,
    0xf977870e88d5c6c8ULL, 0x790364a61f676baaULL, 0x5887e72eceaddea3ULL, 0x1377e563a09a1b70ULL,
    0x0c54efee1bd8c3b2ULL, 0x3ec3d15ad524d8f7ULL, 0xdaf15466b2383a5dULL, 0xe1e30a73bb94fec0ULL,
    0x6a1c71015f3f7be2ULL, 0x842d43bf6369b1ffULL, 0x20fddadf107d20bcULL, 0x0000002f4b6dc970ULL,
};

static void test_tower_laws(void)
{
    for (int it = 0; it < 20; it++) {
        fq12_t a, b, c, t, one;
        rnd_fq12(&a);
        rnd_fq12(&b);
        fq12_one(&one);
        fq12_inv(&t, &a);
        fq12_mul(&t, &t, &a);
        CHECK(fq12_is_one(&t));
        fq12_sqr(&t, &a);
        fq12_mul(&c, &a, &a);
        CHECK(fq12_eq(&t, &c));
        /* (ab)^-1 = a^-1 b^-1 */
        fq12_mul(&c, &a, &b);
        fq12_inv(&c, &c);
        fq12_inv(&t, &a);
        fq12_inv(&one, &b);
        fq12_mul(&t, &t, &one);
        CHECK(fq12_eq(&t, &c));
        fq6_t x, y;
        x = a.c0;
        fq6_sqr(&y, &x);
        fq6_mul(&x, &x, &x);
        CHECK(fq6_eq(&x, &y));
        fq2_t s, r2, sq;
        s = a.c0.c0;
        fq2_sqr(&sq, &s);
        CHECK(fq2_sqrt(&r2, &sq) == RK_OK);
        fq2_sqr(&r2, &r2);
        CHECK(fq2_eq(&r2, &sq));
    }
    /* Frobenius = power by q, and applying it 12 times is the identity */
    fq12_t a, f, p, g;
    rnd_fq12(&a);
    fq12_frobenius(&f, &a, 1);
    fq12_pow(&p, &a, BN254_Q, 4);
    CHECK(fq12_eq(&f, &p));
    g = a;
    for (int k = 0; k < 12; k++)
        fq12_frobenius(&g, &g, 1);
    CHECK(fq12_eq(&g, &a));
    fq12_frobenius(&f, &a, 5);
    fq12_frobenius(&p, &a, 2);
    fq12_frobenius(&p, &p, 3);
    CHECK(fq12_eq(&f, &p));
}

#define GROUP_LAWS(G)                                                          \
    static void test_##G##_laws(void)                                          \
    {                                                                          \
        G##_affine ga, a1, a2;                                                 \
        G##_jac g, t1, t2, t3, inf;                                            \
        fr_t a, b, c;                                                          \
        G##_generator(&ga);                                                    \
        CHECK(G##_affine_is_on_curve(&ga));                                    \
        G##_jac_from_affine(&g, &ga);                                          \
        G##_jac_infinity(&inf);                                                \
        /* 2G = G + G, G + O = G, G - G = O */                                 \
        G##_jac_double(&t1, &g);                                               \
        G##_jac_add(&t2, &g, &g);                                              \
        CHECK(G##_jac_eq(&t1, &t2));                                           \
        G##_jac_add_affine(&t3, &g, &ga);                                      \
        CHECK(G##_jac_eq(&t1, &t3));                                           \
        G##_jac_add(&t2, &g, &inf);                                            \
        CHECK(G##_jac_eq(&t2, &g));                                            \
        G##_jac_neg(&t2, &g);                                                  \
        G##_jac_add(&t2, &t2, &g);                                             \
        CHECK(G##_jac_is_infinity(&t2));                                       \
        /* [r]G = O, [r-1]G = -G */                                            \
        G##_jac_mul_u256(&t2, &g, BN254_R);                                    \
        CHECK(G##_jac_is_infinity(&t2));                                       \
        for (int it = 0; it < 5; it++) {                                       \
            rnd_fr(&a);                                                        \
            rnd_fr(&b);                                                        \
            fr_add(&c, &a, &b);                                                \
            G##_jac_mul(&t1, &g, &a);                                          \
            G##_jac_mul(&t2, &g, &b);                                          \
            CHECK(G##_jac_is_on_curve(&t1));                                   \
            G##_jac_add(&t3, &t1, &t2);                                        \
            G##_jac_mul(&t2, &g, &c);                                          \
            CHECK(G##_jac_eq(&t2, &t3));                                       \
            /* mixed add agrees with the full add */                           \
            G##_jac_to_affine(&a1, &t1);                                       \
            CHECK(G##_affine_is_on_curve(&a1));                                \
            G##_jac_add_affine(&t3, &t2, &a1);                                 \
            G##_jac_add(&t2, &t2, &t1);                                        \
            CHECK(G##_jac_eq(&t2, &t3));                                       \
            /* a(bG) = (ab)G */                                                \
            fr_mul(&c, &a, &b);                                                \
            G##_jac_mul(&t1, &g, &b);                                          \
            G##_jac_mul(&t1, &t1, &a);                                         \
            G##_jac_mul(&t2, &g, &c);                                          \
            CHECK(G##_jac_eq(&t1, &t2));                                       \
        }                                                                      \
        /* batch to affine, with an infinity in the middle */                  \
        G##_jac pts[5];                                                        \
        G##_affine aff[5];                                                     \
        pts[0] = g;                                                            \
        G##_jac_double(&pts[1], &g);                                           \
        pts[2] = inf;                                                          \
        G##_jac_add(&pts[3], &pts[1], &g);                                     \
        G##_jac_double(&pts[4], &pts[3]);                                      \
        G##_jac_batch_to_affine(aff, pts, 5);                                  \
        for (int i = 0; i < 5; i++) {                                          \
            G##_jac_to_affine(&a2, &pts[i]);                                   \
            CHECK(G##_affine_eq(&a2, &aff[i]));                                \
        }                                                                      \
        CHECK(aff[2].infinity);                                                \
    }

GROUP_LAWS(g1)
GROUP_LAWS(g2)

static void test_encodings(void)
{
    g1_affine p, p2;
    g2_affine q, q2;
    uint8_t b1[64], b2[128];
    g1_generator(&p);
    g1_to_bytes(b1, &p);
    CHECK(b1[31] == 1 && b1[63] == 2);
    CHECK(g1_from_bytes(&p2, b1) == RK_OK && g1_affine_eq(&p, &p2));
    b1[63] = 3; /* (1, 3) is not on the curve */
    CHECK(g1_from_bytes(&p2, b1) == RK_EINPUT);
    memset(b1, 0, 64);
    CHECK(g1_from_bytes(&p2, b1) == RK_OK && p2.infinity);
    memset(b1, 0xff, 64);
    CHECK(g1_from_bytes(&p2, b1) == RK_EINPUT);
    g2_generator(&q);
    g2_to_bytes(b2, &q);
    /* EIP-197: x.c1 first; the generator's x.c1 starts 0x198e9393 */
    CHECK(b2[0] == 0x19 && b2[1] == 0x8e && b2[2] == 0x93 && b2[3] == 0x93);
    CHECK(g2_from_bytes(&q2, b2) == RK_OK && g2_affine_eq(&q, &q2));
    b2[127] ^= 1;
    CHECK(g2_from_bytes(&q2, b2) == RK_EINPUT);
    memset(b2, 0, 128);
    CHECK(g2_from_bytes(&q2, b2) == RK_OK && q2.infinity);
    /* a point on the twist but outside the order-r subgroup: solve for y at
     * x = 1, 2, ... (the cofactor is large, so the first such point is one) */
    int found = 0;
    for (uint64_t xv = 1; xv < 50 && !found; xv++) {
        g2_affine t;
        fq2_t rhs, b;
        fq2_zero(&t.x);
        fq_from_u64(&t.x.c0, xv);
        t.infinity = 0;
        g2_generator(&q);
        /* b' = y^2 - x^3 at the generator */
        fq2_sqr(&b, &q.y);
        fq2_sqr(&rhs, &q.x);
        fq2_mul(&rhs, &rhs, &q.x);
        fq2_sub(&b, &b, &rhs);
        fq2_sqr(&rhs, &t.x);
        fq2_mul(&rhs, &rhs, &t.x);
        fq2_add(&rhs, &rhs, &b);
        if (fq2_sqrt(&t.y, &rhs) != RK_OK)
            continue;
        found = 1;
        CHECK(g2_affine_is_on_curve(&t));
        CHECK(!g2_affine_in_subgroup(&t));
        g2_to_bytes(b2, &t);
        CHECK(g2_from_bytes(&q2, b2) == RK_EINPUT);
    }
    CHECK(found);
}

static void test_final_exp_is_exact(void)
{
    /* the addition-chain hard part equals the plain power (q^12-1)/r */
    g1_affine p;
    g2_affine q;
    fq12_t f, a, b;
    g1_generator(&p);
    g2_generator(&q);
    bn254_miller_loop(&f, &p, &q);
    bn254_final_exp(&a, &f);
    fq12_pow(&b, &f, FINAL_EXP, 44);
    CHECK(fq12_eq(&a, &b));
    rnd_fq12(&f);
    bn254_final_exp(&a, &f);
    fq12_pow(&b, &f, FINAL_EXP, 44);
    CHECK(fq12_eq(&a, &b));
}

static void test_bilinearity(void)
{
    g1_affine p, ap;
    g2_affine q, bq;
    g1_jac pj;
    g2_jac qj;
    fr_t a, b, ab;
    fq12_t e, e2, t;
    g1_generator(&p);
    g2_generator(&q);
    bn254_pairing(&e, &p, &q);
    CHECK(!fq12_is_one(&e));
    /* e^r = 1 */
    fq12_pow(&t, &e, BN254_R, 4);
    CHECK(fq12_is_one(&t));
    for (int it = 0; it < 2; it++) {
        rnd_fr(&a);
        rnd_fr(&b);
        fr_mul(&ab, &a, &b);
        g1_jac_from_affine(&pj, &p);
        g1_jac_mul(&pj, &pj, &a);
        g1_jac_to_affine(&ap, &pj);
        g2_jac_from_affine(&qj, &q);
        g2_jac_mul(&qj, &qj, &b);
        g2_jac_to_affine(&bq, &qj);
        bn254_pairing(&e2, &ap, &bq);
        uint64_t k[4];
        fr_to_u256(k, &ab);
        fq12_pow(&t, &e, k, 4);
        CHECK(fq12_eq(&e2, &t));
    }
    /* pairing_check: e(aP, Q) e(-P, aQ) = 1, and not with a wrong scalar */
    g1_affine ps[2];
    g2_affine qs[2];
    g1_jac_from_affine(&pj, &p);
    g1_jac_mul(&pj, &pj, &a);
    g1_jac_to_affine(&ps[0], &pj);
    qs[0] = q;
    g1_affine_neg(&ps[1], &p);
    g2_jac_from_affine(&qj, &q);
    g2_jac_mul(&qj, &qj, &a);
    g2_jac_to_affine(&qs[1], &qj);
    CHECK(bn254_pairing_check(ps, qs, 2));
    g2_jac_mul(&qj, &qj, &b);
    g2_jac_to_affine(&qs[1], &qj);
    CHECK(!bn254_pairing_check(ps, qs, 2));
    CHECK(bn254_pairing_check(ps, qs, 0));
    /* infinity pairs to 1 */
    g1_affine_infinity(&ps[0]);
    bn254_pairing(&t, &ps[0], &q);
    CHECK(fq12_is_one(&t));
}

/* ---- EIP-196/197 vectors: name input expected, hex */

static int unhex(uint8_t *out, size_t cap, const char *hex, size_t *n)
{
    size_t len = strcmp(hex, "-") == 0 ? 0 : strlen(hex);
    if (len % 2 || len / 2 > cap)
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    *n = len / 2;
    return 0;
}

static FILE *open_vec(const char *name)
{
    char path[512];
    const char *top = getenv("RAIKO_TOP");
    snprintf(path, sizeof path, "%s/t/data/bn254/%s", top ? top : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        printf("# cannot open %s\n", path);
    return f;
}

enum { VEC_MAX = 4096 };
static char line_in[2 * VEC_MAX + 64], line_exp[2 * VEC_MAX + 64], line_name[128];
static uint8_t vin[VEC_MAX], vexp[VEC_MAX];

/* ecAdd / ecMul semantics: input right-padded with zeros to 128 / 96 bytes */
static void test_eip196_add(void)
{
    FILE *f = open_vec("eip196_add.txt");
    CHECK(f != NULL);
    if (!f)
        return;
    int count = 0;
    while (fscanf(f, "%127s %8255s %8255s", line_name, line_in, line_exp) == 3) {
        size_t n, ne;
        memset(vin, 0, 256);
        CHECK(unhex(vin, VEC_MAX, line_in, &n) == 0);
        CHECK(unhex(vexp, VEC_MAX, line_exp, &ne) == 0 && ne == 64);
        g1_affine a, b, c;
        g1_jac j;
        uint8_t out[64];
        CHECK(g1_from_bytes(&a, vin) == RK_OK);
        CHECK(g1_from_bytes(&b, vin + 64) == RK_OK);
        g1_jac_from_affine(&j, &a);
        g1_jac_add_affine(&j, &j, &b);
        g1_jac_to_affine(&c, &j);
        g1_to_bytes(out, &c);
        if (memcmp(out, vexp, 64) != 0) {
            printf("# ecAdd %s differs\n", line_name);
            t_case_failed = 1;
        }
        count++;
    }
    fclose(f);
    CHECK(count == 16);
}

static void test_eip196_mul(void)
{
    FILE *f = open_vec("eip196_scalarmul.txt");
    CHECK(f != NULL);
    if (!f)
        return;
    int count = 0;
    while (fscanf(f, "%127s %8255s %8255s", line_name, line_in, line_exp) == 3) {
        size_t n, ne;
        memset(vin, 0, 256);
        CHECK(unhex(vin, VEC_MAX, line_in, &n) == 0);
        CHECK(unhex(vexp, VEC_MAX, line_exp, &ne) == 0 && ne == 64);
        g1_affine a, c;
        g1_jac j;
        uint8_t out[64];
        uint64_t k[4];
        CHECK(g1_from_bytes(&a, vin) == RK_OK);
        /* the scalar is a full 256-bit big-endian integer, not reduced mod r */
        for (int i = 0; i < 4; i++) {
            k[i] = 0;
            for (int b = 0; b < 8; b++)
                k[i] = (k[i] << 8) | vin[64 + (3 - i) * 8 + b];
        }
        g1_jac_from_affine(&j, &a);
        g1_jac_mul_u256(&j, &j, k);
        g1_jac_to_affine(&c, &j);
        g1_to_bytes(out, &c);
        if (memcmp(out, vexp, 64) != 0) {
            printf("# ecMul %s differs\n", line_name);
            t_case_failed = 1;
        }
        count++;
    }
    fclose(f);
    CHECK(count == 19);
}

static void test_eip197_pairing(void)
{
    FILE *f = open_vec("eip196_pairing.txt");
    CHECK(f != NULL);
    if (!f)
        return;
    int count = 0;
    while (fscanf(f, "%127s %8255s %8255s", line_name, line_in, line_exp) == 3) {
        size_t n, ne;
        CHECK(unhex(vin, VEC_MAX, line_in, &n) == 0 && n % 192 == 0);
        CHECK(unhex(vexp, VEC_MAX, line_exp, &ne) == 0 && ne == 32);
        size_t k = n / 192;
        g1_affine ps[16];
        g2_affine qs[16];
        CHECK(k <= 16);
        for (size_t i = 0; i < k && i < 16; i++) {
            CHECK(g1_from_bytes(&ps[i], vin + 192 * i) == RK_OK);
            CHECK(g2_from_bytes(&qs[i], vin + 192 * i + 64) == RK_OK);
        }
        int want = vexp[31];
        if (bn254_pairing_check(ps, qs, k) != want) {
            printf("# ecPairing %s differs\n", line_name);
            t_case_failed = 1;
        }
        count++;
    }
    fclose(f);
    CHECK(count == 14);
}

/* pairing and EIP vectors again on the portable field product */
static void test_portable_path(void)
{
    g1_affine p;
    g2_affine q;
    fq12_t e1, e2;
    g1_generator(&p);
    g2_generator(&q);
    bn254_use_asm(1);
    bn254_pairing(&e1, &p, &q);
    bn254_use_asm(0);
    bn254_pairing(&e2, &p, &q);
    CHECK_MEM(&e1, &e2, sizeof e1);
    test_eip197_pairing();
    bn254_use_asm(1);
}

int main(void)
{
    RUN(test_tower_laws);
    RUN(test_g1_laws);
    RUN(test_g2_laws);
    RUN(test_encodings);
    RUN(test_final_exp_is_exact);
    RUN(test_bilinearity);
    RUN(test_eip196_add);
    RUN(test_eip196_mul);
    RUN(test_eip197_pairing);
    RUN(test_portable_path);
    return t_done();
}
