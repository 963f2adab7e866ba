/* bench_exec.c - executor speed per example guest: guest cycles per second
 * executing (raiko-split --execute-only) and while splitting into segment
 * files (po2 20, written to a temporary directory).  One thread
 * (omp_set_num_threads(1)) unless BENCH_THREADS is set.  Needs the guests
 * (make -C guests).  Prints wall and CPU rates: on a shared machine the CPU
 * rate is the steadier figure. */
#include <dirent.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "segment/segment.h"

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void rm_tree(const char *d)
{
    DIR *dir = opendir(d);
    struct dirent *de;
    char path[4096];
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", d, de->d_name);
        unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(d);
}

static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

static int one(const char *name, const uint8_t *item, size_t len, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "guests/build/%s.elf", name);
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    if (elf_image_load(&im, path, &e)) {
        printf("%-8s skipped: %s\n", name, e.msg);
        return 0;
    }
    double w[2], c[2];
    uint64_t cycles = 0, bytes = 0, segs = 0;
    for (int mode = 0; mode < 2; mode++) {
        char dir[] = "/tmp/raiko-bench-exec.XXXXXX";
        if (mode && !mkdtemp(dir))
            return 1;
        rv_stream in;
        rv_stream_init(&in);
        rv_stream_push_back(&in, item, (uint32_t)len);
        split_opts o = {.po2 = 20, .out_dir = mode ? dir : NULL, .only_segment = -1};
        split_result r;
        split_result_init(&r);
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        int rc = split_run(&im, &in, &o, &r, &e);
        w[mode] = now(CLOCK_MONOTONIC) - w0;
        c[mode] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rc) {
            printf("%-8s failed: %s\n", name, e.msg);
            return 1;
        }
        cycles = r.total_cycles;
        segs = r.n_segments;
        if (mode)
            bytes = r.bytes_written;
        split_result_free(&r);
        rv_stream_free(&in);
        if (mode)
            rm_tree(dir);
    }
    printf("%-8s %-22s %7.1f M cycles %4llu segs  exec %6.1f M/s (cpu %6.1f)  split %6.1f M/s (cpu %6.1f)  %7.1f MB written\n",
           name, what, (double)cycles / 1e6, (unsigned long long)segs, (double)cycles / w[0] / 1e6,
           (double)cycles / c[0] / 1e6, (double)cycles / w[1] / 1e6, (double)cycles / c[1] / 1e6,
           (double)bytes / 1e6);
    elf_image_free(&im);
    return 0;
}

int main(void)
{
    const char *t = getenv("BENCH_THREADS");
    omp_set_num_threads(t ? atoi(t) : 1);
    printf("threads %d; wall and CPU rates (cpu = cycles per second of process CPU time)\n",
           t ? atoi(t) : 1);
    int rc = 0;
    uint8_t u[8];
    put32(u, 10000000);
    rc |= one("fib", u, 4, "n = 10^7");
    size_t blen = 1 << 20;
    uint8_t *blob = malloc(blen);
    for (size_t i = 0; i < blen; i++) blob[i] = (uint8_t)(i * 131 + 7);
    rc |= one("sha256", blob, blen, "1 MiB blob");
    /* 200 messages of 136 bytes (two permutations each) */
    size_t klen = 4 + 200 * (4 + 136);
    uint8_t *k = malloc(klen);
    put32(k, 200);
    for (int m = 0; m < 200; m++) {
        put32(k + 4 + (size_t)m * 140, 136);
        memcpy(k + 8 + (size_t)m * 140, blob + m, 136);
    }
    rc |= one("keccak", k, klen, "200 x 136 B");
    put32(u, 16);
    rc |= one("bigint", u, 4, "16 inversions mod p, n");
    put32(u, 1 << 20);
    put32(u + 4, 1);
    rc |= one("memsort", u, 8, "radix sort 2^20 words");
    free(blob);
    free(k);
    return rc;
}
