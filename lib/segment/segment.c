/* segment.c - segment files: claim, payload, replay (see segment.h). */
#include "segment/segment.h"

#include <stdlib.h>
#include <string.h>

static void put_digest(uint8_t *p, const p2_digest *d) { ms_digest_to_bytes(d, p); }

void seg_claim_encode(const seg_claim *c, uint8_t out[SEG_META_LEN])
{
    memset(out, 0, SEG_META_LEN);
    put_digest(out, &c->image_id);
    rk_put_le32(out + 32, c->index);
    rk_put_le32(out + 36, c->po2);
    rk_put_le64(out + 40, c->cycles);
    rk_put_le32(out + 48, c->start_pc);
    rk_put_le32(out + 52, c->end_pc);
    rk_put_le32(out + 56, c->halted);
    rk_put_le32(out + 60, c->exit_code);
    put_digest(out + 64, &c->pre_state);
    put_digest(out + 96, &c->post_state);
}

int seg_claim_decode(seg_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e)
{
    memset(c, 0, sizeof *c);
    if (len != SEG_META_LEN)
        return rk_fail(e, RK_EINPUT, "%s: segment header is %zu bytes, want %u", name, len, SEG_META_LEN);
    if (ms_digest_from_bytes(&c->image_id, meta) || ms_digest_from_bytes(&c->pre_state, meta + 64) ||
        ms_digest_from_bytes(&c->post_state, meta + 96))
        return rk_fail(e, RK_EINPUT, "%s: non-canonical field element in a segment digest", name);
    c->index = rk_le32(meta + 32);
    c->po2 = rk_le32(meta + 36);
    c->cycles = rk_le64(meta + 40);
    c->start_pc = rk_le32(meta + 48);
    c->end_pc = rk_le32(meta + 52);
    c->halted = rk_le32(meta + 56);
    c->exit_code = rk_le32(meta + 60);
    if (c->po2 < SEG_PO2_MIN || c->po2 > SEG_PO2_MAX)
        return rk_fail(e, RK_EINPUT, "%s: po2 %u outside %d..%d", name, c->po2, SEG_PO2_MIN, SEG_PO2_MAX);
    if (c->cycles == 0 || c->cycles > (1ull << c->po2))
        return rk_fail(e, RK_EINPUT, "%s: %llu cycles in a segment of at most 2^%u", name,
                       (unsigned long long)c->cycles, c->po2);
    if (c->halted > 1 || (!c->halted && (c->exit_code || c->cycles != (1ull << c->po2))))
        return rk_fail(e, RK_EINPUT, "%s: inconsistent halt flag / exit code / cycle count", name);
    if (c->halted && c->end_pc != 0)
        return rk_fail(e, RK_EINPUT, "%s: a halted segment must end at pc 0", name);
    return RK_OK;
}

void seg_init(segment *s)
{
    memset(s, 0, sizeof *s);
    rk_file_init(&s->file);
}

void seg_free(segment *s)
{
    free(s->pages);
    free(s->sib);
    rk_file_free(&s->file);
    seg_init(s);
}

static int read_digest(rk_rd *r, p2_digest *d)
{
    const uint8_t *p = rk_rd_bytes(r, 32);
    return p ? ms_digest_from_bytes(d, p) : RK_EINPUT;
}

/* payload layout (docs/formats.md "Segment"):
 *   u32 text_lo | u32 text_hi (the executable range, part of the state)
 *   u32 regs[32] | u32 committed[8] | u32 deferred[8] | pre mem root (32)
 *   u32 n_pages | u32 page[n_pages] | n_pages x 1024 bytes
 *   u32 n_sib | n_sib x 32 bytes
 *   u32 n_lens | u32 lens[n_lens]
 *   u32 n_items | n_items x (u32 len, bytes) */
static int seg_parse_payload(segment *s, const char *name, rk_err *e)
{
    rk_rd r;
    rk_rd_init(&r, s->file.payload, s->file.payload_len);
    s->text_lo = rk_rd_u32(&r);
    s->text_hi = rk_rd_u32(&r);
    if (!r.bad && !rv_text_ok(s->text_lo, s->text_hi))
        return rk_fail(e, RK_EINPUT, "%s: executable range [0x%08x, 0x%08x) is not 4-aligned inside memory",
                       name, s->text_lo, s->text_hi);
    for (int i = 0; i < 32; i++) s->regs[i] = rk_rd_u32(&r);
    for (int i = 0; i < 8; i++) s->committed[i] = rk_rd_u32(&r);
    for (int i = 0; i < 8; i++) s->deferred[i] = rk_rd_u32(&r);
    if (read_digest(&r, &s->pre_root))
        return rk_fail(e, RK_EINPUT, "%s: bad pre-state memory root", name);
    if (s->regs[0] != 0)
        return rk_fail(e, RK_EINPUT, "%s: register x0 is not zero", name);
    uint32_t np = rk_rd_u32(&r);
    if (r.bad || np > MS_NUM_PAGES || (uint64_t)np * (4 + MS_PAGE_SIZE) > rk_rd_left(&r))
        return rk_fail(e, RK_EINPUT, "%s: page table runs past the end of the payload", name);
    s->n_pages = np;
    s->pages = malloc((np ? np : 1) * sizeof *s->pages);
    if (!s->pages)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    for (uint32_t i = 0; i < np; i++) {
        s->pages[i] = rk_rd_u32(&r);
        if (s->pages[i] >= MS_NUM_PAGES || (i && s->pages[i] <= s->pages[i - 1]))
            return rk_fail(e, RK_EINPUT, "%s: page list not sorted, distinct and in memory", name);
    }
    s->page_data = rk_rd_bytes(&r, (size_t)np * MS_PAGE_SIZE);
    uint32_t ns = rk_rd_u32(&r);
    if (r.bad || (uint64_t)ns * 32 > rk_rd_left(&r) || ns > (uint64_t)MS_DEPTH * (np ? np : 1))
        return rk_fail(e, RK_EINPUT, "%s: multiproof runs past the end of the payload", name);
    s->n_sib = ns;
    s->sib = malloc((ns ? ns : 1) * sizeof *s->sib);
    if (!s->sib)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    for (uint32_t i = 0; i < ns; i++)
        if (read_digest(&r, &s->sib[i]))
            return rk_fail(e, RK_EINPUT, "%s: non-canonical field element in the multiproof", name);
    uint32_t nl = rk_rd_u32(&r);
    if (r.bad || (uint64_t)nl * 4 > rk_rd_left(&r))
        return rk_fail(e, RK_EINPUT, "%s: advice tape runs past the end of the payload", name);
    s->n_lens = nl;
    s->tape_lens = rk_rd_bytes(&r, (size_t)nl * 4);
    uint32_t ni = rk_rd_u32(&r);
    size_t start = r.pos;
    for (uint32_t i = 0; i < ni && !r.bad; i++) {
        uint32_t len = rk_rd_u32(&r);
        rk_rd_bytes(&r, len);
    }
    if (r.bad)
        return rk_fail(e, RK_EINPUT, "%s: advice items run past the end of the payload", name);
    s->n_items = ni;
    s->tape_items = s->file.payload + start;
    s->tape_items_len = r.pos - start;
    if (!rk_rd_done(&r))
        return rk_fail(e, RK_EINPUT, "%s: %zu trailing bytes in the segment payload", name, rk_rd_left(&r));
    return RK_OK;
}

int seg_decode(segment *s, const rk_file *f, const char *name, rk_err *e)
{
    seg_free(s);
    if (f->kind != RK_KIND_SEGMENT)
        return rk_fail(e, RK_EINPUT, "%s: not a segment file (a %s file)", name, rk_kind_name(f->kind));
    if (f->kind_version != SEG_KIND_VERSION)
        return rk_fail(e, RK_EINPUT,
                       "%s: segment version %u is not supported (this build reads %u: the state now "
                       "holds the executable range; split the program again)",
                       name, f->kind_version, SEG_KIND_VERSION);
    int rc = seg_claim_decode(&s->claim, f->meta, f->meta_len, name, e);
    if (rc)
        return rc;
    rc = rk_file_set(&s->file, f->kind, f->kind_version, f->meta, f->meta_len, f->payload,
                     f->payload_len, e);
    if (rc == RK_OK)
        rc = seg_parse_payload(s, name, e);
    if (rc)
        seg_free(s);
    return rc;
}

int seg_load(segment *s, const char *path, rk_err *e)
{
    rk_file f;
    rk_file_init(&f);
    int rc = rk_file_read(path, RK_KIND_SEGMENT, &f, e);
    if (rc == RK_OK)
        rc = seg_decode(s, &f, path, e);
    rk_file_free(&f);
    return rc;
}

static int post_root(const segment *s, const rv_machine *m, p2_digest *root, rk_err *e)
{
    p2_digest *lv = malloc((s->n_pages ? s->n_pages : 1) * sizeof *lv);
    uint8_t *cur = malloc((s->n_pages ? s->n_pages : 1) * MS_PAGE_SIZE);
    int rc = RK_OK;
    if (!lv || !cur)
        rc = rk_fail(e, RK_EINTERNAL, "out of memory");
    for (size_t i = 0; rc == RK_OK && i < s->n_pages; i++)
        memcpy(cur + i * MS_PAGE_SIZE, m->mem + (size_t)s->pages[i] * MS_PAGE_SIZE, MS_PAGE_SIZE);
    if (rc == RK_OK && ms_page_digests(cur, s->n_pages, lv))
        rc = rk_fail(e, RK_EINTERNAL, "out of memory");
    if (rc == RK_OK)
        rc = ms_multiproof_root(s->pages, lv, s->n_pages, s->sib, s->n_sib, root, e);
    free(lv);
    free(cur);
    return rc;
}

int seg_replay(const segment *s, seg_step_fn cb, void *ctx, rk_err *e)
{
    const seg_claim *c = &s->claim;
    p2_digest d;
    /* 1. the pre-state: digest of (root, pc, registers, digests) and the pages under the root */
    ms_state_digest(&s->pre_root, c->start_pc, s->text_lo, s->text_hi, s->regs, s->committed, s->deferred, &d);
    if (!ms_digest_eq(&d, &c->pre_state))
        return rk_fail(e, RK_EFALSE, "segment %u: registers/pc/root do not match the pre-state digest", c->index);
    p2_digest *lv = malloc((s->n_pages ? s->n_pages : 1) * sizeof *lv);
    if (!lv || ms_page_digests(s->page_data, s->n_pages, lv)) {
        free(lv);
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
    int rc = ms_multiproof_root(s->pages, lv, s->n_pages, s->sib, s->n_sib, &d, e);
    free(lv);
    if (rc)
        return rk_err_prefix(e, "segment %u", c->index);
    if (!ms_digest_eq(&d, &s->pre_root))
        return rk_fail(e, RK_EFALSE, "segment %u: pages do not match the pre-state memory root", c->index);

    /* 2. re-execute on a machine that holds exactly these pages */
    rv_machine m;
    if ((rc = rv_machine_init_empty(&m, e)))
        return rc;
    for (size_t i = 0; i < s->n_pages; i++) {
        memcpy(m.mem + (size_t)s->pages[i] * MS_PAGE_SIZE, s->page_data + i * MS_PAGE_SIZE, MS_PAGE_SIZE);
        m.page_epoch[s->pages[i]] = m.epoch;
    }
    memcpy(m.x, s->regs, sizeof s->regs);
    memcpy(m.committed, s->committed, sizeof m.committed);
    memcpy(m.deferred, s->deferred, sizeof m.deferred);
    m.pc = c->start_pc;
    m.text_lo = s->text_lo;
    m.text_hi = s->text_hi;
    m.strict_pages = 1;
    m.replay = 1;
    rk_rd_init(&m.replay_lens, s->tape_lens, s->n_lens * 4);
    rk_rd_init(&m.replay_items, s->tape_items, s->tape_items_len);
    rv_step_rec rec;
    for (uint64_t k = 0; k < c->cycles && rc == RK_OK; k++) {
        if (m.halted) {
            rc = rk_fail(e, RK_EFALSE, "segment %u: the guest halted after %llu of %llu cycles",
                         c->index, (unsigned long long)k, (unsigned long long)c->cycles);
            break;
        }
        rc = rv_step(&m, &rec, e);
        if (rc == RK_OK && cb)
            rc = cb(ctx, &rec);
    }
    if (rc) {
        if (rc != RK_EINTERNAL || !m.fault_is_internal)
            rk_err_prefix(e, "segment %u replay", c->index);
        if (rc == RK_EFALSE || rc == RK_EINTERNAL)
            rc = m.fault_is_internal ? RK_EINTERNAL : RK_EFALSE;
        rv_machine_free(&m);
        return rc;
    }
    /* 3. the post-state */
    if ((uint32_t)m.halted != c->halted || m.pc != c->end_pc || (m.halted && m.exit_code != c->exit_code))
        rc = rk_fail(e, RK_EFALSE, "segment %u: the run ends at pc 0x%08x%s, not as the file claims",
                     c->index, m.pc, m.halted ? " (halted)" : "");
    else if (m.replay_lens.pos != m.replay_lens.len || m.replay_items.pos != m.replay_items.len)
        rc = rk_fail(e, RK_EFALSE, "segment %u: advice tape not fully used", c->index);
    else if ((rc = post_root(s, &m, &d, e)) == RK_OK) {
        p2_digest post;
        ms_state_digest(&d, m.pc, m.text_lo, m.text_hi, m.x, m.committed, m.deferred, &post);
        if (!ms_digest_eq(&post, &c->post_state))
            rc = rk_fail(e, RK_EFALSE, "segment %u: the replay does not reproduce the post-state digest",
                         c->index);
    }
    rv_machine_free(&m);
    return rc;
}

void seg_file_name(uint64_t index, char out[32]) { snprintf(out, 32, "seg-%05llu.rseg", (unsigned long long)index); }
