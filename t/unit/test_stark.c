/* test_stark.c - example AIRs proven and verified; bad traces do not yield verifying proofs. */
#include <omp.h>

#include "air_examples.h"
#include "stark/stark.h"
#include "test.h"

static const fri_params SMALL = {1, 4, 2, 0, 1};
static char last_msg[RK_ERR_MSG_MAX]; /* the last error: the prover's check, or the verifier's */

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
    stark_prove_opts o = {.test_skip_constraint_check = skip};
    rc = stark_prove(&pk, traces, lh, publics, &o, &proof, &e);
    if (rc) {
        printf("# prove: %s\n", e.msg);
        memcpy(last_msg, e.msg, sizeof last_msg);
        stark_pk_free(&pk);
        rk_buf_free(&proof);
        return 100 + rc;
    }
    rc = stark_verify(m, &pk.vk, vpublics ? vpublics : publics, proof.data, proof.len, &e);
    if (rc) {
        printf("# verify: %s\n", e.msg);
        memcpy(last_msg, e.msg, sizeof last_msg);
    }
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
    CHECK_STR_HAS(last_msg, "stark: table fib: constraints do not hold at zeta"); /* the verifier's check that caught it */
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
    CHECK_STR_HAS(last_msg, "stark: table fib: constraints do not hold at zeta");
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
    CHECK_STR_HAS(last_msg, "stark: table fib: constraints do not hold at zeta");
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
    CHECK_STR_HAS(last_msg, "stark: the LogUp cumulative sums do not add to zero");
    vals[3] = save;
    /* a wrong multiplicity */
    mult[2] = bb_add(mult[2], bb_one());
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, pres, plh, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    CHECK_STR_HAS(last_msg, "stark: the LogUp cumulative sums do not add to zero");
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
    CHECK_STR_HAS(last_msg, "bus mul");
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    CHECK_STR_HAS(last_msg, "stark: the LogUp cumulative sums do not add to zero");
    ops[4 * 2 + 2] = bb_sub(ops[4 * 2 + 2], bb_one());
    /* a wrong product in the chip, used consistently by ops: the lookups balance, the
     * chip's own constraint z = x*y fails */
    chip[4 * 1 + 2] = bb_add(chip[4 * 1 + 2], bb_one());
    for (size_t i = 0; i < 16; i++)
        if (i % 8 == 1)
            ops[4 * i + 2] = chip[4 * 1 + 2];
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_STR_HAS(last_msg, "table mulchip: constraint 0 (z = x*y) fails at row 1");
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    CHECK_STR_HAS(last_msg, "stark: table mulchip: constraints do not hold at zeta");
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
    CHECK_STR_HAS(last_msg, "stark: the LogUp cumulative sums do not add to zero");
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 0, NULL), 100 + RK_EINPUT);
    CHECK_EQ_U64(run(&m, &SMALL, NULL, NULL, trs, lh, bad, NULL, 1, NULL), RK_EFALSE);
    CHECK_STR_HAS(last_msg, "stark: the LogUp cumulative sums do not add to zero");
    air_machine_free(&m);
}

/* A small proof that exercises every part: preprocessed, main, permutation and quotient
 * trees, two heights, LogUp. */
static const fri_params FLIP = {1, 3, 4, 0, 1};

static void small_range_proof(air_machine *m, stark_pk *pk, rk_buf *proof)
{
    rk_err e;
    ex_range_machine(m, &e);
    bb_t *vals, *mult, *pre;
    ex_range_traces(2, 3, 11, &vals, &mult, &pre);
    const bb_t *trs[2] = {vals, mult}, *pres[2] = {NULL, pre};
    unsigned lh[2] = {2, 3}, plh[2] = {0, 3};
    stark_pk_init(pk);
    CHECK_EQ_U64(stark_keygen(m, &FLIP, pres, plh, pk, &e), RK_OK);
    rk_buf_init(proof);
    CHECK_EQ_U64(stark_prove(pk, trs, lh, NULL, NULL, proof, &e), RK_OK);
    free(vals);
    free(mult);
    free(pre);
}

/* Every single byte of the proof, flipped (two bit patterns), makes verification fail. */
static void every_byte_flip_rejected(void)
{
    air_machine m;
    stark_pk pk;
    rk_buf proof;
    small_range_proof(&m, &pk, &proof);
    rk_err e;
    CHECK_EQ_U64(stark_verify(&m, &pk.vk, NULL, proof.data, proof.len, &e), RK_OK);
    printf("# proof of %zu bytes\n", proof.len);
    uint8_t *copy = malloc(proof.len + 1);
    size_t accepted = 0;
    static const uint8_t pat[2] = {0x01, 0x80};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < proof.len; i++) {
            memcpy(copy, proof.data, proof.len);
            copy[i] ^= pat[k];
            if (stark_verify(&m, &pk.vk, NULL, copy, proof.len, &e) != RK_EFALSE) {
                if (accepted++ < 5)
                    printf("# flip 0x%02x at byte %zu accepted\n", pat[k], i);
            }
        }
    CHECK_EQ_U64(accepted, 0);
    /* truncation at every length, and one trailing byte */
    for (size_t n = 0; n < proof.len; n++)
        if (stark_verify(&m, &pk.vk, NULL, proof.data, n, &e) != RK_EFALSE)
            accepted++;
    memcpy(copy, proof.data, proof.len);
    copy[proof.len] = 0;
    CHECK_EQ_U64(stark_verify(&m, &pk.vk, NULL, copy, proof.len + 1, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "trailing");
    CHECK_EQ_U64(accepted, 0);
    free(copy);
    rk_buf_free(&proof);
    stark_pk_free(&pk);
    air_machine_free(&m);
}

/* Same bytes with 1 and 2 threads. */
static void deterministic_across_threads(void)
{
    rk_buf a, b;
    air_machine m1, m2;
    stark_pk p1, p2;
    rk_err e;
    int save = omp_get_max_threads();
    omp_set_num_threads(1);
    ex_mul_machine(&m1, &e);
    bb_t *ops, *chip;
    ex_mul_traces(12, 9, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {12, 9};
    stark_pk_init(&p1);
    stark_keygen(&m1, &SMALL, NULL, NULL, &p1, &e);
    rk_buf_init(&a);
    CHECK_EQ_U64(stark_prove(&p1, trs, lh, NULL, NULL, &a, &e), RK_OK);
    omp_set_num_threads(2);
    ex_mul_machine(&m2, &e);
    stark_pk_init(&p2);
    stark_keygen(&m2, &SMALL, NULL, NULL, &p2, &e);
    rk_buf_init(&b);
    CHECK_EQ_U64(stark_prove(&p2, trs, lh, NULL, NULL, &b, &e), RK_OK);
    CHECK_EQ_U64(a.len, b.len);
    if (a.len == b.len)
        CHECK_MEM(a.data, b.data, a.len);
    CHECK_EQ_U64(stark_verify(&m2, &p2.vk, NULL, a.data, a.len, &e), RK_OK);
    omp_set_num_threads(save);
    free(ops);
    free(chip);
    rk_buf_free(&a);
    rk_buf_free(&b);
    stark_pk_free(&p1);
    stark_pk_free(&p2);
    air_machine_free(&m1);
    air_machine_free(&m2);
}

static void vk_roundtrip_and_malformed(void)
{
    air_machine m;
    stark_pk pk;
    rk_buf proof, enc;
    small_range_proof(&m, &pk, &proof);
    rk_err e;
    rk_buf_init(&enc);
    CHECK_EQ_U64(stark_vk_encode(&pk.vk, &enc, &e), RK_OK);
    stark_vk vk;
    stark_vk_init(&vk);
    CHECK_EQ_U64(stark_vk_decode(enc.data, enc.len, &vk, &e), RK_OK);
    CHECK_EQ_U64(stark_verify(&m, &vk, NULL, proof.data, proof.len, &e), RK_OK);
    CHECK_EQ_U64(stark_security_bits(&vk), 1 * 3 + 4);
    /* every flipped byte: decode fails, or the machine check or verification fails */
    uint8_t *c = malloc(enc.len + 1);
    size_t accepted = 0;
    for (size_t i = 0; i < enc.len; i++) {
        memcpy(c, enc.data, enc.len);
        c[i] ^= 0x01;
        stark_vk v2;
        stark_vk_init(&v2);
        if (stark_vk_decode(c, enc.len, &v2, &e) == RK_OK &&
            stark_verify(&m, &v2, NULL, proof.data, proof.len, &e) == RK_OK)
            accepted++;
        stark_vk_free(&v2);
    }
    CHECK_EQ_U64(accepted, 0);
    memcpy(c, enc.data, enc.len);
    c[enc.len] = 0;
    CHECK_EQ_U64(stark_vk_decode(c, enc.len + 1, &vk, &e), RK_EINPUT);
    CHECK_EQ_U64(stark_vk_decode(c, enc.len - 1, &vk, &e), RK_EINPUT);
    /* a vk for another machine */
    air_machine f;
    ex_fib_machine(&f, &e);
    CHECK_EQ_U64(stark_vk_decode(enc.data, enc.len, &vk, &e), RK_OK);
    CHECK_EQ_U64(stark_verify(&f, &vk, NULL, proof.data, proof.len, &e), RK_EINPUT);
    free(c);
    stark_vk_free(&vk);
    air_machine_free(&f);
    rk_buf_free(&enc);
    rk_buf_free(&proof);
    stark_pk_free(&pk);
    air_machine_free(&m);
}

/* AIR building errors are reported once, by finalize. */
static void air_build_errors(void)
{
    air_machine m;
    rk_err e;
    air_machine_init(&m, 1);
    air_table *t = air_machine_add_table(&m, "t", 2, 0);
    air_assert_zero(t, air_main(t, 5));
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "main column 5 out of range");
    air_machine_free(&m);
    air_machine_init(&m, 0);
    unsigned bus = air_machine_bus(&m, "b", 2);
    t = air_machine_add_table(&m, "t", 2, 0);
    air_expr v = air_main(t, 0);
    air_send(t, bus, air_const(t, 1), &v, 1);
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "arity 2");
    air_machine_free(&m);
    air_machine_init(&m, 0);
    bus = air_machine_bus(&m, "b", 1);
    t = air_machine_add_table(&m, "t", 2, 0);
    v = air_main_next(t, 0);
    air_send(t, bus, air_const(t, 1), &v, 1);
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "local row");
    air_machine_free(&m);
    /* a degree-5 constraint needs log_blowup 2 */
    air_machine_init(&m, 0);
    t = air_machine_add_table(&m, "deg5", 1, 0);
    air_expr x = air_main(t, 0);
    air_assert_transition(t, air_mul(t, air_mul(t, x, x), air_mul(t, x, x)));
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_OK);
    CHECK_EQ_U64(m.max_degree, 5);
    stark_pk pk;
    stark_pk_init(&pk);
    CHECK_EQ_U64(stark_keygen(&m, &SMALL, NULL, NULL, &pk, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "log_blowup >= 2");
    air_machine_free(&m);
}

/* A degree-5 AIR at log_blowup 2 (quotient in 4 chunks) proves and verifies. */
static void degree5_blowup4(void)
{
    air_machine m;
    rk_err e;
    air_machine_init(&m, 0);
    air_table *t = air_machine_add_table(&m, "pow4", 1, 0);
    air_expr x = air_main(t, 0), x2 = air_mul(t, x, x);
    air_assert_transition(t, air_sub(t, air_main_next(t, 0), air_mul(t, x2, x2)));
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_OK);
    bb_t tr[32];
    tr[0] = ex_u(3);
    for (int i = 1; i < 32; i++)
        tr[i] = bb_mul(bb_sqr(tr[i - 1]), bb_sqr(tr[i - 1]));
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {5};
    fri_params fp = {2, 4, 2, 1, 1};
    CHECK_EQ_U64(run(&m, &fp, NULL, NULL, trs, lh, NULL, NULL, 0, NULL), RK_OK);
    tr[9] = bb_add(tr[9], bb_one());
    CHECK_EQ_U64(run(&m, &fp, NULL, NULL, trs, lh, NULL, NULL, 1, NULL), RK_EFALSE);
    CHECK_STR_HAS(last_msg, "stark: table pow4: constraints do not hold at zeta");
    air_machine_free(&m);
}

/* FRI folding by up to 8 per round: proves, verifies, smaller proof. */
static void fri_arity8(void)
{
    air_machine m;
    rk_err e;
    ex_mul_machine(&m, &e);
    bb_t *ops, *chip;
    ex_mul_traces(8, 5, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {8, 5};
    size_t len[2];
    for (unsigned a = 1; a <= 3; a += 2) {
        stark_pk pk;
        stark_pk_init(&pk);
        CHECK_EQ_U64(stark_keygen_ex(&m, &SMALL, a, NULL, NULL, &pk, &e), RK_OK);
        rk_buf proof;
        rk_buf_init(&proof);
        CHECK_EQ_U64(stark_prove(&pk, trs, lh, NULL, NULL, &proof, &e), RK_OK);
        CHECK_EQ_U64(stark_verify(&m, &pk.vk, NULL, proof.data, proof.len, &e), RK_OK);
        len[a / 2] = proof.len;
        pk.vk.fri.log_arity = a == 1 ? 3 : 1; /* the other layout */
        CHECK_EQ_U64(stark_verify(&m, &pk.vk, NULL, proof.data, proof.len, &e), RK_EFALSE);
        CHECK_STR_HAS(e.msg, "another verifying key");
        rk_buf_free(&proof);
        stark_pk_free(&pk);
    }
    printf("# proof bytes: arity 2: %zu, arity 8: %zu\n", len[0], len[1]);
    CHECK(len[1] < len[0]);
    free(ops);
    free(chip);
    air_machine_free(&m);
}

/* Fibonacci whose last-row constraint reads b + 0 instead of b: the same statement and
 * the same shapes, another constraint DAG. */
static int fib_variant_machine(air_machine *m, rk_err *e)
{
    air_machine_init(m, 3);
    air_table *t = air_machine_add_table(m, "fib", 2, 0);
    air_expr a = air_main(t, 0), b = air_main(t, 1);
    air_expr a2 = air_main_next(t, 0), b2 = air_main_next(t, 1);
    air_assert_first(t, air_sub(t, a, air_public(t, 0)));
    air_assert_first(t, air_sub(t, b, air_public(t, 1)));
    air_assert_transition(t, air_sub(t, a2, b));
    air_assert_transition(t, air_sub(t, b2, air_add(t, a, b)));
    air_assert_last(t, air_sub(t, air_add_const(t, b, 0), air_public(t, 2)));
    return air_machine_finalize(m, e);
}

/* prove under (m, fp, arity); returns the proof and keeps the pk */
static void prove_with(const air_machine *m, const fri_params *fp, unsigned arity, const bb_t *const *trs,
                       const unsigned *lh, const bb_t *pub, stark_pk *pk, rk_buf *proof)
{
    rk_err e = {0};
    stark_pk_init(pk);
    rk_buf_init(proof);
    CHECK_EQ_U64(stark_keygen_ex(m, fp, arity, NULL, NULL, pk, &e), RK_OK);
    CHECK_EQ_U64(stark_prove(pk, trs, lh, pub, NULL, proof, &e), RK_OK);
    CHECK_EQ_U64(stark_verify(m, &pk->vk, pub, proof->data, proof->len, &e), RK_OK);
}

/* The verifying key binds the AIR's constraint DAG and every FRI parameter: a proof made
 * under a machine with one constraint written differently, or under another query count,
 * PoW, final polynomial length or folding arity, is rejected by the original's verifier,
 * which names the key; the original's vk does not pass for the other machine. */
static void key_binds_air_and_params(void)
{
    air_machine m1, m2;
    rk_err e = {0};
    CHECK_EQ_U64(ex_fib_machine(&m1, &e), RK_OK);
    CHECK_EQ_U64(fib_variant_machine(&m2, &e), RK_OK);
    p2_digest d1, d2, d1b;
    CHECK_EQ_U64(stark_air_digest(&m1, &d1, &e), RK_OK);
    CHECK_EQ_U64(stark_air_digest(&m2, &d2, &e), RK_OK);
    CHECK(memcmp(&d1, &d2, sizeof d1) != 0);
    air_machine m1b;
    CHECK_EQ_U64(ex_fib_machine(&m1b, &e), RK_OK);
    CHECK_EQ_U64(stark_air_digest(&m1b, &d1b, &e), RK_OK);
    CHECK_MEM(&d1, &d1b, sizeof d1); /* deterministic: the same machine built again */
    air_machine_free(&m1b);

    bb_t pub[3];
    bb_t *tr = ex_fib_trace(5, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {5};
    stark_pk pk1, pk2;
    rk_buf p1, p2;
    prove_with(&m1, &SMALL, 1, trs, lh, pub, &pk1, &p1);
    prove_with(&m2, &SMALL, 1, trs, lh, pub, &pk2, &p2);
    /* the other circuit's proof, checked by the original verifier */
    CHECK_EQ_U64(stark_verify(&m1, &pk1.vk, pub, p2.data, p2.len, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "another verifying key");
    /* and with the proof's key digest replaced by the original's: the transcript differs */
    rk_buf forged;
    rk_buf_init(&forged);
    rk_buf_put(&forged, p2.data, p2.len);
    memcpy(forged.data, p1.data, 32);
    CHECK_EQ_U64(stark_verify(&m1, &pk1.vk, pub, forged.data, forged.len, &e), RK_EFALSE);
    rk_buf_free(&forged);
    /* the other machine's vk does not pass for the original machine */
    CHECK_EQ_U64(stark_verify(&m1, &pk2.vk, pub, p2.data, p2.len, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "another AIR");
    rk_buf_free(&p2);
    stark_pk_free(&pk2);

    /* other FRI parameters, one at a time */
    const fri_params others[4] = {{1, 5, 2, 0, 1}, {1, 4, 3, 0, 1}, {1, 4, 2, 1, 1}, {1, 4, 2, 0, 2}};
    for (int i = 0; i < 4; i++) {
        prove_with(&m1, &others[i], others[i].log_arity, trs, lh, pub, &pk2, &p2);
        CHECK_EQ_U64(stark_verify(&m1, &pk1.vk, pub, p2.data, p2.len, &e), RK_EFALSE);
        CHECK_STR_HAS(e.msg, "another verifying key");
        rk_buf_free(&p2);
        stark_pk_free(&pk2);
    }
    rk_buf_free(&p1);
    stark_pk_free(&pk1);
    free(tr);
    air_machine_free(&m1);
    air_machine_free(&m2);
}

/* Each early check names itself: the key digest, a height, the LogUp sum (a table's
 * cumulative sum changed), the out-of-domain equation (an opened value changed). */
static void tamper_classes_named(void)
{
    air_machine m;
    stark_pk pk;
    rk_buf proof;
    small_range_proof(&m, &pk, &proof);
    rk_err e = {0};
    /* words: key digest 0..7, heights 8..9, main root 10..17, perm root 18..25,
     * cumsum[vals] 26..29, cumsum[range] 30..33, quotient root 34..41, opened values 42.. */
    static const struct { size_t word; const char *msg; } cases[] = {
        {3, "another verifying key"},
        {9, "bad log height"}, /* the preprocessed table: its height is the vk's */
        {27, "LogUp cumulative sums do not add to zero"},
        {43, "constraints do not hold at zeta"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *c = malloc(proof.len);
        memcpy(c, proof.data, proof.len);
        uint32_t w = rk_le32(c + 4 * cases[i].word);
        rk_put_le32(c + 4 * cases[i].word, w ? w - 1 : 1);
        CHECK_EQ_U64(stark_verify(&m, &pk.vk, NULL, c, proof.len, &e), RK_EFALSE);
        CHECK_STR_HAS(e.msg, cases[i].msg);
        free(c);
    }
    rk_buf_free(&proof);
    stark_pk_free(&pk);
    air_machine_free(&m);
}

/* A vk of the previous layout (version 1) fails to decode with a message naming the version. */
static void vk_old_version_rejected(void)
{
    uint8_t v1[8];
    rk_put_le32(v1, STARK_VK_MAGIC);
    rk_put_le32(v1 + 4, 1);
    stark_vk vk;
    stark_vk_init(&vk);
    rk_err e = {0};
    CHECK_EQ_U64(stark_vk_decode(v1, sizeof v1, &vk, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "version 1 (this build reads 2)");
    stark_vk_free(&vk);
}

/* Bad parameters and shapes are input errors, named in the message. */
static void bad_inputs(void)
{
    rk_err e;
    fri_params bad[5] = {{0, 4, 2, 0, 1}, {1, 0, 2, 0, 1}, {1, 4, 28, 0, 1}, {1, 4, 2, 9, 1}, {1, 4, 2, 0, 5}};
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U64(fri_params_check(&bad[i], &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "log_arity 5");
    air_machine m;
    ex_range_machine(&m, &e);
    bb_t *vals, *mult, *pre;
    ex_range_traces(3, 3, 5, &vals, &mult, &pre);
    const bb_t *trs[2] = {vals, mult}, *pres[2] = {NULL, pre};
    unsigned plh[2] = {0, 3};
    stark_pk pk;
    stark_pk_init(&pk);
    CHECK_EQ_U64(stark_keygen(&m, &bad[0], pres, plh, &pk, &e), RK_EINPUT);
    CHECK_EQ_U64(stark_keygen(&m, &SMALL, pres, plh, &pk, &e), RK_OK);
    rk_buf out;
    rk_buf_init(&out);
    unsigned lh_wrong_pre[2] = {3, 4}, lh_zero[2] = {0, 3}, lh_big[2] = {27, 3};
    CHECK_EQ_U64(stark_prove(&pk, trs, lh_wrong_pre, NULL, NULL, &out, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "preprocessed columns have 3");
    CHECK_EQ_U64(stark_prove(&pk, trs, lh_zero, NULL, NULL, &out, &e), RK_EINPUT);
    CHECK_EQ_U64(stark_prove(&pk, trs, lh_big, NULL, NULL, &out, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "table vals: log height 27 out of range");
    stark_pk_free(&pk);
    unsigned plh_bad[2] = {0, 0};
    CHECK_EQ_U64(stark_keygen(&m, &SMALL, pres, plh_bad, &pk, &e), RK_EINPUT);
    rk_buf_free(&out);
    free(vals);
    free(mult);
    free(pre);
    air_machine_free(&m);
}

int main(void)
{
    RUN(key_binds_air_and_params);
    RUN(vk_old_version_rejected);
    RUN(tamper_classes_named);
    RUN(fib_small);
    RUN(fib_default_params);
    RUN(fib_wrong_public_rejected);
    RUN(fib_bad_transition);
    RUN(fib_bad_boundary);
    RUN(range_check);
    RUN(two_tables_lookup);
    RUN(public_interactions);
    RUN(every_byte_flip_rejected);
    RUN(deterministic_across_threads);
    RUN(vk_roundtrip_and_malformed);
    RUN(air_build_errors);
    RUN(degree5_blowup4);
    RUN(bad_inputs);
    RUN(fri_arity8);
    return t_done();
}
