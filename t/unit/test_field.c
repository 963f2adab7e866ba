/* test_field.c - BabyBear field and quartic extension: published facts (Plonky3 baby_bear.rs,
 * copied from shared/ref/babybear_field.txt), the extension KATs (shared/ref/
 * poseidon2_test_vectors.txt, "Extension field"), and algebraic properties on random inputs. */
#include "test.h"

#include "field/field.h"

#define P 2013265921ull

static uint64_t rng_state = 0x1234567887654321ull;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint32_t rnd_canon(void) { return (uint32_t)(rng_next() % P); }
static bb_t rnd_bb(void) { return bb_from_u32(rnd_canon()); }
static bb4_t rnd_bb4(void)
{
    bb4_t a;
    for (int i = 0; i < 4; i++) a.c[i] = rnd_bb();
    return a;
}
static bb4_t bb4_canon(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3)
{
    bb4_t a = {{bb_from_u32(c0), bb_from_u32(c1), bb_from_u32(c2), bb_from_u32(c3)}};
    return a;
}
static void check_bb4_canon(bb4_t a, const uint32_t want[4])
{
    for (int i = 0; i < 4; i++) CHECK_EQ_U64(bb_to_u32(a.c[i]), want[i]);
}

static void test_montgomery_constants(void)
{
    CHECK_EQ_U64(BB_P, 2013265921u);
    CHECK_EQ_U64((uint32_t)(BB_MONTY_MU * BB_P), 1u); /* MU = p^-1 mod 2^32 */
    CHECK_EQ_U64(bb_one(), 268435454u);               /* R mod p */
    CHECK_EQ_U64(BB_R2, 1172168163u);                 /* R^2 mod p */
    CHECK_EQ_U64(bb_from_u32(1), 268435454u);
    CHECK_EQ_U64(bb_to_u32(1), 943718400u);           /* the stored word 1 is R^-1 */
    CHECK_EQ_U64(bb_zero(), 0);
    CHECK_EQ_U64(bb_to_u32(bb_one()), 1);
}

static void test_conversion(void)
{
    /* any u32 is reduced mod p */
    uint32_t xs[] = {0, 1, 2, 31, BB_P - 1, BB_P, BB_P + 1, 0xffffffffu, 0x80000000u, 0x7fffffffu};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        bb_t a = bb_from_u32(xs[i]);
        CHECK(a < BB_P);
        CHECK_EQ_U64(bb_to_u32(a), xs[i] % P);
    }
    CHECK(bb_is_canonical(BB_P - 1));
    CHECK(!bb_is_canonical(BB_P));
    CHECK(!bb_is_canonical(0xffffffffu));
    for (int i = 0; i < 10000; i++) {
        uint32_t x = (uint32_t)rng_next();
        CHECK_EQ_U64(bb_to_u32(bb_from_u32(x)), x % P);
    }
}

/* add/sub/mul against plain modular arithmetic on canonical values, including edge values */
static void test_arith_vs_naive(void)
{
    uint32_t edge[] = {0, 1, 2, BB_P - 1, BB_P - 2, BB_P / 2, BB_P / 2 + 1, 1u << 30, 1u << 27};
    size_t ne = sizeof edge / sizeof edge[0];
    int bad = 0;
    for (int it = 0; it < 200000; it++) {
        uint64_t x = it < (int)(ne * ne) ? edge[it / ne] : rnd_canon();
        uint64_t y = it < (int)(ne * ne) ? edge[it % ne] : rnd_canon();
        bb_t a = bb_from_u32((uint32_t)x), b = bb_from_u32((uint32_t)y);
        bad |= bb_to_u32(bb_add(a, b)) != (x + y) % P;
        bad |= bb_to_u32(bb_sub(a, b)) != (x + P - y) % P;
        bad |= bb_to_u32(bb_mul(a, b)) != (x * y) % P;
        bad |= bb_to_u32(bb_sqr(a)) != (x * x) % P;
        bad |= bb_to_u32(bb_neg(a)) != (P - x) % P;
        bad |= bb_to_u32(bb_double(a)) != (2 * x) % P;
        bad |= bb_mul(a, b) >= BB_P || bb_add(a, b) >= BB_P || bb_sub(a, b) >= BB_P;
    }
    CHECK(!bad);
}

static void test_pow_inv(void)
{
    CHECK_EQ_U64(bb_inv(0), 0);
    CHECK_EQ_U64(bb_to_u32(bb_inv(bb_from_u32(2))), (P + 1) / 2);
    CHECK_EQ_U64(bb_to_u32(bb_inv(bb_from_u32(1u << 27))), 2013265906u); /* 1/2^27 (V16 table) */
    CHECK_EQ_U64(bb_pow(bb_from_u32(5), 0), bb_one());
    CHECK_EQ_U64(bb_to_u32(bb_pow(bb_from_u32(3), 5)), 243);
    for (int i = 0; i < 200; i++) {
        bb_t a = rnd_bb();
        if (a == 0) continue;
        CHECK_EQ_U64(bb_mul(a, bb_inv(a)), bb_one());
        CHECK_EQ_U64(bb_pow(a, BB_P - 1), bb_one()); /* Fermat */
        /* S-box inverse: (x^7)^1725656503 = x  (7 * 1725656503 = 1 mod p-1) */
        CHECK_EQ_U64(bb_pow(bb_pow(a, 7), 1725656503u), a);
    }
}

static void test_batch_inv(void)
{
    enum { N = 2500 }; /* more than two internal chunks */
    static bb_t in[N], out[N], inplace[N];
    for (int i = 0; i < N; i++) in[i] = (i % 97 == 5 || i == 0 || i == N - 1) ? 0 : rnd_bb();
    bb_batch_inv(out, in, N);
    memcpy(inplace, in, sizeof in);
    bb_batch_inv(inplace, inplace, N);
    for (int i = 0; i < N; i++) {
        CHECK_EQ_U64(out[i], bb_inv(in[i]));
        if (out[i] != bb_inv(in[i])) break;
    }
    CHECK_MEM(out, inplace, sizeof out);
    bb_batch_inv(out, in, 0); /* no-op */
    bb_batch_inv(out, in, 1);
    CHECK_EQ_U64(out[0], 0);
}

static void test_generators(void)
{
    /* Plonky3 TWO_ADIC_GENERATORS (canonical, verbatim from baby_bear.rs) */
    static const uint32_t table[28] = {
        0x00000001, 0x78000000, 0x67055c21, 0x5ee99486, 0x0bb4c4e4, 0x2d4cc4da, 0x669d6090,
        0x17b56c64, 0x67456167, 0x688442f9, 0x145e952d, 0x4fe61226, 0x4c734715, 0x11c33e2a,
        0x62c3d2b1, 0x77cad399, 0x54c131f4, 0x4cabd6a6, 0x5cf5713f, 0x3e9430e8, 0x0ba067a3,
        0x18adc27d, 0x21fd55bc, 0x4b859b3d, 0x3bd57996, 0x4483d85a, 0x3a26eef8, 0x1a427a41};
    CHECK_EQ_U64(bb_to_u32(bb_generator()), 31);
    CHECK_EQ_U64(bb_to_u32(bb_pow(bb_generator(), 15)), 0x1a427a41u);
    /* 31 generates F_p^*: its (p-1)/q-th powers are not 1 for q = 2, 3, 5 */
    CHECK(bb_pow(bb_generator(), (P - 1) / 2) != bb_one());
    CHECK(bb_pow(bb_generator(), (P - 1) / 3) != bb_one());
    CHECK(bb_pow(bb_generator(), (P - 1) / 5) != bb_one());
    for (unsigned bits = 0; bits <= 27; bits++) {
        bb_t g = bb_two_adic_generator(bits);
        CHECK_EQ_U64(bb_to_u32(g), table[bits]);
        /* order exactly 2^bits */
        CHECK_EQ_U64(bb_pow(g, 1ull << bits), bb_one());
        if (bits > 0) CHECK_EQ_U64(bb_pow(g, 1ull << (bits - 1)), bb_neg(bb_one()));
    }
}

static void test_ext_kat(void)
{
    /* a = [1,2,3,4], b = [5,6,7,8]; Plonky3 (X^4 = 11) */
    bb4_t a = bb4_canon(1, 2, 3, 4), b = bb4_canon(5, 6, 7, 8);
    static const uint32_t ab[4] = {676, 588, 386, 60};
    static const uint32_t ainv[4] = {1587469345, 920666518, 1160282443, 647153706};
    check_bb4_canon(bb4_mul(a, b), ab);
    check_bb4_canon(bb4_mul(b, a), ab);
    check_bb4_canon(bb4_inv(a), ainv);
    CHECK(bb4_eq(bb4_mul(a, bb4_inv(a)), bb4_one()));
    /* X^4 = 11 */
    bb4_t x = bb4_canon(0, 1, 0, 0);
    static const uint32_t eleven[4] = {11, 0, 0, 0};
    check_bb4_canon(bb4_pow(x, 4), eleven);
    check_bb4_canon(bb4_mul(bb4_sqr(x), bb4_sqr(x)), eleven);
    /* TWO_ADIC_EXTENSION_GENERATORS: [0,0,0,124907976] has order 2^29, [0,0,1996171314,0] 2^28 */
    bb4_t g29 = bb4_canon(0, 0, 0, 124907976), g28 = bb4_canon(0, 0, 1996171314, 0);
    bb4_t m1 = bb4_neg(bb4_one());
    CHECK(bb4_eq(bb4_pow(g29, 1ull << 28), m1));
    CHECK(bb4_eq(bb4_pow(g28, 1ull << 27), m1));
    /* DTH_ROOT 1728404513 = 31^((p-1)/4) is the 4th root of unity used by Frobenius:
     * Frob(X) = X^p = DTH_ROOT * X */
    CHECK_EQ_U64(bb_to_u32(bb_pow(bb_generator(), (P - 1) / 4)), 1728404513u);
    static const uint32_t frobx[4] = {0, 1728404513u, 0, 0};
    check_bb4_canon(bb4_pow(x, P), frobx);
}

/* schoolbook with full reduction, for comparison */
static bb4_t bb4_mul_naive(bb4_t a, bb4_t b)
{
    uint64_t t[7] = {0};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            t[i + j] = (t[i + j] + (uint64_t)bb_to_u32(a.c[i]) * bb_to_u32(b.c[j])) % P;
    bb4_t r;
    for (int k = 0; k < 4; k++)
        r.c[k] = bb_from_u32((uint32_t)((t[k] + (k + 4 < 7 ? 11 * t[k + 4] : 0)) % P));
    return r;
}

static void test_ext_properties(void)
{
    bb4_t maxv = bb4_canon(BB_P - 1, BB_P - 1, BB_P - 1, BB_P - 1);
    CHECK(bb4_eq(bb4_mul(maxv, maxv), bb4_mul_naive(maxv, maxv)));
    for (int it = 0; it < 2000; it++) {
        bb4_t a = rnd_bb4(), b = rnd_bb4(), c = rnd_bb4();
        CHECK(bb4_eq(bb4_mul(a, b), bb4_mul_naive(a, b)));
        CHECK(bb4_eq(bb4_mul(a, bb4_add(b, c)), bb4_add(bb4_mul(a, b), bb4_mul(a, c))));
        CHECK(bb4_eq(bb4_sub(bb4_add(a, b), b), a));
        CHECK(bb4_eq(bb4_add(a, bb4_neg(a)), bb4_zero()));
        CHECK(bb4_eq(bb4_mul(a, bb4_inv(a)), bb4_one()));
        CHECK(bb4_eq(bb4_sqr(a), bb4_mul(a, a)));
        bb_t s = rnd_bb();
        CHECK(bb4_eq(bb4_mul_base(a, s), bb4_mul(a, bb4_from_base(s))));
        if (t_case_failed) break;
    }
    CHECK(bb4_eq(bb4_inv(bb4_zero()), bb4_zero()));
    bb4_t a = rnd_bb4();
    CHECK(bb4_eq(bb4_pow(a, 5), bb4_mul(bb4_sqr(bb4_sqr(a)), a)));
    CHECK(bb4_eq(bb4_pow(a, 0), bb4_one()));
}

static void test_ext_batch_inv(void)
{
    enum { N = 700 }; /* more than two internal chunks */
    static bb4_t in[N], out[N], inplace[N];
    for (int i = 0; i < N; i++) in[i] = (i % 50 == 3) ? bb4_zero() : rnd_bb4();
    in[7] = bb4_canon(0, 0, 5, 0); /* nonzero with a zero constant term */
    bb4_batch_inv(out, in, N);
    memcpy(inplace, in, sizeof in);
    bb4_batch_inv(inplace, inplace, N);
    int bad = 0;
    for (int i = 0; i < N; i++) bad |= !bb4_eq(out[i], bb4_inv(in[i]));
    CHECK(!bad);
    CHECK_MEM(out, inplace, sizeof out);
}

/* RAIKO_NO_AVX2=1 turns the vector paths off (read once, at the first query); the hook turns them
 * back on only if the CPU has AVX2.  Must run before anything else asks bb_simd_avx2(). */
static void test_simd_switch(void)
{
    setenv("RAIKO_NO_AVX2", "1", 1);
    CHECK_EQ_U64(bb_simd_avx2(), 0);
    unsetenv("RAIKO_NO_AVX2");
    CHECK_EQ_U64(bb_simd_avx2(), 0); /* decided once */
    bb_simd_set_avx2(1);
#if defined(__x86_64__)
    CHECK_EQ_U64(bb_simd_avx2(), __builtin_cpu_supports("avx2") != 0);
#else
    CHECK_EQ_U64(bb_simd_avx2(), 0);
#endif
    bb_simd_set_avx2(0);
    CHECK_EQ_U64(bb_simd_avx2(), 0);
    bb_simd_set_avx2(1);
}

/* RAIKO_NO_AVX512 rules AVX-512 out but keeps AVX2; AVX2 off turns AVX-512 off too */
static void test_simd512_switch(void)
{
    setenv("RAIKO_NO_AVX512", "1", 1);
    CHECK_EQ_U64(bb_simd_avx512(), 0);
    unsetenv("RAIKO_NO_AVX512");
    CHECK_EQ_U64(bb_simd_avx512(), 0); /* decided once */
    bb_simd_set_avx512(1);
#if defined(__x86_64__)
    int has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    CHECK_EQ_U64(bb_simd_avx512(), has && bb_simd_avx2());
#else
    CHECK_EQ_U64(bb_simd_avx512(), 0);
#endif
    bb_simd_set_avx2(0);
    CHECK_EQ_U64(bb_simd_avx512(), 0);
    bb_simd_set_avx2(1);
}

#if defined(__x86_64__)
/* the 16-lane ops against the scalar ones, edge values included */
static BB_AVX512 void lanes16(const bb_t *a, const bb_t *b, bb_t out[5][16])
{
    __m512i x = bb16_load(a), y = bb16_load(b);
    bb16_store(out[0], bb16_add(x, y));
    bb16_store(out[1], bb16_sub(x, y));
    bb16_store(out[2], bb16_mul(x, y));
    bb16_store(out[3], bb16_neg(x));
    bb16_store(out[4], bb16_sqr(y));
}
static void test_avx512_lanes(void)
{
    if (!bb_simd_avx512()) {
        printf("# no AVX-512 here: skipped\n");
        return;
    }
    uint64_t st = 0x9e3779b97f4a7c15ull;
    for (int it = 0; it < 2000; it++) {
        bb_t a[16], b[16], out[5][16];
        for (int i = 0; i < 16; i++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = bb_from_u32((uint32_t)(st >> 33));
            b[i] = bb_from_u32((uint32_t)(st >> 7));
        }
        if (it == 0)
            for (int i = 0; i < 16; i++) {
                a[i] = i & 1 ? bb_zero() : bb_from_u32(BB_P - 1);
                b[i] = i & 2 ? bb_from_u32(BB_P - 1) : bb_one();
            }
        lanes16(a, b, out);
        int bad = 0;
        for (int i = 0; i < 16; i++) {
            bad |= out[0][i] != bb_add(a[i], b[i]);
            bad |= out[1][i] != bb_sub(a[i], b[i]);
            bad |= out[2][i] != bb_mul(a[i], b[i]);
            bad |= out[3][i] != bb_neg(a[i]);
            bad |= out[4][i] != bb_sqr(b[i]);
        }
        CHECK(!bad);
        if (bad)
            return;
    }
}
#endif

int main(void)
{
    RUN(test_simd_switch);
    RUN(test_simd512_switch);
#if defined(__x86_64__)
    if (bb_simd_avx512())
        RUN(test_avx512_lanes);
    else
        SKIP(test_avx512_lanes, "no AVX-512 on this CPU (or RAIKO_NO_AVX512)");
#endif
    RUN(test_montgomery_constants);
    RUN(test_conversion);
    RUN(test_arith_vs_naive);
    RUN(test_pow_inv);
    RUN(test_batch_inv);
    RUN(test_generators);
    RUN(test_ext_kat);
    RUN(test_ext_properties);
    RUN(test_ext_batch_inv);
    return t_done();
}
