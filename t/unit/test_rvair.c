/* test_rvair.c - the RV32IM segment AIR on hand-assembled programs: every
 * instruction's trace satisfies the constraints and balances every bus, and
 * single-cell tampering of the trace is caught by the constraint system. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "hash/poseidon2.h"
#include "rvair/rvair.h"
#include "stark/stark.h"
#include "rvasm.h"
#include "test.h"

#define CODE 0x1000u
#define DATA 0x2000u

/* R-type and friends not in rvasm.h */
#define R(f7, f3, rd, rs1, rs2) enc_r((f7), (rs2), (rs1), (f3), (rd), 0x33)
#define I(f3, rd, rs1, imm) enc_i((imm), (rs1), (f3), (rd), 0x13)
#define LD(f3, rd, rs1, imm) enc_i((imm), (rs1), (f3), (rd), 0x03)
#define ST(f3, rs2, rs1, imm) enc_s((imm), (rs2), (rs1), (f3), 0x23)
#define BR(f3, rs1, rs2, imm) enc_b((imm), (rs2), (rs1), (f3))
#define JALR(rd, rs1, imm) enc_i((imm), (rs1), 0, (rd), 0x67)
#define FENCE 0x0FF0000Fu

typedef struct prog {
    uint32_t w[512];
    size_t n;
} prog;

static void emit(prog *p, uint32_t w) { p->w[p->n++] = w; }
static void li(prog *p, uint32_t rd, uint32_t v)
{
    asm_li(p->w + p->n, rd, v);
    p->n += 2;
}
static void ecall(prog *p, uint32_t code, uint32_t a0, uint32_t a1)
{
    li(p, 5, code);
    li(p, 10, a0);
    li(p, 11, a1);
    emit(p, A_ECALL);
}

static size_t g_chunk; /* rvair_builder_set_parallel's chunk for run_prog (0: serial) */
/* run_prog's executable range is [CODE, CODE + 4 n) for both the executor and the trace.  A
 * malicious prover's run (issue 14 item 1) changes either: the executor runs with
 * [CODE, g_exec_hi) when g_exec_hi is set, the trace claims [CODE, g_trace_hi) when
 * g_trace_hi is set; g_data (g_data_n words) is stored at DATA before the run. */
static uint32_t g_exec_hi, g_trace_hi;
static const uint32_t *g_data;
static size_t g_data_n;
static uint32_t g_x6;    /* run_prog: x6's initial value (0 unless a test sets it) */

typedef struct run {
    air_machine m;
    rvair_trace tr;
    bb_t *pre;
    int ok;
} run;

/* Run p from CODE on a fresh machine (data pages at DATA preset with a pattern)
 * and build its traces; hint items come from items[] in order. */
static void run_prog(run *R_, const prog *p, uint64_t max_steps, const uint8_t *hint, uint32_t hint_len)
{
    rk_err e = {0};
    rv_machine vm;
    memset(R_, 0, sizeof *R_);
    CHECK(rv_machine_init_empty(&vm, &e) == RK_OK);
    for (size_t i = 0; i < p->n; i++)
        rv_store32(&vm, CODE + 4 * (uint32_t)i, p->w[i]);
    for (uint32_t i = 0; i < 512; i++)
        rv_store32(&vm, DATA + 4 * i, 0x01020304u * (i + 1) ^ 0x80FF7F00u);
    for (size_t i = 0; i < g_data_n; i++)
        rv_store32(&vm, DATA + 4 * (uint32_t)i, g_data[i]);
    vm.pc = CODE;
    vm.text_lo = CODE;
    vm.text_hi = g_exec_hi ? g_exec_hi : CODE + 4 * (uint32_t)p->n;
    uint32_t text_hi = g_trace_hi ? g_trace_hi : CODE + 4 * (uint32_t)p->n;
    vm.x[6] = g_x6;
    rk_buf lens, items;
    rk_buf_init(&lens);
    rk_buf_init(&items);
    if (hint) {
        rk_buf_u32(&lens, hint_len);
        rk_buf_u32(&items, hint_len);
        rk_buf_put(&items, hint, hint_len);
    }
    vm.replay = 1;
    rk_rd_init(&vm.replay_lens, lens.data, lens.len);
    rk_rd_init(&vm.replay_items, items.data, items.len);
    uint32_t pages[4] = {CODE >> 10, (CODE >> 10) + 1, DATA >> 10, (DATA >> 10) + 1};
    uint8_t *data = malloc(4 * 1024);
    for (int i = 0; i < 4; i++)
        memcpy(data + 1024 * i, vm.mem + (size_t)pages[i] * 1024, 1024);
    uint32_t zero[32] = {0}, z8[8] = {0};
    zero[6] = g_x6;
    rvair_builder *b = NULL;
    CHECK(rvair_builder_new(&b, CODE, CODE, text_hi, zero, z8, z8, pages, 4, data, &e) == RK_OK);
    rvair_builder_set_parallel(b, g_chunk);
    int rc = RK_OK;
    for (uint64_t s = 0; s < max_steps && !vm.halted && !rc; s++) {
        rv_step_rec rec;
        uint32_t a0 = vm.x[10];
        rc = rv_step(&vm, &rec, &e);
        if (rc)
            break;
        const uint8_t *hd = (rec.syscall == RV_SYS_HINT_READ) ? vm.mem + a0 : NULL;
        rc = rvair_builder_step(b, &rec, hd, &e);
    }
    if (rc)
        printf("# run: %s\n", e.msg);
    CHECK(rc == RK_OK);
    CHECK(rvair_machine_build(&R_->m, 4, &e) == RK_OK);
    rc = rvair_builder_finish(b, &R_->m, &R_->tr, &e);
    if (rc)
        printf("# finish: %s\n", e.msg);
    CHECK(rc == RK_OK);
    R_->pre = rvair_bytes_preprocessed();
    R_->ok = rc == RK_OK;
    free(data);
    rk_buf_free(&lens);
    rk_buf_free(&items);
    rv_machine_free(&vm);
}

static void run_free(run *R_)
{
    rvair_trace_free(&R_->tr);
    air_machine_free(&R_->m);
    free(R_->pre);
}

static int check(run *R_, rk_err *e) { return rvair_check(&R_->m, &R_->tr, R_->pre, e); }

/* ---- programs ---- */
static const uint32_t vals[] = {0, 1, 7, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x12345678u, 0xFFFFFFF9u};
#define NV (sizeof vals / sizeof vals[0])

/* every R-type op (RV32I + M) on pairs of edge values */
static void prog_alu(prog *p)
{
    static const uint32_t rops[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5},
                                       {0, 6}, {0, 7}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5},
                                       {1, 6}, {1, 7}};
    for (size_t i = 0; i < NV; i++)
        for (size_t j = 0; j < NV; j += (i % 3) + 1) {
            li(p, 6, vals[i]);
            li(p, 7, vals[j]);
            for (size_t k = 0; k < sizeof rops / sizeof rops[0]; k++)
                emit(p, R(rops[k][0], rops[k][1], 8 + (uint32_t)(k % 20), 6, 7));
            if (p->n > 440)
                return;
        }
}

static void prog_misc(prog *p)
{
    /* I-type ALU with edge immediates */
    static const int32_t imms[] = {0, 1, -1, 2047, -2048, 31};
    li(p, 6, 0x80000001u);
    for (size_t i = 0; i < sizeof imms / sizeof imms[0]; i++) {
        int32_t im = imms[i];
        emit(p, I(0, 8, 6, im));   /* addi */
        emit(p, I(2, 9, 6, im));   /* slti */
        emit(p, I(3, 10, 6, im));  /* sltiu */
        emit(p, I(4, 11, 6, im));  /* xori */
        emit(p, I(6, 12, 6, im));  /* ori */
        emit(p, I(7, 13, 6, im));  /* andi */
        emit(p, I(1, 14, 6, im & 31));              /* slli */
        emit(p, I(5, 15, 6, im & 31));              /* srli */
        emit(p, I(5, 16, 6, (im & 31) | 0x400));    /* srai */
    }
    emit(p, I(0, 0, 6, 5)); /* addi x0: the write is dropped */
    emit(p, A_LUI(17, 0xFFFFF000u));
    emit(p, enc_u(0x80000000u, 18, 0x17)); /* auipc */
    emit(p, FENCE);
    /* loads and stores of every size and offset */
    li(p, 20, DATA + 64);
    li(p, 21, 0x89ABCDEFu);
    for (int off = 0; off < 4; off++) {
        emit(p, LD(0, 22, 20, off));     /* lb */
        emit(p, LD(4, 23, 20, off));     /* lbu */
        emit(p, ST(0, 21, 20, 8 + off)); /* sb */
    }
    for (int off = 0; off < 4; off += 2) {
        emit(p, LD(1, 22, 20, off + 4)); /* lh */
        emit(p, LD(5, 23, 20, off + 4)); /* lhu */
        emit(p, ST(1, 21, 20, 12 + off)); /* sh */
    }
    emit(p, LD(2, 24, 20, -4));   /* lw */
    emit(p, ST(2, 21, 20, 16));   /* sw */
    emit(p, LD(2, 25, 20, 16));   /* lw of the stored word */
    emit(p, LD(2, 25, 20, 8));    /* lw of the bytes stored */
    /* branches, both ways */
    li(p, 26, 5);
    li(p, 27, 0xFFFFFFFBu);
    for (uint32_t f3 = 0; f3 < 8; f3++) {
        if (f3 == 2 || f3 == 3)
            continue;
        emit(p, BR(f3, 26, 27, 8));
        emit(p, I(0, 28, 28, 1));
        emit(p, BR(f3, 27, 26, 8));
        emit(p, I(0, 28, 28, 1));
        emit(p, BR(f3, 26, 26, 8));
        emit(p, I(0, 28, 28, 1));
    }
    emit(p, BR(0, 0, 0, 8)); /* taken, forward */
    emit(p, 0);              /* skipped (illegal if executed) */
    /* jal forward, jalr back */
    emit(p, enc_j(12, 1));   /* jal ra, +12 */
    emit(p, I(0, 29, 29, 7));
    emit(p, enc_j(12, 0));   /* j +12 -> past the jalr */
    emit(p, I(0, 29, 29, 1));
    emit(p, JALR(5, 1, 1));  /* back to ra (+1 cleared) */
    /* syscalls */
    ecall(p, RV_SYS_COMMIT, 3, 0xDEADBEEFu);
    ecall(p, RV_SYS_COMMIT_DEFERRED_PROOFS, 7, 42);
    li(p, 12, 4);
    ecall(p, RV_SYS_WRITE, 1, DATA);
    ecall(p, RV_SYS_ENTER_UNCONSTRAINED, 0, 0);
    ecall(p, RV_SYS_EXIT_UNCONSTRAINED, 0, 0);
    ecall(p, RV_SYS_HINT_LEN, 0, 0);
    ecall(p, RV_SYS_HINT_READ, DATA + 1024, 7);
    emit(p, LD(2, 30, 20, 1024 - 64 + 4));
    ecall(p, RV_SYS_HALT, 3, 0);
}

static void test_p2_row(void)
{
    bb_t in[16], out[16], ref[16], row[P2T_WIDTH];
    for (int i = 0; i < 16; i++)
        in[i] = ref[i] = bb_from_u32(0x1234567u * (uint32_t)(i + 1));
    rvair_p2_fill_row(row, in, out);
    p2_permute(ref);
    CHECK_MEM(out, ref, sizeof ref);
}

static void test_alu_all_ops(void)
{
    prog p = {{0}, 0};
    prog_alu(&p);
    ecall(&p, RV_SYS_HALT, 0, 0);
    run R_;
    run_prog(&R_, &p, 100000, NULL, 0);
    rk_err e = {0};
    int rc = R_.ok ? check(&R_, &e) : -1;
    if (rc)
        printf("# check: %s\n", e.msg);
    CHECK(rc == RK_OK);
    CHECK(R_.tr.bnd.halted == 1);
    run_free(&R_);
}

static void test_misc(void)
{
    prog p = {{0}, 0};
    prog_misc(&p);
    run R_;
    const uint8_t hint[7] = {1, 2, 3, 4, 5, 6, 7};
    run_prog(&R_, &p, 100000, hint, 7);
    rk_err e = {0};
    int rc = R_.ok ? check(&R_, &e) : -1;
    if (rc)
        printf("# check: %s\n", e.msg);
    CHECK(rc == RK_OK);
    CHECK(R_.tr.bnd.halted == 1);
    CHECK(R_.tr.bnd.exit_code == 3);
    CHECK(R_.tr.bnd.cell_post[32 + 3] == 0xDEADBEEFu);
    CHECK(R_.tr.bnd.cell_post[40 + 7] == 42);
    run_free(&R_);
}

/* prove and verify with the STARK (small FRI parameters); skip = cheat */
static int prove_verify(run *R_, int skip, rk_err *e)
{
    static const fri_params fp = {1, 4, 2, 0, 1};
    stark_pk pk;
    stark_pk_init(&pk);
    const bb_t *pres[RVAIR_N_TABLES] = {0};
    unsigned plh[RVAIR_N_TABLES] = {0};
    pres[RVAIR_T_BYTES] = R_->pre;
    plh[RVAIR_T_BYTES] = RVAIR_BYTES_LOG;
    int rc = stark_keygen(&R_->m, &fp, pres, plh, &pk, e);
    bb_t *pub = NULL;
    rk_buf proof;
    rk_buf_init(&proof);
    if (!rc)
        rc = rvair_publics(&R_->tr.bnd, &pub, e);
    if (!rc) {
        const bb_t *tr[RVAIR_N_TABLES];
        for (int i = 0; i < RVAIR_N_TABLES; i++)
            tr[i] = R_->tr.main[i];
        stark_prove_opts o = {.test_skip_constraint_check = skip};
        rc = stark_prove(&pk, tr, R_->tr.log_h, pub, &o, &proof, e);
        if (rc)
            printf("# prove: %s\n", e->msg);
    }
    if (!rc)
        rc = stark_verify(&R_->m, &pk.vk, pub, proof.data, proof.len, e);
    free(pub);
    rk_buf_free(&proof);
    stark_pk_free(&pk);
    return rc;
}

static void test_stark_misc(void)
{
    prog p = {{0}, 0};
    prog_misc(&p);
    run R_;
    const uint8_t hint[7] = {1, 2, 3, 4, 5, 6, 7};
    run_prog(&R_, &p, 100000, hint, 7);
    rk_err e = {0};
    int rc = prove_verify(&R_, 0, &e);
    if (rc)
        printf("# %s\n", e.msg);
    CHECK(rc == RK_OK);
    run_free(&R_);
}

/* every R-type RV32I and M instruction on edge values, proven and verified */
static void test_stark_alu(void)
{
    prog p = {{0}, 0};
    prog_alu(&p);
    ecall(&p, RV_SYS_HALT, 0, 0);
    run R_;
    run_prog(&R_, &p, 100000, NULL, 0);
    rk_err e = {0};
    int rc = prove_verify(&R_, 0, &e);
    if (rc)
        printf("# %s\n", e.msg);
    CHECK(rc == RK_OK);
    run_free(&R_);
}

/* a trace that breaks one constraint, proven anyway (the prover's check
 * skipped), does not verify */
static void test_stark_rejects_bad_trace(void)
{
    prog p = {{0}, 0};
    prog_misc(&p);
    run R_;
    const uint8_t hint[7] = {1, 2, 3, 4, 5, 6, 7};
    run_prog(&R_, &p, 100000, hint, 7);
    /* the result of the first SLTI becomes 1 - result */
    size_t n = (size_t)1 << R_.tr.log_h[RVAIR_T_CPU];
    for (size_t i = 0; i < n; i++) {
        bb_t *row = R_.tr.main[RVAIR_T_CPU] + i * CPU_WIDTH;
        if (bb_eq(row[CPU_FLAG(RV_SLTI)], bb_one())) {
            row[CPU_R] = bb_sub(bb_one(), row[CPU_R]);
            break;
        }
    }
    rk_err e = {0};
    CHECK(check(&R_, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "(cpu: comparisons, branches) fails at row");
    /* proven anyway: the verifier rejects it, and says which check did (the changed result
     * is also the register written, so the memory bus's LogUp sum fails first) */
    CHECK(prove_verify(&R_, 1, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "stark: the LogUp cumulative sums do not add to zero");
    run_free(&R_);
}

/* Set every ECALL row's a1 read (MO, MN) to v, and x11's public values with it. */
static void forge_a1(run *R_, uint32_t v)
{
    size_t n = (size_t)1 << R_->tr.log_h[RVAIR_T_CPU];
    for (size_t i = 0; i < n; i++) {
        bb_t *row = R_->tr.main[RVAIR_T_CPU] + i * CPU_WIDTH;
        if (!bb_eq(row[CPU_FLAG(RV_ECALL)], bb_one()))
            continue;
        for (int k = 0; k < 4; k++)
            row[CPU_MO + k] = row[CPU_MN + k] = bb_from_u32((v >> (8 * k)) & 0xFF);
        if (bb_eq(row[CPU_OH], bb_one())) { /* HINT_READ: the loaded-byte view of the word */
            row[CPU_LB0] = bb_from_u32(v & 0xFF);
            row[CPU_LB1] = bb_from_u32((v >> 8) & 0xFF);
            row[CPU_LS0] = bb_from_u32((v >> 7) & 1);
            row[CPU_LS1] = bb_from_u32((v >> 15) & 1);
        }
    }
    R_->tr.bnd.cell_pre[11] = R_->tr.bnd.cell_post[11] = v;
}

/* issue 14 item 2, a malicious prover: HINT_READ with len = 0x77FFFFFF (pad 2) or
 * 0x77FFFFFE (pad 3) has len + pad = p, so 4 NW = len + pad holds with NW = 0 and the
 * call is a no-op writing nothing (the executor faults: no such item).  The trace is an
 * honest len-0 call with a1 forged; it must not verify. */
static void test_stark_rejects_hint_len_wrap(void)
{
    static const uint32_t lens[2] = {0x77FFFFFFu, 0x77FFFFFEu};
    for (int c = 0; c < 2; c++) {
        prog p = {{0}, 0};
        li(&p, 5, RV_SYS_HINT_READ); /* a1 (x11) is never written: its initial value is the length */
        li(&p, 10, DATA);
        emit(&p, A_ECALL);
        li(&p, 5, RV_SYS_HALT);
        li(&p, 10, 0);
        emit(&p, A_ECALL);
        run R_;
        const uint8_t none[1] = {0};
        run_prog(&R_, &p, 1000, none, 0);
        forge_a1(&R_, lens[c]);
        uint32_t pad = 0x78000001u - lens[c]; /* len + pad = p */
        size_t n = (size_t)1 << R_.tr.log_h[RVAIR_T_CPU];
        for (size_t i = 0; i < n; i++) {
            bb_t *row = R_.tr.main[RVAIR_T_CPU] + i * CPU_WIDTH;
            if (bb_eq(row[CPU_SYS + RVAIR_SYS_HINT_READ], bb_one())) {
                row[CPU_PAD] = bb_from_u32(pad & 1);
                row[CPU_PAD + 1] = bb_from_u32(pad >> 1);
                CHECK(bb_eq(row[CPU_NW], bb_zero()) && bb_eq(row[CPU_NZ], bb_zero()));
            }
        }
        rk_err e = {0};
        CHECK(rvair_count_lookups(&R_.m, &R_.tr, R_.pre, &e) == RK_OK);
        CHECK(check(&R_, &e) == RK_EFALSE);
        printf("# check: %s\n", e.msg);
        CHECK(strstr(e.msg, "cpu: syscalls") != NULL);
        e.msg[0] = 0;
        CHECK(prove_verify(&R_, 1, &e) == RK_EFALSE);
        printf("# verify: %s\n", e.msg);
        CHECK(strstr(e.msg, "table cpu: constraints do not hold at zeta") != NULL);
        run_free(&R_);
    }
}

/* issue 14 item 5, a malicious prover: a segment that does not halt ends at a misaligned
 * pc, where no segment can start (the executor faults at the jump).  The trace is an
 * honest "jalr x0, 0(x6)" to CODE + 8 with x6 (never written) forged to CODE + 6. */
static void test_stark_rejects_misaligned_end(void)
{
    prog p = {{0}, 0};
    emit(&p, JALR(0, 6, 0));
    emit(&p, I(0, 0, 0, 0));
    emit(&p, I(0, 0, 0, 0));
    run R_;
    g_x6 = CODE + 8;
    run_prog(&R_, &p, 1, NULL, 0);
    g_x6 = 0;
    CHECK(R_.tr.bnd.pc_post == CODE + 8 && !R_.tr.bnd.halted);
    uint32_t v = CODE + 6;
    bb_t *row = R_.tr.main[RVAIR_T_CPU];
    CHECK(bb_eq(row[CPU_FLAG(RV_JALR)], bb_one()) && bb_eq(row[CPU_LASTREAL], bb_one()));
    for (int k = 0; k < 4; k++) {
        bb_t b = bb_from_u32((v >> (8 * k)) & 0xFF);
        row[CPU_A + k] = row[CPU_T + k] = row[CPU_NPB + k] = b;
    }
    row[CPU_TINV] = bb_inv(bb_from_u32((v & 0xFF) + ((v >> 8) & 0xFF) + ((v >> 16) & 0xFF) + (v >> 24)));
    R_.tr.bnd.cell_pre[6] = R_.tr.bnd.cell_post[6] = v;
    R_.tr.bnd.pc_post = v;
    rk_err e = {0};
    int rc = rvair_count_lookups(&R_.m, &R_.tr, R_.pre, &e);
    printf("# lookups: %s\n", rc ? e.msg : "ok");
    CHECK(rc == RK_EINPUT && strstr(e.msg, "table cpu row 0") && strstr(e.msg, "is not a byte lookup"));
    e.msg[0] = 0;
    CHECK(prove_verify(&R_, 1, &e) == RK_EFALSE);
    printf("# verify: %s\n", e.msg);
    CHECK(strstr(e.msg, "stark: the LogUp cumulative sums do not add to zero") != NULL);
    run_free(&R_);
}

/* issue 14 item 1, a malicious prover: code is fetched only from the executable range and
 * never written.  Each run below breaks one rule with an executor that allows it; the trace
 * keeps the program's range in its public values (what the image id commits).  The builder
 * fills the rows as the run went; the prover's own check names the constraint, and the
 * proof made anyway (the check skipped) does not verify.  Before the range existed, each of
 * these runs was proven and verified (the test then fails at "check == RK_EFALSE"). */
static void expect_rejected(run *R_, const char *constraint, const char *table)
{
    rk_err e = {0};
    CHECK(R_->ok);
    CHECK(rvair_count_lookups(&R_->m, &R_->tr, R_->pre, &e) == RK_OK);
    CHECK(check(R_, &e) == RK_EFALSE);
    printf("# check: %s\n", e.msg);
    CHECK_STR_HAS(e.msg, constraint);
    e.msg[0] = 0;
    CHECK(prove_verify(R_, 1, &e) == RK_EFALSE);
    printf("# verify: %s\n", e.msg);
    char want[96];
    snprintf(want, sizeof want, "stark: table %s: constraints do not hold at zeta", table);
    CHECK_STR_HAS(e.msg, want);
}

/* (a) a jump into data holding valid code (a0 = 7; HALT), run there: the pc leaves the range */
static void test_stark_rejects_pc_outside_text(void)
{
    const uint32_t code[3] = {I(0, 10, 0, 7), I(0, 5, 0, 0), A_ECALL};
    prog p = {{0}, 0};
    li(&p, 6, DATA);
    emit(&p, JALR(0, 6, 0));
    run R_;
    g_data = code;
    g_data_n = 3;
    g_exec_hi = RV_MEM_END; /* the executor fetches anywhere, as before the fix */
    run_prog(&R_, &p, 100, NULL, 0);
    g_exec_hi = 0;
    g_data = NULL;
    g_data_n = 0;
    CHECK(R_.tr.bnd.halted && R_.tr.bnd.exit_code == 7 && R_.tr.bnd.cycles == 6);
    CHECK(R_.tr.bnd.text_lo == CODE && R_.tr.bnd.text_hi == CODE + 12);
    expect_rejected(&R_, "(cpu: text range) fails at row 3", "cpu");
    run_free(&R_);
}

/* (b) a store of each size into the range (a word the program's range holds past its last
 * instruction, as rodata in an executable segment) */
static void test_stark_rejects_store_into_text(void)
{
    static const uint32_t f3[3] = {2, 1, 0};
    for (int k = 0; k < 3; k++) {
        prog p = {{0}, 0};
        li(&p, 6, CODE);
        li(&p, 7, 0x01020304u);
        emit(&p, ST(f3[k], 7, 6, 52));               /* CODE + 52: past the code (48 bytes), inside [CODE, CODE + 64) */
        ecall(&p, RV_SYS_HALT, 0, 0);
        run R_;
        g_trace_hi = CODE + 64; /* the executor's range ends with the code: it allows the store */
        run_prog(&R_, &p, 100, NULL, 0);
        g_trace_hi = 0;
        CHECK(R_.tr.bnd.halted && R_.tr.bnd.text_hi == CODE + 64);
        expect_rejected(&R_, "(cpu: stores outside text) fails at row 4", "cpu");
        run_free(&R_);
    }
}

/* (c) HINT_READ of 12 bytes right after the code, inside the range */
static void test_stark_rejects_hint_into_text(void)
{
    prog p = {{0}, 0};
    ecall(&p, RV_SYS_HINT_READ, CODE + 56, 12);       /* [CODE + 56, CODE + 68) */
    ecall(&p, RV_SYS_HALT, 0, 0);
    run R_;
    const uint8_t hint[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    g_trace_hi = CODE + 68;
    run_prog(&R_, &p, 100, hint, 12);
    g_trace_hi = 0;
    CHECK(R_.tr.bnd.halted);
    expect_rejected(&R_, "(hint: outside text) fails at row 0", "hint");
    run_free(&R_);
}

/* (a') a segment that does not halt and ends with a jump out of the program: every row it has
 * is inside the range, so the AIR holds and the proof verifies; the verifier's native rule on
 * the boundary (rvair_boundary_check, which rcpt_verify applies) refuses it.  Without that rule
 * such a receipt was accepted, though the executor faults at the jump and no next segment can
 * start there. */
static void test_boundary_rejects_end_outside_text(void)
{
    prog p = {{0}, 0};
    emit(&p, JALR(0, 6, 0));
    emit(&p, I(0, 0, 0, 0));
    run R_;
    g_x6 = DATA;
    g_exec_hi = RV_MEM_END;
    run_prog(&R_, &p, 1, NULL, 0);
    g_exec_hi = 0;
    g_x6 = 0;
    CHECK(R_.tr.bnd.pc_post == DATA && !R_.tr.bnd.halted && R_.tr.bnd.cycles == 1);
    rk_err e = {0};
    CHECK(check(&R_, &e) == RK_OK);
    CHECK(prove_verify(&R_, 0, &e) == RK_OK);
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_EFALSE);
    printf("# boundary: %s\n", e.msg);
    CHECK_STR_HAS(e.msg, "a segment that does not halt must end inside the executable range [0x00001000, "
                         "0x00001008), not at pc 0x00002000");
    /* ending at text_hi (the next fetch would run off the end) is outside too; inside is fine */
    R_.tr.bnd.pc_post = CODE + 8;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_EFALSE);
    R_.tr.bnd.pc_post = CODE + 4;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_OK);
    R_.tr.bnd.pc_post = 0;
    R_.tr.bnd.halted = 1;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_OK);
    /* a range the limb comparisons do not cover */
    R_.tr.bnd.text_lo = CODE + 2;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "executable range [0x00001002, 0x00001008) is not 4-aligned inside memory");
    R_.tr.bnd.text_lo = 16;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_EFALSE);
    R_.tr.bnd.text_lo = CODE;
    R_.tr.bnd.text_hi = RV_MEM_END + 4;
    CHECK_EQ_U64(rvair_boundary_check(&R_.tr.bnd, &e), RK_EFALSE);
    run_free(&R_);
}

/* (d) the honest side of each rule at the range's end: a store and a HINT_READ starting right
 * at text_hi, the last instruction at text_hi - 4 (the lower edge, s = 0, is test_receipt's
 * honest segments: their stores and HINT_READ lie below the code) */
static void test_stark_text_edges(void)
{
    prog p = {{0}, 0};
    li(&p, 6, CODE);
    emit(&p, ST(0, 6, 6, 4 * 17));                   /* sb at CODE + 68 = the end */
    ecall(&p, RV_SYS_HINT_READ, CODE + 68, 5);       /* [CODE + 68, CODE + 76) */
    ecall(&p, RV_SYS_HALT, 0, 0);                    /* its ECALL is the last word */
    CHECK(p.n == 17);
    run R_;
    const uint8_t hint[5] = {9, 8, 7, 6, 5};
    run_prog(&R_, &p, 100, hint, 5);
    CHECK(R_.ok && R_.tr.bnd.halted && R_.tr.bnd.text_hi == CODE + 68);
    rk_err e = {0};
    CHECK(check(&R_, &e) == RK_OK);
    int rc = prove_verify(&R_, 0, &e);
    if (rc)
        printf("# %s\n", e.msg);
    CHECK(rc == RK_OK);
    run_free(&R_);
}

/* rvair_count_lookups on a 40k-cycle loop (several 8192-row pieces): the same multiplicities
 * on 1 and 2 threads as rvair_builder_finish's; with a non-byte value planted in two rows
 * of different pieces, the error names the earlier row on any thread count. */
static void test_count_lookups_pieces(void)
{
    prog p = {{0}, 0};
    li(&p, 6, 20000);
    emit(&p, A_ADDI(6, 6, -1));
    emit(&p, BR(1, 6, 0, -4)); /* bne x6, x0, -4 */
    ecall(&p, RVAIR_SYS_HALT, 0, 0);
    run R_;
    run_prog(&R_, &p, 100000, NULL, 0);
    CHECK(R_.tr.log_h[RVAIR_T_CPU] >= 15);
    size_t nb = (size_t)BYTES_WIDTH << RVAIR_BYTES_LOG;
    bb_t *want = malloc(nb * sizeof *want);
    memcpy(want, R_.tr.main[RVAIR_T_BYTES], nb * sizeof *want);
    int save = omp_get_max_threads();
    rk_err e = {0};
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        memset(R_.tr.main[RVAIR_T_BYTES], 0xab, nb * sizeof(bb_t));
        CHECK_EQ_U64(rvair_count_lookups(&R_.m, &R_.tr, R_.pre, &e), RK_OK);
        CHECK_MEM(R_.tr.main[RVAIR_T_BYTES], want, nb * sizeof *want);
    }
    CHECK_EQ_U64(check(&R_, &e), RK_OK);
    bb_t *cpu = R_.tr.main[RVAIR_T_CPU];
    cpu[(size_t)30000 * CPU_WIDTH + CPU_A] = bb_from_u32(300);
    cpu[(size_t)9000 * CPU_WIDTH + CPU_A] = bb_from_u32(300);
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        rk_err_clear(&e);
        CHECK_EQ_U64(rvair_count_lookups(&R_.m, &R_.tr, R_.pre, &e), RK_EINPUT);
        CHECK_STR_HAS(e.msg, "table cpu row 9000 ");
    }
    omp_set_num_threads(save);
    free(want);
    run_free(&R_);
}

/* The parallel replay (rows filled at finish, chunk by chunk from saved states) builds the
 * same traces as the serial one, for chunks of 1, 3, 64 and 1000 cycles, with hint rows,
 * commits and a halt inside; the lookup program of test_count_lookups_pieces (40k cycles) too. */
static void test_parallel_replay_same_traces(void)
{
    prog pm = {{0}, 0}, pl = {{0}, 0};
    prog_misc(&pm);
    li(&pl, 6, 20000);
    emit(&pl, A_ADDI(6, 6, -1));
    emit(&pl, BR(1, 6, 0, -4));
    ecall(&pl, RVAIR_SYS_HALT, 0, 0);
    const uint8_t hint[7] = {1, 2, 3, 4, 5, 6, 7};
    for (int which = 0; which < 2; which++) {
        const prog *p = which ? &pl : &pm;
        run ref, R_;
        g_chunk = 0;
        run_prog(&ref, p, 100000, hint, 7);
        const size_t chunks[] = {1, 3, 64, 1000, 8192};
        for (size_t c = 0; c < 5; c++) {
            if (which == 0 && chunks[c] > 1000)
                continue;
            g_chunk = chunks[c];
            run_prog(&R_, p, 100000, hint, 7);
            int same = 1;
            for (size_t t = 0; t < RVAIR_N_TABLES; t++) {
                same &= R_.tr.log_h[t] == ref.tr.log_h[t];
                if (same)
                    same &= !memcmp(R_.tr.main[t], ref.tr.main[t],
                                    (R_.m.tables[t]->main_width * sizeof(bb_t)) << ref.tr.log_h[t]);
            }
            same &= R_.tr.bnd.cycles == ref.tr.bnd.cycles && R_.tr.bnd.pc_post == ref.tr.bnd.pc_post &&
                    R_.tr.bnd.halted == ref.tr.bnd.halted;
            if (!same)
                printf("# program %d, chunk %zu: other traces\n", which, chunks[c]);
            CHECK(same);
            run_free(&R_);
        }
        g_chunk = 0;
        run_free(&ref);
    }
}

int main(void)
{
    RUN(test_p2_row);
    RUN(test_alu_all_ops);
    RUN(test_misc);
    RUN(test_stark_misc);
    RUN(test_stark_alu);
    RUN(test_stark_rejects_bad_trace);
    RUN(test_stark_rejects_hint_len_wrap);
    RUN(test_stark_rejects_misaligned_end);
    RUN(test_stark_rejects_pc_outside_text);
    RUN(test_stark_rejects_store_into_text);
    RUN(test_stark_rejects_hint_into_text);
    RUN(test_boundary_rejects_end_outside_text);
    RUN(test_stark_text_edges);
    RUN(test_count_lookups_pieces);
    RUN(test_parallel_replay_same_traces);
    return t_done();
}
