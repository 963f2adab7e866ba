/* air_examples.h - example AIRs for the STARK tests and benchmarks (header-only).
 *
 *  fib:    Fibonacci, 2 columns; public values a0, b0, b_last.
 *  range:  a LogUp range check: table "vals" sends each value on bus "range";
 *          table "range" (preprocessed column 0..2^k-1) receives with a
 *          multiplicity column.
 *  mul:    two tables linked by a lookup: "ops" sends (x, y, z) triples on bus
 *          "mul"; "mulchip" (another height) checks z = x*y and receives them.
 *  wide:   W columns, degree-3 transitions, for benchmarks.
 * Each builder returns a finalized machine; each trace generator fills
 * row-major traces (caller frees).
 */
#ifndef RAIKO_AIR_EXAMPLES_H
#define RAIKO_AIR_EXAMPLES_H

#include <stdlib.h>
#include <string.h>

#include "air/air.h"

static inline bb_t ex_u(uint32_t v) { return bb_from_u32(v); }

/* ---- Fibonacci ---- */
static inline int ex_fib_machine(air_machine *m, rk_err *e)
{
    air_machine_init(m, 3);
    air_table *t = air_machine_add_table(m, "fib", 2, 0);
    air_expr a = air_main(t, 0), b = air_main(t, 1);
    air_expr a2 = air_main_next(t, 0), b2 = air_main_next(t, 1);
    air_assert_first(t, air_sub(t, a, air_public(t, 0)));
    air_assert_first(t, air_sub(t, b, air_public(t, 1)));
    air_assert_transition(t, air_sub(t, a2, b));
    air_assert_transition(t, air_sub(t, b2, air_add(t, a, b)));
    air_assert_last(t, air_sub(t, b, air_public(t, 2)));
    return air_machine_finalize(m, e);
}

/* publics[3] = {a0, b0, b at the last row} */
static inline bb_t *ex_fib_trace(unsigned log_n, bb_t *publics)
{
    size_t n = (size_t)1 << log_n;
    bb_t *tr = malloc(2 * n * sizeof *tr);
    bb_t a = ex_u(0), b = ex_u(1);
    publics[0] = a;
    publics[1] = b;
    for (size_t i = 0; i < n; i++) {
        tr[2 * i] = a;
        tr[2 * i + 1] = b;
        bb_t c = bb_add(a, b);
        a = b;
        b = c;
    }
    publics[2] = tr[2 * (n - 1) + 1];
    return tr;
}

/* ---- range check through LogUp ---- */
static inline int ex_range_machine(air_machine *m, rk_err *e)
{
    air_machine_init(m, 0);
    unsigned bus = air_machine_bus(m, "range", 1);
    air_table *v = air_machine_add_table(m, "vals", 1, 0);
    air_expr x = air_main(v, 0);
    air_send(v, bus, air_const(v, 1), &x, 1);
    air_table *r = air_machine_add_table(m, "range", 1, 1);
    air_expr t = air_pre(r, 0);
    air_receive(r, bus, air_main(r, 0), &t, 1);
    return air_machine_finalize(m, e);
}

/* vals: 2^log_v values < 2^log_r; range: preprocessed 0..2^log_r-1, multiplicities. */
static inline void ex_range_traces(unsigned log_v, unsigned log_r, uint64_t seed, bb_t **vals,
                                   bb_t **mult, bb_t **pre)
{
    size_t nv = (size_t)1 << log_v, nr = (size_t)1 << log_r;
    *vals = malloc(nv * sizeof **vals);
    *mult = calloc(nr, sizeof **mult);
    *pre = malloc(nr * sizeof **pre);
    uint32_t *cnt = calloc(nr, sizeof *cnt);
    for (size_t i = 0; i < nv; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t x = (uint32_t)(seed >> 33) & (uint32_t)(nr - 1);
        (*vals)[i] = ex_u(x);
        cnt[x]++;
    }
    for (size_t i = 0; i < nr; i++) {
        (*mult)[i] = ex_u(cnt[i]);
        (*pre)[i] = ex_u((uint32_t)i);
    }
    free(cnt);
}

/* ---- two tables linked by a lookup ---- */
static inline int ex_mul_machine(air_machine *m, rk_err *e)
{
    air_machine_init(m, 0);
    unsigned bus = air_machine_bus(m, "mul", 3);
    air_table *ops = air_machine_add_table(m, "ops", 4, 0); /* x, y, z, is_real */
    air_expr is_real = air_main(ops, 3);
    air_assert_bool(ops, is_real);
    air_expr v[3] = {air_main(ops, 0), air_main(ops, 1), air_main(ops, 2)};
    air_send(ops, bus, is_real, v, 3);
    air_table *mc = air_machine_add_table(m, "mulchip", 4, 0); /* x, y, z, mult */
    air_expr x = air_main(mc, 0), y = air_main(mc, 1), z = air_main(mc, 2);
    air_set_label(mc, "z = x*y");
    air_assert_zero(mc, air_sub(mc, z, air_mul(mc, x, y)));
    air_expr w[3] = {x, y, z};
    air_receive(mc, bus, air_main(mc, 3), w, 3);
    return air_machine_finalize(m, e);
}

/* ops: 2^log_ops rows, the first half real, using the 2^log_chip chip rows
 * round-robin; chip row i = (i+3, 2i+5, product, uses). */
static inline void ex_mul_traces(unsigned log_ops, unsigned log_chip, bb_t **ops, bb_t **chip)
{
    size_t no = (size_t)1 << log_ops, nc = (size_t)1 << log_chip;
    *ops = calloc(no * 4, sizeof **ops);
    *chip = calloc(nc * 4, sizeof **chip);
    uint32_t *uses = calloc(nc, sizeof *uses);
    for (size_t i = 0; i < nc; i++) {
        bb_t x = ex_u((uint32_t)i + 3), y = ex_u(2 * (uint32_t)i + 5);
        (*chip)[4 * i] = x;
        (*chip)[4 * i + 1] = y;
        (*chip)[4 * i + 2] = bb_mul(x, y);
    }
    for (size_t i = 0; i < no / 2; i++) {
        size_t k = i % nc;
        memcpy(*ops + 4 * i, *chip + 4 * k, 3 * sizeof(bb_t));
        (*ops)[4 * i + 3] = bb_one();
        uses[k]++;
    }
    for (size_t i = 0; i < nc; i++)
        (*chip)[4 * i + 3] = ex_u(uses[i]);
    free(uses);
}

/* ---- wide AIR for benchmarks: x_i' = x_i * x_(i+1) + x_(i+2) (degree 3 with the selector) ---- */
static inline int ex_wide_machine(air_machine *m, unsigned w, rk_err *e)
{
    air_machine_init(m, 0);
    air_table *t = air_machine_add_table(m, "wide", w, 0);
    for (unsigned i = 0; i < w; i++) {
        air_expr nx = air_main_next(t, i);
        air_expr p = air_mul(t, air_main(t, i), air_main(t, (i + 1) % w));
        air_assert_transition(t, air_sub(t, nx, air_add(t, p, air_main(t, (i + 2) % w))));
    }
    return air_machine_finalize(m, e);
}

static inline bb_t *ex_wide_trace(unsigned log_n, unsigned w)
{
    size_t n = (size_t)1 << log_n;
    bb_t *tr = malloc(n * w * sizeof *tr);
    for (unsigned i = 0; i < w; i++)
        tr[i] = ex_u(i + 1);
    for (size_t r = 1; r < n; r++) {
        const bb_t *p = tr + (r - 1) * w;
        bb_t *q = tr + r * w;
        for (unsigned i = 0; i < w; i++)
            q[i] = bb_add(bb_mul(p[i], p[(i + 1) % w]), p[(i + 2) % w]);
    }
    return tr;
}

#endif
