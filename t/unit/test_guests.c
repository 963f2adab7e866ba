/* test_guests.c - differential tests: each example guest (built by
 * guests/Makefile with the cross compiler) run in the executor must commit
 * exactly what the same C core computes natively on the host.  Each run is
 * also split into segments that are all replayed by the reference stepper.
 * Known answers: SHA-256("abc") from FIPS 180-2 appendix B.1; Keccak-256("")
 * as used by Ethereum (the empty code hash). */
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "segment/segment.h"

#include "../../guests/sdk/sha256.c"
#include "../../guests/examples/fib/core.c"
#include "../../guests/examples/sha256/core.c"
#include "../../guests/examples/keccak/core.c"
#include "../../guests/examples/bigint/core.c"
#include "../../guests/examples/memsort/core.c"

static char g_dir[4096];

static int find_guests(void)
{
    const char *top = getenv("RAIKO_TOP");
    snprintf(g_dir, sizeof g_dir, "%s/guests/build", top ? top : ".");
    struct stat st;
    return stat(g_dir, &st) == 0;
}

static void hex(const char *h, uint8_t *out)
{
    for (size_t i = 0; h[2 * i]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* the cores allocate like the guest's bump allocator (never free): keep the
 * blocks and free them after each case */
static void *g_blocks[16];
static size_t g_nblocks;
static void *xalloc(size_t n)
{
    void *p = malloc(n);
    if (g_nblocks < 16)
        g_blocks[g_nblocks++] = p;
    return p;
}
static void xfree_all(void)
{
    while (g_nblocks)
        free(g_blocks[--g_nblocks]);
}


/* Run guest `name` on one input item; its public values must equal want[0..wn).
 * Then split at po2 16 and replay every segment. */
static void run_guest(const char *name, const uint8_t *item, size_t len, const uint8_t *want, size_t wn)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.elf", g_dir, name);
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    if (elf_image_load(&im, path, &e) != RK_OK) {
        printf("# %s\n", e.msg);
        CHECK(0);
        return;
    }
    rv_stream in;
    rv_stream_init(&in);
    if (item)
        rv_stream_push_back(&in, item, (uint32_t)len);
    split_opts o = {.po2 = 16, .only_segment = -1};
    split_result r;
    split_result_init(&r);
    int rc = split_run(&im, &in, &o, &r, &e);
    if (rc) printf("# %s: %s\n", name, e.msg);
    CHECK(rc == RK_OK && r.halted && r.exit_code == 0);
    CHECK_EQ_U64(r.public_values.len, wn);
    if (r.public_values.len == wn)
        CHECK_MEM(r.public_values.data, want, wn);
    /* the committed digest is SHA-256 of the public values, as SP1's entrypoint does it */
    rk_sha256 h;
    uint8_t d[32], c[32];
    rk_sha256_init(&h);
    rk_sha256_update(&h, want, wn);
    rk_sha256_final(&h, d);
    for (int i = 0; i < 32; i++) c[i] = (uint8_t)(r.committed[i / 4] >> (8 * (i % 4)));
    CHECK_MEM(c, d, 32);
    uint64_t cycles = r.total_cycles;
    split_result_free(&r);

    char dir[] = "/tmp/raiko-test-guest.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    rv_stream_init(&in);
    if (item)
        rv_stream_push_back(&in, item, (uint32_t)len);
    o.out_dir = dir;
    split_result_init(&r);
    CHECK(split_run(&im, &in, &o, &r, &e) == RK_OK);
    CHECK_EQ_U64(r.total_cycles, cycles);
    for (size_t i = 0; i < r.n_claims; i++) {
        char sp[4200], sn[32];
        seg_file_name(i, sn);
        snprintf(sp, sizeof sp, "%s/%s", dir, sn);
        segment s;
        seg_init(&s);
        CHECK(seg_load(&s, sp, &e) == RK_OK);
        rc = seg_replay(&s, NULL, NULL, &e);
        if (rc) printf("# %s segment %zu: %s\n", name, i, e.msg);
        CHECK(rc == RK_OK);
        seg_free(&s);
    }
    printf("# %s: %llu cycles, %zu segments of 2^16\n", name, (unsigned long long)cycles, r.n_claims);
    xfree_all();
    split_result_free(&r);
    t_rm_tree(dir);
    elf_image_free(&im);
}

static void t_known_answers(void)
{
    uint8_t out[68], want[32];
    sha256_core((const uint8_t *)"abc", 3, out, xalloc);
    hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want);
    CHECK_MEM(out, want, 32);
    uint8_t k[32];
    keccak256((const uint8_t *)"", 0, k);
    hex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", want);
    CHECK_MEM(k, want, 32);
}

static void t_fib(void)
{
    uint8_t in[4] = {0x2C, 0x01, 0, 0}, out[16]; /* n = 300 */
    size_t n = fib_core(in, 4, out, xalloc);
    run_guest("fib", in, 4, out, n);
}

static void t_sha256(void)
{
    uint8_t blob[1000], out[32];
    for (int i = 0; i < 1000; i++) blob[i] = (uint8_t)(i * 7 + 3);
    size_t n = sha256_core(blob, sizeof blob, out, xalloc);
    run_guest("sha256", blob, sizeof blob, out, n);
}

static void t_keccak(void)
{
    /* lengths around the 136-byte rate */
    static const uint32_t lens[] = {0, 1, 135, 136, 137, 300};
    uint8_t in[4 + 6 * 4 + 709], out[68];
    size_t off = 4;
    in[0] = 6; in[1] = in[2] = in[3] = 0;
    for (int m = 0; m < 6; m++) {
        in[off] = (uint8_t)lens[m]; in[off + 1] = (uint8_t)(lens[m] >> 8); in[off + 2] = in[off + 3] = 0;
        off += 4;
        for (uint32_t i = 0; i < lens[m]; i++) in[off++] = (uint8_t)(i ^ (uint32_t)m);
    }
    size_t n = keccak_core(in, off, out, xalloc);
    CHECK_EQ_U64(out[0], 6);
    run_guest("keccak", in, off, out, n);
}

static void t_bigint(void)
{
    uint8_t in[4] = {1, 0, 0, 0}, out[68];
    size_t n = bigint_core(in, 4, out, xalloc);
    CHECK_EQ_U64(out[64], 2); /* both inversions checked x * x^-1 == 1 */
    run_guest("bigint", in, 4, out, n);
}

static void t_memsort(void)
{
    uint8_t in[8] = {0xB8, 0x0B, 0, 0, 7, 0, 0, 0}, out[24]; /* n = 3000, seed 7 */
    size_t n = memsort_core(in, 8, out, xalloc);
    CHECK_EQ_U64(out[4], 1); /* sorted */
    run_guest("memsort", in, 8, out, n);
}

static void t_io_unconstrained(void)
{
    /* io.elf: the unconstrained block's hint (isqrt(1000003) = 1000), then per item (len, first byte) */
    char path[4200];
    snprintf(path, sizeof path, "%s/t/io.elf", g_dir);
    elf_image im;
    elf_image_init(&im);
    rk_err e;
    CHECK(elf_image_load(&im, path, &e) == RK_OK);
    rv_stream in;
    rv_stream_init(&in);
    rv_stream_push_back(&in, "abc", 3);
    rv_stream_push_back(&in, "", 0);
    char dir[] = "/tmp/raiko-test-io.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    split_opts o = {.po2 = 10, .out_dir = dir, .only_segment = -1};
    split_result r;
    split_result_init(&r);
    CHECK(split_run(&im, &in, &o, &r, &e) == RK_OK);
    static const uint8_t want[] = {0xE8, 3, 0, 0, 3, 0, 0, 0, 'a', 0, 0, 0, 0, 0, 0, 0,
                                   0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0};
    CHECK_EQ_U64(r.public_values.len, sizeof want);
    CHECK_MEM(r.public_values.data, want, sizeof want);
    for (size_t i = 0; i < r.n_claims; i++) {
        char sp[4200], sn[32];
        seg_file_name(i, sn);
        snprintf(sp, sizeof sp, "%s/%s", dir, sn);
        segment s;
        seg_init(&s);
        CHECK(seg_load(&s, sp, &e) == RK_OK);
        int rc = seg_replay(&s, NULL, NULL, &e);
        if (rc) printf("# io segment %zu: %s\n", i, e.msg);
        CHECK(rc == RK_OK);
        seg_free(&s);
    }
    split_result_free(&r);
    t_rm_tree(dir);
    elf_image_free(&im);
}

int main(void)
{
    RUN(t_known_answers);
    if (!find_guests()) {
        SKIP(t_guests, "guests/build missing (make -C guests needs riscv64-unknown-elf-gcc)");
        return t_done();
    }
    RUN(t_fib);
    RUN(t_sha256);
    RUN(t_keccak);
    RUN(t_bigint);
    RUN(t_memsort);
    RUN(t_io_unconstrained);
    return t_done();
}
