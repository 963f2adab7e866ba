/* receipt.c - segment receipts: claim and payload codec, the prover (replay
 * -> traces -> checks -> STARK) and the verifier (docs/formats.md "Receipt"). */
#include "receipt/receipt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "memstate/memstate.h"
#include "stark/stark.h"

/* ---- claim ---- */
void rcpt_claim_encode(const rcpt_claim *c, uint8_t out[RCPT_META_LEN])
{
    memset(out, 0, RCPT_META_LEN);
    ms_digest_to_bytes(&c->image_id, out);
    rk_put_le32(out + 32, c->index);
    ms_digest_to_bytes(&c->pre_state, out + 36);
    ms_digest_to_bytes(&c->post_state, out + 68);
    rk_put_le32(out + 100, c->halted);
    rk_put_le32(out + 104, c->exit_code);
    for (int i = 0; i < 8; i++)
        rk_put_le32(out + 108 + 4 * i, c->committed[i]);
    rk_put_le64(out + 140, c->cycles);
}

int rcpt_claim_decode(rcpt_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e)
{
    memset(c, 0, sizeof *c);
    if (len != RCPT_META_LEN)
        return rk_fail(e, RK_EINPUT, "%s: receipt claim is %zu bytes, want %u", name, len, RCPT_META_LEN);
    if (ms_digest_from_bytes(&c->image_id, meta) || ms_digest_from_bytes(&c->pre_state, meta + 36) ||
        ms_digest_from_bytes(&c->post_state, meta + 68))
        return rk_fail(e, RK_EINPUT, "%s: non-canonical field element in a claim digest", name);
    c->index = rk_le32(meta + 32);
    c->halted = rk_le32(meta + 100);
    c->exit_code = rk_le32(meta + 104);
    for (int i = 0; i < 8; i++)
        c->committed[i] = rk_le32(meta + 108 + 4 * i);
    c->cycles = rk_le64(meta + 140);
    if (c->halted > 1)
        return rk_fail(e, RK_EINPUT, "%s: halted flag %u (must be 0 or 1)", name, c->halted);
    if (!c->halted && c->exit_code)
        return rk_fail(e, RK_EINPUT, "%s: exit code %u without HALT", name, c->exit_code);
    if (c->cycles == 0 || c->cycles > (1u << SEG_PO2_MAX))
        return rk_fail(e, RK_EINPUT, "%s: %llu cycles (must be 1..2^%d)", name, (unsigned long long)c->cycles,
                       SEG_PO2_MAX);
    return RK_OK;
}

/* ---- payload ----
 *   u32 log_blowup, num_queries, pow_bits, log_final_poly_len
 *   u32 pc_pre, pc_post
 *   u32 text_lo, text_hi (the executable range, in both states)
 *   u32 cell_pre[48], cell_post[48], cell_ts[48]
 *   u32 n_pages, pages[n_pages], digest leaf_pre[n_pages], digest leaf_post[n_pages]
 *   u32 n_sib, digest sib[n_sib]
 *   u32 proof_len, proof bytes (lib/stark layout), nothing after */
static void put_digest(rk_buf *b, const p2_digest *d)
{
    uint8_t x[32];
    ms_digest_to_bytes(d, x);
    rk_buf_put(b, x, 32);
}

static int get_digest(rk_rd *r, p2_digest *d)
{
    const uint8_t *p = rk_rd_bytes(r, 32);
    return !p || ms_digest_from_bytes(d, p);
}

void rcpt_init(receipt *r)
{
    memset(r, 0, sizeof *r);
    rvair_boundary_init(&r->bnd);
    rk_file_init(&r->file);
}

void rcpt_free(receipt *r)
{
    rvair_boundary_free(&r->bnd);
    free(r->sib);
    rk_file_free(&r->file);
    memset(r, 0, sizeof *r);
}

int rcpt_decode(receipt *r, const rk_file *f, const char *name, rk_err *e)
{
    if (f->kind != RK_KIND_RECEIPT)
        return rk_fail(e, RK_EINPUT, "%s: not a receipt", name);
    if (f->kind_version != RCPT_KIND_VERSION)
        return rk_fail(e, RK_EINPUT, "%s: receipt version %u (this build reads %u)", name, f->kind_version,
                       RCPT_KIND_VERSION);
    int rc = rcpt_claim_decode(&r->claim, f->meta, f->meta_len, name, e);
    if (rc)
        return rc;
    rk_rd rd;
    rk_rd_init(&rd, f->payload, f->payload_len);
    r->fri.log_blowup = rk_rd_u32(&rd);
    r->fri.num_queries = rk_rd_u32(&rd);
    r->fri.pow_bits = rk_rd_u32(&rd);
    r->fri.log_final_poly_len = rk_rd_u32(&rd);
    rvair_boundary *b = &r->bnd;
    b->pc_pre = rk_rd_u32(&rd);
    b->pc_post = rk_rd_u32(&rd);
    b->text_lo = rk_rd_u32(&rd);
    b->text_hi = rk_rd_u32(&rd);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        b->cell_pre[i] = rk_rd_u32(&rd);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        b->cell_post[i] = rk_rd_u32(&rd);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        b->cell_ts[i] = rk_rd_u32(&rd);
    uint32_t n = rk_rd_u32(&rd);
    if (rd.bad || n > RVAIR_MAX_PAGES || (size_t)n * 68 > rk_rd_left(&rd))
        return rk_fail(e, RK_EINPUT, "%s: truncated receipt or bad page count", name);
    b->n_pages = n;
    b->pages = malloc((n ? n : 1) * sizeof *b->pages);
    b->leaf_pre = malloc((n ? n : 1) * sizeof *b->leaf_pre);
    b->leaf_post = malloc((n ? n : 1) * sizeof *b->leaf_post);
    if (!b->pages || !b->leaf_pre || !b->leaf_post)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        b->pages[i] = rk_rd_u32(&rd);
    for (uint32_t i = 0; i < n; i++)
        if (get_digest(&rd, &b->leaf_pre[i]))
            return rk_fail(e, RK_EINPUT, "%s: bad page digest", name);
    for (uint32_t i = 0; i < n; i++)
        if (get_digest(&rd, &b->leaf_post[i]))
            return rk_fail(e, RK_EINPUT, "%s: bad page digest", name);
    uint32_t ns = rk_rd_u32(&rd);
    if (rd.bad || (size_t)ns * 32 > rk_rd_left(&rd))
        return rk_fail(e, RK_EINPUT, "%s: truncated receipt or bad multiproof length", name);
    r->n_sib = ns;
    r->sib = malloc((ns ? ns : 1) * sizeof *r->sib);
    if (!r->sib)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    for (uint32_t i = 0; i < ns; i++)
        if (get_digest(&rd, &r->sib[i]))
            return rk_fail(e, RK_EINPUT, "%s: bad multiproof digest", name);
    uint32_t pl = rk_rd_u32(&rd);
    r->proof = rk_rd_bytes(&rd, pl);
    r->proof_len = pl;
    if (!r->proof || !rk_rd_done(&rd))
        return rk_fail(e, RK_EINPUT, "%s: truncated receipt or trailing bytes", name);
    b->image_id = r->claim.image_id;
    b->index = r->claim.index;
    b->cycles = r->claim.cycles;
    b->halted = r->claim.halted;
    b->exit_code = r->claim.exit_code;
    return RK_OK;
}

static int encode_payload(const fri_params *fri, const rvair_boundary *b, const p2_digest *sib, size_t n_sib,
                          const rk_buf *proof, rk_buf *out)
{
    rk_buf_u32(out, fri->log_blowup);
    rk_buf_u32(out, fri->num_queries);
    rk_buf_u32(out, fri->pow_bits);
    rk_buf_u32(out, fri->log_final_poly_len);
    rk_buf_u32(out, b->pc_pre);
    rk_buf_u32(out, b->pc_post);
    rk_buf_u32(out, b->text_lo);
    rk_buf_u32(out, b->text_hi);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        rk_buf_u32(out, b->cell_pre[i]);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        rk_buf_u32(out, b->cell_post[i]);
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        rk_buf_u32(out, b->cell_ts[i]);
    rk_buf_u32(out, b->n_pages);
    for (uint32_t i = 0; i < b->n_pages; i++)
        rk_buf_u32(out, b->pages[i]);
    for (uint32_t i = 0; i < b->n_pages; i++)
        put_digest(out, &b->leaf_pre[i]);
    for (uint32_t i = 0; i < b->n_pages; i++)
        put_digest(out, &b->leaf_post[i]);
    rk_buf_u32(out, (uint32_t)n_sib);
    for (size_t i = 0; i < n_sib; i++)
        put_digest(out, &sib[i]);
    rk_buf_u32(out, (uint32_t)proof->len);
    rk_buf_put(out, proof->data, proof->len);
    return out->oom ? RK_EINTERNAL : RK_OK;
}

/* ---- the machine and its verifying key ---- */
/* The proving key of machine m (its preprocessed BYTES table's LDE and commitment). */
static int machine_key(const air_machine *m, const fri_params *fri, stark_pk *pk, rk_err *e)
{
    bb_t *pre = rvair_bytes_preprocessed();
    if (!pre)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    const bb_t *pres[RVAIR_N_TABLES] = {0};
    unsigned plh[RVAIR_N_TABLES] = {0};
    pres[RVAIR_T_BYTES] = pre;
    plh[RVAIR_T_BYTES] = RVAIR_BYTES_LOG;
    int rc = stark_keygen(m, fri, pres, plh, pk, e);
    free(pre);
    return rc;
}

static int machine_and_key(air_machine *m, uint32_t n_pages, const fri_params *fri, stark_pk *pk, rk_err *e)
{
    int rc = rvair_machine_build(m, n_pages, e);
    return rc ? rc : machine_key(m, fri, pk, e);
}

/* The verifying key depends only on the FRI parameters (the BYTES table is
 * the only preprocessed one; the number of pages changes public values, not
 * tables), so the verifier computes it once per parameters and keeps it.
 * Verifiers run side by side (raiko-aggregate checks receipts in parallel,
 * tests verify thousands of tampered receipts at once), and a receipt with
 * other parameters must not free a key another thread is still reading: each
 * entry counts its users and is freed only when unused and evicted.  At most
 * VK_CACHE_KEEP unused entries stay, so a stream of receipts with changing
 * (e.g. tampered) parameters cannot grow the cache without bound. */
#define VK_CACHE_KEEP 4
typedef struct vk_entry {
    struct vk_entry *next;
    unsigned users;
    fri_params fri;
    air_machine m;
    stark_pk pk;
} vk_entry;
static vk_entry *vk_cache;

static void vk_entry_free(vk_entry *v)
{
    stark_pk_free(&v->pk);
    air_machine_free(&v->m);
    free(v);
}

/* caller holds the lock: drop unused entries past the first VK_CACHE_KEEP */
static void vk_cache_trim(void)
{
    unsigned kept = 0;
    for (vk_entry **pp = &vk_cache; *pp;) {
        vk_entry *v = *pp;
        if (v->users == 0 && ++kept > VK_CACHE_KEEP) {
            *pp = v->next;
            vk_entry_free(v);
        } else {
            pp = &v->next;
        }
    }
}

static int vk_acquire(const fri_params *fri, vk_entry **out, rk_err *e)
{
    int rc = RK_OK;
    vk_entry *hit = NULL;
#pragma omp critical(rcpt_vk_cache)
    {
        for (vk_entry *v = vk_cache; v; v = v->next)
            if (!memcmp(&v->fri, fri, sizeof *fri)) {
                hit = v;
                break;
            }
        if (hit)
            hit->users++;
    }
    if (hit) {
        *out = hit;
        return RK_OK;
    }
    /* build outside the lock (keygen commits the BYTES table: not free) */
    vk_entry *v = calloc(1, sizeof *v);
    if (!v)
        return rk_fail(e, RK_EINTERNAL, "out of memory for a verifying key");
    stark_pk_init(&v->pk);
    rc = machine_and_key(&v->m, 0, fri, &v->pk, e);
    if (rc) {
        vk_entry_free(v);
        return rc;
    }
    v->fri = *fri;
    v->users = 1;
#pragma omp critical(rcpt_vk_cache)
    {
        v->next = vk_cache;
        vk_cache = v;
        vk_cache_trim();
    }
    *out = v;
    return RK_OK;
}

static void vk_release(vk_entry *v)
{
    if (!v)
        return;
#pragma omp critical(rcpt_vk_cache)
    {
        v->users--;
        vk_cache_trim();
    }
}

/* ---- prover ---- */
typedef struct replay_ctx {
    rvair_builder *b;
    rk_rd items;     /* the segment's HINT_READ items, consumed in order */
    rk_err *e;
} replay_ctx;

static int on_step(void *vc, const rv_step_rec *rec)
{
    replay_ctx *c = vc;
    const uint8_t *hint = NULL;
    if (rec->insn.op == RV_ECALL && rec->syscall == RV_SYS_HINT_READ) {
        uint32_t len = rk_rd_u32(&c->items);
        hint = rk_rd_bytes(&c->items, len);
        if (c->items.bad)
            return rk_fail(c->e, RK_EINPUT, "advice tape ends early");
    }
    return rvair_builder_step(c->b, rec, hint, c->e);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int rcpt_prove_segment(const segment *s, const fri_params *fri, const rcpt_prove_opts *opts, rk_file *f,
                       rcpt_stats *stats, rk_err *e)
{
    static const rcpt_prove_opts none = {0};
    if (!opts)
        opts = &none;
    int rc = fri_params_check(fri, e);
    if (rc)
        return rc;
    double t0 = now_s();
    air_machine m;
    memset(&m, 0, sizeof m);
    stark_pk pk;
    stark_pk_init(&pk);
    rvair_trace tr;
    rvair_trace_init(&tr);
    rk_buf proof, payload;
    rk_buf_init(&proof);
    rk_buf_init(&payload);
    bb_t *pub = NULL, *pre = NULL;
    const seg_claim *sc = &s->claim;

    /* the machine now, its key after the traces: the key is the first GPU work, and a device
     * opened with rk_backend_select_later gets the trace building's time to start */
    rc = rvair_machine_build(&m, (uint32_t)s->n_pages, e);
    if (rc)
        goto out;
    double t_machine = now_s(), keygen_s = 0;
#define PROGRESS(phase) (opts->progress ? opts->progress(opts->progress_ctx, phase) : (void)0)
    PROGRESS("machine");
    replay_ctx c = {NULL, {0}, e};
    rk_rd_init(&c.items, s->tape_items, s->tape_items_len);
    rc = rvair_builder_new(&c.b, sc->start_pc, s->text_lo, s->text_hi, s->regs, s->committed, s->deferred,
                           s->pages, (uint32_t)s->n_pages, s->page_data, e);
    if (rc)
        goto out;
    rc = rvair_builder_reserve(c.b, sc->cycles, e);
    if (!rc)
        rc = seg_replay(s, on_step, &c, e);
    if (rc) {
        rvair_builder_free(c.b);
        goto out;
    }
    double t_replay = now_s();
    PROGRESS("replay");
    rc = rvair_builder_finish(c.b, &m, &tr, e);
    if (rc)
        goto out;
    PROGRESS("trace");
    double t_keygen = now_s();
    if ((rc = rk_backend_ready(e)) || (rc = machine_key(&m, fri, &pk, e)))
        goto out;
    keygen_s = now_s() - t_keygen; /* with the wait for the device, if it is still starting */
    PROGRESS("key");
#undef PROGRESS
    if (!opts->skip_checks &&
        (tr.bnd.pc_post != sc->end_pc || tr.bnd.cycles != sc->cycles || tr.bnd.halted != sc->halted ||
         tr.bnd.exit_code != sc->exit_code)) {
        rc = rk_fail(e, RK_EFALSE, "segment %u: the replay ends at pc 0x%08x after %llu cycles, the segment "
                     "claims 0x%08x after %llu", sc->index, tr.bnd.pc_post, (unsigned long long)tr.bnd.cycles,
                     sc->end_pc, (unsigned long long)sc->cycles);
        goto out;
    }
    tr.bnd.image_id = sc->image_id;
    tr.bnd.index = sc->index;
    if (opts->tamper)
        opts->tamper(&tr, opts->tamper_ctx);
    if (opts->full_check && !opts->skip_checks) {
        pre = rvair_bytes_preprocessed();
        if (!pre) {
            rc = rk_fail(e, RK_EINTERNAL, "out of memory");
            goto out;
        }
        rc = rvair_check(&m, &tr, pre, e);
        if (rc) {
            rk_err_prefix(e, "segment %u: the prover's own check", sc->index);
            rc = RK_EINTERNAL;
            goto out;
        }
    }
    double t1 = now_s();
    if ((rc = rvair_publics(&tr.bnd, &pub, e)))
        goto out;
    {
        const bb_t *traces[RVAIR_N_TABLES];
        for (int i = 0; i < RVAIR_N_TABLES; i++)
            traces[i] = tr.main[i];
        stark_prove_opts so = {opts->skip_checks, stats ? &stats->phases : NULL, opts->progress, opts->progress_ctx};
        rc = stark_prove(&pk, traces, tr.log_h, pub, &so, &proof, e);
        if (rc)
            goto out;
    }
    double t2 = now_s();
    if ((rc = encode_payload(fri, &tr.bnd, s->sib, s->n_sib, &proof, &payload))) {
        rk_fail(e, RK_EINTERNAL, "out of memory");
        goto out;
    }
    {
        rcpt_claim cl;
        memset(&cl, 0, sizeof cl);
        cl.image_id = tr.bnd.image_id;
        cl.index = tr.bnd.index;
        cl.pre_state = sc->pre_state;
        cl.post_state = sc->post_state;
        cl.halted = tr.bnd.halted;
        cl.exit_code = tr.bnd.exit_code;
        memcpy(cl.committed, tr.bnd.cell_post + 32, sizeof cl.committed);
        cl.cycles = tr.bnd.cycles;
        rk_file_init(f);
        f->kind = RK_KIND_RECEIPT;
        f->kind_version = RCPT_KIND_VERSION;
        f->meta = malloc(RCPT_META_LEN);
        if (!f->meta) {
            rc = rk_fail(e, RK_EINTERNAL, "out of memory");
            goto out;
        }
        rcpt_claim_encode(&cl, f->meta);
        f->meta_len = RCPT_META_LEN;
        f->payload = rk_buf_take(&payload, &f->payload_len);
    }
    if (stats) {
        stats->cycles = tr.bnd.cycles;
        stats->proof_bytes = proof.len;
        stats->trace_s = t1 - t0;
        stats->key_s = t_machine - t0 + keygen_s;
        stats->replay_s = t_replay - t_machine;
        stats->fill_s = tr.fill_s;
        stats->tables_s = tr.tables_s;
        stats->count_s = tr.count_s;
        stats->prove_s = t2 - t1;
    }
out:
    free(pub);
    free(pre);
    rk_buf_free(&proof);
    rk_buf_free(&payload);
    rvair_trace_free(&tr);
    stark_pk_free(&pk);
    air_machine_free(&m);
    return rc;
}

/* ---- verifier ---- */
int rcpt_verify(const receipt *r, unsigned min_bits, rk_err *e)
{
    const rcpt_claim *c = &r->claim;
    const rvair_boundary *b = &r->bnd;
    rk_err sub;
    int rc = fri_params_check(&r->fri, e);
    if (rc)
        return RK_EFALSE;
    if (fri_security_bits(&r->fri) < min_bits)
        return rk_fail(e, RK_EFALSE, "FRI parameters give %u bits of conjectured security, below the %u required",
                       fri_security_bits(&r->fri), min_bits);
    /* the boundary's own rules */
    if (b->pc_pre >= RV_MEM_END || b->pc_post >= RV_MEM_END)
        return rk_fail(e, RK_EFALSE, "pc outside guest memory");
    if (b->cell_pre[0] || b->cell_post[0])
        return rk_fail(e, RK_EFALSE, "x0 is not zero");
    /* the executable range: sane for the AIR's limb comparisons, and a non-halted segment ends
     * inside it (the range is bound to the image id through the state digests below) */
    if ((rc = rvair_boundary_check(b, e)))
        return rc;
    for (int i = 0; i < RVAIR_N_CELLS; i++)
        if (b->cell_ts[i] >= BB_P)
            return rk_fail(e, RK_EFALSE, "timestamp not a field element");
    for (uint32_t i = 0; i < b->n_pages; i++)
        if (b->pages[i] >= RVAIR_PAGE_LIMIT || (i && b->pages[i] <= b->pages[i - 1]))
            return rk_fail(e, RK_EFALSE, "page list not sorted, distinct and inside guest memory");
    /* boundary -> state digests of the claim */
    p2_digest root_pre, root_post, st;
    if (ms_multiproof_root(b->pages, b->leaf_pre, b->n_pages, r->sib, r->n_sib, &root_pre, &sub) ||
        ms_multiproof_root(b->pages, b->leaf_post, b->n_pages, r->sib, r->n_sib, &root_post, &sub))
        return rk_fail(e, RK_EFALSE, "page multiproof: %s", sub.msg);
    ms_state_digest(&root_pre, b->pc_pre, b->text_lo, b->text_hi, b->cell_pre, b->cell_pre + 32, b->cell_pre + 40, &st);
    if (!ms_digest_eq(&st, &c->pre_state))
        return rk_fail(e, RK_EFALSE, "the boundary does not match the claimed pre-state");
    ms_state_digest(&root_post, b->pc_post, b->text_lo, b->text_hi, b->cell_post, b->cell_post + 32, b->cell_post + 40, &st);
    if (!ms_digest_eq(&st, &c->post_state))
        return rk_fail(e, RK_EFALSE, "the boundary does not match the claimed post-state");
    if (memcmp(c->committed, b->cell_post + 32, sizeof c->committed))
        return rk_fail(e, RK_EFALSE, "the claimed public-values digest is not the committed one");
    if (c->index == 0 && !ms_digest_eq(&c->pre_state, &c->image_id))
        return rk_fail(e, RK_EFALSE, "segment 0 does not start from the image id");
    if (c->halted && b->pc_post != 0)
        return rk_fail(e, RK_EFALSE, "a halted segment must end at pc 0");
    /* the STARK proof of the segment AIR with these public values */
    air_machine m;
    memset(&m, 0, sizeof m);
    vk_entry *vk = NULL;
    bb_t *pub = NULL;
    rc = vk_acquire(&r->fri, &vk, e);
    if (!rc)
        rc = rvair_machine_build(&m, b->n_pages, e);
    if (!rc)
        rc = rvair_publics(b, &pub, e);
    if (!rc) {
        /* the tables' heights (the proof's first words) are those of this claim: a padded
         * table would weaken the extension-field terms (docs/stark.md, "Security") */
        unsigned allowed[RVAIR_N_TABLES], stated[RVAIR_N_TABLES];
        rvair_log_heights(b->cycles, b->n_pages, allowed);
        size_t nt = m.n_tables < RVAIR_N_TABLES ? m.n_tables : RVAIR_N_TABLES;
        rc = stark_proof_log_heights(r->proof, r->proof_len, nt, stated, e);
        for (size_t t = 0; !rc && t < nt; t++) {
            uint32_t h = stated[t];
            if (t == RVAIR_T_HINT ? h > allowed[t] : h != allowed[t])
                rc = rk_fail(e, RK_EFALSE, "table %s has height 2^%u in the proof; %llu cycles and %u pages allow 2^%u%s",
                             m.tables[t]->name, h, (unsigned long long)b->cycles, b->n_pages, allowed[t],
                             t == RVAIR_T_HINT ? " at most" : "");
        }
    }
    if (!rc) {
        rc = stark_verify(&m, &vk->pk.vk, pub, r->proof, r->proof_len, e);
        if (rc && rc != RK_EINTERNAL)
            rc = RK_EFALSE;
    }
    vk_release(vk);
    free(pub);
    air_machine_free(&m);
    return rc;
}
