/* container.h - the one self-checking file format every raiko tool exchanges.
 *
 * Layout (docs/formats.md, "Container"):
 *
 *   offset size  field
 *   0      8     magic  89 52 4B 4F 0D 0A 1A 0A  ("\x89RKO\r\n\x1a\n")
 *   8      2     container version (RK_CONTAINER_VERSION)
 *   10     2     kind            (enum rk_kind)
 *   12     2     kind version    (the kind's own layout version)
 *   14     2     reserved, 0
 *   16     4     flags           (none defined yet; must be 0)
 *   20     4     meta length     (<= RK_META_MAX)
 *   24     8     payload length, uncompressed (<= RK_PAYLOAD_MAX)
 *   32     8     payload length, compressed (one zstd frame)
 *   40     meta  kind-specific header, stored uncompressed (claims, digests)
 *   ..     zlen  zstd frame of the kind-specific payload
 *   end-8  8     XXH3-64 (seed 0) of every byte before it
 *
 * All integers little-endian.  Reading checks, in order: that the file is
 * not empty or shorter than a header, the magic, the container version, the
 * lengths against the file size (truncated / trailing bytes), the checksum,
 * then flags, kind and limits, and finally decompresses the payload, so that
 * a damaged file is always named as such in one line and never reaches a
 * kind-specific parser.  Writing is deterministic (fixed zstd level, single
 * thread) and atomic (common/io.h).
 */
#ifndef RAIKO_CONTAINER_H
#define RAIKO_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define RK_CONTAINER_VERSION 1
#define RK_CONTAINER_HEADER 40
#define RK_CONTAINER_TRAILER 8
#define RK_META_MAX (1u << 20)
#define RK_PAYLOAD_MAX (1ull << 36) /* 64 GiB uncompressed: no kind allows more */
#define RK_ZSTD_LEVEL 3             /* part of the format's determinism: do not vary */

enum rk_kind {
    RK_KIND_SEGMENT = 1,   /* raiko-split output: one segment of a run */
    RK_KIND_RECEIPT = 2,   /* raiko-prove-seg output: a segment's STARK proof + claim */
    RK_KIND_AGGREGATE = 3, /* raiko-aggregate output */
    RK_KIND_WRAPPED = 4,   /* raiko-wrap output: Groth16 proof */
    RK_KIND_INPUT = 5,     /* a guest's input stream */
    RK_KIND_PROOF = 6,     /* a bare STARK proof (tests, examples) */
    RK_KIND_MAX_ = 6
};

typedef struct rk_file {
    uint16_t kind, kind_version;
    uint32_t flags;
    uint8_t *meta;      /* owned */
    size_t meta_len;
    uint8_t *payload;   /* owned */
    size_t payload_len;
    uint64_t checksum;  /* set by read/encode: the file's XXH3-64 */
} rk_file;

void rk_file_init(rk_file *f);
void rk_file_free(rk_file *f);

/* Copy meta / payload into f (replacing what it held).  RK_EINTERNAL on OOM. */
int rk_file_set(rk_file *f, int kind, int kind_version, const void *meta, size_t meta_len,
                const void *payload, size_t payload_len, rk_err *e);

/* Read and fully check path ("-" = stdin).  expect_kind 0 accepts any kind.
 * Errors are RK_EINPUT with "<path>: <cause>" (RK_EINTERNAL for OOM). */
int rk_file_read(const char *path, int expect_kind, rk_file *f, rk_err *e);

/* The same on bytes in memory; name is used in messages. */
int rk_file_decode(const uint8_t *buf, size_t len, const char *name, int expect_kind,
                   rk_file *f, rk_err *e);

/* Like rk_file_decode but stops before decompressing the payload (payload
 * stays NULL, payload_len holds the uncompressed size): for --info. */
int rk_file_decode_header(const uint8_t *buf, size_t len, const char *name, int expect_kind,
                          rk_file *f, rk_err *e);

/* Serialize f into out (appended). */
int rk_file_encode(const rk_file *f, rk_buf *out, rk_err *e);

/* Encode and write atomically ("-" = stdout). */
int rk_file_write(const char *path, const rk_file *f, rk_err *e);

/* The most payload bytes (uncompressed) a file of this kind may announce
 * (docs/formats.md, "Limits"): checked before anything is allocated, so a
 * small file that claims, or really decompresses to, gigabytes (a zstd bomb)
 * is refused.  0 for an unknown kind. */
uint64_t rk_kind_payload_max(int kind);

/* "segment", "receipt", ...; "unknown" for anything else. */
const char *rk_kind_name(int kind);
/* The same with its article, for messages: "a receipt", "an aggregate". */
const char *rk_kind_a(int kind);

#endif
