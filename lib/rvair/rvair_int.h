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
