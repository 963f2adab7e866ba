/* test_gpu.c - every GPU kernel against its CPU twin, byte for byte.
 *
 * With a CUDA device: runs on the device (RAIKO_GPU_TEST_BIG=1 adds large
 * sizes; scripts/gpu-check sets it).  CUDA build without a device: runs the
 * same kernel bodies in the host emulation (gpu_set_emulation), small sizes.
 * Build without CUDA: the kernel cases SKIP; the stub and backend cases run.
 * Sizes include non-powers of two and non-multiples of the kernels' block,
 * tile and column-chunk sizes (256 threads, 16-word rows, 2^9-row tiles).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "backend/backend.h"
#include "field/field.h"
#include "gpu/gpu.h"
#include "hash/poseidon2.h"
#include "merkle/merkle.h"
#include "ntt/ntt.h"
#include "rvair/rvair.h"
#include "stark/stark.h"

#include "air_examples.h"

static int g_big; /* larger sizes (device only) */

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd32(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 16);
}

static bb_t *rand_elems(size_t n)
{
    bb_t *m = malloc((n ? n : 1) * sizeof *m);
    for (size_t i = 0; i < n; i++)
        m[i] = bb_from_u32(rnd32());
    return m;
}

/* ---- Poseidon2 ---- */

/* Plonky3 baby-bear/src/poseidon2.rs test_default_babybear_poseidon2_width_16 (@5dc50e51). */
static void test_p2_permute_kat(void)
{
    static const uint32_t in[16] = {894848333, 1437655012, 1200606629, 1690012884, 71131202, 1749206695,
                                    1717947831, 120589055, 19776022, 42382981, 1831865506, 724844064,
                                    171220207, 1299207443, 227047920, 1783754913};
    static const uint32_t want[16] = {516096821, 90309867, 1101817252, 1660784290, 360715097, 1789519026,
                                      1788910906, 563338433, 319524748, 1741414159, 1650859320, 894311162,
                                      1121347488, 1692793758, 1052633829, 1344246938};
    bb_t st[1][16];
    for (int i = 0; i < 16; i++)
        st[0][i] = bb_from_u32(in[i]);
    rk_err e;
    CHECK_EQ_U64(gpu_p2_permute_batch(st, 1, &e), RK_OK);
    for (int i = 0; i < 16; i++)
        CHECK_EQ_U64(bb_to_u32(st[0][i]), want[i]);
}

static void test_p2_permute_random(void)
{
    size_t sizes[] = {1, 7, 255, 257, 1000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k] * (g_big ? 1000 : 1);
        bb_t(*a)[16] = (bb_t(*)[16])rand_elems(n * 16);
        bb_t(*b)[16] = malloc(n * sizeof *b);
        memcpy(b, a, n * sizeof *b);
        p2_permute_batch(a, n);
        rk_err e;
        CHECK_EQ_U64(gpu_p2_permute_batch(b, n, &e), RK_OK);
        CHECK_MEM(a, b, n * sizeof *b);
        free(a);
        free(b);
    }
}

static void test_p2_hash_rows(void)
{
    /* widths: empty-ish, one partial chunk, exact chunk, chunk + 1, a long row */
    size_t widths[] = {1, 3, 8, 9, 16, 37};
    size_t heights[] = {1, 5, 300, 1025};
    for (size_t hk = 0; hk < 4; hk++) {
        size_t h = heights[hk] * (g_big ? 512 : 1);
        bb_t *mats[6];
        for (int i = 0; i < 6; i++)
            mats[i] = rand_elems(h * widths[i]);
        /* single matrices, then all six concatenated */
        for (int i = 0; i <= 6; i++) {
            const bb_t *const *mp = i < 6 ? (const bb_t *const *)&mats[i] : (const bb_t *const *)mats;
            const size_t *wp = i < 6 ? &widths[i] : widths;
            size_t nm = i < 6 ? 1 : 6;
            p2_digest *a = malloc(h * sizeof *a), *b = malloc(h * sizeof *b);
            p2_hash_rows(mp, wp, nm, h, a);
            rk_err e;
            CHECK_EQ_U64(gpu_p2_hash_rows(mp, wp, nm, h, b, &e), RK_OK);
            CHECK_MEM(a, b, h * sizeof *a);
            free(a);
            free(b);
        }
        for (int i = 0; i < 6; i++)
            free(mats[i]);
    }
}

static void test_p2_compress_layer(void)
{
    size_t sizes[] = {1, 2, 33, 300};
    for (size_t k = 0; k < 4; k++) {
        size_t n = sizes[k] * (g_big ? 4096 : 1);
        p2_digest *in = (p2_digest *)rand_elems(2 * n * 8);
        p2_digest *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
        p2_compress_layer(in, n, a);
        rk_err e;
        CHECK_EQ_U64(gpu_p2_compress_layer(in, n, b, &e), RK_OK);
        CHECK_MEM(a, b, n * sizeof *a);
        free(in);
        free(a);
        free(b);
    }
}

/* ---- Merkle ---- */

static void merkle_case(size_t n, const size_t *widths, const unsigned *logs)
{
    bb_t *mats[8];
    unsigned L = 0;
    for (size_t i = 0; i < n; i++) {
        mats[i] = rand_elems(widths[i] << logs[i]);
        if (logs[i] > L)
            L = logs[i];
    }
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    CHECK_EQ_U64(merkle_commit(&t, n, (const bb_t *const *)mats, widths, logs, &e), RK_OK);
    p2_digest *layers[31];
    for (unsigned k = 0; k <= L; k++)
        layers[k] = calloc((size_t)1 << k, sizeof(p2_digest));
    CHECK_EQ_U64(gpu_merkle_commit(n, (const bb_t *const *)mats, widths, logs, layers, &e), RK_OK);
    for (unsigned k = 0; k <= L; k++) {
        CHECK_MEM(t.layers[k], layers[k], ((size_t)1 << k) * sizeof(p2_digest));
        free(layers[k]);
    }
    merkle_tree_free(&t);
    for (size_t i = 0; i < n; i++)
        free(mats[i]);
}

static void test_merkle_commit(void)
{
    unsigned big = g_big ? 8 : 0;
    {   /* one matrix */
        size_t w[] = {16};
        unsigned lg[] = {10 + big};
        merkle_case(1, w, lg);
    }
    {   /* a single row: the root is the leaf hash */
        size_t w[] = {5};
        unsigned lg[] = {0};
        merkle_case(1, w, lg);
    }
    {   /* mixed heights with injection, two matrices at the top, gaps between heights */
        size_t w[] = {3, 16, 9, 1, 4};
        unsigned lg[] = {9 + big, 9 + big, 7 + big, 4, 4};
        merkle_case(5, w, lg);
    }
}

/* A device tree that keeps its lower layers on the device (merkle_set_host_top): the same root
 * as the host tree, and merkle_open_many (rows of device-only matrices and sibling digests
 * gathered on the device) gives merkle_open's rows and paths on the host tree, for every
 * leaf of mixed heights; an index out of range is refused. */
static void test_merkle_kept_layers(void)
{
    const size_t widths[3] = {7, 16, 3};
    const unsigned logs[3] = {9, 9, 6}, L = 9;
    bb_t *m[3];
    const bb_t *hm[3], *dm[3], *only_dev[3];
    rk_err e;
    for (int i = 0; i < 3; i++) {
        size_t words = widths[i] << logs[i];
        m[i] = rand_elems(words);
        hm[i] = m[i];
        bb_t *d = gpu_malloc(words * sizeof *d, &e);
        CHECK(d != NULL);
        CHECK_EQ_U64(gpu_upload(d, m[i], words * sizeof *d, &e), RK_OK);
        dm[i] = d;
        only_dev[i] = i == 1 ? m[i] : NULL; /* matrices 0 and 2 only on the device */
    }
    merkle_tree host, dev;
    merkle_tree_init(&host);
    merkle_tree_init(&dev);
    unsigned old = merkle_set_host_top(3);
    CHECK_EQ_U64(merkle_commit(&host, 3, hm, widths, logs, &e), RK_OK);
    CHECK_EQ_U64(merkle_commit_dev(&dev, 3, only_dev, dm, widths, logs, &e), RK_OK);
    CHECK(dev.d_layers != NULL && dev.host_top == 3 && dev.layers[4] == NULL);
    CHECK_MEM(merkle_root(&host), merkle_root(&dev), sizeof(p2_digest));
    size_t n = (size_t)1 << L, idx[512];
    for (size_t i = 0; i < n; i++)
        idx[i] = (i * 37 + 5) % n;
    bb_t *rows = malloc(n * 26 * sizeof *rows), want_rows[26];
    p2_digest *paths = malloc(n * L * sizeof *paths), want_path[9];
    CHECK_EQ_U64(merkle_open_many(&dev, n, idx, rows, paths, &e), RK_OK);
    int same = 1;
    for (size_t q = 0; q < n; q++) {
        CHECK_EQ_U64(merkle_open(&host, idx[q], want_rows, want_path, &e), RK_OK);
        same &= !memcmp(rows + q * 26, want_rows, sizeof want_rows) && !memcmp(paths + q * L, want_path, sizeof want_path);
    }
    CHECK(same);
    /* one leaf through merkle_open on the kept tree too */
    CHECK_EQ_U64(merkle_open(&dev, idx[7], rows, paths, &e), RK_OK);
    CHECK_EQ_U64(merkle_open(&host, idx[7], want_rows, want_path, &e), RK_OK);
    CHECK_MEM(rows, want_rows, sizeof want_rows);
    CHECK_MEM(paths, want_path, sizeof want_path);
    size_t bad = n;
    CHECK_EQ_U64(merkle_open_many(&dev, 1, &bad, rows, paths, &e), RK_EINPUT);
    /* the layers again on the host (after a GPU failure): same tree, nothing left on the device */
    dev.mats[0] = m[0];
    dev.mats[2] = m[2];
    CHECK_EQ_U64(merkle_rebuild_on_host(&dev, &e), RK_OK);
    CHECK(dev.d_layers == NULL && dev.host_top == L);
    CHECK_MEM(dev.layers[L], host.layers[L], n * sizeof(p2_digest));
    merkle_set_host_top(old);
    merkle_tree_free(&host);
    merkle_tree_free(&dev);
    for (int i = 0; i < 3; i++) {
        free(m[i]);
        gpu_free((void *)dm[i]);
    }
    free(rows);
    free(paths);
}

/* LDE + commit in one call equals ntt_coset_lde_batch (bit-reversed) + merkle_commit. */
static void test_lde_commit(void)
{
    static const struct { unsigned log_n, lb; size_t w; } cases[] = {{0, 1, 3}, {6, 1, 16}, {9, 2, 5}, {10, 1, 17}};
    for (int k = 0; k < 4; k++) {
        unsigned log_n = cases[k].log_n + (g_big ? 10 : 0), lb = cases[k].lb, L = log_n + lb;
        size_t w = cases[k].w, in_cnt = w << log_n, out_cnt = in_cnt << lb;
        bb_t *ev = rand_elems(in_cnt), *a = malloc(out_cnt * sizeof *a), *b = malloc(out_cnt * sizeof *b);
        CHECK_EQ_U64(ntt_coset_lde_batch(ev, log_n, w, lb, bb_generator(), a, 1), RK_OK);
        merkle_tree t;
        merkle_tree_init(&t);
        rk_err e;
        const bb_t *mp[1] = {a};
        CHECK_EQ_U64(merkle_commit(&t, 1, mp, &w, &L, &e), RK_OK);
        p2_digest *layers[31];
        for (unsigned i = 0; i <= L; i++)
            layers[i] = calloc((size_t)1 << i, sizeof(p2_digest));
        CHECK_EQ_U64(gpu_lde_commit(ev, log_n, w, lb, bb_generator(), b, layers, &e), RK_OK);
        CHECK_MEM(a, b, out_cnt * sizeof *a);
        for (unsigned i = 0; i <= L; i++) {
            CHECK_MEM(t.layers[i], layers[i], ((size_t)1 << i) * sizeof(p2_digest));
            free(layers[i]);
        }
        merkle_tree_free(&t);
        free(ev);
        free(a);
        free(b);
    }
    rk_err e;
    bb_t x[1] = {0};
    CHECK_EQ_U64(gpu_lde_commit(x, 0, 0, 1, bb_one(), NULL, NULL, &e), RK_EINPUT);
}

static void test_merkle_bad_shapes(void)
{
    bb_t row[4] = {0};
    const bb_t *m[1] = {row};
    size_t w0[] = {0}, w1[] = {4};
    unsigned lg[] = {0}, lgbig[] = {31};
    rk_err e;
    CHECK_EQ_U64(gpu_merkle_commit(0, m, w1, lg, NULL, &e), RK_EINPUT);
    CHECK_EQ_U64(gpu_merkle_commit(1, m, w0, lg, NULL, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "width 0");
    CHECK_EQ_U64(gpu_merkle_commit(1, m, w1, lgbig, NULL, &e), RK_EINPUT);
}

/* ---- NTT ---- */

struct ntt_shape {
    unsigned log_n;
    size_t width;
};

/* Emulation sizes cover 1..3 passes (2^9-row tiles), L > 1 (narrow rows) and
 * partial 16-column chunks; device sizes add 2^20 x 16 and odd widths. */
static const struct ntt_shape small_shapes[] = {{0, 3}, {1, 1}, {1, 16}, {4, 5}, {9, 2}, {10, 1},
                                                {10, 17}, {11, 3}, {12, 16}, {13, 33}, {19, 1}};
static const struct ntt_shape big_shapes[] = {{16, 100}, {20, 16}, {21, 7}, {22, 1}};

static void ntt_shapes(const struct ntt_shape **s, size_t *n, int big)
{
    if (big) {
        *s = big_shapes;
        *n = sizeof big_shapes / sizeof *big_shapes;
    } else {
        *s = small_shapes;
        *n = sizeof small_shapes / sizeof *small_shapes;
    }
}

static void ntt_forward_inverse_cases(unsigned max_log)
{
    for (int big = 0; big <= g_big; big++) {
        const struct ntt_shape *sh;
        size_t ns;
        ntt_shapes(&sh, &ns, big);
        for (size_t k = 0; k < ns; k++) {
            if (sh[k].log_n > max_log)
                continue;
            size_t cnt = ((size_t)1 << sh[k].log_n) * sh[k].width;
            bb_t *a = rand_elems(cnt), *b = malloc(cnt * sizeof *b);
            memcpy(b, a, cnt * sizeof *b);
            rk_err e;
            CHECK_EQ_U64(ntt_forward_batch(a, sh[k].log_n, sh[k].width), RK_OK);
            CHECK_EQ_U64(gpu_ntt_forward_batch(b, sh[k].log_n, sh[k].width, &e), RK_OK);
            CHECK_MEM(a, b, cnt * sizeof *b);
            CHECK_EQ_U64(ntt_inverse_batch(a, sh[k].log_n, sh[k].width), RK_OK);
            CHECK_EQ_U64(gpu_ntt_inverse_batch(b, sh[k].log_n, sh[k].width, &e), RK_OK);
            CHECK_MEM(a, b, cnt * sizeof *b);
            ntt_bit_reverse_rows(a, sh[k].log_n, sh[k].width);
            CHECK_EQ_U64(gpu_ntt_bit_reverse_rows(b, sh[k].log_n, sh[k].width, &e), RK_OK);
            CHECK_MEM(a, b, cnt * sizeof *b);
            CHECK_EQ_U64(ntt_forward_batch_bitrev_out(a, sh[k].log_n, sh[k].width), RK_OK);
            CHECK_EQ_U64(gpu_ntt_forward_batch_bitrev_out(b, sh[k].log_n, sh[k].width, &e), RK_OK);
            CHECK_MEM(a, b, cnt * sizeof *b);
            free(a);
            free(b);
        }
    }
}

static void test_ntt_forward_inverse(void) { ntt_forward_inverse_cases(27); }

/* The tile size (stages per pass) and the radix (stages per register group)
 * change how the work is cut, never the result. */
static void test_ntt_tile_sizes(void)
{
    static const unsigned cfg[][2] = {{11, 1}, {11, 2}, {12, 3}, {13, 1}, {14, 2}, {15, 3}};
    for (int i = 0; i < 6; i++) {
        CHECK_EQ_U64(gpu_ntt_set_tile_log(cfg[i][0]), cfg[i][0]);
        CHECK_EQ_U64(gpu_ntt_set_radix_log(cfg[i][1]), cfg[i][1]);
        ntt_forward_inverse_cases(g_big ? 27 : 13);
    }
    gpu_ntt_set_tile_log(0);
    gpu_ntt_set_radix_log(0);
}

static void test_ntt_coset_lde(void)
{
    static const struct ntt_shape shapes[] = {{0, 2}, {1, 3}, {5, 16}, {8, 1}, {9, 17}, {11, 4}};
    static const struct ntt_shape big[] = {{19, 16}, {20, 5}};
    for (int pass = 0; pass <= g_big; pass++) {
        const struct ntt_shape *sh = pass ? big : shapes;
        size_t ns = pass ? 2 : sizeof shapes / sizeof *shapes;
        for (size_t k = 0; k < ns; k++)
            for (unsigned lb = 0; lb <= 3; lb++)
                for (int br = 0; br <= 1; br++) {
                    unsigned log_n = sh[k].log_n;
                    size_t w = sh[k].width;
                    size_t in_cnt = ((size_t)1 << log_n) * w, out_cnt = in_cnt << lb;
                    bb_t *ev = rand_elems(in_cnt);
                    bb_t *a = malloc(out_cnt * sizeof *a), *b = malloc(out_cnt * sizeof *b);
                    bb_t shift = (k & 1) ? bb_generator() : bb_from_u32(7 + (uint32_t)k);
                    rk_err e;
                    CHECK_EQ_U64(ntt_coset_lde_batch(ev, log_n, w, lb, shift, a, br), RK_OK);
                    CHECK_EQ_U64(gpu_ntt_coset_lde_batch(ev, log_n, w, lb, shift, b, br, &e), RK_OK);
                    CHECK_MEM(a, b, out_cnt * sizeof *a);
                    free(ev);
                    free(a);
                    free(b);
                }
    }
}

static void test_ntt_bad_size(void)
{
    bb_t x[1] = {0};
    rk_err e;
    CHECK_EQ_U64(gpu_ntt_forward_batch(x, 28, 1, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "27");
    CHECK_EQ_U64(gpu_ntt_coset_lde_batch(x, 25, 1, 3, bb_one(), x, 1, &e), RK_EINPUT);
}

/* ---- FRI fold ---- */

static size_t bitrev(size_t i, unsigned bits)
{
    size_t r = 0;
    for (unsigned k = 0; k < bits; k++, i >>= 1)
        r = (r << 1) | (i & 1);
    return r;
}

/* lib/fri's fold (fri.h step 2): y = w_h^bitrev_(h-1)(j), f(y) = f[2j], f(-y) = f[2j+1]. */
static bb4_t fold_ref(bb4_t lo, bb4_t hi, bb4_t beta, unsigned log_h, size_t j)
{
    bb_t half = bb_inv(bb_from_u32(2));
    bb_t y = bb_pow(bb_two_adic_generator(log_h), bitrev(j, log_h - 1));
    bb4_t even = bb4_mul_base(bb4_add(lo, hi), half);
    bb4_t odd = bb4_mul_base(bb4_sub(lo, hi), bb_mul(half, bb_inv(y)));
    return bb4_add(even, bb4_mul(beta, odd));
}

static void test_fri_fold(void)
{
    unsigned logs[] = {1, 2, 9, 10, 13};
    for (size_t k = 0; k < 5; k++) {
        unsigned lh = logs[k] + (g_big ? 8 : 0);
        size_t n = (size_t)1 << lh;
        bb4_t *f = (bb4_t *)rand_elems(4 * n), *red = (bb4_t *)rand_elems(2 * n);
        bb4_t beta = {{bb_from_u32(rnd32()), bb_from_u32(rnd32()), bb_from_u32(rnd32()), bb_from_u32(rnd32())}};
        bb4_t *a = malloc(n / 2 * sizeof *a), *b = malloc(n / 2 * sizeof *b), *c = malloc(n / 2 * sizeof *c);
        for (size_t j = 0; j < n / 2; j++)
            a[j] = fold_ref(f[2 * j], f[2 * j + 1], beta, lh, j);
        rk_err e;
        CHECK_EQ_U64(gpu_fri_fold(f, lh, beta, NULL, b, &e), RK_OK);
        CHECK_MEM(a, b, n / 2 * sizeof *a);
        for (size_t j = 0; j < n / 2; j++)
            a[j] = bb4_add(a[j], bb4_mul(bb4_mul(beta, beta), red[j]));
        CHECK_EQ_U64(gpu_fri_fold(f, lh, beta, red, c, &e), RK_OK);
        CHECK_MEM(a, c, n / 2 * sizeof *a);
        free(f);
        free(red);
        free(a);
        free(b);
        free(c);
    }
    rk_err e;
    bb4_t z = bb4_zero(), one[2] = {bb4_one(), bb4_one()};
    CHECK_EQ_U64(gpu_fri_fold(one, 0, z, NULL, one, &e), RK_EINPUT);
}

static bb4_t rand_ext(void)
{
    bb4_t z = {{bb_from_u32(rnd32()), bb_from_u32(rnd32()), bb_from_u32(rnd32()), bb_from_u32(rnd32())}};
    return z;
}

/* 1/(x_i - z) over the bit-reversed coset, as lib/fri step 1 computes it. */
static bb4_t inv_point_ref(unsigned lh, size_t i, bb4_t z)
{
    bb_t x = bb_mul(bb_generator(), bb_pow(bb_two_adic_generator(lh), bitrev(i, lh)));
    return bb4_inv(bb4_sub(bb4_from_base(x), z));
}

/* The DEEP reduction of one matrix: the points, then R += sum_j coef_j (S_i - Y_j) inv_j[i]
 * against the formula on the CPU, R starting from random values; widths off the block size. */
static void test_deep_reduce(void)
{
    const unsigned logs[] = {0, 1, 5, 9, 12};
    const size_t widths[] = {1, 3, 17, 40, 7};
    for (size_t k = 0; k < 5; k++) {
        unsigned lh = logs[k] + (g_big ? 8 : 0);
        size_t n = (size_t)1 << lh, w = widths[k], np = 1 + k % 4;
        bb_t *m = rand_elems(n * w);
        bb4_t *R = (bb4_t *)rand_elems(4 * n), *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
        bb4_t apow[40], coef[4], Y[4], z[4];
        for (size_t c = 0; c < w; c++)
            apow[c] = rand_ext();
        for (size_t j = 0; j < np; j++)
            coef[j] = rand_ext(), Y[j] = rand_ext(), z[j] = rand_ext();
        z[np - 1] = bb4_from_base(bb_from_u32(rnd32())); /* a base-field point too */
        rk_err e;
        bb4_t *d_inv[4] = {0}, *h_inv = malloc(n * sizeof *h_inv);
        bb4_t *d_R = gpu_malloc(n * sizeof *d_R, &e);
        bb_t *d_m = gpu_malloc(n * w * sizeof *d_m, &e);
        CHECK(d_R && d_m && h_inv);
        CHECK_EQ_U64(gpu_upload(d_m, m, n * w * sizeof *m, &e), RK_OK);
        CHECK_EQ_U64(gpu_upload(d_R, R, n * sizeof *R, &e), RK_OK);
        for (size_t j = 0; j < np; j++) {
            d_inv[j] = gpu_malloc(n * sizeof(bb4_t), &e);
            CHECK_EQ_U64(gpu_fri_inv_points_dev(lh, bb_generator(), z[j], d_inv[j], &e), RK_OK);
            CHECK_EQ_U64(gpu_download(h_inv, d_inv[j], n * sizeof *h_inv, &e), RK_OK);
            int same = 1;
            for (size_t i = 0; i < n; i++)
                same &= bb4_eq(h_inv[i], inv_point_ref(lh, i, z[j]));
            CHECK(same);
        }
        for (size_t i = 0; i < n; i++) {
            bb4_t S = bb4_zero(), r = R[i];
            for (size_t c = 0; c < w; c++)
                S = bb4_add(S, bb4_mul_base(apow[c], m[i * w + c]));
            for (size_t j = 0; j < np; j++)
                r = bb4_add(r, bb4_mul(coef[j], bb4_mul(bb4_sub(S, Y[j]), inv_point_ref(lh, i, z[j]))));
            want[i] = r;
        }
        CHECK_EQ_U64(gpu_deep_reduce_dev(d_m, n, w, apow, np, coef, Y, (const bb4_t *const *)d_inv, d_R, &e), RK_OK);
        CHECK_EQ_U64(gpu_download(got, d_R, n * sizeof *got, &e), RK_OK);
        CHECK_MEM(want, got, n * sizeof *got);
        CHECK_EQ_U64(gpu_deep_reduce_dev(d_m, n, w, apow, 5, coef, Y, (const bb4_t *const *)d_inv, d_R, &e), RK_EINPUT);
        for (size_t j = 0; j < np; j++)
            gpu_free(d_inv[j]);
        gpu_free(d_R);
        gpu_free(d_m);
        free(h_inv);
        free(m);
        free(R);
        free(want);
        free(got);
    }
}

/* Openings from a coset LDE: the values of the trace polynomials at random extension points,
 * the reference by Horner from the trace's coefficients (lib/ntt inverse NTT). */
static void test_coset_eval(void)
{
    const unsigned logs[] = {0, 1, 4, 9, 11};
    const size_t widths[] = {1, 5, 33, 3, 70};
    for (size_t k = 0; k < 5; k++) {
        unsigned ln = logs[k] + (g_big ? 6 : 0), lb = 1 + k % 3, lN = ln + lb;
        size_t n = (size_t)1 << ln, N = (size_t)1 << lN, w = widths[k], np = 1 + (k + 1) % 4;
        bb_t *trace = rand_elems(n * w), *lde = malloc(N * w * sizeof *lde), *coef = malloc(n * w * sizeof *coef);
        CHECK(lde && coef);
        CHECK_EQ_U64(ntt_coset_lde_batch(trace, ln, w, lb, bb_generator(), lde, 1), 0);
        memcpy(coef, trace, n * w * sizeof *coef);
        CHECK_EQ_U64(ntt_inverse_batch(coef, ln, w), 0);
        bb4_t z[4], *want = malloc(np * w * sizeof *want), *got = malloc(np * w * sizeof *got);
        for (size_t j = 0; j < np; j++) {
            z[j] = rand_ext();
            for (size_t c = 0; c < w; c++) {
                bb4_t a = bb4_zero();
                for (size_t i = n; i-- > 0;)
                    a = bb4_add(bb4_mul(a, z[j]), bb4_from_base(coef[i * w + c]));
                want[j * w + c] = a;
            }
        }
        rk_err e;
        bb_t *d = gpu_malloc(N * w * sizeof *d, &e);
        CHECK(d != NULL);
        CHECK_EQ_U64(gpu_upload(d, lde, N * w * sizeof *d, &e), RK_OK);
        CHECK_EQ_U64(gpu_coset_eval_dev(d, lN, w, bb_generator(), np, z, got, &e), RK_OK);
        CHECK_MEM(want, got, np * w * sizeof *got);
        CHECK_EQ_U64(gpu_coset_eval_dev(d, lN, w, bb_generator(), 0, z, got, &e), RK_EINPUT);
        CHECK_EQ_U64(gpu_coset_eval_dev(d, lN, w, 0, np, z, got, &e), RK_EINPUT);
        gpu_free(d);
        free(trace);
        free(lde);
        free(coef);
        free(want);
        free(got);
    }
}

/* The quotient's chunk columns: out[k*4qd + 4t + j] = (a[t n + k] * s^t).c[j]; the rows
 * past n keep what they held. */
static void test_quotient_chunks(void)
{
    const unsigned lns[] = {0, 1, 5, 10}, lqs[] = {0, 1, 2, 4};
    for (size_t k = 0; k < 4; k++) {
        unsigned ln = lns[k] + (g_big ? 8 : 0), lq = lqs[k];
        size_t n = (size_t)1 << ln, qd = (size_t)1 << lq, M = n * qd, w = 4 * qd, rows = 2 * n;
        bb4_t *a = (bb4_t *)rand_elems(4 * M);
        bb_t *out = rand_elems(rows * w), *want = malloc(rows * w * sizeof *want), s = bb_from_u32(rnd32());
        memcpy(want, out, rows * w * sizeof *want);
        for (size_t t = 0; t < qd; t++)
            for (size_t r = 0; r < n; r++) {
                bb4_t v = bb4_mul_base(a[t * n + r], bb_pow(s, t));
                memcpy(want + r * w + 4 * t, v.c, sizeof v.c);
            }
        rk_err e;
        bb4_t *d_a = gpu_malloc(M * sizeof *d_a, &e);
        bb_t *d_o = gpu_malloc(rows * w * sizeof *d_o, &e);
        CHECK(d_a && d_o);
        CHECK_EQ_U64(gpu_upload(d_a, a, M * sizeof *a, &e), RK_OK);
        CHECK_EQ_U64(gpu_upload(d_o, out, rows * w * sizeof *out, &e), RK_OK);
        CHECK_EQ_U64(gpu_quotient_chunks_dev(d_a, ln, lq, s, d_o, &e), RK_OK);
        CHECK_EQ_U64(gpu_download(out, d_o, rows * w * sizeof *out, &e), RK_OK);
        CHECK_MEM(want, out, rows * w * sizeof *out);
        CHECK_EQ_U64(gpu_quotient_chunks_dev(d_a, ln, 5, s, d_o, &e), RK_EINPUT);
        gpu_free(d_a);
        gpu_free(d_o);
        free(a);
        free(out);
        free(want);
    }
}

/* The reference fold maps the codeword of p(x) = x to the constant beta. */
static void test_fri_fold_reference(void)
{
    unsigned lh = 5;
    bb4_t beta = {{bb_from_u32(3), bb_from_u32(1), 0, bb_from_u32(9)}};
    for (size_t j = 0; j < 16; j++) {
        bb_t y = bb_pow(bb_two_adic_generator(lh), bitrev(2 * j, lh));
        bb4_t r = fold_ref(bb4_from_base(y), bb4_from_base(bb_neg(y)), beta, lh, j);
        CHECK(bb4_eq(r, beta));
    }
}


/* ---- constraint quotient ---- */

/* The verifier's interpreter (air_eval_point) at quotient row i, as lib/stark's
 * compute_quotient defines the row: x = shift w_M^bitrev(i), next row, selectors,
 * sum alpha^c C_c, divided by Z_H(x). */
static bb4_t quotient_ref(const air_table *tb, const gpu_quotient_job *q, const bb_t *publics,
                          const bb4_t *ch, bb4_t alpha, size_t i, bb4_t *vals)
{
    const unsigned log_M = q->log_n + q->log_qd;
    const size_t M = (size_t)1 << log_M, qd = (size_t)1 << q->log_qd, n = (size_t)1 << q->log_n;
    size_t j = bitrev(i, log_M), nx = bitrev((j + qd) & (M - 1), log_M);
    bb_t x = bb_mul(q->shift, bb_pow(bb_two_adic_generator(log_M), j));
    bb_t zh = bb_sub(bb_pow(x, n), bb_one()), g_inv = bb_inv(bb_two_adic_generator(q->log_n));
    bb4_t ml[320], mn[320], pl[8], pn[8], ql[48], qn[48];
    for (size_t c = 0; c < q->main_w; c++)
        ml[c] = bb4_from_base(q->main[i * q->main_w + c]), mn[c] = bb4_from_base(q->main[nx * q->main_w + c]);
    for (size_t c = 0; c < q->pre_w; c++)
        pl[c] = bb4_from_base(q->pre[i * q->pre_w + c]), pn[c] = bb4_from_base(q->pre[nx * q->pre_w + c]);
    for (size_t c = 0; c < q->perm_w / 4; c++)
        for (int k = 0; k < 4; k++)
            ql[c].c[k] = q->perm[i * q->perm_w + 4 * c + k], qn[c].c[k] = q->perm[nx * q->perm_w + 4 * c + k];
    air_point pt = {ml, mn, pl, pn, ql, qn, publics, ch,
                    bb4_from_base(bb_mul(zh, bb_inv(bb_sub(x, bb_one())))),
                    bb4_from_base(bb_mul(zh, bb_inv(bb_sub(x, g_inv)))), bb4_from_base(bb_sub(x, g_inv))};
    air_eval_point(tb, &pt, vals);
    bb4_t acc = bb4_zero(), ap = bb4_one();
    for (size_t c = 0; c < tb->n_constraints; c++, ap = bb4_mul(ap, alpha))
        acc = bb4_add(acc, bb4_mul(ap, vals[tb->constraints[c]]));
    return bb4_mul_base(acc, bb_inv(zh));
}

/* gpu_quotient on every table of four machines (Fibonacci with boundary constraints and
 * publics, a LogUp range check with preprocessed and permutation columns, a LogUp
 * multiplication chip, and the RISC-V machine's five tables: the CPU table's 2800-node
 * program), random LDE words, log_qd 0..2, in one launch and in chunks of 64 rows:
 * every row equal to the point interpreter. */
static void test_quotient(void)
{
    air_machine ms[4];
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&ms[0], &e), RK_OK);
    CHECK_EQ_U64(ex_range_machine(&ms[1], &e), RK_OK);
    CHECK_EQ_U64(ex_mul_machine(&ms[2], &e), RK_OK);
    CHECK_EQ_U64(rvair_machine_build(&ms[3], 4, &e), RK_OK);
    size_t cases = 0;
    for (int mi = 0; mi < 4; mi++) {
        air_machine *m = &ms[mi];
        bb_t *publics = rand_elems(m->n_public + 1);
        size_t nch = AIR_CH_GAMMA1 + m->max_arity + 1;
        bb4_t *ch = malloc(nch * sizeof *ch), alpha;
        for (size_t k = 0; k < nch; k++)
            for (int j = 0; j < 4; j++)
                ch[k].c[j] = bb_from_u32(rnd32());
        for (int j = 0; j < 4; j++)
            alpha.c[j] = bb_from_u32(rnd32());
        for (size_t t = 0; t < m->n_tables; t++) {
            const air_table *tb = m->tables[t];
            bb4_t *apow = malloc((tb->n_constraints + 1) * sizeof *apow);
            apow[0] = bb4_one();
            for (size_t c = 1; c < tb->n_constraints; c++)
                apow[c] = bb4_mul(apow[c - 1], alpha);
            air_program p;
            air_program_init(&p);
            CHECK_EQ_U64(air_program_build(&p, tb, tb->constraints, apow, tb->n_constraints, publics, ch, &e), RK_OK);
            unsigned log_n = mi == 3 ? 3 : 4 + (unsigned)t % 2, log_qd = (unsigned)(t + mi) % 3;
            size_t M = (size_t)1 << (log_n + log_qd);
            gpu_quotient_job q = {&p, log_n, log_qd, bb_generator(), NULL, NULL, NULL,
                                  tb->main_width, tb->pre_width, 4 * (size_t)tb->perm_width};
            bb_t *mats[3];
            for (int k = 0; k < 3; k++)
                mats[k] = rand_elems(M * (k == 0 ? q.main_w : k == 1 ? q.pre_w : q.perm_w));
            q.main = mats[0];
            q.pre = q.pre_w ? mats[1] : NULL;
            q.perm = q.perm_w ? mats[2] : NULL;
            bb4_t *ref = malloc(M * sizeof *ref), *got = malloc(M * sizeof *got);
            bb4_t *vals = malloc(tb->n_nodes * sizeof *vals);
            for (size_t i = 0; i < M; i++)
                ref[i] = quotient_ref(tb, &q, publics, ch, alpha, i, vals);
            for (int chunked = 0; chunked < 2; chunked++) {
                gpu_quotient_set_chunk_rows(chunked ? 64 : 0);
                memset(got, 0xee, M * sizeof *got);
                int rc = gpu_quotient(&q, got, &e);
                if (rc)
                    printf("# %s: %s\n", tb->name, e.msg);
                CHECK_EQ_U64(rc, RK_OK);
                if (memcmp(ref, got, M * sizeof *ref)) {
                    printf("# machine %d table %s log_n %u log_qd %u chunked %d: other values\n", mi, tb->name,
                           log_n, log_qd, chunked);
                    CHECK(0);
                }
                cases++;
            }
            gpu_quotient_set_chunk_rows(0);
            for (int k = 0; k < 3; k++)
                free(mats[k]);
            free(ref);
            free(got);
            free(vals);
            free(apow);
            air_program_free(&p);
        }
        free(publics);
        free(ch);
        air_machine_free(m);
    }
    CHECK(cases >= 2 * 10);
    air_program p;
    air_program_init(&p);
    gpu_quotient_job bad = {&p, 20, 5, bb_generator(), NULL, NULL, NULL, 1, 0, 0};
    bb4_t one;
    CHECK_EQ_U64(gpu_quotient(&bad, &one, &e), RK_EINPUT);
}


/* ---- LogUp trace ---- */

/* gpu_logup_dev on the tables with interactions of three machines (a LogUp range check with
 * preprocessed columns, a multiplication chip, the RISC-V machine's five tables), random
 * trace words: every row's h_b and running sum equal the definition evaluated with the
 * verifier's interpreter (air_eval_point) and lib/field's inversion; a zero denominator is
 * flagged. */
static void test_logup(void)
{
    air_machine ms[3];
    rk_err e;
    CHECK_EQ_U64(ex_range_machine(&ms[0], &e), RK_OK);
    CHECK_EQ_U64(ex_mul_machine(&ms[1], &e), RK_OK);
    CHECK_EQ_U64(rvair_machine_build(&ms[2], 4, &e), RK_OK);
    size_t cases = 0;
    for (int mi = 0; mi < 3; mi++) {
        air_machine *m = &ms[mi];
        size_t nch = AIR_CH_GAMMA1 + m->max_arity + 1;
        bb4_t *ch = (bb4_t *)rand_elems(4 * nch);
        bb_t *publics = rand_elems(m->n_public + 1);
        for (size_t t = 0; t < m->n_tables; t++) {
            const air_table *tb = m->tables[t];
            size_t ni = tb->n_inter, nb = tb->n_batches;
            if (!ni)
                continue;
            /* the range machine at 2^10 rows: several 256-row chunks of the running sum */
            unsigned log_n = mi == 2 ? 4 : mi == 0 ? 10 : 5 + (unsigned)t % 2;
            size_t n = (size_t)1 << log_n, pw4 = 4 * (nb + 1);
            /* the program (denominators in accumulators j, multiplicities in ni + j) */
            int32_t *sign = malloc(ni * sizeof *sign);
            for (size_t j = 0; j < ni; j++)
                sign[j] = tb->inter[j].sign;
            air_program p;
            air_program_init(&p);
            CHECK_EQ_U64(stark_logup_program(tb, ch, publics, &p, &e), RK_OK);
            bb_t *mt = rand_elems(n * tb->main_width), *pt = rand_elems(n * tb->pre_width + 1);
            bb_t *d_m = gpu_malloc(n * tb->main_width * sizeof(bb_t), &e), *d_p = NULL;
            bb_t *d_perm = gpu_malloc(n * pw4 * sizeof(bb_t), &e);
            CHECK(d_m && d_perm);
            CHECK_EQ_U64(gpu_upload(d_m, mt, n * tb->main_width * sizeof(bb_t), &e), RK_OK);
            if (tb->pre_width) {
                d_p = gpu_malloc(n * tb->pre_width * sizeof(bb_t), &e);
                CHECK_EQ_U64(gpu_upload(d_p, pt, n * tb->pre_width * sizeof(bb_t), &e), RK_OK);
            }
            gpu_logup_job job = {&p, log_n, ni, nb, tb->batch_start, sign, d_m, d_p, tb->main_width, tb->pre_width};
            bb4_t cum;
            int zero = 1;
            CHECK_EQ_U64(gpu_logup_dev(&job, d_perm, &cum, &zero, &e), RK_OK);
            bb_t *got = malloc(n * pw4 * sizeof *got), *want = calloc(n * pw4, sizeof *want);
            CHECK_EQ_U64(gpu_download(got, d_perm, n * pw4 * sizeof *got, &e), RK_OK);
            /* the definition, row by row */
            bb4_t *vals = malloc(tb->n_nodes * sizeof *vals), run = bb4_zero();
            bb4_t *ml = malloc((tb->main_width + 1) * sizeof *ml), *pl = malloc((tb->pre_width + 1) * sizeof *pl);
            bb4_t *zperm = calloc(tb->perm_width + 1, sizeof *zperm); /* the LogUp constraints' nodes read these */
            int any_zero = 0;
            for (size_t i = 0; i < n; i++) {
                for (size_t c = 0; c < tb->main_width; c++)
                    ml[c] = bb4_from_base(mt[i * tb->main_width + c]);
                for (size_t c = 0; c < tb->pre_width; c++)
                    pl[c] = bb4_from_base(pt[i * tb->pre_width + c]);
                air_point pnt = {ml, ml, pl, pl, zperm, zperm, publics, ch, bb4_zero(), bb4_zero(), bb4_zero()};
                air_eval_point(tb, &pnt, vals);
                for (size_t j = 0; j < ni; j++) {
                    const air_interaction *it = &tb->inter[j];
                    bb4_t d = bb4_add(ch[AIR_CH_BETA], bb4_from_base(bb_from_u32(it->bus)));
                    for (unsigned v = 0; v < it->n_values; v++)
                        d = bb4_add(d, bb4_mul(ch[AIR_CH_GAMMA1 + v], vals[it->values[v]]));
                    any_zero |= bb4_eq(d, bb4_zero());
                    bb4_t term = bb4_mul(vals[it->mult], bb4_inv(d));
                    uint32_t b = 0;
                    while (!(tb->batch_start[b] <= j && j < tb->batch_start[b + 1]))
                        b++;
                    bb_t *h = want + i * pw4 + 4 * b;
                    for (int c = 0; c < 4; c++)
                        h[c] = it->sign < 0 ? bb_sub(h[c], term.c[c]) : bb_add(h[c], term.c[c]);
                }
                for (size_t b = 0; b < nb; b++) {
                    bb4_t hb = {{want[i * pw4 + 4 * b], want[i * pw4 + 4 * b + 1], want[i * pw4 + 4 * b + 2],
                                 want[i * pw4 + 4 * b + 3]}};
                    run = bb4_add(run, hb);
                }
                memcpy(want + i * pw4 + 4 * nb, run.c, sizeof run.c);
            }
            CHECK_EQ_U64(zero, any_zero);
            if (memcmp(got, want, n * pw4 * sizeof *got)) {
                printf("# machine %d table %s: other LogUp rows\n", mi, tb->name);
                CHECK(0);
            }
            CHECK(bb4_eq(cum, run));
            cases++;
            gpu_free(d_m);
            gpu_free(d_p);
            gpu_free(d_perm);
            air_program_free(&p);
            free(sign), free(mt), free(pt), free(got), free(want);
            free(vals), free(ml), free(pl), free(zperm);
        }
        free(ch);
        free(publics);
        air_machine_free(m);
    }
    CHECK(cases >= 6);
}

/* Calls from several host threads at once (OpenMP) are serialised and give
 * the same bytes as the CPU. */
static void test_threads(void)
{
    enum { N = 6 };
    bb_t *a[N], *b[N];
    unsigned lg[N];
    int bad = 0;
    for (int i = 0; i < N; i++) {
        lg[i] = 6 + (unsigned)i; /* different sizes: the twiddle cache grows under contention */
        a[i] = rand_elems((size_t)3 << lg[i]);
        b[i] = malloc(((size_t)3 << lg[i]) * sizeof(bb_t));
        memcpy(b[i], a[i], ((size_t)3 << lg[i]) * sizeof(bb_t));
        ntt_forward_batch(a[i], lg[i], 3);
    }
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
    for (int i = 0; i < N; i++) {
        rk_err e;
        bad |= gpu_ntt_forward_batch(b[i], lg[i], 3, &e) != RK_OK;
    }
    CHECK(!bad);
    for (int i = 0; i < N; i++) {
        CHECK_MEM(a[i], b[i], ((size_t)3 << lg[i]) * sizeof(bb_t));
        free(a[i]);
        free(b[i]);
    }
}

/* ---- device, memory, stub ---- */

static void test_device_memory(void)
{
    rk_err e;
    size_t before = gpu_mem_current();
    void *d = gpu_malloc(1 << 20, &e);
    CHECK(d != NULL);
    CHECK(gpu_mem_peak() >= before + (1 << 20));
    uint32_t h[256], back[256];
    for (int i = 0; i < 256; i++)
        h[i] = rnd32();
    CHECK_EQ_U64(gpu_upload(d, h, sizeof h, &e), RK_OK);
    CHECK_EQ_U64(gpu_download(back, d, sizeof back, &e), RK_OK);
    CHECK_MEM(h, back, sizeof h);
    gpu_free(d);
    CHECK_EQ_U64(gpu_mem_current(), before);
}

/* Only on a device: an impossible allocation names the size and the free memory. */
static void test_device_oom_message(void)
{
    rk_err e;
    rk_err_clear(&e);
    void *d = gpu_malloc((size_t)1 << 50, &e);
    CHECK(d == NULL);
    CHECK_EQ_U64(e.code, RK_EINTERNAL);
    CHECK_STR_HAS(e.msg, "out of device memory");
    CHECK_STR_HAS(e.msg, "1125899906842624 bytes");
    CHECK_STR_HAS(e.msg, "free");
}

static void test_stub_says_why(void)
{
    rk_err e;
    bb_t x[2] = {0, 0};
    CHECK(!gpu_available());
    CHECK_EQ_U64(gpu_init(&e), RK_EINTERNAL);
    CHECK_STR_HAS(e.msg, "without CUDA");
    CHECK_EQ_U64(gpu_ntt_forward_batch(x, 1, 1, &e), RK_EINTERNAL);
    CHECK(gpu_malloc(16, &e) == NULL);
}

/* ---- backend selection ---- */

static void test_backend_select(void)
{
    rk_err e;
    CHECK_EQ_U64(rk_backend_select("cpu", &e), RK_OK);
    CHECK(!rk_backend_is_gpu());
    CHECK_STR_HAS(rk_backend_name(), "cpu");

    CHECK_EQ_U64(rk_backend_select("tpu", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "unknown device 'tpu'");

    CHECK_EQ_U64(rk_backend_select("auto", &e), RK_OK);
    CHECK_EQ_U64(rk_backend_is_gpu(), gpu_available());

    int rc = rk_backend_select("gpu", &e);
    if (gpu_available()) {
        CHECK_EQ_U64(rc, RK_OK);
        CHECK(rk_backend_is_gpu());
    } else {
        CHECK_EQ_U64(rc, RK_EINTERNAL);
        CHECK_STR_HAS(e.msg, "gpu");
    }

    setenv(RK_DEVICE_ENV, "cpu", 1);
    CHECK_EQ_U64(rk_backend_select(NULL, &e), RK_OK);
    CHECK(!rk_backend_is_gpu());
    setenv(RK_DEVICE_ENV, "nonsense", 1);
    CHECK_EQ_U64(rk_backend_select("", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, RK_DEVICE_ENV);
    CHECK_EQ_U64(rk_backend_select("cpu", &e), RK_OK); /* the flag beats the environment */
    unsetenv(RK_DEVICE_ENV);
    CHECK_EQ_U64(rk_backend_select(NULL, &e), RK_OK); /* default: auto */
    CHECK_EQ_U64(rk_backend_is_gpu(), gpu_available());
    rk_backend_select("cpu", &e);
}

/* With -v, "auto" without a GPU says once on stderr that it uses the CPU. */
static void test_backend_verbose_once(void)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    CHECK(tmp != NULL && saved >= 0);
    if (!tmp || saved < 0)
        return;
    dup2(fileno(tmp), 2);
    rk_err e;
    rk_backend_set_verbose(1);
    rk_backend_select("auto", &e);
    rk_backend_select("auto", &e);
    rk_backend_set_verbose(0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char buf[1024] = {0};
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    fclose(tmp);
    if (gpu_available()) {
        CHECK_EQ_U64(n, 0);
    } else {
        CHECK_STR_HAS(buf, "using the CPU");
        char *second = strstr(buf, "using the CPU");
        CHECK(second && !strstr(second + 1, "using the CPU"));
    }
    rk_backend_select("cpu", &e);
}

int main(void)
{
    const char *big = getenv("RAIKO_GPU_TEST_BIG");
    int device = gpu_available();
    g_big = device && big && strcmp(big, "0") != 0;
    RUN(test_backend_select);
    RUN(test_backend_verbose_once);
    RUN(test_fri_fold_reference);
    const char *why = NULL;
    if (device) {
        printf("# device: %s\n", gpu_device_name());
    } else if (gpu_emulation_compiled()) {
        gpu_set_emulation(1);
        printf("# no CUDA device: testing the kernels in host emulation\n");
    } else {
        why = "built without CUDA";
        RUN(test_stub_says_why);
    }
    if (why) {
        SKIP(test_p2_permute_kat, why);
        SKIP(test_p2_permute_random, why);
        SKIP(test_p2_hash_rows, why);
        SKIP(test_p2_compress_layer, why);
        SKIP(test_merkle_commit, why);
        SKIP(test_lde_commit, why);
        SKIP(test_merkle_bad_shapes, why);
        SKIP(test_ntt_forward_inverse, why);
        SKIP(test_ntt_tile_sizes, why);
        SKIP(test_ntt_coset_lde, why);
        SKIP(test_ntt_bad_size, why);
        SKIP(test_fri_fold, why);
        SKIP(test_quotient, why);
        SKIP(test_logup, why);
        SKIP(test_threads, why);
        SKIP(test_device_memory, why);
    } else {
        RUN(test_p2_permute_kat);
        RUN(test_p2_permute_random);
        RUN(test_p2_hash_rows);
        RUN(test_p2_compress_layer);
        RUN(test_merkle_commit);
        RUN(test_lde_commit);
        RUN(test_merkle_kept_layers);
        RUN(test_merkle_bad_shapes);
        RUN(test_ntt_forward_inverse);
        RUN(test_ntt_tile_sizes);
        RUN(test_ntt_coset_lde);
        RUN(test_ntt_bad_size);
        RUN(test_fri_fold);
        RUN(test_deep_reduce);
        RUN(test_coset_eval);
        RUN(test_quotient_chunks);
        RUN(test_quotient);
        RUN(test_logup);
        RUN(test_threads);
        RUN(test_device_memory);
    }
    if (device)
        RUN(test_device_oom_message);
    else
        SKIP(test_device_oom_message, "needs a CUDA device");
    printf("# peak device memory of this run: %zu bytes\n", gpu_mem_peak());
    gpu_shutdown();
    return t_done();
}
