/* test_receipt.c - segment receipts end to end: a hand-assembled guest is
 * split into segments, each proven and verified; then the soundness tests:
 * a cheating prover (rcpt_prove_opts.tamper + skip_checks) tampers with the
 * traces in each way an attacker would, and every single-byte change of a
 * small receipt's claim and payload is rejected by the verifier itself. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "elf/elf.h"
#include "memstate/memstate.h"
#include "receipt/receipt.h"
#include "rvasm.h"
#include "segment/segment.h"
#include "test.h"

#define R(f7, f3, rd, rs1, rs2) enc_r((f7), (rs2), (rs1), (f3), (rd), 0x33)
#define I(f3, rd, rs1, imm) enc_i((imm), (rs1), (f3), (rd), 0x13)
#define LW(rd, rs1, imm) enc_i((imm), (rs1), 2, (rd), 0x03)
#define SW(rs2, rs1, imm) enc_s((imm), (rs2), (rs1), 2, 0x23)

static const fri_params SMALL = {1, 2, 1, 0, 1};
static char dir[64];
static segment segs[3];
static size_t n_segs;
static rk_file rc_first, rc_last;   /* honest receipts of segment 0 and the last one */

static int build_segments(void)
{
    uint32_t w[64];
    size_t n = 0;
    /* HINT_READ 5 bytes to [0xFFF8, 0x10000): below the code, as the stores below (the honest
     * side of "code is immutable": words written under text_lo) */
    asm_li(w + n, 10, 0xFFF8); n += 2;
    w[n++] = A_ADDI(11, 0, 5);
    w[n++] = A_ADDI(5, 0, RV_SYS_HINT_READ);
    w[n++] = A_ECALL;
    asm_li(w + n, 20, 0x10000); n += 2;
    w[n++] = A_ADDI(6, 0, 0);
    w[n++] = A_ADDI(7, 0, 300);
    w[n++] = A_ADDI(0, 0, 5);                 /* a write to x0, dropped */
    /* loop: */
    w[n++] = R(1, 0, 8, 6, 6);                /* mul  x8, x6, x6 */
    w[n++] = SW(8, 20, 0);                    /* sw   x8, 0(x20) */
    w[n++] = LW(9, 20, 0);                    /* lw   x9, 0(x20) */
    w[n++] = R(1, 5, 9, 9, 7);                /* divu x9, x9, x7 */
    w[n++] = A_ADDI(20, 20, 4);
    w[n++] = A_ADDI(6, 6, 1);
    w[n++] = enc_b(-24, 7, 6, 4);             /* blt x6, x7, loop */
    asm_li(w + n, 11, 0xABCD1234u); n += 2;
    w[n++] = A_ADDI(10, 0, 0);
    w[n++] = A_ADDI(5, 0, RV_SYS_COMMIT);
    w[n++] = A_ECALL;
    w[n++] = A_ADDI(10, 0, 0);
    w[n++] = A_ADDI(5, 0, RV_SYS_HALT);
    w[n++] = A_ECALL;
    rk_err e = {0};
    elf_image im;
    elf_image_init(&im);
    if (elf_image_from_words(&im, 0x00201000, w, n, &e))
        return printf("# %s\n", e.msg), -1;
    strcpy(dir, "/tmp/rk-rcpt-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    rv_stream in;
    rv_stream_init(&in);
    rv_stream_push_back(&in, "hint!", 5);
    split_opts o;
    memset(&o, 0, sizeof o);
    o.po2 = 10;
    o.out_dir = dir;
    o.only_segment = -1;
    o.program = "test";
    split_result r;
    split_result_init(&r);
    int rc = split_run(&im, &in, &o, &r, &e);
    if (rc)
        printf("# split: %s\n", e.msg);
    n_segs = r.n_segments;
    split_result_free(&r);
    rv_stream_free(&in);
    elf_image_free(&im);
    if (rc || n_segs != 3)
        return -1;
    for (size_t i = 0; i < n_segs; i++) {
        char path[128], name[32];
        seg_file_name(i, name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        seg_init(&segs[i]);
        if (seg_load(&segs[i], path, &e))
            return printf("# %s\n", e.msg), -1;
    }
    return 0;
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (dir[0] && system(cmd)) {
    }
    for (size_t i = 0; i < n_segs; i++)
        seg_free(&segs[i]);
    rk_file_free(&rc_first);
    rk_file_free(&rc_last);
}

static int verify_file(const rk_file *f, rk_err *e)
{
    receipt r;
    rcpt_init(&r);
    int rc = rcpt_decode(&r, f, "rcpt", e);
    if (!rc)
        rc = rcpt_verify(&r, 0, e);
    rcpt_free(&r);
    return rc;
}

static int prove(const segment *s, const rcpt_prove_opts *o, rk_file *f, rk_err *e)
{
    return rcpt_prove_segment(s, &SMALL, o, f, NULL, e);
}

static void test_honest(void)
{
    rk_err e = {0};
    CHECK(prove(&segs[0], NULL, &rc_first, &e) == RK_OK);
    CHECK(prove(&segs[n_segs - 1], NULL, &rc_last, &e) == RK_OK);
    int rc = verify_file(&rc_first, &e);
    if (rc)
        printf("# %s\n", e.msg);
    CHECK(rc == RK_OK);
    rc = verify_file(&rc_last, &e);
    if (rc)
        printf("# %s\n", e.msg);
    CHECK(rc == RK_OK);
    receipt r;
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &rc_last, "last", &e) == RK_OK);
    CHECK(r.claim.halted == 1 && r.claim.exit_code == 0);
    CHECK(r.claim.committed[0] == 0xABCD1234u);
    /* the boundary carries the program's executable range, the segment file's */
    CHECK(r.bnd.text_lo == 0x00201000u && r.bnd.text_lo == segs[n_segs - 1].text_lo);
    CHECK(r.bnd.text_hi > r.bnd.text_lo && r.bnd.text_hi == segs[n_segs - 1].text_hi);
    CHECK(ms_digest_eq(&r.claim.post_state, &segs[n_segs - 1].claim.post_state));
    rcpt_free(&r);
    /* the middle segment too, and the chain links */
    rk_file mid;
    rk_file_init(&mid);
    CHECK(prove(&segs[1], NULL, &mid, &e) == RK_OK);
    CHECK(verify_file(&mid, &e) == RK_OK);
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &mid, "mid", &e) == RK_OK);
    CHECK(ms_digest_eq(&r.claim.pre_state, &segs[0].claim.post_state));
    rcpt_free(&r);
    rk_file_free(&mid);
    /* a receipt of the previous layout (kind version 1: proofs without the key digest) is
     * refused with a message naming the version, not verified */
    rk_file old = rc_last;
    old.kind_version = 1;
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &old, "old", &e) == RK_EINPUT);
    CHECK_STR_HAS(e.msg, "old: receipt version 1 (this build reads 3)");
    rcpt_free(&r);
}

static void test_deterministic(void)
{
    rk_err e = {0};
    rk_file a, b;
    rk_file_init(&a);
    rk_file_init(&b);
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(prove(&segs[0], NULL, &a, &e) == RK_OK);
    omp_set_num_threads(2);
    CHECK(prove(&segs[0], NULL, &b, &e) == RK_OK);
    omp_set_num_threads(nt);
    CHECK(a.payload_len == b.payload_len && a.meta_len == b.meta_len);
    if (a.payload_len == b.payload_len)
        CHECK_MEM(a.payload, b.payload, a.payload_len);
    CHECK_MEM(a.meta, b.meta, a.meta_len);
    rk_file_free(&a);
    rk_file_free(&b);
}

/* ---- the cheating prover ---- */
typedef struct cheat {
    const char *name;
    int kind;
    int op;        /* the instruction class whose row is tampered with, or -1 */
    const char *want; /* the verifier's message that must reject it (a substring) */
} cheat;

enum { CH_RESULT, CH_BRANCH, CH_JUMP, CH_SKIP, CH_REPEAT, CH_LOAD, CH_X0, CH_PAGE, CH_EXIT, CH_PCPOST, CH_INDEX0,
       CH_TEXT_WIDER, CH_TEXT_ODD };

static bb_t *cpu_row(rvair_trace *tr, size_t i) { return tr->main[RVAIR_T_CPU] + i * CPU_WIDTH; }

static long find_row(rvair_trace *tr, int op, int nth)
{
    size_t n = (size_t)1 << tr->log_h[RVAIR_T_CPU];
    for (size_t i = 0; i < n; i++)
        if (bb_eq(cpu_row(tr, i)[CPU_FLAG(op)], bb_one()) && nth-- == 0)
            return (long)i;
    return -1;
}

static void bump(bb_t *x, uint32_t d) { *x = bb_from_u32((bb_to_u32(*x) + d) & 0xFF); }

static void tamper(rvair_trace *tr, void *vc)
{
    const cheat *c = vc;
    size_t n = (size_t)1 << tr->log_h[RVAIR_T_CPU];
    long k;
    switch (c->kind) {
    case CH_RESULT: /* a wrong result byte, carried into the register write */
        if ((k = find_row(tr, c->op, 1)) >= 0)
            bump(&cpu_row(tr, (size_t)k)[CPU_R], 1);
        break;
    case CH_BRANCH: /* the other direction, with the pc that goes with it */
        if ((k = find_row(tr, RV_BLT, 2)) >= 0) {
            bb_t *r = cpu_row(tr, (size_t)k);
            r[CPU_TAKEN] = bb_sub(bb_one(), r[CPU_TAKEN]);
            bump(&r[CPU_NPB], 4);
        }
        break;
    case CH_JUMP:
        if ((k = find_row(tr, RV_BLT, 0)) >= 0)
            bump(&cpu_row(tr, (size_t)k)[CPU_NPB], 8);
        break;
    case CH_SKIP: /* drop a row, later rows move up, the clock renumbered */
        if ((k = find_row(tr, RV_SW, 1)) >= 0) {
            for (size_t i = (size_t)k; i + 1 < n; i++)
                memcpy(cpu_row(tr, i), cpu_row(tr, i + 1), CPU_WIDTH * sizeof(bb_t));
            for (size_t i = 0; i < n; i++)
                cpu_row(tr, i)[CPU_CLK] = bb_from_u32((uint32_t)i + 1);
        }
        break;
    case CH_REPEAT:
        if ((k = find_row(tr, RV_SW, 1)) >= 0) {
            for (size_t i = n - 1; i > (size_t)k; i--)
                memcpy(cpu_row(tr, i), cpu_row(tr, i - 1), CPU_WIDTH * sizeof(bb_t));
            for (size_t i = 0; i < n; i++)
                cpu_row(tr, i)[CPU_CLK] = bb_from_u32((uint32_t)i + 1);
        }
        break;
    case CH_LOAD: /* the load returns a forged word: memory value and result agree */
        if ((k = find_row(tr, RV_LW, 1)) >= 0) {
            bump(&cpu_row(tr, (size_t)k)[CPU_MO], 1);
            bump(&cpu_row(tr, (size_t)k)[CPU_MN], 1);
            bump(&cpu_row(tr, (size_t)k)[CPU_R], 1);
        }
        break;
    case CH_X0: /* keep the value written to x0 */
        if ((k = find_row(tr, RV_ADDI, 2)) >= 0) {
            cpu_row(tr, (size_t)k)[CPU_RD0] = bb_zero();
            tr->bnd.cell_post[0] = 5;
        }
        break;
    case CH_PAGE: /* a page word that was not in memory */
        tr->main[RVAIR_T_PAGE][PAGE_WORDS] = bb_add(tr->main[RVAIR_T_PAGE][PAGE_WORDS], bb_one());
        tr->main[RVAIR_T_PAGE][PAGE_WORDS + 3] = bb_add(tr->main[RVAIR_T_PAGE][PAGE_WORDS + 3], bb_one());
        break;
    case CH_EXIT:
        tr->bnd.exit_code = 7;
        break;
    case CH_PCPOST:
        tr->bnd.pc_post += 4;
        break;
    case CH_TEXT_WIDER: /* a wider executable range than the image id's (room for a store into
                         * what the program's range holds): the range is in the pre-state */
        tr->bnd.text_hi += 4;
        break;
    case CH_TEXT_ODD: /* a range the AIR's limb comparisons do not cover */
        tr->bnd.text_lo += 2;
        break;
    case CH_INDEX0: /* a later segment labelled segment 0: a valid proof of a run that does not
                     * start from the program (the claim's index is only a label in the proof) */
        tr->bnd.index = 0;
        break;
    }
}

/* Rewrite a receipt's claim so that its digests agree with its (forged)
 * boundary: the attacker controls the claim too. */
static void reclaim(rk_file *f)
{
    rk_err e;
    receipt r;
    rcpt_init(&r);
    if (rcpt_decode(&r, f, "x", &e) == RK_OK) {
        p2_digest root;
        const rvair_boundary *b = &r.bnd;
        if (ms_multiproof_root(b->pages, b->leaf_post, b->n_pages, r.sib, r.n_sib, &root, &e) == RK_OK)
            ms_state_digest(&root, b->pc_post, b->text_lo, b->text_hi, b->cell_post, b->cell_post + 32, b->cell_post + 40,
                            &r.claim.post_state);
        rcpt_claim_encode(&r.claim, f->meta);
    }
    rcpt_free(&r);
}

static void run_cheat(const cheat *c, const segment *s)
{
    rk_err e = {0};
    rk_file f;
    rk_file_init(&f);
    rcpt_prove_opts o = {.tamper = tamper, .tamper_ctx = (void *)c, .skip_checks = 1};
    int rc = prove(s, &o, &f, &e);
    if (rc == RK_OK) {
        reclaim(&f);
        rc = verify_file(&f, &e);
        if (rc == RK_OK)
            printf("# cheat '%s' was accepted\n", c->name);
        else
            printf("# cheat '%s': %s\n", c->name, e.msg);
        CHECK(rc == RK_EFALSE);
        if (rc == RK_EFALSE && c->want)
            CHECK_STR_HAS(e.msg, c->want);
    } else {
        /* with its checks skipped the prover proves anything: a refusal here means the cheat
         * never reached the verifier, so the test would prove nothing */
        printf("# cheat '%s': the prover refused: %s\n", c->name, e.msg);
        CHECK(rc == RK_OK);
    }
    rk_file_free(&f);
}

#define LOGUP "stark: the LogUp cumulative sums do not add to zero"
#define CPU_CONSTRAINTS "stark: table cpu: constraints do not hold at zeta"
static void test_cheats(void)
{
    /* each names the check that must catch it: removing or weakening a check changes the message */
    static const cheat cheats[] = {
        {"wrong mul result", CH_RESULT, RV_MUL, LOGUP},
        {"wrong divu result", CH_RESULT, RV_DIVU, LOGUP},
        {"wrong addi result", CH_RESULT, RV_ADDI, LOGUP},
        {"wrong lw result", CH_RESULT, RV_LW, LOGUP},
        {"wrong branch direction", CH_BRANCH, -1, CPU_CONSTRAINTS},
        {"wrong jump target", CH_JUMP, -1, CPU_CONSTRAINTS},
        {"skipped instruction", CH_SKIP, -1, LOGUP},
        {"repeated instruction", CH_REPEAT, -1, LOGUP},
        {"forged load", CH_LOAD, -1, LOGUP},
        {"write to x0", CH_X0, -1, "x0 is not zero"},
        {"forged page", CH_PAGE, -1, LOGUP},
        {"forged post-state pc", CH_PCPOST, -1, LOGUP},
        {"wider executable range", CH_TEXT_WIDER, -1, "the boundary does not match the claimed pre-state"},
        {"misaligned executable range", CH_TEXT_ODD, -1, "executable range [0x00201002,"},
    };
    for (size_t i = 0; i < sizeof cheats / sizeof cheats[0]; i++)
        run_cheat(&cheats[i], &segs[0]);
    static const cheat last[] = {
        {"changed exit code", CH_EXIT, -1, LOGUP},
        {"wrong lw result (last)", CH_RESULT, RV_LW, LOGUP},
        /* the AIR forces a HALT row's next pc to 0 too: this names the verifier's own check */
        {"halted at a pc other than 0", CH_PCPOST, -1, "a halted segment must end at pc 0"},
    };
    for (size_t i = 0; i < sizeof last / sizeof last[0]; i++)
        run_cheat(&last[i], &segs[n_segs - 1]);
    /* only the image-id rule stands between this receipt and acceptance */
    static const cheat mid = {"segment 1 proven as segment 0", CH_INDEX0, -1,
                              "segment 0 does not start from the image id"};
    run_cheat(&mid, &segs[1]);
}

/* Double the CPU table with padding rows (REAL = 0, all zero but CLK, RD0 = POW = 1): a valid
 * trace of the same run, only taller than its cycle count needs. */
static void pad_cpu(rvair_trace *tr, void *ctx)
{
    (void)ctx;
    size_t n = (size_t)1 << tr->log_h[RVAIR_T_CPU];
    bb_t *t = realloc(tr->main[RVAIR_T_CPU], 2 * n * CPU_WIDTH * sizeof(bb_t));
    if (!t)
        return;
    memset(t + n * CPU_WIDTH, 0, n * CPU_WIDTH * sizeof(bb_t));
    for (size_t i = n; i < 2 * n; i++) {
        t[i * CPU_WIDTH + CPU_CLK] = bb_from_u32((uint32_t)i + 1);
        t[i * CPU_WIDTH + CPU_RD0] = bb_one();
        t[i * CPU_WIDTH + CPU_POW] = bb_one();
    }
    tr->main[RVAIR_T_CPU] = t;
    tr->log_h[RVAIR_T_CPU]++;
}

/* issue 14 item 4: a proof whose CPU table is taller than the claim's cycle count needs
 * (a prover's way to weaken the out-of-domain and LogUp terms) is refused by name. */
static void test_over_tall_table(void)
{
    rk_err e = {0};
    rk_file f;
    rk_file_init(&f);
    rcpt_prove_opts o = {.tamper = pad_cpu, .skip_checks = 1};
    CHECK(prove(&segs[0], &o, &f, &e) == RK_OK);
    int rc = verify_file(&f, &e);
    printf("# %s\n", rc ? e.msg : "accepted");
    CHECK(rc == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "table cpu has height 2^");
    CHECK_STR_HAS(e.msg, "cycles and");
    rk_file_free(&f);
}

/* A proof cut before its table heights (the receipt's own length fields made consistent: only
 * the proof is short) is refused by the height check by name, without reading past its end. */
static void test_short_proof(void)
{
    rk_err e = {0};
    rk_file f;
    rk_file_init(&f);
    CHECK(prove(&segs[0], NULL, &f, &e) == RK_OK);
    receipt r;
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &f, "rcpt", &e) == RK_OK);
    size_t keep[] = {0, 31, 32, 32 + 4 * RVAIR_N_TABLES - 1};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        r.proof_len = keep[i];
        int rc = rcpt_verify(&r, 0, &e);
        printf("# proof of %zu bytes: %s\n", keep[i], rc ? e.msg : "accepted");
        CHECK(rc == RK_EFALSE);
        CHECK_STR_HAS(e.msg, "proof too short for its table heights");
    }
    rcpt_free(&r);
    rk_file_free(&f);
}

/* claim-level attacks on honest receipts */
static void test_claims(void)
{
    rk_err e = {0};
    rk_file f;
    /* public-values digest changed (post-state recomputed to match) */
    rk_file_init(&f);
    CHECK(prove(&segs[n_segs - 1], NULL, &f, &e) == RK_OK);
    {
        receipt r;
        rcpt_init(&r);
        CHECK(rcpt_decode(&r, &f, "x", &e) == RK_OK);
        r.claim.committed[0] ^= 1;
        rcpt_claim_encode(&r.claim, f.meta);
        rcpt_free(&r);
        CHECK(verify_file(&f, &e) == RK_EFALSE);
        CHECK_STR_HAS(e.msg, "the claimed public-values digest is not the committed one");
    }
    /* exit code changed in the claim */
    {
        receipt r;
        rcpt_init(&r);
        CHECK(rcpt_decode(&r, &rc_last, "x", &e) == RK_OK);
        r.claim.exit_code = 1;
        rcpt_claim_encode(&r.claim, f.meta);
        memcpy(f.payload, rc_last.payload, f.payload_len < rc_last.payload_len ? f.payload_len : rc_last.payload_len);
        rcpt_free(&r);
        CHECK(verify_file(&f, &e) == RK_EFALSE);
        CHECK_STR_HAS(e.msg, LOGUP); /* the exit code is a public value of the HALT bus */
    }
    rk_file_free(&f);
    /* a claim swapped with another segment's */
    rk_file_init(&f);
    f.kind = RK_KIND_RECEIPT;
    f.kind_version = RCPT_KIND_VERSION;
    f.meta = rc_last.meta;
    f.meta_len = rc_last.meta_len;
    f.payload = rc_first.payload;
    f.payload_len = rc_first.payload_len;
    CHECK(verify_file(&f, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "the boundary does not match the claimed pre-state");
    /* segment 0 of this program presented under another image id (the image id is also a
     * label in the proof's public values: without the image-id rule the STARK rejects it) */
    uint8_t meta[RCPT_META_LEN];
    memcpy(meta, rc_first.meta, RCPT_META_LEN);
    meta[0] ^= 1;
    f.meta = meta;
    f.payload = rc_first.payload;
    CHECK(verify_file(&f, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "segment 0 does not start from the image id");
    /* ... even with the pre-state claimed to be that image id */
    memcpy(meta + 36, meta, 32);
    CHECK(verify_file(&f, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "the boundary does not match the claimed pre-state");
}

/* Every single-byte change of the claim, of the payload and of every proof byte is rejected by
 * the verifier itself (the container checksum is not involved: the file is decoded, changed and
 * verified in memory).  About 50 k verifications: a minute or two on 2 cores.  Under the
 * sanitizers (ten times slower) every 13th proof byte is flipped instead (each section of the
 * proof is still hit many times); RAIKO_FLIP_STRIDE=N overrides either. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define FLIP_STRIDE 13
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLIP_STRIDE 13
#endif
#endif
#ifndef FLIP_STRIDE
#define FLIP_STRIDE 1
#endif
static void test_every_byte(void)
{
    const rk_file *g = &rc_last;
    size_t total = g->meta_len + g->payload_len, accepted = 0, tried = 0;
    long first_bad = -1;
    size_t proof_at = 0, stride = FLIP_STRIDE;
    if (getenv("RAIKO_FLIP_STRIDE") && atoi(getenv("RAIKO_FLIP_STRIDE")) > 0)
        stride = (size_t)atoi(getenv("RAIKO_FLIP_STRIDE"));
    {
        rk_err e;
        receipt r;
        rcpt_init(&r);
        if (rcpt_decode(&r, g, "g", &e) == RK_OK)
            proof_at = g->meta_len + (size_t)(r.proof - g->payload);
        rcpt_free(&r);
    }
    CHECK(proof_at > g->meta_len);
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : accepted, tried)
    for (size_t i = 0; i < total; i++) {
        if (i >= proof_at && (i - proof_at) % stride)
            continue;
        tried++;
        rk_file f;
        rk_file_init(&f);
        f.kind = g->kind;
        f.kind_version = g->kind_version;
        f.meta_len = g->meta_len;
        f.payload_len = g->payload_len;
        f.meta = malloc(g->meta_len);
        f.payload = malloc(g->payload_len);
        memcpy(f.meta, g->meta, g->meta_len);
        memcpy(f.payload, g->payload, g->payload_len);
        uint8_t *p = i < g->meta_len ? f.meta + i : f.payload + (i - g->meta_len);
        *p ^= 0x01;
        rk_err e;
        if (verify_file(&f, &e) == RK_OK) {
            accepted++;
#pragma omp critical
            first_bad = (long)i;
        }
        rk_file_free(&f);
    }
    if (accepted)
        printf("# %zu of %zu single-byte changes accepted (e.g. byte %ld)\n", accepted, tried, first_bad);
    CHECK_EQ_U64(accepted, 0);
    printf("# %zu of %zu bytes flipped (proof from byte %zu, stride %zu)\n", tried, total, proof_at, stride);
}

/* one receipt at the default FRI parameters */
static void test_default_params(void)
{
    fri_params def;
    fri_params_default(&def);
    rk_err e = {0};
    rk_file f;
    rk_file_init(&f);
    CHECK(rcpt_prove_segment(&segs[n_segs - 1], &def, NULL, &f, NULL, &e) == RK_OK);
    receipt r;
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &f, "def", &e) == RK_OK);
    CHECK(rcpt_verify(&r, 100, &e) == RK_OK);
    rcpt_free(&r);
    /* and small parameters are refused by a verifier that asks for 100 bits */
    rcpt_init(&r);
    CHECK(rcpt_decode(&r, &rc_last, "small", &e) == RK_OK);
    CHECK(rcpt_verify(&r, 100, &e) == RK_EFALSE);
    CHECK_STR_HAS(e.msg, "below the 100 required");
    rcpt_free(&r);
    rk_file_free(&f);
}

int main(void)
{
    if (build_segments()) {
        printf("not ok 1 - build_segments\n1..1\n");
        cleanup();
        return 1;
    }
    RUN(test_honest);
    RUN(test_deterministic);
    RUN(test_cheats);
    RUN(test_over_tall_table);
    RUN(test_short_proof);
    RUN(test_claims);
    RUN(test_every_byte);
    RUN(test_default_params);
    cleanup();
    return t_done();
}
