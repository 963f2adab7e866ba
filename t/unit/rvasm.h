/* rvasm.h - a tiny RV32IM encoder for the unit tests (instruction words by
 * hand, so the tests do not depend on the cross toolchain). */
#ifndef RAIKO_T_RVASM_H
#define RAIKO_T_RVASM_H
#include <stdint.h>

static inline uint32_t enc_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op)
{ return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
static inline uint32_t enc_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op)
{ return ((uint32_t)imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
static inline uint32_t enc_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t op)
{ uint32_t u = (uint32_t)imm; return (u >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | op; }
static inline uint32_t enc_b(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
static inline uint32_t enc_u(uint32_t imm, uint32_t rd, uint32_t op) { return (imm & 0xFFFFF000u) | rd << 7 | op; }
static inline uint32_t enc_j(int32_t imm, uint32_t rd)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3FF) << 21 | (u >> 11 & 1) << 20 | (u >> 12 & 0xFF) << 12 | rd << 7 | 0x6F;
}

#define A_ADDI(rd, rs1, imm) enc_i((imm), (rs1), 0, (rd), 0x13)
#define A_LUI(rd, imm) enc_u((imm), (rd), 0x37)
#define A_ECALL 0x00000073u
#define A_EBREAK 0x00100073u
#define A_UNIMP 0xC0001073u

/* li rd, v as LUI + ADDI (always two words, so programs have fixed layouts) */
static inline void asm_li(uint32_t *w, uint32_t rd, uint32_t v)
{
    uint32_t lo = v & 0xFFF, hi = v - (uint32_t)((int32_t)(lo << 20) >> 20);
    w[0] = A_LUI(rd, hi);
    w[1] = A_ADDI(rd, rd, (int32_t)(lo << 20) >> 20);
}
#endif
