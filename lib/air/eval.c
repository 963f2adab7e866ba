/* eval.c - the prover's column-batched interpreter of an AIR DAG.
 *
 * Each node is evaluated over AIR_BLOCK rows at once (structure of arrays:
 * an extension value is 4 arrays of coefficients), so the per-node dispatch
 * is paid once per block and the inner loops are plain array arithmetic.
 *
 * The arithmetic of those loops sits behind a small table of row kernels
 * (add, sub, neg, mul, extension mul) in three widths: portable C, AVX2
 * (8 lanes) and AVX-512 (16 lanes), chosen per call from lib/field's SIMD
 * switch (bb_simd_avx2 / bb_simd_avx512, RAIKO_NO_AVX2 / RAIKO_NO_AVX512).
 * Field arithmetic is exact and the representation unique, so the three give
 * the same words; t/unit/test_air_eval.c checks that on random DAGs.  A block
 * that is not a multiple of the lane count ends with masked loads/stores, so
 * no lane reads or writes past row n.
 *
 * Nodes whose value is the same on every row (constants, public values,
 * challenges and any arithmetic over those only: no column, selector or
 * permutation read) are computed once per block in the extension field and
 * broadcast, instead of row by row. */
#include "air/air.h"

#include <string.h>

#define B AIR_BLOCK

static inline bb_t *slot(bb_t *s, size_t x) { return s + x * 4 * B; }

/* ---- row kernels ---- */

typedef struct row_kernels {
    void (*add)(bb_t *o, const bb_t *x, const bb_t *y, size_t n);
    void (*sub)(bb_t *o, const bb_t *x, const bb_t *y, size_t n);
    void (*neg)(bb_t *o, const bb_t *x, size_t n);
    void (*mul)(bb_t *o, const bb_t *x, const bb_t *y, size_t n);
    /* extension x extension: x, y, o are 4 component arrays at stride AIR_BLOCK */
    void (*mul_ext)(bb_t *o, const bb_t *x, const bb_t *y, size_t n);
    /* acc (4 components at stride AIR_BLOCK) += c * v, v base (v_ext 0) or extension (1) */
    void (*mac)(bb_t *acc, bb4_t c, const bb_t *v, int v_ext, size_t n);
    void (*fill)(bb_t *o, bb_t v, size_t n);
} row_kernels;

static void fill_scalar(bb_t *o, bb_t v, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = v;
}

static void add_scalar(bb_t *o, const bb_t *x, const bb_t *y, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = bb_add(x[r], y[r]);
}
static void sub_scalar(bb_t *o, const bb_t *x, const bb_t *y, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = bb_sub(x[r], y[r]);
}
static void neg_scalar(bb_t *o, const bb_t *x, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = bb_neg(x[r]);
}
static void mul_scalar(bb_t *o, const bb_t *x, const bb_t *y, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = bb_mul(x[r], y[r]);
}
static void mul_ext_scalar(bb_t *o, const bb_t *x, const bb_t *y, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        bb4_t u = {{x[r], x[B + r], x[2 * B + r], x[3 * B + r]}};
        bb4_t v = {{y[r], y[B + r], y[2 * B + r], y[3 * B + r]}};
        bb4_t w = bb4_mul(u, v);
        for (int j = 0; j < 4; j++)
            o[j * B + r] = w.c[j];
    }
}
static void mac_scalar(bb_t *acc, bb4_t c, const bb_t *v, int v_ext, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        bb4_t t;
        if (v_ext) {
            bb4_t u = {{v[r], v[B + r], v[2 * B + r], v[3 * B + r]}};
            t = bb4_mul(c, u);
        } else {
            t = bb4_mul_base(c, v[r]);
        }
        for (int j = 0; j < 4; j++)
            acc[j * B + r] = bb_add(acc[j * B + r], t.c[j]);
    }
}

static const row_kernels kernels_scalar = {add_scalar,     sub_scalar, neg_scalar, mul_scalar,
                                           mul_ext_scalar, mac_scalar, fill_scalar};

#if defined(BB_HAVE_AVX2_CODE)
/* The vector kernels, written once for both widths: V is the vector type, L
 * its lanes, LD/ST full loads and stores, LDN/STN the masked ones for the
 * last m < L rows, and ADD/SUB/MUL/SET1 lib/field's lane arithmetic. */
#define W11 0x37ffffe9u /* 11 (X^4 = 11) in internal form */

#define DEFINE_VECTOR_KERNELS(SUF, ATTR, V, L, LD, ST, LDN, STN, ADD, SUB, MUL, SET1)                   \
    static ATTR void add_##SUF(bb_t *o, const bb_t *x, const bb_t *y, size_t n)                         \
    {                                                                                                    \
        size_t r = 0;                                                                                    \
        for (; r + L <= n; r += L)                                                                       \
            ST(o + r, ADD(LD(x + r), LD(y + r)));                                                        \
        if (r < n)                                                                                       \
            STN(o + r, ADD(LDN(x + r, n - r), LDN(y + r, n - r)), n - r);                                \
    }                                                                                                    \
    static ATTR void sub_##SUF(bb_t *o, const bb_t *x, const bb_t *y, size_t n)                         \
    {                                                                                                    \
        size_t r = 0;                                                                                    \
        for (; r + L <= n; r += L)                                                                       \
            ST(o + r, SUB(LD(x + r), LD(y + r)));                                                        \
        if (r < n)                                                                                       \
            STN(o + r, SUB(LDN(x + r, n - r), LDN(y + r, n - r)), n - r);                                \
    }                                                                                                    \
    static ATTR void neg_##SUF(bb_t *o, const bb_t *x, size_t n)                                        \
    {                                                                                                    \
        const V z = SET1(0);                                                                             \
        size_t r = 0;                                                                                    \
        for (; r + L <= n; r += L)                                                                       \
            ST(o + r, SUB(z, LD(x + r)));                                                                \
        if (r < n)                                                                                       \
            STN(o + r, SUB(z, LDN(x + r, n - r)), n - r);                                                \
    }                                                                                                    \
    static ATTR void mul_##SUF(bb_t *o, const bb_t *x, const bb_t *y, size_t n)                         \
    {                                                                                                    \
        size_t r = 0;                                                                                    \
        for (; r + L <= n; r += L)                                                                       \
            ST(o + r, MUL(LD(x + r), LD(y + r)));                                                        \
        if (r < n)                                                                                       \
            STN(o + r, MUL(LDN(x + r, n - r), LDN(y + r, n - r)), n - r);                                \
    }                                                                                                    \
    /* (x0 + x1 X + x2 X^2 + x3 X^3)(y0 + ...) with X^4 = 11: the wrapped terms use 11 y_j */           \
    static inline ATTR void ext_mul_##SUF(V o[4], const V x[4], const V y[4])                            \
    {                                                                                                    \
        const V w = SET1(W11);                                                                           \
        V wy1 = MUL(y[1], w), wy2 = MUL(y[2], w), wy3 = MUL(y[3], w);                                    \
        o[0] = ADD(ADD(MUL(x[0], y[0]), MUL(x[1], wy3)), ADD(MUL(x[2], wy2), MUL(x[3], wy1)));           \
        o[1] = ADD(ADD(MUL(x[0], y[1]), MUL(x[1], y[0])), ADD(MUL(x[2], wy3), MUL(x[3], wy2)));          \
        o[2] = ADD(ADD(MUL(x[0], y[2]), MUL(x[1], y[1])), ADD(MUL(x[2], y[0]), MUL(x[3], wy3)));         \
        o[3] = ADD(ADD(MUL(x[0], y[3]), MUL(x[1], y[2])), ADD(MUL(x[2], y[1]), MUL(x[3], y[0])));         \
    }                                                                                                    \
    static ATTR void mul_ext_##SUF(bb_t *o, const bb_t *x, const bb_t *y, size_t n)                     \
    {                                                                                                    \
        V a[4], b[4], c[4];                                                                              \
        for (size_t r = 0; r < n; r += L) {                                                              \
            size_t m = n - r;                                                                            \
            for (int j = 0; j < 4; j++) {                                                                \
                a[j] = m >= L ? LD(x + j * B + r) : LDN(x + j * B + r, m);                               \
                b[j] = m >= L ? LD(y + j * B + r) : LDN(y + j * B + r, m);                               \
            }                                                                                            \
            ext_mul_##SUF(c, a, b);                                                                      \
            for (int j = 0; j < 4; j++) {                                                                \
                if (m >= L)                                                                              \
                    ST(o + j * B + r, c[j]);                                                             \
                else                                                                                     \
                    STN(o + j * B + r, c[j], m);                                                         \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    static ATTR void mac_##SUF(bb_t *acc, bb4_t cf, const bb_t *v, int v_ext, size_t n)                 \
    {                                                                                                    \
        V c[4], a[4], t[4];                                                                              \
        for (int j = 0; j < 4; j++)                                                                      \
            c[j] = SET1(cf.c[j]);                                                                        \
        for (size_t r = 0; r < n; r += L) {                                                              \
            size_t m = n - r;                                                                            \
            if (v_ext) {                                                                                 \
                for (int j = 0; j < 4; j++)                                                              \
                    a[j] = m >= L ? LD(v + j * B + r) : LDN(v + j * B + r, m);                           \
                ext_mul_##SUF(t, c, a);                                                                  \
            } else {                                                                                     \
                V vb = m >= L ? LD(v + r) : LDN(v + r, m);                                               \
                for (int j = 0; j < 4; j++)                                                              \
                    t[j] = MUL(c[j], vb);                                                                \
            }                                                                                            \
            for (int j = 0; j < 4; j++) {                                                                \
                bb_t *p = acc + j * B + r;                                                               \
                if (m >= L)                                                                              \
                    ST(p, ADD(LD(p), t[j]));                                                             \
                else                                                                                     \
                    STN(p, ADD(LDN(p, m), t[j]), m);                                                     \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    static ATTR void fill_##SUF(bb_t *o, bb_t v, size_t n)                                             \
    {                                                                                                    \
        const V x = SET1(v);                                                                             \
        size_t r = 0;                                                                                    \
        for (; r + L <= n; r += L)                                                                       \
            ST(o + r, x);                                                                                \
        if (r < n)                                                                                       \
            STN(o + r, x, n - r);                                                                        \
    }                                                                                                    \
    static const row_kernels kernels_##SUF = {add_##SUF,     sub_##SUF, neg_##SUF, mul_##SUF,           \
                                              mul_ext_##SUF, mac_##SUF, fill_##SUF};

/* masks for the last m < L rows: lane i is active iff i < m */
static inline BB_AVX2 __m256i mask8(size_t m)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline BB_AVX2 __m256i bb8_loadn(const bb_t *p, size_t m)
{
    return _mm256_maskload_epi32((const int *)p, mask8(m));
}
static inline BB_AVX2 void bb8_storen(bb_t *p, __m256i v, size_t m)
{
    _mm256_maskstore_epi32((int *)p, mask8(m), v);
}
static inline BB_AVX512 __m512i bb16_loadn(const bb_t *p, size_t m)
{
    return _mm512_maskz_loadu_epi32((__mmask16)((1u << m) - 1), p);
}
static inline BB_AVX512 void bb16_storen(bb_t *p, __m512i v, size_t m)
{
    _mm512_mask_storeu_epi32(p, (__mmask16)((1u << m) - 1), v);
}

DEFINE_VECTOR_KERNELS(avx2, BB_AVX2, __m256i, 8, bb8_load, bb8_store, bb8_loadn, bb8_storen, bb8_add,
                      bb8_sub, bb8_mul, bb8_set1)
DEFINE_VECTOR_KERNELS(avx512, BB_AVX512, __m512i, 16, bb16_load, bb16_store, bb16_loadn, bb16_storen,
                      bb16_add, bb16_sub, bb16_mul, bb16_set1)
#endif

/* The kernels of the SIMD mode in force (read per call: tests flip it). */
static const row_kernels *kernels(void)
{
#if defined(BB_HAVE_AVX2_CODE)
    if (bb_simd_avx512())
        return &kernels_avx512;
    if (bb_simd_avx2())
        return &kernels_avx2;
#endif
    return &kernels_scalar;
}

/* ---- the interpreter ---- */

/* A node whose value does not depend on the row. */
static inline int node_uniform(const air_node *nd)
{
    return !(nd->flags & (AIR_F_COLUMN | AIR_F_SELECTOR | AIR_F_PERM));
}

/* Row 0 of node x as an extension element (a base node's upper slots are not written). */
static inline bb4_t value_row0(const air_table *t, const bb_t *s, air_expr x)
{
    const bb_t *p = s + (size_t)x * 4 * B;
    bb4_t v = {{p[0], 0, 0, 0}};
    if (t->nodes[x].is_ext)
        v.c[1] = p[B], v.c[2] = p[2 * B], v.c[3] = p[3 * B];
    return v;
}

/* A uniform node: one extension operation, then broadcast to the block's rows. */
static void eval_uniform(const row_kernels *K, const air_table *t, const air_block *b, const air_node *nd,
                         bb_t *s, bb_t *o)
{
    bb4_t v;
    switch (nd->op) {
    case AIR_OP_CONST: v = bb4_from_base(nd->k); break;
    case AIR_OP_PUBLIC: v = bb4_from_base(b->publics[nd->a]); break;
    case AIR_OP_CHALLENGE: v = b->challenges[nd->a]; break;
    case AIR_OP_ADD: v = bb4_add(value_row0(t, s, nd->a), value_row0(t, s, nd->b)); break;
    case AIR_OP_SUB: v = bb4_sub(value_row0(t, s, nd->a), value_row0(t, s, nd->b)); break;
    case AIR_OP_MUL: v = bb4_mul(value_row0(t, s, nd->a), value_row0(t, s, nd->b)); break;
    case AIR_OP_NEG: v = bb4_neg(value_row0(t, s, nd->a)); break;
    default: v = bb4_zero(); break; /* unreachable: every other op reads a row */
    }
    for (int j = 0; j < (nd->is_ext ? 4 : 1); j++)
        K->fill(o + j * B, v.c[j], b->n);
}

/* Node op a column at the block's rows: o[r] = m[idx[r] * w + col]. */
static void load_column(bb_t *o, const bb_t *m, size_t w, size_t col, const uint32_t *idx, size_t n)
{
    for (size_t r = 0; r < n; r++)
        o[r] = m[(size_t)idx[r] * w + col];
}

/* All column nodes of one matrix at once (t->col_dst): row by row, each word of a row goes
 * to the scratch word dst[c] + r of the node reading it; words no node below lim reads
 * (dst[c] >= lim) are skipped.  Rows are read whole and in order, where gathering node by
 * node touched every row once per column. */
static void load_rows_scalar(bb_t *s, const uint32_t *dst, size_t lim, const bb_t *m, size_t w,
                             const uint32_t *idx, size_t r0, size_t n)
{
    for (size_t r = r0; r < n; r++) {
        const bb_t *row = m + (size_t)idx[r] * w;
        for (size_t c = 0; c < w; c++)
            if (dst[c] < lim)
                s[dst[c] + r] = row[c];
    }
}

#if defined(BB_HAVE_AVX2_CODE)
/* The same, 8 rows x 8 words at a time through an 8x8 transpose: one 8-word store per node. */
static BB_AVX2 void load_rows_avx2(bb_t *s, const uint32_t *dst, size_t lim, const bb_t *m, size_t w,
                                   const uint32_t *idx, size_t n)
{
    size_t r0 = 0;
    for (; r0 + 8 <= n; r0 += 8) {
        const bb_t *row[8];
        for (int q = 0; q < 8; q++)
            row[q] = m + (size_t)idx[r0 + q] * w;
        size_t c0 = 0;
        for (; c0 + 8 <= w; c0 += 8) {
            __m256i a[8], t[8];
            int any = 0;
            for (int i = 0; i < 8; i++)
                any |= dst[c0 + i] < lim;
            if (!any)
                continue;
            for (int q = 0; q < 8; q++)
                a[q] = bb8_load(row[q] + c0);
            bb8_transpose8(t, a); /* t[i] = word c0 + i of the 8 rows */
            for (int i = 0; i < 8; i++)
                if (dst[c0 + i] < lim)
                    bb8_store(s + dst[c0 + i] + r0, t[i]);
        }
        for (; c0 < w; c0++)
            if (dst[c0] < lim)
                for (int q = 0; q < 8; q++)
                    s[dst[c0] + r0 + q] = row[q][c0];
    }
    load_rows_scalar(s, dst, lim, m, w, idx, r0, n);
}
#endif

static void load_rows(bb_t *s, const uint32_t *dst, size_t lim, const bb_t *m, size_t w, const uint32_t *idx,
                      size_t n)
{
    if (!m || !w)
        return;
#if defined(BB_HAVE_AVX2_CODE)
    if (bb_simd_avx2()) {
        load_rows_avx2(s, dst, lim, m, w, idx, n);
        return;
    }
#endif
    load_rows_scalar(s, dst, lim, m, w, idx, 0, n);
}

static void load_selector(const row_kernels *K, bb_t *o, const bb_t *sel, size_t n)
{
    if (sel)
        memcpy(o, sel, n * sizeof *o);
    else /* NULL: a pass that needs no selectors (LogUp values) */
        K->fill(o, bb_zero(), n);
}

void air_eval_block(const air_table *t, const air_block *b, size_t n_nodes, bb_t *s)
{
    air_eval_block_needed(t, b, n_nodes, NULL, s);
}

void air_eval_block_needed(const air_table *t, const air_block *b, size_t n_nodes, const uint8_t *need, bb_t *s)
{
    const row_kernels *K = kernels();
    const size_t n = b->n;
    /* Column nodes are leaves: with the table's column index, load them all first, matrix
     * by matrix (the block's widths must be the table's; they always are in lib/stark). */
    const size_t wm = t->main_width, wp = t->pre_width, wq = 4 * (size_t)t->perm_width;
    const int by_rows = t->col_dst && b->main_w == wm && b->pre_w == wp && (!b->perm || b->perm_w == wq);
    if (by_rows) {
        const size_t lim = n_nodes * 4 * B;
        const uint32_t *d = t->col_dst;
        load_rows(s, d, lim, b->main, wm, b->local, n);
        load_rows(s, d + wm, lim, b->main, wm, b->next, n);
        load_rows(s, d + 2 * wm, lim, b->pre, wp, b->local, n);
        load_rows(s, d + 2 * wm + wp, lim, b->pre, wp, b->next, n);
        load_rows(s, d + 2 * (wm + wp), lim, b->perm, wq, b->local, n);
        load_rows(s, d + 2 * (wm + wp) + wq, lim, b->perm, wq, b->next, n);
    }
    for (size_t i = 0; i < n_nodes; i++) {
        if (need && !need[i])
            continue;
        const air_node *nd = &t->nodes[i];
        bb_t *o = slot(s, i);
        if (node_uniform(nd)) {
            eval_uniform(K, t, b, nd, s, o);
            continue;
        }
        if (by_rows && (nd->op == AIR_OP_MAIN || nd->op == AIR_OP_PRE || nd->op == AIR_OP_PERM))
            continue; /* loaded above */
        switch (nd->op) {
        case AIR_OP_MAIN:
            load_column(o, b->main, b->main_w, nd->a, nd->b ? b->next : b->local, n);
            break;
        case AIR_OP_PRE:
            load_column(o, b->pre, b->pre_w, nd->a, nd->b ? b->next : b->local, n);
            break;
        case AIR_OP_PERM:
            for (int j = 0; j < 4; j++)
                load_column(o + j * B, b->perm, b->perm_w, 4 * (size_t)nd->a + j, nd->b ? b->next : b->local, n);
            break;
        case AIR_OP_IS_FIRST: load_selector(K, o, b->is_first, n); break;
        case AIR_OP_IS_LAST: load_selector(K, o, b->is_last, n); break;
        case AIR_OP_IS_TRANSITION: load_selector(K, o, b->is_transition, n); break;
        case AIR_OP_NEG: {
            const bb_t *x = slot(s, nd->a);
            for (int j = 0; j < (nd->is_ext ? 4 : 1); j++)
                K->neg(o + j * B, x + j * B, n);
            break;
        }
        case AIR_OP_ADD:
        case AIR_OP_SUB: {
            const bb_t *x = slot(s, nd->a), *y = slot(s, nd->b);
            int xe = t->nodes[nd->a].is_ext, ye = t->nodes[nd->b].is_ext;
            int sub = nd->op == AIR_OP_SUB;
            (sub ? K->sub : K->add)(o, x, y, n);
            /* components 1..3: both operands', or the extension operand's alone */
            for (int j = 1; j < 4 && nd->is_ext; j++) {
                bb_t *oj = o + j * B;
                const bb_t *xj = x + j * B, *yj = y + j * B;
                if (xe && ye)
                    (sub ? K->sub : K->add)(oj, xj, yj, n);
                else if (xe)
                    memcpy(oj, xj, n * sizeof *oj);
                else if (sub)
                    K->neg(oj, yj, n);
                else
                    memcpy(oj, yj, n * sizeof *oj);
            }
            break;
        }
        case AIR_OP_MUL: {
            const bb_t *x = slot(s, nd->a), *y = slot(s, nd->b);
            int xe = t->nodes[nd->a].is_ext, ye = t->nodes[nd->b].is_ext;
            if (!xe && !ye) {
                K->mul(o, x, y, n);
            } else if (xe != ye) {
                const bb_t *e = xe ? x : y, *bs = xe ? y : x;
                for (int j = 0; j < 4; j++)
                    K->mul(o + j * B, e + j * B, bs, n);
            } else {
                K->mul_ext(o, x, y, n);
            }
            break;
        }
        default: /* CONST, PUBLIC, CHALLENGE are uniform */
            break;
        }
    }
}

void air_block_combine(const air_table *t, const bb_t *s, size_t n, const air_expr *xs, const bb4_t *coef,
                       size_t count, bb_t *acc)
{
    const row_kernels *K = kernels();
    for (int j = 0; j < 4; j++)
        K->fill(acc + j * B, bb_zero(), n);
    for (size_t i = 0; i < count; i++)
        K->mac(acc, coef[i], s + (size_t)xs[i] * 4 * B, t->nodes[xs[i]].is_ext, n);
}

void air_block_batch_inv(bb_t *x, size_t count, size_t n, bb_t *tmp)
{
    if (!count || !n)
        return;
    const row_kernels *K = kernels();
    bb_t acc[4 * B];
    /* tmp_i = x_0 ... x_(i-1) (Montgomery's trick, row by row in the lanes) */
    K->fill(tmp, bb_one(), n);
    for (int j = 1; j < 4; j++)
        K->fill(tmp + j * B, bb_zero(), n);
    for (size_t i = 1; i < count; i++)
        K->mul_ext(tmp + i * 4 * B, tmp + (i - 1) * 4 * B, x + (i - 1) * 4 * B, n);
    K->mul_ext(acc, tmp + (count - 1) * 4 * B, x + (count - 1) * 4 * B, n);
    for (size_t r = 0; r < n; r++) { /* one inversion per row */
        bb4_t v = {{acc[r], acc[B + r], acc[2 * B + r], acc[3 * B + r]}};
        v = bb4_inv(v);
        for (int j = 0; j < 4; j++)
            acc[j * B + r] = v.c[j];
    }
    /* backwards: acc = 1 / (x_0 ... x_i); x_i^-1 = acc tmp_i; then acc *= x_i */
    for (size_t i = count; i-- > 0;) {
        bb_t *xi = x + i * 4 * B, *ti = tmp + i * 4 * B;
        K->mul_ext(ti, acc, ti, n);
        K->mul_ext(acc, acc, xi, n);
        for (int j = 0; j < 4; j++)
            memcpy(xi + j * B, ti + j * B, n * sizeof *xi);
    }
}

void air_mark_needed(const air_table *t, const air_expr *xs, size_t count, uint8_t *need)
{
    memset(need, 0, t->n_nodes);
    for (size_t i = 0; i < count; i++)
        need[xs[i]] = 1;
    /* operands come before their node: one sweep from the top */
    for (size_t i = t->n_nodes; i-- > 0;) {
        const air_node *nd = &t->nodes[i];
        if (!need[i])
            continue;
        switch (nd->op) {
        case AIR_OP_ADD:
        case AIR_OP_SUB:
        case AIR_OP_MUL:
            need[nd->b] = 1;
            /* fall through */
        case AIR_OP_NEG:
            need[nd->a] = 1;
            break;
        default:
            break;
        }
    }
}
