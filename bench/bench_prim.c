/* bench_prim.c - primitives: BabyBear multiply throughput, NTT (forward, coset LDE), Poseidon2
 * permutations, p2_hash_rows (2^16 x 400 and 2^20 x 16), p2_compress_layer; scalar, AVX2 and (Poseidon2)
 * AVX-512, one and all threads.
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

/* 0 scalar, 1 AVX2, 2 AVX-512; returns 0 if this CPU lacks the path */
static const char *const path_name[3] = {"scalar", "AVX2", "AVX-512"};
static int p2_set_path(int mode)
{
    bb_simd_set_avx2(mode >= 1);
    bb_simd_set_avx512(mode >= 2);
    return bb_simd_avx2() == (mode >= 1) && bb_simd_avx512() == (mode >= 2);
}

/* best of reps, on `threads` threads (1: this thread's CPU clock) */
static double time_hash_rows(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t h,
                             p2_digest *out, int threads, int reps)
{
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    cpu_clock = threads == 1;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        p2_hash_rows(mats, widths, n_mats, h, out);
        double t = now() - t0;
        if (t < best) best = t;
    }
    cpu_clock = 0;
    omp_set_num_threads(saved);
    return best;
}

static double time_compress(const p2_digest *in, size_t n, p2_digest *out, int threads, int reps)
{
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    cpu_clock = threads == 1;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        p2_compress_layer(in, n, out);
        double t = now() - t0;
        if (t < best) best = t;
    }
    cpu_clock = 0;
    omp_set_num_threads(saved);
    return best;
}

int main(int argc, char **argv)
{
    const char *env_full = getenv("BENCH_FULL"); /* bench/run passes no arguments */
    int full = (argc > 1 && strcmp(argv[1], "full") == 0) || (env_full && strcmp(env_full, "1") == 0);
    int threads = omp_get_max_threads();
    int avx2 = bb_simd_avx2(), avx512 = bb_simd_avx512();
    printf("threads %d, AVX2 %s, AVX-512 %s; times are best-of-N wall clock, machine shared (noisy)\n", threads,
           avx2 ? "on" : "off", avx512 ? "on" : "off");

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

    /* Poseidon2: every SIMD path this CPU has (they give the same bytes), one thread on its CPU
     * clock and all threads on the wall clock */
    printf("\n### Poseidon2-16 permutations (p2_permute_batch), M perm/s\n");
    printf("%-8s %14s %16s\n", "path", "1 thread cpu1", "threads wall");
    for (int mode = 2; mode >= 0; mode--) {
        if (!p2_set_path(mode)) continue;
        cpu_clock = 1;
        double r1 = perm_rate(1);
        cpu_clock = 0;
        double r2 = mode ? perm_rate(threads) : 0;
        if (mode)
            printf("%-8s %14.2f %12.2f (%d)\n", path_name[mode], r1 / 1e6, r2 / 1e6, threads);
        else
            printf("%-8s %14.2f %16s\n", path_name[mode], r1 / 1e6, "-");
    }

    printf("\n### p2_hash_rows 2^16 rows x 400 columns (a main-trace commitment: 50 permutations a row)\n");
    printf("%-8s %16s %16s %18s\n", "path", "cpu1 ms", "wall ms", "M perm/s wall");
    {
        size_t h = 1 << 16, w = 400;
        bb_t *mat = m;
        fill(mat, h * w);
        p2_digest *dg = (p2_digest *)(m + h * w);
        const bb_t *mats[1] = {mat};
        for (int mode = 2; mode >= 0; mode--) {
            if (!p2_set_path(mode)) continue;
            size_t rows = mode ? h : h / 16; /* the scalar path on a sixteenth, scaled up */
            double c = time_hash_rows(mats, &w, 1, rows, dg, 1, 2) * (double)(h / rows);
            double t = mode ? time_hash_rows(mats, &w, 1, rows, dg, threads, 3) : 0;
            if (mode)
                printf("%-8s %16.1f %16.1f %18.2f\n", path_name[mode], c * 1e3, t * 1e3, (double)h * 50 / t / 1e6);
            else
                printf("%-8s %16.1f %16s %18s\n", path_name[mode], c * 1e3, "-", "-");
        }
    }

    printf("\n### p2_hash_rows 2^20 rows x 16 columns, p2_compress_layer 2^20 -> 2^19, %d threads\n",
           threads);
    {
        size_t h = 1 << 20;
        bb_t *mat = m;
        fill(mat, h * 16);
        p2_digest *dg = (p2_digest *)(m + h * 16);
        const bb_t *mats[1] = {mat};
        size_t w16[1] = {16};
        for (int mode = 2; mode >= 1; mode--) {
            if (!p2_set_path(mode)) continue;
            double t = time_hash_rows(mats, w16, 1, h, dg, threads, 3);
            double tc = time_compress(dg, h / 2, dg + h, threads, 3);
            double c = time_hash_rows(mats, w16, 1, h, dg, 1, 2);
            double cc = time_compress(dg, h / 2, dg + h, 1, 2);
            printf("%-8s wall: hash_rows %.2f ms (%.2f M rows/s), compress_layer %.2f ms; cpu1: %.2f ms, %.2f ms\n",
                   path_name[mode], t * 1e3, h / t / 1e6, tc * 1e3, c * 1e3, cc * 1e3);
        }
    }
    p2_set_path(avx512 ? 2 : avx2 ? 1 : 0);
    free(m);
    return 0;
}
