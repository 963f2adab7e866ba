/* test_air_eval - the prover's block evaluator (air_eval_block, air_block_combine)
 * against the verifier's one-point interpreter (air_eval_point), on random DAGs
 * with every op over base and extension operands, with each SIMD path
 * (portable, AVX2, AVX-512: word for word), on blocks of every size 1..AIR_BLOCK;
 * the builder's sharing of identical nodes; and whole STARK proofs (which also use
 * the prover's vectorized opening sums) byte-identical on every path and thread count. */
#include <omp.h>

#include "air_examples.h"
#include "stark/stark.h"
#include "test.h"

enum { B = AIR_BLOCK, H = 64, MW = 9, PW = 3, QW = 2, NPUB = 3, NCH = 5 };

static uint64_t rs = 0x2545f4914f6cdd1dull;
static uint32_t rnd32(void)
{
    rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
    return (uint32_t)(rs >> 11);
}
/* internal-form words, edge values (0, 1, -1, -2, R) often */
static bb_t rnd_bb(void)
{
    switch (rnd32() % 8) {
    case 0: return 0;
    case 1: return bb_one();
    case 2: return BB_P - 1;
    case 3: return BB_P - 2;
    case 4: return 1;
    default: return rnd32() % BB_P;
    }
}

typedef struct fixture {
    air_table t;
    bb_t main[H * MW], pre[H * PW], perm[H * 4 * QW];
    bb_t publics[NPUB];
    bb4_t ch[NCH];
    uint32_t loc[B], nxt[B];
    bb_t isf[B], isl[B], ist[B];
} fixture;

/* A random DAG written directly as nodes (the builder cannot make every
 * combination, e.g. an extension NEG or base - extension): n_nodes nodes,
 * leaves of every kind first mixed with operations over earlier nodes.  Each
 * column word is read by at most one node (as the builder's sharing ensures),
 * so air_table_index_columns can index the table: with indexed = 1 it does, and
 * the evaluator loads whole rows; otherwise it gathers node by node. */
static void random_table(fixture *f, size_t n_nodes, int indexed)
{
    int seen[3][2][MW] = {{{0}}};
    memset(&f->t, 0, sizeof f->t);
    snprintf(f->t.name, sizeof f->t.name, "random");
    f->t.main_width = MW;
    f->t.pre_width = PW;
    f->t.nodes = calloc(n_nodes, sizeof *f->t.nodes);
    f->t.n_nodes = f->t.cap_nodes = n_nodes;
    for (size_t i = 0; i < n_nodes; i++) {
        air_node *nd = &f->t.nodes[i];
        int leaf = i < 12 || rnd32() % 4 == 0;
        if (leaf) {
            nd->op = (uint8_t)(i < 9 ? i : rnd32() % 9); /* CONST .. IS_TRANSITION */
            if (nd->op == AIR_OP_MAIN || nd->op == AIR_OP_PRE || nd->op == AIR_OP_PERM) {
                uint32_t a = rnd32() % (nd->op == AIR_OP_MAIN ? MW : nd->op == AIR_OP_PRE ? PW : QW), b = rnd32() % 2;
                int *sn = &seen[nd->op - AIR_OP_MAIN][b][a];
                if (*sn)
                    nd->op = AIR_OP_CONST; /* this column word has its node */
                *sn = 1;
                nd->a = a, nd->b = b;
            }
            switch (nd->op) {
            case AIR_OP_CONST: nd->a = nd->b = 0, nd->k = rnd_bb(); break;
            case AIR_OP_MAIN: nd->flags = AIR_F_COLUMN; break;
            case AIR_OP_PRE: nd->flags = AIR_F_COLUMN; break;
            case AIR_OP_PERM: nd->is_ext = 1, nd->flags = AIR_F_PERM; break;
            case AIR_OP_PUBLIC: nd->a = rnd32() % NPUB; break;
            case AIR_OP_CHALLENGE: nd->a = rnd32() % NCH, nd->is_ext = 1, nd->flags = AIR_F_CHALLENGE; break;
            default: nd->flags = AIR_F_SELECTOR; break;
            }
        } else {
            nd->op = (uint8_t)(AIR_OP_ADD + rnd32() % 4);
            /* children: often among the first nodes, so that operations over
             * row-independent values (constants, publics, challenges) occur */
            size_t lim = rnd32() % 3 == 0 ? (i < 12 ? i : 12) : i;
            nd->a = rnd32() % lim;
            nd->b = nd->op == AIR_OP_NEG ? 0 : rnd32() % lim;
            const air_node *x = &f->t.nodes[nd->a], *y = &f->t.nodes[nd->b];
            nd->is_ext = nd->op == AIR_OP_NEG ? x->is_ext : x->is_ext | y->is_ext;
            nd->flags = nd->op == AIR_OP_NEG ? x->flags : x->flags | y->flags;
        }
    }
    f->t.perm_width = QW;
    if (indexed) {
        air_table_index_columns(&f->t);
        CHECK(f->t.col_dst != NULL);
    }
    for (size_t i = 0; i < H * MW; i++)
        f->main[i] = rnd_bb();
    for (size_t i = 0; i < H * PW; i++)
        f->pre[i] = rnd_bb();
    for (size_t i = 0; i < H * 4 * QW; i++)
        f->perm[i] = rnd_bb();
    for (int i = 0; i < NPUB; i++)
        f->publics[i] = rnd_bb();
    for (int i = 0; i < NCH; i++)
        for (int j = 0; j < 4; j++)
            f->ch[i].c[j] = rnd_bb();
    for (int r = 0; r < B; r++) {
        f->loc[r] = rnd32() % H;
        f->nxt[r] = rnd32() % H;
        f->isf[r] = rnd_bb();
        f->isl[r] = rnd_bb();
        f->ist[r] = rnd_bb();
    }
}

static air_block block_of(const fixture *f, size_t n, int selectors)
{
    air_block b = {n,      f->main, f->pre, f->perm, MW, PW, 4 * QW, f->loc, f->nxt,
                   f->isf, f->isl,  f->ist, f->publics, f->ch};
    if (!selectors)
        b.is_first = b.is_last = b.is_transition = NULL;
    return b;
}

/* air_eval_point at block row r: the verifier's interpreter as the reference. */
static void eval_row(const fixture *f, const air_block *b, size_t r, bb4_t *vals)
{
    bb4_t ml[MW], mn[MW], pl[PW], pn[PW], ql[QW], qn[QW];
    for (int c = 0; c < MW; c++)
        ml[c] = bb4_from_base(f->main[f->loc[r] * MW + c]), mn[c] = bb4_from_base(f->main[f->nxt[r] * MW + c]);
    for (int c = 0; c < PW; c++)
        pl[c] = bb4_from_base(f->pre[f->loc[r] * PW + c]), pn[c] = bb4_from_base(f->pre[f->nxt[r] * PW + c]);
    for (int c = 0; c < QW; c++)
        for (int j = 0; j < 4; j++)
            ql[c].c[j] = f->perm[f->loc[r] * 4 * QW + 4 * c + j], qn[c].c[j] = f->perm[f->nxt[r] * 4 * QW + 4 * c + j];
    air_point pt = {ml, mn, pl, pn, ql, qn, f->publics, f->ch, bb4_zero(), bb4_zero(), bb4_zero()};
    if (b->is_first) {
        pt.is_first = bb4_from_base(f->isf[r]);
        pt.is_last = bb4_from_base(f->isl[r]);
        pt.is_transition = bb4_from_base(f->ist[r]);
    }
    air_eval_point(&f->t, &pt, vals);
}

static const char *mode_name[3] = {"scalar", "avx2", "avx512"};
/* 0: portable, 1: AVX2, 2: AVX-512; 0 if the CPU lacks the path */
static int set_mode(int mode)
{
    bb_simd_set_avx2(mode >= 1);
    bb_simd_set_avx512(mode == 2);
    return mode == 0 || (mode == 1 && bb_simd_avx2() && !bb_simd_avx512()) || (mode == 2 && bb_simd_avx512());
}
static void restore_mode(void)
{
    bb_simd_set_avx2(1);
    bb_simd_set_avx512(1);
}

#define SENTINEL 0xdeadbeefu

/* Every node, every row, every block size and path: equal to air_eval_point;
 * nothing written past row n; the paths agree word for word. */
static void random_dags_all_paths(void)
{
    fixture *f = malloc(sizeof *f);
    for (int dag = 0; dag < 12; dag++) {
        random_table(f, 60 + rnd32() % 200, dag % 2);
        size_t words = air_block_scratch_words(&f->t);
        bb_t *s[3], *ref = malloc(words * sizeof *ref);
        bb4_t *vals = malloc(f->t.n_nodes * sizeof *vals);
        for (int m = 0; m < 3; m++)
            s[m] = malloc(words * sizeof *s[m]);
        int ran[3] = {0, 0, 0};
        for (size_t n = 1; n <= B; n++) {
            air_block b = block_of(f, n, (n + dag) % 3 != 0);
            for (int m = 0; m < 3; m++) {
                for (size_t i = 0; i < words; i++)
                    s[m][i] = SENTINEL;
                if (!set_mode(m))
                    continue;
                ran[m] = 1;
                air_eval_block(&f->t, &b, f->t.n_nodes, s[m]);
            }
            restore_mode();
            size_t bad = 0;
            for (size_t r = 0; r < B; r++) {
                if (r < n)
                    eval_row(f, &b, r, vals);
                for (size_t x = 0; x < f->t.n_nodes; x++) {
                    int comps = f->t.nodes[x].is_ext ? 4 : 1;
                    for (int j = 0; j < 4; j++) {
                        size_t at = x * 4 * B + (size_t)j * B + r;
                        /* rows >= n and unused components stay untouched */
                        bb_t want = r < n && j < comps ? vals[x].c[j] : SENTINEL;
                        for (int m = 0; m < 3; m++)
                            if (ran[m] && s[m][at] != want && bad++ < 3)
                                printf("# dag %d n %zu node %zu (op %u ext %u) row %zu comp %d %s: %08x want %08x\n",
                                       dag, n, x, f->t.nodes[x].op, f->t.nodes[x].is_ext, r, j, mode_name[m],
                                       s[m][at], want);
                    }
                    if (r < n && comps == 1)
                        CHECK(vals[x].c[1] == 0 && vals[x].c[2] == 0 && vals[x].c[3] == 0);
                }
            }
            CHECK_EQ_U64(bad, 0);
        }
        CHECK(ran[0]);
        for (int m = 0; m < 3; m++)
            free(s[m]);
        free(ref);
        free(vals);
        free(f->t.nodes);
        free(f->t.col_dst);
    }
    free(f);
}

/* A prefix of the nodes (n_nodes < the table's) evaluates only those. */
static void prefix_only(void)
{
    fixture *f = malloc(sizeof *f);
    random_table(f, 100, 1);
    size_t words = air_block_scratch_words(&f->t);
    bb_t *s = malloc(words * sizeof *s);
    for (size_t i = 0; i < words; i++)
        s[i] = SENTINEL;
    air_block b = block_of(f, B, 1);
    air_eval_block(&f->t, &b, 40, s);
    int untouched = 1;
    for (size_t i = 40 * 4 * B; i < words; i++)
        untouched &= s[i] == SENTINEL;
    CHECK(untouched);
    CHECK(s[0] != SENTINEL);
    free(s);
    free(f->t.nodes);
    free(f->t.col_dst);
    free(f);
}

/* air_mark_needed + air_eval_block_needed: a random few outputs and what they are made of
 * get the full evaluation's words; the other nodes' scratch is not touched (the saving;
 * column leaves excepted: an indexed table loads whole rows). */
static void needed_only(void)
{
    for (int rep = 0; rep < 20; rep++) {
        fixture *f = malloc(sizeof *f);
        random_table(f, 200, rep % 2);
        size_t words = air_block_scratch_words(&f->t), nn = f->t.n_nodes;
        bb_t *full = malloc(words * sizeof *full), *part = malloc(words * sizeof *part);
        uint8_t *need = malloc(nn);
        air_expr outs[3] = {(air_expr)(150 + rnd32() % 50), (air_expr)(rnd32() % 200), (air_expr)(100 + rnd32() % 100)};
        air_mark_needed(&f->t, outs, 3, need);
        for (size_t i = 0; i < words; i++)
            part[i] = SENTINEL;
        air_block b = block_of(f, B - rep % 3, 1);
        air_eval_block(&f->t, &b, nn, full);
        air_eval_block_needed(&f->t, &b, nn, need, part);
        size_t n_need = 0;
        int same = 1, untouched = 1;
        for (size_t x = 0; x < nn; x++) {
            int comps = f->t.nodes[x].is_ext ? 4 : 1;
            for (int j = 0; j < comps; j++)
                for (size_t r = 0; r < b.n; r++) {
                    size_t k = x * 4 * B + j * B + r;
                    if (need[x])
                        same &= part[k] == full[k];
                    else if (f->t.nodes[x].op != AIR_OP_MAIN && f->t.nodes[x].op != AIR_OP_PRE &&
                             f->t.nodes[x].op != AIR_OP_PERM) /* indexed tables load whole rows */
                        untouched &= part[k] == SENTINEL;
                }
            n_need += need[x];
        }
        CHECK(same);
        CHECK(untouched);
        CHECK(need[outs[0]] && need[outs[1]] && need[outs[2]]);
        CHECK(n_need < nn);
        free(need);
        free(full);
        free(part);
        free(f->t.nodes);
        free(f->t.col_dst);
        free(f);
    }
}

/* air_block_combine: sum_i coef_i * node_i at each row, on each path. */
static void combine_all_paths(void)
{
    fixture *f = malloc(sizeof *f);
    for (int rep = 0; rep < 6; rep++) {
        random_table(f, 120, rep % 2);
        size_t words = air_block_scratch_words(&f->t), count = 1 + rnd32() % 40;
        bb_t *s = malloc(words * sizeof *s);
        bb4_t *vals = malloc(f->t.n_nodes * sizeof *vals);
        air_expr xs[40];
        bb4_t coef[40];
        for (size_t i = 0; i < count; i++) {
            xs[i] = rnd32() % f->t.n_nodes;
            for (int j = 0; j < 4; j++)
                coef[i].c[j] = rnd_bb();
        }
        size_t n = rep == 0 ? B : 1 + rnd32() % B;
        air_block b = block_of(f, n, 1);
        air_eval_block(&f->t, &b, f->t.n_nodes, s);
        for (int m = 0; m < 3; m++) {
            if (!set_mode(m))
                continue;
            bb_t acc[4 * B];
            for (int i = 0; i < 4 * B; i++)
                acc[i] = SENTINEL;
            air_block_combine(&f->t, s, n, xs, coef, count, acc);
            for (size_t r = 0; r < B; r++) {
                bb4_t want = bb4_zero();
                if (r < n) {
                    eval_row(f, &b, r, vals);
                    for (size_t i = 0; i < count; i++)
                        want = bb4_add(want, bb4_mul(coef[i], vals[xs[i]]));
                }
                for (int j = 0; j < 4; j++) {
                    bb_t w = r < n ? want.c[j] : SENTINEL;
                    if (acc[j * B + r] != w) {
                        printf("# %s n %zu row %zu comp %d: %08x want %08x\n", mode_name[m], n, r, j,
                               acc[j * B + r], w);
                        CHECK(0);
                    }
                }
            }
        }
        restore_mode();
        free(s);
        free(vals);
        free(f->t.nodes);
        free(f->t.col_dst);
    }
    free(f);
}

/* air_block_batch_inv: each value's inverse, on each path; a row holding a zero
 * gets zeros (documented), the other rows are unaffected. */
static void batch_inv_all_paths(void)
{
    enum { CMAX = 9 };
    bb_t *x = malloc(CMAX * 4 * B * sizeof *x), *y = malloc(CMAX * 4 * B * sizeof *y);
    bb_t *tmp = malloc(CMAX * 4 * B * sizeof *tmp);
    for (int rep = 0; rep < 8; rep++) {
        size_t count = 1 + rep % CMAX, n = rep == 0 ? B : 1 + rnd32() % B;
        size_t zero_row = rep % 2 ? rnd32() % n : SIZE_MAX;
        for (size_t i = 0; i < count * 4 * B; i++)
            x[i] = rnd32() % BB_P;
        if (zero_row != SIZE_MAX) {
            size_t i = rnd32() % count;
            for (int j = 0; j < 4; j++)
                x[i * 4 * B + j * B + zero_row] = 0;
        }
        for (int m = 0; m < 3; m++) {
            if (!set_mode(m))
                continue;
            memcpy(y, x, count * 4 * B * sizeof *y);
            air_block_batch_inv(y, count, n, tmp);
            int bad = 0;
            for (size_t i = 0; i < count; i++)
                for (size_t r = 0; r < n; r++) {
                    const bb_t *p = x + i * 4 * B, *q = y + i * 4 * B;
                    bb4_t v = {{p[r], p[B + r], p[2 * B + r], p[3 * B + r]}};
                    bb4_t w = {{q[r], q[B + r], q[2 * B + r], q[3 * B + r]}};
                    bb4_t want = r == zero_row ? bb4_zero() : bb4_inv(v);
                    bad |= !bb4_eq(w, want);
                    if (r != zero_row)
                        bad |= !bb4_eq(bb4_mul(v, w), bb4_one());
                }
            if (bad)
                printf("# %s count %zu n %zu: wrong inverse\n", mode_name[m], count, n);
            CHECK(!bad);
        }
        restore_mode();
    }
    free(x);
    free(y);
    free(tmp);
}

/* The builder returns the existing node for an identical one (leaves and
 * operations), and a table built with repeats evaluates as one without. */
static void builder_shares_identical_nodes(void)
{
    air_machine m;
    air_machine_init(&m, 1);
    air_table *t = air_machine_add_table(&m, "t", 3, 0);
    air_expr a = air_main(t, 0), a2 = air_main(t, 0), an = air_main_next(t, 0), b = air_main(t, 1);
    CHECK_EQ_U64(a, a2);
    CHECK(a != an);
    CHECK(a != b);
    CHECK_EQ_U64(air_const(t, 7), air_const(t, 7));
    CHECK(air_const(t, 7) != air_const(t, 8));
    CHECK_EQ_U64(air_public(t, 0), air_public(t, 0));
    CHECK_EQ_U64(air_is_transition(t), air_is_transition(t));
    air_expr s1 = air_add(t, a, b), s2 = air_add(t, a2, b);
    CHECK_EQ_U64(s1, s2);
    CHECK(air_sub(t, a, b) != s1);
    CHECK_EQ_U64(air_mul(t, s1, air_const(t, 7)), air_mul(t, s2, air_const(t, 7)));
    size_t before = t->n_nodes;
    for (int i = 0; i < 1000; i++) /* a long run of repeats adds nothing */
        (void)air_mul(t, air_add(t, air_main(t, 2), air_const(t, 3)), air_main(t, 2));
    size_t once = t->n_nodes;
    CHECK_EQ_U64(once, before + 4);
    air_assert_bool(t, a);
    air_assert_bool(t, a2); /* same node: a second constraint on it */
    rk_err e = {0};
    CHECK_EQ_U64(air_machine_finalize(&m, &e), RK_OK);
    CHECK_EQ_U64(t->n_constraints, 2);
    CHECK_EQ_U64(t->constraints[0], t->constraints[1]);
    air_machine_free(&m);
}

/* Many distinct nodes (the set grows and rehashes): each is found again. */
static void builder_many_nodes(void)
{
    air_machine m;
    air_machine_init(&m, 0);
    air_table *t = air_machine_add_table(&m, "t", 4, 0);
    air_expr *c = malloc(5000 * sizeof *c);
    for (uint32_t i = 0; i < 5000; i++)
        c[i] = air_add(t, air_main(t, i % 4), air_const(t, i));
    size_t n = t->n_nodes;
    int same = 1;
    for (uint32_t i = 0; i < 5000; i++)
        same &= air_add(t, air_main(t, i % 4), air_const(t, i)) == c[i];
    CHECK(same);
    CHECK_EQ_U64(t->n_nodes, n);
    CHECK_EQ_U64(n, 4 + 2 * 5000);
    free(c);
    air_machine_free(&m);
}

/* keygen + prove; the proof bytes (verified) in *out. */
static void prove_one(air_machine *m, const bb_t *const *traces, const unsigned *lh, rk_buf *out)
{
    static const fri_params fp = {1, 4, 2, 0, 1};
    stark_pk pk;
    stark_pk_init(&pk);
    rk_err e = {0};
    rk_buf_init(out);
    CHECK_EQ_U64(stark_keygen(m, &fp, NULL, NULL, &pk, &e), RK_OK);
    CHECK_EQ_U64(stark_prove(&pk, traces, lh, NULL, NULL, out, &e), RK_OK);
    CHECK_EQ_U64(stark_verify(m, &pk.vk, NULL, out->data, out->len, &e), RK_OK);
    stark_pk_free(&pk);
}

/* The same proof bytes with each SIMD path and 1 or 2 threads: a LogUp machine
 * (2^13 rows: several 4096-row pieces of the parallel loops; a 4-row table) and a 37-column
 * machine (vector widths plus a tail in the opening sums). */
static void proofs_same_on_every_path(void)
{
    air_machine mul, wide;
    rk_err e = {0};
    CHECK_EQ_U64(ex_mul_machine(&mul, &e), RK_OK);
    CHECK_EQ_U64(ex_wide_machine(&wide, 37, &e), RK_OK);
    bb_t *ops, *chip, *wt = ex_wide_trace(9, 37);
    ex_mul_traces(13, 2, &ops, &chip); /* a 4-row chip: blocks shorter than a vector */
    const bb_t *mtr[2] = {ops, chip}, *wtr[1] = {wt};
    unsigned mlh[2] = {13, 2}, wlh[1] = {9};
    int save = omp_get_max_threads();
    rk_buf ref[2];
    prove_one(&mul, mtr, mlh, &ref[0]);
    prove_one(&wide, wtr, wlh, &ref[1]);
    /* the reference ran with every path the CPU has and the default threads; now
     * the portable and AVX2 paths on 2 threads, and the default path on 1 */
    const int runs[3][2] = {{0, 2}, {1, 2}, {2, 1}};
    for (int i = 0; i < 3; i++) {
        int m = runs[i][0], threads = runs[i][1];
        if (m == 2)
            restore_mode();
        else if (!set_mode(m))
            continue;
        omp_set_num_threads(threads);
        for (int k = 0; k < 2; k++) {
            rk_buf p;
            if (k == 0)
                prove_one(&mul, mtr, mlh, &p);
            else
                prove_one(&wide, wtr, wlh, &p);
            CHECK_EQ_U64(p.len, ref[k].len);
            if (p.len == ref[k].len && memcmp(p.data, ref[k].data, p.len)) {
                printf("# %s, %d threads, machine %d: other proof bytes\n", m == 2 ? "default" : mode_name[m],
                       threads, k);
                CHECK(0);
            }
            rk_buf_free(&p);
        }
    }
    restore_mode();
    omp_set_num_threads(save);
    rk_buf_free(&ref[0]);
    rk_buf_free(&ref[1]);
    free(ops);
    free(chip);
    free(wt);
    air_machine_free(&mul);
    air_machine_free(&wide);
}

/* air_program (the GPU's straight-line form): built from random DAGs with random
 * sums (repeated and row-independent terms included), run row by row with its slots,
 * it gives sum_i coef_i * node_i as air_eval_point does; slots are reused (far fewer
 * than nodes on a long chain), and every load reads what its instruction names. */
static void program_matches_point(void)
{
    fixture *f = malloc(sizeof *f);
    for (int rep = 0; rep < 16; rep++) {
        random_table(f, 40 + rnd32() % 300, 0);
        size_t count = 1 + rnd32() % 60;
        air_expr xs[60];
        bb4_t coef[60];
        for (size_t i = 0; i < count; i++) {
            /* often the last nodes (long-lived subtrees), sometimes a repeat or a leaf */
            xs[i] = rnd32() % 3 ? (air_expr)(f->t.n_nodes - 1 - rnd32() % 20) : rnd32() % f->t.n_nodes;
            if (i && rnd32() % 8 == 0)
                xs[i] = xs[i - 1];
            for (int j = 0; j < 4; j++)
                coef[i].c[j] = rnd_bb();
        }
        /* odd reps: several accumulators (terms spread over them, starting values given) */
        size_t n_acc = rep % 2 ? 1 + rnd32() % 5 : 1;
        uint32_t acc_of[60];
        bb4_t init[5];
        for (size_t i = 0; i < count; i++)
            acc_of[i] = rnd32() % n_acc;
        for (size_t k = 0; k < n_acc; k++)
            for (int j = 0; j < 4; j++)
                init[k].c[j] = rnd_bb();
        air_program p;
        air_program_init(&p);
        rk_err e = {0};
        if (rep % 2)
            CHECK_EQ_U64(air_program_build_multi(&p, &f->t, xs, coef, acc_of, count, n_acc, init, f->publics, f->ch,
                                                 &e), RK_OK);
        else
            CHECK_EQ_U64(air_program_build(&p, &f->t, xs, coef, count, f->publics, f->ch, &e), RK_OK);
        CHECK(p.n_ins <= f->t.n_nodes);
        bb_t *slots = malloc((p.n_base_slots + 4 * (size_t)p.n_ext_slots + 1) * sizeof *slots);
        bb4_t *vals = malloc(f->t.n_nodes * sizeof *vals);
        air_block b = block_of(f, B, 1);
        for (size_t r = 0; r < B; r++) {
            eval_row(f, &b, r, vals);
            bb4_t want[5], got[5];
            for (size_t k = 0; k < n_acc; k++)
                want[k] = rep % 2 ? init[k] : bb4_zero();
            for (size_t i = 0; i < count; i++) {
                size_t k = rep % 2 ? acc_of[i] : 0;
                want[k] = bb4_add(want[k], bb4_mul(coef[i], vals[xs[i]]));
            }
            const bb_t sel[3] = {f->isf[r], f->isl[r], f->ist[r]};
            air_program_run_multi(&p, f->main + f->loc[r] * MW, f->main + f->nxt[r] * MW, f->pre + f->loc[r] * PW,
                                  f->pre + f->nxt[r] * PW, f->perm + f->loc[r] * 4 * QW,
                                  f->perm + f->nxt[r] * 4 * QW, sel, slots, got);
            int same = 1;
            for (size_t k = 0; k < n_acc; k++)
                same &= bb4_eq(got[k], want[k]);
            if (n_acc == 1)
                same &= bb4_eq(air_program_run(&p, f->main + f->loc[r] * MW, f->main + f->nxt[r] * MW,
                                               f->pre + f->loc[r] * PW, f->pre + f->nxt[r] * PW,
                                               f->perm + f->loc[r] * 4 * QW, f->perm + f->nxt[r] * 4 * QW, sel,
                                               slots),
                               want[0]);
            if (!same) {
                printf("# rep %d row %zu (%zu accumulators): other sums\n", rep, r, n_acc);
                CHECK(0);
                break;
            }
        }
        air_program_free(&p);
        free(slots);
        free(vals);
        free(f->t.nodes);
    }
    /* a chain x_(k+1) = x_k * x_k + main_k: one value live at a time */
    random_table(f, 12, 0);
    air_table *t = &f->t;
    size_t n = 500;
    t->nodes = realloc(t->nodes, n * sizeof *t->nodes);
    t->n_nodes = t->cap_nodes = n;
    memset(t->nodes + 12, 0, (n - 12) * sizeof *t->nodes);
    t->nodes[12] = (air_node){AIR_OP_MAIN, 0, 1, AIR_F_COLUMN, 3, 0, 0};
    for (size_t i = 13; i + 1 < n; i += 2) {
        t->nodes[i] = (air_node){AIR_OP_MUL, 0, 2, AIR_F_COLUMN, (uint32_t)i - 1, (uint32_t)i - 1, 0};
        t->nodes[i + 1] = (air_node){AIR_OP_ADD, 0, 2, AIR_F_COLUMN, (uint32_t)i, 12, 0};
    }
    air_expr top = (air_expr)(n - 1);
    bb4_t one = bb4_one();
    air_program p;
    air_program_init(&p);
    rk_err e = {0};
    CHECK_EQ_U64(air_program_build(&p, t, &top, &one, 1, f->publics, f->ch, &e), RK_OK);
    CHECK(p.n_base_slots <= 3 && p.n_ext_slots == 0);
    air_program_free(&p);
    /* a node that reads a later one is refused */
    t->nodes[20].a = 400;
    CHECK_EQ_U64(air_program_build(&p, t, &top, &one, 1, f->publics, f->ch, &e), RK_EINPUT);
    free(t->nodes);
    free(f);
}

int main(void)
{
    RUN(random_dags_all_paths);
    RUN(prefix_only);
    RUN(needed_only);
    RUN(combine_all_paths);
    RUN(program_matches_point);
    RUN(batch_inv_all_paths);
    RUN(builder_shares_identical_nodes);
    RUN(builder_many_nodes);
    RUN(proofs_same_on_every_path);
    return t_done();
}
