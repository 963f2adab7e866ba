/* bench_prim.c - primitives: BabyBear multiply throughput, NTT (forward, coset LDE), Poseidon2
 * permutations, p2_hash_rows, p2_compress_layer; AVX2 and scalar, one and all threads.
 * usage: bench_prim [quick|full]   (quick: 2^20 and 2^22 NTTs; full, or BENCH_FULL=1 in the
 * environment: adds 2^22 x 64 and 2^24 x {1,16,64}, about 4.5 GiB and several minutes)
 * Each figure is the best of a few runs.  Two clocks: "wall" with all threads, and "cpu1" = the
 * thread CPU time of a one-thread run, which a loaded (shared) machine disturbs much less than
 * wall time; on an idle 2-core box wall(2 threads) ~ cpu1 / 2 for these parallel loops. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field/field.h"
#include "hash/poseidon2.h"
#include "ntt/ntt.h"

static int cpu_clock; /* 1: this thread's CPU time (one-thread runs on a shared machine) */
static double now(void)
{
    struct timespec ts;
    clock_gettime(cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd32(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}
static void fill(bb_t *a, size_t n)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) a[i] = bb_from_u32((uint32_t)(i * 2654435761u) ^ 0x5bd1e995u);
}

#ifdef BB_HAVE_AVX2_CODE
/* independent chains of 8-lane multiplies: throughput, lanes per second, one thread */
static BB_AVX2 double mul_rate_avx2(void)
{
    __m256i a[8], b = bb8_set1(bb_from_u32(rnd32()));
    for (int i = 0; i < 8; i++) a[i] = bb8_set1(bb_from_u32(rnd32()));
    const long iters = 20000000;
    double t0 = now();
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 8; i++) a[i] = bb8_mul(a[i], b);
    double t = now() - t0;
    bb_t sink[8];
    __m256i x = a[0];
    for (int i = 1; i < 8; i++) x = _mm256_xor_si256(x, a[i]);
    bb8_store(sink, x);
    if (sink[0] == 12345) printf(" ");
    return (double)iters * 64 / t;
}
#endif

static double mul_rate_scalar(void)
{
    bb_t a[8], b = bb_from_u32(rnd32());
    for (int i = 0; i < 8; i++) a[i] = bb_from_u32(rnd32());
    const long iters = 20000000;
    double t0 = now();
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 8; i++) a[i] = bb_mul(a[i], b);
    double t = now() - t0;
    bb_t x = 0;
    for (int i = 0; i < 8; i++) x ^= a[i];
    if (x == 12345) printf(" ");
    return (double)iters * 8 / t;
}

static double time_ntt(unsigned log_n, size_t W, int reps, bb_t *m)
{
    size_t n = (size_t)1 << log_n;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        fill(m, n * W);
        double t0 = now();
        if (ntt_forward_batch(m, log_n, W) != 0) return -1;
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best;
}

static double time_lde(unsigned log_n, size_t W, int reps, bb_t *e, bb_t *out)
{
    size_t n = (size_t)1 << log_n;
    fill(e, n * W);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (ntt_coset_lde_batch(e, log_n, W, 1, bb_generator(), out, 1) != 0) return -1;
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best;
}

static double perm_rate(int threads)
{
    const size_t n = 1 << 16; /* states per thread */
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = 0, t1 = 0;
#pragma omp parallel num_threads(threads)
        {
            bb_t(*st)[16] = malloc(n * sizeof *st);
            for (size_t i = 0; i < n; i++)
                for (int j = 0; j < 16; j++) st[i][j] = (bb_t)((i * 16 + j) % BB_P);
#pragma omp barrier
#pragma omp master
            t0 = now();
            p2_permute_batch(st, n);
#pragma omp barrier
#pragma omp master
            t1 = now();
            free(st);
        }
        double rate = (double)n * threads / (t1 - t0);
        if (rate > best) best = rate;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *env_full = getenv("BENCH_FULL"); /* bench/run passes no arguments */
    int full = (argc > 1 && strcmp(argv[1], "full") == 0) || (env_full && strcmp(env_full, "1") == 0);
    int threads = omp_get_max_threads();
    int avx2 = bb_simd_avx2();
    printf("threads %d, AVX2 %s; times are best-of-N wall clock, machine shared (noisy)\n", threads,
           avx2 ? "on" : "off");

    printf("\n### BabyBear multiply, one thread (cpu1)\n");
    cpu_clock = 1;
#ifdef BB_HAVE_AVX2_CODE
    if (avx2) printf("AVX2 8-lane Montgomery mul: %.2f G mul/s\n", mul_rate_avx2() / 1e9);
#endif
    printf("scalar Montgomery mul:      %.2f G mul/s\n", mul_rate_scalar() / 1e9);
    cpu_clock = 0;

    printf("\n### NTT forward (natural order in and out), %d threads\n", threads);
    printf("%-8s %8s %12s %12s %14s\n", "size", "columns", "wall ms", "cpu1 ms", "cpu1 ns/elem");
    unsigned sizes[] = {20, 22, 24};
    size_t widths[] = {1, 16, 64};
    size_t maxelems = (size_t)1 << (full ? 30 : 26);
    bb_t *m = malloc(maxelems * sizeof *m);
    if (!m) return 1;
    for (int si = 0; si < 3; si++) {
        if (!full && sizes[si] == 24) continue;
        for (int wi = 0; wi < 3; wi++) {
            size_t elems = ((size_t)1 << sizes[si]) * widths[wi];
            if (elems > maxelems) continue;
            int reps = elems <= (1u << 22) ? 5 : 2;
            double t = time_ntt(sizes[si], widths[wi], reps, m);
            omp_set_num_threads(1);
            cpu_clock = 1;
            double c = time_ntt(sizes[si], widths[wi], reps, m);
            cpu_clock = 0;
            omp_set_num_threads(threads);
            printf("2^%-6u %8zu %12.2f %12.2f %14.2f\n", sizes[si], widths[wi], t * 1e3, c * 1e3,
                   c * 1e9 / (double)elems);
        }
    }
    /* scalar reference points */
    bb_simd_set_avx2(0);
    omp_set_num_threads(1);
    cpu_clock = 1;
    double ts1 = time_ntt(20, 1, 3, m), ts16 = time_ntt(22, 16, 1, m);
    cpu_clock = 0;
    omp_set_num_threads(threads);
    bb_simd_set_avx2(avx2);
    printf("scalar path, cpu1: 2^20 x 1 %.2f ms, 2^22 x 16 %.2f ms\n", ts1 * 1e3, ts16 * 1e3);

    printf("\n### coset LDE, blowup 2, bit-reversed output, %d threads\n", threads);
    {
        size_t half = maxelems / 3;
        bb_t *e = m, *out = m + half;
        unsigned ls[] = {20, 20, 22};
        size_t ws[] = {1, 16, 16};
        for (int k = 0; k < 3; k++) {
            size_t elems = ((size_t)1 << ls[k]) * ws[k];
            if (2 * elems > maxelems - half) continue;
            double t = time_lde(ls[k], ws[k], 2, e, out);
            omp_set_num_threads(1);
            cpu_clock = 1;
            double c = time_lde(ls[k], ws[k], 2, e, out);
            cpu_clock = 0;
            omp_set_num_threads(threads);
            printf("2^%u x %zu -> 2^%u: wall %.2f ms, cpu1 %.2f ms\n", ls[k], ws[k], ls[k] + 1, t * 1e3, c * 1e3);
        }
    }

    printf("\n### Poseidon2-16 permutations (p2_permute_batch)\n");
    double r2 = perm_rate(threads);
    cpu_clock = 1;
    double r1 = perm_rate(1);
    bb_simd_set_avx2(0);
    double rs = perm_rate(1);
    bb_simd_set_avx2(avx2);
    cpu_clock = 0;
    printf("%d threads (wall): %.2f M/s; 1 thread (cpu1): %.2f M/s; scalar 1 thread (cpu1): %.2f M/s\n",
           threads, r2 / 1e6, r1 / 1e6, rs / 1e6);

    printf("\n### p2_hash_rows 2^20 rows x 16 columns, p2_compress_layer 2^20 -> 2^19, %d threads\n",
           threads);
    {
        size_t h = 1 << 20;
        bb_t *mat = m;
        fill(mat, h * 16);
        p2_digest *dg = (p2_digest *)(m + h * 16);
        const bb_t *mats[1] = {mat};
        size_t w16[1] = {16};
        double best = 1e30, bestc = 1e30;
        for (int r = 0; r < 3; r++) {
            double t0 = now();
            p2_hash_rows(mats, w16, 1, h, dg);
            double t = now() - t0;
            if (t < best) best = t;
            t0 = now();
            p2_compress_layer(dg, h / 2, dg + h);
            t = now() - t0;
            if (t < bestc) bestc = t;
        }
        printf("wall: hash_rows %.2f ms (%.2f M rows/s), compress_layer %.2f ms\n", best * 1e3, h / best / 1e6,
               bestc * 1e3);
        omp_set_num_threads(1);
        cpu_clock = 1;
        best = bestc = 1e30;
        for (int r = 0; r < 2; r++) {
            double t0 = now();
            p2_hash_rows(mats, w16, 1, h, dg);
            double t = now() - t0;
            if (t < best) best = t;
            t0 = now();
            p2_compress_layer(dg, h / 2, dg + h);
            t = now() - t0;
            if (t < bestc) bestc = t;
        }
        cpu_clock = 0;
        omp_set_num_threads(threads);
        printf("cpu1: hash_rows %.2f ms (%.2f M rows/s), compress_layer %.2f ms\n", best * 1e3, h / best / 1e6,
               bestc * 1e3);
    }
    free(m);
    return 0;
}
