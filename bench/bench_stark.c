/* bench_stark.c - Merkle commit, and STARK prove/verify time and proof size.
 * Usage: bench_stark [log_rows (default 20)] [wide_log_rows (default 18)] [wide_cols (default 100)] */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../t/unit/air_examples.h"
#include "merkle/merkle.h"
#include "stark/stark.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench_merkle(unsigned log_n, size_t w)
{
    size_t n = (size_t)1 << log_n;
    bb_t *m = malloc(n * w * sizeof *m);
    for (size_t i = 0; i < n * w; i++)
        m[i] = bb_from_u32((uint32_t)(i * 2654435761u));
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    const bb_t *mats[1] = {m};
    unsigned lh[1] = {log_n};
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        merkle_commit(&t, 1, mats, &w, lh, &e);
        double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    printf("merkle_commit 2^%u rows x %zu cols: %.1f ms (best of 3, %d threads)\n", log_n, w,
           best * 1e3, omp_get_max_threads());
    merkle_tree_free(&t);
    free(m);
}

static void bench_prove(const char *name, air_machine *m, const bb_t *const *traces,
                        const unsigned *lh, const bb_t *publics, unsigned arity)
{
    fri_params fp;
    fri_params_default(&fp);
    stark_pk pk;
    stark_pk_init(&pk);
    rk_err e;
    if (stark_keygen_ex(m, &fp, arity, NULL, NULL, &pk, &e)) {
        printf("%s: keygen: %s\n", name, e.msg);
        return;
    }
    rk_buf proof;
    rk_buf_init(&proof);
    double t0 = now(), c0 = (double)clock() / CLOCKS_PER_SEC;
    int rc = stark_prove(&pk, traces, lh, publics, NULL, &proof, &e);
    double tp = now() - t0, cp = (double)clock() / CLOCKS_PER_SEC - c0;
    if (rc) {
        printf("%s: prove: %s\n", name, e.msg);
        return;
    }
    t0 = now();
    rc = stark_verify(m, &pk.vk, publics, proof.data, proof.len, &e);
    double tv = now() - t0;
    printf("%s, FRI arity %u: prove %.2f s (cpu %.2f s), verify %.1f ms (%s), proof %zu bytes, %u conjectured bits, %d threads\n",
           name, 1u << arity, tp, cp, tv * 1e3, rc ? e.msg : "ok", proof.len, stark_security_bits(&pk.vk),
           omp_get_max_threads());
    rk_buf_free(&proof);
    stark_pk_free(&pk);
}

int main(int argc, char **argv)
{
    unsigned lg = argc > 1 ? (unsigned)atoi(argv[1]) : 20;
    unsigned wlg = argc > 2 ? (unsigned)atoi(argv[2]) : 18;
    unsigned wc = argc > 3 ? (unsigned)atoi(argv[3]) : 100;
    bench_merkle(lg, 16);
    rk_err e;
    air_machine m;
    ex_fib_machine(&m, &e);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(lg, pub);
    const bb_t *trs[1] = {tr};
    char name[64];
    snprintf(name, sizeof name, "fibonacci 2^%u x 2", lg);
    bench_prove(name, &m, trs, &lg, pub, 1);
    bench_prove(name, &m, trs, &lg, pub, 3);
    free(tr);
    air_machine_free(&m);
    if (wc > 0) {
        ex_wide_machine(&m, wc, &e);
        tr = ex_wide_trace(wlg, wc);
        trs[0] = tr;
        snprintf(name, sizeof name, "wide deg-3 2^%u x %u", wlg, wc);
        bench_prove(name, &m, trs, &wlg, NULL, 1);
        free(tr);
        air_machine_free(&m);
    }
    return 0;
}
