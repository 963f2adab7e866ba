/* stark.c - verifying/proving keys, the transcript opening, shapes shared by prover and verifier. */
#include "stark/stark.h"

#include <stdlib.h>
#include <string.h>

#include "ntt/ntt.h"

#define STARK_VK_VERSION 2 /* 2: the AIR digest, the hash id (1 = BabyBear Poseidon2-16) */
#define STARK_HASH_BABYBEAR_P2 1
#define STARK_AIR_DIGEST_TAG 0x44415352u /* "RSAD" */
#define STARK_TRANSCRIPT_TAG 0x4b545352u /* "RSTK": domain separation of the transcript */

void stark_vk_init(stark_vk *vk) { memset(vk, 0, sizeof *vk); }
void stark_vk_free(stark_vk *vk)
{
    free(vk->pre_log_heights);
    memset(vk, 0, sizeof *vk);
}

void stark_pk_init(stark_pk *pk)
{
    memset(pk, 0, sizeof *pk);
    merkle_tree_init(&pk->pre_tree);
}

void stark_pk_free(stark_pk *pk)
{
    for (uint32_t t = 0; t < pk->vk.n_tables; t++) {
        if (pk->pre_trace)
            free(pk->pre_trace[t]);
        if (pk->pre_lde)
            free(pk->pre_lde[t]);
    }
    free(pk->pre_trace);
    free(pk->pre_lde);
    merkle_tree_free(&pk->pre_tree);
    stark_vk_free(&pk->vk);
    memset(pk, 0, sizeof *pk);
}

unsigned stark_security_bits(const stark_vk *vk) { return fri_security_bits(&vk->fri); }

unsigned stark_log_quotient_degree(const air_table *t)
{
    unsigned d = t->max_degree > 2 ? t->max_degree - 1 : 1, l = 0;
    while ((1u << l) < d)
        l++;
    return l;
}

int stark_check_machine(const air_machine *m, const stark_vk *vk, rk_err *e)
{
    if (!m->finalized)
        return rk_fail(e, RK_EINPUT, "stark: the machine is not finalized");
    if (vk->n_tables != m->n_tables)
        return rk_fail(e, RK_EINPUT, "stark: vk has %u tables, machine %zu", vk->n_tables, m->n_tables);
    int rc = fri_params_check(&vk->fri, e);
    if (rc)
        return rc;
    if (vk->fri.log_arity < 1 || vk->fri.log_arity > FRI_MAX_LOG_ARITY)
        return rk_fail(e, RK_EINPUT, "stark: FRI log arity %u not in 1..%d", vk->fri.log_arity,
                       FRI_MAX_LOG_ARITY);
    int any_pre = 0;
    for (size_t t = 0; t < m->n_tables; t++) {
        const air_table *tb = m->tables[t];
        unsigned lq = stark_log_quotient_degree(tb);
        if (lq > vk->fri.log_blowup)
            return rk_fail(e, RK_EINPUT,
                           "stark: table %s has constraint degree %u, which needs log_blowup >= %u",
                           tb->name, tb->max_degree, lq);
        if (tb->pre_width) {
            any_pre = 1;
            uint32_t h = vk->pre_log_heights[t];
            if (h < 1 || h < vk->fri.log_final_poly_len || h > STARK_MAX_LOG_HEIGHT ||
                h + vk->fri.log_blowup > 27)
                return rk_fail(e, RK_EINPUT, "stark: table %s: preprocessed log height %u out of range",
                               tb->name, h);
        } else if (vk->pre_log_heights[t] != 0) {
            return rk_fail(e, RK_EINPUT, "stark: table %s has no preprocessed columns but vk gives a height",
                           tb->name);
        }
    }
    if (any_pre != vk->has_pre)
        return rk_fail(e, RK_EINPUT, "stark: vk and machine disagree on preprocessed columns");
    p2_digest ad;
    if ((rc = stark_air_digest(m, &ad, e)))
        return rc;
    if (memcmp(&ad, &vk->air_digest, sizeof ad) != 0)
        return rk_fail(e, RK_EINPUT,
                       "stark: the verifying key was made for another AIR (the constraint-system digests differ)");
    return RK_OK;
}

/* ---- the AIR digest ---- */

static void put_table(rk_buf *b, const air_table *tb)
{
    rk_buf_u32(b, tb->main_width);
    rk_buf_u32(b, tb->pre_width);
    rk_buf_u32(b, tb->perm_width);
    rk_buf_u32(b, tb->n_batches);
    for (unsigned i = 0; tb->batch_start && i <= tb->n_batches; i++)
        rk_buf_u32(b, tb->batch_start[i]);
    rk_buf_u32(b, tb->max_degree);
    rk_buf_u32(b, (uint32_t)tb->n_nodes);
    for (size_t i = 0; i < tb->n_nodes; i++) {
        const air_node *nd = &tb->nodes[i];
        rk_buf_u32(b, nd->op);
        rk_buf_u32(b, nd->a);
        rk_buf_u32(b, nd->b);
        rk_buf_u32(b, nd->op == AIR_OP_CONST ? bb_to_u32(nd->k) : 0);
    }
    rk_buf_u32(b, (uint32_t)tb->n_constraints);
    rk_buf_u32(b, tb->n_user_constraints);
    for (size_t i = 0; i < tb->n_constraints; i++)
        rk_buf_u32(b, tb->constraints[i]);
    rk_buf_u32(b, (uint32_t)tb->n_inter);
    for (size_t j = 0; j < tb->n_inter; j++) {
        const air_interaction *it = &tb->inter[j];
        rk_buf_u32(b, it->bus);
        rk_buf_u32(b, it->sign > 0);
        rk_buf_u32(b, it->mult);
        rk_buf_u32(b, it->n_values);
        for (unsigned k = 0; k < it->n_values; k++)
            rk_buf_u32(b, it->values[k]);
    }
}

/* Poseidon2 over the words of b (each a count, an index below 2^31 or a canonical
 * constant, so the map to field elements is injective); frees b. */
static int hash_words(rk_buf *b, p2_digest *out, rk_err *e)
{
    size_t n = b->len / 4;
    bb_t *w = b->oom ? NULL : malloc((n ? n : 1) * sizeof *w);
    if (!w) {
        rk_buf_free(b);
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory hashing the AIR");
    }
    for (size_t i = 0; i < n; i++)
        w[i] = bb_from_u32(rk_le32(b->data + 4 * i));
    p2_hash(w, n, out);
    free(w);
    rk_buf_free(b);
    return RK_OK;
}

int stark_air_digest(const air_machine *m, p2_digest *out, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    rk_buf_u32(&b, STARK_AIR_DIGEST_TAG & 0x3fffffff);
    rk_buf_u32(&b, 1); /* serialization version */
    rk_buf_u32(&b, (uint32_t)m->n_buses);
    for (size_t i = 0; i < m->n_buses; i++)
        rk_buf_u32(&b, m->buses[i].arity);
    rk_buf_u32(&b, (uint32_t)m->n_tables);
    for (size_t t = 0; t < m->n_tables; t++)
        put_table(&b, m->tables[t]);
    return hash_words(&b, out, e);
}

int stark_vk_digest(const stark_vk *vk, p2_digest *out, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    int rc = stark_vk_encode(vk, &b, e);
    size_t n = b.len / 4;
    bb_t *w = rc ? NULL : malloc((n ? n : 1) * sizeof *w);
    if (!rc && !w)
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory hashing the vk");
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            w[i] = bb_from_u32(rk_le32(b.data + 4 * i)); /* magic < p; the rest canonical */
        p2_hash(w, n, out);
    }
    free(w);
    rk_buf_free(&b);
    return rc;
}

void stark_observe_instance(chal *c, const air_machine *m, const p2_digest *vk_digest, const bb_t *publics,
                            const unsigned *log_heights)
{
    /* The key's digest binds the FRI parameters, the preprocessed root and the tables'
     * AIR (so every shape); then the statement: the public values, the heights. */
    chal_observe_u32(c, STARK_TRANSCRIPT_TAG & 0x3fffffff);
    chal_observe_digest(c, vk_digest);
    chal_observe_u32(c, m->n_public);
    chal_observe_many(c, publics, m->n_public);
    for (size_t t = 0; t < m->n_tables; t++)
        chal_observe_u32(c, log_heights[t]);
}

bb4_t stark_ext_from_parts(const bb4_t *parts)
{
    bb4_t r = bb4_zero();
    for (int j = 0; j < 4; j++) {
        bb4_t xj = bb4_zero();
        xj.c[j] = bb_one();
        r = bb4_add(r, bb4_mul(parts[j], xj));
    }
    return r;
}

bb4_t stark_logup_den_point(const air_interaction *it, const bb4_t *ch, const bb4_t *v)
{
    bb4_t d = stark_logup_den_base(ch, it->bus);
    for (unsigned k = 0; k < it->n_values; k++)
        d = bb4_add(d, bb4_mul(ch[AIR_CH_GAMMA1 + k], v[it->values[k]]));
    return d;
}

int stark_public_logup_sum(const air_machine *m, const bb_t *publics, const bb4_t *ch, bb4_t *sum,
                           bb4_t *per_bus)
{
    *sum = bb4_zero();
    if (!m->pub || m->pub->n_inter == 0)
        return RK_OK;
    bb4_t *v = malloc((m->pub->n_nodes + 1) * sizeof *v);
    if (!v)
        return RK_EINTERNAL;
    air_point pt;
    memset(&pt, 0, sizeof pt);
    pt.publics = publics;
    pt.challenges = ch;
    air_eval_point(m->pub, &pt, v);
    int rc = RK_OK;
    for (size_t j = 0; j < m->pub->n_inter; j++) {
        const air_interaction *it = &m->pub->inter[j];
        bb4_t d = stark_logup_den_point(it, ch, v);
        if (bb4_eq(d, bb4_zero()))
            rc = RK_EFALSE;
        bb4_t term = bb4_mul(v[it->mult], bb4_inv(d));
        if (it->sign < 0)
            term = bb4_sub(bb4_zero(), term);
        *sum = bb4_add(*sum, term);
        if (per_bus)
            per_bus[it->bus] = bb4_add(per_bus[it->bus], term);
    }
    free(v);
    return rc;
}

/* Where one table's opened values sit in its block of the proof (extension elements). */
size_t stark_table_open_layout(const air_table *tb, unsigned log_qd, const bb4_t *base, stark_topen *o)
{
    size_t pw4 = 4 * (size_t)tb->perm_width, k = 0;
    o->pre[0] = base + k, k += tb->pre_width;
    o->pre[1] = base + k, k += tb->pre_width;
    o->main[0] = base + k, k += tb->main_width;
    o->main[1] = base + k, k += tb->main_width;
    o->perm[0] = base + k, k += pw4;
    o->perm[1] = base + k, k += pw4;
    o->quot = base + k, k += 4 * ((size_t)1 << log_qd);
    o->n = k;
    return k;
}

size_t stark_fri_layout(const air_machine *m, const unsigned *log_n, unsigned log_blowup, const stark_topen *op,
                        const bb4_t *const *pts, size_t *widths, unsigned *lh, unsigned *np, const bb4_t **pts_out,
                        const bb4_t **vals, size_t *tab, fri_batch *fb, int *commit)
{
    size_t nfb = 0, slot = 0;
    for (int round = 0; round < 4; round++) {
        size_t first = slot;
        for (size_t t = 0; t < m->n_tables; t++) {
            const air_table *tb = m->tables[t];
            if ((round == 0 && !tb->pre_width) || (round == 2 && !tb->perm_width))
                continue;
            const stark_topen *o = &op[t];
            widths[slot] = round == 0   ? tb->pre_width
                           : round == 1 ? tb->main_width
                           : round == 2 ? 4 * (size_t)tb->perm_width
                                        : (size_t)(o->n - (size_t)(o->quot - o->pre[0]));
            vals[slot] = round == 0 ? o->pre[0] : round == 1 ? o->main[0] : round == 2 ? o->perm[0] : o->quot;
            lh[slot] = log_n[t] + log_blowup;
            np[slot] = round == 3 ? 1 : 2;
            pts_out[slot] = pts[t];
            tab[slot] = t;
            slot++;
        }
        if (slot == first)
            continue;
        memset(&fb[nfb], 0, sizeof fb[nfb]);
        fb[nfb].n_mats = slot - first;
        fb[nfb].log_heights = lh + first;
        fb[nfb].widths = widths + first;
        fb[nfb].n_points = np + first;
        fb[nfb].points = pts_out + first;
        fb[nfb].values = vals + first;
        commit[nfb] = round;
        nfb++;
    }
    return nfb;
}

/* The out-of-domain check of one table:
 *   sum_i alpha^i C_i(zeta) == Z_H(zeta) * sum_t zeta^(t n) Q_t(zeta). */
int stark_table_check_at_zeta(const air_table *tb, unsigned log_n, unsigned log_qd, const stark_topen *o,
                              const bb_t *publics, const bb4_t *ch, bb4_t alpha, bb4_t zeta)
{
    const size_t n = (size_t)1 << log_n, pw = tb->perm_width;
    const bb_t g_inv = bb_inv(bb_two_adic_generator(log_n));
    bb4_t zh = bb4_sub(bb4_pow(zeta, n), bb4_one());
    bb4_t zm1 = bb4_sub(zeta, bb4_one()), zmg = bb4_sub(zeta, bb4_from_base(g_inv));
    if (bb4_eq(zh, bb4_zero()) || bb4_eq(zm1, bb4_zero()) || bb4_eq(zmg, bb4_zero()))
        return RK_EFALSE;

    bb4_t *perm = malloc((2 * pw + 1) * sizeof *perm);
    bb4_t *v = malloc(tb->n_nodes * sizeof *v);
    if (!perm || !v) {
        free(perm);
        free(v);
        return RK_EINTERNAL;
    }
    for (int j = 0; j < 2; j++)
        for (size_t a = 0; a < pw; a++)
            perm[j * pw + a] = stark_ext_from_parts(o->perm[j] + 4 * a);
    air_point pt = {o->main[0], o->main[1], o->pre[0],  o->pre[1],
                    perm,       perm + pw,  publics,    ch,
                    bb4_mul(zh, bb4_inv(zm1)), bb4_mul(zh, bb4_inv(zmg)), zmg};
    air_eval_point(tb, &pt, v);
    bb4_t acc = bb4_zero(), ap = bb4_one();
    for (size_t i = 0; i < tb->n_constraints; i++) {
        acc = bb4_add(acc, bb4_mul(ap, v[tb->constraints[i]]));
        ap = bb4_mul(ap, alpha);
    }
    bb4_t q = bb4_zero(), zn = bb4_pow(zeta, n), zt = bb4_one();
    for (size_t t = 0; t < ((size_t)1 << log_qd); t++) {
        q = bb4_add(q, bb4_mul(zt, stark_ext_from_parts(o->quot + 4 * t)));
        zt = bb4_mul(zt, zn);
    }
    free(perm);
    free(v);
    return bb4_eq(acc, bb4_mul(zh, q)) ? RK_OK : RK_EFALSE;
}

/* ---- keys ---- */

int stark_keygen(const air_machine *m, const fri_params *fri, const bb_t *const *pre_traces,
                 const unsigned *pre_log_heights, stark_pk *pk, rk_err *e)
{
    return stark_keygen_ex(m, fri, fri_log_arity(fri), pre_traces, pre_log_heights, pk, e);
}

int stark_keygen_ex(const air_machine *m, const fri_params *fri, unsigned fri_log_arity,
                    const bb_t *const *pre_traces, const unsigned *pre_log_heights, stark_pk *pk,
                    rk_err *e)
{
    stark_pk_free(pk);
    stark_pk_init(pk);
    int rc;
    if (!m->finalized)
        return rk_fail(e, RK_EINPUT, "stark: the machine is not finalized");
    size_t nt = m->n_tables;
    pk->m = m;
    pk->vk.fri = *fri;
    pk->vk.fri.log_arity = fri_log_arity;
    if ((rc = stark_air_digest(m, &pk->vk.air_digest, e)))
        goto fail;
    pk->vk.n_tables = (uint32_t)nt;
    pk->vk.pre_log_heights = calloc(nt, sizeof *pk->vk.pre_log_heights);
    pk->pre_trace = calloc(nt, sizeof *pk->pre_trace);
    pk->pre_lde = calloc(nt, sizeof *pk->pre_lde);
    if (!pk->vk.pre_log_heights || !pk->pre_trace || !pk->pre_lde)
        goto oom;
    for (size_t t = 0; t < nt; t++)
        if (m->tables[t]->pre_width) {
            pk->vk.pre_log_heights[t] = pre_log_heights[t];
            pk->vk.has_pre = 1;
        }
    if ((rc = stark_check_machine(m, &pk->vk, e)))
        goto fail;
    if (pk->vk.has_pre) {
        const bb_t *mats[nt];
        size_t widths[nt];
        unsigned lh[nt];
        size_t k = 0;
        for (size_t t = 0; t < nt; t++) {
            const air_table *tb = m->tables[t];
            if (!tb->pre_width)
                continue;
            unsigned h = pre_log_heights[t];
            size_t n = (size_t)1 << h, w = tb->pre_width;
            if (!pre_traces || !pre_traces[t]) {
                rc = rk_fail(e, RK_EINPUT, "stark: table %s: missing preprocessed trace", tb->name);
                goto fail;
            }
            pk->pre_trace[t] = malloc(n * w * sizeof(bb_t));
            pk->pre_lde[t] = malloc((n << fri->log_blowup) * w * sizeof(bb_t));
            if (!pk->pre_trace[t] || !pk->pre_lde[t])
                goto oom;
            memcpy(pk->pre_trace[t], pre_traces[t], n * w * sizeof(bb_t));
            if (ntt_coset_lde_batch(pk->pre_trace[t], h, w, fri->log_blowup, bb_generator(),
                                    pk->pre_lde[t], 1))
                goto oom;
            mats[k] = pk->pre_lde[t];
            widths[k] = w;
            lh[k] = h + fri->log_blowup;
            k++;
        }
        if ((rc = merkle_commit(&pk->pre_tree, k, mats, widths, lh, e)))
            goto fail;
        pk->vk.pre_root = *merkle_root(&pk->pre_tree);
    }
    return RK_OK;
oom:
    rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory in keygen");
fail:
    stark_pk_free(pk);
    return rc;
}

int stark_vk_encode(const stark_vk *vk, rk_buf *out, rk_err *e)
{
    rk_buf_u32(out, STARK_VK_MAGIC);
    rk_buf_u32(out, STARK_VK_VERSION);
    rk_buf_u32(out, vk->fri.log_blowup);
    rk_buf_u32(out, vk->fri.num_queries);
    rk_buf_u32(out, vk->fri.pow_bits);
    rk_buf_u32(out, vk->fri.log_final_poly_len);
    rk_buf_u32(out, vk->fri.log_arity);
    rk_buf_u32(out, STARK_HASH_BABYBEAR_P2);
    rk_buf_u32(out, vk->n_tables);
    for (uint32_t t = 0; t < vk->n_tables; t++)
        rk_buf_u32(out, vk->pre_log_heights[t]);
    rk_buf_u32(out, (uint32_t)vk->has_pre);
    fri_put_digest(out, &vk->pre_root);
    fri_put_digest(out, &vk->air_digest);
    if (out->oom)
        return rk_fail(e, RK_EINTERNAL, "stark: out of memory encoding the vk");
    return RK_OK;
}

int stark_vk_decode(const uint8_t *p, size_t len, stark_vk *vk, rk_err *e)
{
    stark_vk_free(vk);
    rk_rd r;
    rk_rd_init(&r, p, len);
    if (rk_rd_u32(&r) != STARK_VK_MAGIC)
        return rk_fail(e, RK_EINPUT, "stark vk: bad magic");
    uint32_t ver = rk_rd_u32(&r);
    if (ver != STARK_VK_VERSION)
        return rk_fail(e, RK_EINPUT, "stark vk: version %u (this build reads %d)", ver, STARK_VK_VERSION);
    vk->fri.log_blowup = rk_rd_u32(&r);
    vk->fri.num_queries = rk_rd_u32(&r);
    vk->fri.pow_bits = rk_rd_u32(&r);
    vk->fri.log_final_poly_len = rk_rd_u32(&r);
    vk->fri.log_arity = rk_rd_u32(&r);
    if (vk->fri.log_arity < 1 || vk->fri.log_arity > FRI_MAX_LOG_ARITY)
        r.bad = 1;
    uint32_t hash_id = rk_rd_u32(&r);
    if (!r.bad && hash_id != STARK_HASH_BABYBEAR_P2)
        return rk_fail(e, RK_EINPUT, "stark vk: unknown hash %u", hash_id);
    uint32_t nt = rk_rd_u32(&r);
    if (r.bad || nt == 0 || nt > 4096 || (size_t)nt * 4 > rk_rd_left(&r))
        return rk_fail(e, RK_EINPUT, "stark vk: bad table count");
    int rc = fri_params_check(&vk->fri, e);
    if (rc)
        return rk_err_prefix(e, "stark vk");
    vk->n_tables = nt;
    vk->pre_log_heights = calloc(nt, sizeof *vk->pre_log_heights);
    if (!vk->pre_log_heights)
        return rk_fail(e, RK_EINTERNAL, "stark vk: out of memory");
    for (uint32_t t = 0; t < nt; t++) {
        vk->pre_log_heights[t] = rk_rd_u32(&r);
        if (vk->pre_log_heights[t] > STARK_MAX_LOG_HEIGHT)
            r.bad = 1;
    }
    uint32_t hp = rk_rd_u32(&r);
    vk->has_pre = hp == 1;
    vk->pre_root = fri_get_digest(&r);
    vk->air_digest = fri_get_digest(&r);
    p2_digest zero;
    memset(&zero, 0, sizeof zero);
    if (hp > 1 || (!vk->has_pre && memcmp(&zero, &vk->pre_root, sizeof zero) != 0))
        r.bad = 1;
    if (!rk_rd_done(&r)) {
        stark_vk_free(vk);
        return rk_fail(e, RK_EINPUT, "stark vk: malformed (truncated, non-canonical or trailing bytes)");
    }
    return RK_OK;
}

int stark_proof_log_heights(const uint8_t *proof, size_t len, size_t n_tables, unsigned *out, rk_err *e)
{
    /* the layout of docs/stark.md section 6: the key digest, then one word per table */
    const size_t at = 4 * P2_DIGEST;
    if (len < at || (len - at) / 4 < n_tables)
        return rk_fail(e, RK_EFALSE, "stark: proof too short for its table heights");
    for (size_t t = 0; t < n_tables; t++)
        out[t] = rk_le32(proof + at + 4 * t);
    return RK_OK;
}
