/* test_poseidon2.c - Poseidon2-16 (Plonky3 default instance [A]) known answers, sponge and
 * compression KATs, and the batched / AVX2 / AVX-512 paths against scalar loops.
 * KATs copied from shared/ref/poseidon2_test_vectors.txt:
 *   UPSTREAM: Plonky3 baby-bear/src/poseidon2.rs test_default_babybear_poseidon2_width_16 @ 5dc50e51.
 *   DERIVED: the ref's independent model, which reproduces every upstream KAT. */
#include "test.h"

#include <omp.h>
#include <stdlib.h>

#include "hash/poseidon2.h"

#define P 2013265921ull

static uint64_t rng_state = 0x0badc0ffee123457ull;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static bb_t rnd_bb(void) { return bb_from_u32((uint32_t)(rng_next() % P)); }

static void from_canon(bb_t *out, const uint32_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = bb_from_u32(in[i]);
}
static void check_canon(const bb_t *got, const uint32_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) CHECK_EQ_U64(bb_to_u32(got[i]), want[i]);
}
static void iota(bb_t *out, size_t n, uint32_t start)
{
    for (size_t i = 0; i < n; i++) out[i] = bb_from_u32(start + (uint32_t)i);
}

static void test_perm_upstream(void)
{
    static const uint32_t in[16] = {894848333, 1437655012, 1200606629, 1690012884, 71131202, 1749206695,
                                    1717947831, 120589055, 19776022, 42382981, 1831865506, 724844064,
                                    171220207, 1299207443, 227047920, 1783754913};
    static const uint32_t want[16] = {516096821, 90309867, 1101817252, 1660784290, 360715097, 1789519026,
                                      1788910906, 563338433, 319524748, 1741414159, 1650859320, 894311162,
                                      1121347488, 1692793758, 1052633829, 1344246938};
    bb_t st[16];
    from_canon(st, in, 16);
    p2_permute(st);
    check_canon(st, want, 16);
}

static void test_perm_derived(void)
{
    static const uint32_t want_iota[16] = {1906786279, 1737026427, 1959749225, 700325316, 1638050605,
                                           1021608788, 1726691001, 1761127344, 1552405120, 417318995,
                                           36799261, 1215172152, 614923223, 1300746575, 957311597, 304856115};
    static const uint32_t want_zero[16] = {1168947398, 128782440, 747404447, 883925857, 360581875,
                                           1704698758, 1878363991, 1054281681, 682225194, 705839125,
                                           1218819873, 41544645, 1095344608, 174996601, 1678438226, 11259290};
    bb_t st[16];
    iota(st, 16, 0);
    p2_permute(st);
    check_canon(st, want_iota, 16);
    memset(st, 0, sizeof st);
    p2_permute(st);
    check_canon(st, want_zero, 16);
}

static void test_sponge_compress(void)
{
    static const uint32_t h8[8] = {458038305, 257183205, 1951318676, 729287742, 1357995677, 631765864,
                                   502434224, 1170329282};
    static const uint32_t h16[8] = {568621648, 260560799, 1787535874, 764831861, 341748543, 546488453,
                                    1028837269, 1917944385};
    static const uint32_t h10[8] = {109871766, 1072162525, 734734822, 1779529182, 851455702, 1097548423,
                                    803475089, 1040688773};
    static const uint32_t c[8] = {1906786279, 1737026427, 1959749225, 700325316, 1638050605, 1021608788,
                                  1726691001, 1761127344};
    bb_t in[16];
    iota(in, 16, 0);
    p2_digest d;
    p2_hash(in, 8, &d);
    check_canon(d.v, h8, 8);
    p2_hash(in, 16, &d);
    check_canon(d.v, h16, 8);
    p2_hash(in, 10, &d);
    check_canon(d.v, h10, 8);
    p2_hash(in, 0, &d);
    for (int i = 0; i < 8; i++) CHECK_EQ_U64(d.v[i], 0);
    p2_digest l, r;
    memcpy(l.v, in, sizeof l.v);
    memcpy(r.v, in + 8, sizeof r.v);
    p2_compress(&l, &r, &d);
    check_canon(d.v, c, 8);
}

/* p2_permute_batch against p2_permute, for both dispatch modes */
static void test_batch_vs_scalar(void)
{
    static const size_t sizes[] = {0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 100};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        bb_t(*a)[16] = malloc((n + 1) * sizeof *a), (*b)[16] = malloc((n + 1) * sizeof *b);
        for (size_t i = 0; i < n; i++)
            for (int j = 0; j < 16; j++) a[i][j] = rnd_bb();
        /* edge words: zero, the largest internal word p-1, and the element p-1 */
        for (size_t i = 0; i < n && i < 3; i++)
            for (int j = 0; j < 16; j++) a[i][j] = i == 0 ? 0 : i == 1 ? BB_P - 1 : bb_from_u32(BB_P - 1);
        memcpy(b, a, n * sizeof *a);
        for (size_t i = 0; i < n; i++) p2_permute(a[i]);
        p2_permute_batch(b, n);
        CHECK_MEM(a, b, n * sizeof *a);
        free(a);
        free(b);
    }
}

/* p2_hash_rows against a loop of p2_hash over explicitly concatenated rows */
static void check_hash_rows(size_t height, const size_t *widths, size_t n_mats)
{
    bb_t *mats[4];
    size_t tot = 0;
    for (size_t m = 0; m < n_mats; m++) {
        mats[m] = malloc((height * widths[m] + 1) * sizeof(bb_t));
        for (size_t i = 0; i < height * widths[m]; i++) mats[m][i] = rnd_bb();
        tot += widths[m];
    }
    p2_digest *got = malloc((height + 1) * sizeof *got), *want = malloc((height + 1) * sizeof *want);
    bb_t *row = malloc((tot + 1) * sizeof(bb_t));
    for (size_t i = 0; i < height; i++) {
        size_t k = 0;
        for (size_t m = 0; m < n_mats; m++)
            for (size_t c = 0; c < widths[m]; c++) row[k++] = mats[m][i * widths[m] + c];
        p2_hash(row, tot, &want[i]);
    }
    p2_hash_rows((const bb_t *const *)mats, widths, n_mats, height, got);
    CHECK_MEM(got, want, height * sizeof *got);
    for (size_t m = 0; m < n_mats; m++) free(mats[m]);
    free(got);
    free(want);
    free(row);
}

static void test_hash_rows(void)
{
    static const size_t w1[] = {16}, w2[] = {1}, w3[] = {3, 5, 10}, w4[] = {8, 0, 4}, w5[] = {25};
    size_t heights[] = {1, 7, 8, 9, 15, 16, 17, 24, 31, 33, 47, 64};
    for (size_t h = 0; h < sizeof heights / sizeof heights[0]; h++) {
        check_hash_rows(heights[h], w1, 1);
        check_hash_rows(heights[h], w2, 1);
        check_hash_rows(heights[h], w3, 3);
        check_hash_rows(heights[h], w4, 3);
        check_hash_rows(heights[h], w5, 1);
    }
    check_hash_rows(5, w4 + 1, 1); /* width 0: zero digests */
    /* an empty matrix may be passed as NULL */
    enum { H = 20 };
    static bb_t m0[H * 5];
    for (int i = 0; i < H * 5; i++) m0[i] = rnd_bb();
    const bb_t *mats[3] = {NULL, m0, NULL};
    size_t widths[3] = {0, 5, 0};
    p2_digest got[H], want[H];
    p2_hash_rows(mats, widths, 3, H, got);
    for (int i = 0; i < H; i++) p2_hash(m0 + 5 * i, 5, &want[i]);
    CHECK_MEM(got, want, sizeof got);
}

static void test_compress_layer(void)
{
    size_t ns[] = {1, 3, 8, 13, 24, 29, 64};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        size_t n = ns[k];
        p2_digest *in = malloc(2 * n * sizeof *in), *got = malloc(n * sizeof *got),
                  *want = malloc(n * sizeof *want), *alias = malloc(2 * n * sizeof *alias);
        for (size_t i = 0; i < 2 * n; i++)
            for (int j = 0; j < 8; j++) in[i].v[j] = rnd_bb();
        for (size_t i = 0; i < n; i++) p2_compress(&in[2 * i], &in[2 * i + 1], &want[i]);
        p2_compress_layer(in, n, got);
        CHECK_MEM(got, want, n * sizeof *got);
        memcpy(alias, in, 2 * n * sizeof *in);
        p2_compress_layer(alias, n, alias);
        CHECK_MEM(alias, want, n * sizeof *got);
        free(in);
        free(got);
        free(want);
        free(alias);
    }
}

/* every test above, once per dispatch mode */
static void run_all(void)
{
    RUN(test_perm_upstream);
    RUN(test_perm_derived);
    RUN(test_sponge_compress);
    RUN(test_batch_vs_scalar);
    RUN(test_hash_rows);
    RUN(test_compress_layer);
}

/* ---- every vector path against the scalar path, on the same random inputs ---- */

enum { MODE_SCALAR, MODE_AVX2, MODE_AVX512, N_MODES };
static const char *const mode_name[N_MODES] = {"scalar", "AVX2", "AVX-512"};

/* 1 iff the mode is available on this CPU (and not ruled out by the environment) */
static int set_mode(int mode)
{
    bb_simd_set_avx2(mode >= MODE_AVX2);
    bb_simd_set_avx512(mode >= MODE_AVX512);
    return bb_simd_avx2() == (mode >= MODE_AVX2) && bb_simd_avx512() == (mode >= MODE_AVX512);
}

/* The inputs of one comparison: a batch of states, several matrices of different (odd) widths
 * and a digest layer, with sizes drawn at random (n % 16 != 0 included). */
typedef struct {
    size_t n, height, n_mats, widths[4], n_cmp;
    bb_t (*st)[16];
    bb_t *mats[4];
    p2_digest *layer;
} path_case;

static void case_init(path_case *c)
{
    c->n = 1 + rng_next() % 300;
    c->height = 1 + rng_next() % 200;
    c->n_mats = 1 + rng_next() % 4;
    c->n_cmp = 1 + rng_next() % 150;
    for (size_t m = 0; m < c->n_mats; m++) {
        c->widths[m] = rng_next() % 4 == 0 ? rng_next() % 3 : 1 + rng_next() % 45; /* 0 (empty) sometimes */
        c->mats[m] = malloc((c->height * c->widths[m] + 1) * sizeof(bb_t));
        for (size_t i = 0; i < c->height * c->widths[m]; i++) c->mats[m][i] = rnd_bb();
    }
    c->st = malloc(c->n * sizeof *c->st);
    for (size_t i = 0; i < c->n; i++)
        for (int j = 0; j < 16; j++) c->st[i][j] = rnd_bb();
    c->layer = malloc(2 * c->n_cmp * sizeof *c->layer);
    for (size_t i = 0; i < 2 * c->n_cmp; i++)
        for (int j = 0; j < 8; j++) c->layer[i].v[j] = rnd_bb();
}

static void case_free(path_case *c)
{
    for (size_t m = 0; m < c->n_mats; m++) free(c->mats[m]);
    free(c->st);
    free(c->layer);
}

/* Outputs of one mode: permuted states, row digests, a compressed layer, the same in place */
typedef struct {
    bb_t (*st)[16];
    p2_digest *rows, *cmp, *alias;
} path_out;

static void case_run(const path_case *c, path_out *o)
{
    o->st = malloc(c->n * sizeof *o->st);
    memcpy(o->st, c->st, c->n * sizeof *o->st);
    p2_permute_batch(o->st, c->n);
    o->rows = malloc(c->height * sizeof *o->rows);
    p2_hash_rows((const bb_t *const *)c->mats, c->widths, c->n_mats, c->height, o->rows);
    o->cmp = malloc(c->n_cmp * sizeof *o->cmp);
    p2_compress_layer(c->layer, c->n_cmp, o->cmp);
    o->alias = malloc(2 * c->n_cmp * sizeof *o->alias);
    memcpy(o->alias, c->layer, 2 * c->n_cmp * sizeof *o->alias);
    p2_compress_layer(o->alias, c->n_cmp, o->alias);
}

static void out_free(path_out *o)
{
    free(o->st);
    free(o->rows);
    free(o->cmp);
    free(o->alias);
}

/* For each vector mode present: 40 random cases, outputs byte-identical to the scalar path's. */
static void check_mode_equals_scalar(int mode)
{
    for (int it = 0; it < 40; it++) {
        path_case c;
        case_init(&c);
        path_out want, got;
        set_mode(MODE_SCALAR);
        case_run(&c, &want);
        set_mode(mode);
        case_run(&c, &got);
        CHECK_MEM(got.st, want.st, c.n * sizeof *got.st);
        CHECK_MEM(got.rows, want.rows, c.height * sizeof *got.rows);
        CHECK_MEM(got.cmp, want.cmp, c.n_cmp * sizeof *got.cmp);
        CHECK_MEM(got.alias, want.cmp, c.n_cmp * sizeof *got.cmp);
        if (t_case_failed) printf("# %s: n %zu, height %zu, %zu matrices, layer %zu\n", mode_name[mode], c.n,
                                  c.height, c.n_mats, c.n_cmp);
        out_free(&want);
        out_free(&got);
        case_free(&c);
        if (t_case_failed) break;
    }
}
static void test_avx2_equals_scalar(void) { check_mode_equals_scalar(MODE_AVX2); }
static void test_avx512_equals_scalar(void) { check_mode_equals_scalar(MODE_AVX512); }

/* Wide rows as the main trace has them (several hundred words, ~50 permutations per row, in
 * matrices of different widths), and many states of edge words: AVX-512 vs scalar. */
static void test_avx512_wide_rows_and_edges(void)
{
    static const size_t widths[3] = {397, 8, 13};
    enum { H = 35 };
    bb_t *mats[3];
    for (int m = 0; m < 3; m++) {
        mats[m] = malloc(H * widths[m] * sizeof(bb_t));
        for (size_t i = 0; i < H * widths[m]; i++) mats[m][i] = rnd_bb();
    }
    p2_digest want[H], got[H];
    set_mode(MODE_SCALAR);
    p2_hash_rows((const bb_t *const *)mats, widths, 3, H, want);
    set_mode(MODE_AVX512);
    p2_hash_rows((const bb_t *const *)mats, widths, 3, H, got);
    CHECK_MEM(got, want, sizeof got);
    for (int m = 0; m < 3; m++) free(mats[m]);

    /* words 0, 1, p-1 and powers of two (+-1) around the shifts of the internal layer, in
     * internal form and as raw stored words, mixed with random ones */
    enum { N = 1024 };
    bb_t(*a)[16] = malloc(N * sizeof *a), (*b)[16] = malloc(N * sizeof *b);
    static const uint32_t edge[] = {0, 1, 2, BB_P - 1, BB_P - 2, 255, 256, 257, (1u << 27) - 1, 1u << 27,
                                    (1u << 27) + 1, (1u << 30) - 1, 1u << 30, (BB_P - 1) / 2, (BB_P + 1) / 2, 15};
    size_t n_edge = sizeof edge / sizeof edge[0];
    for (size_t i = 0; i < N; i++)
        for (int j = 0; j < 16; j++) {
            uint64_t r = rng_next();
            uint32_t e = edge[(r >> 8) % n_edge];
            a[i][j] = r % 3 == 0 ? e : r % 3 == 1 ? bb_from_u32(e) : rnd_bb();
        }
    memcpy(b, a, N * sizeof *a);
    set_mode(MODE_SCALAR);
    p2_permute_batch(a, N);
    set_mode(MODE_AVX512);
    p2_permute_batch(b, N);
    CHECK_MEM(a, b, N * sizeof *a);
    free(a);
    free(b);
}

/* identical digests with 1 and 2 threads */
static void test_thread_count_independent(void)
{
    enum { H = 515 }; /* above PAR_MIN_ROWS (256), so 2 threads really split the work */
    static bb_t m0[H * 11];
    static p2_digest a[H], b[H], ca[H / 2], cb[H / 2];
    for (int i = 0; i < H * 11; i++) m0[i] = rnd_bb();
    const bb_t *mats[1] = {m0};
    size_t widths[1] = {11};
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    p2_hash_rows(mats, widths, 1, H, a);
    p2_compress_layer(a, H / 2, ca);
    omp_set_num_threads(2);
    p2_hash_rows(mats, widths, 1, H, b);
    p2_compress_layer(b, H / 2, cb);
    omp_set_num_threads(saved);
    CHECK_MEM(a, b, sizeof a);
    CHECK_MEM(ca, cb, sizeof ca);
}

int main(void)
{
    /* the environment (RAIKO_NO_AVX2 / RAIKO_NO_AVX512) decides the default; the test then
     * runs every mode this CPU has */
    int had_avx2 = bb_simd_avx2(), had_avx512 = bb_simd_avx512();
    int have[N_MODES];
    for (int mode = N_MODES - 1; mode >= 0; mode--) {
        have[mode] = set_mode(mode);
        printf("# pass %s: %s\n", mode_name[mode], have[mode] ? "run" : "not available");
        if (!have[mode]) continue;
        run_all();
        RUN(test_thread_count_independent);
    }
    if (have[MODE_AVX2])
        RUN(test_avx2_equals_scalar);
    else
        SKIP(test_avx2_equals_scalar, "no AVX2 on this CPU");
    if (have[MODE_AVX512]) {
        RUN(test_avx512_equals_scalar);
        RUN(test_avx512_wide_rows_and_edges);
    } else {
        SKIP(test_avx512_equals_scalar, "no AVX-512 on this CPU");
        SKIP(test_avx512_wide_rows_and_edges, "no AVX-512 on this CPU");
    }
    bb_simd_set_avx2(had_avx2);
    bb_simd_set_avx512(had_avx512);
    return t_done();
}
