#include "buf.h"

#include <stdlib.h>
#include <string.h>

void rk_buf_init(rk_buf *b)
{
    memset(b, 0, sizeof *b);
}

void rk_buf_free(rk_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

uint8_t *rk_buf_extend(rk_buf *b, size_t n)
{
    if (b->oom)
        return NULL;
    if (n > SIZE_MAX - b->len) {
        b->oom = 1;
        return NULL;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap = cap > SIZE_MAX / 2 ? b->len + n : cap * 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = 1;
            return NULL;
        }
        b->data = d;
        b->cap = cap;
    }
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

void rk_buf_put(rk_buf *b, const void *p, size_t n)
{
    uint8_t *d = rk_buf_extend(b, n);
    if (d && n)
        memcpy(d, p, n);
}

void rk_buf_u8(rk_buf *b, uint8_t v) { rk_buf_put(b, &v, 1); }

void rk_buf_u16(rk_buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    rk_buf_put(b, x, 2);
}

void rk_buf_u32(rk_buf *b, uint32_t v)
{
    uint8_t x[4];
    rk_put_le32(x, v);
    rk_buf_put(b, x, 4);
}

void rk_buf_u64(rk_buf *b, uint64_t v)
{
    uint8_t x[8];
    rk_put_le64(x, v);
    rk_buf_put(b, x, 8);
}

uint8_t *rk_buf_take(rk_buf *b, size_t *len)
{
    uint8_t *d = b->data;
    if (len)
        *len = b->len;
    memset(b, 0, sizeof *b);
    return d;
}

void rk_rd_init(rk_rd *r, const void *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->bad = 0;
}

const uint8_t *rk_rd_bytes(rk_rd *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t rk_rd_u8(rk_rd *r)
{
    const uint8_t *p = rk_rd_bytes(r, 1);
    return p ? p[0] : 0;
}

uint16_t rk_rd_u16(rk_rd *r)
{
    const uint8_t *p = rk_rd_bytes(r, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t rk_rd_u32(rk_rd *r)
{
    const uint8_t *p = rk_rd_bytes(r, 4);
    return p ? rk_le32(p) : 0;
}

uint64_t rk_rd_u64(rk_rd *r)
{
    const uint8_t *p = rk_rd_bytes(r, 8);
    return p ? rk_le64(p) : 0;
}

size_t rk_rd_left(const rk_rd *r)
{
    return r->bad ? 0 : r->len - r->pos;
}

int rk_rd_done(const rk_rd *r)
{
    return !r->bad && r->pos == r->len;
}
