/* test_rv.c - every RV32IM instruction with its edge cases, the SP1 syscalls,
 * guest faults, and the fast loop against the reference stepper.
 * Expected values follow the RISC-V unprivileged spec (v20191213), chapter 2
 * (RV32I) and chapter 7 (M: division by zero gives -1 / the dividend, overflow
 * gives the dividend / 0). */
#include "test.h"

#include "rv/rv.h"
#include "rvasm.h"

#define BASE 0x00200800u
#define DATA 0x00300000u

typedef struct prog { uint32_t w[512]; size_t n; } prog;

static void p_w(prog *p, uint32_t w) { p->w[p->n++] = w; }
static void p_li(prog *p, uint32_t rd, uint32_t v) { asm_li(p->w + p->n, rd, v); p->n += 2; }
static void p_halt(prog *p) { p_w(p, A_ADDI(5, 0, 0)); p_w(p, A_ECALL); }
static void p_sys(prog *p, uint32_t code) { p_li(p, 5, code); p_w(p, A_ECALL); }

static rv_machine M, S; /* fast and reference runs */
static rk_err E, ES;
static int RC, RCS;
static const uint8_t *BIN_ITEM; /* run2 pushes this binary item (BIN_LEN bytes) first, when set */
static uint32_t BIN_LEN;

/* Run p with both interpreters; results in M / S.  Both must agree, faults word for word
 * (a jump out of the program, a store or HINT_READ into it included). */
static void run2(const prog *p, const char *const *items, size_t n_items)
{
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    CHECK(elf_image_from_words(&im, BASE, p->w, p->n, &e) == RK_OK);
    rv_machine_free(&M);
    rv_machine_free(&S);
    CHECK(rv_machine_init(&M, &im, &e) == RK_OK);
    CHECK(rv_machine_init(&S, &im, &e) == RK_OK);
    if (BIN_ITEM) {
        rv_stream_push_back(&M.input, BIN_ITEM, BIN_LEN);
        rv_stream_push_back(&S.input, BIN_ITEM, BIN_LEN);
    }
    for (size_t i = 0; i < n_items; i++) {
        rv_stream_push_back(&M.input, items[i], (uint32_t)strlen(items[i]));
        rv_stream_push_back(&S.input, items[i], (uint32_t)strlen(items[i]));
    }
    rk_err_clear(&E);
    rk_err_clear(&ES);
    RC = rv_run(&M, 1000000, &E);
    RCS = RK_OK;
    for (int k = 0; k < 1000000 && !S.halted && RCS == RK_OK; k++)
        RCS = rv_step(&S, NULL, &ES);
    CHECK_EQ_U64(RC, RCS);
    CHECK_EQ_U64(M.halted, S.halted);
    CHECK_MEM(M.x, S.x, 32 * 4);
    CHECK_EQ_U64(M.pc, S.pc);
    CHECK_EQ_U64(M.cycles, S.cycles);
    CHECK_MEM(M.committed, S.committed, sizeof M.committed);
    if (RC == RK_EFALSE)
        CHECK(strcmp(E.msg, ES.msg) == 0);
    elf_image_free(&im);
}

/* r-type: rd = a OP b */
static uint32_t alu_r(uint32_t f7, uint32_t f3, uint32_t a, uint32_t b)
{
    prog p = {.n = 0};
    p_li(&p, 6, a);
    p_li(&p, 7, b);
    p_w(&p, enc_r(f7, 7, 6, f3, 10, 0x33));
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    return M.x[10];
}

static uint32_t alu_i(uint32_t f3, uint32_t a, int32_t imm)
{
    prog p = {.n = 0};
    p_li(&p, 6, a);
    p_w(&p, enc_i(imm, 6, f3, 10, 0x13));
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    return M.x[10];
}

static void t_rv32i_register_ops(void)
{
    CHECK_EQ_U64(alu_r(0, 0, 0x7FFFFFFF, 1), 0x80000000u);      /* add wraps */
    CHECK_EQ_U64(alu_r(0x20, 0, 0, 1), 0xFFFFFFFFu);            /* sub */
    CHECK_EQ_U64(alu_r(0, 1, 1, 31), 0x80000000u);              /* sll */
    CHECK_EQ_U64(alu_r(0, 1, 1, 32), 1);                        /* shift amount uses 5 bits */
    CHECK_EQ_U64(alu_r(0, 1, 3, 0xFFFFFFE1), 6);                /* ... of rs2 only */
    CHECK_EQ_U64(alu_r(0, 5, 0x80000000u, 31), 1);              /* srl */
    CHECK_EQ_U64(alu_r(0x20, 5, 0x80000000u, 31), 0xFFFFFFFFu); /* sra */
    CHECK_EQ_U64(alu_r(0x20, 5, 0x80000000u, 32), 0x80000000u);
    CHECK_EQ_U64(alu_r(0x20, 5, 0x40000000u, 30), 1);
    CHECK_EQ_U64(alu_r(0, 2, 0xFFFFFFFF, 0), 1);                /* slt signed */
    CHECK_EQ_U64(alu_r(0, 3, 0xFFFFFFFF, 0), 0);                /* sltu unsigned */
    CHECK_EQ_U64(alu_r(0, 2, 0x80000000u, 0x7FFFFFFF), 1);
    CHECK_EQ_U64(alu_r(0, 3, 0, 1), 1);
    CHECK_EQ_U64(alu_r(0, 4, 0xFF00FF00u, 0x0FF00FF0u), 0xF0F0F0F0u);
    CHECK_EQ_U64(alu_r(0, 6, 0xFF00FF00u, 0x0FF00FF0u), 0xFFF0FFF0u);
    CHECK_EQ_U64(alu_r(0, 7, 0xFF00FF00u, 0x0FF00FF0u), 0x0F000F00u);
}

static void t_rv32m(void)
{
    CHECK_EQ_U64(alu_r(1, 0, 0x12345678, 0x9ABCDEF0u), 0x242D2080u);     /* mul low */
    CHECK_EQ_U64(alu_r(1, 0, 0xFFFFFFFF, 0xFFFFFFFF), 1);
    CHECK_EQ_U64(alu_r(1, 1, 0xFFFFFFFF, 0xFFFFFFFF), 0);                 /* mulh (-1)(-1) */
    CHECK_EQ_U64(alu_r(1, 1, 0x80000000u, 0x80000000u), 0x40000000u);
    CHECK_EQ_U64(alu_r(1, 1, 0x80000000u, 0x7FFFFFFF), 0xC0000000u);
    CHECK_EQ_U64(alu_r(1, 2, 0xFFFFFFFF, 0xFFFFFFFF), 0xFFFFFFFFu);       /* mulhsu -1 * (2^32-1) */
    CHECK_EQ_U64(alu_r(1, 2, 0x80000000u, 0xFFFFFFFF), 0x80000000u);
    CHECK_EQ_U64(alu_r(1, 3, 0xFFFFFFFF, 0xFFFFFFFF), 0xFFFFFFFEu);       /* mulhu */
    CHECK_EQ_U64(alu_r(1, 4, (uint32_t)-7, 2), (uint32_t)-3);             /* div truncates */
    CHECK_EQ_U64(alu_r(1, 4, 7, 0), 0xFFFFFFFFu);                         /* div by zero */
    CHECK_EQ_U64(alu_r(1, 4, 0x80000000u, 0xFFFFFFFF), 0x80000000u);      /* overflow */
    CHECK_EQ_U64(alu_r(1, 5, 7, 0), 0xFFFFFFFFu);                         /* divu by zero */
    CHECK_EQ_U64(alu_r(1, 5, 0xFFFFFFFF, 2), 0x7FFFFFFFu);
    CHECK_EQ_U64(alu_r(1, 6, (uint32_t)-7, 2), (uint32_t)-1);             /* rem sign of dividend */
    CHECK_EQ_U64(alu_r(1, 6, 7, 0), 7);                                   /* rem by zero */
    CHECK_EQ_U64(alu_r(1, 6, 0x80000000u, 0xFFFFFFFF), 0);                /* overflow */
    CHECK_EQ_U64(alu_r(1, 7, 7, 0), 7);                                   /* remu by zero */
    CHECK_EQ_U64(alu_r(1, 7, 0xFFFFFFFF, 10), 5);
}

static void t_rv32i_immediate_ops(void)
{
    CHECK_EQ_U64(alu_i(0, 5, -6), 0xFFFFFFFFu);          /* addi negative */
    CHECK_EQ_U64(alu_i(0, 0, 2047), 2047);
    CHECK_EQ_U64(alu_i(0, 0, -2048), (uint32_t)-2048);
    CHECK_EQ_U64(alu_i(2, (uint32_t)-5, -4), 1);         /* slti */
    CHECK_EQ_U64(alu_i(3, 5, -1), 1);                    /* sltiu: imm -1 is 0xFFFFFFFF */
    CHECK_EQ_U64(alu_i(3, 0xFFFFFFFF, -1), 0);
    CHECK_EQ_U64(alu_i(4, 0x12345678, -1), 0xEDCBA987u); /* xori -1 = not */
    CHECK_EQ_U64(alu_i(6, 0x10, 0x0F), 0x1F);
    CHECK_EQ_U64(alu_i(7, 0xFFFF, -16), 0xFFF0);
    CHECK_EQ_U64(alu_i(1, 1, 31), 0x80000000u);          /* slli */
    CHECK_EQ_U64(alu_i(5, 0x80000000u, 4), 0x08000000u); /* srli */
    CHECK_EQ_U64(alu_i(5, 0x80000000u, 0x400 | 4), 0xF8000000u); /* srai (imm[10]) */
    prog p = {.n = 0};
    p_w(&p, A_LUI(10, 0xFFFFF000u));
    p_w(&p, enc_u(0x1000, 11, 0x17)); /* auipc */
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK_EQ_U64(M.x[10], 0xFFFFF000u);
    CHECK_EQ_U64(M.x[11], BASE + 4 + 0x1000);
}

static void t_x0_is_zero(void)
{
    prog p = {.n = 0};
    p_w(&p, A_ADDI(0, 0, 5));
    p_w(&p, 0x0FF0000Fu);                   /* fence: a no-op */
    p_w(&p, A_LUI(0, 0x12345000));
    p_li(&p, 6, DATA);
    p_li(&p, 7, 77);
    p_w(&p, enc_s(0, 7, 6, 2, 0x23));       /* sw 77 */
    p_w(&p, enc_i(0, 6, 2, 0, 0x03));       /* lw x0 */
    p_w(&p, enc_r(1, 7, 7, 0, 0, 0x33));    /* mul x0 */
    p_w(&p, enc_j(8, 0));                   /* jal x0, +8 */
    p_w(&p, A_EBREAK);
    p_w(&p, enc_r(0, 0, 0, 0, 10, 0x33));   /* add a0, x0, x0 */
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(M.x[0], 0);
    CHECK_EQ_U64(M.x[10], 0);
}

static void t_loads_stores(void)
{
    prog p = {.n = 0};
    p_li(&p, 6, DATA);
    p_li(&p, 7, 0x80FF7F80u);
    p_w(&p, enc_s(0, 7, 6, 2, 0x23));                       /* sw */
    p_w(&p, enc_i(0, 6, 0, 10, 0x03));                      /* lb 0x80 */
    p_w(&p, enc_i(0, 6, 4, 11, 0x03));                      /* lbu */
    p_w(&p, enc_i(2, 6, 1, 12, 0x03));                      /* lh 0x80FF */
    p_w(&p, enc_i(2, 6, 5, 13, 0x03));                      /* lhu */
    p_w(&p, enc_i(1, 6, 0, 14, 0x03));                      /* lb 0x7F */
    p_w(&p, enc_s(5, 7, 6, 0, 0x23));                       /* sb 0x80 at +5 */
    p_w(&p, enc_s(6, 7, 6, 1, 0x23));                       /* sh 0x7F80 at +6 */
    p_w(&p, enc_i(4, 6, 2, 15, 0x03));                      /* lw +4 */
    p_w(&p, enc_s(-4, 7, 6, 2, 0x23));                      /* negative offset */
    p_w(&p, enc_i(-4, 6, 2, 16, 0x03));
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK);
    CHECK_EQ_U64(M.x[10], 0xFFFFFF80u);
    CHECK_EQ_U64(M.x[11], 0x80);
    CHECK_EQ_U64(M.x[12], 0xFFFF80FFu);
    CHECK_EQ_U64(M.x[13], 0x80FF);
    CHECK_EQ_U64(M.x[14], 0x7F);
    CHECK_EQ_U64(M.x[15], 0x7F808000u);
    CHECK_EQ_U64(M.x[16], 0x80FF7F80u);
    CHECK_EQ_U64(rv_load32(&M, DATA), 0x80FF7F80u);
}

/* branch f3 with (a, b): taken? */
static int branch_taken(uint32_t f3, uint32_t a, uint32_t b)
{
    prog p = {.n = 0};
    p_li(&p, 6, a);
    p_li(&p, 7, b);
    p_w(&p, A_ADDI(10, 0, 0));
    p_w(&p, enc_b(8, 7, 6, f3));
    p_w(&p, A_ADDI(10, 0, 2));
    p_w(&p, A_ADDI(10, 10, 1));
    p_halt(&p);
    run2(&p, NULL, 0);
    return M.x[10] == 1;
}

static void t_branches_jumps(void)
{
    CHECK(branch_taken(0, 5, 5) && !branch_taken(0, 5, 6));
    CHECK(branch_taken(1, 5, 6) && !branch_taken(1, 7, 7));
    CHECK(branch_taken(4, 0xFFFFFFFF, 0) && !branch_taken(4, 0, 0xFFFFFFFF));
    CHECK(branch_taken(4, 0x80000000u, 0x7FFFFFFF) && !branch_taken(4, 3, 3));
    CHECK(branch_taken(5, 3, 3) && branch_taken(5, 0, 0xFFFFFFFF) && !branch_taken(5, 0x80000000u, 0));
    CHECK(branch_taken(6, 0, 0xFFFFFFFF) && !branch_taken(6, 0xFFFFFFFF, 0) && !branch_taken(6, 1, 1));
    CHECK(branch_taken(7, 1, 1) && branch_taken(7, 0xFFFFFFFF, 0) && !branch_taken(7, 0, 1));
    /* backward branch loop: sum 1..10 */
    prog p = {.n = 0};
    p_w(&p, A_ADDI(6, 0, 10));
    p_w(&p, A_ADDI(10, 0, 0));
    p_w(&p, enc_r(0, 6, 10, 0, 10, 0x33));
    p_w(&p, A_ADDI(6, 6, -1));
    p_w(&p, enc_b(-8, 0, 6, 1));            /* bne t1, x0, -8 */
    p_w(&p, enc_j(8, 1));                   /* jal ra, +8 (link = pc+4) */
    p_w(&p, A_EBREAK);
    p_w(&p, enc_i(1, 1, 0, 11, 0x67));      /* jalr a1, 1(ra): bit 0 cleared -> lands on ebreak+4? */
    p_halt(&p);
    /* ra = address of the ebreak; jalr to ra+1 clears bit 0 -> executes ebreak: a fault */
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "EBREAK");
    CHECK_EQ_U64(M.x[10], 55);
    CHECK_EQ_U64(M.x[11], BASE + 4 * 8);
    CHECK_EQ_U64(M.x[1], BASE + 4 * 6);
}

static void t_faults(void)
{
    struct { uint32_t word; const char *msg; } cases[] = {
        {enc_i(1, 6, 2, 10, 0x03), "load of 4 bytes at bad address 0x00300001"},  /* misaligned lw */
        {enc_i(1, 6, 1, 10, 0x03), "load of 2 bytes at bad address 0x00300001"},
        {enc_s(2, 6, 6, 2, 0x23), "store of 4 bytes at bad address 0x00300002"},
        {A_EBREAK, "EBREAK"},
        {A_UNIMP, "illegal instruction"},
        {0xFFFFFFFFu, "illegal instruction"},
        {0x00004501u, "compressed (RVC)"},
        {enc_j(0x40000, 0), "outside the program"},
        {enc_i(0, 0, 2, 10, 0x03), "load of 4 bytes at bad address 0x00000000"},   /* address 0 */
        {enc_i(28, 0, 2, 10, 0x03), "bad address 0x0000001c"},                    /* register area */
        {enc_i(0x7FC, 7, 2, 10, 0x03), "bad address 0x78000000"},                  /* past MAX_MEMORY */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        prog p = {.n = 0};
        p_li(&p, 6, DATA);
        p_li(&p, 7, RV_MEM_END - 0x7FC);
        p_w(&p, cases[k].word);
        p_halt(&p);
        run2(&p, NULL, 0);
        CHECK_EQ_U64(RC, RK_EFALSE);
        CHECK_STR_HAS(E.msg, cases[k].msg);
        CHECK_STR_HAS(E.msg, "guest fault at pc 0x00200810");
        CHECK(!M.halted);
    }
    /* last valid word below MAX_MEMORY is fine */
    prog p = {.n = 0};
    p_li(&p, 7, RV_MEM_END - 4);
    p_w(&p, enc_s(0, 7, 7, 2, 0x23));
    p_w(&p, enc_i(0, 7, 2, 10, 0x03));
    p_halt(&p);
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(M.x[10], RV_MEM_END - 4);
    /* running off the end of the program */
    prog q = {.n = 0};
    p_w(&q, A_ADDI(10, 0, 1));
    rv_machine_free(&S);
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    CHECK(elf_image_from_words(&im, BASE, q.w, q.n, &e) == RK_OK);
    rv_machine_free(&M);
    CHECK(rv_machine_init(&M, &im, &e) == RK_OK);
    CHECK_EQ_U64(rv_run(&M, 100, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "ran off the end");
    elf_image_free(&im);
    /* the stepper the same, word for word */
    run2(&q, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "guest fault at pc 0x00200804 (insn 0x00000000): ran off the end of the program");
}

/* issue 14 item 1: code is immutable and fetched only from the program's executable range
 * [BASE, BASE + 4 n).  rv_run (the pre-decoded loop) and rv_step (segment replay, the trace
 * builder's source) fault identically, naming the pc and the address. */
static void t_code_immutable(void)
{
    /* 12 bytes of code (a0 = 7; HALT) */
    const uint32_t code[3] = {A_ADDI(10, 0, 7), A_ADDI(5, 0, 0), A_ECALL};
    char want[200];
    /* (a) HINT_READ the code into a data page (allowed: data is writable) and jump there */
    prog p = {.n = 0};
    p_li(&p, 10, DATA);
    p_li(&p, 11, 12);
    p_sys(&p, RV_SYS_HINT_READ);
    p_li(&p, 6, DATA);
    p_w(&p, enc_i(0, 6, 0, 0, 0x67));                   /* jalr x0, 0(t1) at BASE + 36 */
    p_halt(&p);
    BIN_ITEM = (const uint8_t *)code;
    BIN_LEN = sizeof code;
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    snprintf(want, sizeof want, "guest fault at pc 0x%08x (insn 0x%08x): jump to 0x00300000 outside the program "
             "[0x00200800, 0x%08x)", BASE + 36, enc_i(0, 6, 0, 0, 0x67), BASE + 4 * (uint32_t)p.n);
    CHECK_STR_HAS(E.msg, want);
    CHECK_EQ_U64(rv_load32(&M, DATA), code[0]); /* the data was written; running it is the fault */
    CHECK(!M.halted && M.pc == BASE + 36);
    /* a branch out of the program, and a jump to its end, fault the same way */
    prog b = {.n = 0};
    p_w(&b, enc_b(-8, 0, 0, 0));                        /* beq x0, x0, BASE - 8 */
    p_halt(&b);
    run2(&b, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "guest fault at pc 0x00200800");
    CHECK_STR_HAS(E.msg, "jump to 0x002007f8 outside the program [0x00200800, 0x0020080c)");
    prog j = {.n = 0};
    p_w(&j, A_ADDI(10, 0, 0));
    p_w(&j, enc_j(12, 0));                              /* jal x0, BASE + 16 = the end */
    p_halt(&j);
    run2(&j, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "guest fault at pc 0x00200804");
    CHECK_STR_HAS(E.msg, "jump to 0x00200810 outside the program [0x00200800, 0x00200810)");
    /* (b) stores of every size into the program (its last word included) fault before writing */
    static const struct { uint32_t f3, size; int32_t off; } st[] = {{2, 4, 0}, {1, 2, 2}, {0, 1, 3}, {2, 4, 24}};
    for (size_t k = 0; k < sizeof st / sizeof st[0]; k++) {
        prog q = {.n = 0};
        p_li(&q, 6, BASE);
        p_li(&q, 7, 0x00000073u);
        p_w(&q, enc_s(st[k].off, 7, 6, st[k].f3, 0x23));  /* at BASE + 16; the program ends at BASE + 28 */
        p_halt(&q);
        run2(&q, NULL, 0);
        CHECK_EQ_U64(RC, RK_EFALSE);
        snprintf(want, sizeof want, "guest fault at pc 0x00200810 (insn 0x%08x): store of %u byte%s at 0x%08x "
                 "inside the program [0x00200800, 0x0020081c)", enc_s(st[k].off, 7, 6, st[k].f3, 0x23),
                 st[k].size, st[k].size > 1 ? "s" : "", BASE + (uint32_t)st[k].off);
        CHECK_STR_HAS(E.msg, want);
        CHECK_EQ_U64(rv_load32(&M, BASE), q.w[0]);       /* nothing written */
        CHECK_EQ_U64(rv_load32(&S, BASE), q.w[0]);
    }
    /* just past the program is data: the store is fine */
    prog ok = {.n = 0};
    p_li(&ok, 6, BASE);
    p_w(&ok, enc_s(20, 0, 6, 2, 0x23));                  /* sw x0, 20(t1): BASE + 20 = the end */
    p_halt(&ok);
    run2(&ok, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    /* (c) HINT_READ into the program: the buffer [a0, +len rounded up) may not meet it */
    static const uint32_t at[] = {BASE, BASE + 8, BASE - 8};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        prog q = {.n = 0};
        p_li(&q, 10, at[k]);
        p_li(&q, 11, 12);
        p_sys(&q, RV_SYS_HINT_READ);                        /* ecall at BASE + 24 */
        p_halt(&q);
        run2(&q, NULL, 0);
        CHECK_EQ_U64(RC, RK_EFALSE);
        snprintf(want, sizeof want, "guest fault at pc 0x00200818 (insn 0x00000073): HINT_READ: buffer [0x%08x, +12) "
                 "overlaps the program [0x00200800, 0x00200824)", at[k]);
        CHECK_STR_HAS(E.msg, want);
    }
    /* ending just below the program is fine */
    prog h = {.n = 0};
    p_li(&h, 10, BASE - 12);
    p_li(&h, 11, 12);
    p_sys(&h, RV_SYS_HINT_READ);
    p_halt(&h);
    run2(&h, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(rv_load32(&M, BASE - 4), code[2]);
    /* a precompile's output buffer too (SHA_EXTEND rewrites w[16..64) in place) */
    prog x = {.n = 0};
    p_li(&x, 10, BASE);
    p_sys(&x, 0x00300105u);                              /* ecall at BASE + 16 */
    p_halt(&x);
    run2(&x, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "guest fault at pc 0x00200810 (insn 0x00000073): SHA_EXTEND: buffer [0x00200800, +256) "
                  "overlaps the program [0x00200800, 0x0020081c)");
    BIN_ITEM = NULL;
    BIN_LEN = 0;
}

static void t_syscalls(void)
{
    /* unknown code, unsupported precompile, bad COMMIT index */
    prog p = {.n = 0};
    p_sys(&p, 0x12345678);
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "unknown syscall 0x12345678");
    p.n = 0;
    p_sys(&p, 0x00010107);
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EINTERNAL);
    CHECK_STR_HAS(E.msg, "syscall ED_ADD (0x00010107)");
    /* the code is matched on all 32 bits: 0x105 is not SHA_EXTEND */
    p.n = 0;
    p_sys(&p, 0x00000105);
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "unknown syscall 0x00000105");
    p.n = 0;
    p_li(&p, 10, 8);
    p_sys(&p, RV_SYS_COMMIT);
    run2(&p, NULL, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "COMMIT word index 8");

    /* COMMIT, HINT_LEN, HINT_READ, WRITE fd 13, HALT with an exit code */
    p.n = 0;
    p_li(&p, 10, 3);
    p_li(&p, 11, 0xCAFEBABE);
    p_sys(&p, RV_SYS_COMMIT);
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(20, 5, 0));               /* s4 = len of item 0 ("hello") */
    p_li(&p, 10, DATA);
    p_w(&p, A_ADDI(11, 20, 0));
    p_sys(&p, RV_SYS_HINT_READ);
    p_li(&p, 10, 13);
    p_li(&p, 11, DATA);
    p_li(&p, 12, 5);
    p_sys(&p, RV_SYS_WRITE);                 /* public values "hello" */
    p_li(&p, 10, 14);
    p_li(&p, 11, DATA + 1);
    p_li(&p, 12, 2);
    p_sys(&p, RV_SYS_WRITE);                 /* push "el" to the front */
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(21, 5, 0));               /* 2 */
    p_li(&p, 10, DATA + 8);
    p_li(&p, 11, 2);
    p_sys(&p, RV_SYS_HINT_READ);
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(22, 5, 0));               /* 3: "abc" */
    p_li(&p, 10, DATA + 16);
    p_li(&p, 11, 3);
    p_sys(&p, RV_SYS_HINT_READ);
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(23, 5, 0));               /* exhausted: 0xFFFFFFFF */
    p_li(&p, 10, 7);
    p_sys(&p, RV_SYS_HALT);
    const char *items[] = {"hello", "abc"};
    run2(&p, items, 2);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(M.exit_code, 7);
    CHECK_EQ_U64(M.pc, 0);
    CHECK_EQ_U64(M.committed[3], 0xCAFEBABE);
    CHECK_EQ_U64(M.x[20], 5);
    CHECK_EQ_U64(M.x[21], 2);
    CHECK_EQ_U64(M.x[22], 3);
    CHECK_EQ_U64(M.x[23], 0xFFFFFFFFu);
    CHECK_EQ_U64(M.public_values.len, 5);
    CHECK_MEM(M.public_values.data, "hello", 5);
    CHECK_MEM(M.mem + DATA, "hello\0\0\0el\0\0\0\0\0\0abc\0", 20);

    /* HINT_READ with the wrong length, and with an empty stream */
    p.n = 0;
    p_li(&p, 10, DATA);
    p_li(&p, 11, 4);
    p_sys(&p, RV_SYS_HINT_READ);
    run2(&p, items, 2);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "HINT_READ of 4 bytes but the next input item has 5");
    run2(&p, NULL, 0);
    CHECK_STR_HAS(E.msg, "input stream is empty");
}

static void t_unconstrained(void)
{
    /* ENTER returns 1; the block writes memory and registers, reads an item and
     * pushes a hint; EXIT restores memory/registers and returns 0 at ENTER. */
    prog p = {.n = 0};
    p_li(&p, 6, DATA);
    p_li(&p, 7, 11);
    p_w(&p, enc_s(0, 7, 6, 2, 0x23));        /* mem[DATA] = 11 */
    p_w(&p, A_ADDI(8, 0, 0));                /* t2 counts ENTER returns seen */
    size_t enter = p.n;
    p_sys(&p, RV_SYS_ENTER_UNCONSTRAINED);
    p_w(&p, A_ADDI(8, 8, 1));
    p_w(&p, enc_b(0, 0, 5, 0));              /* beq t0, x0, +0 (patched below) */
    size_t br = p.n - 1;
    p_li(&p, 7, 99);
    p_w(&p, enc_s(0, 7, 6, 2, 0x23));        /* mem[DATA] = 99 inside */
    p_w(&p, enc_s(2048 - 4, 7, 6, 2, 0x23)); /* another page */
    p_li(&p, 10, 14);
    p_li(&p, 11, DATA);
    p_li(&p, 12, 4);
    p_sys(&p, RV_SYS_WRITE);                 /* push a hint: 4 bytes of mem[DATA] = 99 */
    p_sys(&p, RV_SYS_EXIT_UNCONSTRAINED);
    p_w(&p, A_EBREAK);                       /* never reached */
    size_t after = p.n;
    p.w[br] = enc_b((int32_t)(after - br) * 4, 0, 5, 0);
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(20, 5, 0));
    p_li(&p, 10, DATA + 64);
    p_li(&p, 11, 4);
    p_sys(&p, RV_SYS_HINT_READ);
    p_w(&p, enc_i(64, 6, 2, 21, 0x03));      /* the hint: 99 */
    p_w(&p, enc_i(0, 6, 2, 22, 0x03));       /* memory restored: 11 */
    p_w(&p, enc_i(2044, 6, 2, 23, 0x03));    /* 0 */
    p_halt(&p);
    (void)enter;
    run2(&p, NULL, 0);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(M.x[20], 4);
    CHECK_EQ_U64(M.x[21], 99);
    CHECK_EQ_U64(M.x[22], 11);
    CHECK_EQ_U64(M.x[23], 0);
    CHECK_EQ_U64(M.x[8], 1);                 /* restored registers: the inside increment is gone */
    CHECK_EQ_U64(M.x[5], 0);
    /* cycles exclude the block: the step run counts the same */
    CHECK(M.cycles < p.n + 10);
}

/* Random straight-line ALU programs: fast loop and stepper must agree. */
static void t_random_alu_programs(void)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
#define RND() (s ^= s << 13, s ^= s >> 7, s ^= s << 17, (uint32_t)s)
    static const uint32_t rf[][2] = {{0,0},{0x20,0},{0,1},{0,2},{0,3},{0,4},{0,5},{0x20,5},{0,6},{0,7},
                                     {1,0},{1,1},{1,2},{1,3},{1,4},{1,5},{1,6},{1,7}};
    for (int round = 0; round < 20; round++) {
        prog p = {.n = 0};
        for (uint32_t r = 1; r < 32; r++)
            if (r != 5) p_li(&p, r, (RND() & 1) ? RND() : (RND() % 5) - 2);
        while (p.n < 480) {
            uint32_t rd = RND() % 32, a = RND() % 32, b = RND() % 32;
            if (rd == 5) rd = 6;
            if (RND() & 1) {
                const uint32_t *f = rf[RND() % 18];
                p_w(&p, enc_r(f[0], b, a, f[1], rd, 0x13 + 0x20));
            } else {
                uint32_t f3 = RND() % 8;
                int32_t imm = (int32_t)(RND() << 20) >> 20;
                if (f3 == 1) imm &= 31;
                if (f3 == 5) imm = (imm & 31) | ((RND() & 1) ? 0x400 : 0);
                p_w(&p, enc_i(imm, a, f3, rd, 0x13));
            }
        }
        p_halt(&p);
        run2(&p, NULL, 0);
        CHECK(RC == RK_OK && M.halted);
    }
}

static void t_decode_names(void)
{
    CHECK_EQ_U64(rv_decode(0x00000073u).op, RV_ECALL);
    CHECK_EQ_U64(rv_decode(A_UNIMP).op, RV_ILLEGAL);
    CHECK_EQ_U64(rv_decode(0x0000100Fu).op, RV_ILLEGAL); /* fence.i is not RV32I */
    CHECK_EQ_U64(rv_decode(0x0FF0000Fu).op, RV_FENCE);
    CHECK(strcmp(rv_op_name(RV_MULHSU), "mulhsu") == 0);
    CHECK_EQ_U64(rv_decode(enc_i(0x400 | 3, 1, 1, 1, 0x13)).op, RV_ILLEGAL); /* slli with imm[10] */
}

int main(void)
{
    RUN(t_rv32i_register_ops);
    RUN(t_rv32m);
    RUN(t_rv32i_immediate_ops);
    RUN(t_x0_is_zero);
    RUN(t_loads_stores);
    RUN(t_branches_jumps);
    RUN(t_faults);
    RUN(t_code_immutable);
    RUN(t_syscalls);
    RUN(t_unconstrained);
    RUN(t_random_alu_programs);
    RUN(t_decode_names);
    rv_machine_free(&M);
    rv_machine_free(&S);
    return t_done();
}
