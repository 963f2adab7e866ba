/* aggregate.c - join segment receipts into an aggregate (kind version 1:
 * the aggregate carries the receipts). */
#include "aggregate/aggregate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "memstate/memstate.h"

/* ---- claim (meta), 160 bytes ----
 *   0 image id (32)  32 u32 first  36 u32 last  40 pre state (32)  72 post state (32)
 *   104 u32 halted  108 u32 exit code  112 u32 committed[8]  144 u64 cycles  152 u32 mode  156 u32 0 */
void agg_claim_encode(const agg_claim *c, uint8_t out[AGG_META_LEN])
{
    memset(out, 0, AGG_META_LEN);
    ms_digest_to_bytes(&c->image_id, out);
    rk_put_le32(out + 32, c->first);
    rk_put_le32(out + 36, c->last);
    ms_digest_to_bytes(&c->pre_state, out + 40);
    ms_digest_to_bytes(&c->post_state, out + 72);
    rk_put_le32(out + 104, c->halted);
    rk_put_le32(out + 108, c->exit_code);
    for (int i = 0; i < 8; i++)
        rk_put_le32(out + 112 + 4 * i, c->committed[i]);
    rk_put_le64(out + 144, c->cycles);
    rk_put_le32(out + 152, c->mode);
}

int agg_claim_decode(agg_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e)
{
    memset(c, 0, sizeof *c);
    if (len != AGG_META_LEN)
        return rk_fail(e, RK_EINPUT, "%s: aggregate claim is %zu bytes, want %u", name, len, AGG_META_LEN);
    if (ms_digest_from_bytes(&c->image_id, meta) || ms_digest_from_bytes(&c->pre_state, meta + 40) ||
        ms_digest_from_bytes(&c->post_state, meta + 72))
        return rk_fail(e, RK_EINPUT, "%s: non-canonical field element in a claim digest", name);
    c->first = rk_le32(meta + 32);
    c->last = rk_le32(meta + 36);
    c->halted = rk_le32(meta + 104);
    c->exit_code = rk_le32(meta + 108);
    for (int i = 0; i < 8; i++)
        c->committed[i] = rk_le32(meta + 112 + 4 * i);
    c->cycles = rk_le64(meta + 144);
    c->mode = rk_le32(meta + 152);
    if (rk_le32(meta + 156))
        return rk_fail(e, RK_EINPUT, "%s: reserved claim bytes are not zero", name);
    if (c->mode != AGG_MODE_CARRIES_RECEIPTS)
        return rk_fail(e, RK_EINPUT, "%s: aggregate mode %u is not supported by this build", name, c->mode);
    if (c->last < c->first || c->last - c->first >= AGG_MAX_SEGMENTS)
        return rk_fail(e, RK_EINPUT, "%s: bad segment range %u..%u", name, c->first, c->last);
    if (c->halted > 1 || (!c->halted && c->exit_code))
        return rk_fail(e, RK_EINPUT, "%s: bad halted flag / exit code", name);
    return RK_OK;
}

int agg_claim_complete(const agg_claim *c)
{
    return c->first == 0 && c->halted;
}

static int digest_eq(const p2_digest *a, const p2_digest *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

int agg_check_chain(const rcpt_claim *cl, const char *const *names, size_t n, agg_claim *out, rk_err *e)
{
    if (n == 0)
        return rk_fail(e, RK_EINPUT, "no receipts to aggregate");
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (!digest_eq(&cl[i].image_id, &cl[0].image_id)) {
            char a[65], b[65];
            ms_digest_hex(&cl[0].image_id, a);
            ms_digest_hex(&cl[i].image_id, b);
            return rk_fail(e, RK_EFALSE, "%s: receipt of another program (image id %.16s..., the others are %.16s...)",
                           names[i], b, a);
        }
        if (i == 0)
            continue;
        if (cl[i].index == cl[i - 1].index)
            return rk_fail(e, RK_EFALSE, "segment %u given twice (%s and %s)", cl[i].index, names[i - 1],
                           names[i]);
        if (cl[i].index != cl[i - 1].index + 1) {
            if (cl[i].index == cl[i - 1].index + 2)
                return rk_fail(e, RK_EFALSE, "segment %u missing (between %s and %s)", cl[i - 1].index + 1,
                               names[i - 1], names[i]);
            return rk_fail(e, RK_EFALSE, "segments %u..%u missing (between %s and %s)", cl[i - 1].index + 1,
                           cl[i].index - 1, names[i - 1], names[i]);
        }
        if (cl[i - 1].halted)
            return rk_fail(e, RK_EFALSE, "segment %u (%s) follows the halted segment %u", cl[i].index, names[i],
                           cl[i - 1].index);
        if (!digest_eq(&cl[i - 1].post_state, &cl[i].pre_state))
            return rk_fail(e, RK_EFALSE,
                           "broken chain between segments %u and %u: the post-state of %s is not the pre-state of %s",
                           cl[i - 1].index, cl[i].index, names[i - 1], names[i]);
    }
    if (cl[0].index == 0 && !digest_eq(&cl[0].pre_state, &cl[0].image_id))
        return rk_fail(e, RK_EFALSE, "%s: segment 0 does not start from the program's initial state (image id)",
                       names[0]);
    out->image_id = cl[0].image_id;
    out->first = cl[0].index;
    out->last = cl[n - 1].index;
    out->pre_state = cl[0].pre_state;
    out->post_state = cl[n - 1].post_state;
    out->halted = cl[n - 1].halted;
    out->exit_code = cl[n - 1].exit_code;
    memcpy(out->committed, cl[n - 1].committed, sizeof out->committed);
    for (size_t i = 0; i < n; i++)
        out->cycles += cl[i].cycles;
    return RK_OK;
}

/* ---- the set of segment receipts being joined ---- */

typedef struct part {
    rcpt_claim claim;
    unsigned security_bits; /* of its FRI parameters */
    char name[300];
    rk_file file;       /* the receipt, decoded */
} part;

typedef struct parts {
    part *v;
    size_t n, cap;
} parts;

static void parts_free(parts *p)
{
    for (size_t i = 0; i < p->n; i++)
        rk_file_free(&p->v[i].file);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static agg_progress_fn progress_fn;
static void *progress_ctx;
static size_t progress_count;

void agg_set_progress(agg_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
    progress_count = 0;
}

/* Verify one receipt file and take it (moves f into the set). */
static int add_receipt(parts *p, rk_file *f, const char *name, unsigned min_bits, rk_err *e)
{
    receipt r;
    rcpt_init(&r);
    int rc = rcpt_decode(&r, f, name, e);
    if (!rc) {
        rc = rcpt_verify(&r, min_bits, e);
        if (rc == RK_EFALSE)
            rk_err_prefix(e, "%s: does not verify", name);
    }
    rcpt_claim claim = r.claim;
    unsigned bits = fri_security_bits(&r.fri);
    rcpt_free(&r);
    if (rc)
        return rc;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        part *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return rk_fail(e, RK_EINTERNAL, "out of memory");
        p->v = v;
        p->cap = cap;
    }
    part *q = &p->v[p->n++];
    memset(q, 0, sizeof *q);
    q->claim = claim;
    q->security_bits = bits;
    if (progress_fn)
        progress_fn(progress_ctx, name, ++progress_count);
    snprintf(q->name, sizeof q->name, "%s", name);
    q->file = *f;
    rk_file_init(f);
    return RK_OK;
}

static int cmp_part(const void *a, const void *b)
{
    uint32_t x = ((const part *)a)->claim.index, y = ((const part *)b)->claim.index;
    return x < y ? -1 : x > y;
}

/* The least conjectured security of the receipts p->v[from..]: what an aggregate of them is worth. */
static unsigned least_bits(const parts *p, size_t from)
{
    unsigned least = 0;
    for (size_t i = from; i < p->n; i++)
        if (i == from || p->v[i].security_bits < least)
            least = p->v[i].security_bits;
    return least;
}

/* Decode and verify the receipts an aggregate carries, adding them to p. */
static int add_aggregate(parts *p, const rk_file *f, const char *name, unsigned min_bits, agg_claim *claim,
                         rk_err *e)
{
    int rc = agg_claim_decode(claim, f->meta, f->meta_len, name, e);
    if (rc)
        return rc;
    rk_rd rd;
    rk_rd_init(&rd, f->payload, f->payload_len);
    uint32_t n = rk_rd_u32(&rd);
    if (rd.bad || n == 0 || n > AGG_MAX_SEGMENTS || n != claim->last - claim->first + 1)
        return rk_fail(e, RK_EINPUT, "%s: carries %u receipts for segments %u..%u", name, n, claim->first,
                       claim->last);
    size_t first_new = p->n;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t len = rk_rd_u64(&rd);
        const uint8_t *bytes = rd.bad || len > rk_rd_left(&rd) ? NULL : rk_rd_bytes(&rd, (size_t)len);
        if (!bytes)
            return rk_fail(e, RK_EINPUT, "%s: truncated aggregate payload", name);
        char sub[300];
        snprintf(sub, sizeof sub, "%.200s[receipt %u]", name, i);
        rk_file rf;
        rk_file_init(&rf);
        rc = rk_file_decode(bytes, (size_t)len, sub, RK_KIND_RECEIPT, &rf, e);
        if (!rc)
            rc = add_receipt(p, &rf, sub, min_bits, e);
        rk_file_free(&rf);
        if (rc)
            return rc;
        /* carried in index order, exactly the claimed range */
        if (p->v[p->n - 1].claim.index != claim->first + i)
            return rk_fail(e, RK_EFALSE, "%s: receipt %u is segment %u, expected segment %u", name, i,
                           p->v[p->n - 1].claim.index, claim->first + i);
    }
    if (!rk_rd_done(&rd))
        return rk_fail(e, RK_EINPUT, "%s: trailing bytes in the aggregate payload", name);
    /* the carried receipts must chain to exactly the claim */
    size_t m = p->n - first_new;
    rcpt_claim *cl = malloc(m * sizeof *cl);
    const char **names = malloc(m * sizeof *names);
    if (!cl || !names) {
        free(cl);
        free(names);
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
    for (size_t i = 0; i < m; i++) {
        cl[i] = p->v[first_new + i].claim;
        names[i] = p->v[first_new + i].name;
    }
    agg_claim chain;
    rc = agg_check_chain(cl, names, m, &chain, e);
    free(cl);
    free(names);
    if (rc)
        return rc;
    chain.mode = claim->mode;
    uint8_t a[AGG_META_LEN], b[AGG_META_LEN];
    agg_claim_encode(&chain, a);
    agg_claim_encode(claim, b);
    if (memcmp(a, b, AGG_META_LEN) != 0)
        return rk_fail(e, RK_EFALSE, "%s: the claim does not match the receipts it carries", name);
    claim->security_bits = least_bits(p, first_new);
    return RK_OK;
}

int agg_verify(const rk_file *f, const char *name, unsigned min_bits, agg_claim *claim, rk_err *e)
{
    if (f->kind != RK_KIND_AGGREGATE)
        return rk_fail(e, RK_EINPUT, "%s: not an aggregate", name);
    if (f->kind_version != AGG_KIND_VERSION)
        return rk_fail(e, RK_EINPUT, "%s: aggregate kind version %u is not supported (this build reads %u)", name,
                       f->kind_version, AGG_KIND_VERSION);
    parts p = {0};
    int rc = add_aggregate(&p, f, name, min_bits, claim, e);
    parts_free(&p);
    return rc;
}

int agg_build(const char *const *paths, size_t n_paths, unsigned min_bits, rk_file *out, agg_claim *claim,
              rk_err *e)
{
    parts p = {0};
    int rc = RK_OK;
    for (size_t i = 0; i < n_paths && !rc; i++) {
        rk_file f;
        rk_file_init(&f);
        rc = rk_file_read(paths[i], 0, &f, e);
        if (!rc && f.kind == RK_KIND_RECEIPT) {
            rc = add_receipt(&p, &f, paths[i], min_bits, e);
        } else if (!rc && f.kind == RK_KIND_AGGREGATE) {
            agg_claim sub;
            if (f.kind_version != AGG_KIND_VERSION)
                rc = rk_fail(e, RK_EINPUT, "%s: aggregate kind version %u is not supported (this build reads %u)",
                             paths[i], f.kind_version, AGG_KIND_VERSION);
            else /* verifies it and takes its receipts */
                rc = add_aggregate(&p, &f, paths[i], min_bits, &sub, e);
        } else if (!rc) {
            rc = rk_fail(e, RK_EINPUT, "%s: wrong kind of file: this is %s, expected a receipt or an aggregate",
                         paths[i], rk_kind_a(f.kind));
        }
        rk_file_free(&f);
    }
    if (!rc) {
        qsort(p.v, p.n, sizeof *p.v, cmp_part);
        rcpt_claim *cl = malloc(p.n * sizeof *cl);
        const char **names = malloc(p.n * sizeof *names);
        if (!cl || !names)
            rc = rk_fail(e, RK_EINTERNAL, "out of memory");
        for (size_t i = 0; !rc && i < p.n; i++) {
            cl[i] = p.v[i].claim;
            names[i] = p.v[i].name;
        }
        if (!rc)
            rc = agg_check_chain(cl, names, p.n, claim, e);
        free(cl);
        free(names);
    }
    if (!rc) {
        claim->mode = AGG_MODE_CARRIES_RECEIPTS;
        claim->security_bits = least_bits(&p, 0);
        rk_buf payload;
        rk_buf_init(&payload);
        rk_buf_u32(&payload, (uint32_t)p.n);
        for (size_t i = 0; i < p.n && !rc; i++) {
            rk_buf one;
            rk_buf_init(&one);
            rc = rk_file_encode(&p.v[i].file, &one, e);
            rk_buf_u64(&payload, one.len);
            rk_buf_put(&payload, one.data, one.len);
            rk_buf_free(&one);
        }
        uint8_t meta[AGG_META_LEN];
        agg_claim_encode(claim, meta);
        if (!rc && payload.oom)
            rc = rk_fail(e, RK_EINTERNAL, "out of memory building the aggregate");
        if (!rc)
            rc = rk_file_set(out, RK_KIND_AGGREGATE, AGG_KIND_VERSION, meta, sizeof meta, payload.data,
                             payload.len, e);
        rk_buf_free(&payload);
    }
    parts_free(&p);
    return rc;
}
