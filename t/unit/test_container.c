#include "common/io.h"
#include "container/container.h"
#include "test.h"

#include <xxhash.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void make_sample(rk_file *f, size_t payload_len)
{
    uint8_t meta[40];
    uint8_t *payload = malloc(payload_len + 1);
    for (size_t i = 0; i < sizeof meta; i++)
        meta[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < payload_len; i++)
        payload[i] = (uint8_t)(i % 13 == 0 ? i : i / 64);
    rk_file_init(f);
    CHECK_EQ_U64(rk_file_set(f, RK_KIND_RECEIPT, 3, meta, sizeof meta, payload, payload_len, NULL), RK_OK);
    free(payload);
}

static void roundtrip_and_determinism(void)
{
    rk_file f, g;
    rk_err e;
    rk_buf a, b;
    make_sample(&f, 5000);
    rk_buf_init(&a);
    rk_buf_init(&b);
    CHECK_EQ_U64(rk_file_encode(&f, &a, &e), RK_OK);
    CHECK_EQ_U64(rk_file_encode(&f, &b, &e), RK_OK);
    CHECK_EQ_U64(a.len, b.len);
    CHECK_MEM(a.data, b.data, a.len);
    CHECK(a.len < 5000); /* compressed */
    rk_file_init(&g);
    CHECK_EQ_U64(rk_file_decode(a.data, a.len, "x", RK_KIND_RECEIPT, &g, &e), RK_OK);
    CHECK_EQ_U64(g.kind, RK_KIND_RECEIPT);
    CHECK_EQ_U64(g.kind_version, 3);
    CHECK_EQ_U64(g.meta_len, f.meta_len);
    CHECK_MEM(g.meta, f.meta, f.meta_len);
    CHECK_EQ_U64(g.payload_len, f.payload_len);
    CHECK_MEM(g.payload, f.payload, f.payload_len);
    /* any kind accepted with expect_kind 0; header-only decode leaves the payload alone */
    CHECK_EQ_U64(rk_file_decode_header(a.data, a.len, "x", 0, &g, &e), RK_OK);
    CHECK(g.payload == NULL);
    CHECK_EQ_U64(g.payload_len, 5000);
    rk_file_free(&f);
    rk_file_free(&g);
    rk_buf_free(&a);
    rk_buf_free(&b);
}

static void empty_payload_and_meta(void)
{
    rk_file f, g;
    rk_buf a;
    rk_err e;
    rk_file_init(&f);
    rk_file_init(&g);
    rk_buf_init(&a);
    CHECK_EQ_U64(rk_file_set(&f, RK_KIND_INPUT, 1, NULL, 0, NULL, 0, &e), RK_OK);
    CHECK_EQ_U64(rk_file_encode(&f, &a, &e), RK_OK);
    CHECK_EQ_U64(rk_file_decode(a.data, a.len, "x", RK_KIND_INPUT, &g, &e), RK_OK);
    CHECK_EQ_U64(g.meta_len, 0);
    CHECK_EQ_U64(g.payload_len, 0);
    rk_file_free(&f);
    rk_file_free(&g);
    rk_buf_free(&a);
}

static int decode_fails(const uint8_t *p, size_t n, int kind, const char *needle)
{
    rk_file g;
    rk_err e;
    rk_file_init(&g);
    int rc = rk_file_decode(p, n, "f.rrcpt", kind, &g, &e);
    rk_file_free(&g);
    if (rc != RK_EINPUT)
        return 0;
    if (strncmp(e.msg, "f.rrcpt: ", 9) != 0 || strchr(e.msg, '\n'))
        return 0;
    return needle ? strstr(e.msg, needle) != NULL : 1;
}

static void every_truncation_is_named(void)
{
    rk_file f;
    rk_buf a;
    make_sample(&f, 300);
    rk_buf_init(&a);
    rk_file_encode(&f, &a, NULL);
    CHECK(decode_fails(a.data, 0, 0, "empty file"));
    for (size_t n = 1; n < a.len; n++) {
        const char *want = n < 48 ? NULL : "truncated";
        if (!decode_fails(a.data, n, 0, want)) {
            printf("# truncation to %zu bytes not reported\n", n);
            CHECK(0);
            break;
        }
    }
    CHECK(decode_fails(a.data, 20, 0, "truncated"));
    rk_file_free(&f);
    rk_buf_free(&a);
}

static void every_byte_flip_is_rejected(void)
{
    rk_file f;
    rk_buf a;
    make_sample(&f, 300);
    rk_buf_init(&a);
    rk_file_encode(&f, &a, NULL);
    int missed = 0;
    for (size_t i = 0; i < a.len; i++)
        for (int bit = 0; bit < 8; bit += 3) {
            a.data[i] ^= (uint8_t)(1 << bit);
            if (!decode_fails(a.data, a.len, RK_KIND_RECEIPT, NULL))
                missed++;
            a.data[i] ^= (uint8_t)(1 << bit);
        }
    CHECK_EQ_U64(missed, 0);
    rk_file_free(&f);
    rk_buf_free(&a);
}

static void header_causes(void)
{
    rk_file f;
    rk_buf a;
    make_sample(&f, 100);
    rk_buf_init(&a);
    rk_file_encode(&f, &a, NULL);
    uint8_t *p = a.data;
    CHECK(decode_fails(p, a.len, RK_KIND_SEGMENT, "wrong kind of file: this is a receipt, expected a segment"));
    /* trailing bytes */
    rk_buf_u8(&a, 0);
    p = a.data;
    CHECK(decode_fails(p, a.len, 0, "trailing bytes"));
    a.len--;
    /* not a raiko file */
    uint8_t elf[64] = {0x7f, 'E', 'L', 'F'};
    CHECK(decode_fails(elf, sizeof elf, 0, "not a raiko file"));
    /* a newer container version, with the checksum recomputed so only the version is wrong */
    p[8] = 2;
    CHECK(decode_fails(p, a.len, 0, "unsupported container version 2"));
    p[8] = 1;
    /* unknown kind and nonzero flags, checksum fixed up */
    p[10] = 77;
    rk_put_le64(p + a.len - 8, XXH3_64bits(p, a.len - 8));
    CHECK(decode_fails(p, a.len, 0, "unknown file kind 77"));
    p[10] = RK_KIND_RECEIPT;
    p[16] = 1;
    rk_put_le64(p + a.len - 8, XXH3_64bits(p, a.len - 8));
    CHECK(decode_fails(p, a.len, 0, "flags"));
    p[16] = 0;
    /* a payload that is not the announced zstd frame, checksum fixed up */
    p[24] ^= 1;
    rk_put_le64(p + a.len - 8, XXH3_64bits(p, a.len - 8));
    CHECK(decode_fails(p, a.len, 0, "corrupted payload"));
    rk_file_free(&f);
    rk_buf_free(&a);
}

static void io_errors(void)
{
    rk_err e;
    uint8_t *d;
    size_t n;
    CHECK_EQ_U64(rk_read_file("/nonexistent/x.rseg", &d, &n, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "/nonexistent/x.rseg: no such file");
    CHECK_EQ_U64(rk_read_file("/", &d, &n, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "is a directory");
    CHECK_EQ_U64(rk_write_atomic("/nonexistent-dir/out.bin", "x", 1, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "does not exist");
    char dir[] = "/tmp/raiko-io-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/f.bin", dir);
    CHECK_EQ_U64(rk_write_atomic(path, "hello", 5, &e), RK_OK);
    CHECK_EQ_U64(rk_read_file(path, &d, &n, &e), RK_OK);
    CHECK_EQ_U64(n, 5);
    CHECK(memcmp(d, "hello", 5) == 0);
    free(d);
    CHECK_EQ_U64(rk_write_atomic(dir, "x", 1, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "is a directory");
    unlink(path);
    rmdir(dir);
    /* a device is written into, never renamed over (a private copy of
     * /dev/null's node, so a regression cannot break the machine's) */
    char dev[] = "/tmp/raiko-dev-XXXXXX";
    CHECK(mkdtemp(dev) != NULL);
    char node[300];
    snprintf(node, sizeof node, "%s/null", dev);
    if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0 || mkfifo(node, 0666) != 0) {
        struct stat st;
        if (stat(node, &st) == 0 && S_ISCHR(st.st_mode)) {
            CHECK_EQ_U64(rk_write_atomic(node, "x", 1, &e), RK_OK);
            CHECK(stat(node, &st) == 0 && S_ISCHR(st.st_mode));
        }
    }
    unlink(node);
    rmdir(dev);
}

int main(void)
{
    RUN(roundtrip_and_determinism);
    RUN(empty_payload_and_meta);
    RUN(every_truncation_is_named);
    RUN(every_byte_flip_is_rejected);
    RUN(header_causes);
    RUN(io_errors);
    return t_done();
}
