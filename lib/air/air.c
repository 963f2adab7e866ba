/* air.c - building and checking the AIR expression DAG, and laying out LogUp. */
#include "air/air.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AIR_MAX_DEGREE 16

static void table_fail(air_table *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void table_fail(air_table *t, int code, const char *fmt, ...)
{
    if (t->err)
        return; /* keep the first error: later ones are usually consequences */
    t->err = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
    va_end(ap);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

void air_machine_init(air_machine *m, unsigned n_public)
{
    memset(m, 0, sizeof *m);
    m->n_public = n_public;
}

static void table_free(air_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_inter; i++)
        free(t->inter[i].values);
    free(t->inter);
    free(t->nodes);
    free(t->constraints);
    free(t->labels);
    free(t->batch_start);
    free(t->col_dst);
    free(t->cse);
    free(t);
}

void air_machine_free(air_machine *m)
{
    for (size_t i = 0; i < m->n_tables; i++)
        table_free(m->tables[i]);
    free(m->tables);
    free(m->buses);
    table_free(m->pub);
    memset(m, 0, sizeof *m);
}

static void machine_fail(air_machine *m, const char *msg)
{
    if (!m->err) {
        m->err = RK_EINTERNAL;
        snprintf(m->errmsg, sizeof m->errmsg, "%s", msg);
    }
}

unsigned air_machine_bus(air_machine *m, const char *name, unsigned arity)
{
    if (m->finalized) {
        machine_fail(m, "bus added after finalize");
        return 0;
    }
    if (grow((void **)&m->buses, &m->cap_buses, m->n_buses + 1, sizeof *m->buses)) {
        machine_fail(m, "out of memory adding a bus");
        return 0;
    }
    air_bus *b = &m->buses[m->n_buses];
    snprintf(b->name, sizeof b->name, "%s", name ? name : "");
    b->arity = arity;
    if (arity == 0 && !m->err) {
        m->err = RK_EINPUT;
        snprintf(m->errmsg, sizeof m->errmsg, "bus %s: arity 0", b->name);
    }
    if (arity > m->max_arity)
        m->max_arity = arity;
    return (unsigned)m->n_buses++;
}

static air_table *table_new(air_machine *m, const char *name, unsigned main_width, unsigned pre_width)
{
    air_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    t->main_width = main_width;
    t->pre_width = pre_width;
    t->m = m;
    return t;
}

air_table *air_machine_add_table(air_machine *m, const char *name, unsigned main_width,
                                 unsigned pre_width)
{
    if (m->finalized) {
        machine_fail(m, "table added after finalize");
        return NULL;
    }
    if (grow((void **)&m->tables, &m->cap_tables, m->n_tables + 1, sizeof *m->tables)) {
        machine_fail(m, "out of memory adding a table");
        return NULL;
    }
    air_table *t = table_new(m, name, main_width, pre_width);
    if (!t) {
        machine_fail(m, "out of memory adding a table");
        return NULL;
    }
    if (main_width == 0)
        table_fail(t, RK_EINPUT, "main_width must be >= 1");
    m->tables[m->n_tables++] = t;
    return t;
}

air_table *air_machine_public_table(air_machine *m)
{
    if (!m->pub) {
        m->pub = table_new(m, "public", 0, 0);
        if (!m->pub) {
            machine_fail(m, "out of memory");
            return NULL;
        }
        m->pub->is_public = 1;
    }
    return m->pub;
}

/* ---- nodes ---- */

/* ---- common subexpressions ----
 * A node is a pure function of (op, a, b, k), so building an identical node
 * again returns the existing one: AIR authors (and the LogUp layout) read the
 * same column, constant or challenge many times and repeat products; with one
 * node each, the prover's block evaluator and the verifier do that work once.
 * The constraints and their values are unchanged (only node numbering is). */

static size_t cse_hash(uint8_t op, uint32_t a, uint32_t b, bb_t k)
{
    uint64_t h = ((uint64_t)op << 56) ^ ((uint64_t)a << 28) ^ b ^ ((uint64_t)k << 32);
    h ^= h >> 29, h *= 0xbf58476d1ce4e5b9u, h ^= h >> 32;
    return (size_t)h;
}

static int cse_same(const air_node *n, uint8_t op, uint32_t a, uint32_t b, bb_t k)
{
    return n->op == op && n->a == a && n->b == b && n->k == k;
}

/* The existing node equal to (op, a, b, k), or UINT32_MAX. */
static uint32_t cse_find(const air_table *t, uint8_t op, uint32_t a, uint32_t b, bb_t k)
{
    if (!t->cap_cse)
        return UINT32_MAX;
    for (size_t i = cse_hash(op, a, b, k) & (t->cap_cse - 1);; i = (i + 1) & (t->cap_cse - 1)) {
        uint32_t v = t->cse[i];
        if (!v)
            return UINT32_MAX;
        if (cse_same(&t->nodes[v - 1], op, a, b, k))
            return v - 1;
    }
}

static void cse_put(uint32_t *set, size_t cap, const air_node *n, uint32_t idx)
{
    size_t i = cse_hash(n->op, n->a, n->b, n->k) & (cap - 1);
    while (set[i])
        i = (i + 1) & (cap - 1);
    set[i] = idx + 1;
}

/* Record node idx (just appended); keeps the load at most 1/2.  On OOM the set
 * is dropped: later nodes are simply not shared (correct, only slower). */
static void cse_add(air_table *t, uint32_t idx)
{
    if (2 * (t->n_nodes + 1) > t->cap_cse) {
        size_t cap = t->cap_cse ? 2 * t->cap_cse : 256;
        uint32_t *set = calloc(cap, sizeof *set);
        free(t->cse);
        t->cse = set;
        t->cap_cse = set ? cap : 0;
        if (!set)
            return;
        for (size_t i = 0; i < idx; i++)
            cse_put(set, cap, &t->nodes[i], (uint32_t)i);
    }
    cse_put(t->cse, t->cap_cse, &t->nodes[idx], idx);
}

static air_expr node_new(air_table *t, uint8_t op, uint32_t a, uint32_t b, bb_t k)
{
    if (t->err)
        return 0;
    if (t->m->finalized) {
        table_fail(t, RK_EINPUT, "expression built after finalize");
        return 0;
    }
    uint32_t same = cse_find(t, op, a, b, k);
    if (same != UINT32_MAX)
        return same;
    if (grow((void **)&t->nodes, &t->cap_nodes, t->n_nodes + 1, sizeof *t->nodes)) {
        table_fail(t, RK_EINTERNAL, "out of memory");
        return 0;
    }
    air_node *n = &t->nodes[t->n_nodes];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->a = a;
    n->b = b;
    n->k = k;
    switch (op) {
    case AIR_OP_CONST:
    case AIR_OP_PUBLIC:
        break;
    case AIR_OP_CHALLENGE:
        n->is_ext = 1;
        n->flags = AIR_F_CHALLENGE;
        break;
    case AIR_OP_MAIN:
    case AIR_OP_PRE:
        n->degree = 1;
        n->flags = AIR_F_COLUMN | (b ? AIR_F_NEXT : 0);
        break;
    case AIR_OP_PERM:
        n->degree = 1;
        n->is_ext = 1;
        n->flags = AIR_F_PERM | (b ? AIR_F_NEXT : 0);
        break;
    case AIR_OP_IS_FIRST:
    case AIR_OP_IS_LAST:
    case AIR_OP_IS_TRANSITION:
        n->degree = 1;
        n->flags = AIR_F_SELECTOR;
        break;
    case AIR_OP_ADD:
    case AIR_OP_SUB:
    case AIR_OP_MUL: {
        const air_node *x = &t->nodes[a], *y = &t->nodes[b];
        n->is_ext = x->is_ext | y->is_ext;
        n->flags = x->flags | y->flags;
        unsigned d = op == AIR_OP_MUL ? (unsigned)x->degree + y->degree
                                      : (x->degree > y->degree ? x->degree : y->degree);
        if (d > AIR_MAX_DEGREE) {
            table_fail(t, RK_EINPUT, "expression degree above %d", AIR_MAX_DEGREE);
            return 0;
        }
        n->degree = (uint8_t)d;
        break;
    }
    case AIR_OP_NEG: {
        const air_node *x = &t->nodes[a];
        n->is_ext = x->is_ext;
        n->flags = x->flags;
        n->degree = x->degree;
        break;
    }
    }
    cse_add(t, (uint32_t)t->n_nodes);
    return (air_expr)t->n_nodes++;
}

static int expr_ok(air_table *t, air_expr x)
{
    if (t->err)
        return 0;
    if (x >= t->n_nodes) {
        table_fail(t, RK_EINPUT, "expression %u is not a node of this table", x);
        return 0;
    }
    return 1;
}

air_expr air_const_bb(air_table *t, bb_t v) { return node_new(t, AIR_OP_CONST, 0, 0, v); }
air_expr air_const(air_table *t, uint32_t v) { return air_const_bb(t, bb_from_u32(v)); }

static air_expr column(air_table *t, uint8_t op, unsigned col, unsigned next)
{
    unsigned w = op == AIR_OP_MAIN ? t->main_width : t->pre_width;
    if (t->is_public) {
        table_fail(t, RK_EINPUT, "the public-interaction table has no columns");
        return 0;
    }
    if (col >= w) {
        table_fail(t, RK_EINPUT, "%s column %u out of range (width %u)",
                   op == AIR_OP_MAIN ? "main" : "preprocessed", col, w);
        return 0;
    }
    return node_new(t, op, col, next, 0);
}

air_expr air_main(air_table *t, unsigned col) { return column(t, AIR_OP_MAIN, col, 0); }
air_expr air_main_next(air_table *t, unsigned col) { return column(t, AIR_OP_MAIN, col, 1); }
air_expr air_pre(air_table *t, unsigned col) { return column(t, AIR_OP_PRE, col, 0); }
air_expr air_pre_next(air_table *t, unsigned col) { return column(t, AIR_OP_PRE, col, 1); }

air_expr air_public(air_table *t, unsigned idx)
{
    if (idx >= t->m->n_public) {
        table_fail(t, RK_EINPUT, "public value %u out of range (%u public values)", idx,
                   t->m->n_public);
        return 0;
    }
    return node_new(t, AIR_OP_PUBLIC, idx, 0, 0);
}

static air_expr selector(air_table *t, uint8_t op)
{
    if (t->is_public) {
        table_fail(t, RK_EINPUT, "the public-interaction table has no rows");
        return 0;
    }
    return node_new(t, op, 0, 0, 0);
}
air_expr air_is_first_row(air_table *t) { return selector(t, AIR_OP_IS_FIRST); }
air_expr air_is_last_row(air_table *t) { return selector(t, AIR_OP_IS_LAST); }
air_expr air_is_transition(air_table *t) { return selector(t, AIR_OP_IS_TRANSITION); }

static air_expr binop(air_table *t, uint8_t op, air_expr a, air_expr b)
{
    if (!expr_ok(t, a) || !expr_ok(t, b))
        return 0;
    return node_new(t, op, a, b, 0);
}
air_expr air_add(air_table *t, air_expr a, air_expr b) { return binop(t, AIR_OP_ADD, a, b); }
air_expr air_sub(air_table *t, air_expr a, air_expr b) { return binop(t, AIR_OP_SUB, a, b); }
air_expr air_mul(air_table *t, air_expr a, air_expr b) { return binop(t, AIR_OP_MUL, a, b); }
air_expr air_neg(air_table *t, air_expr a)
{
    if (!expr_ok(t, a))
        return 0;
    return node_new(t, AIR_OP_NEG, a, 0, 0);
}
air_expr air_add_const(air_table *t, air_expr a, uint32_t v) { return air_add(t, a, air_const(t, v)); }
air_expr air_mul_const(air_table *t, air_expr a, uint32_t v) { return air_mul(t, a, air_const(t, v)); }

/* ---- constraints ---- */

static void push_constraint(air_table *t, air_expr e)
{
    if (!expr_ok(t, e))
        return;
    if (t->is_public) {
        table_fail(t, RK_EINPUT, "the public-interaction table takes no constraints");
        return;
    }
    size_t cap = t->cap_constraints;
    if (grow((void **)&t->constraints, &t->cap_constraints, t->n_constraints + 1,
             sizeof *t->constraints)) {
        table_fail(t, RK_EINTERNAL, "out of memory");
        return;
    }
    if (t->cap_constraints != cap) {
        const char **l = realloc(t->labels, t->cap_constraints * sizeof *l);
        if (!l) {
            table_fail(t, RK_EINTERNAL, "out of memory");
            return;
        }
        t->labels = l;
    }
    t->labels[t->n_constraints] = t->cur_label;
    t->constraints[t->n_constraints++] = e;
}

void air_set_label(air_table *t, const char *label) { t->cur_label = label; }

void air_assert_zero(air_table *t, air_expr e) { push_constraint(t, e); }
void air_assert_first(air_table *t, air_expr e) { push_constraint(t, air_mul(t, air_is_first_row(t), e)); }
void air_assert_last(air_table *t, air_expr e) { push_constraint(t, air_mul(t, air_is_last_row(t), e)); }
void air_assert_transition(air_table *t, air_expr e)
{
    push_constraint(t, air_mul(t, air_is_transition(t), e));
}
void air_assert_bool(air_table *t, air_expr e)
{
    push_constraint(t, air_mul(t, e, air_sub(t, e, air_const(t, 1))));
}

/* ---- interactions ---- */

static void interact(air_table *t, int32_t sign, unsigned bus, air_expr mult, const air_expr *values,
                     unsigned n)
{
    if (t->err)
        return;
    air_machine *m = t->m;
    if (bus >= m->n_buses) {
        table_fail(t, RK_EINPUT, "bus %u does not exist", bus);
        return;
    }
    if (n != m->buses[bus].arity) {
        table_fail(t, RK_EINPUT, "bus %s has arity %u, interaction gives %u values",
                   m->buses[bus].name, m->buses[bus].arity, n);
        return;
    }
    if (!expr_ok(t, mult))
        return;
    for (unsigned i = 0; i < n; i++)
        if (!expr_ok(t, values[i]))
            return;
    /* LogUp terms are row-local: a next-row read or a selector would make the
     * fraction's denominator something the running-sum column cannot track. */
    uint8_t fl = t->nodes[mult].flags;
    for (unsigned i = 0; i < n; i++)
        fl |= t->nodes[values[i]].flags;
    if (fl & (AIR_F_NEXT | AIR_F_SELECTOR | AIR_F_PERM | AIR_F_CHALLENGE)) {
        table_fail(t, RK_EINPUT, "bus %s: interaction expressions must read the local row only",
                   m->buses[bus].name);
        return;
    }
    if (grow((void **)&t->inter, &t->cap_inter, t->n_inter + 1, sizeof *t->inter)) {
        table_fail(t, RK_EINTERNAL, "out of memory");
        return;
    }
    air_interaction *it = &t->inter[t->n_inter];
    it->values = malloc((n ? n : 1) * sizeof *it->values);
    if (!it->values) {
        table_fail(t, RK_EINTERNAL, "out of memory");
        return;
    }
    memcpy(it->values, values, n * sizeof *values);
    it->bus = bus;
    it->sign = sign;
    it->mult = mult;
    it->n_values = n;
    t->n_inter++;
}

void air_send(air_table *t, unsigned bus, air_expr mult, const air_expr *values, unsigned n)
{
    interact(t, +1, bus, mult, values, n);
}
void air_receive(air_table *t, unsigned bus, air_expr mult, const air_expr *values, unsigned n)
{
    interact(t, -1, bus, mult, values, n);
}

/* ---- finalize: LogUp layout ---- */

static unsigned inter_denom_degree(const air_table *t, const air_interaction *it)
{
    unsigned d = 0;
    for (unsigned i = 0; i < it->n_values; i++)
        if (t->nodes[it->values[i]].degree > d)
            d = t->nodes[it->values[i]].degree;
    return d;
}

/* Degree of the batch constraint h * prod d_j - sum_j s_j m_j prod_{k != j} d_k
 * for interactions [lo, hi). */
static unsigned batch_degree(const air_table *t, size_t lo, size_t hi)
{
    unsigned sum_d = 0, worst = 0;
    for (size_t j = lo; j < hi; j++)
        sum_d += inter_denom_degree(t, &t->inter[j]);
    unsigned deg = 1 + sum_d;
    for (size_t j = lo; j < hi; j++) {
        unsigned dj = t->nodes[t->inter[j].mult].degree + sum_d - inter_denom_degree(t, &t->inter[j]);
        if (dj > worst)
            worst = dj;
    }
    return deg > worst ? deg : worst;
}

/* beta + bus + sum_i gamma^(i+1) v_i */
static air_expr build_denominator(air_table *t, const air_interaction *it)
{
    air_expr d = air_add(t, node_new(t, AIR_OP_CHALLENGE, AIR_CH_BETA, 0, 0), air_const(t, it->bus));
    for (unsigned i = 0; i < it->n_values; i++)
        d = air_add(t, d, air_mul(t, node_new(t, AIR_OP_CHALLENGE, AIR_CH_GAMMA1 + i, 0, 0),
                                  it->values[i]));
    return d;
}

static air_expr signed_mult(air_table *t, const air_interaction *it)
{
    return it->sign > 0 ? it->mult : air_neg(t, it->mult);
}

static void build_logup(air_table *t, unsigned budget)
{
    /* Greedy batching in declaration order: the layout is a pure function of the AIR. */
    t->batch_start = malloc((t->n_inter + 1) * sizeof *t->batch_start);
    if (!t->batch_start) {
        table_fail(t, RK_EINTERNAL, "out of memory");
        return;
    }
    unsigned nb = 0;
    size_t lo = 0;
    while (lo < t->n_inter) {
        size_t hi = lo + 1;
        while (hi < t->n_inter && batch_degree(t, lo, hi + 1) <= budget)
            hi++;
        t->batch_start[nb++] = (uint32_t)lo;
        lo = hi;
    }
    t->batch_start[nb] = (uint32_t)t->n_inter;
    t->n_batches = nb;
    t->perm_width = nb + 1;

    t->cur_label = "logup";
    air_expr hsum_local = air_const(t, 0), hsum_next = air_const(t, 0);
    for (unsigned b = 0; b < nb; b++) {
        size_t s = t->batch_start[b], end = t->batch_start[b + 1];
        air_expr den[64];
        size_t k = end - s;
        if (k > 64) {
            table_fail(t, RK_EINPUT, "too many interactions in one LogUp batch");
            return;
        }
        for (size_t j = 0; j < k; j++)
            den[j] = build_denominator(t, &t->inter[s + j]);
        air_expr h = node_new(t, AIR_OP_PERM, b, 0, 0);
        air_expr lhs = h;
        for (size_t j = 0; j < k; j++)
            lhs = air_mul(t, lhs, den[j]);
        air_expr rhs = air_const(t, 0);
        for (size_t j = 0; j < k; j++) {
            air_expr term = signed_mult(t, &t->inter[s + j]);
            for (size_t i = 0; i < k; i++)
                if (i != j)
                    term = air_mul(t, term, den[i]);
            rhs = air_add(t, rhs, term);
        }
        push_constraint(t, air_sub(t, lhs, rhs));
        hsum_local = air_add(t, hsum_local, h);
        hsum_next = air_add(t, hsum_next, node_new(t, AIR_OP_PERM, b, 1, 0));
    }
    air_expr sum = node_new(t, AIR_OP_PERM, nb, 0, 0);
    air_expr sum_next = node_new(t, AIR_OP_PERM, nb, 1, 0);
    air_assert_first(t, air_sub(t, sum, hsum_local));
    air_assert_transition(t, air_sub(t, air_sub(t, sum_next, sum), hsum_next));
    air_assert_last(t, air_sub(t, sum, node_new(t, AIR_OP_CHALLENGE, AIR_CH_CUMSUM, 0, 0)));
}

int air_machine_finalize(air_machine *m, rk_err *e)
{
    if (m->finalized)
        return RK_OK;
    if (m->err)
        return rk_fail(e, m->err, "air: %s", m->errmsg);
    if (m->n_tables == 0)
        return rk_fail(e, RK_EINPUT, "air: the machine has no tables");
    if (m->pub && m->pub->err)
        return rk_fail(e, m->pub->err, "air: public interactions: %s", m->pub->errmsg);
    m->max_degree = 1;
    for (size_t ti = 0; ti < m->n_tables; ti++) {
        air_table *t = m->tables[ti];
        if (t->err)
            return rk_fail(e, t->err, "air: table %s: %s", t->name, t->errmsg);
        t->n_user_nodes = t->n_nodes;
        t->n_user_constraints = (unsigned)t->n_constraints;
        unsigned d = 1;
        for (size_t c = 0; c < t->n_constraints; c++)
            if (t->nodes[t->constraints[c]].degree > d)
                d = t->nodes[t->constraints[c]].degree;
        if (t->n_inter) {
            build_logup(t, d > 3 ? d : 3);
            if (t->err)
                return rk_fail(e, t->err, "air: table %s: %s", t->name, t->errmsg);
            for (size_t c = t->n_user_constraints; c < t->n_constraints; c++)
                if (t->nodes[t->constraints[c]].degree > d)
                    d = t->nodes[t->constraints[c]].degree;
        }
        t->max_degree = d;
        if (d > m->max_degree)
            m->max_degree = d;
        air_table_index_columns(t);
    }
    m->finalized = 1;
    return RK_OK;
}

void air_table_index_columns(air_table *t)
{
    const size_t wm = t->main_width, wp = t->pre_width, wq = 4 * (size_t)t->perm_width;
    const size_t total = 2 * (wm + wp + wq);
    free(t->col_dst);
    t->col_dst = total ? malloc(total * sizeof *t->col_dst) : NULL;
    if (!t->col_dst)
        return;
    for (size_t i = 0; i < total; i++)
        t->col_dst[i] = UINT32_MAX;
    for (size_t x = 0; x < t->n_nodes; x++) {
        const air_node *n = &t->nodes[x];
        size_t at, comps = 1;
        if (n->op == AIR_OP_MAIN)
            at = (n->b ? wm : 0) + n->a;
        else if (n->op == AIR_OP_PRE)
            at = 2 * wm + (n->b ? wp : 0) + n->a;
        else if (n->op == AIR_OP_PERM)
            at = 2 * (wm + wp) + (n->b ? wq : 0) + 4 * (size_t)n->a, comps = 4;
        else
            continue;
        for (size_t j = 0; j < comps; j++) {
            if (t->col_dst[at + j] != UINT32_MAX || x * 4 * AIR_BLOCK + 4 * AIR_BLOCK > UINT32_MAX) {
                free(t->col_dst); /* a repeated column node (no sharing): gather node by node */
                t->col_dst = NULL;
                return;
            }
            t->col_dst[at + j] = (uint32_t)(x * 4 * AIR_BLOCK + j * AIR_BLOCK);
        }
    }
}

/* ---- evaluation at one point (the verifier's path) ---- */

void air_eval_point(const air_table *t, const air_point *pt, bb4_t *v)
{
    for (size_t i = 0; i < t->n_nodes; i++) {
        const air_node *n = &t->nodes[i];
        switch (n->op) {
        case AIR_OP_CONST: v[i] = bb4_from_base(n->k); break;
        case AIR_OP_MAIN: v[i] = (n->b ? pt->main_next : pt->main_local)[n->a]; break;
        case AIR_OP_PRE: v[i] = (n->b ? pt->pre_next : pt->pre_local)[n->a]; break;
        case AIR_OP_PERM: v[i] = (n->b ? pt->perm_next : pt->perm_local)[n->a]; break;
        case AIR_OP_PUBLIC: v[i] = bb4_from_base(pt->publics[n->a]); break;
        case AIR_OP_CHALLENGE: v[i] = pt->challenges[n->a]; break;
        case AIR_OP_IS_FIRST: v[i] = pt->is_first; break;
        case AIR_OP_IS_LAST: v[i] = pt->is_last; break;
        case AIR_OP_IS_TRANSITION: v[i] = pt->is_transition; break;
        case AIR_OP_ADD: v[i] = bb4_add(v[n->a], v[n->b]); break;
        case AIR_OP_SUB: v[i] = bb4_sub(v[n->a], v[n->b]); break;
        case AIR_OP_MUL: v[i] = bb4_mul(v[n->a], v[n->b]); break;
        case AIR_OP_NEG: v[i] = bb4_neg(v[n->a]); break;
        }
    }
}
