/* bench_bn254.c - BN254 timings: field products, pairing, MSM (both chord
 * paths, portable and AVX-512 IFMA, on one thread), FFT.
 * usage: bench_bn254 [quick]   (quick: MSM up to 2^16 only; default: up to 2^20) */
#include "bn254/bn254.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cpu_clock; /* 1: this thread's CPU time (single-thread timings under load) */
static double now(void)
{
    struct timespec ts;
    clock_gettime(cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double proc_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd64(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}
static void rnd_fr(fr_t *a)
{
    uint64_t v[4] = {rnd64(), rnd64(), rnd64(), rnd64() & 0x0fffffffffffffffULL};
    fr_from_u256(a, v);
}

static void bench_field(void)
{
    fq_t a, b;
    fq_from_u64(&a, 12345);
    fq_from_u64(&b, 67890);
    const int N = 5000000;
    double t0 = now();
    for (int i = 0; i < N; i++)
        fq_mul(&a, &a, &b);   /* dependent chain: latency */
    double t1 = now();
    for (int i = 0; i < N; i++)
        fq_sqr(&a, &a);
    double t2 = now();
    fq2_t x, y;
    x.c0 = a; x.c1 = b; y = x;
    for (int i = 0; i < N / 4; i++)
        fq2_mul(&x, &x, &y);
    double t3 = now();
    printf("fq_mul %.1f ns, fq_sqr %.1f ns, fq2_mul %.1f ns  (check %lu)\n", (t1 - t0) / N * 1e9,
           (t2 - t1) / N * 1e9, (t3 - t2) / (N / 4) * 1e9, (unsigned long)(a.l[0] ^ x.c0.l[0]));
}

static void bench_pairing(void)
{
    g1_affine p;
    g2_affine q;
    fq12_t e, f;
    g1_generator(&p);
    g2_generator(&q);
    const int N = 20;
    double t0 = now();
    for (int i = 0; i < N; i++)
        bn254_miller_loop(&f, &p, &q);
    double t1 = now();
    for (int i = 0; i < N; i++)
        bn254_final_exp(&e, &f);
    double t2 = now();
    g1_affine ps[4] = {p, p, p, p};
    g2_affine qs[4] = {q, q, q, q};
    g1_affine_neg(&ps[1], &p);
    g1_affine_neg(&ps[3], &p);
    int ok = 1;
    for (int i = 0; i < N / 4; i++)
        ok &= bn254_pairing_check(ps, qs, 4);
    double t3 = now();
    printf("pairing %.3f ms (miller %.3f + final exp %.3f), pairing_check of 4 pairs %.3f ms (ok %d)\n",
           (t2 - t0) / N * 1e3, (t1 - t0) / N * 1e3, (t2 - t1) / N * 1e3, (t3 - t2) / (N / 4) * 1e3, ok);
}

static void bench_msm(unsigned lg, int g2)
{
    size_t n = (size_t)1 << lg;
    fr_t *s = malloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        rnd_fr(&s[i]);
    double t0, t1, c0 = 0, c1 = 0;
    if (!g2) {
        g1_affine *p = malloc(n * sizeof *p), g;
        g1_jac *j = malloc(n * sizeof *j), acc, r;
        g1_generator(&g);
        g1_jac_from_affine(&acc, &g);
        for (size_t i = 0; i < n; i++) {  /* consecutive multiples: cheap to make */
            j[i] = acc;
            g1_jac_add_affine(&acc, &acc, &g);
        }
        g1_jac_batch_to_affine(p, j, n);
        free(j);
        c0 = proc_cpu();
        t0 = now();
        g1_msm(&r, p, s, n);
        t1 = now();
        c1 = proc_cpu();
        free(p);
    } else {
        g2_affine *p = malloc(n * sizeof *p), g;
        g2_jac *j = malloc(n * sizeof *j), acc, r;
        g2_generator(&g);
        g2_jac_from_affine(&acc, &g);
        for (size_t i = 0; i < n; i++) {
            j[i] = acc;
            g2_jac_add_affine(&acc, &acc, &g);
        }
        g2_jac_batch_to_affine(p, j, n);
        free(j);
        c0 = proc_cpu();
        t0 = now();
        g2_msm(&r, p, s, n);
        t1 = now();
        c1 = proc_cpu();
        free(p);
    }
    printf("%s MSM 2^%u: %.1f ms wall, %.1f ms CPU (all threads)\n", g2 ? "G2" : "G1", lg, (t1 - t0) * 1e3,
           (c1 - c0) * 1e3);
    free(s);
}

static void bench_fft(unsigned lg)
{
    size_t n = (size_t)1 << lg;
    fr_t *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        rnd_fr(&a[i]);
    double t0 = now();
    fr_fft(a, lg);
    double t1 = now();
    fr_ifft(a, lg);
    double t2 = now();
    printf("FFT 2^%u: %.1f ms (inverse %.1f ms)\n", lg, (t1 - t0) * 1e3, (t2 - t1) * 1e3);
    free(a);
}

int main(int argc, char **argv)
{
    int full = !(argc > 1 && strcmp(argv[1], "quick") == 0);
    printf("bench_bn254: %d OpenMP threads; field/pairing: thread CPU time; MSM/FFT: wall time\n", omp_get_max_threads());
    cpu_clock = 1;   /* single-threaded parts: CPU time, so other load on the machine counts less */
    bench_field();
    bench_pairing();
    cpu_clock = 0;   /* multithreaded parts: wall time */
    bench_msm(12, 0);
    bench_msm(16, 0);
    if (full) {
        bench_msm(18, 0);
        bench_msm(20, 0);
    }
    bench_msm(12, 1);
    if (full)
        bench_msm(16, 1);
    /* the chords' two paths, one thread (the other core is often someone else's) */
    {
        int nt = omp_get_max_threads();
        omp_set_num_threads(1);
        int have = bn254_use_ifma(1);
        for (int pass = 0; pass < (have ? 2 : 1); pass++) {
            bn254_use_ifma(pass == 0 ? 0 : 1);
            printf("one thread, %s chords:\n", pass == 0 ? "portable" : "AVX-512 IFMA");
            bench_msm(16, 0);
            if (full)
                bench_msm(16, 1);
        }
        bn254_use_ifma(1);
        omp_set_num_threads(nt);
    }
    bench_fft(16);
    if (full)
        bench_fft(20);
    return 0;
}
