/* bench_groth16 - Groth16 over BN254: build a circuit, INSECURE deterministic
 * setup, prove, verify; timings and peak RSS.
 *
 *   bench_groth16                       2^14 and 2^16 "chain" and "gadgets" circuits, in process
 *   bench_groth16 gen KIND LOG DIR      write DIR/KIND_LOG.{r1cs,wtns,zkey} for
 *                                       bench/groth16_vs_snarkjs (same files for both provers)
 *
 * KIND chain:   y = x^2 + x iterated (every witness value a full-size field element:
 *               the MSMs' worst case).
 * KIND gadgets: Poseidon2-BN254 Merkle paths and BabyBear^4 products (the wrap
 *               circuit's mix: many bits and 31-bit values).
 * LOG: the circuit gets about 2^LOG - 2^(LOG-6) constraints (domain 2^LOG). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gadgets/gadgets.h"
#include "groth16/groth16.h"

static void build_chain(r1cs *cs, uint32_t n)
{
    fr_t x, *v = malloc(n * sizeof *v);
    fr_from_u64(&x, 7);
    fr_sqr(&v[0], &x);
    for (uint32_t i = 1; i < n; i++) {
        fr_sqr(&v[i], &v[i - 1]);
        fr_add(&v[i], &v[i], &x);
    }
    r1cs_init(cs);
    uint32_t vy = r1cs_public(cs, &v[n - 1]);
    uint32_t vx = r1cs_public(cs, &x);
    fr_t m1;
    fr_one(&m1);
    fr_neg(&m1, &m1);
    uint32_t prev = vx;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t cur = i + 1 == n ? vy : r1cs_private(cs, &v[i]);
        r1cs_lc a, c;
        r1cs_lc_var(&a, prev);
        r1cs_lc_var(&c, cur);
        if (i)
            r1cs_lc_add_term(&c, vx, &m1);
        r1cs_enforce(cs, &a, &a, &c);
        prev = cur;
    }
    free(v);
}

/* Merkle paths of depth 8 and extension products until about n constraints. */
static void build_gadgets(r1cs *cs, uint32_t n)
{
    r1cs_init(cs);
    fr_t zero;
    fr_zero(&zero);
    uint32_t vroot = r1cs_public(cs, &zero); /* set below: the last path's root */
    uint64_t seed = 1;
    uint32_t k = 0;
    fr_t last_root;
    fr_zero(&last_root);
    while (cs->n_constraints + 2200 < n) {
        enum { D = 8 };
        fr_t leaf, sib[D], idx;
        fr_from_u64(&leaf, seed++);
        for (int i = 0; i < D; i++)
            fr_from_u64(&sib[i], seed * 1000003 + (uint64_t)i);
        fr_from_u64(&idx, seed % 256);
        gd_merkle_root_native(&last_root, &leaf, seed % 256, sib, D);
        uint32_t vl = r1cs_private(cs, &leaf), vi = r1cs_private(cs, &idx), vs[D];
        for (int i = 0; i < D; i++)
            vs[i] = r1cs_private(cs, &sib[i]);
        r1cs_lc ll, li, root;
        r1cs_lc_var(&ll, vl);
        r1cs_lc_var(&li, vi);
        gd_merkle_root(cs, &ll, &li, vs, D, &root);
        /* a few extension products per path */
        uint32_t a[4] = {(uint32_t)seed, 2, 3, (uint32_t)(seed * 7)}, b[4] = {5, (uint32_t)seed, 11, 13};
        gd_bb4 x = gd_bb4_alloc(cs, a), y = gd_bb4_alloc(cs, b);
        for (int j = 0; j < 2; j++)
            x = gd_bb4_mul(cs, x, y);
        k++;
        if (cs->n_constraints + 2200 >= n) {
            r1cs_lc lr;
            r1cs_lc_var(&lr, vroot);
            r1cs_enforce_equal(cs, &root, &lr);
        }
    }
    cs->w[vroot] = last_root;
    (void)k;
    /* pad with squarings to the target */
    fr_t t;
    fr_from_u64(&t, 3);
    uint32_t v = r1cs_private(cs, &t);
    while (cs->n_constraints < n) {
        r1cs_lc l;
        r1cs_lc_var(&l, v);
        v = r1cs_mul(cs, &l, &l);
    }
}

static int build(r1cs *cs, const char *kind, unsigned log)
{
    uint32_t n = (1u << log) - (1u << (log - 6)); /* room for the public rows */
    if (strcmp(kind, "chain") == 0)
        build_chain(cs, n);
    else if (strcmp(kind, "gadgets") == 0)
        build_gadgets(cs, n);
    else
        return -1;
    return 0;
}

static int gen(const char *kind, unsigned log, const char *dir)
{
    r1cs cs;
    rk_err e;
    char p[1024];
    if (build(&cs, kind, log)) {
        fprintf(stderr, "bench_groth16: kind is chain or gadgets\n");
        return 2;
    }
    if (r1cs_check(&cs, &e)) {
        fprintf(stderr, "bench_groth16: %s\n", e.msg);
        return 3;
    }
    snprintf(p, sizeof p, "%s/%s_%u.r1cs", dir, kind, log);
    if (r1cs_save_r1cs(&cs, p, &e))
        goto fail;
    snprintf(p, sizeof p, "%s/%s_%u.wtns", dir, kind, log);
    if (r1cs_save_wtns(cs.w, cs.n_vars, p, &e))
        goto fail;
    g16_pk pk;
    g16_pk_init(&pk);
    double t0 = rk_now_seconds();
    if (g16_setup_insecure_deterministic(&pk, &cs, 1, &e))
        goto fail;
    double t1 = rk_now_seconds();
    snprintf(p, sizeof p, "%s/%s_%u.zkey", dir, kind, log);
    if (g16_zkey_save(&pk, p, &e))
        goto fail;
    printf("%s 2^%u: %u constraints, %u variables, insecure setup %.2f s\n", kind, log, cs.n_constraints,
           cs.n_vars, t1 - t0);
    g16_pk_free(&pk);
    r1cs_free(&cs);
    return 0;
fail:
    fprintf(stderr, "bench_groth16: %s\n", e.msg);
    return 3;
}

static int run(const char *kind, unsigned log)
{
    r1cs cs;
    rk_err e;
    build(&cs, kind, log);
    g16_pk pk;
    g16_vk vk;
    g16_pk_init(&pk);
    g16_vk_init(&vk);
    double t0 = rk_now_seconds();
    int rc = g16_setup_insecure_deterministic(&pk, &cs, 1, &e);
    double t1 = rk_now_seconds();
    g16_proof p;
    if (!rc)
        rc = g16_prove(&p, &pk, cs.w, cs.n_vars, NULL, &e);
    double t2 = rk_now_seconds();
    if (!rc)
        rc = g16_vk_from_pk(&vk, &pk, &e);
    if (!rc)
        rc = g16_verify(&vk, cs.w + 1, cs.n_public, &p, &e);
    double t3 = rk_now_seconds();
    if (rc)
        fprintf(stderr, "bench_groth16: %s\n", e.msg);
    printf("| %-7s | 2^%-2u | %8u | %8.2f | %8.2f | %8.3f | %7.0f |\n", kind, log, cs.n_constraints, t1 - t0,
           t2 - t1, t3 - t2, (double)rk_peak_rss_bytes() / 1048576.0);
    g16_vk_free(&vk);
    g16_pk_free(&pk);
    r1cs_free(&cs);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], (unsigned)atoi(argv[3]), argv[4]);
    if (argc != 1) {
        fprintf(stderr, "usage: bench_groth16 [gen chain|gadgets LOG DIR]\n");
        return 2;
    }
    printf("| circuit | size | constraints | setup s (insecure) | prove s | verify s | peak RSS MiB |\n");
    printf("|---|---|---|---|---|---|---|\n");
    int rc = 0;
    static const unsigned logs[] = {14, 16};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 2; i++)
            rc |= run(k ? "gadgets" : "chain", logs[i]);
    return rc;
}
