/* gpu_bench.c - GPU kernels against the CPU on the same host, with the HBM bound.
 *
 * usage: gpu_bench [quick]      (quick: 2^20 and 2^22 only)
 *        gpu_bench emulate      (the DEEP and quotient rows at 2^10 in the host emulation: checks
 *                                this program without a device; the times mean nothing)
 * Built and run by scripts/gpu-check (it needs a CUDA build of lib/libraiko.a).
 * Each row: the GPU time on device-resident data (median of 3 after a warm-up),
 * the GPU time with host memory in and out (upload + run + download, once), the
 * CPU time of the same lib/ function on all cores (once), whether the outputs
 * are byte-identical, the minimum bytes the operation must move through HBM
 * and that traffic's time at the card's bandwidth (the "bound"), and the peak
 * device memory of the call.  Markdown, ready for bench/RESULTS.md.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field/field.h"
#include "fri/fri.h"
#include "gpu/gpu.h"
#include "hash/poseidon2.h"
#include "merkle/merkle.h"
#include "ntt/ntt.h"
#include "rvair/rvair.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double g_bw; /* HBM bytes/s, 0 = unknown */

static void fill(bb_t *a, size_t n, uint32_t seed)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        a[i] = bb_from_u32((uint32_t)(i * 2654435761u) ^ seed);
}

static void die(const char *what, rk_err *e)
{
    fprintf(stderr, "gpu_bench: %s: %s\n", what, e->msg);
    exit(3);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "gpu_bench: out of host memory (%zu bytes)\n", n);
        exit(3);
    }
    return p;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void row(const char *op, const char *size, double gpu_dev, double gpu_host, double cpu,
                int equal, double bytes, size_t peak)
{
    char bound[32] = "n/a", ratio[32] = "n/a";
    if (g_bw > 0) {
        double b = bytes / g_bw;
        snprintf(bound, sizeof bound, "%.3f", b * 1e3);
        snprintf(ratio, sizeof ratio, "%.1fx", gpu_dev / b);
    }
    char host[32] = "-";
    if (gpu_host > 0)
        snprintf(host, sizeof host, "%.2f", gpu_host * 1e3);
    printf("| %-22s | %-10s | %9.3f | %8s | %9.2f | %6.1fx | %-5s | %8.1f | %8s | %7s | %7.2f |\n", op, size,
           gpu_dev * 1e3, host, cpu * 1e3, cpu / gpu_dev, equal ? "yes" : "NO", bytes / 1e6, bound, ratio,
           peak / 1073741824.0);
    fflush(stdout);
}

/* median of 3 timed runs of a device-resident operation */
#define TIME_DEV(var, call)                                                                        \
    do {                                                                                           \
        double t_[3];                                                                              \
        for (int r_ = 0; r_ < 3; r_++) {                                                           \
            double t0_ = now();                                                                    \
            if ((call) != RK_OK)                                                                   \
                die(#call, &e);                                                                    \
            t_[r_] = now() - t0_;                                                                  \
        }                                                                                          \
        qsort(t_, 3, sizeof t_[0], cmp_dbl);                                                       \
        var = t_[1];                                                                               \
    } while (0)

enum { OP_FWD, OP_FWD_BR, OP_INV };

static int g_failed;

static void bench_ntt(int op, unsigned lg, size_t w)
{
    static const char *names[] = {"NTT forward", "NTT forward bitrev-out", "NTT inverse"};
    rk_err e;
    size_t n = (size_t)1 << lg, cnt = n * w, bytes = cnt * 4;
    bb_t *h = xmalloc(bytes), *c = xmalloc(bytes), *g = xmalloc(bytes);
    fill(h, cnt, 0x5bd1e995u + lg);
    memcpy(c, h, bytes);
    double t0 = now();
    if (op == OP_FWD)
        ntt_forward_batch(c, lg, w);
    else if (op == OP_FWD_BR)
        ntt_forward_batch_bitrev_out(c, lg, w);
    else
        ntt_inverse_batch(c, lg, w);
    double cpu = now() - t0;

    memcpy(g, h, bytes);
    gpu_mem_reset_peak();
    t0 = now();
    int rc = op == OP_FWD      ? gpu_ntt_forward_batch(g, lg, w, &e)
             : op == OP_FWD_BR ? gpu_ntt_forward_batch_bitrev_out(g, lg, w, &e)
                               : gpu_ntt_inverse_batch(g, lg, w, &e);
    double host = now() - t0;
    if (rc)
        die(names[op], &e);
    int equal = memcmp(c, g, bytes) == 0;

    bb_t *d = gpu_malloc(bytes, &e);
    if (!d)
        die("gpu_malloc", &e);
    if (gpu_upload(d, h, bytes, &e))
        die("upload", &e);
    double dev;
    if (op == OP_FWD)
        TIME_DEV(dev, gpu_ntt_forward_batch_dev(d, lg, w, &e));
    else if (op == OP_FWD_BR)
        TIME_DEV(dev, gpu_ntt_forward_batch_bitrev_out_dev(d, lg, w, &e));
    else
        TIME_DEV(dev, gpu_ntt_inverse_batch_dev(d, lg, w, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    char size[32];
    snprintf(size, sizeof size, "2^%u x %zu", lg, w);
    row(names[op], size, dev, host, cpu, equal, 2.0 * bytes, peak);
    g_failed |= !equal;
    free(h);
    free(c);
    free(g);
}

static void bench_lde(unsigned lg, size_t w, unsigned lb)
{
    rk_err e;
    size_t n = (size_t)1 << lg, in_b = n * w * 4, out_b = in_b << lb;
    bb_t *h = xmalloc(in_b), *c = xmalloc(out_b), *g = xmalloc(out_b);
    fill(h, n * w, 0x1234567u + lg);
    double t0 = now();
    ntt_coset_lde_batch(h, lg, w, lb, bb_generator(), c, 1);
    double cpu = now() - t0;
    gpu_mem_reset_peak();
    t0 = now();
    if (gpu_ntt_coset_lde_batch(h, lg, w, lb, bb_generator(), g, 1, &e))
        die("LDE", &e);
    double host = now() - t0;
    int equal = memcmp(c, g, out_b) == 0;
    bb_t *d = gpu_malloc(out_b, &e);
    if (!d)
        die("gpu_malloc", &e);
    double t_[3];
    for (int r = 0; r < 3; r++) { /* the LDE works in place: re-upload the input each time (untimed) */
        if (gpu_upload(d, h, in_b, &e) || gpu_synchronize(&e))
            die("upload", &e);
        double t1 = now();
        if (gpu_ntt_coset_lde_batch_dev(d, lg, w, lb, bb_generator(), 1, &e))
            die("LDE", &e);
        t_[r] = now() - t1;
    }
    qsort(t_, 3, sizeof t_[0], cmp_dbl);
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    char size[32], op[40];
    snprintf(size, sizeof size, "2^%u x %zu", lg, w);
    snprintf(op, sizeof op, "coset LDE x%u bitrev", 1u << lb);
    row(op, size, t_[1], host, cpu, equal, (double)(in_b + out_b), peak);
    g_failed |= !equal;
    free(h);
    free(c);
    free(g);
}

static void bench_merkle(unsigned lg, size_t w)
{
    rk_err e;
    size_t n = (size_t)1 << lg, bytes = n * w * 4;
    bb_t *h = xmalloc(bytes);
    fill(h, n * w, 0xabcdefu + lg);
    const bb_t *mats[1] = {h};
    size_t widths[1] = {w};
    unsigned logs[1] = {lg};
    merkle_tree t;
    merkle_tree_init(&t);
    double t0 = now();
    if (merkle_commit(&t, 1, mats, widths, logs, &e))
        die("merkle_commit", &e);
    double cpu = now() - t0;
    p2_digest **layers = xmalloc((lg + 1) * sizeof *layers);
    for (unsigned k = 0; k <= lg; k++)
        layers[k] = xmalloc(((size_t)1 << k) * sizeof(p2_digest));
    gpu_mem_reset_peak();
    t0 = now();
    if (gpu_merkle_commit(1, mats, widths, logs, layers, &e))
        die("gpu_merkle_commit", &e);
    double host = now() - t0;
    int equal = 1;
    for (unsigned k = 0; k <= lg; k++)
        equal &= memcmp(layers[k], t.layers[k], ((size_t)1 << k) * sizeof(p2_digest)) == 0;
    bb_t *d = gpu_malloc(bytes, &e);
    if (!d || gpu_upload(d, h, bytes, &e))
        die("upload", &e);
    const bb_t *dm[1] = {d};
    double dev;
    TIME_DEV(dev, gpu_merkle_commit_dev(1, dm, widths, logs, NULL, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    char size[32];
    snprintf(size, sizeof size, "2^%u x %zu", lg, w);
    row("Merkle commit (tree)", size, dev, host, cpu, equal, (double)bytes + 64.0 * n, peak);
    g_failed |= !equal;
    for (unsigned k = 0; k <= lg; k++)
        free(layers[k]);
    free(layers);
    merkle_tree_free(&t);
    free(h);
}

static void bench_p2(unsigned lg)
{
    rk_err e;
    size_t n = (size_t)1 << lg, bytes = n * 64;
    bb_t(*h)[16] = xmalloc(bytes), (*c)[16] = xmalloc(bytes), (*g)[16] = xmalloc(bytes);
    fill(&h[0][0], n * 16, 0x77u);
    memcpy(c, h, bytes);
    double t0 = now();
    p2_permute_batch(c, n);
    double cpu = now() - t0;
    memcpy(g, h, bytes);
    gpu_mem_reset_peak();
    t0 = now();
    if (gpu_p2_permute_batch(g, n, &e))
        die("p2", &e);
    double host = now() - t0;
    int equal = memcmp(c, g, bytes) == 0;
    bb_t(*d)[16] = gpu_malloc(bytes, &e);
    if (!d || gpu_upload(d, h, bytes, &e))
        die("upload", &e);
    double dev;
    TIME_DEV(dev, gpu_p2_permute_batch_dev(d, n, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    char size[32];
    snprintf(size, sizeof size, "2^%u perms", lg);
    row("Poseidon2 permutations", size, dev, host, cpu, equal, 2.0 * bytes, peak);
    printf("|   -> GPU %.1f M perm/s, CPU %.1f M perm/s |\n", n / dev / 1e6, n / cpu / 1e6);
    g_failed |= !equal;
    free(h);
    free(c);
    free(g);
}

static void bench_fold(unsigned lg)
{
    rk_err e;
    size_t n = (size_t)1 << lg, in_b = n * sizeof(bb4_t), out_b = in_b / 2;
    bb4_t *f = xmalloc(in_b), *c = xmalloc(out_b), *g = xmalloc(out_b);
    fill(&f[0].c[0], n * 4, 0x4242u);
    bb4_t beta = {{bb_from_u32(5), bb_from_u32(6), bb_from_u32(7), bb_from_u32(8)}};
    /* CPU: lib/fri's fold loop (fri.c commit phase), on all cores */
    double t0 = now();
    bb_t half = bb_inv(bb_from_u32(2)), winv = bb_inv(bb_two_adic_generator(lg));
    bb_t *nat = xmalloc(n / 2 * sizeof *nat), acc = bb_one();
    for (size_t i = 0; i < n / 2; i++) {
        nat[i] = acc;
        acc = bb_mul(acc, winv);
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n / 2; i++) {
        size_t r = 0, x = i;
        for (unsigned k = 0; k + 1 < lg; k++, x >>= 1)
            r = (r << 1) | (x & 1);
        bb4_t lo = f[2 * i], hi = f[2 * i + 1];
        bb4_t even = bb4_mul_base(bb4_add(lo, hi), half);
        bb4_t odd = bb4_mul_base(bb4_sub(lo, hi), bb_mul(half, nat[r]));
        c[i] = bb4_add(even, bb4_mul(beta, odd));
    }
    double cpu = now() - t0;
    free(nat);
    gpu_mem_reset_peak();
    t0 = now();
    if (gpu_fri_fold(f, lg, beta, NULL, g, &e))
        die("fold", &e);
    double host = now() - t0;
    int equal = memcmp(c, g, out_b) == 0;
    bb4_t *d = gpu_malloc(in_b + out_b, &e);
    if (!d || gpu_upload(d, f, in_b, &e))
        die("upload", &e);
    double dev;
    TIME_DEV(dev, gpu_fri_fold_dev(d, lg, beta, NULL, d + n, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    char size[32];
    snprintf(size, sizeof size, "2^%u ext", lg);
    row("FRI fold", size, dev, host, cpu, equal, (double)(in_b + out_b), peak);
    g_failed |= !equal;
    free(f);
    free(c);
    free(g);
}


/* The constraint quotient of the RISC-V machine's CPU table (its ~2700-instruction program)
 * over 2^lg rows of random LDE words (quotient degree 2: 2^lg = 2n).  CPU: air_program_run
 * row by row on all cores (the GPU's own reference, not lib/air's vectorized evaluator). */
static void bench_quotient(unsigned lg)
{
    rk_err e;
    air_machine m;
    if (rvair_machine_build(&m, 64, &e))
        die("rvair machine", &e);
    const air_table *tb = NULL;
    for (size_t t = 0; t < m.n_tables; t++)
        if (strcmp(m.tables[t]->name, "cpu") == 0)
            tb = m.tables[t];
    if (!tb) {
        printf("# no cpu table\n");
        air_machine_free(&m);
        return;
    }
    size_t nch = 2 + m.max_arity + 1, M = (size_t)1 << lg, mw = tb->main_width, pw = 4 * (size_t)tb->perm_width;
    bb4_t *ch = xmalloc(nch * sizeof *ch), *apow = xmalloc((tb->n_constraints + 1) * sizeof *apow);
    fill(&ch[0].c[0], 4 * nch, 7);
    bb_t *pub = xmalloc((m.n_public + 1) * sizeof *pub);
    fill(pub, m.n_public + 1, 8);
    bb4_t alpha = {{bb_from_u32(3), bb_from_u32(5), bb_from_u32(7), bb_from_u32(11)}};
    apow[0] = bb4_one();
    for (size_t c = 1; c < tb->n_constraints; c++)
        apow[c] = bb4_mul(apow[c - 1], alpha);
    air_program prog;
    air_program_init(&prog);
    if (air_program_build(&prog, tb, tb->constraints, apow, tb->n_constraints, pub, ch, &e))
        die("program", &e);
    bb_t *main_ = xmalloc(M * mw * sizeof *main_), *perm = xmalloc(M * pw * sizeof *perm);
    fill(main_, M * mw, 21);
    fill(perm, M * pw, 22);
    gpu_quotient_job job = {&prog, lg - 1, 1, bb_generator(), main_, NULL, perm, mw, 0, pw};
    bb4_t *g = xmalloc(M * sizeof *g), *c = xmalloc(M * sizeof *c);
    /* CPU: the same rows with air_program_run */
    double t0 = now();
    const unsigned log_n = lg - 1;
    const size_t n = M / 2;
    const bb_t shift = bb_generator(), g_inv = bb_inv(bb_two_adic_generator(log_n)), wM = bb_two_adic_generator(lg);
    const bb_t sn = bb_pow(shift, n), zh[2] = {bb_sub(sn, bb_one()), bb_sub(bb_neg(sn), bb_one())};
    int oom = 0;
#pragma omp parallel
    {
        bb_t *slots = malloc((prog.n_base_slots + 4 * (size_t)prog.n_ext_slots + 1) * sizeof *slots);
        if (!slots)
            oom = 1;
#pragma omp for schedule(static)
        for (size_t i = 0; i < M; i++) {
            if (!slots)
                continue;
            size_t j = fri_bitrev(i, lg), nx = fri_bitrev((j + 2) & (M - 1), lg);
            bb_t x = bb_mul(shift, bb_pow(wM, j)), z = zh[j & 1];
            bb_t sel[3] = {bb_mul(z, bb_inv(bb_sub(x, bb_one()))), bb_mul(z, bb_inv(bb_sub(x, g_inv))),
                           bb_sub(x, g_inv)};
            bb4_t v = air_program_run(&prog, main_ + i * mw, main_ + nx * mw, NULL, NULL, perm + i * pw,
                                      perm + nx * pw, sel, slots);
            c[i] = bb4_mul_base(v, bb_inv(z));
        }
        free(slots);
    }
    if (oom)
        die("cpu slots", &e);
    double cpu = now() - t0;
    gpu_mem_reset_peak();
    t0 = now();
    if (gpu_quotient(&job, g, &e))
        die("quotient", &e);
    double host = now() - t0;
    int equal = memcmp(c, g, M * sizeof *g) == 0;
    bb_t *dm = gpu_malloc(M * (mw + pw) * sizeof(bb_t), &e);
    bb4_t *dq = gpu_malloc(M * sizeof *dq, &e);
    if (!dm || !dq || gpu_upload(dm, main_, M * mw * sizeof(bb_t), &e) ||
        gpu_upload(dm + M * mw, perm, M * pw * sizeof(bb_t), &e))
        die("upload", &e);
    job.main = dm;
    job.perm = dm + M * mw;
    double dev;
    TIME_DEV(dev, gpu_quotient_dev(&job, dq, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(dm);
    gpu_free(dq);
    char op[40], size[32];
    snprintf(op, sizeof op, "quotient cpu (%zu ins)", prog.n_ins);
    snprintf(size, sizeof size, "2^%u x %zu", lg, mw + pw);
    /* bound: the local and next rows read once each, Q written */
    row(op, size, dev, host, cpu, equal, 2.0 * (double)M * (double)(mw + pw) * 4 + 16.0 * (double)M, peak);
    printf("|   -> GPU %.1f ns/row, CPU %.1f ns/row (all cores) |\n", dev / (double)M * 1e9, cpu / (double)M * 1e9);
    g_failed |= !equal;
    air_program_free(&prog);
    air_machine_free(&m);
    free(ch);
    free(apow);
    free(pub);
    free(main_);
    free(perm);
    free(g);
    free(c);
}

/* FRI's DEEP row sums S[i] = sum_k coef_k m[i][k] over a 2^lg x w matrix. */
static void bench_deep_dot(unsigned lg, size_t w)
{
    rk_err e;
    size_t n = (size_t)1 << lg, bytes = n * w * sizeof(bb_t);
    bb_t *h = xmalloc(bytes);
    fill(h, n * w, 31);
    bb4_t *coef = xmalloc(w * sizeof *coef), *c = xmalloc(n * sizeof *c), *g = xmalloc(n * sizeof *g);
    fill(&coef[0].c[0], 4 * w, 32);
    double t0 = now();
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        c[i] = fri_dot_ext_base(coef, h + i * w, w);
    double cpu = now() - t0;
    gpu_mem_reset_peak();
    bb_t *d = gpu_malloc(bytes, &e);
    bb4_t *ds = gpu_malloc(n * sizeof *ds, &e);
    t0 = now();
    if (!d || !ds || gpu_upload(d, h, bytes, &e) || gpu_deep_dot_dev(d, n, w, coef, ds, &e) ||
        gpu_download(g, ds, n * sizeof *g, &e))
        die("deep dot", &e);
    double host = now() - t0;
    int equal = memcmp(c, g, n * sizeof *g) == 0;
    double dev;
    TIME_DEV(dev, gpu_deep_dot_dev(d, n, w, coef, ds, &e));
    size_t peak = gpu_mem_peak();
    gpu_free(d);
    gpu_free(ds);
    char size[32];
    snprintf(size, sizeof size, "2^%u x %zu", lg, w);
    row("DEEP row sums", size, dev, host, cpu, equal, (double)bytes + 16.0 * (double)n, peak);
    g_failed |= !equal;
    free(h);
    free(coef);
    free(c);
    free(g);
}

/* NTT time for each shared-memory tile size (2^tile words per block). */
static void bench_tiles(unsigned lg, size_t w)
{
    rk_err e;
    size_t bytes = ((size_t)w << lg) * 4;
    bb_t *h = xmalloc(bytes);
    fill(h, (size_t)w << lg, 99);
    bb_t *d = gpu_malloc(bytes, &e);
    if (!d || gpu_upload(d, h, bytes, &e))
        die("upload", &e);
    for (unsigned v = 0; v < 8; v++) {
        unsigned tl = 12 + v / 2, rl = v % 2 ? 3 : 1;
        gpu_ntt_set_tile_log(tl);
        gpu_ntt_set_radix_log(rl);
        if (gpu_ntt_forward_batch_bitrev_out_dev(d, lg, w, &e)) /* warm-up (attributes, twiddles) */
            die("tile warm-up", &e);
        double dev;
        TIME_DEV(dev, gpu_ntt_forward_batch_bitrev_out_dev(d, lg, w, &e));
        char op[48], size[32];
        snprintf(op, sizeof op, "NTT br-out tile 2^%u r%u", tl, rl);
        snprintf(size, sizeof size, "2^%u x %zu", lg, w);
        row(op, size, dev, 0, 0, 1, 2.0 * bytes, 0);
    }
    gpu_ntt_set_tile_log(0); /* back to the defaults / environment */
    gpu_ntt_set_radix_log(0);
    gpu_free(d);
    free(h);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    rk_err e;
    if (argc > 1 && strcmp(argv[1], "emulate") == 0) { /* this program's own check, without a device */
        gpu_set_emulation(1);
        bench_deep_dot(10, 244);
        bench_quotient(10);
        return g_failed;
    }
    if (gpu_init(&e)) {
        printf("gpu_bench: no device: %s\n", e.msg);
        return 0;
    }
    const char *name = gpu_device_name();
    const char *bw_env = getenv("RAIKO_HBM_GBPS");
    if (bw_env)
        g_bw = atof(bw_env) * 1e9;
    else if (strstr(name, "H200"))
        g_bw = 4.8e12;
    else if (strstr(name, "H100"))
        g_bw = 3.35e12;
    else if (strstr(name, "A100"))
        g_bw = 2.0e12;
    size_t fr, tot;
    gpu_mem_info(&fr, &tot, &e);
    printf("# device: %s, HBM bound at %.2f TB/s; CPU: %d threads\n", name, g_bw / 1e12,
           omp_get_max_threads());
    printf("| %-22s | %-10s | %9s | %8s | %9s | %7s | %-5s | %8s | %8s | %7s | %7s |\n", "operation", "size",
           "GPU ms", "+PCIe ms", "CPU ms", "speedup", "equal", "HBM MB", "bound ms", "/bound", "peak GiB");
    printf("|%s|\n", "---|---|---|---|---|---|---|---|---|---|---");
    unsigned sizes[] = {20, 22, 24};
    unsigned ns = quick ? 2 : 3;
    for (unsigned i = 0; i < ns; i++)
        bench_ntt(OP_FWD, sizes[i], 16);
    for (unsigned i = 0; i < ns; i++)
        bench_ntt(OP_FWD_BR, sizes[i], 16);
    for (unsigned i = 0; i < ns; i++)
        bench_ntt(OP_INV, sizes[i], 16);
    if (!quick) { /* a narrow and a wide matrix */
        bench_ntt(OP_FWD_BR, 24, 1);
        bench_ntt(OP_FWD_BR, 18, 256);
    }
    for (unsigned i = 0; i < ns; i++)
        bench_lde(sizes[i], 16, 1);
    bench_lde(22, 16, 2);
    for (unsigned i = 0; i < ns; i++)
        bench_merkle(sizes[i], 16);
    bench_p2(22);
    for (unsigned i = 0; i < ns; i++)
        bench_fold(sizes[i]);
    bench_deep_dot(21, 244);
    bench_quotient(quick ? 18 : 21);
    if (!quick) {
        bench_tiles(24, 16);
        bench_tiles(22, 64);
    }
    printf("# peak device memory (this library): %.2f GiB; device total %.1f GiB\n",
           gpu_mem_peak() / 1073741824.0, tot / 1073741824.0);
    gpu_shutdown();
    if (g_failed)
        printf("# SOME GPU OUTPUTS DIFFER FROM THE CPU\n");
    return g_failed ? 1 : 0;
}
