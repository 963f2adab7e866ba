/* test_precompile.c - the executor's hash precompiles SHA_EXTEND,
 * SHA_COMPRESS and KECCAK_PERMUTE (lib/rv/precompile_hash.inc) against
 * independent oracles: FIPS 180-4's SHA-256("abc") and the SDK's portable
 * SHA-256 on random blocks, the Keccak-f[1600] known answers on the zero
 * state (XKCP's KeccakF-1600-IntermediateValues.txt) and the keccak example
 * guest's independent Keccak-f on random states; faults on bad pointers; the
 * fast loop and the reference stepper agree. */
#include "test.h"

#include <string.h>

#include "rv/rv.h"
#include "rvasm.h"
#include "../../guests/sdk/sha256.c"
#include "../../guests/examples/keccak/core.c"

#define BASE 0x00200800u
#define DATA 0x00300000u

typedef struct prog { uint32_t w[64]; size_t n; } prog;
static void p_w(prog *p, uint32_t w) { p->w[p->n++] = w; }
static void p_li(prog *p, uint32_t rd, uint32_t v) { asm_li(p->w + p->n, rd, v); p->n += 2; }

static rv_machine M, S;
static rk_err E, ES;
static int RC, RCS;

/* ecall(code, a0, a1) then HALT; memory at DATA preset to init[0..n) in both
 * machines; runs the fast loop (M) and the stepper (S) and compares. */
static void run_pre(uint32_t code, uint32_t a0, uint32_t a1, const uint32_t *init, size_t n)
{
    prog p = {.n = 0};
    p_li(&p, 10, a0);
    p_li(&p, 11, a1);
    p_li(&p, 5, code);
    p_w(&p, A_ECALL);
    p_w(&p, A_ADDI(5, 0, 0));
    p_w(&p, A_ECALL);
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    CHECK(elf_image_from_words(&im, BASE, p.w, p.n, &e) == RK_OK);
    rv_machine_free(&M);
    rv_machine_free(&S);
    CHECK(rv_machine_init(&M, &im, &e) == RK_OK);
    CHECK(rv_machine_init(&S, &im, &e) == RK_OK);
    for (size_t i = 0; i < n; i++) {
        rv_store32(&M, DATA + 4 * (uint32_t)i, init[i]);
        rv_store32(&S, DATA + 4 * (uint32_t)i, init[i]);
    }
    rk_err_clear(&E);
    rk_err_clear(&ES);
    RC = rv_run(&M, 1000, &E);
    RCS = RK_OK;
    for (int k = 0; k < 1000 && !S.halted && RCS == RK_OK; k++)
        RCS = rv_step(&S, NULL, &ES);
    CHECK_EQ_U64(RC, RCS);
    CHECK_EQ_U64(M.halted, S.halted);
    CHECK_MEM(M.x, S.x, 32 * 4);
    CHECK_MEM(M.mem + DATA, S.mem + DATA, 4 * 128);
    if (RC == RK_EFALSE)
        CHECK(strcmp(E.msg, ES.msg) == 0);
    elf_image_free(&im);
}

static uint64_t rnd_s = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rnd_s ^= rnd_s << 13;
    rnd_s ^= rnd_s >> 7;
    rnd_s ^= rnd_s << 17;
    return (uint32_t)(rnd_s >> 16);
}

/* SHA_EXTEND then SHA_COMPRESS on one block, as SP1's sha2 patch calls them:
 * w[64] at DATA, h[8] at DATA + 256 (+ gap). */
static void sha_block_pre(uint32_t h[8], const uint8_t blk[64], uint32_t hoff)
{
    uint32_t mem[64 + 64];
    memset(mem, 0, sizeof mem);
    for (int i = 0; i < 16; i++)
        mem[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 | (uint32_t)blk[4 * i + 2] << 8 |
                 blk[4 * i + 3];
    run_pre(0x00300105, DATA, 0, mem, 64);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(M.x[5], 0); /* t0 = HALT's code: the precompile left t0 as it was */
    uint32_t w[64];
    for (int i = 0; i < 64; i++)
        w[i] = rv_load32(&M, DATA + 4 * (uint32_t)i);
    for (int i = 0; i < 64; i++)
        mem[i] = w[i];
    for (int i = 0; i < 8; i++)
        mem[hoff / 4 + (uint32_t)i] = h[i];
    run_pre(0x00010106, DATA, DATA + hoff, mem, 128);
    CHECK(RC == RK_OK && M.halted);
    for (int i = 0; i < 8; i++)
        h[i] = rv_load32(&M, DATA + hoff + 4 * (uint32_t)i);
    /* w is read, never written */
    for (int i = 0; i < 64; i++)
        CHECK_EQ_U64(rv_load32(&M, DATA + 4 * (uint32_t)i), w[i]);
}

static void t_sha256_abc(void)
{
    /* FIPS 180-4 example: SHA-256("abc") = ba7816bf 8f01cfea ... */
    uint8_t blk[64] = {'a', 'b', 'c', 0x80};
    blk[63] = 24;
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    sha_block_pre(h, blk, 256);
    static const uint32_t want[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                     0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
    CHECK_MEM(h, want, sizeof want);
}

static void t_sha256_random(void)
{
    /* random blocks and states: the precompiles equal the SDK's block() */
    for (int it = 0; it < 20; it++) {
        uint8_t blk[64];
        uint32_t h[8], ref[8];
        for (int i = 0; i < 64; i++)
            blk[i] = (uint8_t)rnd();
        for (int i = 0; i < 8; i++)
            ref[i] = h[i] = it == 0 ? 0xFFFFFFFFu : it == 1 ? 0 : rnd();
        if (it == 0)
            memset(blk, 0xFF, sizeof blk);
        block(ref, blk);
        sha_block_pre(h, blk, it & 1 ? 256 : 256 + 4 * (uint32_t)(it % 16));
        CHECK_MEM(h, ref, sizeof ref);
    }
}

static void t_keccak_zero_state(void)
{
    /* Keccak-f[1600] on the zero state, then again (XKCP known answers) */
    uint32_t st[50] = {0};
    run_pre(0x00010109, DATA, 0, st, 50);
    CHECK(RC == RK_OK && M.halted);
    CHECK_EQ_U64(rv_load32(&M, DATA), 0x40E1DDE7u);
    CHECK_EQ_U64(rv_load32(&M, DATA + 4), 0xF1258F79u);
    CHECK_EQ_U64((uint64_t)rv_load32(&M, DATA + 8 * 24 + 4) << 32 | rv_load32(&M, DATA + 8 * 24),
                 0xEAF1FF7B5CECA249ull);
    for (int i = 0; i < 50; i++)
        st[i] = rv_load32(&M, DATA + 4 * (uint32_t)i);
    run_pre(0x00010109, DATA, 0, st, 50);
    CHECK_EQ_U64((uint64_t)rv_load32(&M, DATA + 4) << 32 | rv_load32(&M, DATA), 0x2D5C954DF96ECB3Cull);
    CHECK_EQ_U64((uint64_t)rv_load32(&M, DATA + 8 * 24 + 4) << 32 | rv_load32(&M, DATA + 8 * 24),
                 0x20D06CD26A8FBF5Cull);
}

static void t_keccak_random(void)
{
    for (int it = 0; it < 20; it++) {
        uint32_t st[50];
        uint64_t a[25];
        for (int i = 0; i < 50; i++)
            st[i] = it == 0 ? 0xFFFFFFFFu : rnd();
        for (int i = 0; i < 25; i++)
            a[i] = (uint64_t)st[2 * i + 1] << 32 | st[2 * i];
        keccak_f1600(a); /* the keccak example guest's own Keccak-f, written separately */
        run_pre(0x00010109, DATA, 0, st, 50);
        CHECK(RC == RK_OK && M.halted);
        for (int i = 0; i < 25; i++)
            CHECK_EQ_U64((uint64_t)rv_load32(&M, DATA + 8 * (uint32_t)i + 4) << 32 |
                             rv_load32(&M, DATA + 8 * (uint32_t)i),
                         a[i]);
    }
}

static void t_faults(void)
{
    uint32_t z[128] = {0};
    run_pre(0x00300105, DATA + 2, 0, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "SHA_EXTEND: unaligned pointer 0x00300002");
    run_pre(0x00300105, DATA, 4, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "SHA_EXTEND: a1 = 0x00000004 (must be 0)");
    run_pre(0x00300105, 0x77FFFF04u, 0, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "outside guest memory");
    run_pre(0x00010106, DATA, DATA + 0x101, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "SHA_COMPRESS h: unaligned pointer 0x00300101");
    run_pre(0x00010106, DATA, 16, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "outside guest memory");
    /* h overlapping w at either end */
    run_pre(0x00010106, DATA, DATA + 0xFC, z, 128);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "SHA_COMPRESS: w 0x00300000 and h 0x003000fc overlap");
    run_pre(0x00010106, DATA + 0x20, DATA + 4, z, 128);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "overlap");
    /* h right after w, or right before: fine */
    run_pre(0x00010106, DATA, DATA + 0x100, z, 128);
    CHECK_EQ_U64(RC, RK_OK);
    run_pre(0x00010106, DATA + 0x20, DATA, z, 128);
    CHECK_EQ_U64(RC, RK_OK);
    run_pre(0x00010109, DATA + 4, 0, z, 0);
    CHECK_EQ_U64(RC, RK_OK); /* lanes need only word alignment (SP1) */
    run_pre(0x00010109, DATA + 1, 0, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "KECCAK_PERMUTE: unaligned pointer 0x00300001");
    run_pre(0x00010109, DATA, 1, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "KECCAK_PERMUTE: a1 = 0x00000001 (must be 0)");
    run_pre(0x00010109, 0x78000000u - 196, 0, z, 0);
    CHECK_EQ_U64(RC, RK_EFALSE);
    CHECK_STR_HAS(E.msg, "outside guest memory");
    run_pre(0x00010109, 0x78000000u - 200, 0, z, 0);
    CHECK_EQ_U64(RC, RK_OK);
}

int main(void)
{
    RUN(t_sha256_abc);
    RUN(t_sha256_random);
    RUN(t_keccak_zero_state);
    RUN(t_keccak_random);
    RUN(t_faults);
    rv_machine_free(&M);
    rv_machine_free(&S);
    return t_done();
}
