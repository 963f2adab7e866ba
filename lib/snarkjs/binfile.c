/* binfile.c - the iden3 section container shared by .r1cs/.wtns/.zkey/.ptau. */
#include "snarkjs/snarkjs.h"

#include <stdlib.h>
#include <string.h>

int sj_binfile_parse(sj_binfile *f, const uint8_t *buf, size_t len, const char magic[4],
                     uint32_t max_version, const char *name, rk_err *e)
{
    memset(f, 0, sizeof *f);
    f->name = name;
    rk_rd r;
    rk_rd_init(&r, buf, len);
    const uint8_t *m = rk_rd_bytes(&r, 4);
    uint32_t version = rk_rd_u32(&r);
    uint32_t n = rk_rd_u32(&r);
    if (r.bad)
        return rk_fail(e, RK_EINPUT, "%s: truncated header (%zu bytes)", name, len);
    if (memcmp(m, magic, 4) != 0)
        return rk_fail(e, RK_EINPUT, "%s: not a .%.4s file (bad magic)", name, magic);
    if (version < 1 || version > max_version)
        return rk_fail(e, RK_EINPUT, "%s: unsupported .%.4s version %u", name, magic, version);
    /* each section takes at least 12 header bytes: bounds n before allocating */
    if (n > rk_rd_left(&r) / 12)
        return rk_fail(e, RK_EINPUT, "%s: truncated (%u sections announced)", name, n);
    f->s = calloc(n ? n : 1, sizeof *f->s);
    if (!f->s)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    f->version = version;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t type = rk_rd_u32(&r);
        uint64_t size = rk_rd_u64(&r);
        if (r.bad || size > rk_rd_left(&r)) {
            sj_binfile_free(f);
            return rk_fail(e, RK_EINPUT, "%s: truncated (section %u of %u)", name, i + 1, n);
        }
        f->s[i].type = type;
        f->s[i].size = size;
        f->s[i].p = rk_rd_bytes(&r, (size_t)size);
        f->n = i + 1;
    }
    if (rk_rd_left(&r)) {
        sj_binfile_free(f);
        return rk_fail(e, RK_EINPUT, "%s: %zu trailing bytes after the last section", name, rk_rd_left(&r));
    }
    return RK_OK;
}

void sj_binfile_free(sj_binfile *f)
{
    free(f->s);
    f->s = NULL;
    f->n = 0;
}

int sj_binfile_has(const sj_binfile *f, uint32_t type)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->s[i].type == type)
            return 1;
    return 0;
}

int sj_binfile_section(const sj_binfile *f, uint32_t type, rk_rd *r, rk_err *e)
{
    const sj_section *found = NULL;
    for (size_t i = 0; i < f->n; i++) {
        if (f->s[i].type != type)
            continue;
        if (found)
            return rk_fail(e, RK_EINPUT, "%s: section %u appears twice", f->name, type);
        found = &f->s[i];
    }
    if (!found)
        return rk_fail(e, RK_EINPUT, "%s: section %u is missing", f->name, type);
    rk_rd_init(r, found->p, (size_t)found->size);
    return RK_OK;
}

void sj_binfile_begin(rk_buf *b, const char magic[4], uint32_t version, uint32_t n_sections)
{
    rk_buf_put(b, magic, 4);
    rk_buf_u32(b, version);
    rk_buf_u32(b, n_sections);
}

size_t sj_section_begin(rk_buf *b, uint32_t type)
{
    rk_buf_u32(b, type);
    size_t mark = b->len;
    rk_buf_u64(b, 0); /* size, patched by sj_section_end */
    return mark;
}

void sj_section_end(rk_buf *b, size_t mark)
{
    if (b->oom)
        return;
    rk_put_le64(b->data + mark, (uint64_t)(b->len - mark - 8));
}
