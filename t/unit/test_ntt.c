/* test_ntt.c - NTT against a naive DFT (every size 2^0..2^8, many widths, default and tiny cache
 * blocks so the fused global stages run too), inverse(forward) = id on larger sizes, coset LDE
 * against direct polynomial evaluation, bit reversal, and AVX2 == scalar byte for byte. */
#include "test.h"

#include <omp.h>
#include <stdlib.h>

#include "common/err.h"
#include "ntt/ntt.h"

#define P 2013265921ull

static uint64_t rng_state = 0x5eed5eed12345678ull;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static bb_t rnd_bb(void) { return bb_from_u32((uint32_t)(rng_next() % P)); }
static bb_t *rnd_mat(size_t n)
{
    bb_t *m = malloc((n ? n : 1) * sizeof *m);
    for (size_t i = 0; i < n; i++) m[i] = rnd_bb();
    return m;
}

/* column c of a row-major matrix, as a polynomial, evaluated at x (Horner) */
static bb_t eval_col(const bb_t *m, size_t n, size_t W, size_t c, bb_t x)
{
    bb_t acc = 0;
    for (size_t k = n; k-- > 0;) acc = bb_add(bb_mul(acc, x), m[k * W + c]);
    return acc;
}

static size_t rev(size_t i, unsigned bits)
{
    size_t r = 0;
    for (unsigned b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
}

/* forward and inverse against the O(n^2) definitions */
static int check_vs_naive(unsigned log_n, size_t W)
{
    size_t n = (size_t)1 << log_n;
    bb_t *c = rnd_mat(n * W), *m = malloc(n * W * sizeof *m), *want = malloc(n * W * sizeof *m);
    memcpy(m, c, n * W * sizeof *m);
    bb_t w = bb_two_adic_generator(log_n);
    for (size_t i = 0; i < n; i++) {
        bb_t x = bb_pow(w, i);
        for (size_t col = 0; col < W; col++) want[i * W + col] = eval_col(c, n, W, col, x);
    }
    int bad = ntt_forward_batch(m, log_n, W) != RK_OK;
    bad |= memcmp(m, want, n * W * sizeof *m) != 0;
    /* bit-reversed-output variant */
    memcpy(m, c, n * W * sizeof *m);
    bad |= ntt_forward_batch_bitrev_out(m, log_n, W) != RK_OK;
    for (size_t i = 0; i < n && !bad; i++)
        bad |= memcmp(m + rev(i, log_n) * W, want + i * W, W * sizeof *m) != 0;
    /* inverse: c_k = 1/n sum_i e_i w^-ik */
    memcpy(m, want, n * W * sizeof *m);
    bad |= ntt_inverse_batch(m, log_n, W) != RK_OK;
    bad |= memcmp(m, c, n * W * sizeof *m) != 0;
    bb_t winv = bb_inv(w), ninv = bb_inv(bb_from_u32((uint32_t)n));
    for (size_t k = 0; k < n && !bad; k++)
        for (size_t col = 0; col < W; col++)
            bad |= bb_mul(eval_col(want, n, W, col, bb_pow(winv, k)), ninv) != c[k * W + col];
    free(c);
    free(m);
    free(want);
    return bad;
}

static void naive_all(void)
{
    static const size_t widths[] = {1, 2, 3, 5, 7, 8, 9, 16, 17, 33};
    for (unsigned log_n = 0; log_n <= 8; log_n++)
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
            if (log_n == 8 && widths[wi] > 9) continue; /* keep the O(n^2) check fast */
            if (check_vs_naive(log_n, widths[wi])) {
                printf("# mismatch at log_n=%u width=%zu\n", log_n, widths[wi]);
                CHECK(0);
                return;
            }
        }
}

static void test_naive_default_blocks(void) { naive_all(); }

/* tiny cache blocks: most stages become fused global stages (groups of 1..4) */
static void test_naive_tiny_blocks(void)
{
    size_t sizes[] = {32, 64, 256};
    for (size_t i = 0; i < 3; i++) {
        ntt_test_set_block_bytes(sizes[i]);
        naive_all();
    }
    ntt_test_set_block_bytes(0);
}

/* inverse(forward(x)) = x, and spot checks of forward against Horner, at larger sizes that use
 * several fused global passes with the default blocks */
static void check_roundtrip(unsigned log_n, size_t W)
{
    size_t n = (size_t)1 << log_n;
    bb_t *c = rnd_mat(n * W), *m = malloc(n * W * sizeof *m);
    memcpy(m, c, n * W * sizeof *m);
    CHECK_EQ_U64(ntt_forward_batch(m, log_n, W), RK_OK);
    bb_t w = bb_two_adic_generator(log_n);
    for (int t = 0; t < 3; t++) {
        size_t i = rng_next() % n, col = rng_next() % W;
        CHECK_EQ_U64(m[i * W + col], eval_col(c, n, W, col, bb_pow(w, i)));
    }
    CHECK_EQ_U64(ntt_inverse_batch(m, log_n, W), RK_OK);
    CHECK_MEM(m, c, n * W * sizeof *m);
    free(c);
    free(m);
}

static void test_roundtrip_large(void)
{
    check_roundtrip(16, 1);
    check_roundtrip(18, 1);
    check_roundtrip(14, 16);
    check_roundtrip(13, 64);
    check_roundtrip(12, 9);
    check_roundtrip(14, 3);
    check_roundtrip(11, 300);
}

static void check_lde(unsigned log_n, size_t W, unsigned log_blowup, int bitrev_out)
{
    size_t n = (size_t)1 << log_n, N = n << log_blowup;
    bb_t *c = rnd_mat(n * W), *e = malloc(n * W * sizeof *e), *out = malloc(N * W * sizeof *out);
    memcpy(e, c, n * W * sizeof *e);
    CHECK_EQ_U64(ntt_forward_batch(e, log_n, W), RK_OK); /* evaluations of c over H */
    bb_t shift = bb_generator();
    CHECK_EQ_U64(ntt_coset_lde_batch(e, log_n, W, log_blowup, shift, out, bitrev_out), RK_OK);
    bb_t wN = bb_two_adic_generator(log_n + log_blowup);
    size_t probes[] = {0, 1, N - 1, N / 2, (size_t)(rng_next() % N), (size_t)(rng_next() % N)};
    for (size_t t = 0; t < sizeof probes / sizeof probes[0]; t++) {
        size_t i = probes[t];
        size_t k = bitrev_out ? rev(i, log_n + log_blowup) : i;
        bb_t x = bb_mul(shift, bb_pow(wN, k));
        for (size_t col = 0; col < W; col++) {
            CHECK_EQ_U64(out[i * W + col], eval_col(c, n, W, col, x));
            if (out[i * W + col] != eval_col(c, n, W, col, x)) goto done;
        }
    }
done:
    free(c);
    free(e);
    free(out);
}

static void test_coset_lde(void)
{
    check_lde(0, 1, 1, 0);
    check_lde(3, 1, 1, 0);
    check_lde(3, 1, 2, 1);
    check_lde(6, 4, 1, 0);
    check_lde(6, 4, 3, 1);
    check_lde(10, 1, 1, 1);
    check_lde(10, 16, 1, 0);
    check_lde(9, 9, 2, 0);
    check_lde(12, 5, 1, 1);
    check_lde(15, 1, 1, 0);
    /* all evaluation points of a small case, against Horner */
    size_t W = 3;
    unsigned log_n = 4, lb = 2;
    size_t n = 16, N = 64;
    bb_t *c = rnd_mat(n * W), *e = malloc(n * W * sizeof *e), *out = malloc(N * W * sizeof *out);
    memcpy(e, c, n * W * sizeof *e);
    ntt_forward_batch(e, log_n, W);
    bb_t shift = bb_from_u32(7);
    ntt_coset_lde_batch(e, log_n, W, lb, shift, out, 0);
    bb_t wN = bb_two_adic_generator(log_n + lb);
    int bad = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t col = 0; col < W; col++)
            bad |= out[i * W + col] != eval_col(c, n, W, col, bb_mul(shift, bb_pow(wN, i)));
    CHECK(!bad);
    free(c);
    free(e);
    free(out);
}

static void test_bit_reverse(void)
{
    static const size_t widths[3] = {1, 5, 16};
    for (unsigned log_n = 0; log_n <= 13; log_n++) {
        size_t W = widths[log_n % 3], n = (size_t)1 << log_n;
        bb_t *a = rnd_mat(n * W), *b = malloc(n * W * sizeof *b);
        memcpy(b, a, n * W * sizeof *b);
        ntt_bit_reverse_rows(b, log_n, W);
        int bad = 0;
        for (size_t i = 0; i < n; i++) bad |= memcmp(b + i * W, a + rev(i, log_n) * W, W * sizeof *b) != 0;
        CHECK(!bad);
        ntt_bit_reverse_rows(b, log_n, W);
        CHECK_MEM(a, b, n * W * sizeof *b);
        free(a);
        free(b);
    }
}

/* every public function: AVX2 output == scalar output, byte for byte */
static void test_avx2_equals_scalar(void)
{
    static const struct { unsigned log_n; size_t W; } cases[] = {
        {1, 1}, {3, 1}, {4, 1}, {5, 3}, {7, 8}, {9, 1}, {10, 13}, {12, 16}, {13, 1}, {11, 7}, {8, 100}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        unsigned log_n = cases[t].log_n;
        size_t W = cases[t].W, n = (size_t)1 << log_n;
        bb_t *a = rnd_mat(n * W), *s = malloc(n * W * sizeof *s), *v = malloc(n * W * sizeof *v);
        bb_t *ls = malloc(2 * n * W * sizeof *ls), *lv = malloc(2 * n * W * sizeof *lv);
        for (int pass = 0; pass < 2; pass++) {
            bb_simd_set_avx2(pass);
            bb_t *d = pass ? v : s, *l = pass ? lv : ls;
            memcpy(d, a, n * W * sizeof *d);
            ntt_forward_batch(d, log_n, W);
            ntt_inverse_batch(d, log_n, W); /* identity, but exercises the inverse path */
            ntt_forward_batch_bitrev_out(d, log_n, W);
            ntt_bit_reverse_rows(d, log_n, W);
            ntt_coset_lde_batch(d, log_n, W, 1, bb_generator(), l, t & 1);
        }
        bb_simd_set_avx2(1);
        CHECK_MEM(s, v, n * W * sizeof *s);
        CHECK_MEM(ls, lv, 2 * n * W * sizeof *ls);
        free(a);
        free(s);
        free(v);
        free(ls);
        free(lv);
    }
}

/* identical bytes with 1 and 2 threads (the schedule splits the work differently) */
static void test_thread_count_independent(void)
{
    unsigned log_n = 15;
    size_t W = 16, n = (size_t)1 << log_n;
    bb_t *a = rnd_mat(n * W), *x = malloc(n * W * sizeof *x), *y = malloc(n * W * sizeof *y);
    bb_t *lx = malloc(2 * n * W * sizeof *lx), *ly = malloc(2 * n * W * sizeof *ly);
    int saved = omp_get_max_threads();
    for (int pass = 0; pass < 2; pass++) {
        omp_set_num_threads(pass ? 2 : 1);
        bb_t *d = pass ? y : x;
        memcpy(d, a, n * W * sizeof *d);
        ntt_forward_batch(d, log_n, W);
        ntt_coset_lde_batch(d, log_n, W, 1, bb_generator(), pass ? ly : lx, 0);
        ntt_inverse_batch(d, log_n, W);
    }
    omp_set_num_threads(saved);
    CHECK_MEM(x, y, n * W * sizeof *x);
    CHECK_MEM(lx, ly, 2 * n * W * sizeof *lx);
    CHECK_MEM(x, a, n * W * sizeof *x);
    free(a);
    free(x);
    free(y);
    free(lx);
    free(ly);
}

int main(void)
{
    int had_avx2 = bb_simd_avx2();
    for (int pass = 0; pass < 2; pass++) {
        printf("# pass %d: %s\n", pass + 1, bb_simd_avx2() ? "AVX2" : "scalar");
        RUN(test_naive_default_blocks);
        RUN(test_naive_tiny_blocks);
        RUN(test_roundtrip_large);
        RUN(test_coset_lde);
        RUN(test_bit_reverse);
        if (!had_avx2) break;
        bb_simd_set_avx2(0);
    }
    bb_simd_set_avx2(1);
    RUN(test_thread_count_independent);
    if (had_avx2)
        RUN(test_avx2_equals_scalar);
    else
        SKIP(test_avx2_equals_scalar, "no AVX2 on this CPU (or RAIKO_NO_AVX2 set)");
    return t_done();
}
