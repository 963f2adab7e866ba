/* check.c - evaluating the segment AIR on concrete traces (the prover's
 * side): the BYTES table's multiplicities are computed by evaluating every
 * lookup the other tables send, and rvair_check verifies every constraint
 * and every bus before anything is proven, naming what does not hold. */
#include "rvair/rvair_int.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define B AIR_BLOCK

typedef int (*row_fn)(void *ctx, const air_table *t, size_t row, const bb_t *scratch, size_t r);

/* Evaluate the author's nodes of t over rows [lo, hi) (column-batched by
 * air_eval_block) and call fn for each row. */
static int eval_rows_range(const air_table *t, const bb_t *main, unsigned log_h, const bb_t *pre,
                           const bb_t *publics, size_t lo, size_t hi, const uint8_t *need, row_fn fn, void *ctx,
                           rk_err *e)
{
    size_t n = (size_t)1 << log_h;
    bb_t *scratch = malloc(air_block_scratch_words(t) * sizeof(bb_t));
    if (!scratch)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    uint32_t local[B], next[B];
    bb_t isf[B], isl[B], ist[B];
    int rc = RK_OK;
    for (size_t r0 = lo; r0 < hi && !rc; r0 += B) {
        air_block blk;
        memset(&blk, 0, sizeof blk);
        blk.n = hi - r0 < B ? hi - r0 : B;
        for (size_t r = 0; r < blk.n; r++) {
            size_t row = r0 + r;
            local[r] = (uint32_t)row;
            next[r] = (uint32_t)((row + 1) & (n - 1));
            isf[r] = row == 0 ? bb_one() : bb_zero();
            isl[r] = row == n - 1 ? bb_one() : bb_zero();
            ist[r] = row == n - 1 ? bb_zero() : bb_one();
        }
        blk.main = main;
        blk.pre = pre;
        blk.main_w = t->main_width;
        blk.pre_w = t->pre_width;
        blk.local = local;
        blk.next = next;
        blk.is_first = isf;
        blk.is_last = isl;
        blk.is_transition = ist;
        blk.publics = publics;
        air_eval_block_needed(t, &blk, t->is_public ? t->n_nodes : t->n_user_nodes, need, scratch);
        for (size_t r = 0; r < blk.n && !rc; r++)
            rc = fn(ctx, t, r0 + r, scratch, r);
    }
    free(scratch);
    return rc;
}

/* Every row of t. */
static int eval_rows(const air_table *t, const bb_t *main, unsigned log_h, const bb_t *pre, const bb_t *publics,
                     row_fn fn, void *ctx, rk_err *e)
{
    return eval_rows_range(t, main, log_h, pre, publics, 0, (size_t)1 << log_h, NULL, fn, ctx, e);
}

static inline bb_t node_at(const bb_t *scratch, air_expr x, size_t r) { return scratch[(size_t)x * 4 * B + r]; }

/* ---- multiplicities of the BYTES table ---- */
typedef struct count_ctx {
    uint32_t *cnt; /* BYTES_WIDTH counters per row, row-major */
    rk_err *e;
} count_ctx;

static int count_row(void *vc, const air_table *t, size_t row, const bb_t *s, size_t r)
{
    count_ctx *c = vc;
    for (size_t i = 0; i < t->n_inter; i++) {
        const air_interaction *it = &t->inter[i];
        if (it->bus != RVAIR_BUS_BYTE && it->bus != RVAIR_BUS_R16)
            continue;
        uint32_t mult = bb_to_u32(node_at(s, it->mult, r));
        if (!mult)
            continue;
        uint32_t v[4];
        for (unsigned k = 0; k < it->n_values; k++)
            v[k] = bb_to_u32(node_at(s, it->values[k], r));
        uint32_t idx, col;
        if (it->bus == RVAIR_BUS_R16) {
            if (v[0] >= 65536)
                return rk_fail(c->e, RK_EINPUT, "table %s row %zu interaction %zu: %u is not 16-bit", t->name,
                               row, i, v[0]);
            idx = v[0];
            col = BYTES_M_R16;
        } else {
            if (v[0] > 3 || v[1] > 255 || v[2] > 255)
                return rk_fail(c->e, RK_EINPUT, "table %s row %zu interaction %zu: (%u, %u, %u) is not a byte lookup",
                               t->name, row, i, v[0], v[1], v[2]);
            uint32_t x = v[1], y = v[2];
            uint32_t want = v[0] == 0 ? 0 : v[0] == 1 ? (x & y) : v[0] == 2 ? (x | y) : (x ^ y);
            if (v[3] != want)
                return rk_fail(c->e, RK_EINPUT, "table %s row %zu interaction %zu: byte op %u(%u, %u) != %u",
                               t->name, row, i, v[0], x, y, v[3]);
            idx = x + 256 * y;
            col = v[0] == 0 ? BYTES_M_PAIR : v[0] == 1 ? BYTES_M_AND : v[0] == 2 ? BYTES_M_OR : BYTES_M_XOR;
        }
        c->cnt[(size_t)idx * BYTES_WIDTH + col] += mult;
    }
    return RK_OK;
}

int rvair_count_lookups(const air_machine *m, rvair_trace *tr, const bb_t *bytes_pre, rk_err *e)
{
    bb_t *pub = NULL;
    int rc = rvair_publics(&tr->bnd, &pub, e);
    if (rc)
        return rc;
    /* Rows in pieces on the threads, each thread counting into its own array (integer sums:
     * any split gives the same counts); the first failing piece's error is reported, so the
     * message names the first bad row whatever the thread count. */
    const size_t ncnt = (size_t)BYTES_WIDTH << RVAIR_BYTES_LOG, piece = (size_t)1 << 13;
    const int nthr = omp_get_max_threads();
    uint32_t *cnt = calloc(ncnt * (size_t)nthr, sizeof *cnt);
    if (!cnt) {
        free(pub);
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
    for (int ti = 0; ti < RVAIR_N_TABLES && !rc; ti++) {
        if (ti == RVAIR_T_BYTES)
            continue;
        const air_table *t = m->tables[ti];
        const size_t n = (size_t)1 << tr->log_h[ti], npc = (n + piece - 1) / piece;
        rk_err *errs = calloc(npc, sizeof *errs);
        int *rcs = calloc(npc, sizeof *rcs);
        /* only the nodes that the byte and 16-bit lookups read (not the constraints) */
        uint8_t *need = malloc(t->n_nodes ? t->n_nodes : 1);
        air_expr *outs = malloc((t->n_inter * 5 + 1) * sizeof *outs);
        if (!errs || !rcs || !need || !outs) {
            free(errs);
            free(rcs);
            free(need);
            free(outs);
            rc = rk_fail(e, RK_EINTERNAL, "out of memory");
            break;
        }
        size_t n_outs = 0;
        for (size_t i = 0; i < t->n_inter; i++) {
            const air_interaction *it = &t->inter[i];
            if (it->bus != RVAIR_BUS_BYTE && it->bus != RVAIR_BUS_R16)
                continue;
            outs[n_outs++] = it->mult;
            for (unsigned k = 0; k < it->n_values; k++)
                outs[n_outs++] = it->values[k];
        }
        air_mark_needed(t, outs, n_outs, need);
        free(outs);
#pragma omp parallel for schedule(dynamic, 1) if (npc > 1)
        for (size_t k = 0; k < npc; k++) {
            count_ctx c = {cnt + ncnt * (size_t)omp_get_thread_num(), &errs[k]};
            size_t lo = k * piece, hi = lo + piece < n ? lo + piece : n;
            rcs[k] = eval_rows_range(t, tr->main[ti], tr->log_h[ti], NULL, pub, lo, hi, need, count_row, &c,
                                     &errs[k]);
        }
        free(need);
        for (size_t k = 0; k < npc && !rc; k++)
            if ((rc = rcs[k]))
                *e = errs[k];
        free(errs);
        free(rcs);
    }
    if (!rc)
#pragma omp parallel for schedule(static) if (ncnt >= 4096)
        for (size_t i = 0; i < ncnt; i++) {
            uint32_t sum = 0;
            for (int t = 0; t < nthr; t++)
                sum += cnt[ncnt * (size_t)t + i];
            tr->main[RVAIR_T_BYTES][i] = bb_from_u32(sum);
        }
    (void)bytes_pre;
    free(cnt);
    free(pub);
    return rc;
}

/* ---- the full check ---- */
typedef struct check_ctx {
    bb4_t beta, gamma[40];
    bb4_t sum[RVAIR_N_BUSES];
    rk_err *e;
} check_ctx;

static bb4_t fingerprint(const check_ctx *c, unsigned bus, const uint32_t *v, unsigned n)
{
    bb4_t d = bb4_add(c->beta, bb4_from_base(bb_from_u32(bus)));
    for (unsigned i = 0; i < n; i++)
        d = bb4_add(d, bb4_mul_base(c->gamma[i], bb_from_u32(v[i])));
    return d;
}

static int check_row(void *vc, const air_table *t, size_t row, const bb_t *s, size_t r)
{
    check_ctx *c = vc;
    for (unsigned k = 0; k < t->n_user_constraints; k++)
        if (!bb_eq(node_at(s, t->constraints[k], r), bb_zero()))
            return rk_fail(c->e, RK_EFALSE, "table %s: constraint %u (%s) fails at row %zu", t->name, k,
                           t->labels && t->labels[k] ? t->labels[k] : "-", row);
    for (size_t i = 0; i < t->n_inter; i++) {
        const air_interaction *it = &t->inter[i];
        bb_t mult = node_at(s, it->mult, r);
        if (bb_eq(mult, bb_zero()))
            continue;
        uint32_t v[40];
        for (unsigned k = 0; k < it->n_values; k++)
            v[k] = bb_to_u32(node_at(s, it->values[k], r));
        bb4_t f = bb4_mul_base(bb4_inv(fingerprint(c, it->bus, v, it->n_values)), mult);
        c->sum[it->bus] = it->sign > 0 ? bb4_add(c->sum[it->bus], f) : bb4_sub(c->sum[it->bus], f);
    }
    return RK_OK;
}

int rvair_check(const air_machine *m, const rvair_trace *tr, const bb_t *bytes_pre, rk_err *e)
{
    static const char *const bus_names[RVAIR_N_BUSES] = {"mem", "byte", "range16", "poseidon2",
                                                         "leaf", "hint", "end", "halt"};
    bb_t *pub = NULL;
    int rc = rvair_publics(&tr->bnd, &pub, e);
    if (rc)
        return rc;
    check_ctx c;
    memset(&c, 0, sizeof c);
    c.e = e;
    /* fixed pseudo-random challenges: this is the prover's sanity check, not the proof */
    uint32_t x = 0x9E3779B9u;
    for (int j = 0; j < 4; j++) {
        x = x * 1664525u + 1013904223u;
        c.beta.c[j] = bb_from_u32(x);
    }
    bb4_t g = bb4_zero();
    for (int j = 0; j < 4; j++) {
        x = x * 1664525u + 1013904223u;
        g.c[j] = bb_from_u32(x);
    }
    c.gamma[0] = g;
    for (int i = 1; i < 40; i++)
        c.gamma[i] = bb4_mul(c.gamma[i - 1], g);
    for (int ti = 0; ti < RVAIR_N_TABLES && !rc; ti++)
        rc = eval_rows(m->tables[ti], tr->main[ti], tr->log_h[ti], ti == RVAIR_T_BYTES ? bytes_pre : NULL, pub,
                       check_row, &c, e);
    if (!rc && m->pub)
        rc = eval_rows(m->pub, NULL, 0, NULL, pub, check_row, &c, e);
    for (unsigned b = 0; b < RVAIR_N_BUSES && !rc; b++)
        if (!bb4_eq(c.sum[b], bb4_zero()))
            rc = rk_fail(e, RK_EFALSE, "bus %s does not balance", bus_names[b]);
    free(pub);
    return rc;
}
