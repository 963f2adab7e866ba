/* decode.c - RV32IM instruction decoding, shared by both interpreters. */
#include "rv/rv.h"

static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static int32_t imm_s(uint32_t w) { return (int32_t)(((int32_t)w >> 25) * 32) | (int32_t)((w >> 7) & 31); }
static int32_t imm_b(uint32_t w)
{
    uint32_t v = ((w >> 31) ? 0xFFFFF000u : 0) | ((w & 0x80u) << 4) | ((w >> 20) & 0x7E0u) |
                 ((w >> 7) & 0x1Eu);
    return (int32_t)v;
}
static int32_t imm_j(uint32_t w)
{
    uint32_t v = ((w >> 31) ? 0xFFF00000u : 0) | (w & 0xFF000u) | ((w >> 9) & 0x800u) |
                 ((w >> 20) & 0x7FEu);
    return (int32_t)v;
}

rv_insn rv_decode(uint32_t w)
{
    rv_insn d = {RV_ILLEGAL, (uint8_t)((w >> 7) & 31), (uint8_t)((w >> 15) & 31),
                 (uint8_t)((w >> 20) & 31), 0};
    uint32_t f3 = (w >> 12) & 7, f7 = w >> 25;
    if ((w & 3) != 3) {
        d.op = RV_RVC;
        return d;
    }
    switch (w & 0x7F) {
    case 0x37: d.op = RV_LUI; d.imm = (int32_t)(w & 0xFFFFF000u); break;
    case 0x17: d.op = RV_AUIPC; d.imm = (int32_t)(w & 0xFFFFF000u); break;
    case 0x6F: d.op = RV_JAL; d.imm = imm_j(w); break;
    case 0x67:
        if (f3 == 0) { d.op = RV_JALR; d.imm = imm_i(w); }
        break;
    case 0x63: {
        static const uint8_t ops[8] = {RV_BEQ, RV_BNE, 0, 0, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU};
        d.op = ops[f3];
        d.imm = imm_b(w);
        break;
    }
    case 0x03: {
        static const uint8_t ops[8] = {RV_LB, RV_LH, RV_LW, 0, RV_LBU, RV_LHU, 0, 0};
        d.op = ops[f3];
        d.imm = imm_i(w);
        break;
    }
    case 0x23: {
        static const uint8_t ops[8] = {RV_SB, RV_SH, RV_SW, 0, 0, 0, 0, 0};
        d.op = ops[f3];
        d.imm = imm_s(w);
        break;
    }
    case 0x13: {
        static const uint8_t ops[8] = {RV_ADDI, 0, RV_SLTI, RV_SLTIU, RV_XORI, 0, RV_ORI, RV_ANDI};
        d.imm = imm_i(w);
        if (f3 == 1) {
            if (f7 == 0) { d.op = RV_SLLI; d.imm = d.rs2; }
        } else if (f3 == 5) {
            if (f7 == 0) { d.op = RV_SRLI; d.imm = d.rs2; }
            else if (f7 == 0x20) { d.op = RV_SRAI; d.imm = d.rs2; }
        } else {
            d.op = ops[f3];
        }
        break;
    }
    case 0x33: {
        static const uint8_t base[8] = {RV_ADD, RV_SLL, RV_SLT, RV_SLTU, RV_XOR, RV_SRL, RV_OR, RV_AND};
        static const uint8_t mul[8] = {RV_MUL, RV_MULH, RV_MULHSU, RV_MULHU,
                                       RV_DIV, RV_DIVU, RV_REM, RV_REMU};
        if (f7 == 0) d.op = base[f3];
        else if (f7 == 1) d.op = mul[f3];
        else if (f7 == 0x20 && f3 == 0) d.op = RV_SUB;
        else if (f7 == 0x20 && f3 == 5) d.op = RV_SRA;
        break;
    }
    case 0x0F:
        if (f3 == 0) d.op = RV_FENCE; /* memory ordering is trivial on one hart: a no-op */
        break;
    case 0x73:
        if (w == 0x00000073u) d.op = RV_ECALL;
        else if (w == 0x00100073u) d.op = RV_EBREAK;
        break; /* CSR instructions (and unimp = csrrw x0, cycle, x0) are illegal */
    default:
        break;
    }
    return d;
}

const char *rv_op_name(int op)
{
    static const char *const names[RV_OP_COUNT] = {
        "illegal", "lui", "auipc", "jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu",
        "lb", "lh", "lw", "lbu", "lhu", "sb", "sh", "sw", "addi", "slti", "sltiu", "xori", "ori",
        "andi", "slli", "srli", "srai", "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra",
        "or", "and", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "fence",
        "ecall", "ebreak", "rvc", "falloff"};
    return op >= 0 && op < RV_OP_COUNT ? names[op] : "?";
}
