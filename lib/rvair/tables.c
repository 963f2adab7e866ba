/* tables.c - the HINT, PAGE and BYTES tables, the public interactions, and
 * the machine that puts them together with CPU and P2 (docs/air.md). */
#include "rvair/rvair_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- HINT: one row per word HINT_READ writes; rows of one call are
 * consecutive, from FIRST (which receives (ts, ptr, words, pad) from the
 * CPU) to LAST (REM = 1). ---- */
void rvair_hint_air(air_table *t)
{
    air_set_label(t, "hint");
    air_expr REAL = COL(HINT_REAL), FIRST = COL(HINT_FIRST), LAST = COL(HINT_LAST), ONE = CST(1);
    BOOL(REAL);
    BOOL(FIRST);
    BOOL(LAST);
    ZERO(MUL(FIRST, SUB(ONE, REAL)));
    ZERO(MUL(LAST, SUB(ONE, REAL)));
    air_assert_first(t, SUB(FIRST, REAL));
    air_assert_transition(t, MUL(SUB(ONE, REAL), NXT(HINT_REAL)));
    air_expr g = SUB(REAL, LAST); /* = REAL (1 - LAST), since LAST implies REAL */ /* this call goes on in the next row */
    air_assert_transition(t, MUL(g, SUB(ONE, NXT(HINT_REAL))));
    air_assert_last(t, g);
    air_assert_transition(t, MUL(g, SUB(NXT(HINT_TS), COL(HINT_TS))));
    air_assert_transition(t, MUL(g, SUB(NXT(HINT_ADDR), ADD(COL(HINT_ADDR), CST(4)))));
    air_assert_transition(t, MUL(g, SUB(NXT(HINT_REM), SUB(COL(HINT_REM), ONE))));
    air_assert_transition(t, MUL(g, NXT(HINT_FIRST)));
    air_assert_transition(t, MUL(LAST, SUB(NXT(HINT_FIRST), NXT(HINT_REAL))));
    air_expr pad = CST(0);
    for (int i = 0; i < 3; i++) {
        BOOL(COL(HINT_GE + i));
        air_assert_transition(t, MUL(g, SUB(NXT(HINT_GE + i), COL(HINT_GE + i))));
        pad = ADD(pad, COL(HINT_GE + i));
    }
    ZERO(MUL(COL(HINT_GE + 1), SUB(ONE, COL(HINT_GE))));
    ZERO(MUL(COL(HINT_GE + 2), SUB(ONE, COL(HINT_GE + 1))));
    ZERO(MUL(LAST, SUB(COL(HINT_REM), ONE)));
    /* the last word is zero past the item's end */
    ZERO(MUL(MUL(LAST, COL(HINT_GE)), COL(HINT_V + 3)));
    ZERO(MUL(MUL(LAST, COL(HINT_GE + 1)), COL(HINT_V + 2)));
    ZERO(MUL(MUL(LAST, COL(HINT_GE + 2)), COL(HINT_V + 1)));
    /* code is immutable: every word HINT_READ writes lies outside the executable range.
     * ADDR = AL + 65536 AH with AL, AH 16-bit and AH < 0x7800 (AH + 0x8800 16-bit too), so the
     * limbs are ADDR's own (AL + 65536 AH < 0x78000000 < p: no second decomposition). */
    air_set_label(t, "hint: outside text");
    ZERO(MUL(REAL, SUB(COL(HINT_ADDR), ADD(COL(HINT_AL), MULC(COL(HINT_AH), 65536)))));
    send_r16(t, REAL, COL(HINT_AL));
    send_r16(t, REAL, COL(HINT_AH));
    send_r16(t, REAL, ADD(COL(HINT_AH), CST(0x8800)));
    outside_text(t, REAL, COL(HINT_AL), COL(HINT_AH), HINT_WS, HINT_WD);
    air_set_label(t, "hint");
    air_expr call[4] = {COL(HINT_TS), COL(HINT_ADDR), COL(HINT_REM), pad};
    air_receive(t, RVAIR_BUS_HINT, FIRST, call, 4);
    air_expr rv[4] = {COL(HINT_ADDR), COL(HINT_PTS), COL(HINT_PLO), COL(HINT_PHI)};
    air_expr sv[4] = {COL(HINT_ADDR), COL(HINT_TS), ADD(COL(HINT_V), MULC(COL(HINT_V + 1), 256)),
                      ADD(COL(HINT_V + 2), MULC(COL(HINT_V + 3), 256))};
    air_receive(t, RVAIR_BUS_MEM, REAL, rv, 4);
    air_send(t, RVAIR_BUS_MEM, REAL, sv, 4);
    air_expr d = ADD(COL(HINT_DLO), MULC(COL(HINT_DHI), 65536));
    ZERO(MUL(REAL, SUB(SUB(SUB(COL(HINT_TS), COL(HINT_PTS)), ONE), d)));
    send_r16(t, REAL, COL(HINT_DLO));
    send_r16(t, REAL, MULC(COL(HINT_DHI), 32));
    send_pair(t, REAL, COL(HINT_V), COL(HINT_V + 1));
    send_pair(t, REAL, COL(HINT_V + 2), COL(HINT_V + 3));
}

/* ---- PAGE: 64 rows per touched page, 4 words per row.  Each row sends
 * the words' initial values (timestamp 0) and receives their final values on
 * the memory bus, and absorbs both versions into two Poseidon2 sponges
 * (overwrite mode, rate 8: exactly memstate's leaf hash).  The last row of a
 * page sends (page, pre-leaf, post-leaf) to the public values. ---- */
void rvair_page_air(air_table *t)
{
    air_set_label(t, "page");
    air_expr REAL = COL(PAGE_REAL), FIRST = COL(PAGE_FIRST), LAST = COL(PAGE_LAST), ONE = CST(1);
    BOOL(REAL);
    BOOL(FIRST);
    BOOL(LAST);
    ZERO(MUL(FIRST, SUB(ONE, REAL)));
    ZERO(MUL(LAST, SUB(ONE, REAL)));
    air_assert_first(t, SUB(FIRST, REAL));
    air_assert_transition(t, MUL(SUB(ONE, REAL), NXT(PAGE_REAL)));
    air_expr g = SUB(REAL, LAST); /* = REAL (1 - LAST), since LAST implies REAL */
    air_assert_transition(t, MUL(g, SUB(ONE, NXT(PAGE_REAL))));
    air_assert_last(t, g);
    air_assert_transition(t, MUL(g, SUB(NXT(PAGE_J), ADD(COL(PAGE_J), ONE))));
    air_assert_transition(t, MUL(g, SUB(NXT(PAGE_PG), COL(PAGE_PG))));
    air_assert_transition(t, MUL(g, NXT(PAGE_FIRST)));
    air_assert_transition(t, MUL(LAST, SUB(NXT(PAGE_FIRST), NXT(PAGE_REAL))));
    ZERO(MUL(FIRST, COL(PAGE_J)));
    ZERO(MUL(LAST, SUB(COL(PAGE_J), CST(63))));
    for (int i = 0; i < 8; i++) {
        ZERO(MUL(FIRST, COL(PAGE_CAP_PRE + i)));
        ZERO(MUL(FIRST, COL(PAGE_CAP_POST + i)));
        air_assert_transition(t, MUL(g, SUB(NXT(PAGE_CAP_PRE + i), COL(PAGE_OUT_PRE + 8 + i))));
        air_assert_transition(t, MUL(g, SUB(NXT(PAGE_CAP_POST + i), COL(PAGE_OUT_POST + 8 + i))));
    }
    air_expr pre[32], post[32];
    for (int w = 0; w < 4; w++) {
        unsigned c = PAGE_WORDS + 5 * w;
        pre[2 * w] = COL(c);
        pre[2 * w + 1] = COL(c + 1);
        post[2 * w] = COL(c + 3);
        post[2 * w + 1] = COL(c + 4);
        air_expr addr = ADD(ADD(MULC(COL(PAGE_PG), 1024), MULC(COL(PAGE_J), 16)), CST(4u * (unsigned)w));
        air_expr sv[4] = {addr, CST(0), COL(c), COL(c + 1)};
        air_expr rv[4] = {addr, COL(c + 2), COL(c + 3), COL(c + 4)};
        air_send(t, RVAIR_BUS_MEM, REAL, sv, 4);
        air_receive(t, RVAIR_BUS_MEM, REAL, rv, 4);
    }
    for (int i = 0; i < 8; i++) {
        pre[8 + i] = COL(PAGE_CAP_PRE + i);
        post[8 + i] = COL(PAGE_CAP_POST + i);
    }
    for (int i = 0; i < 16; i++) {
        pre[16 + i] = COL(PAGE_OUT_PRE + i);
        post[16 + i] = COL(PAGE_OUT_POST + i);
    }
    air_send(t, RVAIR_BUS_P2, REAL, pre, 32);
    air_send(t, RVAIR_BUS_P2, REAL, post, 32);
    air_expr leaf[17];
    leaf[0] = COL(PAGE_PG);
    for (int i = 0; i < 8; i++) {
        leaf[1 + i] = COL(PAGE_OUT_PRE + i);
        leaf[9 + i] = COL(PAGE_OUT_POST + i);
    }
    air_send(t, RVAIR_BUS_LEAF, LAST, leaf, 17);
}

/* ---- BYTES: row i = (x, y) = (i mod 256, i / 256), with AND, OR, XOR ---- */
void rvair_bytes_air(air_table *t)
{
    air_set_label(t, "bytes");
    air_expr x = air_pre(t, 0), y = air_pre(t, 1);
    air_expr vp[4] = {CST(BYTEOP_PAIR), x, y, CST(0)};
    air_expr va[4] = {CST(BYTEOP_AND), x, y, air_pre(t, 2)};
    air_expr vo[4] = {CST(BYTEOP_OR), x, y, air_pre(t, 3)};
    air_expr vx[4] = {CST(BYTEOP_XOR), x, y, air_pre(t, 4)};
    air_expr v16 = ADD(x, MULC(y, 256));
    air_receive(t, RVAIR_BUS_BYTE, COL(BYTES_M_PAIR), vp, 4);
    air_receive(t, RVAIR_BUS_BYTE, COL(BYTES_M_AND), va, 4);
    air_receive(t, RVAIR_BUS_BYTE, COL(BYTES_M_OR), vo, 4);
    air_receive(t, RVAIR_BUS_BYTE, COL(BYTES_M_XOR), vx, 4);
    air_receive(t, RVAIR_BUS_R16, COL(BYTES_M_R16), &v16, 1);
}

bb_t *rvair_bytes_preprocessed(void)
{
    bb_t *m = malloc(sizeof(bb_t) * RVAIR_BYTES_PRE << RVAIR_BYTES_LOG);
    if (!m)
        return NULL;
    for (uint32_t i = 0; i < 1u << RVAIR_BYTES_LOG; i++) {
        uint32_t x = i & 255, y = i >> 8;
        bb_t *r = m + (size_t)i * RVAIR_BYTES_PRE;
        r[0] = bb_from_u32(x);
        r[1] = bb_from_u32(y);
        r[2] = bb_from_u32(x & y);
        r[3] = bb_from_u32(x | y);
        r[4] = bb_from_u32(x ^ y);
    }
    return m;
}

/* ---- public interactions: the state cells' boundary values, the end of
 * the run, HALT, and the page leaves ---- */
static void public_air(air_table *t, uint32_t n_pages)
{
    for (unsigned c = 0; c < RVAIR_N_CELLS; c++) {
        unsigned p = RVAIR_PUB_CELLS + RVAIR_CELL_WIDTH * c;
        air_expr addr = CST(rvair_cell_addr(c));
        air_expr sv[4] = {addr, CST(0), air_public(t, p), air_public(t, p + 1)};
        air_expr rv[4] = {addr, air_public(t, p + 4), air_public(t, p + 2), air_public(t, p + 3)};
        air_send(t, RVAIR_BUS_MEM, CST(1), sv, 4);
        air_receive(t, RVAIR_BUS_MEM, CST(1), rv, 4);
    }
    air_expr end[2] = {air_public(t, RVAIR_PUB_PC_POST), air_public(t, RVAIR_PUB_CYCLES)};
    air_receive(t, RVAIR_BUS_END, CST(1), end, 2);
    air_expr ex[2] = {air_public(t, RVAIR_PUB_EXIT), air_public(t, RVAIR_PUB_EXIT + 1)};
    air_receive(t, RVAIR_BUS_HALT, air_public(t, RVAIR_PUB_HALTED), ex, 2);
    for (uint32_t k = 0; k < n_pages; k++) {
        air_expr leaf[17];
        for (unsigned i = 0; i < 17; i++)
            leaf[i] = air_public(t, RVAIR_PUB_PAGES + RVAIR_PAGE_WIDTH * k + i);
        air_receive(t, RVAIR_BUS_LEAF, CST(1), leaf, 17);
    }
}

int rvair_machine_build(air_machine *m, uint32_t n_pages, rk_err *e)
{
    static const struct { const char *name; unsigned arity; } buses[RVAIR_N_BUSES] = {
        {"mem", 4}, {"byte", 4}, {"range16", 1}, {"poseidon2", 32}, {"leaf", 17},
        {"hint", 4}, {"end", 2}, {"halt", 2}};
    if (n_pages > RVAIR_MAX_PAGES)
        return rk_fail(e, RK_EINPUT, "segment touches %u pages (at most %u)", n_pages, RVAIR_MAX_PAGES);
    air_machine_init(m, rvair_n_public(n_pages));
    for (unsigned b = 0; b < RVAIR_N_BUSES; b++)
        if (air_machine_bus(m, buses[b].name, buses[b].arity) != b)
            return rk_fail(e, RK_EINTERNAL, "rvair: bus ids out of order");
    air_table *t;
    if ((t = air_machine_add_table(m, "cpu", CPU_WIDTH, 0)))
        rvair_cpu_air(t);
    if ((t = air_machine_add_table(m, "hint", HINT_WIDTH, 0)))
        rvair_hint_air(t);
    if ((t = air_machine_add_table(m, "page", PAGE_WIDTH, 0)))
        rvair_page_air(t);
    if ((t = air_machine_add_table(m, "poseidon2", P2T_WIDTH, 0)))
        rvair_p2_air(t);
    if ((t = air_machine_add_table(m, "bytes", BYTES_WIDTH, RVAIR_BYTES_PRE)))
        rvair_bytes_air(t);
    if ((t = air_machine_public_table(m)))
        public_air(t, n_pages);
    return air_machine_finalize(m, e);
}

/* ---- boundary ---- */
void rvair_boundary_init(rvair_boundary *b) { memset(b, 0, sizeof *b); }

void rvair_boundary_free(rvair_boundary *b)
{
    free(b->pages);
    free(b->leaf_pre);
    free(b->leaf_post);
    memset(b, 0, sizeof *b);
}

int rvair_boundary_check(const rvair_boundary *b, rk_err *e)
{
    if (!rv_text_ok(b->text_lo, b->text_hi))
        return rk_fail(e, RK_EFALSE, "executable range [0x%08x, 0x%08x) is not 4-aligned inside memory",
                       b->text_lo, b->text_hi);
    if (!b->halted && b->pc_post - b->text_lo >= b->text_hi - b->text_lo)
        return rk_fail(e, RK_EFALSE,
                       "a segment that does not halt must end inside the executable range [0x%08x, 0x%08x), "
                       "not at pc 0x%08x", b->text_lo, b->text_hi, b->pc_post);
    return RK_OK;
}

int rvair_publics(const rvair_boundary *b, bb_t **out, rk_err *e)
{
    unsigned n = rvair_n_public(b->n_pages);
    bb_t *p = calloc(n, sizeof *p);
    if (!p)
        return rk_fail(e, RK_EINTERNAL, "out of memory for public values");
    p[RVAIR_PUB_PC_PRE] = bb_from_u32(b->pc_pre);
    p[RVAIR_PUB_PC_POST] = bb_from_u32(b->pc_post);
    p[RVAIR_PUB_CYCLES] = bb_from_u32((uint32_t)b->cycles);
    p[RVAIR_PUB_HALTED] = bb_from_u32(b->halted);
    p[RVAIR_PUB_EXIT] = bb_from_u32(b->exit_code & 0xFFFF);
    p[RVAIR_PUB_EXIT + 1] = bb_from_u32(b->exit_code >> 16);
    memcpy(p + RVAIR_PUB_LABEL, b->image_id.v, sizeof b->image_id.v);
    p[RVAIR_PUB_LABEL + 8] = bb_from_u32(b->index & 0xFFFF);
    p[RVAIR_PUB_LABEL + 9] = bb_from_u32(b->index >> 16);
    p[RVAIR_PUB_TEXT] = bb_from_u32(b->text_lo & 0xFFFF);
    p[RVAIR_PUB_TEXT + 1] = bb_from_u32(b->text_lo >> 16);
    p[RVAIR_PUB_TEXT + 2] = bb_from_u32(b->text_hi & 0xFFFF);
    p[RVAIR_PUB_TEXT + 3] = bb_from_u32(b->text_hi >> 16);
    for (unsigned c = 0; c < RVAIR_N_CELLS; c++) {
        bb_t *q = p + RVAIR_PUB_CELLS + RVAIR_CELL_WIDTH * c;
        q[0] = bb_from_u32(b->cell_pre[c] & 0xFFFF);
        q[1] = bb_from_u32(b->cell_pre[c] >> 16);
        q[2] = bb_from_u32(b->cell_post[c] & 0xFFFF);
        q[3] = bb_from_u32(b->cell_post[c] >> 16);
        q[4] = bb_from_u32(b->cell_ts[c]);
    }
    for (uint32_t k = 0; k < b->n_pages; k++) {
        bb_t *q = p + RVAIR_PUB_PAGES + RVAIR_PAGE_WIDTH * k;
        q[0] = bb_from_u32(b->pages[k]);
        memcpy(q + 1, b->leaf_pre[k].v, sizeof b->leaf_pre[k].v);
        memcpy(q + 9, b->leaf_post[k].v, sizeof b->leaf_post[k].v);
    }
    *out = p;
    return RK_OK;
}
