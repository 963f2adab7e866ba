/* test_gadgets.c - every gadget: a satisfying witness passes the R1CS check,
 * a wrong one fails it; results agree with native arithmetic (lib/field for
 * BabyBear, the published Poseidon2 BN254 known-answer vector); constraint
 * counts are printed (docs/groth16.md quotes them). */
#include <stdlib.h>

#include "field/field.h"
#include "gadgets/gadgets.h"
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int satisfied(const r1cs *cs)
{
    rk_err e;
    return r1cs_check(cs, &e) == RK_OK;
}

/* flip one witness value and check the system notices */
static int breaks_when_changed(r1cs *cs, uint32_t var)
{
    fr_t old = cs->w[var], one;
    fr_one(&one);
    fr_add(&cs->w[var], &cs->w[var], &one);
    int broken = !satisfied(cs);
    cs->w[var] = old;
    return broken;
}

static void test_bits(void)
{
    r1cs cs;
    r1cs_init(&cs);
    fr_t v;
    fr_from_u64(&v, 0x5a5a5a5a5ULL);
    uint32_t x = r1cs_private(&cs, &v);
    r1cs_lc lx;
    r1cs_lc_var(&lx, x);
    uint32_t n0 = cs.n_constraints;
    uint32_t b = gd_bits(&cs, &lx, 40);
    CHECK_EQ_U64(cs.n_constraints - n0, 41);
    CHECK(satisfied(&cs));
    CHECK(breaks_when_changed(&cs, b + 3)); /* a bit set to 2 */
    r1cs_free(&cs);
    /* a value that does not fit */
    r1cs_init(&cs);
    fr_from_u64(&v, 1ULL << 31);
    x = r1cs_private(&cs, &v);
    r1cs_lc_var(&lx, x);
    gd_bits(&cs, &lx, 31);
    CHECK(!satisfied(&cs));
    r1cs_free(&cs);
    /* wide decompositions stay consecutive and correct */
    r1cs_init(&cs);
    fr_from_u64(&v, 3);
    fr_t big;
    fr_from_u64(&big, 1ULL << 63);
    fr_mul(&v, &v, &big);
    fr_mul(&v, &v, &big); /* 3 * 2^126 */
    x = r1cs_private(&cs, &v);
    r1cs_lc_var(&lx, x);
    b = gd_bits(&cs, &lx, 200);
    CHECK(satisfied(&cs));
    CHECK(fr_is_one(r1cs_value(&cs, b + 126)) && fr_is_one(r1cs_value(&cs, b + 127)));
    r1cs_free(&cs);
}

static void test_bb_canonical(void)
{
    static const uint32_t ok[] = {0, 1, GD_BB_P - 1, 0x77ffffff, 0x78000000, 0x07ffffff};
    static const uint32_t bad[] = {GD_BB_P, GD_BB_P + 1, 0x7fffffff, 0x78000002};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        r1cs cs;
        r1cs_init(&cs);
        fr_t v;
        fr_from_u64(&v, ok[i]);
        gd_bb_assert_canonical(&cs, r1cs_private(&cs, &v));
        CHECK(satisfied(&cs));
        r1cs_free(&cs);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r1cs cs;
        r1cs_init(&cs);
        fr_t v;
        fr_from_u64(&v, bad[i]);
        gd_bb_assert_canonical(&cs, r1cs_private(&cs, &v));
        CHECK(!satisfied(&cs));
        r1cs_free(&cs);
    }
}

static void test_bb_ops(void)
{
    unsigned n_add = 0, n_mul = 0, n_alloc = 0;
    for (int it = 0; it < 50; it++) {
        uint32_t x = rnd32() % GD_BB_P, y = rnd32() % GD_BB_P;
        if (it == 0)
            x = y = GD_BB_P - 1;
        r1cs cs;
        r1cs_init(&cs);
        uint32_t c0 = cs.n_constraints;
        gd_bb a = gd_bb_alloc(&cs, x), b = gd_bb_alloc(&cs, y);
        n_alloc = (cs.n_constraints - c0) / 2;
        c0 = cs.n_constraints;
        gd_bb s = gd_bb_add(&cs, a, b);
        n_add = cs.n_constraints - c0;
        gd_bb d = gd_bb_sub(&cs, a, b);
        c0 = cs.n_constraints;
        gd_bb m = gd_bb_mul(&cs, a, b);
        n_mul = cs.n_constraints - c0;
        bb_t fx = bb_from_u32(x), fy = bb_from_u32(y);
        CHECK_EQ_U64(gd_bb_value(&cs, s), bb_to_u32(bb_add(fx, fy)));
        CHECK_EQ_U64(gd_bb_value(&cs, d), bb_to_u32(bb_sub(fx, fy)));
        CHECK_EQ_U64(gd_bb_value(&cs, m), bb_to_u32(bb_mul(fx, fy)));
        CHECK(satisfied(&cs));
        CHECK(breaks_when_changed(&cs, s.var));
        CHECK(breaks_when_changed(&cs, d.var));
        CHECK(breaks_when_changed(&cs, m.var));
        /* the other representative c + p (quotient one less) is rejected by the range check */
        if (it < 5) {
            fr_t p, one;
            fr_from_u64(&p, GD_BB_P);
            fr_one(&one);
            fr_t oc = cs.w[m.var], oq = cs.w[m.var - 1];
            fr_add(&cs.w[m.var], &cs.w[m.var], &p);
            fr_sub(&cs.w[m.var - 1], &cs.w[m.var - 1], &one);
            CHECK(!satisfied(&cs));
            cs.w[m.var] = oc;
            cs.w[m.var - 1] = oq;
            CHECK(satisfied(&cs));
        }
        r1cs_free(&cs);
    }
    printf("# constraints: BabyBear alloc+range %u, add %u, mul %u\n", n_alloc, n_add, n_mul);
}

static void test_bb4_mul(void)
{
    unsigned n_mul = 0;
    for (int it = 0; it < 20; it++) {
        uint32_t x[4], y[4];
        bb4_t fx, fy;
        for (int i = 0; i < 4; i++) {
            x[i] = it == 0 ? GD_BB_P - 1 : rnd32() % GD_BB_P;
            y[i] = it == 0 ? GD_BB_P - 1 : rnd32() % GD_BB_P;
            fx.c[i] = bb_from_u32(x[i]);
            fy.c[i] = bb_from_u32(y[i]);
        }
        r1cs cs;
        r1cs_init(&cs);
        gd_bb4 a = gd_bb4_alloc(&cs, x), b = gd_bb4_alloc(&cs, y);
        uint32_t c0 = cs.n_constraints;
        gd_bb4 m = gd_bb4_mul(&cs, a, b);
        n_mul = cs.n_constraints - c0;
        gd_bb4 s = gd_bb4_add(&cs, a, b);
        bb4_t want = bb4_mul(fx, fy), wsum = bb4_add(fx, fy);
        for (int i = 0; i < 4; i++) {
            CHECK_EQ_U64(gd_bb_value(&cs, m.c[i]), bb_to_u32(want.c[i]));
            CHECK_EQ_U64(gd_bb_value(&cs, s.c[i]), bb_to_u32(wsum.c[i]));
        }
        CHECK(satisfied(&cs));
        CHECK(breaks_when_changed(&cs, m.c[it % 4].var));
        r1cs_free(&cs);
    }
    printf("# constraints: BabyBear^4 mul %u\n", n_mul);
}

static void hex_fr(fr_t *a, const char *hex)
{
    uint8_t be[32];
    for (int k = 0; k < 32; k++) {
        unsigned v;
        sscanf(hex + 2 * k, "%2x", &v);
        be[k] = (uint8_t)v;
    }
    CHECK(fr_from_bytes_be(a, be) == RK_OK);
}

static void test_poseidon2_kat(void)
{
    /* HorizenLabs/poseidon2, plain_implementations/src/poseidon2/poseidon2.rs,
     * test kats() for POSEIDON2_BN256_PARAMS: permutation([0, 1, 2]) */
    fr_t want[3];
    hex_fr(&want[0], "0bb61d24daca55eebcb1929a82650f328134334da98ea4f847f760054f4a3033");
    hex_fr(&want[1], "303b6f7c86d043bfcbcc80214f26a30277a15d3f74ca654992defe7ff8d03570");
    hex_fr(&want[2], "1ed25194542b12eef8617361c3ba7c52e660b145994427cc86296242cf766ec8");
    fr_t s[3];
    for (int i = 0; i < 3; i++)
        fr_from_u64(&s[i], (uint64_t)i);
    gd_p2bn_permute_native(s);
    for (int i = 0; i < 3; i++)
        CHECK(fr_eq(&s[i], &want[i]));
    /* the circuit computes the same, and is satisfied only by it */
    r1cs cs;
    r1cs_init(&cs);
    r1cs_lc st[3];
    uint32_t in[3];
    for (int i = 0; i < 3; i++) {
        fr_t v;
        fr_from_u64(&v, (uint64_t)i);
        in[i] = r1cs_private(&cs, &v);
        r1cs_lc_var(&st[i], in[i]);
    }
    uint32_t c0 = cs.n_constraints;
    gd_p2bn_permute(&cs, st);
    unsigned n_perm = cs.n_constraints - c0;
    for (int i = 0; i < 3; i++) {
        fr_t v;
        r1cs_lc_eval(&cs, &st[i], &v);
        CHECK(fr_eq(&v, &want[i]));
    }
    CHECK(satisfied(&cs));
    CHECK(breaks_when_changed(&cs, in[2] + 40));
    CHECK(breaks_when_changed(&cs, cs.n_vars - 1));
    /* outputs pinned to the KAT, with a wrong input: unsatisfiable */
    for (int i = 0; i < 3; i++) {
        r1cs_lc k;
        r1cs_lc_const(&k, &want[i]);
        r1cs_enforce_equal(&cs, &st[i], &k);
    }
    CHECK(satisfied(&cs));
    CHECK(breaks_when_changed(&cs, in[1]));
    r1cs_free(&cs);
    printf("# constraints: Poseidon2 BN254 t=3 permutation %u\n", n_perm);
}

static void test_merkle(void)
{
    enum { DEPTH = 4 };
    fr_t leaf, sib[DEPTH], root;
    fr_from_u64(&leaf, 1234);
    for (int i = 0; i < DEPTH; i++)
        fr_from_u64(&sib[i], 1000 + (uint64_t)i * 77);
    uint64_t index = 0xb; /* 1011: right, right, left, right */
    gd_merkle_root_native(&root, &leaf, index, sib, DEPTH);
    /* native consistency: level 0 with bit 1 puts the leaf on the right */
    fr_t lvl;
    gd_p2bn_compress_native(&lvl, &sib[0], &leaf);
    fr_t r2;
    gd_merkle_root_native(&r2, &lvl, index >> 1, sib + 1, DEPTH - 1);
    CHECK(fr_eq(&r2, &root));

    for (int variant = 0; variant < 3; variant++) {
        r1cs cs;
        r1cs_init(&cs);
        fr_t idx;
        fr_from_u64(&idx, variant == 2 ? index ^ 4 : index); /* variant 2: wrong index */
        uint32_t vroot = r1cs_public(&cs, &root);
        uint32_t vleaf = r1cs_private(&cs, &leaf);
        uint32_t vidx = r1cs_private(&cs, &idx);
        uint32_t vs[DEPTH];
        for (int i = 0; i < DEPTH; i++) {
            fr_t s = sib[i];
            if (variant == 1 && i == 2) { /* wrong sibling */
                fr_t one;
                fr_one(&one);
                fr_add(&s, &s, &one);
            }
            vs[i] = r1cs_private(&cs, &s);
        }
        r1cs_lc lleaf, lidx, lroot;
        r1cs_lc_var(&lleaf, vleaf);
        r1cs_lc_var(&lidx, vidx);
        r1cs_lc_var(&lroot, vroot);
        uint32_t c0 = cs.n_constraints;
        gd_merkle_verify(&cs, &lleaf, &lidx, vs, DEPTH, &lroot);
        if (variant == 0) {
            CHECK(satisfied(&cs));
            CHECK(breaks_when_changed(&cs, vleaf));
            printf("# constraints: Merkle path depth %d %u (%u per level)\n", DEPTH, cs.n_constraints - c0,
                   (cs.n_constraints - c0) / DEPTH);
        } else {
            CHECK(!satisfied(&cs));
        }
        r1cs_free(&cs);
    }
}

int main(void)
{
    RUN(test_bits);
    RUN(test_bb_canonical);
    RUN(test_bb_ops);
    RUN(test_bb4_mul);
    RUN(test_poseidon2_kat);
    RUN(test_merkle);
    return t_done();
}
