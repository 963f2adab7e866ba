/* rvair_int.h - private helpers shared by the rvair sources (not a public header). */
#ifndef RAIKO_RVAIR_INT_H
#define RAIKO_RVAIR_INT_H

#include "rvair/rvair.h"

/* Expression shorthands; every use has `air_table *t` in scope. */
#define COL(c) air_main(t, (unsigned)(c))
#define NXT(c) air_main_next(t, (unsigned)(c))
#define CST(v) air_const(t, (uint32_t)(v))
#define ADD(a, b) air_add(t, (a), (b))
#define SUB(a, b) air_sub(t, (a), (b))
#define MUL(a, b) air_mul(t, (a), (b))
#define MULC(a, v) air_mul_const(t, (a), (uint32_t)(v))
#define ZERO(x) air_assert_zero(t, (x))
#define BOOL(x) air_assert_bool(t, (x))

/* The BYTE bus tuple is (op, x, y, z): op 0 = "x and y are bytes" (z = 0),
 * 1 = AND, 2 = OR, 3 = XOR (z = x op y). */
enum { BYTEOP_PAIR = 0, BYTEOP_AND = 1, BYTEOP_OR = 2, BYTEOP_XOR = 3 };

static inline void send_pair(air_table *t, air_expr mult, air_expr x, air_expr y)
{
    air_expr v[4] = {CST(BYTEOP_PAIR), x, y, CST(0)};
    air_send(t, RVAIR_BUS_BYTE, mult, v, 4);
}
static inline void send_r16(air_table *t, air_expr mult, air_expr x)
{
    air_send(t, RVAIR_BUS_R16, mult, &x, 1);
}

/* x + d = y over the integers, x, y given as 16-bit limbs (x's low limb may be 65536),
 * d = dl + 65536 dh with dl, dh 16-bit (range-checked with multiplicity gate) and c the low
 * limbs' carry: so x <= y.  Every term is below 2^18, so the two limb identities hold over the
 * integers, not only mod p (a single field difference of 31-bit addresses would alias). */
static inline void le16(air_table *t, air_expr gate, air_expr xl, air_expr xh, air_expr yl, air_expr yh,
                        unsigned dcol)
{
    air_expr dl = COL(dcol), dh = COL(dcol + 1), c = COL(dcol + 2);
    BOOL(c);
    ZERO(MUL(gate, SUB(ADD(xl, dl), ADD(yl, MULC(c, 65536)))));
    ZERO(MUL(gate, SUB(ADD(ADD(xh, dh), c), yh)));
    send_r16(t, gate, dl);
    send_r16(t, gate, dh);
}

/* The word address a (limbs al, ah; a 4-aligned) lies outside [text_lo, text_hi) (public
 * values, 4-aligned): with s = COL(scol) boolean, s = 0: a + 4 <= text_lo, s = 1:
 * text_hi <= a, by le16 on dcol.  Degree 3 with a degree-1 gate. */
static inline void outside_text(air_table *t, air_expr gate, air_expr al, air_expr ah, unsigned scol,
                                unsigned dcol)
{
    air_expr s = COL(scol), ns = SUB(CST(1), s);
    air_expr lol = air_public(t, RVAIR_PUB_TEXT), loh = air_public(t, RVAIR_PUB_TEXT + 1);
    air_expr hil = air_public(t, RVAIR_PUB_TEXT + 2), hih = air_public(t, RVAIR_PUB_TEXT + 3);
    BOOL(s);
    air_expr xl = ADD(MUL(s, hil), MUL(ns, ADD(al, CST(4)))), xh = ADD(MUL(s, hih), MUL(ns, ah));
    air_expr yl = ADD(MUL(s, al), MUL(ns, lol)), yh = ADD(MUL(s, ah), MUL(ns, loh));
    le16(t, gate, xl, xh, yl, yh, dcol);
}

void rvair_cpu_air(air_table *t);
void rvair_hint_air(air_table *t);
void rvair_page_air(air_table *t);
void rvair_p2_air(air_table *t);
void rvair_bytes_air(air_table *t);

/* Poseidon2 constants (canonical), lib/rvair/p2air.c. */
extern const uint32_t rvair_p2_rc_ext[8][16];
extern const uint32_t rvair_p2_rc_int[13];
extern const uint32_t rvair_p2_diag[16];

/* Immediate of an instruction word as the AIR assembles it from the bits
 * (format chosen by the op; 0 for R-type, FENCE, ECALL). */
uint32_t rvair_imm(int op, uint32_t word);

#endif
