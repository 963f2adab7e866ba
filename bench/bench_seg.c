/* bench_seg - segment proving throughput: the first segment of the sha256
 * and keccak example guests at po2 = 16, 18, 20 (BENCH_PO2="16 18" to pick),
 * proven with the default FRI parameters (116 bits) and verified.  Each case
 * runs in its own process so that its peak RSS is its own.
 * Prints cycles, trace and prove time, cycles/s (and per core), proof size,
 * verify time, peak RSS. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "receipt/receipt.h"
#include "segment/segment.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int one(const char *guest, const uint8_t *item, size_t len, unsigned po2)
{
    rk_err e = {0};
    char elf[256], dir[64] = "/tmp/rk-bench-seg-XXXXXX", path[128];
    snprintf(elf, sizeof elf, "guests/build/%s.elf", guest);
    elf_image im;
    elf_image_init(&im);
    if (elf_image_load(&im, elf, &e) || !mkdtemp(dir)) {
        printf("%-7s po2 %u: %s\n", guest, po2, e.msg);
        return 1;
    }
    rv_stream in;
    rv_stream_init(&in);
    rv_stream_push_back(&in, item, (uint32_t)len);
    split_opts o = {.po2 = po2, .out_dir = dir, .only_segment = 0};
    split_result r;
    split_result_init(&r);
    int rc = split_run(&im, &in, &o, &r, &e);
    split_result_free(&r);
    rv_stream_free(&in);
    elf_image_free(&im);
    segment s;
    seg_init(&s);
    snprintf(path, sizeof path, "%s/seg-00000.rseg", dir);
    if (rc || seg_load(&s, path, &e)) {
        printf("%-7s po2 %u: %s\n", guest, po2, e.msg);
        return 1;
    }
    unlink(path);
    rmdir(dir);
    fri_params fri;
    fri_params_default(&fri);
    rk_file f;
    rcpt_stats st;
    double t0 = now();
    rc = rcpt_prove_segment(&s, &fri, NULL, &f, &st, &e);
    double t1 = now();
    if (rc) {
        printf("%-7s po2 %u: %s\n", guest, po2, e.msg);
        return 1;
    }
    receipt rc_;
    rcpt_init(&rc_);
    double v0 = now();
    rc = rcpt_decode(&rc_, &f, "bench", &e);
    if (!rc)
        rc = rcpt_verify(&rc_, 100, &e);
    double v1 = now();
    int threads = omp_get_max_threads();
    double wall = t1 - t0;
    printf("%-7s po2 %2u  %8llu cycles  %3zu pages  trace %6.2f s  prove %7.2f s  total %7.2f s  "
           "%7.0f cycles/s (%6.0f /core)  proof %7.1f KiB  verify %5.0f ms%s  peak RSS %6.0f MiB\n",
           guest, po2, (unsigned long long)st.cycles, s.n_pages, st.trace_s, st.prove_s, wall,
           (double)st.cycles / wall, (double)st.cycles / wall / threads, (double)st.proof_bytes / 1024.0,
           1e3 * (v1 - v0), rc ? " (FAILED)" : "", (double)rk_peak_rss_bytes() / 1048576.0);
    fflush(stdout);
    rcpt_free(&rc_);
    rk_file_free(&f);
    seg_free(&s);
    return rc != 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    rk_cli_prefer_hugepages(argv); /* as raiko-prove-seg does */
    const char *p = getenv("BENCH_PO2");
    char buf[64];
    snprintf(buf, sizeof buf, "%s", p ? p : "16 18 20");
    printf("default FRI (log_blowup 1, 100 queries, 16 PoW bits), %d threads; one process per case\n",
           omp_get_max_threads());
    size_t blen = 1 << 20;
    uint8_t *blob = malloc(blen);
    for (size_t i = 0; i < blen; i++)
        blob[i] = (uint8_t)(i * 131 + 7);
    size_t klen = 4 + 2000 * (4 + 136);
    uint8_t *k = malloc(klen);
    put32(k, 2000);
    for (int m = 0; m < 2000; m++) {
        put32(k + 4 + (size_t)m * 140, 136);
        memcpy(k + 8 + (size_t)m * 140, blob + m, 136);
    }
    int rc = 0;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        unsigned po2 = (unsigned)atoi(tok);
        for (int g = 0; g < 2; g++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                int r = g == 0 ? one("sha256", blob, blen, po2) : one("keccak", k, klen, po2);
                fflush(stdout);
                _exit(r);
            }
            int status = 0;
            waitpid(pid, &status, 0);
            rc |= !WIFEXITED(status) || WEXITSTATUS(status);
        }
    }
    free(blob);
    free(k);
    return rc;
}
