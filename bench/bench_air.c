/* bench_air - the prover's constraint evaluation (air_eval_block + the alpha
 * combination, as in the quotient) over the segment AIR's tables, one thread,
 * with each SIMD path (portable, AVX2, AVX-512).  Rows are random field
 * words: the evaluator's cost does not depend on the values.
 * Usage: bench_air [log_rows (default 12)]
 * Prints, per table and path, thread CPU ns per row (best of 5; CPU time rather
 * than wall time, since other jobs share the cores). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "air/air.h"
#include "rvair/rvair.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static bb_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (bb_t)(rng % BB_P);
}

/* One pass over n rows as compute_quotient does it; returns a checksum. */
static bb_t pass(const air_table *t, const bb_t *main, const bb_t *pre, const bb_t *perm, size_t n,
                 const bb_t *publics, const bb4_t *ch, const bb4_t *apow, bb_t *s)
{
    enum { B = AIR_BLOCK };
    uint32_t loc[B], nxt[B];
    bb_t isf[B], isl[B], ist[B], acc[4 * B];
    bb_t sum = 0;
    for (size_t r0 = 0; r0 < n; r0 += B) {
        for (size_t r = 0; r < B; r++) {
            loc[r] = (uint32_t)(r0 + r);
            nxt[r] = (uint32_t)((r0 + r + 2) & (n - 1));
            isf[r] = isl[r] = ist[r] = (bb_t)(r0 + r) % BB_P;
        }
        air_block blk = {B,   main, pre, perm, t->main_width, t->pre_width, 4 * (size_t)t->perm_width,
                         loc, nxt,  isf, isl,  ist,           publics,      ch};
        air_eval_block(t, &blk, t->n_nodes, s);
        air_block_combine(t, s, B, t->constraints, apow, t->n_constraints, acc);
        sum = bb_add(sum, acc[r0 / B % (4 * B)]);
    }
    return sum;
}

int main(int argc, char **argv)
{
    unsigned log_n = argc > 1 ? (unsigned)atoi(argv[1]) : 12;
    size_t n = (size_t)1 << log_n;
    air_machine m;
    rk_err e = {0};
    if (rvair_machine_build(&m, 280, &e)) {
        printf("bench_air: %s\n", e.msg);
        return 1;
    }
    bb_t publics[4096];
    for (size_t i = 0; i < m.n_public && i < 4096; i++)
        publics[i] = rnd();
    bb4_t ch[64];
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 4; j++)
            ch[i].c[j] = rnd();
    printf("air_eval_block + air_block_combine over 2^%u rows, 1 thread, block %d: CPU ns per row (best of 5)\n",
           log_n, AIR_BLOCK);
    printf("%-10s %6s %6s %8s %8s %8s\n", "table", "nodes", "cons", "scalar", "avx2", "avx512");
    int rc = 0;
    for (size_t ti = 0; ti < m.n_tables; ti++) {
        const air_table *t = m.tables[ti];
        size_t wm = t->main_width, wp = t->pre_width, wq = 4 * (size_t)t->perm_width;
        bb_t *main = malloc(n * wm * sizeof *main), *pre = malloc(n * (wp ? wp : 1) * sizeof *pre);
        bb_t *perm = malloc(n * (wq ? wq : 1) * sizeof *perm);
        bb_t *s = malloc(air_block_scratch_words(t) * sizeof *s);
        bb4_t *apow = malloc((t->n_constraints + 1) * sizeof *apow);
        for (size_t i = 0; i < n * wm; i++)
            main[i] = rnd();
        for (size_t i = 0; i < n * wp; i++)
            pre[i] = rnd();
        for (size_t i = 0; i < n * wq; i++)
            perm[i] = rnd();
        for (size_t i = 0; i <= t->n_constraints; i++)
            for (int j = 0; j < 4; j++)
                apow[i].c[j] = rnd();
        double ns[3] = {0, 0, 0};
        bb_t sums[3] = {0, 0, 0};
        for (int mode = 0; mode < 3; mode++) {
            bb_simd_set_avx2(mode >= 1);
            bb_simd_set_avx512(mode == 2);
            if ((mode == 1 && !bb_simd_avx2()) || (mode == 2 && !bb_simd_avx512()))
                continue;
            double best = 1e30;
            for (int rep = 0; rep < 5; rep++) {
                double t0 = now();
                sums[mode] = pass(t, main, pre, perm, n, publics, ch, apow, s);
                double dt = now() - t0;
                if (dt < best)
                    best = dt;
            }
            ns[mode] = best * 1e9 / (double)n;
        }
        if ((ns[1] && sums[1] != sums[0]) || (ns[2] && sums[2] != sums[0])) {
            printf("%s: the SIMD paths disagree with the portable one\n", t->name);
            rc = 1;
        }
        printf("%-10s %6zu %6zu %8.1f %8.1f %8.1f\n", t->name, t->n_nodes, t->n_constraints, ns[0], ns[1], ns[2]);
        free(main);
        free(pre);
        free(perm);
        free(s);
        free(apow);
    }
    bb_simd_set_avx2(1);
    bb_simd_set_avx512(1);
    air_machine_free(&m);
    return rc;
}
