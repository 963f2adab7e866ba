/* eval.c - the prover's column-batched interpreter of an AIR DAG.
 *
 * Each node is evaluated over AIR_BLOCK rows at once (structure of arrays:
 * an extension value is 4 arrays of coefficients), so the per-node dispatch
 * is paid once per block and the inner loops are simple enough for the
 * compiler to vectorize. */
#include "air/air.h"

#define B AIR_BLOCK

static inline bb_t *slot(bb_t *s, size_t x) { return s + x * 4 * B; }

void air_eval_block(const air_table *t, const air_block *b, size_t n_nodes, bb_t *s)
{
    const size_t n = b->n;
    for (size_t i = 0; i < n_nodes; i++) {
        const air_node *nd = &t->nodes[i];
        bb_t *o = slot(s, i);
        switch (nd->op) {
        case AIR_OP_CONST:
            for (size_t r = 0; r < n; r++)
                o[r] = nd->k;
            break;
        case AIR_OP_PUBLIC:
            for (size_t r = 0; r < n; r++)
                o[r] = b->publics[nd->a];
            break;
        case AIR_OP_CHALLENGE:
            for (int j = 0; j < 4; j++)
                for (size_t r = 0; r < n; r++)
                    o[j * B + r] = b->challenges[nd->a].c[j];
            break;
        case AIR_OP_MAIN: {
            const uint32_t *idx = nd->b ? b->next : b->local;
            for (size_t r = 0; r < n; r++)
                o[r] = b->main[(size_t)idx[r] * b->main_w + nd->a];
            break;
        }
        case AIR_OP_PRE: {
            const uint32_t *idx = nd->b ? b->next : b->local;
            for (size_t r = 0; r < n; r++)
                o[r] = b->pre[(size_t)idx[r] * b->pre_w + nd->a];
            break;
        }
        case AIR_OP_PERM: {
            const uint32_t *idx = nd->b ? b->next : b->local;
            for (int j = 0; j < 4; j++)
                for (size_t r = 0; r < n; r++)
                    o[j * B + r] = b->perm[(size_t)idx[r] * b->perm_w + 4 * nd->a + j];
            break;
        }
        case AIR_OP_IS_FIRST:
            for (size_t r = 0; r < n; r++) /* NULL: a pass that needs no selectors (LogUp values) */
                o[r] = b->is_first ? b->is_first[r] : bb_zero();
            break;
        case AIR_OP_IS_LAST:
            for (size_t r = 0; r < n; r++) /* NULL: a pass that needs no selectors (LogUp values) */
                o[r] = b->is_last ? b->is_last[r] : bb_zero();
            break;
        case AIR_OP_IS_TRANSITION:
            for (size_t r = 0; r < n; r++) /* NULL: a pass that needs no selectors (LogUp values) */
                o[r] = b->is_transition ? b->is_transition[r] : bb_zero();
            break;
        case AIR_OP_NEG: {
            const bb_t *x = slot(s, nd->a);
            int comps = nd->is_ext ? 4 : 1;
            for (int j = 0; j < comps; j++)
                for (size_t r = 0; r < n; r++)
                    o[j * B + r] = bb_neg(x[j * B + r]);
            break;
        }
        case AIR_OP_ADD:
        case AIR_OP_SUB: {
            const bb_t *x = slot(s, nd->a), *y = slot(s, nd->b);
            int xe = t->nodes[nd->a].is_ext, ye = t->nodes[nd->b].is_ext;
            int sub = nd->op == AIR_OP_SUB;
            for (size_t r = 0; r < n; r++)
                o[r] = sub ? bb_sub(x[r], y[r]) : bb_add(x[r], y[r]);
            if (nd->is_ext) {
                for (int j = 1; j < 4; j++) {
                    bb_t *oj = o + j * B;
                    const bb_t *xj = x + j * B, *yj = y + j * B;
                    if (xe && ye)
                        for (size_t r = 0; r < n; r++)
                            oj[r] = sub ? bb_sub(xj[r], yj[r]) : bb_add(xj[r], yj[r]);
                    else if (xe)
                        for (size_t r = 0; r < n; r++)
                            oj[r] = xj[r];
                    else
                        for (size_t r = 0; r < n; r++)
                            oj[r] = sub ? bb_neg(yj[r]) : yj[r];
                }
            }
            break;
        }
        case AIR_OP_MUL: {
            const bb_t *x = slot(s, nd->a), *y = slot(s, nd->b);
            int xe = t->nodes[nd->a].is_ext, ye = t->nodes[nd->b].is_ext;
            if (!xe && !ye) {
                for (size_t r = 0; r < n; r++)
                    o[r] = bb_mul(x[r], y[r]);
            } else if (xe != ye) {
                const bb_t *e = xe ? x : y, *bs = xe ? y : x;
                for (int j = 0; j < 4; j++)
                    for (size_t r = 0; r < n; r++)
                        o[j * B + r] = bb_mul(e[j * B + r], bs[r]);
            } else {
                for (size_t r = 0; r < n; r++) {
                    bb4_t u = {{x[r], x[B + r], x[2 * B + r], x[3 * B + r]}};
                    bb4_t v = {{y[r], y[B + r], y[2 * B + r], y[3 * B + r]}};
                    bb4_t w = bb4_mul(u, v);
                    for (int j = 0; j < 4; j++)
                        o[j * B + r] = w.c[j];
                }
            }
            break;
        }
        }
    }
}
