/* program.c - a table's constraint DAG as a slot-allocated straight-line program (air.h).
 *
 * Why: a GPU thread evaluates one row, and a row cannot hold one value per node
 * (the CPU table has ~2800 nodes: 45 KB a row).  Most values die soon after they
 * are made, so a linear scan over the topological order that frees a slot at its
 * value's last reader keeps the live set small; row-independent subtrees are
 * folded into constants once, and the alpha-combination is fused into the
 * instructions so that constraint values need no slot of their own. */
#include <stdlib.h>
#include <string.h>

#include "air/air.h"

void air_program_init(air_program *p) { memset(p, 0, sizeof *p); }

void air_program_free(air_program *p)
{
    free(p->ins);
    free(p->consts);
    free(p->terms);
    free(p->acc_init);
    air_program_init(p);
}

/* A stack of free slot numbers; a new number when it is empty. */
typedef struct slot_pool {
    uint32_t *free_;
    size_t n_free;
    unsigned n_slots;
} slot_pool;

static uint32_t pool_take(slot_pool *sp) { return sp->n_free ? sp->free_[--sp->n_free] : sp->n_slots++; }
static void pool_give(slot_pool *sp, uint32_t s) { sp->free_[sp->n_free++] = s; }

static int push_const(air_program *p, size_t *cap, bb4_t v, uint32_t *idx)
{
    if (p->n_consts == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        bb4_t *q = realloc(p->consts, nc * sizeof *q);
        if (!q)
            return -1;
        p->consts = q;
        *cap = nc;
    }
    *idx = (uint32_t)p->n_consts;
    p->consts[p->n_consts++] = v;
    return 0;
}

static int push_term(air_program *p, size_t *cap, uint32_t acc, uint32_t coef)
{
    if (p->n_terms == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        air_prog_term *q = realloc(p->terms, nc * sizeof *q);
        if (!q)
            return -1;
        p->terms = q;
        *cap = nc;
    }
    p->terms[p->n_terms].acc = acc;
    p->terms[p->n_terms].coef = coef;
    p->n_terms++;
    return 0;
}

static int is_binary(uint8_t op) { return op == AIR_OP_ADD || op == AIR_OP_SUB || op == AIR_OP_MUL; }


static int is_load(uint8_t op) { return op == AIR_OP_MAIN || op == AIR_OP_PRE || op == AIR_OP_PERM; }

/* The builder's per-node bookkeeping (see air_program_build). */
typedef struct build_state {
    const uint8_t *dep, *ext, *is_c;
    const bb4_t *val;
    const uint32_t *head, *next_term, *acc_of; /* node -> its terms (linked), term -> accumulator */
    const bb4_t *coef;
    size_t *cap_terms;
    const uint32_t *last;
    uint32_t *slot;
    uint8_t *done;
    slot_pool *pools; /* [0] base, [1] extension */
} build_state;

/* Append node i's instruction (its row-dependent operands are emitted already). */
static int emit(air_program *p, const air_table *t, uint32_t i, size_t *cap_ins, size_t *cap_consts,
                const build_state *bk)
{
    const air_node *nd = &t->nodes[i];
    const uint8_t *dep = bk->dep, *ext = bk->ext;
    if (p->n_ins == *cap_ins) {
        size_t nc = *cap_ins ? 2 * *cap_ins : 256;
        air_prog_ins *q = realloc(p->ins, nc * sizeof *q);
        if (!q)
            return -1;
        p->ins = q;
        *cap_ins = nc;
    }
    air_prog_ins *in = &p->ins[p->n_ins++];
    memset(in, 0, sizeof *in);
    in->dst_ext = ext[i];
    switch (nd->op) {
    case AIR_OP_MAIN:
    case AIR_OP_PRE:
    case AIR_OP_PERM:
        in->op = nd->op == AIR_OP_MAIN ? AIR_PROG_LD_MAIN : nd->op == AIR_OP_PRE ? AIR_PROG_LD_PRE : AIR_PROG_LD_PERM;
        in->a = nd->a;
        in->b = nd->b ? 1 : 0;
        break;
    case AIR_OP_IS_FIRST:
    case AIR_OP_IS_LAST:
    case AIR_OP_IS_TRANSITION:
        in->op = AIR_PROG_SEL;
        in->a = nd->op == AIR_OP_IS_FIRST ? 0 : nd->op == AIR_OP_IS_LAST ? 1 : 2;
        break;
    default: {
        in->op = nd->op == AIR_OP_ADD   ? AIR_PROG_ADD
                 : nd->op == AIR_OP_SUB ? AIR_PROG_SUB
                 : nd->op == AIR_OP_MUL ? AIR_PROG_MUL
                                        : AIR_PROG_NEG;
        uint32_t ch[2] = {nd->a, nd->b};
        int nch = nd->op == AIR_OP_NEG ? 1 : 2;
        for (int k = 0; k < nch; k++) {
            uint32_t c = ch[k], opnd;
            unsigned kind;
            if (dep[c]) {
                kind = ext[c] ? AIR_PROG_ESLOT : AIR_PROG_BSLOT;
                opnd = bk->slot[c];
            } else if (ext[c]) {
                kind = AIR_PROG_ECONST;
                if (push_const(p, cap_consts, bk->val[c], &opnd))
                    return -1;
            } else {
                kind = AIR_PROG_BIMM;
                opnd = bk->val[c].c[0];
            }
            in->ty |= (uint8_t)(kind << (2 * k));
            if (k == 0)
                in->a = opnd;
            else
                in->b = opnd;
        }
        /* operands are read before the result is written: their dead slots are free for it */
        for (int k = 0; k < nch; k++) {
            uint32_t c = ch[k];
            if (dep[c] && bk->last[c] == i && !(k == 1 && ch[0] == c))
                pool_give(&bk->pools[ext[c]], bk->slot[c]);
        }
        break;
    }
    }
    in->dst = bk->last[i] == AIR_PROG_NONE ? AIR_PROG_NONE : (bk->slot[i] = pool_take(&bk->pools[ext[i]]));
    in->acc = AIR_PROG_NONE;
    if (bk->is_c[i]) { /* its terms, one per accumulator (repeats summed), then the end mark */
        size_t first = p->n_terms;
        for (uint32_t k = bk->head[i]; k != AIR_PROG_NONE; k = bk->next_term[k]) {
            size_t j = first;
            while (j < p->n_terms && p->terms[j].acc != bk->acc_of[k])
                j++;
            if (j < p->n_terms) {
                p->consts[p->terms[j].coef] = bb4_add(p->consts[p->terms[j].coef], bk->coef[k]);
                continue;
            }
            if (push_term(p, bk->cap_terms, bk->acc_of[k], 0))
                return -1;
            if (push_const(p, cap_consts, bk->coef[k], &p->terms[p->n_terms - 1].coef))
                return -1;
        }
        if (push_term(p, bk->cap_terms, AIR_PROG_NONE, 0))
            return -1;
        in = &p->ins[p->n_ins - 1];
        in->acc = (uint32_t)first;
    }
    bk->done[i] = 1;
    return 0;
}

int air_program_build(air_program *p, const air_table *t, const air_expr *xs, const bb4_t *coef,
                      size_t count, const bb_t *publics, const bb4_t *challenges, rk_err *e)
{
    return air_program_build_multi(p, t, xs, coef, NULL, count, 1, NULL, publics, challenges, e);
}

int air_program_build_multi(air_program *p, const air_table *t, const air_expr *xs, const bb4_t *coef,
                            const uint32_t *acc_of, size_t count, size_t n_acc, const bb4_t *init,
                            const bb_t *publics, const bb4_t *challenges, rk_err *e)
{
    air_program_free(p);
    const size_t n = t->n_nodes;
    if (n_acc == 0 || n_acc >= AIR_PROG_NONE)
        return rk_fail(e, RK_EINPUT, "air program: table %s: %zu accumulators", t->name, n_acc);
    for (size_t i = 0; i < count; i++) {
        if (xs[i] >= n)
            return rk_fail(e, RK_EINPUT, "air program: table %s: expression %u is not a node", t->name, xs[i]);
        if (acc_of && acc_of[i] >= n_acc)
            return rk_fail(e, RK_EINPUT, "air program: table %s: accumulator %u of %zu", t->name, acc_of[i], n_acc);
    }
    for (size_t i = 0; i < n; i++) {
        const air_node *nd = &t->nodes[i];
        if ((is_binary(nd->op) && (nd->a >= i || nd->b >= i)) || (nd->op == AIR_OP_NEG && nd->a >= i))
            return rk_fail(e, RK_EINPUT, "air program: table %s: node %zu reads a later node", t->name, i);
    }
    uint8_t *need = calloc(n + 1, 1), *done = calloc(n + 1, 1), *dep = calloc(n + 1, 1), *ext = calloc(n + 1, 1), *is_c = calloc(n + 1, 1);
    bb4_t *val = calloc(n + 1, sizeof *val);
    uint32_t *last = malloc((n + 1) * sizeof *last), *slot = malloc((n + 1) * sizeof *slot);
    uint32_t *head = malloc((n + 1) * sizeof *head), *next_term = malloc((count + 1) * sizeof *next_term);
    uint32_t *acc0 = acc_of ? NULL : calloc(count + 1, sizeof *acc0);
    size_t cap_terms = 0;
    p->acc_init = calloc(n_acc, sizeof *p->acc_init);
    p->n_acc = n_acc;
    slot_pool pools[2] = {{malloc((n + 1) * sizeof(uint32_t)), 0, 0}, {malloc((n + 1) * sizeof(uint32_t)), 0, 0}};
    size_t cap_ins = 0, cap_consts = 0;
    int rc = RK_OK;
    if (!need || !done || !dep || !ext || !is_c || !val || !last || !slot || !pools[0].free_ || !pools[1].free_ ||
        !head || !next_term || (!acc_of && !acc0) || !p->acc_init)
        goto oom;
    if (!acc_of)
        acc_of = acc0;
    if (init)
        memcpy(p->acc_init, init, n_acc * sizeof *init);

    /* which nodes the sums read, and each node's terms (a list, in term order) */
    for (size_t i = 0; i <= n; i++)
        head[i] = AIR_PROG_NONE;
    for (size_t i = count; i-- > 0;) {
        need[xs[i]] = 1;
        is_c[xs[i]] = 1;
        next_term[i] = head[xs[i]];
        head[xs[i]] = (uint32_t)i;
    }
    for (size_t i = n; i-- > 0;) {
        const air_node *nd = &t->nodes[i];
        if (!need[i])
            continue;
        if (is_binary(nd->op))
            need[nd->a] = need[nd->b] = 1;
        else if (nd->op == AIR_OP_NEG)
            need[nd->a] = 1;
    }
    /* row dependence, value kinds, and the row-independent values */
    for (size_t i = 0; i < n; i++) {
        const air_node *nd = &t->nodes[i];
        last[i] = AIR_PROG_NONE;
        if (!need[i])
            continue;
        switch (nd->op) {
        case AIR_OP_CONST: val[i] = bb4_from_base(nd->k); break;
        case AIR_OP_PUBLIC:
            if (!publics || (t->m && nd->a >= t->m->n_public)) {
                rc = rk_fail(e, RK_EINPUT, "air program: table %s: public value %u not given", t->name, nd->a);
                goto out;
            }
            val[i] = bb4_from_base(publics[nd->a]);
            break;
        case AIR_OP_CHALLENGE:
            if (!challenges) {
                rc = rk_fail(e, RK_EINPUT, "air program: table %s: challenge %u not given", t->name, nd->a);
                goto out;
            }
            val[i] = challenges[nd->a];
            ext[i] = 1;
            break;
        case AIR_OP_MAIN:
        case AIR_OP_PRE:
        case AIR_OP_IS_FIRST:
        case AIR_OP_IS_LAST:
        case AIR_OP_IS_TRANSITION: dep[i] = 1; break;
        case AIR_OP_PERM: dep[i] = ext[i] = 1; break;
        case AIR_OP_NEG:
            dep[i] = dep[nd->a];
            ext[i] = ext[nd->a];
            val[i] = bb4_neg(val[nd->a]);
            break;
        default: /* ADD, SUB, MUL */
            dep[i] = dep[nd->a] | dep[nd->b];
            ext[i] = ext[nd->a] | ext[nd->b];
            val[i] = nd->op == AIR_OP_ADD   ? bb4_add(val[nd->a], val[nd->b])
                     : nd->op == AIR_OP_SUB ? bb4_sub(val[nd->a], val[nd->b])
                                            : bb4_mul(val[nd->a], val[nd->b]);
            break;
        }
        if (dep[i]) { /* the last reader of each row-dependent child */
            if (is_binary(nd->op) || nd->op == AIR_OP_NEG)
                if (dep[nd->a])
                    last[nd->a] = (uint32_t)i;
            if (is_binary(nd->op) && dep[nd->b])
                last[nd->b] = (uint32_t)i;
        }
    }
    build_state bk = {dep, ext, is_c, val, head, next_term, acc_of, coef, &cap_terms, last, slot, done, pools};
    for (size_t i = 0; i < count; i++)
        if (!dep[xs[i]]) /* a row-independent term: the same on every row */
            p->acc_init[acc_of[i]] = bb4_add(p->acc_init[acc_of[i]], bb4_mul(coef[i], val[xs[i]]));

    /* emit, allocating slots by liveness; a column load is emitted just before its
     * first reader (authors read columns early, which would keep them live all along) */
    for (size_t i = 0; i < n; i++) {
        if (!need[i] || !dep[i])
            continue;
        const air_node *nd = &t->nodes[i];
        if (is_load(nd->op)) {
            if (!is_c[i] || done[i]) /* emitted by its first reader (or by now) */
                continue;
        } else {
            uint32_t ch[2] = {nd->a, is_binary(nd->op) ? nd->b : nd->a};
            for (int k = 0; k < 2; k++)
                if (dep[ch[k]] && !done[ch[k]] && emit(p, t, ch[k], &cap_ins, &cap_consts, &bk))
                    goto oom;
        }
        if (emit(p, t, (uint32_t)i, &cap_ins, &cap_consts, &bk))
            goto oom;
    }
    p->n_base_slots = pools[0].n_slots;
    p->n_ext_slots = pools[1].n_slots;
    goto out;
oom:
    rc = rk_fail(e, RK_EINTERNAL, "air program: out of memory");
out:
    if (rc)
        air_program_free(p);
    free(need);
    free(done);
    free(dep);
    free(ext);
    free(is_c);
    free(val);
    free(head);
    free(next_term);
    free(acc0);
    free(last);
    free(slot);
    free(pools[0].free_);
    free(pools[1].free_);
    return rc;
}

static bb4_t operand(const air_program *p, unsigned kind, uint32_t x, const bb_t *bs, const bb_t *es)
{
    switch (kind) {
    case AIR_PROG_BSLOT: return bb4_from_base(bs[x]);
    case AIR_PROG_ESLOT: {
        bb4_t v;
        memcpy(v.c, es + 4 * (size_t)x, sizeof v.c);
        return v;
    }
    case AIR_PROG_BIMM: return bb4_from_base(x);
    default: return p->consts[x];
    }
}

void air_program_run_multi(const air_program *p, const bb_t *main_l, const bb_t *main_n, const bb_t *pre_l,
                           const bb_t *pre_n, const bb_t *perm_l, const bb_t *perm_n, const bb_t sel[3],
                           bb_t *slots, bb4_t *accs)
{
    bb_t *bs = slots, *es = slots + p->n_base_slots;
    memcpy(accs, p->acc_init, p->n_acc * sizeof *accs);
    for (size_t k = 0; k < p->n_ins; k++) {
        const air_prog_ins *in = &p->ins[k];
        bb4_t v, x, y;
        switch (in->op) {
        case AIR_PROG_LD_MAIN: v = bb4_from_base((in->b ? main_n : main_l)[in->a]); break;
        case AIR_PROG_LD_PRE: v = bb4_from_base((in->b ? pre_n : pre_l)[in->a]); break;
        case AIR_PROG_LD_PERM: memcpy(v.c, (in->b ? perm_n : perm_l) + 4 * (size_t)in->a, sizeof v.c); break;
        case AIR_PROG_SEL: v = bb4_from_base(sel[in->a]); break;
        default:
            x = operand(p, in->ty & 3, in->a, bs, es);
            y = in->op == AIR_PROG_NEG ? bb4_zero() : operand(p, (in->ty >> 2) & 3, in->b, bs, es);
            v = in->op == AIR_PROG_ADD   ? bb4_add(x, y)
                : in->op == AIR_PROG_SUB ? bb4_sub(x, y)
                : in->op == AIR_PROG_MUL ? bb4_mul(x, y)
                                         : bb4_neg(x);
            break;
        }
        if (in->dst != AIR_PROG_NONE) {
            if (in->dst_ext)
                memcpy(es + 4 * (size_t)in->dst, v.c, sizeof v.c);
            else
                bs[in->dst] = v.c[0];
        }
        if (in->acc != AIR_PROG_NONE)
            for (const air_prog_term *t = p->terms + in->acc; t->acc != AIR_PROG_NONE; t++)
                accs[t->acc] = bb4_add(accs[t->acc], bb4_mul(p->consts[t->coef], v));
    }
}

bb4_t air_program_run(const air_program *p, const bb_t *main_l, const bb_t *main_n, const bb_t *pre_l,
                      const bb_t *pre_n, const bb_t *perm_l, const bb_t *perm_n, const bb_t sel[3],
                      bb_t *slots)
{
    bb4_t acc;
    air_program_run_multi(p, main_l, main_n, pre_l, pre_n, perm_l, perm_n, sel, slots, &acc);
    return acc;
}
