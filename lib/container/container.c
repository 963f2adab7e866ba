#include "container.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "common/io.h"

static const uint8_t rk_magic[8] = {0x89, 'R', 'K', 'O', '\r', '\n', 0x1a, '\n'};

static const char *const kind_names[] = {
    [RK_KIND_SEGMENT] = "segment", [RK_KIND_RECEIPT] = "receipt",
    [RK_KIND_AGGREGATE] = "aggregate", [RK_KIND_WRAPPED] = "wrapped proof",
    [RK_KIND_INPUT] = "input", [RK_KIND_PROOF] = "proof",
};

/* Per-kind payload limits (docs/formats.md "Limits"), with the reason for each:
 * - segment: a provable segment touches at most RVAIR_MAX_PAGES = 2^16 pages
 *   (64 MiB), plus their multiproof siblings and its advice; 256 MiB is ample.
 * - receipt / bare proof: FRI openings of one segment, a few MiB even at 1000
 *   queries; 256 MiB.
 * - aggregate: its payload is compressed receipt files, which do not compress
 *   further, so besides the 64 GiB ceiling it may not decompress to more than
 *   twice its compressed size plus 1 MiB (see payload_ratio_ok).
 * - wrapped proof: a Groth16 proof and its public inputs; 1 MiB.
 * - input: a guest's input stream; 1 GiB. */
static const uint64_t kind_payload_max[] = {
    [RK_KIND_SEGMENT] = 256ull << 20, [RK_KIND_RECEIPT] = 256ull << 20,
    [RK_KIND_AGGREGATE] = RK_PAYLOAD_MAX, [RK_KIND_WRAPPED] = 1ull << 20,
    [RK_KIND_INPUT] = 1ull << 30, [RK_KIND_PROOF] = 256ull << 20,
};

uint64_t rk_kind_payload_max(int kind)
{
    if (kind < 1 || kind > RK_KIND_MAX_)
        return 0;
    return kind_payload_max[kind];
}

/* An aggregate carries already-compressed receipts: a payload announcing more
 * than 2 x its compressed size + 1 MiB is a decompression bomb, not a run. */
static int payload_ratio_ok(int kind, uint64_t raw, uint64_t z)
{
    if (kind != RK_KIND_AGGREGATE)
        return 1;
    return z <= RK_PAYLOAD_MAX && raw <= 2 * z + (1ull << 20);
}

const char *rk_kind_name(int kind)
{
    if (kind < 1 || kind > RK_KIND_MAX_)
        return "unknown";
    return kind_names[kind];
}

const char *rk_kind_a(int kind)
{
    static const char *const a[] = {
        [RK_KIND_SEGMENT] = "a segment", [RK_KIND_RECEIPT] = "a receipt",
        [RK_KIND_AGGREGATE] = "an aggregate", [RK_KIND_WRAPPED] = "a wrapped proof",
        [RK_KIND_INPUT] = "an input", [RK_KIND_PROOF] = "a proof",
    };
    if (kind < 1 || kind > RK_KIND_MAX_)
        return "an unknown kind of file";
    return a[kind];
}

void rk_file_init(rk_file *f)
{
    memset(f, 0, sizeof *f);
}

void rk_file_free(rk_file *f)
{
    free(f->meta);
    free(f->payload);
    memset(f, 0, sizeof *f);
}

static int dup_bytes(uint8_t **dst, const void *src, size_t n)
{
    *dst = malloc(n ? n : 1);
    if (!*dst)
        return -1;
    if (n)
        memcpy(*dst, src, n);
    return 0;
}

int rk_file_set(rk_file *f, int kind, int kind_version, const void *meta, size_t meta_len,
                const void *payload, size_t payload_len, rk_err *e)
{
    rk_file_free(f);
    f->kind = (uint16_t)kind;
    f->kind_version = (uint16_t)kind_version;
    if (dup_bytes(&f->meta, meta, meta_len) || dup_bytes(&f->payload, payload, payload_len)) {
        rk_file_free(f);
        return rk_fail(e, RK_EINTERNAL, "out of memory building a %s file", rk_kind_name(kind));
    }
    f->meta_len = meta_len;
    f->payload_len = payload_len;
    return RK_OK;
}

int rk_file_encode(const rk_file *f, rk_buf *out, rk_err *e)
{
    const char *kn = rk_kind_name(f->kind);
    if (f->kind < 1 || f->kind > RK_KIND_MAX_)
        return rk_fail(e, RK_EINTERNAL, "cannot write a file of unknown kind %u", f->kind);
    if (f->meta_len > RK_META_MAX)
        return rk_fail(e, RK_EINTERNAL, "%s metadata too large (%zu bytes)", kn, f->meta_len);
    if ((uint64_t)f->payload_len > rk_kind_payload_max(f->kind))
        return rk_fail(e, RK_EINTERNAL, "%s payload too large (%zu bytes, a %s holds at most %llu)", kn,
                       f->payload_len, kn, (unsigned long long)rk_kind_payload_max(f->kind));

    size_t start = out->len;
    size_t bound = ZSTD_compressBound(f->payload_len);
    uint8_t *h = rk_buf_extend(out, RK_CONTAINER_HEADER);
    if (!h)
        return rk_fail(e, RK_EINTERNAL, "out of memory encoding a %s file", kn);
    memcpy(h, rk_magic, 8);
    h[8] = RK_CONTAINER_VERSION & 0xff;
    h[9] = RK_CONTAINER_VERSION >> 8;
    h[10] = (uint8_t)f->kind;
    h[11] = (uint8_t)(f->kind >> 8);
    h[12] = (uint8_t)f->kind_version;
    h[13] = (uint8_t)(f->kind_version >> 8);
    h[14] = h[15] = 0;
    rk_put_le32(h + 16, f->flags);
    rk_put_le32(h + 20, (uint32_t)f->meta_len);
    rk_put_le64(h + 24, f->payload_len);
    rk_buf_put(out, f->meta, f->meta_len);
    uint8_t *z = rk_buf_extend(out, bound);
    if (!z) {
        out->len = start;
        return rk_fail(e, RK_EINTERNAL, "out of memory encoding a %s file", kn);
    }
    /* Single-threaded, fixed level, no dictionary: the same payload gives the
     * same bytes on every machine with the same zstd release. */
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!cc) {
        out->len = start;
        return rk_fail(e, RK_EINTERNAL, "out of memory creating a zstd context");
    }
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, RK_ZSTD_LEVEL);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
    size_t zl = ZSTD_compress2(cc, z, bound, f->payload ? f->payload : (const uint8_t *)"", f->payload_len);
    ZSTD_freeCCtx(cc);
    if (ZSTD_isError(zl)) {
        out->len = start;
        return rk_fail(e, RK_EINTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(zl));
    }
    out->len -= bound - zl;
    h = out->data + start; /* the buffer may have moved */
    rk_put_le64(h + 32, zl);
    uint64_t sum = XXH3_64bits(out->data + start, out->len - start);
    rk_buf_u64(out, sum);
    if (out->oom)
        return rk_fail(e, RK_EINTERNAL, "out of memory encoding a %s file", kn);
    return RK_OK;
}

int rk_file_write(const char *path, const rk_file *f, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    int rc = rk_file_encode(f, &b, e);
    if (rc == RK_OK)
        rc = rk_write_atomic(path, b.data, b.len, e);
    rk_buf_free(&b);
    return rc;
}

/* Checks everything but the payload's decompression; fills f's header fields
 * and meta; returns the compressed payload's location through zoff/zlen. */
static int decode_checked(const uint8_t *buf, size_t len, const char *name, int expect_kind,
                          rk_file *f, size_t *zoff, uint64_t *zlen, rk_err *e)
{
    rk_file_free(f);
    if (len == 0)
        return rk_fail(e, RK_EINPUT, "%s: empty file, not a raiko file", name);
    size_t cmp = len < 8 ? len : 8;
    if (memcmp(buf, rk_magic, cmp) != 0)
        return rk_fail(e, RK_EINPUT, "%s: not a raiko file (bad magic)", name);
    if (len < RK_CONTAINER_HEADER + RK_CONTAINER_TRAILER)
        return rk_fail(e, RK_EINPUT, "%s: truncated (%zu bytes, a raiko file has at least %d)", name,
                       len, RK_CONTAINER_HEADER + RK_CONTAINER_TRAILER);
    unsigned version = buf[8] | buf[9] << 8;
    if (version > RK_CONTAINER_VERSION)
        return rk_fail(e, RK_EINPUT,
                       "%s: unsupported container version %u (this build reads %d): a newer raiko wrote it",
                       name, version, RK_CONTAINER_VERSION);
    if (version == 0)
        return rk_fail(e, RK_EINPUT, "%s: corrupted header (container version 0)", name);
    uint32_t meta_len = rk_le32(buf + 20);
    uint64_t raw_len = rk_le64(buf + 24);
    uint64_t z = rk_le64(buf + 32);
    /* expected size, computed without overflow */
    uint64_t expect = (uint64_t)RK_CONTAINER_HEADER + meta_len + RK_CONTAINER_TRAILER;
    int huge = z > UINT64_MAX - expect;
    if (!huge)
        expect += z;
    if (huge || expect > len)
        return rk_fail(e, RK_EINPUT, "%s: truncated (%zu bytes, the header announces %s%llu)", name, len,
                       huge ? "more than " : "", (unsigned long long)(huge ? UINT64_MAX : expect));
    if (expect < len)
        return rk_fail(e, RK_EINPUT, "%s: %llu trailing bytes after the end of the file", name,
                       (unsigned long long)(len - expect));
    uint64_t sum = XXH3_64bits(buf, len - RK_CONTAINER_TRAILER);
    if (sum != rk_le64(buf + len - RK_CONTAINER_TRAILER))
        return rk_fail(e, RK_EINPUT, "%s: checksum mismatch, the file is corrupted", name);
    unsigned kind = buf[10] | buf[11] << 8;
    uint32_t flags = rk_le32(buf + 16);
    if (buf[14] || buf[15] || flags)
        return rk_fail(e, RK_EINPUT, "%s: unsupported header flags 0x%x (written by a newer raiko?)", name,
                       flags | buf[14] << 8 | buf[15]);
    if (kind < 1 || kind > RK_KIND_MAX_)
        return rk_fail(e, RK_EINPUT, "%s: unknown file kind %u (written by a newer raiko?)", name, kind);
    if (expect_kind && (int)kind != expect_kind)
        return rk_fail(e, RK_EINPUT, "%s: wrong kind of file: this is %s, expected %s", name,
                       rk_kind_a((int)kind), rk_kind_a(expect_kind));
    if (meta_len > RK_META_MAX)
        return rk_fail(e, RK_EINPUT, "%s: metadata block of %u bytes exceeds the limit of %u", name,
                       meta_len, RK_META_MAX);
    if (raw_len > rk_kind_payload_max((int)kind))
        return rk_fail(e, RK_EINPUT, "%s: payload of %llu bytes exceeds the limit of %llu for a %s", name,
                       (unsigned long long)raw_len, (unsigned long long)rk_kind_payload_max((int)kind),
                       rk_kind_name(kind));
    if (!payload_ratio_ok((int)kind, raw_len, z))
        return rk_fail(e, RK_EINPUT,
                       "%s: payload of %llu bytes from %llu compressed bytes: an aggregate's receipts do not "
                       "compress that well (a decompression bomb?)",
                       name, (unsigned long long)raw_len, (unsigned long long)z);
    f->kind = (uint16_t)kind;
    f->kind_version = (uint16_t)(buf[12] | buf[13] << 8);
    f->flags = flags;
    f->checksum = sum;
    if (dup_bytes(&f->meta, buf + RK_CONTAINER_HEADER, meta_len))
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    f->meta_len = meta_len;
    f->payload_len = (size_t)raw_len;
    *zoff = RK_CONTAINER_HEADER + meta_len;
    *zlen = z;
    return RK_OK;
}

int rk_file_decode_header(const uint8_t *buf, size_t len, const char *name, int expect_kind,
                          rk_file *f, rk_err *e)
{
    size_t zoff;
    uint64_t zlen;
    return decode_checked(buf, len, name, expect_kind, f, &zoff, &zlen, e);
}

int rk_file_decode(const uint8_t *buf, size_t len, const char *name, int expect_kind, rk_file *f,
                   rk_err *e)
{
    size_t zoff;
    uint64_t zlen;
    int rc = decode_checked(buf, len, name, expect_kind, f, &zoff, &zlen, e);
    if (rc)
        return rc;
    const uint8_t *z = buf + zoff;
    unsigned long long content = ZSTD_getFrameContentSize(z, zlen);
    size_t frame = ZSTD_findFrameCompressedSize(z, zlen);
    if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN ||
        ZSTD_isError(frame) || frame != zlen || content != f->payload_len) {
        rk_file_free(f);
        return rk_fail(e, RK_EINPUT, "%s: corrupted payload (not one zstd frame of the announced size)",
                       name);
    }
    /* Decompress in bounded steps, growing the buffer only as output really
     * arrives: a frame whose header promises more than its blocks deliver
     * costs what it delivers, not what it promises. */
    size_t raw = f->payload_len, cap = raw < (4u << 20) ? raw : (4u << 20);
    f->payload = malloc(cap ? cap : 1);
    ZSTD_DCtx *dc = f->payload ? ZSTD_createDCtx() : NULL;
    if (!dc) {
        rk_file_free(f);
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory for the payload", name);
    }
    ZSTD_inBuffer zin = {z, (size_t)zlen, 0};
    ZSTD_outBuffer zout = {f->payload, cap, 0};
    size_t left = 1;
    rc = RK_OK;
    while (!rc) {
        left = ZSTD_decompressStream(dc, &zout, &zin);
        if (ZSTD_isError(left)) {
            rc = rk_fail(e, RK_EINPUT, "%s: corrupted payload (%s)", name, ZSTD_getErrorName(left));
            break;
        }
        if (left == 0) /* the frame is complete */
            break;
        if (zout.pos == raw) { /* all announced bytes, but the frame goes on */
            rc = rk_fail(e, RK_EINPUT, "%s: corrupted payload (longer than announced)", name);
            break;
        }
        if (zout.pos < zout.size && zin.pos == zin.size) {
            rc = rk_fail(e, RK_EINPUT, "%s: corrupted payload (short decompression)", name);
            break;
        }
        if (zout.pos == zout.size) {
            size_t ncap = cap > raw / 2 ? raw : 2 * cap;
            uint8_t *p = realloc(f->payload, ncap);
            if (!p) {
                rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory for a %zu-byte payload", name, raw);
                break;
            }
            f->payload = p;
            cap = ncap;
            zout.dst = p;
            zout.size = cap;
        }
    }
    ZSTD_freeDCtx(dc);
    if (!rc && (zout.pos != raw || zin.pos != zin.size))
        rc = rk_fail(e, RK_EINPUT, "%s: corrupted payload (short decompression)", name);
    if (rc) {
        rk_file_free(f);
        return rc;
    }
    return RK_OK;
}

int rk_file_read(const char *path, int expect_kind, rk_file *f, rk_err *e)
{
    uint8_t *buf;
    size_t len;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int rc = rk_read_file(path, &buf, &len, e);
    if (rc)
        return rc;
    rc = rk_file_decode(buf, len, name, expect_kind, f, e);
    free(buf);
    return rc;
}
