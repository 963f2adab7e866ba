/* cpu.c - the CPU table of the RV32IM segment AIR: one row per cycle.
 *
 * docs/air.md ("CPU") lists every column and constraint and argues why
 * each holds only for a correct execution.  Every constraint has degree <= 3
 * (the default log_blowup 1).  Padding rows (REAL = 0) are all zero except
 * CLK, which keeps counting, and RD0 = 1. */
#include "rvair/rvair_int.h"

#define F(op) COL(CPU_FLAG(op))
#define SYS(k) COL(CPU_SYS + (k))
#define W(i) COL(CPU_W + (i))
#define INV4_MOD_P 1509949441u /* 4 * 1509949441 = 3p + 1 */

/* The decoder's view of each op: opcode, funct3 (-1: free), funct7 (-1: free), format. */
typedef struct opdef {
    uint8_t op, opcode;
    int8_t f3, f7;
    char fmt; /* U J I B S R F(ence) E(call) */
} opdef;

static const opdef ops[] = {
    {RV_LUI, 0x37, -1, -1, 'U'},   {RV_AUIPC, 0x17, -1, -1, 'U'}, {RV_JAL, 0x6F, -1, -1, 'J'},
    {RV_JALR, 0x67, 0, -1, 'I'},   {RV_BEQ, 0x63, 0, -1, 'B'},    {RV_BNE, 0x63, 1, -1, 'B'},
    {RV_BLT, 0x63, 4, -1, 'B'},    {RV_BGE, 0x63, 5, -1, 'B'},    {RV_BLTU, 0x63, 6, -1, 'B'},
    {RV_BGEU, 0x63, 7, -1, 'B'},   {RV_LB, 0x03, 0, -1, 'I'},     {RV_LH, 0x03, 1, -1, 'I'},
    {RV_LW, 0x03, 2, -1, 'I'},     {RV_LBU, 0x03, 4, -1, 'I'},    {RV_LHU, 0x03, 5, -1, 'I'},
    {RV_SB, 0x23, 0, -1, 'S'},     {RV_SH, 0x23, 1, -1, 'S'},     {RV_SW, 0x23, 2, -1, 'S'},
    {RV_ADDI, 0x13, 0, -1, 'I'},   {RV_SLTI, 0x13, 2, -1, 'I'},   {RV_SLTIU, 0x13, 3, -1, 'I'},
    {RV_XORI, 0x13, 4, -1, 'I'},   {RV_ORI, 0x13, 6, -1, 'I'},    {RV_ANDI, 0x13, 7, -1, 'I'},
    {RV_SLLI, 0x13, 1, 0, 'I'},    {RV_SRLI, 0x13, 5, 0, 'I'},    {RV_SRAI, 0x13, 5, 0x20, 'I'},
    {RV_ADD, 0x33, 0, 0, 'R'},     {RV_SUB, 0x33, 0, 0x20, 'R'},  {RV_SLL, 0x33, 1, 0, 'R'},
    {RV_SLT, 0x33, 2, 0, 'R'},     {RV_SLTU, 0x33, 3, 0, 'R'},    {RV_XOR, 0x33, 4, 0, 'R'},
    {RV_SRL, 0x33, 5, 0, 'R'},     {RV_SRA, 0x33, 5, 0x20, 'R'},  {RV_OR, 0x33, 6, 0, 'R'},
    {RV_AND, 0x33, 7, 0, 'R'},     {RV_MUL, 0x33, 0, 1, 'R'},     {RV_MULH, 0x33, 1, 1, 'R'},
    {RV_MULHSU, 0x33, 2, 1, 'R'},  {RV_MULHU, 0x33, 3, 1, 'R'},   {RV_DIV, 0x33, 4, 1, 'R'},
    {RV_DIVU, 0x33, 5, 1, 'R'},    {RV_REM, 0x33, 6, 1, 'R'},     {RV_REMU, 0x33, 7, 1, 'R'},
    {RV_FENCE, 0x0F, 0, -1, 'F'},  {RV_ECALL, 0x73, -1, -1, 'E'},
};
#define N_OPS (sizeof ops / sizeof ops[0])

static char op_fmt(int op)
{
    for (size_t i = 0; i < N_OPS; i++)
        if (ops[i].op == op)
            return ops[i].fmt;
    return 0;
}

/* Source of immediate bit b in format f: instruction bit index 0..31, or -1 for 0. */
static int imm_src(char f, int b)
{
    switch (f) {
    case 'I': return b < 12 ? 20 + b : 31;
    case 'S': return b < 5 ? 7 + b : b < 12 ? 25 + b - 5 : 31;
    case 'B': return b == 0 ? -1 : b < 5 ? 8 + b - 1 : b < 11 ? 25 + b - 5 : b == 11 ? 7 : 31;
    case 'U': return b < 12 ? -1 : b;
    case 'J': return b == 0 ? -1 : b < 11 ? 21 + b - 1 : b == 11 ? 20 : b < 20 ? b : 31;
    default: return -1;
    }
}

uint32_t rvair_imm(int op, uint32_t word)
{
    char f = op_fmt(op);
    uint32_t v = 0;
    for (int b = 0; b < 32; b++) {
        int s = imm_src(f, b);
        if (s >= 0)
            v |= ((word >> s) & 1u) << b;
    }
    return v;
}

static air_expr sum_flags(air_table *t, const int *list)
{
    air_expr s = CST(0);
    for (; *list; list++)
        s = ADD(s, F(*list));
    return s;
}

/* sum_i 2^i * W(lo + i), i < n */
static air_expr bits(air_table *t, int lo, int n)
{
    air_expr s = CST(0);
    for (int i = n - 1; i >= 0; i--)
        s = ADD(MULC(s, 2), W(lo + i));
    return s;
}

/* x0 + 256 x1 (+ 65536 x2 + 2^24 x3) over consecutive columns */
static air_expr limb16(air_table *t, unsigned c) { return ADD(COL(c), MULC(COL(c + 1), 256)); }

/* One memory access: receive (addr, prev ts, old value) and send (addr, ts, new value),
 * with ts - prev - 1 in [0, 2^27) by two 16-bit range checks. */
static void access(air_table *t, air_expr mult, air_expr addr, air_expr ts, int slot, air_expr olo,
                   air_expr ohi, air_expr nlo, air_expr nhi)
{
    air_expr prev = COL(CPU_PTS + slot);
    air_expr rv[4] = {addr, prev, olo, ohi}, sv[4] = {addr, ts, nlo, nhi};
    air_receive(t, RVAIR_BUS_MEM, mult, rv, 4);
    air_send(t, RVAIR_BUS_MEM, mult, sv, 4);
    air_expr d = ADD(COL(CPU_DLO + slot), MULC(COL(CPU_DHI + slot), 65536));
    ZERO(MUL(mult, SUB(SUB(SUB(ts, prev), CST(1)), d)));
    send_r16(t, mult, COL(CPU_DLO + slot));
    send_r16(t, mult, MULC(COL(CPU_DHI + slot), 32));
}

void rvair_cpu_air(air_table *t)
{
    static const int L_ALUI[] = {RV_ADDI, RV_SLTI, RV_SLTIU, RV_XORI, RV_ORI, RV_ANDI, RV_SLLI, RV_SRLI, RV_SRAI, 0};
    static const int L_ADDS[] = {RV_ADD, RV_ADDI, 0};
    static const int L_CMP[] = {RV_SLT, RV_SLTI, RV_SLTU, RV_SLTIU, RV_BEQ, RV_BNE, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU, 0};
    static const int L_SGN[] = {RV_SLT, RV_SLTI, RV_BLT, RV_BGE, 0};
    static const int L_SLTS[] = {RV_SLT, RV_SLTI, RV_SLTU, RV_SLTIU, 0};
    static const int L_BR[] = {RV_BEQ, RV_BNE, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU, 0};
    static const int L_LOAD[] = {RV_LB, RV_LH, RV_LW, RV_LBU, RV_LHU, 0};
    static const int L_STORE[] = {RV_SB, RV_SH, RV_SW, 0};
    static const int L_AND[] = {RV_AND, RV_ANDI, 0}, L_OR[] = {RV_OR, RV_ORI, 0}, L_XOR[] = {RV_XOR, RV_XORI, 0};
    static const int L_SHL[] = {RV_SLL, RV_SLLI, 0}, L_SHR[] = {RV_SRL, RV_SRLI, RV_SRA, RV_SRAI, 0};
    static const int L_MULS[] = {RV_MUL, RV_MULH, RV_MULHSU, RV_MULHU, 0};
    static const int L_MULHI[] = {RV_MULH, RV_MULHSU, RV_MULHU, 0};
    static const int L_DIVSG[] = {RV_DIV, RV_REM, 0}, L_DIVUN[] = {RV_DIVU, RV_REMU, 0};
    static const int L_SXA[] = {RV_MULH, RV_MULHSU, RV_SRA, RV_SRAI, 0};
    static const int L_QUOT[] = {RV_DIV, RV_DIVU, 0}, L_REMS[] = {RV_REM, RV_REMU, 0};
    static const int L_HASRD[] = {RV_LUI, RV_AUIPC, RV_JAL, RV_JALR, RV_LB, RV_LH, RV_LW, RV_LBU, RV_LHU,
                                  RV_ADDI, RV_SLTI, RV_SLTIU, RV_XORI, RV_ORI, RV_ANDI, RV_SLLI, RV_SRLI, RV_SRAI,
                                  RV_ADD, RV_SUB, RV_SLL, RV_SLT, RV_SLTU, RV_XOR, RV_SRL, RV_SRA, RV_OR, RV_AND,
                                  RV_MUL, RV_MULH, RV_MULHSU, RV_MULHU, RV_DIV, RV_DIVU, RV_REM, RV_REMU, 0};
    static const uint32_t sys_code[RVAIR_N_SYS] = {RV_SYS_HALT, RV_SYS_WRITE, RV_SYS_ENTER_UNCONSTRAINED,
                                                   RV_SYS_EXIT_UNCONSTRAINED, RV_SYS_COMMIT,
                                                   RV_SYS_COMMIT_DEFERRED_PROOFS, RV_SYS_HINT_LEN,
                                                   RV_SYS_HINT_READ};

    air_expr REAL = COL(CPU_REAL), CLK = COL(CPU_CLK);
    air_expr ALUI = sum_flags(t, L_ALUI), ADDS = sum_flags(t, L_ADDS), CMP = sum_flags(t, L_CMP);
    air_expr SGN = sum_flags(t, L_SGN), SLTS = sum_flags(t, L_SLTS), BR = sum_flags(t, L_BR);
    air_expr LOAD = sum_flags(t, L_LOAD), STORE = sum_flags(t, L_STORE), LDST = ADD(LOAD, STORE);
    air_expr BAND = sum_flags(t, L_AND), BOR = sum_flags(t, L_OR), BXOR = sum_flags(t, L_XOR);
    air_expr BIT = ADD(ADD(BAND, BOR), BXOR);
    air_expr SHL = sum_flags(t, L_SHL), SHR = sum_flags(t, L_SHR), SH = ADD(SHL, SHR);
    air_expr MULS = sum_flags(t, L_MULS), MULHI = sum_flags(t, L_MULHI);
    air_expr DIVSG = sum_flags(t, L_DIVSG), DIVUN = sum_flags(t, L_DIVUN), DIVS = ADD(DIVSG, DIVUN);
    air_expr ECALL = F(RV_ECALL), JAL = F(RV_JAL), JALR = F(RV_JALR), SUBF = F(RV_SUB);
    air_expr AUIPC = F(RV_AUIPC), LUI = F(RV_LUI);
    air_expr HALT = SYS(RVAIR_SYS_HALT), HR = SYS(RVAIR_SYS_HINT_READ);
    air_expr COMMIT = SYS(RVAIR_SYS_COMMIT), CDEF = SYS(RVAIR_SYS_COMMIT_DEFERRED);
    air_expr HASRD = ADD(sum_flags(t, L_HASRD),
                         ADD(ADD(SYS(RVAIR_SYS_HINT_LEN), SYS(RVAIR_SYS_ENTER)),
                             ADD(ADD(SYS(RVAIR_SYS_EXIT), COMMIT), CDEF)));
    air_expr MEMA = ADD(LDST, HR); /* rows whose aux bytes T hold a checked memory address */
    air_expr ONE = CST(1);

    /* ---- rows, clock, pc continuity ---- */
    air_set_label(t, "cpu: rows, clock, pc");
    BOOL(REAL);
    BOOL(COL(CPU_LASTREAL));
    air_assert_first(t, SUB(REAL, ONE));
    air_assert_first(t, SUB(CLK, ONE));
    air_assert_transition(t, SUB(SUB(NXT(CPU_CLK), CLK), ONE));
    air_assert_transition(t, MUL(SUB(ONE, REAL), NXT(CPU_REAL)));           /* real rows are a prefix */
    air_assert_transition(t, SUB(COL(CPU_LASTREAL), SUB(REAL, NXT(CPU_REAL))));
    air_assert_last(t, SUB(COL(CPU_LASTREAL), REAL));
    air_assert_transition(t, MUL(HALT, NXT(CPU_REAL)));                     /* HALT ends the run */
    air_expr pcb[4] = {MULC(COL(CPU_PCQ), 4), COL(CPU_PC1), COL(CPU_PC2), COL(CPU_PC3)};
    air_expr pcb_next[4] = {MULC(NXT(CPU_PCQ), 4), NXT(CPU_PC1), NXT(CPU_PC2), NXT(CPU_PC3)};
    for (int k = 0; k < 4; k++)
        air_assert_transition(t, MUL(NXT(CPU_REAL), SUB(pcb_next[k], COL(CPU_NPB + k))));
    air_expr pc = ADD(ADD(pcb[0], MULC(pcb[1], 256)), ADD(MULC(pcb[2], 65536), MULC(pcb[3], 1u << 24)));
    air_assert_first(t, SUB(pc, air_public(t, RVAIR_PUB_PC_PRE)));
    /* pc is 4-aligned (byte0 = 4 pcq, pcq < 64) and below 0x78000000 */
    send_pair(t, REAL, COL(CPU_PCQ), pcb[0]);
    send_pair(t, REAL, COL(CPU_PC1), COL(CPU_PC2));
    send_pair(t, REAL, COL(CPU_PC3), ADD(COL(CPU_PC3), CST(0x88)));
    {
        air_expr npc = CST(0);
        for (int k = 3; k >= 0; k--)
            npc = ADD(MULC(npc, 256), COL(CPU_NPB + k));
        air_expr v[2] = {npc, CLK};
        air_send(t, RVAIR_BUS_END, COL(CPU_LASTREAL), v, 2);
        /* the final pc is a public value: bytes, below 0x78000000, so it is exact */
        send_pair(t, COL(CPU_LASTREAL), COL(CPU_NPB), COL(CPU_NPB + 1));
        send_pair(t, COL(CPU_LASTREAL), COL(CPU_NPB + 2), COL(CPU_NPB + 3));
        /* and 4-aligned: NPB0 / 4 (times the inverse of 4 mod p) is a byte only when
         * NPB0 is a multiple of 4, so a segment cannot end where no segment can start */
        send_pair(t, COL(CPU_LASTREAL), ADD(COL(CPU_NPB + 3), CST(0x88)), MULC(COL(CPU_NPB), INV4_MOD_P));
    }

    /* ---- the executable range: text_lo <= pc <= text_hi - 4 on every real row, so code is
     * fetched only from the program the image id commits (the state holds the range; nothing
     * writes into it, below).  16-bit limbs: pc's are 4 pcq + 256 pc1 and pc2 + 256 pc3. ---- */
    air_set_label(t, "cpu: text range");
    {
        air_expr pcl = ADD(pcb[0], MULC(pcb[1], 256)), pch = ADD(pcb[2], MULC(pcb[3], 256));
        air_expr lol = air_public(t, RVAIR_PUB_TEXT), loh = air_public(t, RVAIR_PUB_TEXT + 1);
        air_expr hil = air_public(t, RVAIR_PUB_TEXT + 2), hih = air_public(t, RVAIR_PUB_TEXT + 3);
        le16(t, REAL, lol, loh, pcl, pch, CPU_XLO);                  /* text_lo + d = pc */
        le16(t, REAL, ADD(pcl, CST(4)), pch, hil, hih, CPU_XHI);     /* pc + 4 + d = text_hi */
    }

    /* ---- decode ---- */
    air_set_label(t, "cpu: decode");
    for (int i = 0; i < 32; i++)
        BOOL(W(i));
    air_expr fsum = CST(0);
    for (int op = RV_LUI; op <= RV_ECALL; op++) {
        BOOL(F(op));
        fsum = ADD(fsum, F(op));
    }
    ZERO(SUB(fsum, REAL));
    air_expr opcode = bits(t, 0, 7), f3 = bits(t, 12, 3), f7 = bits(t, 25, 7);
    air_expr rdf = bits(t, 7, 5), rs1f = bits(t, 15, 5), rs2f = bits(t, 20, 5);
    air_expr wlo = bits(t, 0, 16), whi = bits(t, 16, 16);
    for (size_t i = 0; i < N_OPS; i++) {
        air_expr f = F(ops[i].op);
        if (ops[i].fmt == 'E') {
            ZERO(MUL(f, SUB(wlo, CST(0x73))));
            ZERO(MUL(f, whi));
            continue;
        }
        ZERO(MUL(f, SUB(opcode, CST(ops[i].opcode))));
        if (ops[i].f3 >= 0)
            ZERO(MUL(f, SUB(f3, CST((uint32_t)ops[i].f3))));
        if (ops[i].f7 >= 0)
            ZERO(MUL(f, SUB(f7, CST((uint32_t)ops[i].f7))));
    }
    {
        static const int L_FI[] = {RV_JALR, RV_LB, RV_LH, RV_LW, RV_LBU, RV_LHU, RV_ADDI, RV_SLTI, RV_SLTIU,
                                   RV_XORI, RV_ORI, RV_ANDI, RV_SLLI, RV_SRLI, RV_SRAI, 0};
        static const int L_FU[] = {RV_LUI, RV_AUIPC, 0}, L_FJ[] = {RV_JAL, 0};
        const char fmts[5] = {'I', 'S', 'B', 'U', 'J'};
        air_expr fsel[5] = {sum_flags(t, L_FI), STORE, BR, sum_flags(t, L_FU), sum_flags(t, L_FJ)};
        for (int k = 0; k < 4; k++) {
            air_expr im = CST(0);
            for (int f = 0; f < 5; f++) {
                air_expr v = CST(0);
                for (int b = 7; b >= 0; b--) {
                    int s = imm_src(fmts[f], 8 * k + b);
                    v = ADD(MULC(v, 2), s >= 0 ? W(s) : CST(0));
                }
                im = ADD(im, MUL(fsel[f], v));
            }
            ZERO(SUB(COL(CPU_IM + k), im));
            /* operand b: the immediate for I-type ALU ops, else rs2's value */
            ZERO(SUB(COL(CPU_OB + k), ADD(COL(CPU_B + k), MUL(ALUI, SUB(COL(CPU_IM + k), COL(CPU_B + k))))));
        }
    }

    /* ---- register and memory accesses ---- */
    air_set_label(t, "cpu: memory accesses");
    air_expr ts0 = MULC(CLK, 4);
    access(t, REAL, pc, ts0, 0, wlo, whi, wlo, whi); /* instruction fetch */
    access(t, REAL, ADD(ADD(MULC(rs1f, 4), ONE), MULC(ECALL, 20)), ts0, 1, limb16(t, CPU_A),
           limb16(t, CPU_A + 2), limb16(t, CPU_A), limb16(t, CPU_A + 2));
    access(t, REAL, ADD(ADD(MULC(rs2f, 4), ONE), MULC(ECALL, 40)), ADD(ts0, ONE), 2, limb16(t, CPU_B),
           limb16(t, CPU_B + 2), limb16(t, CPU_B), limb16(t, CPU_B + 2));
    air_expr lo16 = ADD(MULC(COL(CPU_TQ), 4), MULC(COL(CPU_T + 1), 256));
    air_expr hi16 = limb16(t, CPU_T + 2);
    air_expr waddr = ADD(lo16, MULC(hi16, 65536));
    access(t, ADD(LDST, ECALL), ADD(MUL(LDST, waddr), MULC(ECALL, 45)), ADD(ts0, CST(2)), 3,
           limb16(t, CPU_MO), limb16(t, CPU_MO + 2), limb16(t, CPU_MN), limb16(t, CPU_MN + 2));
    {
        air_expr b0 = COL(CPU_B);
        air_expr rdaddr = ADD(ADD(MULC(rdf, 4), ONE),
                              ADD(MULC(ADD(ADD(SYS(RVAIR_SYS_HINT_LEN), SYS(RVAIR_SYS_ENTER)), SYS(RVAIR_SYS_EXIT)), 20),
                                  ADD(MUL(COMMIT, ADD(MULC(b0, 4), ONE)), MUL(CDEF, ADD(MULC(b0, 4), CST(2))))));
        air_expr keep = ADD(SUB(ONE, COL(CPU_RD0)), ECALL); /* 0 exactly for a write to x0 */
        air_expr vlo = MUL(keep, limb16(t, CPU_R)), vhi = MUL(keep, limb16(t, CPU_R + 2));
        access(t, HASRD, rdaddr, ADD(ts0, CST(3)), 4, COL(CPU_ROLD), COL(CPU_ROLD + 1), vlo, vhi);
    }
    BOOL(COL(CPU_RD0));
    ZERO(MUL(COL(CPU_RD0), rdf));
    ZERO(MUL(SUB(ONE, COL(CPU_RD0)), SUB(MUL(rdf, COL(CPU_RDINV)), ONE)));

    /* ---- range checks of the byte columns ---- */
    air_set_label(t, "cpu: byte checks");
    static const unsigned pairs[][2] = {
        {CPU_A, CPU_A + 1}, {CPU_A + 2, CPU_A + 3}, {CPU_B, CPU_B + 1}, {CPU_B + 2, CPU_B + 3},
        {CPU_R, CPU_R + 1}, {CPU_R + 2, CPU_R + 3}, {CPU_T, CPU_T + 1}, {CPU_T + 2, CPU_T + 3},
        {CPU_MO, CPU_MO + 1}, {CPU_MO + 2, CPU_MO + 3}, {CPU_PP, CPU_PP + 1}, {CPU_PP + 2, CPU_PP + 3},
        {CPU_PP + 4, CPU_PP + 5}, {CPU_PP + 6, CPU_PP + 7}, {CPU_Q, CPU_Q + 1}, {CPU_Q + 2, CPU_Q + 3},
        {CPU_RM, CPU_RM + 1}, {CPU_RM + 2, CPU_RM + 3}, {CPU_SHHI, CPU_SHHI}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        send_pair(t, REAL, COL(pairs[i][0]), COL(pairs[i][1]));
    for (int k = 0; k < 8; k++)
        send_r16(t, REAL, COL(CPU_CM + k));

    /* sign bits: x3 = 128 s + (x3 mod 128) */
    BOOL(COL(CPU_SA));
    BOOL(COL(CPU_SB));
    BOOL(COL(CPU_ST));
    BOOL(COL(CPU_SRM));
    send_pair(t, REAL, SUB(MULC(COL(CPU_A + 3), 2), MULC(COL(CPU_SA), 256)),
              SUB(MULC(COL(CPU_OB + 3), 2), MULC(COL(CPU_SB), 256)));
    send_pair(t, REAL, SUB(MULC(COL(CPU_T + 3), 2), MULC(COL(CPU_ST), 256)),
              SUB(MULC(COL(CPU_RM + 3), 2), MULC(COL(CPU_SRM), 256)));

    /* ---- chain N: next pc = pc + (imm if JAL / taken branch, else 4); JALR: rd = pc + 4 ---- */
    air_set_label(t, "cpu: next pc (adder N)");
    air_expr J = ADD(JAL, COL(CPU_TAKEN));
    for (int k = 0; k < 4; k++) {
        air_expr x = pcb[k];
        air_expr y = ADD(MUL(J, COL(CPU_IM + k)), k == 0 ? MULC(SUB(REAL, J), 4) : CST(0));
        air_expr s = ADD(COL(CPU_NPB + k), MUL(JALR, SUB(COL(CPU_R + k), COL(CPU_NPB + k))));
        air_expr cin = k ? COL(CPU_CN + k - 1) : CST(0);
        ZERO(MUL(SUB(ONE, HALT), SUB(ADD(ADD(x, y), cin), ADD(s, MULC(COL(CPU_CN + k), 256)))));
        BOOL(COL(CPU_CN + k));
        ZERO(MUL(HALT, COL(CPU_NPB + k)));
    }
    /* no wrap: the carry out is the sign of the increment */
    ZERO(MUL(SUB(ONE, HALT), SUB(COL(CPU_CN + 3), MUL(J, W(31)))));
    BOOL(COL(CPU_LSB));
    ZERO(MUL(JALR, ADD(SUB(COL(CPU_NPB), COL(CPU_T)), COL(CPU_LSB))));
    for (int k = 1; k < 4; k++)
        ZERO(MUL(JALR, SUB(COL(CPU_NPB + k), COL(CPU_T + k))));

    /* ---- chain A: x + y = s (mod 2^32) with carries CA ---- */
    air_set_label(t, "cpu: adder A");
    BOOL(COL(CPU_DE));
    air_expr DE = COL(CPU_DE);
    for (int k = 0; k < 4; k++) {
        air_expr a = COL(CPU_A + k), ob = COL(CPU_OB + k), r = COL(CPU_R + k), tt = COL(CPU_T + k);
        air_expr im = COL(CPU_IM + k), b = COL(CPU_B + k), rm = COL(CPU_RM + k);
        air_expr divx = ADD(MUL(DE, tt), MUL(SUB(ONE, DE), rm));
        air_expr divs = ADD(MUL(DE, rm), MUL(SUB(ONE, DE), tt));
        air_expr x = ADD(ADD(ADD(MUL(ADDS, a), MUL(SUBF, r)), ADD(MUL(CMP, tt), MUL(ADD(LDST, JALR), a))),
                         ADD(ADD(MUL(ADD(AUIPC, JAL), pcb[k]), MUL(HR, b)), MUL(DIVS, divx)));
        air_expr y = ADD(ADD(MUL(ADD(ADD(ADDS, SUBF), CMP), ob), MUL(ADD(ADD(LDST, JALR), AUIPC), im)),
                         MUL(DIVS, b));
        if (k == 0)
            y = ADD(y, MULC(JAL, 4));
        if (k == 3)
            y = ADD(y, MUL(SGN, SUB(CST(128), MULC(COL(CPU_SB), 256))));
        air_expr s = ADD(ADD(ADD(MUL(ADDS, r), MUL(SUBF, a)), ADD(MUL(CMP, a), MUL(ADD(LDST, JALR), tt))),
                         ADD(ADD(MUL(ADD(AUIPC, JAL), r), MUL(HR, tt)), MUL(DIVS, divs)));
        if (k == 3)
            s = ADD(s, MUL(SGN, SUB(CST(128), MULC(COL(CPU_SA), 256))));
        air_expr cin = k ? COL(CPU_CA + k - 1) : CST(0);
        ZERO(SUB(ADD(ADD(x, y), cin), ADD(s, MULC(COL(CPU_CA + k), 256))));
        BOOL(COL(CPU_CA + k));
    }
    air_expr LT = COL(CPU_CA + 3); /* borrow of t + b' = a': a' < b' */

    /* ---- comparisons and branches ---- */
    air_set_label(t, "cpu: comparisons, branches");
    air_expr tsum = ADD(ADD(COL(CPU_T), COL(CPU_T + 1)), ADD(COL(CPU_T + 2), COL(CPU_T + 3)));
    ZERO(MUL(COL(CPU_TEQ), tsum));
    ZERO(MUL(REAL, SUB(SUB(ONE, COL(CPU_TEQ)), MUL(tsum, COL(CPU_TINV)))));
    ZERO(MUL(SLTS, SUB(COL(CPU_R), LT)));
    for (int k = 1; k < 4; k++)
        ZERO(MUL(SLTS, COL(CPU_R + k)));
    {
        air_expr teq = COL(CPU_TEQ);
        air_expr taken = ADD(ADD(MUL(F(RV_BEQ), teq), MUL(F(RV_BNE), SUB(ONE, teq))),
                             ADD(MUL(ADD(F(RV_BLT), F(RV_BLTU)), LT), MUL(ADD(F(RV_BGE), F(RV_BGEU)), SUB(ONE, LT))));
        ZERO(SUB(COL(CPU_TAKEN), taken));
    }

    /* ---- LUI, bitwise ---- */
    air_set_label(t, "cpu: lui, bitwise");
    for (int k = 0; k < 4; k++) {
        ZERO(MUL(LUI, SUB(COL(CPU_R + k), COL(CPU_IM + k))));
        air_expr v[4] = {ADD(ADD(BAND, MULC(BOR, 2)), MULC(BXOR, 3)), COL(CPU_A + k), COL(CPU_OB + k),
                         COL(CPU_R + k)};
        air_send(t, RVAIR_BUS_BYTE, BIT, v, 4);
    }

    /* ---- loads and stores ---- */
    air_set_label(t, "cpu: loads, stores");
    for (int k = 0; k < 4; k++)
        BOOL(COL(CPU_OH + k));
    air_expr OH[4] = {COL(CPU_OH), COL(CPU_OH + 1), COL(CPU_OH + 2), COL(CPU_OH + 3)};
    ZERO(SUB(ADD(ADD(OH[0], OH[1]), ADD(OH[2], OH[3])), MEMA));
    ZERO(MUL(MEMA, SUB(COL(CPU_T), ADD(MULC(COL(CPU_TQ), 4), ADD(ADD(OH[1], MULC(OH[2], 2)), MULC(OH[3], 3))))));
    ZERO(MUL(ADD(ADD(F(RV_LH), F(RV_LHU)), F(RV_SH)), ADD(OH[1], OH[3])));
    ZERO(MUL(ADD(ADD(F(RV_LW), F(RV_SW)), HR), SUB(ONE, OH[0])));
    BOOL(COL(CPU_MB));
    /* 32 <= address < 0x78000000 */
    send_r16(t, MEMA, ADD(SUB(lo16, CST(32)), MULC(COL(CPU_MB), 65536)));
    send_r16(t, MEMA, SUB(hi16, COL(CPU_MB)));
    send_pair(t, MEMA, COL(CPU_TQ), ADD(COL(CPU_T + 3), CST(0x88)));
    /* code is immutable: a store's word lies outside the executable range */
    air_set_label(t, "cpu: stores outside text");
    outside_text(t, STORE, lo16, hi16, CPU_WS, CPU_WD);
    air_set_label(t, "cpu: loads, stores");
    air_expr MO[4], MN[4], B[4], R[4];
    for (int k = 0; k < 4; k++) {
        MO[k] = COL(CPU_MO + k);
        MN[k] = COL(CPU_MN + k);
        B[k] = COL(CPU_B + k);
        R[k] = COL(CPU_R + k);
    }
    ZERO(SUB(COL(CPU_LB0), ADD(ADD(MUL(OH[0], MO[0]), MUL(OH[1], MO[1])), ADD(MUL(OH[2], MO[2]), MUL(OH[3], MO[3])))));
    ZERO(SUB(COL(CPU_LB1), ADD(MUL(OH[0], MO[1]), MUL(OH[2], MO[3]))));
    BOOL(COL(CPU_LS0));
    BOOL(COL(CPU_LS1));
    send_pair(t, REAL, SUB(MULC(COL(CPU_LB0), 2), MULC(COL(CPU_LS0), 256)),
              SUB(MULC(COL(CPU_LB1), 2), MULC(COL(CPU_LS1), 256)));
    {
        air_expr LB = F(RV_LB), LBU = F(RV_LBU), LH = F(RV_LH), LHU = F(RV_LHU), LW = F(RV_LW);
        air_expr lb0 = COL(CPU_LB0), lb1 = COL(CPU_LB1);
        ZERO(MUL(ADD(ADD(LB, LBU), ADD(LH, LHU)), SUB(R[0], lb0)));
        ZERO(MUL(ADD(LH, LHU), SUB(R[1], lb1)));
        ZERO(MUL(LB, SUB(R[1], MULC(COL(CPU_LS0), 255))));
        ZERO(MUL(LBU, R[1]));
        for (int k = 2; k < 4; k++) {
            ZERO(MUL(LB, SUB(R[k], MULC(COL(CPU_LS0), 255))));
            ZERO(MUL(LH, SUB(R[k], MULC(COL(CPU_LS1), 255))));
            ZERO(MUL(ADD(LBU, LHU), R[k]));
        }
        for (int k = 0; k < 4; k++) {
            ZERO(MUL(LW, SUB(R[k], MO[k])));
            ZERO(MUL(F(RV_SB), SUB(MN[k], ADD(MO[k], MUL(OH[k], SUB(B[0], MO[k]))))));
            int h = k < 2 ? 0 : 2; /* the half this byte belongs to */
            ZERO(MUL(F(RV_SH), SUB(MN[k], ADD(MO[k], MUL(OH[h], SUB(B[k - h], MO[k]))))));
            ZERO(MUL(F(RV_SW), SUB(MN[k], B[k])));
            ZERO(MUL(ADD(LOAD, ECALL), SUB(MN[k], MO[k])));
        }
    }

    /* ---- the byte multiplier: X (4 bytes, sign-extended by SX) * Y (4 bytes + Y4, SY) mod 2^64 ---- */
    air_set_label(t, "cpu: multiplier");
    BOOL(COL(CPU_SQ));
    air_expr POW = COL(CPU_POW);
    for (int k = 0; k < 4; k++) {
        ZERO(SUB(COL(CPU_MX + k), ADD(MUL(ADD(MULS, SH), COL(CPU_A + k)), MUL(DIVS, COL(CPU_Q + k)))));
        ZERO(SUB(COL(CPU_MY + k), ADD(ADD(MUL(MULS, COL(CPU_OB + k)), MUL(DIVS, B[k])),
                                      MUL(SH, MUL(POW, COL(CPU_E + k))))));
    }
    ZERO(SUB(COL(CPU_MY + 4), MUL(SH, MUL(POW, COL(CPU_E + 4)))));
    ZERO(SUB(COL(CPU_SX), ADD(MUL(sum_flags(t, L_SXA), COL(CPU_SA)), MUL(DIVSG, COL(CPU_SQ)))));
    ZERO(SUB(COL(CPU_SY), MUL(ADD(F(RV_MULH), DIVSG), COL(CPU_SB))));
    {
        air_expr X[8], Y[8];
        for (int i = 0; i < 8; i++) {
            X[i] = i < 4 ? COL(CPU_MX + i) : MULC(COL(CPU_SX), 255);
            Y[i] = i < 4 ? COL(CPU_MY + i) : MULC(COL(CPU_SY), 255);
        }
        Y[4] = ADD(Y[4], COL(CPU_MY + 4));
        for (int k = 0; k < 8; k++) {
            air_expr s = k ? COL(CPU_CM + k - 1) : CST(0);
            for (int i = 0; i <= k; i++)
                s = ADD(s, MUL(X[i], Y[k - i]));
            ZERO(SUB(s, ADD(COL(CPU_PP + k), MULC(COL(CPU_CM + k), 256))));
        }
    }
    for (int k = 0; k < 4; k++) {
        ZERO(MUL(ADD(F(RV_MUL), SHL), SUB(R[k], COL(CPU_PP + k))));
        ZERO(MUL(ADD(MULHI, SHR), SUB(R[k], COL(CPU_PP + 4 + k))));
    }

    /* ---- shifts: Y = 2^u, u = s (left) or 32 - s (right), s = ob0 mod 32 ---- */
    air_set_label(t, "cpu: shifts");
    air_expr s5 = CST(0);
    for (int i = 4; i >= 0; i--) {
        BOOL(COL(CPU_SBIT + i));
        s5 = ADD(MULC(s5, 2), COL(CPU_SBIT + i));
    }
    ZERO(MUL(SH, SUB(COL(CPU_OB), ADD(s5, MULC(COL(CPU_SHHI), 32)))));
    air_expr esum = CST(0), q = CST(0);
    for (int k = 0; k < 5; k++) {
        BOOL(COL(CPU_E + k));
        esum = ADD(esum, COL(CPU_E + k));
        q = ADD(q, MULC(COL(CPU_E + k), (uint32_t)k));
    }
    ZERO(SUB(esum, SH));
    for (int i = 0; i < 3; i++)
        BOOL(COL(CPU_U + i));
    air_expr u = ADD(ADD(COL(CPU_U), MULC(COL(CPU_U + 1), 2)), ADD(MULC(COL(CPU_U + 2), 4), MULC(q, 8)));
    ZERO(SUB(u, ADD(MUL(SHL, s5), MUL(SHR, SUB(CST(32), s5)))));
    ZERO(SUB(POW, MUL(MUL(ADD(ONE, COL(CPU_U)), ADD(ONE, MULC(COL(CPU_U + 1), 3))), ADD(ONE, MULC(COL(CPU_U + 2), 15)))));

    /* ---- DIV/REM: a = Q * b + rm (64-bit), |rm| < |b|, sign(rm) = sign(a) or rm = 0 ---- */
    air_set_label(t, "cpu: div/rem");
    for (int k = 0; k < 8; k++) {
        air_expr rmx = k < 4 ? COL(CPU_RM + k) : MULC(MUL(DIVSG, COL(CPU_SRM)), 255);
        air_expr ax = k < 4 ? COL(CPU_A + k) : MULC(MUL(DIVSG, COL(CPU_SA)), 255);
        air_expr cin = k ? COL(CPU_CD + k - 1) : CST(0);
        ZERO(MUL(DIVS, SUB(ADD(ADD(COL(CPU_PP + k), rmx), cin), ADD(ax, MULC(COL(CPU_CD + k), 256)))));
        BOOL(COL(CPU_CD + k));
    }
    air_expr bsum = ADD(ADD(B[0], B[1]), ADD(B[2], B[3]));
    air_expr rsum = ADD(ADD(COL(CPU_RM), COL(CPU_RM + 1)), ADD(COL(CPU_RM + 2), COL(CPU_RM + 3)));
    air_expr BZ = COL(CPU_BZ), RMZ = COL(CPU_RMZ), SRM = COL(CPU_SRM), SA = COL(CPU_SA), SB = COL(CPU_SB);
    BOOL(BZ);
    BOOL(RMZ);
    ZERO(MUL(BZ, bsum));
    ZERO(MUL(DIVS, SUB(SUB(ONE, BZ), MUL(bsum, COL(CPU_BINV)))));
    ZERO(MUL(RMZ, rsum));
    ZERO(MUL(DIVS, SUB(SUB(ONE, RMZ), MUL(rsum, COL(CPU_RMINV)))));
    for (int k = 0; k < 4; k++)
        ZERO(MUL(MUL(DIVS, BZ), SUB(COL(CPU_Q + k), CST(255))));
    ZERO(MUL(MUL(DIVSG, SRM), SUB(ONE, SA)));
    ZERO(MUL(MUL(DIVSG, SA), SUB(SUB(ONE, SRM), RMZ)));
    ZERO(MUL(DIVUN, SUB(ONE, DE)));
    ZERO(MUL(DIVSG, ADD(SUB(DE, ONE), SUB(ADD(SRM, SB), MULC(MUL(SRM, SB), 2)))));
    ZERO(SUB(COL(CPU_DCHK), MUL(DIVSG, SUB(ONE, BZ))));
    air_expr DCHK = COL(CPU_DCHK);
    ZERO(MUL(MUL(DCHK, SUB(ONE, SRM)), SUB(ONE, COL(CPU_ST))));
    ZERO(MUL(MUL(DCHK, SRM), COL(CPU_ST)));
    ZERO(MUL(MUL(DCHK, SRM), COL(CPU_TEQ)));
    ZERO(MUL(MUL(DIVUN, SUB(ONE, BZ)), SUB(ONE, LT)));
    for (int k = 0; k < 4; k++) {
        ZERO(MUL(sum_flags(t, L_QUOT), SUB(R[k], COL(CPU_Q + k))));
        ZERO(MUL(sum_flags(t, L_REMS), SUB(R[k], COL(CPU_RM + k))));
    }

    /* ---- syscalls: t0 (rs1 slot) selects, a0 in the rs2 slot, a1 in the memory slot ---- */
    air_set_label(t, "cpu: syscalls");
    air_expr ssum = CST(0);
    for (int k = 0; k < RVAIR_N_SYS; k++) {
        air_expr f = SYS(k);
        BOOL(f);
        ssum = ADD(ssum, f);
        for (int j = 0; j < 4; j++)
            ZERO(MUL(f, SUB(COL(CPU_A + j), CST((sys_code[k] >> (8 * j)) & 0xFF))));
    }
    ZERO(SUB(ssum, ECALL));
    for (int k = 0; k < 4; k++) {
        ZERO(MUL(ADD(SYS(RVAIR_SYS_ENTER), SYS(RVAIR_SYS_EXIT)), R[k]));
        ZERO(MUL(ADD(COMMIT, CDEF), SUB(R[k], MO[k])));
        if (k)
            ZERO(MUL(ADD(COMMIT, CDEF), B[k]));
    }
    send_pair(t, ADD(COMMIT, CDEF), MULC(B[0], 32), CST(0)); /* digest word index < 8 */
    {
        air_expr v[2] = {limb16(t, CPU_B), limb16(t, CPU_B + 2)};
        air_send(t, RVAIR_BUS_HALT, HALT, v, 2);
    }
    BOOL(COL(CPU_PAD));
    BOOL(COL(CPU_PAD + 1));
    BOOL(COL(CPU_NZ));
    air_expr len = ADD(ADD(MO[0], MULC(MO[1], 256)), ADD(MULC(MO[2], 65536), MULC(MO[3], 1u << 24)));
    air_expr pad = ADD(COL(CPU_PAD), MULC(COL(CPU_PAD + 1), 2));
    ZERO(MUL(HR, SUB(MULC(COL(CPU_NW), 4), ADD(len, pad))));
    ZERO(MUL(COL(CPU_NW), SUB(ONE, COL(CPU_NZ))));
    /* NZ = 0 only for len = 0, read from len's bytes (their sum cannot wrap): otherwise
     * len + pad = p (len 0x77FFFFFF or 0x77FFFFFE) would pass as NW = 0, a no-op.  With
     * NZ = 1 the hint chain makes NW a small positive integer, so 4 NW = len + pad exactly. */
    for (int k = 0; k < 4; k++)
        ZERO(MUL(MUL(HR, SUB(ONE, COL(CPU_NZ))), MO[k]));
    send_pair(t, HR, COL(CPU_MO + 3), ADD(COL(CPU_MO + 3), CST(0x88)));
    {
        air_expr v[4] = {ADD(ts0, CST(2)), waddr, COL(CPU_NW), pad};
        air_send(t, RVAIR_BUS_HINT, MUL(HR, COL(CPU_NZ)), v, 4);
    }
}
