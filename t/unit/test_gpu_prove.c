/* test_gpu_prove.c - whole proofs with the GPU backend are byte-identical to CPU proofs.
 *
 * The libraries dispatch their big calls (lib/ntt, lib/merkle, lib/fri) to lib/gpu when
 * the backend is the GPU (lib/backend).  Here the size threshold is 0, so every call of a
 * small proof goes through the GPU code: on a device when there is one, else through the
 * host emulation of the very same kernel bodies (gpu_set_emulation).  Each case proves the
 * same statement with the backend set to "cpu" and to "gpu" and compares the bytes.
 * Also: the threshold keeps small calls on the CPU, a GPU failure under "auto" falls back
 * to the CPU with the same bytes and under "gpu" fails with the GPU's reason, and the
 * selection errors.  Built without CUDA, everything SKIPs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "air_examples.h"
#include "backend/backend.h"
#include "common/buf.h"
#include "elf/elf.h"
#include "gpu/gpu.h"
#include "merkle/merkle.h"
#include "receipt/receipt.h"
#include "rvasm.h"
#include "segment/segment.h"
#include "stark/stark.h"

static const fri_params SMALL = {1, 2, 1, 0, 1};
static int g_device; /* a real device (else the emulation) */
static unsigned long long g_pcie_resident, g_pcie_copying; /* PCIe bytes of same_bytes' last proofs */

/* Select a backend; the test cannot go on if that fails. */
static int use(const char *dev)
{
    rk_err e;
    rk_err_clear(&e);
    int rc = rk_backend_select(dev, &e);
    if (rc)
        printf("# select %s: %s\n", dev, e.msg);
    return rc;
}

/* keygen + prove on the backend `dev`: the vk encoding and the proof bytes. */
static int prove_on(const char *dev, const air_machine *m, unsigned log_arity, const bb_t *const *pre,
                    const unsigned *pre_lh, const bb_t *const *traces, const unsigned *lh,
                    const bb_t *publics, rk_buf *vk_out, rk_buf *proof, rk_err *e)
{
    if (use(dev))
        return RK_EINTERNAL;
    stark_pk pk;
    stark_pk_init(&pk);
    int rc = stark_keygen_ex(m, &SMALL, log_arity, pre, pre_lh, &pk, e);
    if (!rc)
        rc = stark_vk_encode(&pk.vk, vk_out, e);
    if (!rc)
        rc = stark_prove(&pk, traces, lh, publics, NULL, proof, e);
    if (!rc)
        rc = stark_verify(m, &pk.vk, publics, proof->data, proof->len, e);
    stark_pk_free(&pk);
    return rc;
}

/* Prove with cpu and gpu; both must succeed, verify and be byte-identical, and the GPU
 * run must really have used the device (peak allocation above what was live before). */
static void same_bytes(const air_machine *m, unsigned log_arity, const bb_t *const *pre,
                       const unsigned *pre_lh, const bb_t *const *traces, const unsigned *lh,
                       const bb_t *publics)
{
    rk_buf vc, pc, vg, pg;
    rk_buf_init(&vc);
    rk_buf_init(&pc);
    rk_buf_init(&vg);
    rk_buf_init(&pg);
    rk_err e;
    rk_err_clear(&e);
    rk_backend_stats st;
    rk_backend_reset_stats();
    int rc = prove_on("cpu", m, log_arity, pre, pre_lh, traces, lh, publics, &vc, &pc, &e);
    if (rc)
        printf("# cpu: %s\n", e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    rk_backend_get_stats(&st);
    CHECK_EQ_U64(st.calls, 0);
    /* resident (the LDEs stay on the device), then every call copying its own data */
    unsigned long long pcie[2] = {0, 0};
    for (int resident = 1; resident >= 0; resident--) {
        rk_backend_set_resident(resident);
        rk_backend_reset_stats();
        gpu_shutdown(); /* the twiddle cache: so that what the proof leaves can be seen */
        size_t live = gpu_mem_current();
        gpu_mem_reset_peak();
        rk_buf_free(&vg);
        rk_buf_free(&pg);
        rc = prove_on("gpu", m, log_arity, pre, pre_lh, traces, lh, publics, &vg, &pg, &e);
        if (rc)
            printf("# gpu (resident %d): %s\n", resident, e.msg);
        CHECK_EQ_U64(rc, RK_OK);
        CHECK(rk_backend_is_gpu());
        CHECK(gpu_mem_peak() > live);
        gpu_shutdown();
        CHECK_EQ_U64(gpu_mem_current(), live); /* every device buffer of the proof freed */
        rk_backend_get_stats(&st);
        /* at least: the trace LDE and the main, quotient and first FRI trees, and a fold */
        CHECK(st.calls >= 5);
        CHECK(st.pcie_bytes > 0);
        CHECK(st.seconds > 0);
        pcie[resident] = st.pcie_bytes;
        CHECK(rk_backend_gpu_error() == NULL);
        CHECK_EQ_U64(vg.len, vc.len);
        CHECK_EQ_U64(pg.len, pc.len);
        if (vg.len == vc.len)
            CHECK_MEM(vg.data, vc.data, vc.len);
        if (pg.len == pc.len)
            CHECK_MEM(pg.data, pc.data, pc.len);
    }
    rk_backend_set_resident(-1);
    g_pcie_resident = pcie[1];
    g_pcie_copying = pcie[0];
    CHECK(pc.len > 1000);
    rk_buf_free(&vc);
    rk_buf_free(&pc);
    rk_buf_free(&vg);
    rk_buf_free(&pg);
    use("cpu");
}

static void test_fib(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(6, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {6};
    same_bytes(&m, 1, NULL, NULL, trs, lh, pub);
    free(tr);
    air_machine_free(&m);
}

/* preprocessed columns (keygen's LDE and commit on the GPU) and a LogUp bus */
static void test_range_preprocessed(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_range_machine(&m, &e), RK_OK);
    bb_t *vals, *mult, *pre;
    ex_range_traces(7, 5, 3, &vals, &mult, &pre);
    const bb_t *trs[2] = {vals, mult}, *pres[2] = {NULL, pre};
    unsigned lh[2] = {7, 5}, plh[2] = {0, 5};
    same_bytes(&m, 1, pres, plh, trs, lh, NULL);
    free(vals);
    free(mult);
    free(pre);
    air_machine_free(&m);
}

/* two heights: mixed-height Merkle trees, FRI with the shorter codeword rolled in,
 * folding arity 4 (several folds per committed round) */
static void test_two_heights_arity4(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_mul_machine(&m, &e), RK_OK);
    bb_t *ops, *chip;
    ex_mul_traces(8, 5, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {8, 5};
    same_bytes(&m, 2, NULL, NULL, trs, lh, NULL);
    free(ops);
    free(chip);
    air_machine_free(&m);
}

/* A wrong trace gets the CPU's error on the GPU too: the GPU backend skips the row-by-row
 * check before the proof and checks the openings' out-of-domain equation instead; when that
 * fails, the rows are checked to name the constraint and the row. */
static void test_bad_trace_named(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_mul_machine(&m, &e), RK_OK);
    bb_t *ops, *chip;
    ex_mul_traces(6, 4, &ops, &chip);
    const bb_t *trs[2] = {ops, chip};
    unsigned lh[2] = {6, 4};
    /* a wrong product in the chip, used consistently by ops: the lookups balance, the
     * chip's own constraint z = x*y fails at row 1 */
    chip[4 * 1 + 2] = bb_add(chip[4 * 1 + 2], bb_one());
    for (size_t i = 0; i < 32; i++)
        if (i % 16 == 1)
            ops[4 * i + 2] = chip[4 * 1 + 2];
    const char *devs[3] = {"cpu", "gpu", "gpu"};
    for (int k = 0; k < 3; k++) {
        rk_backend_set_resident(k == 1);
        rk_buf vk, pr;
        rk_buf_init(&vk);
        rk_buf_init(&pr);
        rk_err_clear(&e);
        int rc = prove_on(devs[k], &m, 1, NULL, NULL, trs, lh, NULL, &vk, &pr, &e);
        CHECK_EQ_U64(rc, RK_EINPUT);
        CHECK_STR_HAS(e.msg, "table mulchip: constraint 0 (z = x*y) fails at row 1");
        rk_buf_free(&vk);
        rk_buf_free(&pr);
    }
    rk_backend_set_resident(-1);
    use("cpu");
    free(ops);
    free(chip);
    air_machine_free(&m);
}

/* 19 columns: the NTT's wide-row paths (8-column vectors plus a remainder) */
static void test_wide(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_wide_machine(&m, 19, &e), RK_OK);
    bb_t *tr = ex_wide_trace(7, 19);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {7};
    same_bytes(&m, 1, NULL, NULL, trs, lh, NULL);
    /* resident proving copies less (the LDE does not go up again for its tree, the quotient
     * and FRI; FRI's row sums come down instead: 16 bytes a row against 76 up) */
    CHECK(g_pcie_resident < g_pcie_copying);
    free(tr);
    air_machine_free(&m);
}

/* ---- a segment receipt (the RV32IM machine) ---- */

static char g_dir[64];

/* One segment of a small hand-assembled guest (a multiply/divide/memory loop). */
static int build_segment(segment *s)
{
    uint32_t w[32];
    size_t n = 0;
    w[n++] = A_LUI(20, 0x10000);
    w[n++] = A_ADDI(6, 0, 0);
    w[n++] = A_ADDI(7, 0, 40);
    w[n++] = enc_r(1, 6, 6, 0, 8, 0x33);          /* loop: mul x8, x6, x6 */
    w[n++] = enc_s(0, 8, 20, 2, 0x23);            /* sw x8, 0(x20) */
    w[n++] = enc_i(0, 20, 2, 9, 0x03);            /* lw x9, 0(x20) */
    w[n++] = enc_r(1, 7, 9, 5, 9, 0x33);          /* divu x9, x9, x7 */
    w[n++] = A_ADDI(20, 20, 4);
    w[n++] = A_ADDI(6, 6, 1);
    w[n++] = enc_b(-24, 7, 6, 4);                 /* blt x6, x7, loop */
    w[n++] = A_ADDI(10, 0, 0);
    w[n++] = A_ADDI(5, 0, RV_SYS_HALT);
    w[n++] = A_ECALL;
    rk_err e;
    rk_err_clear(&e);
    elf_image im;
    elf_image_init(&im);
    if (elf_image_from_words(&im, 0x00201000, w, n, &e))
        return printf("# %s\n", e.msg), -1;
    strcpy(g_dir, "/tmp/rk-gpuprove-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    rv_stream in;
    rv_stream_init(&in);
    split_opts o;
    memset(&o, 0, sizeof o);
    o.po2 = 10;
    o.out_dir = g_dir;
    o.only_segment = 0;
    o.program = "test";
    split_result r;
    split_result_init(&r);
    int rc = split_run(&im, &in, &o, &r, &e);
    if (rc)
        printf("# split: %s\n", e.msg);
    split_result_free(&r);
    rv_stream_free(&in);
    elf_image_free(&im);
    char path[128], name[32];
    seg_file_name(0, name);
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    if (!rc && (rc = seg_load(s, path, &e)))
        printf("# %s\n", e.msg);
    unlink(path);
    rmdir(g_dir);
    return rc ? -1 : 0;
}

static int prove_segment_on(const char *dev, const segment *s, rk_file *f, rk_err *e)
{
    if (use(dev))
        return RK_EINTERNAL;
    return rcpt_prove_segment(s, &SMALL, NULL, f, NULL, e);
}

static void test_segment_receipt(void)
{
    segment s;
    seg_init(&s);
    if (build_segment(&s) != 0) {
        CHECK(0);
        seg_free(&s);
        return;
    }
    rk_file fc, fg;
    rk_file_init(&fc);
    rk_file_init(&fg);
    rk_err e;
    rk_err_clear(&e);
    int rc = prove_segment_on("cpu", &s, &fc, &e);
    if (rc)
        printf("# cpu: %s\n", e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    size_t live = gpu_mem_current();
    gpu_mem_reset_peak();
    gpu_set_stage_bytes(12288);
    rc = prove_segment_on("gpu", &s, &fg, &e);
    gpu_set_stage_bytes(4096);
    if (rc)
        printf("# gpu: %s\n", e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    CHECK(gpu_mem_peak() > live);
    CHECK_EQ_U64(fg.payload_len, fc.payload_len);
    CHECK_EQ_U64(fg.meta_len, fc.meta_len);
    if (fg.payload_len == fc.payload_len)
        CHECK_MEM(fg.payload, fc.payload, fc.payload_len);
    if (fg.meta_len == fc.meta_len && fc.meta_len)
        CHECK_MEM(fg.meta, fc.meta, fc.meta_len);
    CHECK(fc.payload_len > 1000);
    receipt r;
    rcpt_init(&r);
    rc = rcpt_decode(&r, &fg, "gpu receipt", &e);
    if (!rc)
        rc = rcpt_verify(&r, 0, &e);
    if (rc)
        printf("# verify: %s\n", e.msg);
    CHECK_EQ_U64(rc, RK_OK);
    rcpt_free(&r);
    rk_file_free(&fc);
    rk_file_free(&fg);
    seg_free(&s);
    use("cpu");
}

/* ---- dispatch policy ---- */

/* With the default threshold (2^18 words) nothing of a tiny proof reaches the GPU. */
static void test_threshold_keeps_small_calls_on_cpu(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(6, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {6};
    rk_backend_set_gpu_min_words(SIZE_MAX); /* $RAIKO_GPU_MIN_WORDS or the default */
    unsetenv(RK_GPU_MIN_WORDS_ENV);
    CHECK_EQ_U64(rk_backend_gpu_min_words(), RK_GPU_MIN_WORDS_DEFAULT);
    setenv(RK_GPU_MIN_WORDS_ENV, "4096", 1);
    CHECK_EQ_U64(rk_backend_gpu_min_words(), 4096);
    setenv(RK_GPU_MIN_WORDS_ENV, "junk", 1);
    CHECK_EQ_U64(rk_backend_gpu_min_words(), RK_GPU_MIN_WORDS_DEFAULT);
    unsetenv(RK_GPU_MIN_WORDS_ENV);
    CHECK_EQ_U64(use("gpu"), RK_OK);
    CHECK(!rk_backend_offload(0));
    CHECK(!rk_backend_offload(RK_GPU_MIN_WORDS_DEFAULT - 1));
    CHECK(rk_backend_offload(RK_GPU_MIN_WORDS_DEFAULT));
    rk_buf vk, proof;
    rk_buf_init(&vk);
    rk_buf_init(&proof);
    size_t live = gpu_mem_current();
    gpu_mem_reset_peak();
    CHECK_EQ_U64(prove_on("gpu", &m, 1, NULL, NULL, trs, lh, pub, &vk, &proof, &e), RK_OK);
    CHECK_EQ_U64(gpu_mem_peak(), live);
    rk_buf_free(&vk);
    rk_buf_free(&proof);
    rk_backend_set_gpu_min_words(0);
    use("cpu");
    CHECK(!rk_backend_offload(1)); /* the CPU backend never offloads */
    free(tr);
    air_machine_free(&m);
}

/* A GPU that fails during a proof: the runtime's table of live device buffers is
 * filled, so the first allocation of the proof fails.  "auto" finishes on the CPU with
 * the same bytes; "gpu" fails with the GPU's reason. */
static void test_gpu_failure_mid_proof(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_fib_machine(&m, &e), RK_OK);
    bb_t pub[3];
    bb_t *tr = ex_fib_trace(6, pub);
    const bb_t *trs[1] = {tr};
    unsigned lh[1] = {6};
    rk_buf v0, p0, v1, p1, v2, p2;
    rk_buf_init(&v0);
    rk_buf_init(&p0);
    rk_buf_init(&v1);
    rk_buf_init(&p1);
    rk_buf_init(&v2);
    rk_buf_init(&p2);
    CHECK_EQ_U64(prove_on("cpu", &m, 1, NULL, NULL, trs, lh, pub, &v0, &p0, &e), RK_OK);

    enum { MAX_HOLD = 1024 };
    void **hold = calloc(MAX_HOLD, sizeof *hold);
    size_t n_hold = 0;
    rk_err ge;
    while (n_hold < MAX_HOLD && (hold[n_hold] = gpu_malloc(4, &ge)) != NULL)
        n_hold++;
    CHECK(n_hold < MAX_HOLD);
    CHECK_STR_HAS(ge.msg, "live device buffers");

    /* -q: the fallback is not said (stderr captured in a file) */
    rk_backend_set_messages("test_gpu_prove", 1);
    char errpath[] = "/tmp/raiko-test-gpu-stderr.XXXXXX";
    int errfd = mkstemp(errpath), saved = dup(2);
    CHECK(errfd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(errfd, 2);
    rk_err_clear(&e);
    CHECK_EQ_U64(prove_on("auto", &m, 1, NULL, NULL, trs, lh, pub, &v1, &p1, &e), RK_OK);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    CHECK_EQ_U64(lseek(errfd, 0, SEEK_END), 0);
    close(errfd);
    unlink(errpath);
    rk_backend_set_messages("raiko", 0);
    CHECK(!rk_backend_is_gpu()); /* switched for the rest of the process */
    CHECK(rk_backend_gpu_error() != NULL);
    if (rk_backend_gpu_error())
        CHECK_STR_HAS(rk_backend_gpu_error(), "live device buffers");
    CHECK_EQ_U64(p1.len, p0.len);
    if (p1.len == p0.len)
        CHECK_MEM(p1.data, p0.data, p0.len);

    rk_err_clear(&e);
    CHECK_EQ_U64(prove_on("gpu", &m, 1, NULL, NULL, trs, lh, pub, &v2, &p2, &e), RK_EINTERNAL);
    CHECK(rk_backend_gpu_error() != NULL);
    if (rk_backend_gpu_error())
        CHECK_STR_HAS(rk_backend_gpu_error(), "live device buffers");

    for (size_t i = 0; i < n_hold; i++)
        gpu_free(hold[i]);
    free(hold);
    CHECK_EQ_U64(use("gpu"), RK_OK); /* a new selection forgets the failure */
    CHECK(rk_backend_gpu_error() == NULL);
    use("cpu");
    rk_buf_free(&v0);
    rk_buf_free(&p0);
    rk_buf_free(&v1);
    rk_buf_free(&p1);
    rk_buf_free(&v2);
    rk_buf_free(&p2);
    free(tr);
    air_machine_free(&m);
}


/* The GPU failing at each point of a resident proof in turn: gpu_fail_after(k) lets k device
 * allocations and copies succeed and fails the rest (k = 0, 1, ...): while the LDEs are made
 * and kept on the device, in a tree, the quotient, FRI's row sums, the rows the queries
 * download from the device.  "auto" must finish every time on the CPU with the CPU's bytes
 * and leave no device buffer behind; "gpu" must fail with the GPU's message; for k large
 * enough nothing fails. */
static void test_gpu_failure_at_each_step(void)
{
    air_machine m;
    rk_err e;
    CHECK_EQ_U64(ex_range_machine(&m, &e), RK_OK);
    bb_t *vals, *range, *mult;
    ex_range_traces(7, 5, 42, &vals, &mult, &range);
    const bb_t *trs[2] = {vals, mult}, *pre[2] = {NULL, range};
    unsigned lh[2] = {7, 5}, pre_lh[2] = {0, 5};
    rk_buf v0, p0;
    rk_buf_init(&v0);
    rk_buf_init(&p0);
    CHECK_EQ_U64(prove_on("cpu", &m, 1, pre, pre_lh, trs, lh, NULL, &v0, &p0, &e), RK_OK);
    size_t failed_auto = 0, failed_gpu = 0, clean_run = 0, k;
    rk_backend_set_messages("test_gpu_prove", 1);
    for (k = 0; k < 400 && !clean_run; k++) {
        gpu_shutdown(); /* cached twiddles: only the proof's own buffers count below */
        size_t live = gpu_mem_current();
        rk_buf v1, p1;
        rk_buf_init(&v1);
        rk_buf_init(&p1);
        rk_err_clear(&e);
        gpu_fail_after((long)k);
        int rc = prove_on("auto", &m, 1, pre, pre_lh, trs, lh, NULL, &v1, &p1, &e);
        gpu_fail_after(-1);
        if (rc)
            printf("# k %zu: %s\n", k, e.msg);
        CHECK_EQ_U64(rc, RK_OK);
        CHECK_EQ_U64(p1.len, p0.len);
        if (p1.len == p0.len && memcmp(p1.data, p0.data, p0.len)) {
            printf("# k %zu: other bytes\n", k);
            CHECK(0);
        }
        if (rk_backend_gpu_error()) {
            failed_auto++;
            /* "gpu" stops at the same point, with the GPU's message */
            rk_buf_free(&v1);
            rk_buf_free(&p1);
            gpu_shutdown(); /* the same device operations as the "auto" run (no cached twiddles) */
            gpu_fail_after((long)k);
            rk_err_clear(&e);
            rc = prove_on("gpu", &m, 1, pre, pre_lh, trs, lh, NULL, &v1, &p1, &e);
            gpu_fail_after(-1);
            if (rc != RK_EINTERNAL)
                printf("# k %zu: gpu did not fail\n", k);
            CHECK_EQ_U64(rc, RK_EINTERNAL);
            CHECK(rk_backend_gpu_error() && strstr(rk_backend_gpu_error(), "injected failure"));
            failed_gpu += rc == RK_EINTERNAL;
        } else {
            clean_run = 1;
        }
        gpu_shutdown();
        CHECK_EQ_U64(gpu_mem_current(), live);
        rk_buf_free(&v1);
        rk_buf_free(&p1);
    }
    rk_backend_set_messages("raiko", 0);
    printf("# the GPU failed at %zu points in turn; a clean run after %zu device operations\n", failed_auto, k - 1);
    CHECK(failed_auto >= 10);
    CHECK_EQ_U64(failed_gpu, failed_auto);
    CHECK(clean_run);
    use("cpu");
    rk_buf_free(&v0);
    rk_buf_free(&p0);
    free(vals);
    free(range);
    free(mult);
    air_machine_free(&m);
}

/* Without a device and without the emulation: "gpu" says why, "auto" is the CPU. */
static void test_select_without_device(void)
{
    rk_err e;
    gpu_set_emulation(0);
    rk_err_clear(&e);
    CHECK_EQ_U64(rk_backend_select("gpu", &e), RK_EINTERNAL);
    CHECK_STR_HAS(e.msg, "--device gpu: ");
    CHECK(strchr(e.msg, '\n') == NULL);
    CHECK(!rk_backend_is_gpu());
    CHECK_EQ_U64(rk_backend_select_from("gpu", "prover.device", &e), RK_EINTERNAL);
    CHECK_STR_HAS(e.msg, "prover.device gpu: ");
    CHECK_EQ_U64(rk_backend_select("auto", &e), RK_OK);
    CHECK(!rk_backend_is_gpu());
    CHECK_STR_HAS(rk_backend_name(), "cpu");
    CHECK_EQ_U64(rk_backend_select("tpu", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "unknown device 'tpu'");
    gpu_set_emulation(1);
    use("cpu");
}

static void skip_all(const char *why)
{
    SKIP(test_fib, why);
    SKIP(test_range_preprocessed, why);
    SKIP(test_two_heights_arity4, why);
    SKIP(test_wide, why);
    SKIP(test_segment_receipt, why);
    SKIP(test_threshold_keeps_small_calls_on_cpu, why);
    SKIP(test_gpu_failure_mid_proof, why);
    SKIP(test_gpu_failure_at_each_step, why);
}

/* (a case of its own: a CHECK in main() outside any case would not count) */
static void test_stage_bytes(void) { CHECK_EQ_U64(gpu_set_stage_bytes(4096), 4096); }

int main(void)
{
    unsetenv(RK_GPU_EMULATE_ENV); /* this program decides on the emulation itself */
    unsetenv(RK_GPU_MIN_WORDS_ENV);
    unsetenv(RK_DEVICE_ENV);
    if (!gpu_emulation_compiled()) {
        skip_all("built without CUDA");
        RUN(test_select_without_device); /* the stub's reasons */
        return t_done();
    }
    rk_err e;
    rk_err_clear(&e);
    g_device = gpu_init(&e) == RK_OK;
    printf("# %s\n", g_device ? gpu_device_name() : "no device: the host emulation of the kernels");
    if (!g_device)
        gpu_set_emulation(1);
    rk_backend_set_gpu_min_words(0); /* every call through the GPU code */
    /* small staging buffers, so the chunked host<->device copies run at these sizes:
     * 4 KiB here, 12 KiB (not a power of two) for the segment receipt */
    RUN(test_stage_bytes);
    /* device trees keep every layer below the top 2 on the device (a proof's big trees do
     * below layer 16): the openings gather their sibling digests, a failure rebuilds them */
    merkle_set_host_top(2);
    RUN(test_fib);
    RUN(test_range_preprocessed);
    RUN(test_two_heights_arity4);
    RUN(test_wide);
    RUN(test_segment_receipt);
    RUN(test_bad_trace_named);
    RUN(test_threshold_keeps_small_calls_on_cpu);
    RUN(test_gpu_failure_mid_proof);
    RUN(test_gpu_failure_at_each_step);
    if (g_device)
        SKIP(test_select_without_device, "a device is present");
    else
        RUN(test_select_without_device);
    gpu_set_emulation(0);
    return t_done();
}
