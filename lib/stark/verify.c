/* verify.c - the multi-table STARK verifier: one straight pass over the proof bytes,
 * in transcript order (docs/stark.md, "Protocol" and "Proof layout"). */
#include <stdlib.h>
#include <string.h>

#include "stark/stark.h"

int stark_verify(const air_machine *m, const stark_vk *vk, const bb_t *publics, const uint8_t *proof,
                 size_t len, rk_err *e)
{
    int rc = stark_check_machine(m, vk, e);
    if (rc)
        return rc;
    const fri_params *fp = &vk->fri;
    const unsigned lb = fp->log_blowup;
    const size_t nt = m->n_tables;
    rk_rd in;
    rk_rd_init(&in, proof, len);

    unsigned *log_n = calloc(nt, sizeof *log_n), *log_qd = calloc(nt, sizeof *log_qd);
    stark_topen *op = calloc(nt, sizeof *op);
    bb4_t *cumsum = calloc(nt, sizeof *cumsum);
    bb4_t *ch = calloc(AIR_CH_GAMMA1 + m->max_arity + 1, sizeof *ch);
    bb4_t *opened = NULL;
    size_t *widths = calloc(4 * nt, sizeof *widths), *tab = calloc(4 * nt, sizeof *tab);
    const bb4_t **tpts = calloc(nt, sizeof *tpts);
    unsigned *lh = calloc(4 * nt, sizeof *lh), *np = calloc(4 * nt, sizeof *np);
    const bb4_t **pts = calloc(4 * nt, sizeof *pts), **vals = calloc(4 * nt, sizeof *vals);
    bb4_t *zpts = calloc(2 * nt, sizeof *zpts);
    if (!log_n || !log_qd || !op || !cumsum || !ch || !widths || !tab || !tpts || !lh || !np || !pts || !vals || !zpts) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto out;
    }

    /* the key the proof was made under, then the heights */
    p2_digest vkd, proof_vkd = fri_get_digest(&in);
    if ((rc = stark_vk_digest(vk, &vkd, e)))
        goto out;
    if (in.bad || memcmp(&vkd, &proof_vkd, sizeof vkd) != 0) {
        rc = rk_fail(e, RK_EFALSE,
                     "stark: proof made under another verifying key (another AIR, FRI parameters or "
                     "preprocessed columns), or by an older raiko");
        goto out;
    }
    int any_perm = 0;
    size_t n_open = 0;
    for (size_t t = 0; t < nt; t++) {
        const air_table *tb = m->tables[t];
        uint32_t h = rk_rd_u32(&in);
        if (in.bad || h < 1 || h < fp->log_final_poly_len || h > STARK_MAX_LOG_HEIGHT || h + lb > 27 ||
            (tb->pre_width && h != vk->pre_log_heights[t])) {
            rc = rk_fail(e, RK_EFALSE, "stark: proof: table %s: bad log height", tb->name);
            goto out;
        }
        log_n[t] = h;
        log_qd[t] = stark_log_quotient_degree(tb);
        n_open += stark_table_open_layout(tb, log_qd[t], NULL, &op[t]);
        any_perm |= tb->perm_width > 0;
    }
    chal c;
    chal_init(&c);
    stark_observe_instance(&c, m, &vkd, publics, log_n);

    /* commitments and challenges, in transcript order */
    p2_digest main_root = fri_get_digest(&in), perm_root, q_root;
    memset(&perm_root, 0, sizeof perm_root);
    chal_observe_digest(&c, &main_root);
    ch[AIR_CH_BETA] = chal_sample_ext(&c);
    bb4_t gamma = chal_sample_ext(&c);
    ch[AIR_CH_GAMMA1] = gamma;
    for (unsigned k = 1; k < m->max_arity; k++)
        ch[AIR_CH_GAMMA1 + k] = bb4_mul(ch[AIR_CH_GAMMA1 + k - 1], gamma);
    bb4_t total = bb4_zero();
    if (any_perm) {
        perm_root = fri_get_digest(&in);
        chal_observe_digest(&c, &perm_root);
        for (size_t t = 0; t < nt; t++)
            if (m->tables[t]->perm_width) {
                cumsum[t] = fri_get_ext(&in);
                chal_observe_ext(&c, cumsum[t]);
                total = bb4_add(total, cumsum[t]);
            }
    }
    bb4_t alpha = chal_sample_ext(&c);
    q_root = fri_get_digest(&in);
    chal_observe_digest(&c, &q_root);
    bb4_t zeta = chal_sample_ext(&c);
    if (zeta.c[1] == 0 && zeta.c[2] == 0 && zeta.c[3] == 0) {
        rc = rk_fail(e, RK_EFALSE, "stark: zeta in the base field");
        goto out;
    }
    opened = malloc((n_open ? n_open : 1) * sizeof *opened);
    if (!opened) {
        rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_open; i++) {
        opened[i] = fri_get_ext(&in);
        chal_observe_ext(&c, opened[i]);
    }
    if (in.bad) {
        rc = rk_fail(e, RK_EFALSE, "stark: proof truncated or not canonical");
        goto out;
    }

    /* LogUp: the tables' cumulative sums and the public terms add to zero */
    bb4_t pub;
    if (stark_public_logup_sum(m, publics, ch, &pub, NULL) != RK_OK || !bb4_eq(bb4_add(total, pub), bb4_zero())) {
        rc = rk_fail(e, RK_EFALSE, "stark: the LogUp cumulative sums do not add to zero");
        goto out;
    }

    /* out-of-domain constraint check, table by table */
    size_t off = 0;
    for (size_t t = 0; t < nt; t++) {
        const air_table *tb = m->tables[t];
        stark_table_open_layout(tb, log_qd[t], opened + off, &op[t]);
        off += op[t].n;
        ch[AIR_CH_CUMSUM] = cumsum[t];
        rc = stark_table_check_at_zeta(tb, log_n[t], log_qd[t], &op[t], publics, ch, alpha, zeta);
        if (rc == RK_EINTERNAL) {
            rc = rk_fail(e, RK_EINTERNAL, "stark: out of memory");
            goto out;
        }
        if (rc) {
            rc = rk_fail(e, RK_EFALSE, "stark: table %s: constraints do not hold at zeta", tb->name);
            goto out;
        }
        zpts[2 * t] = zeta;
        zpts[2 * t + 1] = bb4_mul_base(zeta, bb_two_adic_generator(log_n[t]));
    }

    /* FRI: the openings are evaluations of the committed polynomials */
    fri_batch fb[4];
    int commit[4];
    for (size_t t = 0; t < nt; t++)
        tpts[t] = zpts + 2 * t;
    size_t nfb = stark_fri_layout(m, log_n, lb, op, tpts, widths, lh, np, pts, vals, tab, fb, commit);
    for (size_t k = 0; k < nfb; k++)
        fb[k].root = commit[k] == 0 ? vk->pre_root : commit[k] == 1 ? main_root : commit[k] == 2 ? perm_root : q_root;
    if ((rc = fri_verify(fp, &c, fb, nfb, &in, e))) {
        if (rc != RK_EINTERNAL)
            rc = RK_EFALSE;
        goto out;
    }
    if (!rk_rd_done(&in))
        rc = rk_fail(e, RK_EFALSE, "stark: proof has trailing bytes");
out:
    free(log_n);
    free(log_qd);
    free(op);
    free(cumsum);
    free(ch);
    free(opened);
    free(widths);
    free(tab);
    free(tpts);
    free(lh);
    free(np);
    free(pts);
    free(vals);
    free(zpts);
    return rc;
}
