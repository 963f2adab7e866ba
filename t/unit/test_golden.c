/* test_golden.c - golden hashes of proof bytes: small deterministic machines (and a small
 * RV32IM segment) are proven and the XXH3-64 and length of every proof and verifying key
 * are compared with the pins in t/data/golden/proofs.txt.  Any change of a proof byte
 * then fails here, so it is always on purpose (and documented).
 *
 * Regenerate the pins after an intended change (docs/stark.md, "Golden proofs"):
 *     make -j2 CUDA=0 units && RAIKO_GOLDEN_UPDATE=1 scripts/run-tests test_golden
 * which rewrites t/data/golden/proofs.txt (commit it with the change that explains it). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "air_examples.h"
#include "rvair/rvair.h"
#include "rv/rv.h"
#include "stark/stark.h"
#include "rvasm.h"
#include "test.h"

#define PINS "t/data/golden/proofs.txt"
#define MAX_PINS 32

typedef struct pin {
    char name[48];
    uint64_t len, hash;
} pin;

static pin g_pins[MAX_PINS], g_got[MAX_PINS];
static size_t g_n_pins, g_n_got;
static int g_update;

static void pins_path(char *out, size_t cap)
{
    const char *top = getenv("RAIKO_TOP");
    snprintf(out, cap, "%s/%s", top ? top : ".", PINS);
}

static void load_pins(void)
{
    char path[512];
    pins_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[256];
    while (g_n_pins < MAX_PINS && fgets(line, sizeof line, f)) {
        pin *p = &g_pins[g_n_pins];
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%47s %" SCNu64 " %" SCNx64, p->name, &p->len, &p->hash) == 3)
            g_n_pins++;
    }
    fclose(f);
}

static void save_pins(void)
{
    char path[512], tmp[520];
    pins_path(path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        printf("# cannot write %s\n", tmp);
        t_case_failed = 1;
        return;
    }
    fprintf(f, "# name length xxh3-64 of the bytes (t/unit/test_golden.c; regenerate:\n"
               "#   RAIKO_GOLDEN_UPDATE=1 scripts/run-tests test_golden)\n");
    for (size_t i = 0; i < g_n_got; i++)
        fprintf(f, "%s %" PRIu64 " %016" PRIx64 "\n", g_got[i].name, g_got[i].len, g_got[i].hash);
    if (fclose(f) || rename(tmp, path)) {
        printf("# cannot write %s\n", path);
        t_case_failed = 1;
    }
}

/* Compare bytes with the pin `name` (or record them when regenerating). */
static void golden(const char *name, const uint8_t *p, size_t len)
{
    uint64_t h = XXH3_64bits(p, len);
    if (g_n_got < MAX_PINS) {
        pin *g = &g_got[g_n_got++];
        snprintf(g->name, sizeof g->name, "%s", name);
        g->len = len;
        g->hash = h;
    }
    if (g_update)
        return;
    for (size_t i = 0; i < g_n_pins; i++)
        if (!strcmp(g_pins[i].name, name)) {
            if (g_pins[i].len != len || g_pins[i].hash != h) {
                printf("# golden %s: %zu bytes, xxh3 %016" PRIx64 "; pinned %" PRIu64 " bytes, %016" PRIx64
                       " (if intended: RAIKO_GOLDEN_UPDATE=1 scripts/run-tests test_golden)\n",
                       name, len, h, g_pins[i].len, g_pins[i].hash);
                t_case_failed = 1;
            }
            return;
        }
    printf("# golden %s: no pin in %s\n", name, PINS);
    t_case_failed = 1;
}

static const fri_params SMALL = {1, 4, 2, 0, 1};

/* keygen, prove, verify; pins the vk and the proof. */
static void prove_pin(const char *name, const air_machine *m, const fri_params *fp, unsigned log_arity,
                      const bb_t *const *pre, const unsigned *pre_lh, const bb_t *const *traces,
                      const unsigned *lh, const bb_t *publics)
{
    stark_pk pk;
    stark_pk_init(&pk);
    rk_err e = {0};
    rk_buf proof, vk;
    rk_buf_init(&proof);
    rk_buf_init(&vk);
    int rc = stark_keygen_ex(m, fp, log_arity, pre, pre_lh, &pk, &e);
    if (!rc)
        rc = stark_vk_encode(&pk.vk, &vk, &e);
    if (!rc)
        rc = stark_prove(&pk, traces, lh, publics, NULL, &proof, &e);
    if (!rc)
        rc = stark_verify(m, &pk.vk, publics, proof.data, proof.len, &e);
    if (rc)
        printf("# %s: %s\n", name, e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    if (!rc) {
        char n2[48];
        snprintf(n2, sizeof n2, "%s.vk", name);
        golden(n2, vk.data, vk.len);
        snprintf(n2, sizeof n2, "%s.proof", name);
        golden(n2, proof.data, proof.len);
    }
    rk_buf_free(&proof);
    rk_buf_free(&vk);
    stark_pk_free(&pk);
}

static void golden_fib(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(5, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {5};
    prove_pin("fib5", &m, &SMALL, 1, NULL, NULL, trs, lh, pub);
    free(tr);
    air_machine_free(&m);
}

/* two tables linked by LogUp, FRI folding by 4 */
static void golden_mul_arity4(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_mul_machine(&m, &e), RK_OK);
    bb_t *ops, *chip;
    ex_mul_traces(6, 4, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {6, 4};
    prove_pin("mul6x4.arity4", &m, &SMALL, 2, NULL, NULL, trs, lh, NULL);
    free(ops);
    free(chip);
    air_machine_free(&m);
}

/* a preprocessed table, log_blowup 2, a final polynomial of 2 coefficients */
static void golden_range_pre(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_range_machine(&m, &e), RK_OK);
    bb_t *vals, *range, *mult;
    ex_range_traces(6, 4, 7, &vals, &mult, &range);
    const bb_t *pre[2] = {NULL, range};
    unsigned pre_lh[2] = {0, 4};
    const bb_t *trs[2] = {vals, mult};
    unsigned lh[2] = {6, 4};
    const fri_params fp = {2, 3, 1, 1, 1};
    prove_pin("range6.pre", &m, &fp, 1, pre, pre_lh, trs, lh, NULL);
    free(vals);
    free(range);
    free(mult);
    air_machine_free(&m);
}

/* ---- a small RV32IM segment ---- */
#define CODE 0x1000u
#define DATA 0x2000u

static void golden_rv_segment(void)
{
    uint32_t w[64];
    size_t n = 0;
    asm_li(w + n, 5, 0x12345678u), n += 2;
    asm_li(w + n, 6, 0x9ABCDEF1u), n += 2;
    w[n++] = enc_r(0, 6, 5, 0, 7, 0x33);      /* add x7, x5, x6 */
    w[n++] = enc_r(1, 6, 5, 0, 8, 0x33);      /* mul x8, x5, x6 */
    w[n++] = enc_r(1, 6, 5, 4, 9, 0x33);      /* div x9, x5, x6 */
    asm_li(w + n, 10, DATA), n += 2;
    w[n++] = enc_s(4, 8, 10, 2, 0x23);        /* sw x8, 4(x10) */
    w[n++] = enc_i(4, 10, 2, 11, 0x03);       /* lw x11, 4(x10) */
    w[n++] = enc_b(8, 0, 11, 1);              /* bne x11, x0, +8 */
    w[n++] = 0;
    asm_li(w + n, 5, RV_SYS_COMMIT), n += 2;
    asm_li(w + n, 10, 2), n += 2;
    asm_li(w + n, 11, 0xC0FFEEu), n += 2;
    w[n++] = A_ECALL;
    asm_li(w + n, 5, RV_SYS_HALT), n += 2;
    asm_li(w + n, 10, 0), n += 2;
    w[n++] = A_ECALL;

    rk_err e = {0};
    rv_machine vm;
    CHECK_EQ_U64(rv_machine_init_empty(&vm, &e), RK_OK);
    for (size_t i = 0; i < n; i++)
        rv_store32(&vm, CODE + 4 * (uint32_t)i, w[i]);
    for (uint32_t i = 0; i < 256; i++)
        rv_store32(&vm, DATA + 4 * i, 0x01020304u * (i + 1));
    vm.pc = CODE;
    vm.text_lo = CODE;
    vm.text_hi = CODE + 4 * (uint32_t)n;
    uint32_t pages[4] = {CODE >> 10, (CODE >> 10) + 1, DATA >> 10, (DATA >> 10) + 1};
    uint8_t *data = malloc(4 * 1024);
    for (int i = 0; i < 4; i++)
        memcpy(data + 1024 * i, vm.mem + (size_t)pages[i] * 1024, 1024);
    uint32_t zero[32] = {0}, z8[8] = {0};
    rvair_builder *b = NULL;
    CHECK_EQ_U64(rvair_builder_new(&b, CODE, vm.text_lo, vm.text_hi, zero, z8, z8, pages, 4, data, &e), RK_OK);
    int rc = RK_OK;
    for (int s = 0; s < 1000 && !vm.halted && !rc; s++) {
        rv_step_rec rec;
        rc = rv_step(&vm, &rec, &e);
        if (!rc)
            rc = rvair_builder_step(b, &rec, NULL, &e);
    }
    CHECK(vm.halted);
    air_machine m;
    rvair_trace tr;
    memset(&tr, 0, sizeof tr);
    if (!rc)
        rc = rvair_machine_build(&m, 4, &e);
    if (!rc)
        rc = rvair_builder_finish(b, &m, &tr, &e);
    bb_t *pre = rvair_bytes_preprocessed(), *pub = NULL;
    if (!rc)
        rc = rvair_publics(&tr.bnd, &pub, &e);
    if (rc)
        printf("# segment: %s\n", e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    if (!rc) {
        const bb_t *pres[RVAIR_N_TABLES] = {0}, *trs[RVAIR_N_TABLES];
        unsigned plh[RVAIR_N_TABLES] = {0};
        pres[RVAIR_T_BYTES] = pre;
        plh[RVAIR_T_BYTES] = RVAIR_BYTES_LOG;
        for (int i = 0; i < RVAIR_N_TABLES; i++)
            trs[i] = tr.main[i];
        prove_pin("rv32im.segment", &m, &SMALL, 1, pres, plh, trs, tr.log_h, pub);
        air_machine_free(&m);
    }
    rvair_trace_free(&tr);
    free(pub);
    free(pre);
    free(data);
    rv_machine_free(&vm);
}

int main(void)
{
    g_update = getenv("RAIKO_GOLDEN_UPDATE") && strcmp(getenv("RAIKO_GOLDEN_UPDATE"), "0");
    load_pins();
    RUN(golden_fib);
    RUN(golden_mul_arity4);
    RUN(golden_range_pre);
    RUN(golden_rv_segment);
    if (g_update) {
        t_case_failed = 0;
        save_pins();
        printf("# wrote %zu pins to %s\n", g_n_got, PINS);
    }
    return t_done();
}
