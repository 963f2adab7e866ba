/* test_stark.c - example AIRs proven and verified; bad traces do not yield verifying proofs. */
#include <omp.h>

#include "air_examples.h"
#include "stark/stark.h"
#include "test.h"

static const fri_params SMALL = {1, 4, 2, 0};

/* keygen + prove (+ verify); returns the verifier's code, or 100 + the prover's. */
static int run(air_machine *m, const fri_params *fp, const bb_t *const *pre, const unsigned *pre_lh,
               const bb_t *const *traces, const unsigned *lh, const bb_t *publics,
               const bb_t *vpublics, int skip, rk_buf *proof_out)
{
    stark_pk pk;
    stark_pk_init(&pk);
    rk_err e = {0};
    int rc = stark_keygen(m, fp, pre, pre_lh, &pk, &e);
    if (rc) {
        printf("# keygen: %s\n", e.msg);
        return 100 + rc;
    }
    rk_buf proof;
    rk_buf_init(&proof);
    stark_prove_opts o = {skip};
    rc = stark_prove(&pk, traces, lh, publics, &o, &proof, &e);
    if (rc) {
        printf("# prove: %s\n", e.msg);
        stark_pk_free(&pk);
        rk_buf_free(&proof);
        return 100 + rc;
    }
    rc = stark_verify(m, &pk.vk, vpublics ? vpublics : publics, proof.data, proof.len, &e);
    if (rc)
        printf("# verify: %s\n", e.msg);
    if (proof_out)
        *proof_out = proof;
    else
        rk_buf_free(&proof);
    stark_pk_free(&pk);
    return rc;
}

static void fib_small(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    for (unsigned lg = 1; lg <= 6; lg++) {
        bb_t pub[3];
        bb_t *tr = ex_fib_trace(lg, pub);
        const bb_t *trs[1] = {tr};
        unsigned lh[1] = {lg};
        CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, NULL, 0, NULL), RK_OK);
        free(tr);
    }
    air_machine_free(&m);
}

/* Fibonacci at the default parameters (116 conjectured bits). */
static void fib_default_params(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    fri_params fp;
    fri_params_default(&fp);
    CHECK_EQ_U64(fri_security_bits(&fp), 116);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(7, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {7};
    CHECK_EQ_U64(run(&m, &fp, NULL, NULL, trs, lh, pub, NULL, 0, NULL), RK_OK);
    free(tr);
    air_machine_free(&m);
}

static void fib_wrong_public_rejected(void)
{
    air_machine m;
    rk_err e;
    ex_fib_machine(&m, &e);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(4, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {4};
    bb_t vpub[3] = {pub[0], pub[1], bb_add(pub[2], bb_one())};
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, vpub, 0, NULL), RK_EFALSE);
    free(tr);
    air_machine_free(&m);
}

/* A broken transition: the prover refuses; with its check skipped the proof fails. */
static void fib_bad_transition(void)
{
    air_machine m;
    rk_err e;
    ex_fib_machine(&m, &e);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(4, pub);
    tr[2 * 5] = bb_add(tr[2 * 5], bb_one()); /* a[5] */
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {4};
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, NULL, 1, NULL), RK_EFALSE);
    free(tr);
    air_machine_free(&m);
}

/* A broken boundary: the trace is a valid Fibonacci run from other initial values. */
static void fib_bad_boundary(void)
{
    air_machine m;
    rk_err e;
    ex_fib_machine(&m, &e);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(4, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {4};
    bb_t bad[3] = {bb_one(), pub[1], pub[2]}; /* a0 = 1 claimed, trace has 0 */
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 1, NULL), RK_EFALSE);
    free(tr);
    air_machine_free(&m);
}

static void range_check(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_range_machine(&m, &e), RK_OK);
    CHECK_EQ_U64(m.tables[0]->perm_width, 2);
    bb_t *vals, *mult, *pre;
    ex_range_traces(5, 4, 7, &vals, &mult, &pre);
    const bb_t *trs[2] = {vals, mult}, *pres[2] = {NULL, pre};
    unsigned lh[2] = {5, 4}, plh[2] = {0, 4};
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 0, NULL), RK_OK);
    /* a value out of range (16): no multiplicity can balance it */
    bb_t save = vals[3];
    vals[3] = ex_u(16);
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    vals[3] = save;
    /* a wrong multiplicity */
    mult[2] = bb_add(mult[2], bb_one());
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    free(vals);
    free(mult);
    free(pre);
    air_machine_free(&m);
}

static void two_tables_lookup(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_mul_machine(&m, &e), RK_OK);
    bb_t *ops, *chip;
    ex_mul_traces(5, 3, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {5, 3};
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 0, NULL), RK_OK);
    /* a wrong product in ops: the chip cannot receive it */
    ops[4 * 2 + 2] = bb_add(ops[4 * 2 + 2], bb_one());
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    ops[4 * 2 + 2] = bb_sub(ops[4 * 2 + 2], bb_one());
    /* a wrong product in the chip, used consistently by ops: the lookups balance, the
     * chip's own constraint z = x*y fails */
    chip[4 * 1 + 2] = bb_add(chip[4 * 1 + 2], bb_one());
    for (size_t i = 0; i < 16; i++)
        if (i % 8 == 1)
            ops[4 * i + 2] = chip[4 * 1 + 2];
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    free(ops);
    free(chip);
    air_machine_free(&m);
}

/* Public interactions: a table sends (addr, value) for its real rows; the verifier
 * receives the same from the public values. */
static int mem_machine(air_machine *m, rk_err *e)
{
    air_machine_init(m, 2);
    unsigned bus = air_machine_bus(m, "mem", 2);
    air_table *t = air_machine_add_table(m, "mem", 3, 0); /* addr, value, is_real */
    air_expr v[2] = {air_main(t, 0), air_main(t, 1)};
    air_assert_bool(t, air_main(t, 2));
    air_send(t, bus, air_main(t, 2), v, 2);
    air_table *p = air_machine_public_table(m);
    air_expr pv[2] = {air_public(p, 0), air_public(p, 1)};
    air_receive(p, bus, air_const(p, 1), pv, 2);
    return air_machine_finalize(m, e);
}

static void public_interactions(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(mem_machine(&m, &e), RK_OK);
    bb_t tr[4 * 3] = {0};
    tr[3 * 2 + 0] = ex_u(100);
    tr[3 * 2 + 1] = ex_u(7);
    tr[3 * 2 + 2] = bb_one();
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {2};
    bb_t pub[2] = {ex_u(100), ex_u(7)}, bad[2] = {ex_u(100), ex_u(8)};
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, NULL, 0, NULL), RK_OK);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, pub, bad, 0, NULL), RK_EFALSE);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 1, NULL), RK_EFALSE);
    air_machine_free(&m);
}

int main(void)
{
    RUN(fib_small);
    RUN(fib_default_params);
    RUN(fib_wrong_public_rejected);
    RUN(fib_bad_transition);
    RUN(fib_bad_boundary);
    RUN(range_check);
    RUN(two_tables_lookup);
    RUN(public_interactions);
    return t_done();
}
