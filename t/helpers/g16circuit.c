/* g16circuit - write a test/benchmark circuit as .r1cs and a witness as .wtns.
 *
 *   g16circuit N X OUT.r1cs OUT.wtns [wrong]
 *
 * The circuit has N constraints over public output y and public input x:
 * v_1 = x * x, v_{i+1} = v_i * v_i + x (i < N-1), and y = v_N enforced by the
 * last multiplication writing y.  "wrong" writes a witness that fails the
 * last constraint (for the negative tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "r1cs/r1cs.h"

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: g16circuit N X OUT.r1cs OUT.wtns [wrong]\n");
        return 2;
    }
    unsigned long n = strtoul(argv[1], NULL, 10);
    unsigned long long x0 = strtoull(argv[2], NULL, 10);
    if (n < 1) {
        fprintf(stderr, "g16circuit: N must be >= 1\n");
        return 2;
    }
    int wrong = argc == 6 && strcmp(argv[5], "wrong") == 0;
    /* values first: public variables come before private ones */
    fr_t x, *v = malloc(n * sizeof *v);
    if (!v)
        return 3;
    fr_from_u64(&x, x0);
    fr_sqr(&v[0], &x);
    for (unsigned long i = 1; i < n; i++) {
        fr_sqr(&v[i], &v[i - 1]);
        fr_add(&v[i], &v[i], &x);
    }
    r1cs cs;
    r1cs_init(&cs);
    uint32_t vy = r1cs_public(&cs, &v[n - 1]);
    uint32_t vx = r1cs_public(&cs, &x);
    cs.n_outputs = 1;
    uint32_t prev = vx;
    for (unsigned long i = 0; i < n; i++) {
        uint32_t cur = i + 1 == n ? vy : r1cs_private(&cs, &v[i]);
        r1cs_lc a, c;
        r1cs_lc_var(&a, i == 0 ? vx : prev);
        r1cs_lc_var(&c, cur);
        if (i > 0) { /* v_i * v_i = cur - x */
            fr_t m1;
            fr_one(&m1);
            fr_neg(&m1, &m1);
            r1cs_lc_add_term(&c, vx, &m1);
        }
        r1cs_enforce(&cs, &a, &a, &c);
        prev = cur;
    }
    if (wrong) {
        fr_t one;
        fr_one(&one);
        fr_add(&cs.w[cs.n_vars - 1], &cs.w[cs.n_vars - 1], &one);
    }
    rk_err e;
    int rc = r1cs_status(&cs, &e);
    if (!rc)
        rc = r1cs_save_r1cs(&cs, argv[3], &e);
    if (!rc)
        rc = r1cs_save_wtns(cs.w, cs.n_vars, argv[4], &e);
    if (rc)
        fprintf(stderr, "g16circuit: %s\n", e.msg);
    r1cs_free(&cs);
    free(v);
    return rc;
}
