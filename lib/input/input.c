/* input.c - input-stream files (see input.h). */
#include "input/input.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/io.h"

int input_decode(const rk_file *f, const char *name, rv_stream *s, rk_err *e)
{
    if (f->kind != RK_KIND_INPUT)
        return rk_fail(e, RK_EINPUT, "%s: not an input file (a %s file)", name, rk_kind_name(f->kind));
    if (f->kind_version != INPUT_KIND_VERSION)
        return rk_fail(e, RK_EINPUT, "%s: unsupported input version %u", name, f->kind_version);
    rk_rd m;
    rk_rd_init(&m, f->meta, f->meta_len);
    uint32_t count = rk_rd_u32(&m);
    uint64_t total = rk_rd_u64(&m);
    if (!rk_rd_done(&m))
        return rk_fail(e, RK_EINPUT, "%s: bad input header (%zu bytes, want 12)", name, f->meta_len);
    rk_rd r;
    rk_rd_init(&r, f->payload, f->payload_len);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len = rk_rd_u32(&r);
        const uint8_t *p = rk_rd_bytes(&r, len);
        if (r.bad)
            return rk_fail(e, RK_EINPUT, "%s: item %u runs past the end of the payload", name, i);
        if (len == 0xFFFFFFFFu)
            return rk_fail(e, RK_EINPUT, "%s: item %u has the reserved length 0xFFFFFFFF", name, i);
        if (rv_stream_push_back(s, p, len))
            return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        sum += len;
    }
    if (!rk_rd_done(&r))
        return rk_fail(e, RK_EINPUT, "%s: %zu trailing bytes after %u items", name, rk_rd_left(&r), count);
    if (sum != total)
        return rk_fail(e, RK_EINPUT, "%s: items hold %llu bytes, header says %llu", name,
                       (unsigned long long)sum, (unsigned long long)total);
    return RK_OK;
}

int input_read(const char *path, rv_stream *s, rk_err *e)
{
    rk_file f;
    rk_file_init(&f);
    int rc = rk_file_read(path, 0, &f, e);
    if (rc == RK_OK)
        rc = input_decode(&f, path, s, e);
    rk_file_free(&f);
    return rc;
}

int input_encode(const rv_stream *s, rk_file *f, rk_err *e)
{
    rk_buf meta, pay;
    rk_buf_init(&meta);
    rk_buf_init(&pay);
    uint64_t total = 0;
    for (size_t i = s->head; i < s->n; i++) {
        rk_buf_u32(&pay, s->items[i].len);
        rk_buf_put(&pay, s->items[i].data, s->items[i].len);
        total += s->items[i].len;
    }
    rk_buf_u32(&meta, (uint32_t)(s->n - s->head));
    rk_buf_u64(&meta, total);
    int rc = (meta.oom || pay.oom) ? rk_fail(e, RK_EINTERNAL, "input: out of memory")
             : rk_file_set(f, RK_KIND_INPUT, INPUT_KIND_VERSION, meta.data, meta.len, pay.data,
                           pay.len, e);
    rk_buf_free(&meta);
    rk_buf_free(&pay);
    return rc;
}

int input_write(const char *path, const rv_stream *s, rk_err *e)
{
    rk_file f;
    rk_file_init(&f);
    int rc = input_encode(s, &f, e);
    if (rc == RK_OK)
        rc = rk_file_write(path, &f, e);
    rk_file_free(&f);
    return rc;
}

int input_add_file_item(const char *path, rv_stream *s, rk_err *e)
{
    uint8_t *d;
    size_t len;
    int rc = rk_read_file(path, &d, &len, e);
    if (rc)
        return rc;
    if (len >= 0xFFFFFFFFu) {
        free(d);
        return rk_fail(e, RK_EINPUT, "%s: an input item must be shorter than 4 GiB", path);
    }
    rc = rv_stream_push_back(s, d, (uint32_t)len) ? rk_fail(e, RK_EINTERNAL, "%s: out of memory", path)
                                                   : RK_OK;
    free(d);
    return rc;
}
