/* buf.h - little-endian byte writer and bounds-checked reader.
 *
 * Every binary format in raiko (container headers, claims, proofs, segments)
 * is written with rk_buf and parsed with rk_rd.  The reader never reads past
 * its end: an overrun returns 0 / NULL and sets r->bad, so a parser can read a
 * whole structure and check once (rk_rd_done) instead of after every field.
 */
#ifndef RAIKO_COMMON_BUF_H
#define RAIKO_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct rk_buf {
    uint8_t *data;
    size_t len, cap;
    int oom; /* an allocation failed; later writes are dropped */
} rk_buf;

void rk_buf_init(rk_buf *b);
void rk_buf_free(rk_buf *b);
/* Make room for n more bytes; returns a pointer to write them (len is advanced), or NULL on OOM. */
uint8_t *rk_buf_extend(rk_buf *b, size_t n);
void rk_buf_put(rk_buf *b, const void *p, size_t n);
void rk_buf_u8(rk_buf *b, uint8_t v);
void rk_buf_u16(rk_buf *b, uint16_t v);
void rk_buf_u32(rk_buf *b, uint32_t v);
void rk_buf_u64(rk_buf *b, uint64_t v);
/* Hand the bytes over to the caller (who frees them with free()); b is left empty. */
uint8_t *rk_buf_take(rk_buf *b, size_t *len);

typedef struct rk_rd {
    const uint8_t *p;
    size_t len, pos;
    int bad; /* a read ran past the end */
} rk_rd;

void rk_rd_init(rk_rd *r, const void *p, size_t len);
uint8_t rk_rd_u8(rk_rd *r);
uint16_t rk_rd_u16(rk_rd *r);
uint32_t rk_rd_u32(rk_rd *r);
uint64_t rk_rd_u64(rk_rd *r);
/* A pointer to the next n bytes (not copied), or NULL and r->bad on overrun. */
const uint8_t *rk_rd_bytes(rk_rd *r, size_t n);
size_t rk_rd_left(const rk_rd *r);
/* 1 iff no read overran and every byte was consumed (trailing bytes are an error). */
int rk_rd_done(const rk_rd *r);

/* Little-endian helpers for fixed layouts. */
static inline uint32_t rk_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rk_le64(const uint8_t *p)
{
    return (uint64_t)rk_le32(p) | (uint64_t)rk_le32(p + 4) << 32;
}
static inline void rk_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void rk_put_le64(uint8_t *p, uint64_t v)
{
    rk_put_le32(p, (uint32_t)v);
    rk_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
